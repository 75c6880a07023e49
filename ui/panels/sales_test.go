package panels

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

var (
	keyDown = tea.KeyMsg{Type: tea.KeyDown}
	keyUp   = tea.KeyMsg{Type: tea.KeyUp}
	keyEnd  = tea.KeyMsg{Type: tea.KeyEnd}
	keyJ    = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}}
)

// order returns the sale ids in display order.
func order(m Sales) []string {
	ids := make([]string, len(m.rows))
	for i, r := range m.rows {
		ids[i] = r.s.ID
	}
	return ids
}

func TestSalesSortCycle(t *testing.T) {
	b := fedDashboard(asciiStyles())
	m := b.sales
	m.SetSize(80, 8)
	// sale-b Δ -60/min, sale-a 0, sale-c none; stock 40, 100, none;
	// queues 3, 0, 12; holds 2, 1, 0.
	steps := []struct {
		name string
		want []string
	}{
		{"id ↑", []string{"sale-a", "sale-b", "sale-c"}},
		{"stock ↑", []string{"sale-b", "sale-a", "sale-c"}},
		{"Δ/min ↑", []string{"sale-b", "sale-a", "sale-c"}},
		{"queue ↓", []string{"sale-c", "sale-b", "sale-a"}},
		{"holds ↓", []string{"sale-b", "sale-a", "sale-c"}},
		{"id ↑", []string{"sale-a", "sale-b", "sale-c"}},
	}
	for i, s := range steps {
		if i > 0 {
			m.CycleSort()
		}
		if m.SortName() != s.name || !slices.Equal(order(m), s.want) {
			t.Fatalf("step %d: sort %q order %v, want %q %v", i, m.SortName(), order(m), s.name, s.want)
		}
	}
	m.CycleSort() // stock
	m.ReverseSort()
	if got := order(m); m.SortName() != "stock ↓" || !slices.Equal(got, []string{"sale-c", "sale-a", "sale-b"}) {
		t.Fatalf("reversed stock: %q %v", m.SortName(), got)
	}
	if !strings.Contains(m.View(), "sort: stock ↓") {
		t.Fatal("title does not name the sort")
	}
}

func TestSalesCursorFollowsSaleAcrossSortAndData(t *testing.T) {
	m := fedDashboard(asciiStyles()).sales
	m.SetSize(100, 10)
	if m.CursorSale() != "sale-a" {
		t.Fatalf("initial cursor %q", m.CursorSale())
	}
	// Blurred: keys are ignored.
	m, _ = m.Update(keyDown)
	if m.CursorSale() != "sale-a" {
		t.Fatalf("blurred panel moved to %q", m.CursorSale())
	}
	m.Focus()
	m, _ = m.Update(keyJ)
	if m.CursorSale() != "sale-b" {
		t.Fatalf("after j: %q", m.CursorSale())
	}
	m.CycleSort() // stock: sale-b moves to the top, the cursor goes with it
	if m.CursorSale() != "sale-b" || m.table.Cursor() != 0 {
		t.Fatalf("cursor after sort: %q at %d", m.CursorSale(), m.table.Cursor())
	}
	m, _ = m.Update(keyEnd)
	m, _ = m.Update(keyDown) // past the end stays on the last
	if m.CursorSale() != "sale-c" {
		t.Fatalf("after end: %q", m.CursorSale())
	}
	// The sale under the cursor disappears: the cursor stays in range.
	s := fixture(t0.Add(time.Second))
	s.Sales = s.Sales[:2]
	m.SetData(Data{Snap: s, Now: t0.Add(time.Second)})
	if c := m.CursorSale(); c != "sale-a" && c != "sale-b" {
		t.Fatalf("cursor on a vanished sale: %q", c)
	}
	m, _ = m.Update(keyUp)
	m, _ = m.Update(keyUp)
	if m.CursorSale() != "sale-b" {
		t.Fatalf("after up: %q", m.CursorSale())
	}
}

func TestSalesFilterAndSelectionMark(t *testing.T) {
	m := NewSales(asciiStyles())
	m.SetSize(80, 8)
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-c", Filter: "-c"})
	if got := order(m); !slices.Equal(got, []string{"sale-c"}) {
		t.Fatalf("filtered: %v", got)
	}
	v := m.View()
	if !strings.Contains(v, saleMarker+" sale-c") || !strings.Contains(v, "filter: -c") {
		t.Fatalf("selected sale not marked or filter not named:\n%s", v)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0, Filter: "nope"})
	if v := m.View(); !strings.Contains(v, noMatch) || m.CursorSale() != "" {
		t.Fatalf("no-match view (cursor %q):\n%s", m.CursorSale(), v)
	}
}

func TestSalesDeltaAndETA(t *testing.T) {
	m := NewSales(asciiStyles())
	m.SetSize(120, 8)
	// Stock of sale-b falls 2 a second for 90 s, sale-a rises.
	for s := 0; s <= 90; s++ {
		snap := fixture(t0.Add(time.Duration(s) * time.Second))
		*snap.Sales[0].Inventory = int64(300 - 2*s)
		*snap.Sales[1].Inventory = int64(10 + s)
		m.SetData(Data{Snap: snap, Now: snap.TakenAt})
		m.SetData(Data{Snap: snap, Now: snap.TakenAt.Add(500 * time.Millisecond)}) // a clock tick adds nothing
	}
	rows := map[string]saleRow{}
	for _, r := range m.rows {
		rows[r.s.ID] = r
	}
	if b := rows["sale-b"]; !b.rate.OK || b.rate.PerMin != 120 {
		t.Fatalf("sale-b sells %v/min (%v), want 120", b.rate.PerMin, b.rate.OK)
	}
	if a := rows["sale-a"]; !a.rate.OK || a.rate.PerMin != 0 {
		t.Fatalf("sale-a (restocked, nothing sold) sells %v/min, want 0", a.rate.PerMin)
	}
	if n := len(rows["sale-b"].hist.Samples()); n != 91 {
		t.Fatalf("history has %d samples, want 91", n)
	}
	v := m.View()
	// sale-b: 120 left at 2/s → 1m00s; sale-a only rises: Δ 0, nothing
	// sold for the whole window → stalled.
	if got := strings.Join(salesRow(t, v, "sale-b")[2:4], " "); got != "-120.0 1m00s" {
		t.Fatalf("sale-b Δ and ETA %q, want \"-120.0 1m00s\":\n%s", got, v)
	}
	if got := strings.Join(salesRow(t, v, "sale-a")[2:4], " "); got != "0 stalled" {
		t.Fatalf("sale-a Δ and ETA %q, want \"0 stalled\":\n%s", got, v)
	}
}

func TestSalesHistoryBounded(t *testing.T) {
	m := NewSales(asciiStyles())
	start := t0
	for s := 0; s < 3000; s++ {
		snap := fixture(start.Add(time.Duration(s) * time.Second))
		m.SetData(Data{Snap: snap, Now: snap.TakenAt})
	}
	h := m.hist["sale-b"]
	if n := len(h.Samples()); n > historyLimit || n == 0 {
		t.Fatalf("history holds %d samples", n)
	}
	last, _ := h.Last()
	if age := last.At.Sub(h.Samples()[0].At); age > historyWindow {
		t.Fatalf("history spans %v, more than %v", age, historyWindow)
	}
	if cap(h.Samples()) > 2*historyLimit {
		t.Fatalf("history backing array grew to %d", cap(h.Samples()))
	}
	// A sale gone for longer than the window is forgotten.
	snap := fixture(start.Add(3000*time.Second + historyWindow + time.Minute))
	snap.Sales = snap.Sales[1:]
	m.SetData(Data{Snap: snap, Now: snap.TakenAt})
	if _, ok := m.hist["sale-b"]; ok {
		t.Fatal("history of a vanished sale kept")
	}
}

func TestSalesStaleAndNoData(t *testing.T) {
	m := NewSales(asciiStyles())
	m.SetSize(70, 6)
	m.SetData(Data{Now: t0})
	if v := m.View(); !strings.Contains(v, noData) {
		t.Fatalf("no data view:\n%s", v)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0.Add(12 * time.Second), Stale: true})
	if v := m.View(); !strings.Contains(v, "data 12s old") {
		t.Fatalf("stale view:\n%s", v)
	}
}
