package read

import (
	"context"
	"errors"
	"flashtop/redisops"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The push feed: per master, the server pushes the name of every key written,
// deleted or expired under the hold, stock and queue prefixes, with no
// server config change (notify-keyspace-events stays as it is). Two dedicated
// connections per master: a subscriber on __redis__:invalidate, whose CLIENT
// ID the other, the tracking connection, names in
// CLIENT TRACKING on REDIRECT <id> BCAST PREFIX <p> … . Redis 6.0+ and
// Valkey push writes made inside scripts and expiries (when the server
// removes the key) alike. Each tick checks the tracking connection (CLIENT
// TRACKINGINFO, and TIME for the server clock); a lost connection, a broken
// redirect or a connection silent while the server answers others is a gap
// (a stall is waited out; a flush has every hold read again): the feed is re-armed and the hold index is
// unverified until a repair walk has passed.
const (
	feedChannel     = "__redis__:invalidate"
	feedSubName     = "flashtop-feed"
	feedTrackName   = "flashtop-track"
	feedRetryDenied = time.Minute // how long a refused feed (ACL, old server) waits before it is tried again
	feedRateWindow  = 5 * time.Second
)

// feedSink is told of what the feed pushes: key names (at is the local time
// they were read off the socket) and flushes (every key may be gone).
type feedSink interface {
	// pushed: keys read at at (local); floor is the send time (local) of the
	// last PING answered before them: they were caused at or after it
	// (zero: no PING answered yet). See clock.go.
	pushed(addr string, keys []string, at, floor time.Time)
	flushed(addr string, at, floor time.Time)
}

// feed is every master's push feed. Only the poll tick arms and checks it
// (under the poller's lock); the subscribers' read loops run in goroutines.
type feed struct {
	p        *Poller
	sink     feedSink
	prefixes []string
	why      string // why there can be no feed at all (a template starting with a placeholder)

	mu        sync.Mutex
	nodes     map[string]*feedNode
	denied    string       // an ACL or server refusal: no feed until retryAt
	retryAt   time.Time    // local time
	lastErr   string       // the last arming or check failure (reconnecting)
	epoch     atomic.Int64 // changes at every gap and every (re)arming of all masters
	gaps      atomic.Int64
	armedAll  time.Time // local time since when every master has been armed (zero: not all)
	stopped   bool
	wg        sync.WaitGroup
	pushedN   atomic.Int64
	rateAt    []time.Time
	rateCount []int64
}

// newFeed derives the prefixes from the hold, stock and queue templates: the
// literal text before each one's first placeholder. A template that starts
// with a placeholder has no prefix to track: there is then no feed (a BCAST
// prefix "" would push every key of the server), and the walk alone keeps
// the counts.
func newFeed(p *Poller, sink feedSink) *feed {
	f := &feed{p: p, sink: sink, nodes: map[string]*feedNode{}}
	seen := map[string]bool{}
	for _, t := range []redisops.Template{p.schema.Hold, p.schema.Stock, p.schema.Queue} {
		prefix := t.Prefix()
		if prefix == "" {
			f.why = fmt.Sprintf("key template %q starts with a placeholder: no prefix to track", t.String())
			f.prefixes = nil
			return f
		}
		if !seen[prefix] {
			seen[prefix] = true
			f.prefixes = append(f.prefixes, prefix)
		}
	}
	f.prefixes = overlapFree(f.prefixes)
	return f
}

// overlapFree drops prefixes that another prefix covers (Redis refuses
// overlapping BCAST prefixes).
func overlapFree(prefixes []string) []string {
	var out []string
	for i, p := range prefixes {
		covered := false
		for j, q := range prefixes {
			if i != j && strings.HasPrefix(p, q) && (p != q || j < i) {
				covered = true
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

// gap records that pushes may have been missed from now on.
func (f *feed) gap() {
	f.gaps.Add(1)
	f.epoch.Add(1)
	f.mu.Lock()
	f.armedAll = time.Time{}
	f.mu.Unlock()
}

// tick syncs the feeds with the masters, checks the armed ones and arms the
// others; a refusal (ACL, an old server) is not retried before retryAt.
func (f *feed) tick(ctx context.Context, nodes []pnode, acct *tickCost) {
	if f.why != "" {
		return
	}
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		return
	}
	live := map[string]bool{}
	for _, pn := range nodes {
		live[pn.addr] = true
	}
	for addr, n := range f.nodes {
		if !live[addr] { // a master that left: its keys are elsewhere now
			n.close()
			delete(f.nodes, addr)
		}
	}
	f.mu.Unlock()
	var wg sync.WaitGroup
	for _, pn := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.tickNode(ctx, pn, acct)
		}()
	}
	wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	all := len(f.nodes) == len(nodes) && len(nodes) > 0
	if all && f.armedAll.IsZero() {
		// A new epoch: what the index read before may have changed unseen
		// while some master had no feed.
		f.epoch.Add(1)
		f.armedAll = time.Now()
	}
	if !all {
		f.armedAll = time.Time{}
	}
	f.noteRate(time.Now())
}

// tickNode checks one master's feed, or arms it.
func (f *feed) tickNode(ctx context.Context, pn pnode, acct *tickCost) {
	f.mu.Lock()
	n := f.nodes[pn.addr]
	denied := f.denied != "" && time.Now().Before(f.retryAt)
	f.mu.Unlock()
	if n != nil {
		err := f.check(n, acct)
		if err == nil || errors.Is(err, errFeedStalled) {
			return // a stall is waited out: nothing pushed is lost while the connections stay
		}
		n.lose(f)
		n.close()
		f.mu.Lock()
		delete(f.nodes, pn.addr)
		f.lastErr = "feed connection lost: " + err.Error()
		f.mu.Unlock()
	}
	if denied {
		return
	}
	n, err := f.arm(ctx, pn)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		if reason, refused := feedRefusal(err); refused {
			f.denied, f.retryAt = reason, time.Now().Add(feedRetryDenied)
		} else {
			f.lastErr = "feed connection failed: " + redisops.RedactError(err, pn.cl.Options().Password)
		}
		return
	}
	if f.stopped {
		n.close()
		return
	}
	f.denied = ""
	f.nodes[pn.addr] = n
	n.pg = newPinger(n)
	f.wg.Add(3)
	go f.read(n)
	go f.readReplies(n)
	go n.pg.run(&f.wg)
}

// read is the subscriber's loop: each invalidation message's keys go to the
// sink, stamped when read; a null message (FLUSHALL, FLUSHDB) is a flush. It
// ends when the connection does; the next check then sees the node dead.
func (f *feed) read(n *feedNode) {
	defer f.wg.Done()
	for {
		v, err := n.sub.read()
		at := time.Now()
		if err != nil {
			n.deadWhy.Store("subscriber: " + err.Error())
			n.dead.Store(true)
			if !n.closing() {
				n.lose(f)
			}
			return
		}
		msg, ok := v.([]any)
		if ok && isPong(msg) {
			n.pg.pong()
			continue
		}
		if !ok || len(msg) != 3 || msg[0] != "message" || msg[1] != feedChannel {
			continue
		}
		floor := n.pg.floor()
		if msg[2] == nil {
			f.sink.flushed(n.addr, at, floor)
			continue
		}
		items := asSlice(msg[2])
		keys := make([]string, 0, len(items))
		for _, k := range items {
			if s, ok := k.(string); ok {
				keys = append(keys, s)
			}
		}
		f.pushedN.Add(int64(len(keys)))
		f.sink.pushed(n.addr, keys, at, floor)
	}
}

// noteRate keeps the pushed total at now for the rate (f.mu held).
func (f *feed) noteRate(now time.Time) {
	f.rateAt = append(f.rateAt, now)
	f.rateCount = append(f.rateCount, f.pushedN.Load())
	for len(f.rateAt) > 1 && now.Sub(f.rateAt[0]) > feedRateWindow {
		f.rateAt, f.rateCount = f.rateAt[1:], f.rateCount[1:]
	}
}

// feedState is the feed's side of FeedStatus.
type feedState struct {
	state, reason  string
	masters, armed int
	armedAll       time.Time
	pushed         int64
	rate           float64
	epoch          int64
	gaps           int64
	healthy        bool
}

// state reports the feed's state for masters masters.
func (f *feed) state(masters int) feedState {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := feedState{masters: masters, armed: len(f.nodes), armedAll: f.armedAll, pushed: f.pushedN.Load(),
		epoch: f.epoch.Load(), gaps: f.gaps.Load()}
	if n := len(f.rateAt); n > 1 {
		if d := f.rateAt[n-1].Sub(f.rateAt[0]).Seconds(); d > 0 {
			s.rate = float64(f.rateCount[n-1]-f.rateCount[0]) / d
		}
	}
	switch {
	case f.why != "":
		s.state, s.reason = redisops.FeedOff, f.why
	case s.armed == masters && masters > 0:
		s.state, s.healthy = redisops.FeedLive, true
	case f.denied != "":
		s.state, s.reason = redisops.FeedOff, f.denied
	default:
		s.state, s.reason = redisops.FeedReconnecting, f.lastErr
	}
	return s
}

// stop closes every feed connection for good and waits for the read loops.
func (f *feed) stop() {
	f.mu.Lock()
	f.stopped = true
	for addr, n := range f.nodes {
		n.close()
		delete(f.nodes, addr)
	}
	f.mu.Unlock()
	f.wg.Wait()
}
