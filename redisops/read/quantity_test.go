package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// The index's sums are exact past the int64 range and give back exactly what
// was taken away; read, they are held at the bounds.
func TestWideSum(t *testing.T) {
	var w wideSum
	w.add(math.MaxInt64)
	w.add(math.MaxInt64)
	w.add(1)
	if got := w.int64(); got != math.MaxInt64 {
		t.Fatalf("2×MaxInt64+1 reads %d, want it held at %d", got, int64(math.MaxInt64))
	}
	w.add(-math.MaxInt64)
	w.add(-math.MaxInt64)
	if got := w.int64(); got != 1 {
		t.Fatalf("after taking both away: %d, want 1", got)
	}
	w.add(-3)
	if got := w.int64(); got != -2 {
		t.Fatalf("1-3 = %d", got)
	}
	var v wideSum
	v.add(math.MinInt64)
	v.add(-1)
	if got := v.int64(); got != math.MinInt64 {
		t.Fatalf("MinInt64-1 reads %d", got)
	}
	if got := w.sub(w).int64(); got != 0 {
		t.Fatalf("w-w = %d", got)
	}
}

// Quantities writes would refuse are flagged and count as 0 units; sums
// never wrap. s1: holds of 9223372036854775807 (twice), 1000000000000000
// (16 digits: over the scripts' 999999999999999) and 1; s2: 9,300 holds of
// 999999999999999, whose sum passes the int64 range; stock of 16 digits.
func TestQuantitiesWritesRefuse(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	p := rdb.Pipeline()
	p.Set(ctx, "inventory:s1", "1000000000000000", 0)
	p.Set(ctx, "inventory:s2", "999999999999999", 0)
	for user, qty := range map[string]string{"a": "9223372036854775807", "b": "9223372036854775807", "c": "1000000000000000", "d": "1"} {
		p.HSet(ctx, "reservation:"+user+":s1", "quantity", qty, "reserved_at", 1_700_000_000, "user_id", user)
		p.Expire(ctx, "reservation:"+user+":s1", 300*time.Second)
	}
	p.Set(ctx, "reservation:e:s1", `{"saleId":"s1","userId":"e","quantity":"2000000000000000"}`, 300*time.Second)
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	const many = `for i = 1, 9300 do local k = 'reservation:m' .. i .. ':s2'
		redis.call('HSET', k, 'quantity', '999999999999999', 'user_id', 'm' .. i) redis.call('EXPIRE', k, 300) end return 1`
	if err := rdb.Eval(ctx, many, nil).Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int64{"s1": {5, 1, 0}, "s2": {9300, math.MaxInt64, 0}}
	over := func(key, q string) redisops.Anomaly {
		return redisops.Anomaly{Kind: redisops.AnomalyHoldBadQuantity, Key: key, Detail: "hold quantity " + q +
			" is over 999999999999999, the scripts' limit: release refuses it (counts 0 units)"}
	}
	wantAn := []redisops.Anomaly{
		over("reservation:a:s1", "9223372036854775807"), over("reservation:b:s1", "9223372036854775807"),
		over("reservation:c:s1", "1000000000000000"), over("reservation:e:s1", "2000000000000000"),
		{Kind: redisops.AnomalyStockInvalid, Key: "inventory:s1", Detail: "stock 1000000000000000 is over 999999999999999, the most flashtop's scripts accept: every write to it is refused"},
	}
	check := func(what string, snap *redisops.Snapshot) {
		t.Helper()
		if got := countsOf(snap); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: counts = %v, want %v", what, got, want)
		}
		if !reflect.DeepEqual(snap.Anomalies, wantAn) {
			t.Errorf("%s: anomalies\n got %s\nwant %s", what, jsonText(snap.Anomalies), jsonText(wantAn))
		}
		if inv := snap.Sales[0].Inventory; inv == nil || *inv != 1_000_000_000_000_000 {
			t.Errorf("%s: s1's stock = %v, want 1000000000000000 (it is an integer: shown, and flagged)", what, inv)
		}
	}
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("full read", snap)
	pl := NewPoller(c, PollerOptions{})
	t.Cleanup(func() { _ = pl.Close() })
	snap = tickFor(t, pl, "the first walk", 20*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool { return s.Cost.WalksDone >= 1 })
	check("poller", snap)
	// Taking holds away gives back exactly what they added (the index's sum
	// is exact beyond the int64 range).
	for i := 1; i <= 9300-9000; i++ {
		if err := rdb.Del(ctx, fmt.Sprintf("reservation:m%d:s2", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	tickFor(t, pl, "the deletions", 20*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return countsOf(s)["s2"] == [3]int64{9000, 9000 * 999_999_999_999_999, 0}
	})
}
