package read

import (
	"cmp"
	"flashtop/redisops"
	"flashtop/textsafe"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
)

// unreadReasonMax bounds the server text kept as a reason (terminal cells).
const unreadReasonMax = 160

// allRefused reports whether every command of a pipeline got an error reply
// (WRONGTYPE and redis.Nil aside, which are data): nothing could be read.
func allRefused(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if !redisops.IsBlind(c.Err()) {
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
	m  map[string]*redisops.Unreadable
}

func newUnreadSet() *unreadSet { return &unreadSet{m: map[string]*redisops.Unreadable{}} }

// note records what as unreadable when err is blind (see IsBlind); it
// reports whether it was. A nil set records nothing.
func (u *unreadSet) note(what string, err error) bool {
	if u == nil || !redisops.IsBlind(err) {
		return false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.m[what]
	if e == nil {
		e = &redisops.Unreadable{What: what, Reason: textsafe.Cut(err.Error(), unreadReasonMax)}
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
	u.noteCmds(redisops.UnreadStock, sr.stock.Cmds()...)
	if sr.card != nil {
		u.noteCmds(redisops.UnreadQueues, sr.card, sr.head)
	}
}

// list is what was noted, by kind (never nil).
func (u *unreadSet) list() []redisops.Unreadable {
	out := []redisops.Unreadable{}
	if u == nil {
		return out
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, e := range u.m {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b redisops.Unreadable) int { return cmp.Compare(a.What, b.What) })
	return out
}

// unreadFamily is the Unreadable kind of a key family.
func unreadFamily(family string) string {
	switch family {
	case familyStock:
		return redisops.UnreadStock
	case familyQueue:
		return redisops.UnreadQueues
	}
	return redisops.UnreadHolds
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
		if redisops.IsBlind(err) {
			return err
		}
	}
	return nil
}
