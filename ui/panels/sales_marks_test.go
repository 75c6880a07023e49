package panels

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"flashtop/redisops"
	"flashtop/ui/table"
)

// salesRow returns the cells of sale id's row in the view (one word each).
func salesRow(t *testing.T, v, id string) []string {
	t.Helper()
	for _, l := range strings.Split(v, "\n") {
		if f := strings.Fields(strings.Trim(l, "│▸● ")); len(f) > 0 && f[0] == id {
			return f
		}
	}
	t.Fatalf("no row %q:\n%s", id, v)
	return nil
}

// While the feed does not keep the hold counts live, every row's HOLDS and
// HELD carry "~" (dim); live or a full read (no feed status), they do not.
func TestSalesMarksCountsThatAreNotLive(t *testing.T) {
	for _, c := range []struct {
		feed *redisops.FeedStatus
		want string // HOLDS HELD of sale-b
	}{
		{nil, "2 3"},
		{&redisops.FeedStatus{State: redisops.FeedLive}, "2 3"},
		{&redisops.FeedStatus{State: redisops.FeedVerifying}, "2~ 3~"},
		{&redisops.FeedStatus{State: redisops.FeedReconnecting}, "2~ 3~"},
		{&redisops.FeedStatus{State: redisops.FeedOff, Reason: "server too old"}, "2~ 3~"},
	} {
		m := NewSales(asciiStyles())
		s := fixture(t0)
		s.Sales[0].Reservations, s.Sales[0].ReservedUnits = 2, 3
		s.Sales[1].Reservations, s.Sales[1].ReservedUnits = 12_345, 99_999 // wide counts keep their digits and mark
		s.Feed = c.feed
		m.SetData(Data{Snap: s, Now: t0})
		m.SetSize(100, 8)
		v := m.View()
		checkBounds(t, "sales", v, 100, 8)
		// SALE STOCK Δ/MIN ETA QUEUE HEAD HOLDS HELD
		if got := strings.Join(salesRow(t, v, "sale-b")[6:8], " "); got != c.want {
			t.Errorf("feed %+v: sale-b HOLDS HELD %q, want %q", c.feed, got, c.want)
		}
		wantBig := "12,345 99,999" // exact, the columns widen
		if strings.Contains(c.want, "~") {
			wantBig = "12,345~ 99,999~"
		}
		if got := strings.Join(salesRow(t, v, "sale-a")[6:8], " "); got != wantBig {
			t.Errorf("feed %+v: sale-a HOLDS HELD %q, want %q", c.feed, got, wantBig)
		}
	}
	// The mark's tone is the dim one, in colour too.
	m := NewSales(colourStyles())
	s := fixture(t0)
	s.Feed = &redisops.FeedStatus{State: redisops.FeedOff}
	m.SetData(Data{Snap: s, Now: t0})
	m.SetSize(100, 8)
	st := colourStyles()
	if v := m.View(); !strings.Contains(v, st.Dim.Render(table.Align("3~", holdsWidth, true))) {
		t.Errorf("the marked count is not dim:\n%q", v)
	}
}

// LEAKED tells unverified units apart ("12u(5?)/3h"), and gives up the
// holds, then the unverified figure, when the column is narrower.
func TestSalesLeakedUnverified(t *testing.T) {
	s := redisops.SaleStats{LeakedUnits: 12, LeakedHolds: 3}
	for _, c := range []struct {
		unverified int64
		w          int
		want       string
	}{
		{0, leakedWidth, "12u/3h"},
		{0, 3, "12u"},
		{5, leakedWidth, "12u(5?)/3h"},
		{5, 9, "12u(5?)"},
		{5, 4, "12u?"},
		{5, 2, "12u?"},                // the table cuts it
		{12_345, leakedWidth, "12u?"}, // "12u(12,345?)" is too wide
	} {
		s.LeakedUnverifiedUnits = c.unverified
		if got := leakedCell(s, c.w); got.Text != c.want || got.Tone != table.Bad {
			t.Errorf("unverified %d in %d cells: %+v, want %q", c.unverified, c.w, got, c.want)
		}
	}
	if got := leakedCell(redisops.SaleStats{ID: "s1"}, leakedWidth); got.Text != dash {
		t.Errorf("no leak: %+v", got)
	}
	// A sale id no command could name: its leaks are never recorded, so
	// "—" would say there were none.
	if got := leakedCell(redisops.SaleStats{ID: "gpu\x1b[31m"}, leakedWidth); got.Text != leakUntracked || got.Tone != table.Warn {
		t.Errorf("odd sale id: %+v, want %q", got, leakUntracked)
	}
	m := NewSales(asciiStyles())
	snap := fixture(t0)
	snap.Sales[0].LeakedUnits, snap.Sales[0].LeakedHolds, snap.Sales[0].LeakedUnverifiedUnits = 12, 3, 5
	m.SetData(Data{Snap: snap, Now: t0})
	m.SetSize(120, 8)
	if v := m.View(); !strings.Contains(v, " 12u(5?)/3h ") {
		t.Fatalf("wide view lacks 12u(5?)/3h:\n%s", v)
	}
}

// The legend of the marks fits an 80-column help and names each mark.
func TestSalesLegendFits80Columns(t *testing.T) {
	all := strings.Join(SalesLegend(), "\n")
	for _, mark := range []string{"12" + notLiveMark, "(5" + unverifiedMark + ")", leakUntracked} {
		if !strings.Contains(all, mark) {
			t.Errorf("the legend does not explain %q:\n%s", mark, all)
		}
	}
	for _, l := range SalesLegend() {
		if w := lipgloss.Width(l); w > 80 {
			t.Errorf("legend line is %d wide: %q", w, l)
		}
	}
}
