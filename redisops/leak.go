package redisops

import (
	"strconv"
	"time"
)

// The data of the leak watch that redisops itself produces or carries: how
// a hold's end was observed (Vanish, told to a HoldObserver by the hold
// index), a leak and its class, a sale's leak totals, and the leaks of a
// Snapshot (WatchedLeak). The watch itself (tracker, ledger interface,
// in-memory ledger, the dashboard's wrapper) is package flashtop/leakwatch;
// the Redis ledger's operations are in ledger.go. See the comment there.

// DefaultLeakSkew is kept for callers of leakwatch.NewTracker; the
// classification no longer uses a margin (Vanish carries bounds).
const DefaultLeakSkew = maxClockMargin

// Vanish is how a hold's end was observed, as bounds in server time.
//
// Redis never removes a key before its deadline (it expires a key once its
// millisecond clock is past the deadline), and once the deadline has passed
// any command on the key, DEL included, first expires it: an end before the
// deadline was a release (or a checkout), one after it an expiry. flashtop
// never knows the instant of an end, only bounds: Before, a server time no
// earlier than the end (a push's arrival, or a read that found the key
// gone, plus the clock's uncertainty), and NotBefore, one no later than it
// (the PING that brackets the push, feed_ping.go; zero when nothing bounds
// it from below). An end provably before the deadline is a release; one
// provably after it (NotBefore past the deadline, with the feed unbroken,
// Seen) a verified leak; anything else whose deadline has passed is
// unverified. The classification is leakwatch.Tracker's.
type Vanish struct {
	At time.Time // when the end was observed (server time), for the record
	// Before and NotBefore bound the end (zero: not known).
	Before, NotBefore time.Time
	// Seen says the feed had no gap between the hold's last read and the
	// push that NotBefore comes from.
	Seen bool
	// Expired and Deleted say a keyspace notification named the event
	// (expired or evicted; del or unlink).
	Expired, Deleted bool
	// Margin is unused (kept for the zero value's sake of older callers).
	Margin time.Duration
}

// HoldObserver is told of every hold a hold index learns (Seen, at in server
// time) and loses (Gone, with how its end was observed). *leakwatch.Tracker
// satisfies it; the dashboard's poller calls it so that the leak watch covers
// every sale, not only the holds a snapshot lists.
type HoldObserver interface {
	Seen(holds []Hold, at time.Time)
	Gone(key string, v Vanish) (Leak, bool)
}

// NoStamp is the stamp of a hold that says neither reserved_at nor expiresAt.
const NoStamp = "none"

// HoldStamp is the stamp that, with the hold key, names one hold across
// watchers: its reserved_at in unix seconds (a JSON hold's is its expiresAt
// less 300 s), or NoStamp.
func HoldStamp(h Hold) string {
	if h.ReservedAt == nil {
		return NoStamp
	}
	return strconv.FormatInt(h.ReservedAt.Unix(), 10)
}

// Leak is one hold that expired while its units were still taken from stock
// (backend-contract.md, Expiry): the backend never gives them back.
type Leak struct {
	Sale     string    `json:"sale"`
	User     string    `json:"user"`
	Key      string    `json:"key"`      // the hold key
	Shape    string    `json:"shape"`    // HoldShapeHash or HoldShapeJSON
	Quantity int64     `json:"quantity"` // the units lost
	Stamp    string    `json:"stamp"`    // reserved_at in unix seconds (NoStamp when unknown): names the leak with Key
	Deadline time.Time `json:"deadline"` // when the hold was due to expire
	At       time.Time `json:"at"`       // when its vanishing was observed
	// Class says how sure the leak is: LeakVerified (its end was seen at or
	// after its deadline, as it happened) or LeakUnverified (its end was not
	// seen as it happened: it may have been released). Only verified leaks
	// are reclaimed unless the operator asks for more.
	Class string `json:"class"`
}

// Leak classes (Leak.Class, the ledger and JSON; DESIGN.md §5).
const (
	LeakVerified   = "verified"
	LeakUnverified = "unverified"
)

// Verified says l's Class is LeakVerified. Any other class (empty: a leak
// of an older flashtop or recording) counts as LeakUnverified, in the
// ledgers and wherever a leak is shown: the side never reclaimed by default.
func (l Leak) Verified() bool { return l.Class == LeakVerified }

// LeakTotals are one sale's leaks: not reclaimed yet (Units, Holds) and
// already given back (ReclaimedUnits, ReclaimedHolds).
type LeakTotals struct {
	Units int64 `json:"units"`
	Holds int64 `json:"holds"`
	// UnverifiedUnits and UnverifiedHolds are the part of Units and Holds
	// whose end was not seen as it happened (LeakUnverified).
	UnverifiedUnits int64 `json:"unverified_units"`
	UnverifiedHolds int64 `json:"unverified_holds"`
	ReclaimedUnits  int64 `json:"reclaimed_units"`
	ReclaimedHolds  int64 `json:"reclaimed_holds"`
}

// WatchedLeak is a leak with whether this watcher recorded it first
// (Snapshot.Leaks, filled by the leak watch).
type WatchedLeak struct {
	Leak
	Recorded bool `json:"recorded"` // false: another watcher had recorded it
}
