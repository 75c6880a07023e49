package redisops

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// totalStats adds up the figures of every node (one node: its own figures).
// Counters, memory and clients are sums (held at the int64 bounds); the ping is the slowest; version,
// role and policy are the first node's; a status is "err" when any node's is;
// the fragmentation ratio is the mean.
func totalStats(nodes []NodeStats) ServerStats {
	if len(nodes) == 0 {
		return ServerStats{}
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
		t.UsedMemory = AddSaturating(t.UsedMemory, s.UsedMemory)
		t.UsedMemoryPeak = AddSaturating(t.UsedMemoryPeak, s.UsedMemoryPeak)
		t.Maxmemory = AddSaturating(t.Maxmemory, s.Maxmemory)
		t.ConnectedClients = AddSaturating(t.ConnectedClients, s.ConnectedClients)
		t.BlockedClients = AddSaturating(t.BlockedClients, s.BlockedClients)
		t.OpsPerSec = AddSaturating(t.OpsPerSec, s.OpsPerSec)
		t.KeyspaceHits = AddSaturating(t.KeyspaceHits, s.KeyspaceHits)
		t.KeyspaceMisses = AddSaturating(t.KeyspaceMisses, s.KeyspaceMisses)
		t.EvictedKeys = AddSaturating(t.EvictedKeys, s.EvictedKeys)
		t.ExpiredKeys = AddSaturating(t.ExpiredKeys, s.ExpiredKeys)
		t.TotalCommands = AddSaturating(t.TotalCommands, s.TotalCommands)
		t.KeysInDB = AddSaturating(t.KeysInDB, s.KeysInDB)
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
func (c *Client) fanOutServer(ctx context.Context, snap *Snapshot, n int64) error {
	cc, ok := c.rdb.(*redis.ClusterClient)
	if !ok {
		return nil
	}
	var mu sync.Mutex
	var nodes []NodeStats
	var slow []SlowEntry
	u := newUnreadSet()
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		rctx, cancel := c.withTimeout(ctx)
		defer cancel()
		pipe := node.Pipeline()
		info := pipe.Info(rctx)
		latency := pipe.Info(rctx, "latencystats")
		logs := pipe.SlowLogGet(rctx, n)
		start := time.Now()
		if err := pipeErr(pipe.Exec(rctx)); err != nil {
			return err
		}
		st := ServerStats{}
		if text, err := info.Result(); err == nil {
			st = ParseInfo(withLatency(text, latency)).ServerStats()
		} else {
			u.note(UnreadServer, fmt.Errorf("%s: %w", node.Options().Addr, err))
		}
		st.PingMs = float64(time.Since(start).Microseconds()) / 1000
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, NodeStats{Addr: node.Options().Addr, ServerStats: st})
		if l, err := logs.Result(); err == nil {
			slow = append(slow, SlowEntries(l, c.schema.Session)...)
		} else {
			u.note(UnreadSlowlog, fmt.Errorf("%s: %w", node.Options().Addr, err))
		}
		return nil
	})
	if err != nil {
		return Classify(err)
	}
	slices.SortFunc(nodes, func(a, b NodeStats) int { return cmp.Compare(a.Addr, b.Addr) })
	ping := snap.Server.PingMs
	snap.Nodes, snap.Server = nodes, totalStats(nodes)
	snap.Server.PingMs = max(ping, snap.Server.PingMs)
	slices.SortStableFunc(slow, func(a, b SlowEntry) int { return b.Time.Compare(a.Time) })
	snap.Slowlog = append([]SlowEntry{}, slow[:min(len(slow), int(n))]...)
	snap.Unreadable = MergeUnreadable(snap.Unreadable, u.list())
	return nil
}
