package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/leakwatch"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// EventsBackend is the optional part of a Backend that can feed its hold
// index from keyspace notifications (*read.Poller satisfies it). The
// dashboard never switches them on by itself: only E, armed, after a y/n
// naming the exact CONFIG SET and the command that undoes it.
type EventsBackend interface {
	KeyspaceEventsOn() bool
	KeyspaceEventsCommand() string
	KeyspaceEventsUndo() string // "" when the flags before are not known
	EnableKeyspaceEvents(ctx context.Context) error
}

// Texts of E: the setting changes the server for every client and stays
// after flashtop exits (DESIGN.md §6), so each of them says so and how to undo it.
const (
	eventsConfirmTitle = "Keyspace events"
	eventsOutlives     = "server-wide, outlives flashtop"
	eventsUndoUnknown  = "set notify-keyspace-events back to its flags before (not read: CONFIG GET failed or has not run)"
	eventsOnStatus     = "events on" // the command log's status word
)

// eventsChange is the CONFIG SET the E confirm runs and the command that
// undoes it, both read when the confirm opens (the flags change once it has run).
type eventsChange struct {
	command string
	undo    string // "" when the flags before are not known
}

// undoText is how to undo the change, sanitized (the flags came from Redis).
func (c eventsChange) undoText() string {
	if c.undo == "" {
		return eventsUndoUnknown
	}
	return textsafe.String(c.undo)
}

// prompt is the question of the E confirm.
func (c eventsChange) prompt() string {
	return "Run " + textsafe.String(c.command) + " on every master? Holds then update as they change " +
		"(the server publishes an event per write). The setting is server-wide and outlives flashtop. " +
		"To undo it: " + c.undoText()
}

// logCommand is the command log's (and the status bar's) line for the change.
func (c eventsChange) logCommand() string {
	return textsafe.String(c.command) + " (" + eventsOutlives + "; undo: " + c.undoText() + ")"
}

// eventsResultMsg is the outcome of EnableKeyspaceEvents.
type eventsResultMsg struct {
	change eventsChange
	err    error
}

// eventsBackend finds the EventsBackend in b, looking through the leak
// watch's wrapper (leakwatch.Backend embeds the backend it wraps).
func eventsBackend(b Backend) (EventsBackend, bool) {
	for b != nil {
		if eb, ok := b.(EventsBackend); ok {
			return eb, true
		}
		lb, ok := b.(*leakwatch.Backend)
		if !ok || lb == nil {
			return nil, false
		}
		b = lb.Inner
	}
	return nil, false
}

// startEvents opens the confirm of E, naming the exact command it will run.
func (m Model) startEvents() Model {
	eb, ok := eventsBackend(m.cfg.Backend)
	switch {
	case m.cfg.InProcess:
		m.setStatus(statusErr, "keyspace events: the demo's in-process Redis has none (install redis-server for a real one)")
		return m
	case !m.cfg.Arming.Armed:
		m.setStatus(statusErr, "refused: "+m.cfg.Arming.Reason)
		return m
	case !ok:
		m.setStatus(statusErr, "keyspace events: not available with this backend")
		return m
	case eb.KeyspaceEventsOn():
		m.setStatus(statusInfo, "keyspace events are already on: holds update as they change")
		return m
	}
	change := eventsChange{command: eb.KeyspaceEventsCommand(), undo: eb.KeyspaceEventsUndo()}
	ctx := m.ctx
	run := func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		return eventsResultMsg{change: change, err: eb.EnableKeyspaceEvents(ctx)}
	}
	return m.ask(eventsConfirmTitle, change.prompt(), run)
}

// handleEventsResultMsg logs the outcome (the change outlives flashtop:
// the line says so and how to undo it), shows it in the status bar and
// refreshes. A failure is logged with the undo too: masters set before the
// one that failed keep the setting.
func (m Model) handleEventsResultMsg(msg eventsResultMsg) (tea.Model, tea.Cmd) {
	e := panels.LogEntry{At: m.now, Command: msg.change.logCommand(), Status: eventsOnStatus, OK: true}
	var cmd tea.Cmd
	if msg.err != nil {
		e.Status, e.OK, e.Err = "", false, textsafe.String(msg.err.Error())
		m.setStatus(statusErr, "keyspace events: "+e.Err)
	} else {
		m.setStatus(statusOK, "keyspace events on ("+eventsOutlives+"; undo: "+msg.change.undoText()+")")
		cmd = m.requestPoll()
	}
	m.appendLog(e)
	m.pushData()
	return m, cmd
}
