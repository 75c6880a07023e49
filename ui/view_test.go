package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"flashtop/redisops"
)

// checkBounds fails when the view has more than h lines or a line wider
// than w.
func checkBounds(t *testing.T, v string, w, h int, what string) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if v == "" {
		lines = nil
	}
	if len(lines) > h {
		t.Fatalf("%s %dx%d: %d lines", what, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s %dx%d: line %d is %d wide: %q", what, w, h, i, lw, l)
		}
	}
}

// goldenHarness is the dashboard after its first poll and a few seconds.
func goldenHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := newHarness(t, true)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	*hs.now = t0.Add(3 * time.Second)
	hs.send(clockTickMsg{})
	return hs
}

func TestGoldenView80x24(t *testing.T) {
	h := goldenHarness(t, 80, 24)
	v := h.m.View()
	checkBounds(t, v, 80, 24, "golden")
	for _, s := range []string{"WRITES ARMED", "Sales", "Holds", "Queue", "carol", "writes armed"} {
		if !strings.Contains(v, s) {
			t.Errorf("80x24 lacks %q", s)
		}
	}
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenReserveForm80x24(t *testing.T) {
	h := goldenHarness(t, 80, 24)
	h.press("r")
	h.typeText("erin")
	golden.RequireEqual(t, []byte(h.m.View()))
}

func TestSmallTerminalsKeepHeaderAndSales(t *testing.T) {
	h := goldenHarness(t, 40, 10)
	v := h.m.View()
	if !strings.Contains(v, "flashtop") || !strings.Contains(v, "Sales") || !strings.Contains(v, "s1") {
		t.Fatalf("40x10 must keep the header and the sales table:\n%s", v)
	}
	if h.m.lay.visible(pHolds) || h.m.lay.visible(pCmdLog) {
		t.Fatalf("40x10 should fold the other panels: %+v", h.m.lay.panels)
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	sz := sizer{fr: h.m.frames(), wt: h.m.lay.wants}
	for _, id := range []panelID{pSales, pHolds, pQueue} {
		if r := h.m.lay.panels[id]; r.h < sz.min(leaf(id)) || r.h < panelFrame+min(spec(id).minLines, h.m.lay.wants[id]) {
			t.Errorf("80x24: panel %d is %dx%d, below its minimum", id, r.w, r.h)
		}
	}
}

func TestFoldOrder(t *testing.T) {
	// Shrinking the height folds the command log first, then slowlog,
	// server, queue and holds; never the sales table.
	h := newHarness(t, true)
	folded := map[panelID]int{}
	for height := 60; height >= 5; height-- {
		h.send(tea.WindowSizeMsg{Width: 100, Height: height})
		if !h.m.lay.visible(pSales) {
			t.Fatalf("sales folded at height %d", height)
		}
		for _, id := range foldOrder() {
			if _, seen := folded[id]; !seen && !h.m.lay.visible(id) {
				folded[id] = height
			}
		}
	}
	order := foldOrder()
	for i := 1; i < len(order); i++ {
		if folded[order[i]] > folded[order[i-1]] {
			t.Errorf("panel %d folded at height %d, before panel %d (at %d)", order[i], folded[order[i]], order[i-1], folded[order[i-1]])
		}
	}
}

func TestSizeGrid(t *testing.T) {
	h := newHarness(t, true)
	h.fb.snap = bigSnapshot(t0, 50, 200)
	h.press("R")
	for w := 20; w <= 300; w += 11 {
		for ht := 5; ht <= 100; ht += 5 {
			h.send(tea.WindowSizeMsg{Width: w, Height: ht})
			v := h.m.View()
			checkBounds(t, v, w, ht, "normal")
			if n := len(strings.Split(v, "\n")); n != ht {
				t.Fatalf("%dx%d: %d lines, want exactly %d", w, ht, n, ht)
			}
		}
	}
	modes := []struct {
		name string
		keys []string
	}{{"help", []string{"?"}}, {"form", []string{"r"}}, {"confirm", []string{"-", "1", "enter"}}, {"filter", []string{"/", "x"}}}
	for _, md := range modes {
		h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		h.press(md.keys...)
		for _, sz := range [][2]int{{20, 5}, {21, 6}, {33, 9}, {40, 10}, {80, 24}, {300, 100}, {1, 1}, {0, 0}} {
			h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			checkBounds(t, h.m.View(), sz[0], sz[1], md.name)
		}
		h.press("esc", "esc")
	}
}

func TestSizeGridDisconnected(t *testing.T) {
	h := newHarness(t, true)
	h.fb.snapErr = fmt.Errorf("redisops: Redis unreachable: %s", strings.Repeat("long error ", 40))
	h.press("R")
	for w := 20; w <= 300; w += 29 {
		for ht := 5; ht <= 100; ht += 9 {
			h.send(tea.WindowSizeMsg{Width: w, Height: ht})
			checkBounds(t, h.m.View(), w, ht, "disconnected")
		}
	}
}

// bigSnapshot has one sale "s1" with nHolds holds and a queue window of
// nQueue members, plus a few other sales.
func bigSnapshot(at time.Time, nHolds, nQueue int) *redisops.Snapshot {
	s := testSnapshot(at)
	s.Reservations = nil
	for i := range nHolds {
		s.Reservations = append(s.Reservations, redisops.Hold{Sale: "s1", User: fmt.Sprintf("user-%04d", i),
			Quantity: int64(i%5 + 1), TTLMs: int64(i * 997 % 300000), Key: fmt.Sprintf("reservation:user-%04d:s1", i)})
	}
	q := make([]redisops.QueueEntry, nQueue)
	for i := range q {
		q[i] = redisops.QueueEntry{User: fmt.Sprintf("buyer-%05d", i), Position: int64(i + 1), JoinedAtMs: at.UnixMilli() - int64(nQueue-i)*100}
	}
	s.Queues["s1"] = q
	for i := range 20 {
		s.Sales = append(s.Sales, redisops.SaleStats{ID: fmt.Sprintf("sale-%02d", i), Inventory: i64(int64(i * 10))})
	}
	return s
}

func BenchmarkView(b *testing.B) {
	fb := &fakeBackend{snap: bigSnapshot(t0, 500, 1000)}
	m := New(Config{Backend: fb, Arming: redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"},
		Clock: func() time.Time { return t0 }, Renderer: asciiRenderer()})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	mm, _ = mm.Update(snapshotMsg{id: 1, snap: fb.snap})
	m = mm.(Model)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func TestGoldenReadOnlyHelp80x24(t *testing.T) {
	h := newHarness(t, false)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("?")
	v := h.m.View()
	checkBounds(t, v, 80, 24, "help")
	if !strings.Contains(v, "? or esc closes") || !strings.Contains(v, "= set stock") {
		t.Fatalf("help at 80x24 should show every binding and how to close:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}
