package panels

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/ui/table"
)

func TestQueueWaitedMovesWithNow(t *testing.T) {
	m := NewQueue(asciiStyles())
	m.SetSize(60, 8)
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
	v := m.View()
	if !strings.Contains(v, "1 q-first") || !strings.Contains(v, "1m05s") || !strings.Contains(v, "3 waiting") {
		t.Fatalf("queue view:\n%s", v)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0.Add(10 * time.Second), Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, "1m15s") || !strings.Contains(v, "40s") {
		t.Fatalf("waited did not move with Now:\n%s", v)
	}
}

func TestQueueStates(t *testing.T) {
	m := NewQueue(asciiStyles())
	m.SetSize(60, 6)
	for _, c := range []struct {
		d    Data
		want string
	}{
		{Data{Now: t0, Sale: "sale-b"}, noData},
		{Data{Snap: fixture(t0), Now: t0}, noSale},
		{Data{Snap: fixture(t0), Now: t0, Sale: "sale-a"}, emptyQueue},
	} {
		m.SetData(c.d)
		if v := m.View(); !strings.Contains(v, c.want) {
			t.Fatalf("want %q in:\n%s", c.want, v)
		}
		if _, ok := m.SelectedEntry(); ok {
			t.Fatal("selected entry in an empty queue")
		}
	}
}

func TestQueueSelectionAndScroll(t *testing.T) {
	s := fixture(t0)
	var q []redisops.QueueEntry
	for i := range 1000 {
		q = append(q, redisops.QueueEntry{User: fmt.Sprintf("user-%04d", i), Position: int64(i + 1), JoinedAtMs: t0.UnixMilli()})
	}
	s.Queues["sale-b"] = q
	m := NewQueue(asciiStyles())
	m.SetSize(50, 8) // 5 rows
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	m.Focus()
	for range 7 {
		m, _ = m.Update(keyDown)
	}
	e, ok := m.SelectedEntry()
	if !ok || e.User != "user-0007" {
		t.Fatalf("selected %q", e.User)
	}
	v := m.View()
	if !strings.Contains(v, table.CursorMark+"    8 user-0007") || strings.Contains(v, "user-0002") {
		t.Fatalf("cursor row not scrolled into view:\n%s", v)
	}
	checkBounds(t, "queue", v, 50, 8)
	m, _ = m.Update(keyEnd)
	if e, _ := m.SelectedEntry(); e.User != "user-0999" {
		t.Fatalf("end: %q", e.User)
	}
	// The member is admitted: the cursor stays in range.
	s2 := fixture(t0)
	s2.Queues["sale-b"] = q[:10]
	m.SetData(Data{Snap: s2, Now: t0, Sale: "sale-b"})
	if e, ok := m.SelectedEntry(); !ok || e.User != "user-0009" {
		t.Fatalf("after shrink: %q %v", e.User, ok)
	}
}

// The title gives the sale's whole queue and how much of it is listed; a
// queue on a sold-out sale is danger; the wait is coloured like HEAD.
func TestQueueTitleAndTones(t *testing.T) {
	s := fixture(t0)
	s.Sales[0].QueueLength = 538
	var head []redisops.QueueEntry
	for i := range 20 {
		head = append(head, redisops.QueueEntry{User: fmt.Sprintf("b-%02d", i), Position: int64(i + 1),
			JoinedAtMs: t0.Add(-time.Duration(281-12*i) * time.Second).UnixMilli()}) // 4m41s down to 53s
	}
	s.Queues["sale-b"] = head
	m := NewQueue(asciiStyles())
	m.SetSize(80, 8)
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	title := strings.SplitN(m.View(), "\n", 2)[0]
	if want := "Queue · sale-b · 538 waiting · showing the first 20 ─"; !strings.Contains(title, want) {
		t.Errorf("title %s, want %q", title, want)
	}
	*s.Sales[0].Inventory = 0
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	title = strings.SplitN(m.View(), "\n", 2)[0]
	if want := "538 waiting" + queueSoldOut + " · showing the first 20"; !strings.Contains(title, want) {
		t.Errorf("sold out: title %s, want %q", title, want)
	}
	for _, c := range []struct {
		e    redisops.QueueEntry
		text string
		want table.Tone
	}{
		{head[0], "4m41s", table.Bad},
		{head[10], "2m41s", table.Warn},
		{head[19], "53s", table.Plain},
	} {
		if got := m.cells(c.e)[queueColWaited]; got.Text != c.text || got.Tone != c.want {
			t.Errorf("%s: waited %q tone %d, want %q tone %d", c.e.User, got.Text, got.Tone, c.text, c.want)
		}
	}
	// Narrower: the "showing" part shortens, then goes; the alarm stays.
	for w, want := range map[int]string{
		72: "538 waiting · sale sold out · first 20 listed ─",
		62: "538 waiting · sale sold out · 20 listed ─",
		50: "538 waiting · sale sold out ─",
	} {
		m.SetSize(w, 8)
		if title := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(title, want) {
			t.Errorf("%d wide: title %s, want %q", w, title, want)
		}
	}
	m.SetSize(80, 8)
	// The queue length says there are members, but none were read.
	s.Queues["sale-b"] = nil
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, headNotRead) || strings.Contains(v, emptyQueue) {
		t.Errorf("unread head:\n%s", v)
	}
}

// Queue head age and a queue on a sold-out sale, by tone.
func TestWaitTone(t *testing.T) {
	for _, c := range []struct {
		age  time.Duration
		want table.Tone
	}{
		{0, table.Plain},
		{59 * time.Second, table.Plain},
		{time.Minute, table.Warn},
		{179 * time.Second, table.Warn},
		{3 * time.Minute, table.Bad},
		{4*time.Minute + 41*time.Second, table.Bad},
	} {
		if got := waitTone(c.age); got != c.want {
			t.Errorf("waitTone(%s) = %d, want %d", c.age, got, c.want)
		}
	}
}

// The analytics line: known numbers in full, unknown ones said so (never
// 0), and at every width whole items only (each part one item's long or
// short form), the median wait kept longest.
func TestQueueStatsLine(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	full := &redisops.QueueStats{Waiters: 42, WaitP50Ms: i64(3_000), WaitP90Ms: i64(8_000), WaitP99Ms: i64(12_000),
		ArrivalsPerMin: f(42), AdmittedPerMin: f(36), Arrivals: i64(42), Admitted: i64(36), ExpectedWaitMs: i64(70_000), WindowMs: i64(60_000)}
	noAdmits := *full
	noAdmits.AdmittedPerMin, noAdmits.Admitted, noAdmits.ExpectedWaitMs = f(0), i64(0), nil
	approx := *full
	approx.WaitRankOff, approx.WaitP90Ms = 1, nil
	cases := []struct {
		name string
		q    *redisops.QueueStats
		want string
	}{
		{"full", full, "waited p50 3s · p90 8s · p99 12s · in 42/min · admitted 36/min · new joiner ~1m10s"},
		{"first tick", &redisops.QueueStats{Waiters: 2, WaitP50Ms: i64(500), WaitP90Ms: i64(900), WaitP99Ms: i64(900)}, "waited p50 500ms · p90 900ms · p99 900ms · rates after 2 ticks"},
		{"no admissions", &noAdmits, "waited p50 3s · p90 8s · p99 12s · in 42/min · admitted 0/min · no admissions seen"},
		{"a few ranks off", &approx, "waited p50 ~3s · p90 — · p99 ~12s · in 42/min · admitted 36/min · new joiner ~1m10s"},
		{"empty", &redisops.QueueStats{}, "rates after 2 ticks"},
		{"not read", nil, statsNotRead},
	}
	for _, c := range cases {
		if got := statsLine(c.q, 0, 200); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
		forms := map[string]bool{}
		for _, it := range statsItems(c.q, 0) {
			forms[it.long], forms[it.short] = true, true
		}
		for w := 0; w <= 120; w++ {
			got := statsLine(c.q, 0, w)
			if n := len([]rune(got)); n > w {
				t.Fatalf("%s at %d: %d cells: %q", c.name, w, n, got)
			}
			if got == "" {
				continue
			}
			for _, part := range strings.Split(got, titleSep) {
				if !forms[part] {
					t.Fatalf("%s at %d: %q is not a whole item in %q", c.name, w, part, got)
				}
			}
			if c.q != nil && c.q.Waiters > 0 && !strings.HasPrefix(got, "p50") && !strings.HasPrefix(got, "waited p50") {
				t.Fatalf("%s at %d: the median wait went first: %q", c.name, w, got)
			}
		}
	}
	if got := statsLine(full, 0, 44); got != "p50 3s · p99 12s · adm 36/m · new ~1m10s" {
		t.Errorf("at 44: %q", got)
	}
	// The waits move with the display clock, as the WAITED column does; a
	// new joiner's expected wait does not.
	if got := statsLine(full, 10*time.Second, 200); got != "waited p50 13s · p90 18s · p99 22s · in 42/min · admitted 36/min · new joiner ~1m10s" {
		t.Errorf("10 s after the read: %q", got)
	}
}

// The queue panel gives its table one line less for the analytics line,
// and only when the table keeps its header and two rows.
func TestQueueStatsLineRoom(t *testing.T) {
	m := NewQueue(asciiStyles())
	for _, c := range []struct {
		h     int
		stats bool
	}{{8, true}, {6, true}, {5, false}, {3, false}} {
		m.SetSize(70, c.h)
		m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
		v := m.View()
		checkBounds(t, "queue", v, 70, c.h)
		if got := strings.Contains(v, "p50 30s"); got != c.stats {
			t.Errorf("height %d: analytics line shown %v, want %v:\n%s", c.h, got, c.stats, v)
		}
		if c.h >= 6 && !strings.Contains(v, "q-second") {
			t.Errorf("height %d: the rows went:\n%s", c.h, v)
		}
	}
}
