package read

import (
	"flashtop/redisops"
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
