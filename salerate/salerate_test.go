package salerate

import (
	"testing"
	"time"

	"flashtop/redisops"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

// snapAt is a snapshot at second s of sale s1 with the given stock.
func snapAt(s int, stock *int64) *redisops.Snapshot {
	return &redisops.Snapshot{TakenAt: t0.Add(time.Duration(s) * time.Second),
		Sales: []redisops.SaleStats{{ID: "s1", Inventory: stock}}}
}

// One unit a second for 20 s: 60/min, and 80 left sell out in 80 s; the
// ETA waits for MinRateSpan and MinDecreases; a stall has none.
func TestHistorySellOut(t *testing.T) {
	h := NewHistory()
	for s := 0; s <= 14; s++ {
		h.Record(snapAt(s, i64(int64(100-s))))
	}
	if _, ok := h.Rate("s1").SellOut(i64(86)); ok {
		t.Fatal("an ETA after 14 s of history")
	}
	for s := 15; s <= 20; s++ {
		h.Record(snapAt(s, i64(int64(100-s))))
	}
	r := h.Rate("s1")
	if eta, ok := r.SellOut(i64(80)); !ok || eta != 80*time.Second || r.PerMin != 60 {
		t.Fatalf("ETA %v %v at %v/min, want 80s at 60/min", eta, ok, r.PerMin)
	}
	if h.Record(snapAt(20, i64(0))) {
		t.Error("the same snapshot time recorded twice")
	}
	for _, inv := range []*int64{nil, i64(0), i64(-3)} {
		if _, ok := r.SellOut(inv); ok {
			t.Errorf("an ETA with stock %v", inv)
		}
	}
	for s := 21; s <= 40; s++ {
		h.Record(snapAt(s, i64(80)))
	}
	if r := h.Rate("s1"); !r.Stalled() {
		t.Errorf("20 s without a sale is not stalled: %+v", r)
	} else if _, ok := r.SellOut(i64(80)); ok {
		t.Error("a stalled sale has an ETA")
	}
	if r := h.Rate("nope"); r.OK {
		t.Errorf("a sale never seen has a rate: %+v", r)
	}
}

// A sale without a stock key has no samples; one unseen for a whole
// window is forgotten.
func TestHistoryForgets(t *testing.T) {
	h := NewHistory()
	h.Record(snapAt(0, i64(5)))
	h.Record(snapAt(1, i64(4)))
	h.Record(snapAt(2, nil))
	if !h.Rate("s1").OK {
		t.Fatal("history lost")
	}
	h.Record(&redisops.Snapshot{TakenAt: t0.Add(HistoryWindow + 2*time.Second)})
	if h.Rate("s1").OK {
		t.Fatal("a sale unseen for a window is kept")
	}
}
