package read

import (
	"context"
	"flashtop/redisops"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

// A stock key holding a huge string is reported, never fetched whole: the
// snapshot reads its first bytes only.
func TestHugeStockValueIsCappedAndReported(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	ctx := context.Background()
	rdb := c.Redis()
	huge := strings.Repeat("9", 1<<20) // 1 MiB of digits
	if err := rdb.Set(ctx, "inventory:big", huge, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "inventory:ok", "42", 0).Err(); err != nil {
		t.Fatal(err)
	}
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stocks := map[string]*int64{}
	for _, s := range snap.Sales {
		stocks[s.ID] = s.Inventory
	}
	if v := stocks["ok"]; v == nil || *v != 42 {
		t.Fatalf("stock of ok = %v, want 42", v)
	}
	if v, listed := stocks["big"]; !listed || v != nil {
		t.Fatalf("stock of big = %v (listed %v), want listed without a number", v, listed)
	}
	var found bool
	for _, a := range snap.Anomalies {
		if a.Kind == redisops.AnomalyStockInvalid && a.Key == "inventory:big" {
			found = true
			if len(a.Detail) > 200 {
				t.Errorf("the anomaly detail carries %d bytes of the value", len(a.Detail))
			}
		}
	}
	if !found {
		t.Fatalf("no stock_invalid anomaly for inventory:big: %+v", snap.Anomalies)
	}
}
