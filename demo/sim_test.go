package demo

import (
	"context"
	"strconv"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

func newClient(t *testing.T, url string, maxQueue int64) *redisops.Client {
	t.Helper()
	c, err := redisops.New(redisops.Options{URL: url, MaxQueue: maxQueue})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testProfiles: a busy sale whose queue hits a small cap, and a calm one.
func testProfiles() []Profile {
	return []Profile{
		{Sale: "busy", Stock: 120, Rate: 25, AdmitEvery: 500 * time.Millisecond, AdmitBatch: 5},
		{Sale: "calm", Stock: 1000, Rate: 3, AdmitEvery: time.Second, AdmitBatch: 3},
	}
}

func testConfig(seed uint64) Config {
	c := DefaultConfig(seed)
	c.Profiles = testProfiles()
	c.HoldTTL = 10 * time.Minute // nothing expires by the wall clock during a test
	return c
}

// heldUnits sums the quantity of every hold of a sale in Redis.
func heldUnits(t *testing.T, c *redisops.Client, sale string) int64 {
	t.Helper()
	ctx := context.Background()
	rdb := c.Redis()
	var sum int64
	iter := rdb.Scan(ctx, 0, c.Schema().Hold.ScanPatternFor(sale), 1000).Iterator()
	for iter.Next(ctx) {
		q, err := rdb.HGet(ctx, iter.Val(), "quantity").Int64()
		if err != nil {
			t.Fatalf("hold %s: %v", iter.Val(), err)
		}
		sum += q
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestSimInvariantsOnRealRedis(t *testing.T) {
	srv := redistest.Start(t)
	const queueCap = 40
	c := newClient(t, srv.URL(), queueCap)
	ctx := context.Background()
	cfg := testConfig(7)
	if err := Seed(ctx, c, cfg.Profiles, time.Now()); err != nil {
		t.Fatal(err)
	}
	var ops []Op
	sim := New(c, cfg, func(o Op) { ops = append(ops, o) })
	if err := sim.Rush("busy"); err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 240; step++ { // 120 s of virtual time
		sim.Advance(ctx, 500*time.Millisecond)
		for _, p := range cfg.Profiles {
			stock, err := c.Redis().Get(ctx, c.Schema().StockKey(p.Sale)).Int64()
			if err != nil || stock < 0 {
				t.Fatalf("step %d: stock of %s = %d, %v", step, p.Sale, stock, err)
			}
			if n := c.Redis().ZCard(ctx, c.Schema().QueueKey(p.Sale)).Val(); n > queueCap {
				t.Fatalf("step %d: queue of %s has %d members, cap %d", step, p.Sale, n, queueCap)
			}
		}
	}
	checked := map[string]int64{}
	holders := map[string]bool{}
	var full int
	for _, o := range ops {
		if o.Err != nil {
			t.Fatalf("op failed: %v", o)
		}
		switch {
		case o.Name == "checkout" && o.Status == "checked_out":
			checked[o.Sale] += o.Qty
		case o.Name == "reserve" && o.Status == redisops.StatusReserved:
			if holders[o.Sale+"/"+o.User] {
				t.Fatalf("user %s reserved twice in %s", o.User, o.Sale)
			}
			holders[o.Sale+"/"+o.User] = true
		case o.Status == redisops.StatusQueueFull:
			full++
		}
	}
	if full == 0 {
		t.Fatal("the rush never met the queue cap: the cap is not exercised")
	}
	for _, p := range cfg.Profiles {
		stock, _ := c.Redis().Get(ctx, c.Schema().StockKey(p.Sale)).Int64()
		held := heldUnits(t, c, p.Sale)
		if stock+held+checked[p.Sale] != p.Stock {
			t.Errorf("%s: stock %d + held %d + checked out %d != initial %d", p.Sale, stock, held, checked[p.Sale], p.Stock)
		}
	}
	if st := sim.Stats(); st.Reserved == 0 || st.CheckedOut == 0 || st.Released == 0 || st.Admitted == 0 || st.Arrivals < RushSize {
		t.Fatalf("the run did not exercise every path: %+v", st)
	}
}

// runOps runs a seeded simulation on a fresh server and returns its op log.
func runOps(t *testing.T, seed uint64) []string {
	t.Helper()
	srv := redistest.Start(t)
	c := newClient(t, srv.URL(), 30)
	ctx := context.Background()
	cfg := testConfig(seed)
	if err := Seed(ctx, c, cfg.Profiles, time.Now()); err != nil {
		t.Fatal(err)
	}
	var log []string
	sim := New(c, cfg, func(o Op) { log = append(log, strconv.FormatInt(int64(o.At/time.Millisecond), 10)+" "+o.String()) })
	for i := 0; i < 120; i++ {
		sim.Advance(ctx, 250*time.Millisecond)
	}
	return log
}

func TestSameSeedSameOperations(t *testing.T) {
	a, b := runOps(t, 42), runOps(t, 42)
	if len(a) < 100 {
		t.Fatalf("only %d ops: the run is too small to compare", len(a))
	}
	if len(a) != len(b) {
		t.Fatalf("same seed: %d ops vs %d ops", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, op %d differs:\n%s\n%s", i, a[i], b[i])
		}
	}
	c := runOps(t, 43)
	same := len(c) == len(a)
	for i := 0; same && i < len(a); i++ {
		same = a[i] == c[i]
	}
	if same {
		t.Fatal("seeds 42 and 43 gave the same operations: the seed is not used")
	}
}

func TestRunStopsOnCancelAndControls(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv.URL(), 0)
	cfg := testConfig(1)
	cfg.Tick = 10 * time.Millisecond
	if err := Seed(context.Background(), c, cfg.Profiles, time.Now()); err != nil {
		t.Fatal(err)
	}
	sim := New(c, cfg, nil)
	if err := sim.Rush("nope"); err == nil {
		t.Fatal("Rush of an unknown sale succeeded")
	}
	sim.SetSpeed(100)
	if sim.Speed() != MaxSpeed {
		t.Fatalf("speed %v, want clamped to %v", sim.Speed(), MaxSpeed)
	}
	sim.SetSpeed(0)
	if sim.Speed() != MinSpeed {
		t.Fatalf("speed %v, want clamped to %v", sim.Speed(), MinSpeed)
	}
	sim.SetSpeed(4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- sim.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for sim.Stats().Arrivals == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if sim.Stats().Arrivals == 0 {
		t.Fatal("Run made no arrivals within 5 s")
	}
	sim.SetPaused(true)
	time.Sleep(50 * time.Millisecond)
	before := sim.Stats().Virtual
	time.Sleep(100 * time.Millisecond)
	if after := sim.Stats().Virtual; after != before {
		t.Fatalf("paused, yet virtual time moved %v -> %v", before, after)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
