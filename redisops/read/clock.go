package read

import (
	"flashtop/redisops"
	"sort"
	"sync"
	"time"
)

// Server clock. Hold deadlines are the server's (PEXPIRETIME, or PTTL read
// at a server instant), and the end of a hold is classified against its
// deadline, so flashtop stamps what it observes (a push read off the socket,
// a reply received) in server time: its own clock plus an offset measured
// with TIME. The estimate of one TIME round trip is off by at most half the
// round trip; the best sample of the last clockWindow counts.
const (
	clockWindow = time.Minute
	// minClockMargin and maxClockMargin bound the margin leak classification
	// allows for the clock estimate (see leakwatch.Tracker): below a millisecond the
	// server's own millisecond expiry clock dominates; above the maximum a
	// release just before its deadline could pass for an expiry.
	minClockMargin = time.Millisecond
	maxClockMargin = redisops.DefaultLeakSkew // 20ms
)

// clockSample is one TIME round trip: the server's clock minus the local
// wall clock at the middle of the round trip, and half its duration.
type clockSample struct {
	offset, uncertainty time.Duration
	at                  time.Time // local time of the sample
}

// serverClock is the offset of one server's clock (per node in a cluster:
// their clocks differ). Safe for concurrent use.
type serverClock struct {
	mu   sync.Mutex
	best clockSample
	ok   bool
}

// sample adds a TIME reply taken between sent and got (local times).
func (c *serverClock) sample(server, sent, got time.Time) {
	rtt := got.Sub(sent)
	if rtt < 0 {
		return
	}
	mid := sent.Add(rtt / 2)
	s := clockSample{offset: server.Sub(mid), uncertainty: rtt / 2, at: got}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || s.uncertainty <= c.best.uncertainty || got.Sub(c.best.at) > clockWindow {
		c.best, c.ok = s, true
	}
}

// toServer converts a local wall-clock time to the server's clock (the
// local time itself until a sample exists).
func (c *serverClock) toServer(local time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return local
	}
	return local.Add(c.best.offset)
}

// offset is the server's clock minus the local one, false before a sample.
func (c *serverClock) offset() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.best.offset, c.ok
}

// minClockUncertainty is the least uncertainty an estimate is given: TIME
// has microseconds, but the sample's round trip is split evenly only as an
// assumption.
const minClockUncertainty = 100 * time.Microsecond

// estimate returns the offset (server minus local) and its uncertainty
// (half the best sample's round trip, at least minClockUncertainty); ok is
// false when there is no sample yet.
func (c *serverClock) estimate() (offset, uncertainty time.Duration, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return 0, 0, false
	}
	return c.best.offset, max(c.best.uncertainty, minClockUncertainty), true
}

// upper is a server time no earlier than the local time local (zero when
// the clock is not known): what happened before local, happened before it.
func (c *serverClock) upper(local time.Time) time.Time {
	off, u, ok := c.estimate()
	if !ok || local.IsZero() {
		return time.Time{}
	}
	return local.Add(off + u)
}

// lower is a server time no later than the local time local (zero when the
// clock is not known).
func (c *serverClock) lower(local time.Time) time.Time {
	off, u, ok := c.estimate()
	if !ok || local.IsZero() {
		return time.Time{}
	}
	return local.Add(off - u)
}

// margin is the uncertainty of the estimate, within the bounds (the maximum
// until a sample exists).
func (c *serverClock) margin() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return maxClockMargin
	}
	return min(max(c.best.uncertainty, minClockMargin), maxClockMargin)
}

// clocks holds one serverClock per node address.
type clocks struct {
	mu    sync.Mutex
	nodes map[string]*serverClock
}

// of returns the clock of addr (created on first use).
func (cs *clocks) of(addr string) *serverClock {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.nodes == nil {
		cs.nodes = map[string]*serverClock{}
	}
	c := cs.nodes[addr]
	if c == nil {
		c = &serverClock{}
		cs.nodes[addr] = c
	}
	return c
}

// margin is the largest margin of any node.
func (cs *clocks) margin() time.Duration {
	cs.mu.Lock()
	nodes := make([]*serverClock, 0, len(cs.nodes))
	for _, c := range cs.nodes {
		nodes = append(nodes, c)
	}
	cs.mu.Unlock()
	m := time.Duration(0)
	for _, c := range nodes {
		m = max(m, c.margin())
	}
	if len(nodes) == 0 {
		return maxClockMargin
	}
	return m
}

// Bracketing pushes with PINGs. A push is read off the subscriber's socket
// at some time after the hold ended, and the delay has no bound (a slow
// link, a stall, a busy event loop that flushes pushes at its end): its
// arrival only bounds the end from above. A bound from below comes from the
// stream itself: the subscriber's connection carries the server's replies
// to our PINGs in order with the pushes, and a PING read in event-loop
// iteration I is answered before that iteration's pushes are flushed, while
// I began after the PING arrived. So every push read after the answer to a
// PING sent at s was caused by a change at or after s (server time, less
// the clock's uncertainty). The feed sends such a PING just after each
// upcoming hold deadline (scheduled by the poller every tick) and one per
// tick for liveness; a hold whose first push since its last read follows
// the PING of its deadline provably outlived the deadline: it expired.

const (
	pingCoalesce = 2 * time.Millisecond // deadline PINGs closer than this are one
	pingMaxAhead = 5 * time.Second      // deadlines further ahead wait for a later tick
	pingMaxBatch = 5000                 // deadline PINGs scheduled per tick at most
)

// pinger sends the subscriber's PINGs at scheduled local times and keeps
// the send times of those not answered yet, in order.
type pinger struct {
	n        *feedNode
	mu       sync.Mutex
	sent     []time.Time // PINGs sent, not answered yet (oldest first)
	lastPong time.Time   // send time of the PING answered last (zero: none yet)
	want     chan []time.Time
	wake     chan struct{}
}

func newPinger(n *feedNode) *pinger {
	return &pinger{n: n, want: make(chan []time.Time, 1), wake: make(chan struct{}, 1)}
}

// schedule replaces the planned PING times (local, any order).
func (pg *pinger) schedule(at []time.Time) {
	select {
	case <-pg.want: // drop a plan not taken yet: this one is newer
	default:
	}
	pg.want <- at
}

// now asks for one PING at once (the tick's liveness check).
func (pg *pinger) now() {
	select {
	case pg.wake <- struct{}{}:
	default:
	}
}

// run is the pinger's loop; it ends with the node (n.done).
func (pg *pinger) run(wg *sync.WaitGroup) {
	defer wg.Done()
	var plan []time.Time
	for {
		wait := time.Hour
		if len(plan) > 0 {
			wait = max(time.Until(plan[0]), 0)
		}
		t := time.NewTimer(wait)
		select {
		case <-pg.n.done:
			t.Stop()
			return
		case p := <-pg.want:
			sort.Slice(p, func(i, j int) bool { return p[i].Before(p[j]) })
			plan = p
		case <-pg.wake:
			pg.ping()
		case <-t.C:
			// One PING covers every planned time already due (it is sent
			// after all of them). It is never skipped for an earlier PING:
			// that one went before the deadline it must follow.
			for len(plan) > 0 && !time.Now().Before(plan[0]) {
				plan = plan[1:]
			}
			pg.ping()
		}
		t.Stop()
	}
}

// ping sends one PING on the subscriber, its send time kept first.
func (pg *pinger) ping() {
	pg.mu.Lock()
	pg.sent = append(pg.sent, time.Now())
	pg.mu.Unlock()
	if err := pg.n.sub.send([]any{"PING"}); err != nil {
		pg.mu.Lock()
		pg.sent = pg.sent[:len(pg.sent)-1]
		pg.mu.Unlock()
	}
}

// pong is the answer to the oldest PING: it returns that PING's send time,
// from now on the lower bound of what the pushes read after it say.
func (pg *pinger) pong() time.Time {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if len(pg.sent) == 0 {
		return pg.lastPong
	}
	pg.lastPong, pg.sent = pg.sent[0], pg.sent[1:]
	return pg.lastPong
}

// floor is the send time of the PING answered last (zero: none yet).
func (pg *pinger) floor() time.Time {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	return pg.lastPong
}

// oldestUnanswered is the send time of the oldest PING not answered yet
// (zero: none waiting).
func (pg *pinger) oldestUnanswered() time.Time {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if len(pg.sent) == 0 {
		return time.Time{}
	}
	return pg.sent[0]
}

// isPong reports whether a subscriber message is the answer to a PING
// (RESP2 in subscribed mode: ["pong", ""]).
func isPong(msg []any) bool {
	return len(msg) == 2 && msg[0] == "pong"
}

// pingTimes turns upcoming hold deadlines (server time) into the local
// times of the PINGs that bracket them on one node: just after each deadline
// plus the clock's uncertainty and a millisecond (Redis expires a key once
// its millisecond clock is past the deadline), coalesced, only those ahead
// of now and within pingMaxAhead. ok is false when the node's clock is not
// known (no TIME sample): no PING can then prove anything.
func pingTimes(deadlines []time.Time, c *serverClock, now time.Time) ([]time.Time, bool) {
	offset, u, ok := c.estimate()
	if !ok {
		return nil, false
	}
	out := make([]time.Time, 0, min(len(deadlines), pingMaxBatch))
	var group time.Time           // the first PING time of the current group
	for _, d := range deadlines { // sorted
		at := d.Add(-offset).Add(u + time.Millisecond)
		if at.Before(now) || at.Sub(now) > pingMaxAhead {
			continue
		}
		// Deadlines closer than pingCoalesce share one PING: the last
		// one's, so that it follows every deadline of the group.
		if n := len(out); n > 0 && at.Sub(group) < pingCoalesce {
			out[n-1] = at
			continue
		}
		if len(out) == pingMaxBatch {
			break
		}
		out, group = append(out, at), at
	}
	return out, true
}
