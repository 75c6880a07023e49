package alerts

import (
	"math"
	"testing"
	"time"

	"flashtop/redisops"
)

func leak(sale string, qty int64) redisops.WatchedLeak {
	return redisops.WatchedLeak{Leak: redisops.Leak{Sale: sale, Quantity: qty}}
}

// The leak rate is the units lost within the last minute of snapshots;
// without a watch it is unknown, not 0.
func TestMonitorLeakWindow(t *testing.T) {
	m := NewMonitor()
	snap := func(s int) *redisops.Snapshot {
		return &redisops.Snapshot{TakenAt: t0.Add(time.Duration(s) * time.Second), Sales: []redisops.SaleStats{{ID: "s1", Inventory: i64(100)}}}
	}
	m.Observe(snap(0), nil, false)
	if _, ok := m.LeakedLastMinute("s1"); ok {
		t.Fatal("a leak rate without a watch")
	}
	m.Observe(snap(1), []redisops.WatchedLeak{leak("s1", 4), leak("s1", 3)}, true)
	m.Observe(snap(30), []redisops.WatchedLeak{leak("s1", 5)}, true)
	if n, ok := m.LeakedLastMinute("s1"); !ok || n != 12 {
		t.Fatalf("%v %v, want 12", n, ok)
	}
	m.Observe(snap(30), []redisops.WatchedLeak{leak("s1", 5)}, true) // the same poll again: not counted twice
	m.Observe(snap(61), nil, true)                                   // the first two left the window
	if n, _ := m.LeakedLastMinute("s1"); n != 5 {
		t.Fatalf("%v, want 5", n)
	}
	if n, ok := m.LeakedLastMinute("other"); !ok || n != 0 {
		t.Fatalf("a watched sale without leaks: %v %v", n, ok)
	}
	m.Observe(snap(91), nil, true)
	if n, _ := m.LeakedLastMinute("s1"); n != 0 {
		t.Fatalf("%v, want 0", n)
	}
	// A replay stepping back to 31 s: the leaks of later frames are not history.
	m.Observe(snap(62), []redisops.WatchedLeak{leak("s1", 9)}, true)
	m.Observe(snap(31), nil, true)
	if n, ok := m.LeakedLastMinute("s1"); !ok || n != 0 {
		t.Fatalf("after stepping back: %v %v, want 0", n, ok)
	}
}

// The monitor's ETA is the sales table's: one unit a second, 40 left → 40 s.
func TestMonitorSellOut(t *testing.T) {
	m := NewMonitor()
	for s := 0; s <= 20; s++ {
		m.Observe(&redisops.Snapshot{TakenAt: t0.Add(time.Duration(s) * time.Second),
			Sales: []redisops.SaleStats{{ID: "s1", Inventory: i64(int64(60 - s))}}}, nil, false)
	}
	in := Input{Snap: &redisops.Snapshot{TakenAt: t0.Add(20 * time.Second),
		Sales: []redisops.SaleStats{{ID: "s1", Inventory: i64(40)}}}, Trend: m}
	got := Evaluate(Thresholds{SellOut: time.Minute}, in)
	if len(got) != 1 || got[0].Value != 40 || got[0].Text != "s1 sells out in 40s (alert under 1m00s)" {
		t.Fatalf("%+v", got)
	}
	// A new sample is judged anew (the rates are cached only until then).
	next := &redisops.Snapshot{TakenAt: t0.Add(21 * time.Second), Sales: []redisops.SaleStats{{ID: "s1", Inventory: i64(39)}}}
	m.Observe(next, nil, false)
	if got := Evaluate(Thresholds{SellOut: time.Minute}, Input{Snap: next, Trend: m}); len(got) != 1 || math.Abs(got[0].Value-39) > 1e-6 {
		t.Fatalf("after one more sale: %+v", got)
	}
}
