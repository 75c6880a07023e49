package salelog_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
	"flashtop/salelog"
)

// The event log from what the dashboard's poller reads of a real server:
// waiters popped from the head, a sell-out, a restock and a sale that
// opens, each done to the server between two polls.
func TestEventsObservedOnARealServer(t *testing.T) {
	redistest.EachKind(t, testEventsObservedOnARealServer)
}

func testEventsObservedOnARealServer(t *testing.T, k redistest.Kind) {
	ctx := context.Background()
	srv := k.Start(t)
	c, err := redisops.New(redisops.Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	rdb := srv.Client(t)
	s := c.Schema()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rdb.Set(ctx, s.StockKey("drop"), 4, 0).Err())
	members := make([]redis.Z, 30)
	for i := range members {
		members[i] = redis.Z{Score: float64(1_770_000_000_000 + i), Member: fmt.Sprintf("buyer-%02d", i)}
	}
	must(rdb.ZAdd(ctx, s.QueueKey("drop"), members...).Err())
	must(rdb.SAdd(ctx, redisops.ActiveSalesKey, "drop").Err())

	p := read.NewPoller(c, read.PollerOptions{})
	t.Cleanup(func() { _ = p.Close() })
	o := redisops.SnapshotOptions{Sale: "drop"}
	var log salelog.Log
	poll := func() *redisops.Snapshot {
		t.Helper()
		snap, err := p.Snapshot(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		log.Observe(snap)
		return snap
	}
	for i := 0; ; i++ { // until discovery is done and the hold counts are live
		if snap := poll(); snap.Cost.WalksDone >= 1 && snap.Feed.Live() {
			break
		}
		if i > 300 {
			t.Fatal("the poller never finished its first walk with a live feed")
		}
		time.Sleep(10 * time.Millisecond) // a tick's pace, not a timing: the feed arms on its own connection
	}
	if log.Len() != 0 {
		t.Fatalf("events before anything happened: %v", log.Events())
	}

	must(rdb.ZPopMin(ctx, s.QueueKey("drop"), 7).Err())
	poll()
	must(rdb.ZPopMin(ctx, s.QueueKey("drop"), 5).Err())
	poll()
	must(rdb.DecrBy(ctx, s.StockKey("drop"), 4).Err())
	poll()
	must(rdb.IncrBy(ctx, s.StockKey("drop"), 25).Err())
	poll()
	must(rdb.Set(ctx, s.StockKey("late"), 40, 0).Err())
	must(rdb.SAdd(ctx, redisops.ActiveSalesKey, "late").Err())
	for i := 0; log.Len() < 4 && i < 20; i++ {
		poll() // the new sale is found by the active set's next SSCAN page
	}

	var got []string
	for _, e := range log.Events() {
		got = append(got, e.Sale+" "+e.Text())
	}
	want := []string{
		"late opened: 40 in stock",
		"drop restocked: stock 0 → 25",
		"drop SOLD OUT: stock 4 → 0",
		"drop 12 admitted in 2 pops",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q\nwant     %q", got, want)
	}
}
