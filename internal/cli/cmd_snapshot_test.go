package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// snapshot reads every hold and every id of flash_sales:active, however many
// (here 1,500 of each: more than one SCAN page, one SSCAN page and one
// pipeline); --hold-limit cuts the list of holds and the output says so, in
// text and in JSON, with how to get them all.
func TestSnapshotIsCompleteOrSaysSo(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	const holds, active = 1500, 1500
	p := rdb.Pipeline()
	p.Set(ctx, "inventory:big", 5000, 0)
	for i := range holds {
		key := fmt.Sprintf("reservation:user%04d:big", i)
		p.HSet(ctx, key, "quantity", 1, "reserved_at", 1700000000, "user_id", fmt.Sprintf("user%04d", i))
		p.Expire(ctx, key, time.Duration(600+i)*time.Second)
	}
	for i := range active {
		p.SAdd(ctx, redisops.ActiveSalesKey, fmt.Sprintf("act%04d", i))
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envURL: srv.URL()}

	o := runCLI(t, env, "snapshot", "--json")
	var snap redisops.Snapshot
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &snap) != nil {
		t.Fatalf("snapshot --json: exit %d, %q", o.code, o.stderr)
	}
	if len(snap.Reservations) != holds || snap.Truncated != nil || strings.Contains(o.stdout, `"truncated"`) {
		t.Errorf("%d holds of %d, truncated %+v: the default lists every hold", len(snap.Reservations), holds, snap.Truncated)
	}
	if n := len(snap.Sales); n != active+1 {
		t.Errorf("%d sales, want the %d active ids and big", n, active)
	}

	o = runCLI(t, env, "snapshot", "--json", "--hold-limit", "1000")
	snap = redisops.Snapshot{}
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &snap) != nil {
		t.Fatalf("snapshot --json --hold-limit 1000: exit %d, %q", o.code, o.stderr)
	}
	want := redisops.Cut{Shown: 1000, Total: holds, How: redisops.HoldLimitHow}
	if len(snap.Reservations) != 1000 || snap.Truncated == nil || snap.Truncated.Reservations == nil || *snap.Truncated.Reservations != want {
		t.Errorf("%d holds, truncated %+v; want 1000 listed and the cut said", len(snap.Reservations), snap.Truncated)
	}
	for _, s := range snap.Sales {
		if s.ID == "big" && (s.Reservations != holds || s.ReservedUnits != holds) {
			t.Errorf("the cut list changed the counts: %+v", s)
		}
	}

	o = runCLI(t, env, "snapshot", "--hold-limit", "1000")
	if line := "HOLDS (1000 of 1500 listed: " + redisops.HoldLimitHow + ")"; o.code != 0 || !strings.Contains(o.stdout, line) {
		t.Errorf("text snapshot lacks %q:\n%s", line, o.stdout)
	}
	if o := runCLI(t, env, "snapshot"); !strings.Contains(o.stdout, "HOLDS (1500)") {
		t.Errorf("text snapshot without a limit:\n%.400s", o.stdout)
	}
	if o := runCLI(t, env, "snapshot", "--hold-limit", "-1"); o.code != 2 || !strings.Contains(o.stderr, "--hold-limit") {
		t.Errorf("--hold-limit -1: exit %d, %q", o.code, o.stderr)
	}
	if o := runCLI(t, env, "ping", "--hold-limit", "5"); o.code != 2 || !strings.Contains(o.stderr, "--hold-limit: not used by 'ping'") {
		t.Errorf("ping --hold-limit: exit %d, %q", o.code, o.stderr)
	}
}

// snapshot gives each queue's wait percentiles (nearest rank of the ZCARD
// waiters, read by rank) and no rates (they need two reads): in JSON the
// exact milliseconds as of taken_at, in text rounded to the second beside
// the queue's head.
func TestSnapshotQueuePercentiles(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	// 10 members: rank i waited 100 s − 10 s·i (less 250 ms, so that the
	// text's rounding to the second holds while the read takes < 750 ms).
	var scores [10]int64
	for i := range scores {
		scores[i] = now.UnixMilli() - int64(100_000-10_000*i) + 250
		rdb.ZAdd(ctx, "queue:sq", redis.Z{Score: float64(scores[i]), Member: fmt.Sprint("m", i)})
	}
	env := map[string]string{envURL: srv.URL()}
	o := runCLI(t, env, "snapshot", "--json")
	var snap redisops.Snapshot
	if o.code != 0 || json.Unmarshal([]byte(o.stdout), &snap) != nil || len(snap.Sales) != 1 || snap.Sales[0].QueueStats == nil {
		t.Fatalf("snapshot --json: exit %d, %q, %s", o.code, o.stderr, o.stdout)
	}
	q := *snap.Sales[0].QueueStats
	taken := snap.TakenAt.UnixMilli()
	for i, c := range []struct {
		got  *int64
		rank int
	}{{q.WaitP50Ms, 5}, {q.WaitP90Ms, 1}, {q.WaitP99Ms, 0}} {
		if want := taken - scores[c.rank]; c.got == nil || *c.got != want {
			t.Errorf("percentile %d: %v, want %d ms (rank %d)", i, c.got, want, c.rank)
		}
	}
	if q.Waiters != 10 || q.ArrivalsPerMin != nil || q.AdmittedPerMin != nil || q.ExpectedWaitMs != nil || q.WindowMs != nil ||
		!strings.Contains(o.stdout, `"arrivals_per_min":null`) {
		t.Errorf("queue_stats %+v: want 10 waiters and every rate null", q)
	}
	o = runCLI(t, env, "snapshot")
	if line := " · waited p50 50s, p90 1m30s, p99 1m40s\n"; o.code != 0 || !strings.Contains(o.stdout, line) {
		t.Errorf("text snapshot lacks %q:\n%s", line, o.stdout)
	}
}
