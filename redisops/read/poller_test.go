package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// fakeClock is a poller clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

// saleSeed is what seedSales wrote for one sale.
type saleSeed struct{ holds, units int64 }

// seedSales writes nSales sales (stock 100, a queue of 3) and holdsPer holds
// each (every third one a JSON string, the others hashes; quantity 1..3; TTL
// 300 s + 10 s per hold). It returns the expected counts per sale.
func seedSales(t testing.TB, rdb redis.Cmdable, s redisops.Schema, nSales, holdsPer int) map[string]saleSeed {
	t.Helper()
	ctx := context.Background()
	want := map[string]saleSeed{}
	pipe := rdb.Pipeline()
	for i := range nSales {
		sale := fmt.Sprintf("sale%d", i)
		pipe.Set(ctx, s.StockKey(sale), 100, 0)
		for q := range 3 {
			pipe.ZAdd(ctx, s.QueueKey(sale), redis.Z{Score: float64(1_770_000_000_000 + q), Member: fmt.Sprintf("q%d", q)})
		}
		var w saleSeed
		for j := range holdsPer {
			user, qty := fmt.Sprintf("u%d", j), int64(j%3+1)
			key := s.HoldKey(user, sale)
			ttl := time.Duration(300+10*j) * time.Second // distinct deadlines: a stable soonest-first order
			if j%3 == 0 {
				pipe.Set(ctx, key, fmt.Sprintf(`{"saleId":%q,"userId":%q,"quantity":%d}`, sale, user, qty), ttl)
			} else {
				pipe.HSet(ctx, key, "quantity", qty, "reserved_at", 1_770_000_000, "user_id", user)
				pipe.Expire(ctx, key, ttl)
			}
			w.holds++
			w.units += qty
		}
		want[sale] = w
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return want
}

// fillJunk writes n unrelated string keys in one server-side loop.
func fillJunk(t testing.TB, rdb redis.Cmdable, n int) {
	t.Helper()
	const script = `for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'junk:' .. i, 'x') end return 1`
	if err := rdb.Eval(context.Background(), script, nil, n).Err(); err != nil {
		t.Fatal(err)
	}
}

// checkCounts compares the sales rows with the seeded counts.
func checkCounts(t *testing.T, snap *redisops.Snapshot, want map[string]saleSeed) {
	t.Helper()
	got := map[string]saleSeed{}
	for _, s := range snap.Sales {
		got[s.ID] = saleSeed{s.Reservations, s.ReservedUnits}
	}
	if len(got) != len(want) {
		t.Errorf("sales %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("sale %s: holds/units %v, want %v", id, got[id], w)
		}
	}
}

// tickUntil ticks until done(snap) or max ticks (then the test fails).
func tickUntil(t *testing.T, p *Poller, o redisops.SnapshotOptions, limit int, before func(), done func(*redisops.Snapshot) bool) (*redisops.Snapshot, int) {
	t.Helper()
	for i := 1; i <= limit; i++ {
		if before != nil {
			before()
		}
		snap, err := p.Snapshot(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if done(snap) {
			return snap, i
		}
	}
	t.Fatalf("condition not met within %d ticks", limit)
	return nil, 0
}

func walked(n int64) func(*redisops.Snapshot) bool {
	return func(s *redisops.Snapshot) bool { return s.Cost.WalksDone >= n }
}

// steadyTick measures the commands of one tick once the first walk is done
// and the clock stands still (so the walk earns no budget): the poll plan
// alone.
func steadyTick(t *testing.T, k redistest.Kind, junk int) (hooked int, snap *redisops.Snapshot) {
	srv, c := newTestServerClient(t, k, redisops.Options{})
	rdb := srv.Client(t)
	want := seedSales(t, rdb, c.Schema(), 4, 30)
	fillJunk(t, rdb, junk)
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now})
	defer p.Close()
	o := redisops.SnapshotOptions{Sale: "sale1", HoldRows: 10, HeadWindow: 5}
	tickUntil(t, p, o, 1000, nil, walked(1))
	if _, err := p.Snapshot(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	rec := &pipeRecorder{}
	c.Redis().AddHook(rec)
	snap, err := p.Snapshot(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, trip := range rec.trips {
		hooked += len(trip)
		for _, cmd := range trip {
			if strings.HasPrefix(cmd, "scan ") || cmd == "keys" {
				t.Errorf("steady tick sent %q", cmd)
			}
		}
	}
	// One pipeline, plus the push feed's check on its own connection (TIME,
	// CLIENT TRACKINGINFO), which the go-redis hook does not see.
	if len(rec.trips) != 1 || snap.Cost.RoundTrips != 2 || snap.Cost.FeedCommands != 2 {
		t.Errorf("steady tick: %d pipelines (cost says %d round trips, %d feed commands), want 1 (2, 2)",
			len(rec.trips), snap.Cost.RoundTrips, snap.Cost.FeedCommands)
	}
	checkCounts(t, snap, want)
	if len(snap.Reservations) != 10 || snap.Reservations[0].Sale != "sale1" {
		t.Errorf("visible holds: %d, first %+v", len(snap.Reservations), snap.Reservations)
	}
	return hooked, snap
}

// (a) The poll plan's command count does not grow with the keyspace: the
// same sales and holds among 1,000 or 50,000 unrelated keys cost the same
// commands per tick, counted by a go-redis hook (and by the cost meter).
func TestPollerCommandsIndependentOfKeyspace(t *testing.T) {
	redistest.EachKind(t, testPollerCommandsIndependentOfKeyspace)
}

func testPollerCommandsIndependentOfKeyspace(t *testing.T, k redistest.Kind) {
	small, snapSmall := steadyTick(t, k, 1_000)
	big, snapBig := steadyTick(t, k, 50_000)
	if small != big {
		t.Errorf("commands per tick: %d with 1,000 keys, %d with 50,000", small, big)
	}
	if snapSmall.Cost.Commands-snapSmall.Cost.FeedCommands != small || snapBig.Cost.Commands-snapBig.Cost.FeedCommands != big {
		t.Errorf("cost meter says %d and %d commands, hook counted %d and %d",
			snapSmall.Cost.Commands, snapBig.Cost.Commands, small, big)
	}
	// TIME, INFO, SLOWLOG, SSCAN + 4 sales × 5 (GET, ZCARD, the head window;
	// the queue analytics' tail and ZCOUNT, queuestats.go: the selected
	// sale's queue of 3 is within its head window, so no rank reads) + 10
	// visible holds × 2 or 3.
	if small < 4+20+20 || small > 4+20+30 {
		t.Errorf("commands per tick = %d, want between %d and %d", small, 4+20+20, 4+20+30)
	}
	t.Logf("commands per tick: %d", small)
	if snapBig.Cost.ScanProgress != 0 || snapBig.Cost.HoldsIndexed != 120 || snapBig.Cost.BytesOut == 0 || snapBig.Cost.BytesIn == 0 {
		t.Errorf("cost %+v", snapBig.Cost)
	}
}

// scanCursors returns the cursor of every SCAN a recorder saw, in order.
func scanCursors(rec *pipeRecorder) []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, trip := range rec.trips {
		for _, cmd := range trip {
			if f := strings.Fields(cmd); len(f) > 1 && f[0] == "scan" {
				out = append(out, f[1])
			}
		}
	}
	return out
}

// (b) A keyspace larger than one tick's budget is walked over several ticks,
// each resuming the SCAN cursor where the last one stopped; the counts are
// exact once the walk is done, and holds added or deleted during a walk are
// right after the next one.
func TestPollerWalkResumesAcrossTicks(t *testing.T) {
	redistest.EachKind(t, testPollerWalkResumesAcrossTicks)
}

func testPollerWalkResumesAcrossTicks(t *testing.T, k redistest.Kind) {
	srv, c := newTestServerClient(t, k, redisops.Options{})
	rdb := srv.Client(t)
	s := c.Schema()
	want := seedSales(t, rdb, s, 3, 100)
	fillJunk(t, rdb, 5_000)
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now, NoColdStart: true, ScanBudget: time.Millisecond, ScanCount: 20})
	defer p.Close()
	rec := &pipeRecorder{}
	c.Redis().AddHook(rec)
	o := redisops.SnapshotOptions{Sale: "sale0", HoldRows: 5}
	var progress []float64
	var seen int
	scanTicks, restarts := 0, 0
	snap, ticks := tickUntil(t, p, o, 5000, func() { clock.add(time.Second) }, func(s *redisops.Snapshot) bool {
		progress = append(progress, s.Cost.ScanProgress)
		cur := scanCursors(rec)
		if fresh := cur[seen:]; len(fresh) > 0 {
			if scanTicks > 0 && fresh[0] == "0" {
				restarts++ // a later tick began the walk again instead of resuming it
			}
			scanTicks++
		}
		seen = len(cur)
		return s.Cost.WalksDone >= 1
	})
	t.Logf("first walk: %d ticks, %d of them sent SCANs", ticks, scanTicks)
	if scanTicks < 3 || restarts != 0 {
		t.Errorf("walk: %d ticks sent SCANs, %d restarted at cursor 0 instead of resuming", scanTicks, restarts)
	}
	if progress[0] <= 0 || progress[0] >= 1 {
		t.Errorf("progress after the first tick = %v, want within (0, 1)", progress[0])
	}
	checkCounts(t, snap, want)
	if snap.Cost.HoldsIndexed != 300 {
		t.Errorf("holds indexed = %d, want 300", snap.Cost.HoldsIndexed)
	}

	// During the next walk: two holds of sale2 go, one comes, sale9 appears.
	ctx := context.Background()
	rdb.Del(ctx, s.HoldKey("u1", "sale2"), s.HoldKey("u2", "sale2")) // quantities 2 and 3
	rdb.HSet(ctx, s.HoldKey("late", "sale2"), "quantity", 5, "reserved_at", 1_770_000_000, "user_id", "late")
	rdb.Expire(ctx, s.HoldKey("late", "sale2"), time.Hour)
	rdb.Set(ctx, s.StockKey("sale9"), 1, 0)
	want["sale2"] = saleSeed{want["sale2"].holds - 1, want["sale2"].units - 5 + 5}
	want["sale9"] = saleSeed{}
	obs := &recordObserver{}
	p.SetHoldObserver(obs)
	snap, ticks = tickUntil(t, p, o, 5000, func() { clock.add(time.Second) }, walked(2))
	if ticks < 3 {
		t.Errorf("second walk took %d ticks", ticks)
	}
	checkCounts(t, snap, want)
	gone := []string{"gone reservation:u1:sale2 expired=false", "gone reservation:u2:sale2 expired=false"}
	if got := obs.goneList(); !slices.Equal(got, gone) || !obs.saw("reservation:late:sale2") {
		t.Errorf("observer: gone %v (want %v), saw the new hold %v", got, gone, obs.saw("reservation:late:sale2"))
	}
}
