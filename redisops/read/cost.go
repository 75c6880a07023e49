package read

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"flashtop/redisops"

	"github.com/redis/go-redis/v9"
)

// What watching costs the server, and how the poller keeps it bounded: each
// tick's commands, round trips and bytes (tickCost, Snapshot.Cost), and the
// discovery walk's budget of server time per second per node (earned by
// refill, charged per round trip by charge, SCAN's COUNT sized by adapt;
// the walk itself is walker.go).

// Walk tuning. SCAN costs the server about the same per key visited whatever
// MATCH and TYPE say (≈1 µs per key on a laptop for Redis 7), so the walk
// uses one SCAN loop per node and sizes COUNT so that no call costs more than
// about maxCallCost.
const (
	DefaultScanBudget = 10 * time.Millisecond  // server time per second per node
	DefaultColdSlice  = 300 * time.Millisecond // walking time per tick until the first walk is complete
	initialScanCount  = 500
	minScanCount      = 50
	maxScanCount      = 10000
	maxCallCost       = 600 * time.Microsecond // shrink COUNT above this estimated server time per SCAN
	lowCallCost       = 200 * time.Microsecond // grow COUNT below this
	minScanCharge     = 20 * time.Microsecond  // the least a SCAN is charged, whatever the estimate
	maxScanCharge     = 2 * maxCallCost        // the most one round trip is charged (COUNT bounds the server's work)
)

// RepairBudget is the walk's server time per second per node once the push
// feed keeps the index live: the walk is then only a slow repair pass.
const RepairBudget = time.Millisecond

// repairColdEvery is how often a repair walk after a feed gap may run at the
// cold-start speed; a feed that flaps more often repairs within the budget.
const repairColdEvery = time.Minute

// refill adds the budget earned since the last tick (by the poller's clock) to every node (at most
// one second's worth banked) and syncs the node set with the masters.
func (w *walker) refill(nodes []pnode, now time.Time) {
	elapsed := time.Second
	if !w.last.IsZero() {
		elapsed = min(max(now.Sub(w.last), 0), time.Second)
	}
	w.last = now
	if w.started.IsZero() {
		w.started = time.Now()
	}
	live := map[string]bool{}
	for _, pn := range nodes {
		live[pn.addr] = true
		n := w.nodes[pn.addr]
		if n == nil {
			n = &walkNode{count: initialScanCount}
			if w.fixed > 0 {
				n.count = w.fixed
			}
			w.nodes[pn.addr] = n
		}
		n.tokens = min(n.tokens+time.Duration(float64(w.budget)*elapsed.Seconds()), w.budget)
	}
	for addr := range w.nodes {
		if !live[addr] {
			delete(w.nodes, addr) // a master that left the cluster
		}
	}
}

// charge estimates the server time of a walk round trip: its wall time less
// the round-trip overhead (the fastest walk round trip seen on the node), and
// at least minScanCharge for a SCAN. Wall time bounds the
// server's time from above, so the estimate errs on the safe side.
func (n *walkNode) charge(rtt time.Duration, scanned bool) time.Duration {
	if n.base == 0 || rtt < n.base {
		n.base = rtt // a stale, too low base only overestimates: the safe side
	}
	est := min(rtt-n.base, maxScanCharge)
	if scanned {
		est = max(est, minScanCharge)
	}
	return est
}

// adapt moves COUNT so that one SCAN costs the server at most about
// maxCallCost (and not much less than lowCallCost, so the walk is not slowed
// by round trips).
func (n *walkNode) adapt(rtt time.Duration) {
	est := rtt - n.base
	switch {
	case est > maxCallCost:
		n.count = max(minScanCount, n.count*3/4)
	case est < lowCallCost:
		n.count = min(maxScanCount, n.count*5/4+1)
	}
}

// tickCost adds up what one tick sent and received.
type tickCost struct {
	mu                sync.Mutex
	feedCmds          int // commands on the feed's tracking connections
	commands, trips   int
	bytesOut, bytesIn int64
	planRTT           time.Duration // the slowest plan round trip (nodes run in parallel)
}

// add counts one executed pipeline.
func (t *tickCost) add(cmds []redis.Cmder, rtt time.Duration, plan bool) {
	var out, in int64
	for _, c := range cmds {
		out += requestSize(c.Args())
		in += replySize(c)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.commands += len(cmds)
	t.trips++
	t.bytesOut += out
	t.bytesIn += in
	if plan {
		t.planRTT = max(t.planRTT, rtt)
	}
}

// addFeed counts one feed check (n commands on a tracking connection).
func (t *tickCost) addFeed(n int, _ time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.feedCmds += n
	t.commands += n
	t.trips++
}

func (t *tickCost) cost() *redisops.PollCost {
	t.mu.Lock()
	defer t.mu.Unlock()
	return &redisops.PollCost{Commands: t.commands, RoundTrips: t.trips, BytesOut: t.bytesOut, BytesIn: t.bytesIn,
		RTTMs: float64(t.planRTT.Microseconds()) / 1000}
}

// requestSize is the RESP size of a command: *N\r\n then $len\r\narg\r\n each.
func requestSize(args []any) int64 {
	n := decLen(int64(len(args))) + 3
	for _, a := range args {
		l := printedLen(a)
		n += l + decLen(l) + 5
	}
	return n
}

// printedLen is len(fmt.Sprint(a)), without formatting the common kinds.
func printedLen(a any) int64 {
	switch v := a.(type) {
	case string:
		return int64(len(v))
	case int:
		return decLen(int64(v))
	case int64:
		return decLen(v)
	case nil:
		return int64(len("<nil>"))
	}
	return int64(len(fmt.Sprint(a)))
}

// decLen is the length of n in decimal.
func decLen(n int64) int64 {
	var buf [24]byte
	return int64(len(strconv.AppendInt(buf[:0], n, 10)))
}

// replySize estimates the RESP size of a reply from its parsed value.
func replySize(c redis.Cmder) int64 {
	if c.Err() != nil {
		return int64(len(c.Err().Error())) + 3
	}
	switch v := c.(type) {
	case *redis.StringCmd:
		return int64(len(v.Val())) + 16
	case *redis.StatusCmd:
		return int64(len(v.Val())) + 3
	case *redis.ScanCmd:
		keys, _ := v.Val()
		return sumLen(keys, 16) + 32
	case *redis.SliceCmd:
		var n int64 = 8
		for _, x := range v.Val() {
			n += printedLen(x) + 8
		}
		return n
	case *redis.ZSliceCmd:
		var n int64 = 8
		for _, z := range v.Val() {
			n += printedLen(z.Member) + 32
		}
		return n
	case *redis.SlowLogCmd:
		var n int64 = 8
		for _, l := range v.Val() {
			n += sumLen(l.Args, 8) + int64(len(l.ClientAddr)+len(l.ClientName)) + 64
		}
		return n
	case *redis.MapStringStringCmd:
		var n int64 = 8
		for k, x := range v.Val() {
			n += int64(len(k)+len(x)) + 16
		}
		return n
	}
	return 12 // integers, durations, times
}

func sumLen(ss []string, per int64) int64 {
	var n int64
	for _, s := range ss {
		n += int64(len(s)) + per
	}
	return n
}
