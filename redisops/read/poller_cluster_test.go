package read

import (
	"context"
	"errors"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// (d) In a cluster the walk, INFO and SLOWLOG fan out to every master: sales
// and holds spread over the masters are all found, Nodes has one entry per
// master and the totals in Server add up. The Client's full snapshot fans out
// the same way.
func TestPollerClusterFanOut(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c, schema := clusterTestClient(t, cl.URL())
	ctx := context.Background()
	rdb := cl.Client(t)
	want := seedSales(t, rdb, schema, 9, 12)
	var keysPerNode []int64
	var keys int64
	for _, n := range cl.Nodes {
		size := n.Client(t).DBSize(ctx).Val()
		keysPerNode = append(keysPerNode, size)
		keys += size
	}
	for i, k := range keysPerNode {
		if k == 0 {
			t.Fatalf("master %d holds no key: the test would not prove the fan-out", i)
		}
	}
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now})
	defer p.Close()
	snap, _ := tickUntil(t, p, redisops.SnapshotOptions{Sale: "sale3"}, 1000, nil, walked(1))
	checkCounts(t, snap, want)
	checkNodes(t, snap, keys)
	if len(snap.Reservations) != 12 || snap.Cost.HoldsIndexed != 9*12 || snap.Cost.RoundTrips < 3 {
		t.Errorf("%d visible holds, cost %+v", len(snap.Reservations), snap.Cost)
	}
	full, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, full, want)
	checkNodes(t, full, keys)
}

// checkNodes asserts one entry per master and Server totals that add up.
func checkNodes(t *testing.T, snap *redisops.Snapshot, keys int64) {
	t.Helper()
	if len(snap.Nodes) != 3 {
		t.Fatalf("%d nodes, want 3", len(snap.Nodes))
	}
	var sumKeys, sumMem, sumClients int64
	seen := map[string]bool{}
	for _, n := range snap.Nodes {
		if n.Addr == "" || seen[n.Addr] || n.Version == "" || n.KeysInDB == 0 {
			t.Errorf("node %+v", n)
		}
		seen[n.Addr] = true
		sumKeys += n.KeysInDB
		sumMem += n.UsedMemory
		sumClients += n.ConnectedClients
	}
	s := snap.Server
	if s.KeysInDB != keys || sumKeys != keys || s.UsedMemory != sumMem || s.ConnectedClients != sumClients {
		t.Errorf("totals: keys %d (nodes %d, DBSIZE %d), memory %d vs %d, clients %d vs %d",
			s.KeysInDB, sumKeys, keys, s.UsedMemory, sumMem, s.ConnectedClients, sumClients)
	}
}

// A cluster whose slots are not assigned yet lists no master: the poller
// says so with an error instead of indexing an empty node list.
func TestPollerClusterWithoutSlots(t *testing.T) {
	srv := redistest.Start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	c, _ := clusterTestClient(t, "redis://"+srv.Addr())
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	if _, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{}); !errors.Is(err, redisops.ErrServer) {
		t.Fatalf("snapshot of a cluster without slots: %v, want ErrServer", err)
	}
}

// In a cluster every master has its own push feed: after the walk has
// stopped moving (the clock stands still), a hold written for each sale —
// the sales are spread over the three masters — counts within a few ticks.
func TestPollerClusterFeedIsLive(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c, schema := clusterTestClient(t, cl.URL())
	ctx := context.Background()
	rdb := cl.Client(t)
	want := seedSales(t, rdb, schema, 9, 2)
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now})
	defer p.Close()
	snap, _ := tickUntil(t, p, redisops.SnapshotOptions{Sale: "none"}, 1000, nil, walked(1))
	if snap.Feed == nil || snap.Feed.Masters != 3 || snap.Feed.Armed != 3 || snap.Feed.State != redisops.FeedLive {
		t.Fatalf("feed %+v, want live on 3 masters", snap.Feed)
	}
	masters := map[string]bool{}
	for sale := range want {
		key := schema.HoldKey("late", sale)
		if err := rdb.HSet(ctx, key, "quantity", 5, "reserved_at", 1_770_000_000, "user_id", "late").Err(); err != nil {
			t.Fatal(err)
		}
		rdb.Expire(ctx, key, 300e9)
		m, err := rdb.MasterForKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		masters[m.Options().Addr] = true
	}
	if len(masters) != 3 {
		t.Fatalf("the new holds are on %d masters, want 3", len(masters))
	}
	for range 50 {
		snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if snap.Cost.ScanProgress != 0 {
			t.Fatal("the walk moved: the test proves nothing")
		}
		ok := true
		for _, row := range snap.Sales {
			w := want[row.ID]
			ok = ok && row.Reservations == w.holds+1 && row.ReservedUnits == w.units+5
		}
		if ok && len(snap.Sales) == len(want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the holds written on each master were not counted by the feed")
}
