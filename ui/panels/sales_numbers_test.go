package panels

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"flashtop/redisops"
	"flashtop/ui/table"
)

// rounded matches a rounded or cut number: "25.0k", "≈1.2M", "999,99…".
var rounded = regexp.MustCompile(`\d\.\d[kMGT]|≈|\d…`)

// bigNumbers is a snapshot whose stock and counts are too wide for the
// columns' usual widths.
func bigNumbers() *redisops.Snapshot {
	s := fixture(t0)
	s.Sales = []redisops.SaleStats{
		{ID: "sneaker-drop", Inventory: i64(24_960), QueueLength: 538, QueueHeadAgeMs: i64(281_000), Reservations: 952, ReservedUnits: 1_431},
		{ID: "huge", Inventory: i64(999_999_999_999_999), QueueLength: 1_234_567, Reservations: 12_345_678, ReservedUnits: 99_999_999},
		{ID: "sold-out", Inventory: i64(0), QueueLength: 538, QueueHeadAgeMs: i64(65_000)},
		{ID: "leaky", Inventory: i64(-3), LeakedUnits: 1_234_567, LeakedHolds: 3, LeakedUnverifiedUnits: 1_000},
	}
	return s
}

// Stock and counts are exact with thousands separators at every width: a
// column too narrow for a number widens (the stock even at the cost of the
// id), it is never rounded or cut.
func TestSalesExactNumbersAtEveryWidth(t *testing.T) {
	for _, w := range []int{44, 60, 80, 100, 120, 160, 230} {
		m := NewSales(asciiStyles())
		m.SetSize(w, 8)
		m.SetData(Data{Snap: bigNumbers(), Now: t0})
		v := m.View()
		checkBounds(t, "sales", v, w, 8)
		for _, want := range []string{" 24,960", " 999,999,999,999,999", " 0", " -3"} {
			if !strings.Contains(v, want) {
				t.Errorf("%d wide: no %q:\n%s", w, want, v)
			}
		}
		if rounded.MatchString(v) || strings.Contains(v, "100000") {
			t.Errorf("%d wide: a rounded or cut number:\n%s", w, v)
		}
	}
	m := NewSales(asciiStyles())
	m.SetSize(230, 8)
	m.SetData(Data{Snap: bigNumbers(), Now: t0})
	v := m.View()
	// SALE STOCK Δ/MIN ETA QUEUE HEAD HOLDS HELD LEAKED
	for id, want := range map[string]string{
		"sneaker-drop": "24,960 — — 538 4m41s 952 1,431 —",
		"huge":         "999,999,999,999,999 — — 1,234,567 — 12,345,678 99,999,999 —",
		"sold-out":     "0 — SOLD OUT 538 1m05s 0 0 —",
		"leaky":        "-3 — OVERSOLD 0 — 0 0 1,234,567u?", // the column keeps the digits; the detail goes
	} {
		if got := strings.Join(salesRow(t, v, id)[1:], " "); !strings.HasPrefix(got, want+" ") {
			t.Errorf("%s: %q, want %q then the trend", id, got, want)
		}
	}
	m.SetSize(100, 8)
	golden.RequireEqual(t, m.View())
}

// The cells' tones: stock 0 sold out, below 0 danger; a queue on a sold-out
// sale danger; the head's age a warning from 1 min, danger from 3 min.
func TestSalesTones(t *testing.T) {
	m := NewSales(asciiStyles())
	m.SetSize(230, 8)
	m.SetData(Data{Snap: bigNumbers(), Now: t0})
	tbl := table.Fit(m.columns(228), 228, true)
	byID := map[string][]table.Cell{}
	for _, r := range m.rows {
		byID[r.s.ID] = m.cells(tbl, r)
	}
	for _, c := range []struct {
		id   string
		col  int
		want table.Tone
	}{
		{"sneaker-drop", salesColStock, table.Plain},
		{"sneaker-drop", salesColQueue, table.Plain},
		{"sneaker-drop", salesColHead, table.Bad}, // 4m41s
		{"sold-out", salesColStock, table.SoldOut},
		{"sold-out", salesColETA, table.SoldOut},
		{"sold-out", salesColQueue, table.Bad}, // 538 buyers waiting for nothing
		{"sold-out", salesColHead, table.Warn}, // 1m05s
		{"leaky", salesColStock, table.Bad},
		{"leaky", salesColETA, table.Bad},
		{"leaky", salesColQueue, table.Plain}, // nobody waiting
		{"leaky", salesColLeaked, table.Bad},
	} {
		if got := byID[c.id][c.col]; got.Tone != c.want {
			t.Errorf("%s column %d %q: tone %d, want %d", c.id, c.col, got.Text, got.Tone, c.want)
		}
	}
	// In colour, sold out has its own style, distinct from danger, warning and dim.
	st := colourStyles()
	so := st.SoldOut.Render(etaSoldOut)
	for _, other := range []string{st.Bad.Render(etaSoldOut), st.Warn.Render(etaSoldOut), st.Dim.Render(etaSoldOut)} {
		if so == other {
			t.Errorf("sold out renders like another tone: %q", so)
		}
	}
	cm := NewSales(st)
	cm.SetSize(120, 8)
	cm.SetData(Data{Snap: bigNumbers(), Now: t0})
	if v := cm.View(); !strings.Contains(v, st.SoldOut.Render(etaSoldOut)) {
		t.Errorf("no sold-out style in the colour view:\n%q", v)
	}
}

// A hold count not live keeps its mark beside the exact digits.
func TestSalesNotLiveMarkOnWideCounts(t *testing.T) {
	s := bigNumbers()
	s.Feed = &redisops.FeedStatus{State: redisops.FeedOff}
	m := NewSales(asciiStyles())
	m.SetSize(230, 8)
	m.SetData(Data{Snap: s, Now: t0})
	if got := strings.Join(salesRow(t, m.View(), "huge")[6:8], " "); got != "12,345,678~ 99,999,999~" {
		t.Errorf("HOLDS HELD %q", got)
	}
}

// After a minute of steady sales a row has its exact stock, Δ and ETA.
func TestSalesRowAfterAMinute(t *testing.T) {
	m := NewSales(asciiStyles())
	m.SetSize(120, 8)
	for s := 0; s <= 60; s++ {
		snap := bigNumbers()
		snap.TakenAt = t0.Add(time.Duration(s) * time.Second)
		*snap.Sales[0].Inventory = 24_960 - int64(4*s)
		m.SetData(Data{Snap: snap, Now: snap.TakenAt})
	}
	// 240 sold in 60 s; 24,720 left at 4/s = 6,180 s = 1h43m.
	row := salesRow(t, m.View(), "sneaker-drop")
	if got := fmt.Sprint(row[1:4]); got != "[24,720 -240.0 1h43m]" {
		t.Errorf("sneaker-drop after a minute: %v", row)
	}
}
