package read

// One master's push feed (feed.go has them all): its two connections
// (feedNode), the per-tick check of an armed feed (the tracking connection's
// replies to TIME and CLIENT TRACKINGINFO, silence, stalls, and the deadline
// PINGs handed to the subscriber: clock.go), and arming it (below).

import (
	"cmp"
	"context"
	"errors"
	"flashtop/textsafe"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// feedNode is the feed of one master. Both connections are read by
// goroutines of their own without deadlines, so that a stall (a server
// stopped, a slow network) is waited out rather than taken for a gap: TCP
// delivers what the server pushed meanwhile, in order, once it answers. Only
// a closed connection or a broken redirect is a gap.
type feedNode struct {
	addr      string
	sub, trk  *respConn
	subID     int64
	trkInfo   bool        // the server has CLIENT TRACKINGINFO (6.2+)
	dead      atomic.Bool // a read loop ended: the connection is gone
	deadWhy   atomic.Value
	replies   chan any  // the tracking connection's replies, in order
	owed      int       // replies sent for and not received yet (a stalled check)
	owedSince time.Time // when the replies owed were asked for
	done      chan struct{}
	once      sync.Once
	lostOnce  sync.Once
	pg        *pinger
}

// lose records this node's gap once, however many of its loops and checks
// notice it (one lost connection is one gap).
func (n *feedNode) lose(f *feed) { n.lostOnce.Do(f.gap) }

// closing reports whether the node was closed on purpose (its loops then
// end without a gap).
func (n *feedNode) closing() bool {
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// errFeedStalled is a check whose replies did not come in time: the
// connections stay (not a gap); the next check waits for them first.
var errFeedStalled = errors.New("redisops: the feed's check got no reply in time (server stalled?)")

func (n *feedNode) close() {
	n.once.Do(func() {
		close(n.done)
		n.sub.close()
		n.trk.close()
	})
}

// lost is the error of a check on a node whose connection is gone.
func (n *feedNode) lost() error {
	why, _ := n.deadWhy.Load().(string)
	return errors.New("connection lost: " + why)
}

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

// Arming one master's feed: its two connections, CLIENT ID, SUBSCRIBE and
// CLIENT TRACKING, and what a refusal means.

// feedRefusal says whether err is the server refusing the feed for good (an
// ACL without the commands, a server without CLIENT TRACKING), and why.
func feedRefusal(err error) (string, bool) {
	var re respError
	if !errors.As(err, &re) {
		return "", false
	}
	msg := textsafe.String(string(re))
	switch {
	case strings.HasPrefix(msg, "NOPERM"):
		return "ACL refused the feed (" + msg + ")", true
	case strings.Contains(strings.ToLower(msg), "unknown"), strings.Contains(msg, "syntax"):
		return "server does not support CLIENT TRACKING BCAST (Redis 6.0+, Valkey): " + msg, true
	}
	return "", false
}

// feedStepError names the feed command a reply refused.
type feedStepError struct {
	step string
	err  error
}

func (e *feedStepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *feedStepError) Unwrap() error { return e.err }

// replyErr returns the error reply in v, if it is one, named after step.
func replyErr(step string, v any) error {
	if e, ok := v.(respError); ok {
		return &feedStepError{step: step, err: e}
	}
	return nil
}

// arm opens one master's two connections and turns tracking on.
func (f *feed) arm(ctx context.Context, pn pnode) (*feedNode, error) {
	o := pn.cl.Options()
	timeout := f.p.timeout
	sub, err := dialRESP(ctx, o, feedSubName, timeout)
	if err != nil {
		return nil, err
	}
	_ = sub.nc.SetDeadline(time.Now().Add(timeout))
	r, err := sub.do([]any{"CLIENT", "ID"}, []any{"SUBSCRIBE", feedChannel})
	_ = sub.nc.SetDeadline(time.Time{})
	if err == nil {
		err = cmp.Or(replyErr("CLIENT ID", r[0]), replyErr("SUBSCRIBE "+feedChannel, r[1]))
	}
	id, ok := int64(0), false
	if err == nil {
		id, ok = r[0].(int64)
		if !ok {
			err = fmt.Errorf("%w: CLIENT ID replied %T", errRESP, r[0])
		}
	}
	if err != nil {
		sub.close()
		return nil, err
	}
	trk, err := dialRESP(ctx, o, feedTrackName, timeout)
	if err != nil {
		sub.close()
		return nil, err
	}
	n := &feedNode{addr: pn.addr, sub: sub, trk: trk, subID: id, trkInfo: true, replies: make(chan any, 16),
		done: make(chan struct{})}
	args := []any{"CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST"}
	for _, p := range f.prefixes {
		args = append(args, "PREFIX", p)
	}
	_ = trk.nc.SetDeadline(time.Now().Add(timeout))
	r, err = trk.do(args)
	_ = trk.nc.SetDeadline(time.Time{})
	if err == nil {
		err = replyErr("CLIENT TRACKING", r[0])
	}
	if err != nil {
		n.close()
		return nil, err
	}
	return n, nil
}
