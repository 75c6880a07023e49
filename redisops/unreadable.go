package redisops

import (
	"cmp"
	"flashtop/textsafe"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// What a snapshot could not read (Unreadable.What). A blind read is never
// reported as empty data (DESIGN.md §5, CONVENTIONS.md 20): what is listed
// here is left at zero, or null, in the snapshot, and counts that depend on
// it count only what could be read.
const (
	UnreadServer  = "server"       // INFO: memory, clients, ops/s, hits… are unknown
	UnreadSlowlog = "slowlog"      // SLOWLOG GET: an empty slowlog says nothing
	UnreadActive  = "active_sales" // flash_sales:active (SSCAN)
	UnreadStock   = "stock"        // stock keys (TYPE, GETRANGE): inventory null says nothing
	UnreadQueues  = "queues"       // queue keys (ZCARD, ZRANGE, TYPE)
	UnreadHolds   = "holds"        // hold keys (HMGET, GETRANGE, PTTL, TYPE): counts and units leave them out
)

// unreadReasonMax bounds the server text kept as a reason (terminal cells).
const unreadReasonMax = 160

// KeyFamily reports whether u is about keys of the stock, queue or hold
// family: what counts, anomalies and audit are made of.
func (u Unreadable) KeyFamily() bool {
	switch u.What {
	case UnreadStock, UnreadQueues, UnreadHolds:
		return true
	}
	return false
}

// blindErr reports an error reply that means a value could not be read: not
// redis.Nil (no such key: data), not WRONGTYPE (a key of another type: data,
// reported as wrong_type), and not a connection error (which fails the read
// as a whole). NOPERM, a proxy's -ERR and the like are blind.
func blindErr(err error) bool {
	if err == nil || err == redis.Nil || !isReplyError(err) {
		return false
	}
	return !strings.HasPrefix(err.Error(), "WRONGTYPE")
}

// pipeErr is what a pipeline's Exec error means for the read: nil when it is
// an error reply that one of cmds carries (it stays there, as data or as
// unreadable), else the error, classified. A connection that could not be
// set up (AUTH refused after a password change, CLIENT SETNAME refused, a
// proxy answering -ERR to HELLO) makes Exec return an error reply while no
// command has a reply at all: their zero values are not data.
func pipeErr(cmds []redis.Cmder, err error) error {
	if err == nil {
		return nil
	}
	if isReplyError(err) {
		for _, c := range cmds {
			if c.Err() != nil {
				return nil
			}
		}
	}
	return Classify(err)
}

// allRefused reports whether every command of a pipeline got an error reply
// (WRONGTYPE and redis.Nil aside, which are data): nothing could be read.
func allRefused(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if !blindErr(c.Err()) {
			return false
		}
	}
	return len(cmds) > 0
}

// firstCmdErr is the first error among cmds (nil when none).
func firstCmdErr(cmds []redis.Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// unreadSet gathers what one read could not see: per kind, the first reason
// and, for key families, how many keys. Safe for concurrent use (the nodes
// of a walk step in parallel).
type unreadSet struct {
	mu sync.Mutex
	m  map[string]*Unreadable
}

func newUnreadSet() *unreadSet { return &unreadSet{m: map[string]*Unreadable{}} }

// note records what as unreadable when err is blind (see blindErr); it
// reports whether it was. A nil set records nothing.
func (u *unreadSet) note(what string, err error) bool {
	if u == nil || !blindErr(err) {
		return false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.m[what]
	if e == nil {
		e = &Unreadable{What: what, Reason: textsafe.Cut(err.Error(), unreadReasonMax)}
		u.m[what] = e
	}
	if e.KeyFamily() {
		e.Keys++
	}
	return true
}

// noteCmds notes the first blind error among cmds (one key's reads) as one
// unreadable key of what.
func (u *unreadSet) noteCmds(what string, cmds ...redis.Cmder) bool {
	for _, c := range cmds {
		if c != nil && u.note(what, c.Err()) {
			return true
		}
	}
	return false
}

// noteSale notes a sale row's stock and queue reads.
func (u *unreadSet) noteSale(sr saleRead) {
	if sr.stock.typ != nil {
		u.noteCmds(UnreadStock, sr.stock.typ, sr.stock.head)
	}
	if sr.card != nil {
		u.noteCmds(UnreadQueues, sr.card, sr.head)
	}
}

// list is what was noted, by kind (never nil).
func (u *unreadSet) list() []Unreadable {
	out := []Unreadable{}
	if u == nil {
		return out
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, e := range u.m {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Unreadable) int { return cmp.Compare(a.What, b.What) })
	return out
}

// MergeUnreadable joins lists of unreadables: one entry per kind, the first
// reason, the most keys (lists may see the same keys: a stock key read by the
// walk and by the tick). The result is sorted by kind, never nil.
func MergeUnreadable(lists ...[]Unreadable) []Unreadable {
	by := map[string]Unreadable{}
	for _, l := range lists {
		for _, e := range l {
			if have, ok := by[e.What]; ok {
				e.Reason = have.Reason
				e.Keys = max(e.Keys, have.Keys)
			}
			by[e.What] = e
		}
	}
	out := make([]Unreadable, 0, len(by))
	for _, e := range by {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Unreadable) int { return cmp.Compare(a.What, b.What) })
	return out
}

// unreadFamily is the Unreadable kind of a key family.
func unreadFamily(family string) string {
	switch family {
	case familyStock:
		return UnreadStock
	case familyQueue:
		return UnreadQueues
	}
	return UnreadHolds
}

// cmds lists a full-read hold read's commands.
func (hr holdRead) cmds() []redis.Cmder {
	if hr.fields != nil {
		return []redis.Cmder{hr.fields, hr.pttl}
	}
	return []redis.Cmder{hr.length, hr.head, hr.pttl}
}

// blindHold reports the first blind error among a hold read's replies
// (nil when none). PEXPIRETIME refused as an unknown command is not blind:
// the poller then reads PTTL instead.
func (ph *pendingHold) blindHold() error {
	var errs []error
	if ph.typ != nil {
		errs = append(errs, ph.typ.Err())
	}
	if ph.fields != nil {
		errs = append(errs, ph.fields.Err())
	}
	if ph.length != nil {
		errs = append(errs, ph.length.Err(), ph.head.Err())
	}
	if ph.pttl != nil {
		errs = append(errs, ph.pttl.Err())
	}
	if ph.expire != nil && !unknownCommand(ph.expire.Err()) {
		errs = append(errs, ph.expire.Err())
	}
	for _, err := range errs {
		if blindErr(err) {
			return err
		}
	}
	return nil
}
