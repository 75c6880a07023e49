package read

// The per-tick check of an armed feed: the tracking connection's replies
// (TIME, CLIENT TRACKINGINFO), silence, stalls, and the deadline PINGs
// handed to the subscriber (feed.go, feed_ping.go).

import (
	"fmt"
	"strings"
	"time"
)

// check asks the tracking connection whether tracking still redirects to
// this node's subscriber (CLIENT TRACKINGINFO, where the server has it), and
// samples the server clock (TIME) on the way.
func (f *feed) check(n *feedNode, acct *tickCost) error {
	if n.dead.Load() {
		return n.lost()
	}
	if err := f.silent(n); err != nil {
		return err
	}
	n.pg.now() // a PING per tick: liveness, and a fresh floor for the pushes
	deadline := time.NewTimer(f.p.timeout)
	defer deadline.Stop()
	for ; n.owed > 0; n.owed-- { // a stalled check's late replies first
		if !f.reply(n, deadline.C) {
			return n.stalledOrLost()
		}
	}
	cmds := [][]any{{"TIME"}}
	if n.trkInfo {
		cmds = append(cmds, []any{"CLIENT", "TRACKINGINFO"})
	}
	sent := time.Now()
	if err := n.trk.send(cmds...); err != nil {
		return err
	}
	n.owed, n.owedSince = len(cmds), sent
	r := make([]any, 0, len(cmds))
	for range cmds {
		v, ok := f.replyValue(n, deadline.C)
		if !ok {
			return n.stalledOrLost()
		}
		n.owed--
		r = append(r, v)
	}
	got := time.Now()
	acct.addFeed(len(cmds), got.Sub(sent))
	if t, ok := parseTIME(r[0]); ok {
		f.p.clocks.of(n.addr).sample(t, sent, got)
	}
	if !n.trkInfo {
		return nil
	}
	if _, ok := r[1].(respError); ok {
		// Redis 6.0/6.1 (no TRACKINGINFO) or an ACL without client|trackinginfo:
		// the connections' life is then the only check.
		n.trkInfo = false
		return nil
	}
	return trackingHealthy(r[1], n.subID)
}

// silent reports a feed connection that stopped answering while the server
// answers others: a PING or a check outstanding for more than twice the
// timeout, after which a tick's plan reached the same server. A stalled
// server answers no one, and is waited out; a connection black-holed
// (a dropped NAT flow, a failover behind a virtual IP) is a gap.
func (f *feed) silent(n *feedNode) error {
	limit := 2 * f.p.timeout
	since := n.pg.oldestUnanswered()
	if n.owed > 0 && (since.IsZero() || n.owedSince.Before(since)) {
		since = n.owedSince
	}
	if since.IsZero() || time.Since(since) < limit {
		return nil
	}
	if ok := f.p.planOK(n.addr); ok.After(since.Add(f.p.timeout)) {
		return fmt.Errorf("no answer on the feed's connections for %s while the server answers others", time.Since(since).Round(time.Second))
	}
	return nil
}

// schedulePings hands every armed node the PINGs that bracket the hold
// deadlines ahead (server time).
func (f *feed) schedulePings(deadlines []time.Time) {
	f.mu.Lock()
	nodes := make([]*feedNode, 0, len(f.nodes))
	for _, n := range f.nodes {
		nodes = append(nodes, n)
	}
	f.mu.Unlock()
	now := time.Now()
	for _, n := range nodes {
		if at, ok := pingTimes(deadlines, f.p.clocks.of(n.addr), now); ok {
			n.pg.schedule(at)
		}
	}
}

// stalledOrLost is the error of a check whose reply did not come: the
// connection is gone, or the server has not answered yet.
func (n *feedNode) stalledOrLost() error {
	if n.dead.Load() {
		return n.lost()
	}
	return errFeedStalled
}

// reply waits for one reply of the tracking connection (discarded): false
// when timeout fires first or the connection is gone.
func (f *feed) reply(n *feedNode, timeout <-chan time.Time) bool {
	_, ok := f.replyValue(n, timeout)
	return ok
}

// replyValue waits for one reply of the tracking connection.
func (f *feed) replyValue(n *feedNode, timeout <-chan time.Time) (any, bool) {
	select {
	case v, ok := <-n.replies:
		return v, ok
	case <-timeout:
		return nil, false
	}
}

// readReplies is the tracking connection's loop: its replies go to
// n.replies; it ends (closing them) with the connection.
func (f *feed) readReplies(n *feedNode) {
	defer f.wg.Done()
	defer close(n.replies)
	for {
		v, err := n.trk.read()
		if err != nil {
			n.deadWhy.Store("tracking connection: " + err.Error())
			n.dead.Store(true)
			if !n.closing() {
				n.lose(f)
			}
			return
		}
		select {
		case n.replies <- v:
		case <-n.done:
			return
		}
	}
}

// trackingHealthy reads a CLIENT TRACKINGINFO reply: tracking on, BCAST, no
// broken redirect, redirecting to sub.
func trackingHealthy(v any, sub int64) error {
	kv, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%w: CLIENT TRACKINGINFO replied %T", errRESP, v)
	}
	var flags []string
	redirect := int64(-1)
	for i := 0; i+1 < len(kv); i += 2 {
		switch kv[i] {
		case "flags":
			for _, fl := range asSlice(kv[i+1]) {
				if s, ok := fl.(string); ok {
					flags = append(flags, s)
				}
			}
		case "redirect":
			redirect, _ = kv[i+1].(int64)
		}
	}
	has := func(s string) bool {
		for _, f := range flags {
			if f == s {
				return true
			}
		}
		return false
	}
	switch {
	case !has("on") || !has("bcast"):
		return fmt.Errorf("tracking is off (flags %s)", strings.Join(flags, ","))
	case has("broken_redirect") || redirect != sub:
		return fmt.Errorf("tracking redirect broken (to %d, subscriber %d)", redirect, sub)
	}
	return nil
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// parseTIME reads a TIME reply (seconds, microseconds).
func parseTIME(v any) (time.Time, bool) {
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return time.Time{}, false
	}
	sec, err1 := parseIntAny(a[0])
	usec, err2 := parseIntAny(a[1])
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, usec*1000), true
}

func parseIntAny(v any) (int64, error) {
	s, _ := v.(string)
	var n int64
	_, err := fmt.Sscan(s, &n)
	return n, err
}
