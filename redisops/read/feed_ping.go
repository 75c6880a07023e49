package read

import (
	"sort"
	"sync"
	"time"
)

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
