package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Keyspace notifications. The poller needs K (keyspace channels) and the
// classes g (del, expire, rename), x (expired), $ (set) and h (hset), or A
// for all classes; e (evicted) is asked for too when it enables them.
const (
	notifyParam   = "notify-keyspace-events"
	neededClasses = "gx$h"
	enableFlags   = "Kgx$he"
	// eventsRecheck is how often the poller asks CONFIG GET again, to notice
	// notifications someone else switched on or off.
	eventsRecheck = 5 * time.Minute
)

// stockWrite reports an event of a string written as a number (a stock key).
func stockWrite(event string) bool {
	switch event {
	case "set", "incrby", "decrby", "incrbyfloat":
		return true
	}
	return false
}

// eventsSufficient reports whether flags send what the index needs.
func eventsSufficient(flags string) bool {
	if !strings.Contains(flags, "K") {
		return false
	}
	if strings.Contains(flags, "A") {
		return true
	}
	for _, c := range neededClasses {
		if !strings.ContainsRune(flags, c) {
			return false
		}
	}
	return true
}

// mergeFlags adds the flags the poller needs to flags (keeping the others).
func mergeFlags(flags string) string {
	out := flags
	for _, c := range enableFlags {
		if strings.ContainsRune(out, c) || (c != 'K' && strings.Contains(out, "A")) { // A: every class
			continue
		}
		out += string(c)
	}
	return out
}

// events is the keyspace-notification side of the poller: it checks the
// server's notify-keyspace-events (CONFIG GET) and, when it already sends
// what the index needs, subscribes on every node and applies the events to
// the index at once (removals) or at the next tick (changed holds are read
// again). It never switches notifications on by itself.
type events struct {
	p       *Poller
	mu      sync.Mutex
	checked time.Time
	flags   map[string]string // node addr -> notify-keyspace-events
	subs    []*redis.PubSub
	wg      sync.WaitGroup
	stopped bool
}

func newEvents(p *Poller) *events { return &events{p: p, flags: map[string]string{}} }

// on reports whether the index is fed by keyspace events.
func (e *events) on() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.subs) > 0
}

func (e *events) flagsOf(addr string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.flags[addr]
}

// ensure checks the flags at the first tick and every eventsRecheck, and
// subscribes when they suffice. An error (an ACL without CONFIG, a server
// without it) leaves events off: the walk alone keeps the index.
func (e *events) ensure(ctx context.Context, nodes []pnode, acct *tickCost) {
	e.mu.Lock()
	due := !e.stopped && (e.checked.IsZero() || time.Since(e.checked) > eventsRecheck)
	e.mu.Unlock()
	if !due {
		return
	}
	flags := map[string]string{}
	for _, pn := range nodes {
		rctx, cancel := e.p.withTimeout(ctx)
		start := time.Now()
		cmd := pn.cl.ConfigGet(rctx, notifyParam)
		acct.add([]redis.Cmder{cmd}, time.Since(start), false)
		cancel()
		flags[pn.addr] = cmd.Val()[notifyParam]
	}
	e.mu.Lock()
	e.checked, e.flags = time.Now(), flags
	e.mu.Unlock()
	all := len(nodes) > 0
	for _, f := range flags {
		all = all && eventsSufficient(f)
	}
	if all {
		_ = e.subscribe(ctx, nodes) // on failure, events stay off; retried at the next check
	} else {
		e.unsubscribe()
	}
}

// patterns are the keyspace channels of the hold, stock and queue keys.
func (e *events) patterns(db int) []string {
	s := e.p.schema
	prefix := fmt.Sprintf("__keyspace@%d__:", db)
	return []string{prefix + s.Hold.ScanPattern(), prefix + s.Stock.ScanPattern(), prefix + s.Queue.ScanPattern()}
}

// subscribe subscribes on every node (notifications are node-local), once.
// Only the poll tick calls it (under the poller's lock), so e.mu is not held
// across the network.
func (e *events) subscribe(ctx context.Context, nodes []pnode) error {
	e.mu.Lock()
	busy := len(e.subs) > 0 || e.stopped
	e.mu.Unlock()
	if busy {
		return nil
	}
	var subs []*redis.PubSub
	for _, pn := range nodes {
		db := pn.cl.Options().DB
		ps := pn.cl.PSubscribe(ctx, e.patterns(db)...)
		rctx, cancel := e.p.withTimeout(ctx)
		_, err := ps.Receive(rctx) // the first confirmation: the subscription is live
		cancel()
		if err != nil {
			_ = ps.Close()
			for _, s := range subs {
				_ = s.Close()
			}
			return redisops.Classify(err)
		}
		subs = append(subs, ps)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped { // Close came first
		for _, s := range subs {
			_ = s.Close()
		}
		return nil
	}
	e.subs = subs
	for i, ps := range subs {
		ch := ps.Channel()
		prefix := fmt.Sprintf("__keyspace@%d__:", nodes[i].cl.Options().DB)
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			for msg := range ch {
				e.apply(strings.TrimPrefix(msg.Channel, prefix), msg.Payload)
			}
		}()
	}
	return nil
}

// apply updates the index from one event: a removal at once, any other
// change of a hold by reading it again at the next tick; a stock or queue
// key written makes its sale appear before the walk finds it.
func (e *events) apply(key, event string) {
	s := e.p.schema
	if _, _, ok := s.Hold.Parse(key); ok {
		switch event {
		case "del", "expired", "evicted", "rename_from", "move_from", "unlink":
			now := time.Now()
			at := e.p.serverNow(now)
			if c := e.p.clk0.Load(); c != nil && !c.upper(now).IsZero() {
				at = c.upper(now)
			}
			e.p.idx.remove(key, now, redisops.Vanish{At: at, Before: at, Seen: true,
				Expired: event == "expired" || event == "evicted", Deleted: event == "del" || event == "unlink"})
		default:
			e.p.idx.markDirty(key)
		}
		return
	}
	if sale, _, ok := s.Stock.Parse(key); ok && stockWrite(event) {
		e.p.w.noteSale(sale)
	}
	if sale, _, ok := s.Queue.Parse(key); ok && (event == "zadd" || event == "zincr") {
		e.p.w.noteSale(sale)
	}
}

// unsubscribe closes the subscriptions and waits for their goroutines.
func (e *events) unsubscribe() {
	e.mu.Lock()
	subs := e.subs
	e.subs = nil
	e.mu.Unlock()
	for _, ps := range subs {
		_ = ps.Close()
	}
	e.wg.Wait()
}

// stop ends events for good (Close).
func (e *events) stop() {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.unsubscribe()
}

// KeyspaceEventsOn reports whether the index is fed by keyspace events.
func (p *Poller) KeyspaceEventsOn() bool { return p.ev.on() }

// KeyspaceEventsCommand is the exact command EnableKeyspaceEvents runs (on
// every master), for a confirm to name: the current flags (as of the last
// check) plus the ones the poller needs.
func (p *Poller) KeyspaceEventsCommand() string {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	cur := ""
	for _, f := range p.ev.flags {
		cur = f
		break
	}
	return "CONFIG SET " + notifyParam + " " + mergeFlags(cur)
}

// EnableKeyspaceEvents switches keyspace notifications on (CONFIG SET
// notify-keyspace-events, keeping the flags already set) on every master and
// subscribes at once. Only an explicit user action calls it (DESIGN.md §6).
func (p *Poller) EnableKeyspaceEvents(ctx context.Context) error {
	p.mu.Lock() // not during a tick
	defer p.mu.Unlock()
	nodes, err := p.masters(ctx)
	if err != nil {
		return err
	}
	for _, pn := range nodes {
		rctx, cancel := p.withTimeout(ctx)
		cur, err := pn.cl.ConfigGet(rctx, notifyParam).Result()
		if err == nil {
			err = pn.cl.ConfigSet(rctx, notifyParam, mergeFlags(cur[notifyParam])).Err()
		}
		cancel()
		if err != nil {
			return fmt.Errorf("enable keyspace events on %s: %w", pn.addr, redisops.Classify(err))
		}
	}
	p.ev.mu.Lock()
	p.ev.checked = time.Time{} // check again now
	p.ev.mu.Unlock()
	p.ev.ensure(ctx, nodes, &tickCost{})
	if !p.ev.on() {
		return fmt.Errorf("%w: keyspace events enabled but the subscription failed", redisops.ErrServer)
	}
	return nil
}

// KeyspaceEventsUndo is the command that puts notify-keyspace-events back as
// the last check found it, i.e. before EnableKeyspaceEvents changed it, for a
// confirm and the command log to name: CONFIG SET notify-keyspace-events
// "<flags>". When masters had different flags, one command per value, each
// naming its masters. "" before the first check.
func (p *Poller) KeyspaceEventsUndo() string {
	p.ev.mu.Lock()
	byFlags := map[string][]string{}
	for addr, f := range p.ev.flags {
		byFlags[f] = append(byFlags[f], addr)
	}
	p.ev.mu.Unlock()
	sorted := func(s []string) []string { // a handful of masters: insertion sort
		for i := 1; i < len(s); i++ {
			for j := i; j > 0 && s[j] < s[j-1]; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		return s
	}
	parts := make([]string, 0, len(byFlags))
	for f, addrs := range byFlags {
		part := fmt.Sprintf("CONFIG SET %s %q", notifyParam, f)
		if len(byFlags) > 1 {
			part += " on " + strings.Join(sorted(addrs), ", ")
		}
		parts = append(parts, part)
	}
	return strings.Join(sorted(parts), "; ")
}
