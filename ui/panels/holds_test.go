package panels

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/ui/table"
)

func users(m Holds) []string {
	u := make([]string, len(m.holds))
	for i, h := range m.holds {
		u[i] = h.User
	}
	return u
}

func TestHoldsOrderSaleAndFilter(t *testing.T) {
	m := NewHolds(asciiStyles())
	m.SetSize(80, 10)
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
	if got := users(m); !slices.Equal(got, []string{"u-soon", "u-late", "u-forever"}) {
		t.Fatalf("soonest first, no TTL last: %v", got)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b", Filter: "late"})
	if got := users(m); !slices.Equal(got, []string{"u-late"}) {
		t.Fatalf("filtered on user: %v", got)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b", Filter: "sale-b"})
	if v := m.View(); len(m.holds) != 0 || !strings.Contains(v, noHoldMatch) {
		t.Fatalf("the filter is on the user, not the sale (%v):\n%s", users(m), v)
	}
	// No sale selected: every sale's holds, with a sale column.
	m.SetData(Data{Snap: fixture(t0), Now: t0})
	if got := users(m); !slices.Equal(got, []string{"u-soon", "u-other", "u-late", "u-forever"}) {
		t.Fatalf("all holds: %v", got)
	}
	if v := m.View(); !strings.Contains(v, "SALE") || !strings.Contains(v, "sale-a") {
		t.Fatalf("all-sales view lacks the sale column:\n%s", v)
	}
}

func TestHoldsCountdownMovesWithNow(t *testing.T) {
	m := NewHolds(asciiStyles())
	m.SetSize(80, 8)
	snap := fixture(t0)
	ttlCell := func(now time.Time) string {
		m.SetData(Data{Snap: snap, Now: now, Sale: "sale-b"})
		v := m.View()
		for _, l := range strings.Split(v, "\n") {
			if f := strings.Fields(l); strings.Contains(l, "u-soon") {
				return f[len(f)-2]
			}
		}
		t.Fatalf("no u-soon row:\n%s", v)
		return ""
	}
	// u-soon: TTL 20 s at t0.
	for _, c := range []struct {
		after time.Duration
		want  string
	}{{0, "20s"}, {time.Second, "19s"}, {5500 * time.Millisecond, "14s"}, {19 * time.Second, "1s"}, {20 * time.Second, expired}, {time.Hour, expired}} {
		if got := ttlCell(t0.Add(c.after)); got != c.want {
			t.Fatalf("after %v: TTL %q, want %q", c.after, got, c.want)
		}
	}
	m.SetData(Data{Snap: snap, Now: t0.Add(time.Minute), Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, "u-forever") || !strings.Contains(v, noTTL) {
		t.Fatalf("hold without TTL not flagged:\n%s", v)
	}
}

func TestHoldsBar(t *testing.T) {
	for _, c := range []struct {
		left, total time.Duration
		w           int
		want        string
	}{
		{300 * time.Second, 300 * time.Second, 10, "██████████"},
		{150 * time.Second, 300 * time.Second, 10, "█████░░░░░"},
		{time.Second, 300 * time.Second, 10, "█░░░░░░░░░"},
		{0, 300 * time.Second, 4, "░░░░"},
		{time.Hour, 300 * time.Second, 3, "███"},
		{time.Second, 0, 3, ""},
	} {
		if got := bar(c.left, c.total, c.w); got != c.want {
			t.Fatalf("bar(%v, %v, %d) = %q, want %q", c.left, c.total, c.w, got, c.want)
		}
	}
}

func TestHoldsSelectionFollowsHold(t *testing.T) {
	m := NewHolds(asciiStyles())
	m.SetSize(80, 10)
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
	m.Focus()
	m, _ = m.Update(keyDown)
	h, ok := m.SelectedHold()
	if !ok || h.User != "u-late" {
		t.Fatalf("selected %v %v", h.User, ok)
	}
	// A new snapshot where u-soon is gone: the cursor stays on u-late.
	s := fixture(t0.Add(time.Second))
	s.Reservations = slices.DeleteFunc(s.Reservations, func(h redisops.Hold) bool { return h.User == "u-soon" })
	m.SetData(Data{Snap: s, Now: t0.Add(time.Second), Sale: "sale-b"})
	if h, _ := m.SelectedHold(); h.User != "u-late" || m.table.Cursor() != 0 {
		t.Fatalf("cursor moved to %q at %d", h.User, m.table.Cursor())
	}
	m.Blur()
	m, _ = m.Update(keyDown)
	if h, _ := m.SelectedHold(); h.User != "u-late" {
		t.Fatalf("blurred panel moved to %q", h.User)
	}
	m.SetData(Data{Snap: s, Now: t0, Sale: "none"})
	if _, ok := m.SelectedHold(); ok {
		t.Fatal("selected hold without holds")
	}
}

func TestHoldsHugeTTL(t *testing.T) {
	m := NewHolds(asciiStyles())
	m.SetSize(80, 6)
	s := fixture(t0)
	s.Reservations = []redisops.Hold{{Sale: "sale-b", User: "u", Quantity: 1, TTLMs: 1<<63 - 1}}
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, longTTL+" ██████████") {
		t.Fatalf("huge TTL:\n%s", v)
	}
}

func TestTTLToneIsRelativeToShortHolds(t *testing.T) {
	for _, c := range []struct {
		left, total time.Duration
		want        table.Tone
	}{
		{4 * time.Minute, 5 * time.Minute, table.Good},
		{50 * time.Second, 5 * time.Minute, table.Warn},
		{20 * time.Second, 5 * time.Minute, table.Bad},
		{24 * time.Second, 30 * time.Second, table.Good}, // a fresh demo hold is not urgent
		{12 * time.Second, 30 * time.Second, table.Warn},
		{5 * time.Second, 30 * time.Second, table.Bad},
	} {
		if got := ttlTone(c.left, c.total); got != c.want {
			t.Errorf("ttlTone(%s of %s) = %d, want %d", c.left, c.total, got, c.want)
		}
	}
}

// holdsTitle returns the panel's top border line.
func holdsTitleLine(m Holds) string { return strings.SplitN(m.View(), "\n", 2)[0] }

// manyHolds is a snapshot in which sale-b has 952 holds of 1,431 units, of
// which the poller read the n soonest.
func manyHolds(n int) *redisops.Snapshot {
	s := fixture(t0)
	s.Sales[0].Reservations, s.Sales[0].ReservedUnits = 952, 1_431
	s.Reservations = nil
	for i := range n {
		s.Reservations = append(s.Reservations, redisops.Hold{Sale: "sale-b", User: fmt.Sprintf("user-%03d", i),
			Quantity: 1 + int64(i%2), TTLMs: int64(1000 * (i + 1)), Key: fmt.Sprintf("reservation:user-%03d:sale-b", i)})
	}
	return s
}

// The title gives the sale's true totals from its row of the snapshot, not
// the rows read; they do not change with the window size or a filter.
func TestHoldsTitleTrueTotals(t *testing.T) {
	for _, c := range []struct {
		read   int
		h      int
		filter string
		want   string
	}{
		{40, 30, "", "Holds · sale-b · 952 holds, 1,431 units · showing the 40 soonest"},
		{86, 60, "", "Holds · sale-b · 952 holds, 1,431 units · showing the 86 soonest"},
		{86, 10, "", "Holds · sale-b · 952 holds, 1,431 units · showing the 86 soonest"},
		{86, 30, "user-00", "Holds · sale-b · 952 holds, 1,431 units · 10 of the 86 soonest match · filter: user-00"},
		{86, 30, "nobody", "Holds · sale-b · 952 holds, 1,431 units · 0 of the 86 soonest match · filter: nobody"},
		{952, 30, "", "Holds · sale-b · 952 holds, 1,431 units ─"},
	} {
		m := NewHolds(asciiStyles())
		m.SetSize(120, c.h)
		m.SetData(Data{Snap: manyHolds(c.read), Now: t0, Sale: "sale-b", Filter: c.filter})
		if got := holdsTitleLine(m); !strings.Contains(got, c.want) {
			t.Errorf("%d read, height %d, filter %q: title\n%s\nwant %q", c.read, c.h, c.filter, got, c.want)
		}
	}
	// Narrower: the "showing" part shortens, then goes; the totals stay.
	for w, want := range map[int]string{
		70: "Holds · sale-b · 952 holds, 1,431 units · showing the 40 soonest ─",
		68: "Holds · sale-b · 952 holds, 1,431 units · 40 soonest listed ─",
		57: "Holds · sale-b · 952 holds, 1,431 units · 40 listed ─",
		50: "Holds · sale-b · 952 holds, 1,431 units ─", // the totals are never cut for it
		40: "Holds · 952 holds, 1,431 units ─",          // nor for the sale (marked in the sales table)
	} {
		m := NewHolds(asciiStyles())
		m.SetSize(w, 10)
		m.SetData(Data{Snap: manyHolds(40), Now: t0, Sale: "sale-b"})
		if got := holdsTitleLine(m); !strings.Contains(got, want) {
			t.Errorf("%d wide: %s, want %q", w, got, want)
		}
	}
	// Counts that are not live carry the mark, as in the sales table.
	s := manyHolds(40)
	s.Feed = &redisops.FeedStatus{State: redisops.FeedOff}
	m := NewHolds(asciiStyles())
	m.SetSize(120, 20)
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if got, want := holdsTitleLine(m), "952~ holds, 1,431~ units · showing the 40 soonest"; !strings.Contains(got, want) {
		t.Errorf("not live: %s, want %q", got, want)
	}
	// Singular, and the totals of every sale when none is selected.
	s = fixture(t0)
	s.Sales[0].Reservations, s.Sales[0].ReservedUnits = 1, 1
	s.Sales[1].Reservations, s.Sales[1].ReservedUnits = 0, 0
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if got := holdsTitleLine(m); !strings.Contains(got, "· 1 hold, 1 unit ") {
		t.Errorf("singular: %s", got)
	}
	s = manyHolds(0)
	m.SetData(Data{Snap: s, Now: t0})
	v := m.View()
	if got := holdsTitleLine(m); !strings.Contains(got, "Holds · 953 holds, 1,432 units in 3 sales ─") {
		t.Errorf("all sales: %s", got)
	}
	if !strings.Contains(v, holdsPickSale) {
		t.Errorf("holds exist but none listed without a sale: the body must not say %q:\n%s", noHolds, v)
	}
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, holdsNotListed) {
		t.Errorf("952 holds, none read yet:\n%s", v)
	}
	m.SetData(Data{Snap: s, Now: t0, Sale: "gone"})
	if got := holdsTitleLine(m); !strings.Contains(got, "Holds · gone · 0 holds listed") {
		t.Errorf("a sale missing from the snapshot: %s", got)
	}
}

// Quantities are exact; the column widens for them.
func TestHoldsExactQuantity(t *testing.T) {
	s := fixture(t0)
	s.Reservations = []redisops.Hold{{Sale: "sale-b", User: "whale", Quantity: 1_234_567, TTLMs: 60_000}}
	m := NewHolds(asciiStyles())
	m.SetSize(60, 6)
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, " 1,234,567 ") {
		t.Errorf("quantity not exact:\n%s", v)
	}
}

// TestHoldsTitleOutcomes: with the leak watch's outcomes, the title says how
// the sale's holds ended since start where it fits, and drops it first.
func TestHoldsTitleOutcomes(t *testing.T) {
	snap := manyHolds(40)
	for i := range snap.Sales {
		if snap.Sales[i].ID == "sale-b" {
			snap.Sales[i].HoldOutcomes = &redisops.HoldOutcomes{Converted: 120, Expired: 14}
		}
	}
	m := NewHolds(asciiStyles())
	m.SetSize(160, 30)
	m.SetData(Data{Snap: snap, Now: t0, Sale: "sale-b"})
	want := "952 holds, 1,431 units · showing the 40 soonest · ended since start: 120 in time, 14 expired (90% converted)"
	if got := holdsTitleLine(m); !strings.Contains(got, want) {
		t.Errorf("title\n%s\nwant %q", got, want)
	}
	m.SetSize(70, 30)
	if got := holdsTitleLine(m); strings.Contains(got, "ended") || !strings.Contains(got, "952 holds, 1,431 units") {
		t.Errorf("narrow title keeps the totals, drops the outcomes first:\n%s", got)
	}
}
