package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// focusOn tabs until panel id has the focus (the tab order is the layout's).
func focusOn(t *testing.T, h *harness, id panelID) {
	t.Helper()
	for range numPanels {
		if h.m.focus == id {
			return
		}
		h.press("tab")
	}
	t.Fatalf("panel %d never took the focus (order %v)", id, h.m.lay.order)
}

// `/` filters the focused panel only: filtering holds by user leaves the
// sales table whole; each title names its own filter; esc clears the
// focused panel's filter, then (none left there) every filter.
func TestFilterPerPanel(t *testing.T) {
	h := newHarness(t, true)
	h.send(tea.WindowSizeMsg{Width: 160, Height: 45})
	focusOn(t, h, pHolds)
	h.press("/")
	wantMode(t, h, modeFilter)
	if v := h.m.View(); !strings.Contains(v, "/ holds: ") {
		t.Fatalf("the filter input does not name the holds panel:\n%s", v)
	}
	h.typeText("car")
	h.press("enter")
	if h.m.filters[pHolds] != "car" || h.m.filters[pSales] != "" {
		t.Fatalf("filters %q", h.m.filters)
	}
	v := h.m.View()
	for _, want := range []string{"s1", "s2", "carol", "filter: car", "filter holds: car"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "dave") {
		t.Errorf("the holds filter lets dave through:\n%s", v)
	}
	focusOn(t, h, pSales)
	h.press("/")
	h.typeText("s2")
	h.press("enter")
	if h.m.p.sales.CursorSale() != "s2" || h.m.filters[pHolds] != "car" {
		t.Fatalf("sales filter: cursor %q, filters %q", h.m.p.sales.CursorSale(), h.m.filters)
	}
	if v := h.m.View(); !strings.Contains(v, "filter sales: s2 · holds: car") {
		t.Errorf("the status line does not name both filters:\n%s", v)
	}
	h.press("esc")
	if h.m.filters[pSales] != "" || h.m.filters[pHolds] != "car" {
		t.Fatalf("esc on sales cleared %q", h.m.filters)
	}
	h.press("esc")
	if h.m.filters.any() {
		t.Fatalf("esc with no filter on the focused panel leaves %q", h.m.filters)
	}
}

// The queue, slowlog, command log and anomalies filter their rows too; the
// server panel has nothing to filter and says so.
func TestFilterOtherPanels(t *testing.T) {
	h := newHarness(t, true)
	h.send(tea.WindowSizeMsg{Width: 160, Height: 45})
	focusOn(t, h, pQueue)
	h.press("/")
	h.typeText("bob")
	h.press("enter")
	v := h.m.View()
	if !strings.Contains(v, "bob") || strings.Contains(v, "alice") {
		t.Errorf("queue filter bob:\n%s", v)
	}
	focusOn(t, h, pSlowlog)
	h.press("/")
	h.typeText("nothing-like-it")
	h.press("enter")
	if v := h.m.View(); !strings.Contains(v, noRowMatchText) || strings.Contains(v, "KEYS *") {
		t.Errorf("slowlog filter:\n%s", v)
	}
	focusOn(t, h, pServer)
	h.press("/")
	wantMode(t, h, modeNormal)
	if !strings.Contains(h.m.status.text, "nothing to filter") {
		t.Errorf("status %q", h.m.status.text)
	}
}

// noRowMatchText is the panels' body when a filter hides every row.
const noRowMatchText = "nothing matches the filter"

// While the poller has not read flash_sales:active whole, the status bar
// says how many of its ids the sales rows come from.
func TestStatusSaysActiveSetIsPartial(t *testing.T) {
	h := newHarness(t, true)
	s := testSnapshot(t0)
	s.Truncated = &redisops.Truncation{ActiveSales: &redisops.Cut{Shown: 1000, Total: 2500, How: "x"}}
	h.fb.snap = s
	h.press("R")
	if v := h.m.View(); !strings.Contains(v, "flash_sales:active: 1000 of 2500 ids read so far") {
		t.Errorf("status bar:\n%s", v)
	}
}
