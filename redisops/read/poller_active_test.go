package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"testing"

	"flashtop/redisops/redistest"
)

// The poller reads flash_sales:active one SSCAN page a tick: a set of 2,500
// ids is whole within a few ticks, and until then each snapshot says how
// many of how many it holds; a small set is whole at the first tick; ids
// removed go when a pass ends without them.
func TestPollerActiveSetCompleteOrSaysSo(t *testing.T) {
	redistest.EachKind(t, testPollerActiveSetCompleteOrSaysSo)
}

func testPollerActiveSetCompleteOrSaysSo(t *testing.T, k redistest.Kind) {
	srv, c := newTestServerClient(t, k, redisops.Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	const n = 2500
	ids := make([]any, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("act%04d", i)
	}
	if err := rdb.SAdd(ctx, redisops.ActiveSalesKey, ids...).Err(); err != nil {
		t.Fatal(err)
	}
	p := NewPoller(c, PollerOptions{NoFeed: true})
	active := func(s *redisops.Snapshot) int {
		k := 0
		for _, row := range s.Sales {
			if row.Active {
				k++
			}
		}
		return k
	}
	first, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := first.Truncated
	if tr == nil || tr.ActiveSales == nil || tr.ActiveSales.Total != n || tr.ActiveSales.Shown <= 0 || tr.ActiveSales.Shown >= n ||
		tr.ActiveSales.How == "" || tr.Reservations != nil {
		t.Fatalf("first tick: truncated %s, want part of the %d ids said", jsonText(tr), n)
	}
	if got := active(first); int64(got) != tr.ActiveSales.Shown {
		t.Errorf("first tick shows %d active sales, says %d", got, tr.ActiveSales.Shown)
	}
	snap, ticks := tickUntil(t, p, redisops.SnapshotOptions{}, 10, nil, func(s *redisops.Snapshot) bool { return s.Truncated == nil })
	if got := active(snap); got != n || ticks > 4 {
		t.Errorf("after %d more ticks %d active sales, want all %d", ticks, got, n)
	}
	// Removed ids go once a pass ends without them; a small set is whole every tick.
	if err := rdb.Del(ctx, redisops.ActiveSalesKey).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.SAdd(ctx, redisops.ActiveSalesKey, "only")
	snap, _ = tickUntil(t, p, redisops.SnapshotOptions{}, 10, nil, func(s *redisops.Snapshot) bool { return active(s) == 1 })
	if snap.Truncated != nil || snap.Sales[0].ID != "only" {
		t.Errorf("small set: truncated %s, first sale %+v", jsonText(snap.Truncated), snap.Sales[0])
	}
}
