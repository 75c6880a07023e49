package read

import (
	"cmp"
	"context"
	"flashtop/redisops"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// totalStats adds up the figures of every node (one node: its own figures).
// Counters, memory and clients are sums (held at the int64 bounds); the ping is the slowest; version,
// role and policy are the first node's; a status is "err" when any node's is;
// the fragmentation ratio is the mean.
func totalStats(nodes []redisops.NodeStats) redisops.ServerStats {
	if len(nodes) == 0 {
		return redisops.ServerStats{}
	}
	t := nodes[0].ServerStats
	if len(nodes) == 1 {
		return t
	}
	var frag float64
	for i, n := range nodes {
		s := n.ServerStats
		frag += s.MemFragmentationRatio
		t.PingMs = max(t.PingMs, s.PingMs)
		t.AOFEnabled = t.AOFEnabled || s.AOFEnabled
		t.AOFLastWriteStatus = worstStatus(t.AOFLastWriteStatus, s.AOFLastWriteStatus)
		t.RDBLastSaveStatus = worstStatus(t.RDBLastSaveStatus, s.RDBLastSaveStatus)
		t.UptimeSeconds = min(t.UptimeSeconds, s.UptimeSeconds)
		if i == 0 {
			continue
		}
		mergeHealth(&t, s)
		t.UsedMemory = redisops.AddSaturating(t.UsedMemory, s.UsedMemory)
		t.UsedMemoryPeak = redisops.AddSaturating(t.UsedMemoryPeak, s.UsedMemoryPeak)
		t.Maxmemory = redisops.AddSaturating(t.Maxmemory, s.Maxmemory)
		t.ConnectedClients = redisops.AddSaturating(t.ConnectedClients, s.ConnectedClients)
		t.BlockedClients = redisops.AddSaturating(t.BlockedClients, s.BlockedClients)
		t.OpsPerSec = redisops.AddSaturating(t.OpsPerSec, s.OpsPerSec)
		t.KeyspaceHits = redisops.AddSaturating(t.KeyspaceHits, s.KeyspaceHits)
		t.KeyspaceMisses = redisops.AddSaturating(t.KeyspaceMisses, s.KeyspaceMisses)
		t.EvictedKeys = redisops.AddSaturating(t.EvictedKeys, s.EvictedKeys)
		t.ExpiredKeys = redisops.AddSaturating(t.ExpiredKeys, s.ExpiredKeys)
		t.TotalCommands = redisops.AddSaturating(t.TotalCommands, s.TotalCommands)
		t.KeysInDB = redisops.AddSaturating(t.KeysInDB, s.KeysInDB)
	}
	t.MemFragmentationRatio = frag / float64(len(nodes))
	t.UsedMemoryHuman = humanBytes(t.UsedMemory)
	return t
}

func worstStatus(a, b string) string {
	if a == "err" || b == "err" {
		return "err"
	}
	return cmp.Or(a, b)
}

// humanBytes writes a byte count the way INFO's *_human fields do (1.02M).
func humanBytes(n int64) string {
	units := []string{"B", "K", "M", "G", "T", "P"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.2f%s", f, units[i])
}

// fanOutServer makes a cluster snapshot's server figures cover every master:
// INFO and SLOWLOG GET n on each (in parallel), per-node figures in Nodes,
// totals in Server (the ping measured before stays), the slowlog merged
// newest first. A standalone snapshot is left alone.
func fanOutServer(ctx context.Context, c *redisops.Client, snap *redisops.Snapshot, n int64) error {
	cc, ok := c.Redis().(*redis.ClusterClient)
	if !ok {
		return nil
	}
	var mu sync.Mutex
	var nodes []redisops.NodeStats
	var slow []redisops.SlowEntry
	u := newUnreadSet()
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		rctx, cancel := withTimeout(ctx, c)
		defer cancel()
		pipe := node.Pipeline()
		info := pipe.Info(rctx)
		latency := pipe.Info(rctx, "latencystats")
		logs := pipe.SlowLogGet(rctx, n)
		start := time.Now()
		if err := redisops.PipelineErr(pipe.Exec(rctx)); err != nil {
			return err
		}
		st := redisops.ServerStats{}
		if text, err := info.Result(); err == nil {
			st = redisops.ParseInfo(withLatency(text, latency)).ServerStats()
		} else {
			u.note(redisops.UnreadServer, fmt.Errorf("%s: %w", node.Options().Addr, err))
		}
		st.PingMs = float64(time.Since(start).Microseconds()) / 1000
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, redisops.NodeStats{Addr: node.Options().Addr, ServerStats: st})
		if l, err := logs.Result(); err == nil {
			slow = append(slow, redisops.SlowEntries(l, c.Schema().Session)...)
		} else {
			u.note(redisops.UnreadSlowlog, fmt.Errorf("%s: %w", node.Options().Addr, err))
		}
		return nil
	})
	if err != nil {
		return redisops.Classify(err)
	}
	slices.SortFunc(nodes, func(a, b redisops.NodeStats) int { return cmp.Compare(a.Addr, b.Addr) })
	ping := snap.Server.PingMs
	snap.Nodes, snap.Server = nodes, totalStats(nodes)
	snap.Server.PingMs = max(ping, snap.Server.PingMs)
	slices.SortStableFunc(slow, func(a, b redisops.SlowEntry) int { return b.Time.Compare(a.Time) })
	snap.Slowlog = append([]redisops.SlowEntry{}, slow[:min(len(slow), int(n))]...)
	snap.Unreadable = redisops.MergeUnreadable(snap.Unreadable, u.list())
	return nil
}

// withLatency is the text of INFO's default sections with the reply of INFO
// latencystats after it, when that reply is not an error: latencystats is
// asked apart (a server that cannot give it, Redis before 7.0 or an
// in-process one, answers with nothing or an error, and the default
// sections stay readable), in the same round trip.
func withLatency(info string, latency *redis.StringCmd) string {
	if l, err := latency.Result(); err == nil && l != "" {
		return info + "\r\n" + l
	}
	return info
}

// mergeHealth adds node n's health numbers to the totals t: error counts
// summed, script latency the worst node's per command and percentile. A
// figure stays "not reported" (nil) only when no node reported it.
func mergeHealth(t *redisops.ServerStats, n redisops.ServerStats) {
	t.Errors = sumCounts(t.Errors, n.Errors)
	t.FlashtopErrors = sumCounts(t.FlashtopErrors, n.FlashtopErrors)
	if n.ScriptLatencyUs != nil {
		worst := make(map[string]redisops.Percentiles, len(t.ScriptLatencyUs)+len(n.ScriptLatencyUs))
		for k, v := range t.ScriptLatencyUs {
			worst[k] = v
		}
		for k, v := range n.ScriptLatencyUs {
			w := worst[k]
			worst[k] = redisops.Percentiles{P50: max(w.P50, v.P50), P99: max(w.P99, v.P99), P999: max(w.P999, v.P999)}
		}
		t.ScriptLatencyUs = worst
	}
}

// sumCounts is a new map of a's and b's counts added up by kind; a when b
// is nil (b not reported leaves the total as it was).
func sumCounts(a, b map[string]int64) map[string]int64 {
	if b == nil {
		return a
	}
	sum := make(map[string]int64, len(a)+len(b))
	for k, v := range a {
		sum[k] = v
	}
	for k, v := range b {
		sum[k] = redisops.AddSaturating(sum[k], v)
	}
	return sum
}

// ownErrors counts, per node and kind, the error replies flashtop's own
// poll plan drew (a typeless hold read's other-shape read is a WRONGTYPE by
// design, a wrong shape guess another): the server counts them in its INFO
// errorstats like anyone's, so the snapshot gives them apart (FlashtopErrors)
// for the dashboard to show the others' errors net of them.
type ownErrors struct {
	mu sync.Mutex
	n  map[string]map[string]int64 // node → kind → count since the poller started
}

// count adds the error replies among cmds.
func (o *ownErrors) count(node string, cmds []redis.Cmder) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, c := range cmds {
		err := c.Err()
		if err == nil || !redisops.IsReplyError(err) {
			continue
		}
		kind, _, _ := strings.Cut(err.Error(), " ")
		if kind == "" || len(kind) > 32 {
			continue
		}
		if o.n == nil {
			o.n = map[string]map[string]int64{}
		}
		if o.n[node] == nil {
			o.n[node] = map[string]int64{}
		}
		o.n[node][kind]++
	}
}

// of is a copy of node's counts (nil when none).
func (o *ownErrors) of(node string) map[string]int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.n[node]) == 0 {
		return nil
	}
	out := make(map[string]int64, len(o.n[node]))
	for k, v := range o.n[node] {
		out[k] = v
	}
	return out
}

// The poll plan's side (poller_plan.go): each node's INFO and SLOWLOG of
// the tick's pipeline, and its SCRIPT EXISTS.

// server fills Server, Nodes and Slowlog: per node from its INFO, with the
// totals in Server, and the slowlog entries not seen before.
func (pl *plan) server(p *Poller, snap *redisops.Snapshot) {
	var stats []redisops.NodeStats
	for _, np := range pl.nodes {
		st := redisops.ServerStats{}
		if text, err := np.info.Result(); err == nil {
			st = redisops.ParseInfo(withLatency(text, np.latency)).ServerStats()
		} else {
			pl.unread.note(redisops.UnreadServer, pl.nodeErr(np, err))
		}
		st.PingMs = float64(np.rtt.Microseconds()) / 1000
		st.NotifyKeyspaceEvent = p.ev.flagsOf(np.pn.addr)
		st.FlashtopErrors = np.ownBefore // up to the previous tick: INFO ran before this tick's own replies
		stats = append(stats, redisops.NodeStats{Addr: np.pn.addr, ServerStats: st})
		if logs, err := np.slowlog.Result(); err == nil {
			p.keepSlow(np.pn.addr, redisops.SlowEntries(logs, p.schema.Session), int(cap64(np.slowlog)))
		} else {
			pl.unread.note(redisops.UnreadSlowlog, pl.nodeErr(np, err))
		}
	}
	snap.Nodes = stats
	snap.Server = totalStats(stats)
	snap.Slowlog = append(snap.Slowlog, p.kept...)
}

// nodeErr names the node of err when there are several (a cluster).
func (pl *plan) nodeErr(np *nodePlan, err error) error {
	if len(pl.nodes) < 2 {
		return err
	}
	return fmt.Errorf("%s: %w", np.pn.addr, err)
}

// cap64 is the COUNT a SLOWLOG GET was sent with.
func cap64(cmd *redis.SlowLogCmd) int64 {
	args := cmd.Args()
	if len(args) == 3 {
		if n, ok := args[2].(int64); ok {
			return n
		}
	}
	return redisops.DefaultSlowlogN
}

// keepSlow merges the entries of one node newer than the last id seen there
// into the kept list (newest first, at most n). A lower id than the last
// one means the server restarted: its ids start again.
func (p *Poller) keepSlow(addr string, entries []redisops.SlowEntry, n int) {
	last, seen := p.slow[addr]
	var fresh []redisops.SlowEntry
	for _, e := range entries {
		if !seen || e.ID > last {
			fresh = append(fresh, e)
		}
	}
	if len(entries) > 0 {
		if seen && entries[0].ID < last {
			fresh = entries
		}
		p.slow[addr] = entries[0].ID
	}
	p.kept = append(fresh, p.kept...)
	slices.SortStableFunc(p.kept, func(a, b redisops.SlowEntry) int {
		return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID))
	})
	p.kept = p.kept[:min(len(p.kept), n)]
}
