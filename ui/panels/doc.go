// Package panels holds the dashboard's panels — sales, holds, queue, server,
// slowlog, the command log, the event feed and anomalies — each a component in the bubbles
// shape (New, Update, View, SetSize, SetData, Focus, Blur). The panels that
// list rows draw them with ui/table inside their box (tableFrame, box.go),
// whose KeyMap moves their cursor. Panels render from a Data value the root
// model hands them; they do no I/O. Every string that came from Redis is
// sanitized and cut to its column before it is drawn, and View never exceeds
// the size set.
package panels

import (
	"time"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/salelog"
)

// Data is what the root model gives every panel on each poll result and each
// clock tick.
type Data struct {
	Snap   *redisops.Snapshot // nil until the first poll
	Now    time.Time          // injected clock (moves every second even when polling is slower)
	Sale   string             // the selected sale id ("" = none)
	Filter string             // substring filter on sales and holds ("" = none)
	Stale  bool               // data is old: show its age ("data 12s old")
	Log    []LogEntry         // command log, oldest first (root keeps at most 500)
	// InProcess: the server is the demo's in-process Redis, whose INFO has
	// no memory, ops/s, keyspace or persistence: the server panel says
	// "n/a" for them, never 0.
	InProcess bool
	// Events is the event feed, newest first (package salelog), and
	// EventsSince when it began watching.
	Events      []salelog.Event
	EventsSince time.Time
	// Alerts are the active alerts (flashtop/alerts): their cells take the
	// alert colour. Nil: none.
	Alerts alerts.Set
}

// LogEntry is one operation flashtop ran, for the command log.
type LogEntry struct {
	At      time.Time
	Command string // the command and its arguments
	Status  string // status word of the reply ("" on error)
	OK      bool   // a success status word
	Err     string // error text ("" when the command got a reply)
}

// age is how old the snapshot is at d.Now (0 without a snapshot).
func (d Data) age() time.Duration {
	if d.Snap == nil || d.Snap.TakenAt.IsZero() {
		return 0
	}
	return d.Now.Sub(d.Snap.TakenAt)
}
