package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"flashtop/redisops"
)

func wantOps(t *testing.T, fb *fakeBackend, want ...string) {
	t.Helper()
	if got := fb.ops(); !slices.Equal(got, want) {
		t.Fatalf("backend ops = %q, want %q", got, want)
	}
}

func wantMode(t *testing.T, h *harness, want mode) {
	t.Helper()
	if h.m.mode != want {
		t.Fatalf("mode = %d, want %d", h.m.mode, want)
	}
}

func TestStartSelectsFirstSaleOfFirstSnapshot(t *testing.T) {
	h := newHarness(t, true)
	if h.fb.snapshots() != 1 {
		t.Fatalf("Init should poll once, polled %d", h.fb.snapshots())
	}
	if h.m.sale != "s1" || h.m.snap == nil {
		t.Fatalf("sale %q, snap %v", h.m.sale, h.m.snap != nil)
	}
}

func TestStartSelectsFirstPin(t *testing.T) {
	h := newHarness(t, true, "s2", "s1")
	if h.m.sale != "s2" {
		t.Fatalf("sale = %q, want the first pin s2", h.m.sale)
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		h := newHarness(t, true)
		h.press(k)
		if !h.quit {
			t.Errorf("%s did not quit", k)
		}
	}
	h := newHarness(t, true)
	h.press("r", "q")
	if h.quit || h.m.form.Values()[0] != "q" {
		t.Fatalf("q in a form must type, not quit (quit=%v)", h.quit)
	}
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c must quit from a form")
	}
}

func TestHelpOpensAndCloses(t *testing.T) {
	h := newHarness(t, true)
	h.press("?")
	wantMode(t, h, modeHelp)
	if v := h.m.View(); !strings.Contains(v, "reserve") || !strings.Contains(v, "? or esc closes") {
		t.Fatalf("help view:\n%s", v)
	}
	h.press("r") // ignored in help
	wantOps(t, h.fb)
	h.press("?")
	wantMode(t, h, modeNormal)
	h.press("?", "esc")
	wantMode(t, h, modeNormal)
}

func TestFocusCyclesAndMovementGoesToFocusedPanel(t *testing.T) {
	h := newHarness(t, true)
	if h.m.focus != pSales {
		t.Fatalf("initial focus %d", h.m.focus)
	}
	first, _ := h.m.p.holds.SelectedHold()
	h.press("j")
	if h.m.p.sales.CursorSale() != "s2" || h.m.sale != "s2" {
		t.Fatalf("sales cursor on %q, selected %q after j; want both s2", h.m.p.sales.CursorSale(), h.m.sale)
	}
	for _, mv := range []struct{ key, want string }{{"k", "s1"}, {"down", "s2"}, {"up", "s1"}} {
		h.press(mv.key)
		if got := h.m.p.sales.CursorSale(); got != mv.want {
			t.Fatalf("after %s the sales cursor is on %q, want %q", mv.key, got, mv.want)
		}
	}
	if hold, _ := h.m.p.holds.SelectedHold(); hold.Key != first.Key { // sales was focused: the holds bar stayed
		t.Fatal("a blurred panel moved")
	}
	h.press("tab") // the holds panel is under the sales table (tab follows the screen)
	if h.m.focus != pHolds || !h.m.p.holds.Focused() || h.m.p.sales.Focused() {
		t.Fatalf("after a tab focus = %d", h.m.focus)
	}
	h.press("j")
	if hold, _ := h.m.p.holds.SelectedHold(); hold.Key == first.Key {
		t.Fatal("the focused holds panel did not move")
	}
	h.press("tab", "tab", "shift+tab")
	if h.m.focus != pQueue {
		t.Fatalf("shift+tab: focus %d", h.m.focus)
	}
	for range numPanels {
		h.press("tab")
	}
	if h.m.focus != pQueue {
		t.Fatalf("a full cycle should come back to the queue, got %d", h.m.focus)
	}
}

// TestBarSelectsSale: moving the Sales bar selects the sale under it (no
// enter needed), and the poller is asked for its holds and queue at once.
func TestBarSelectsSale(t *testing.T) {
	h := newHarness(t, true)
	polls := h.fb.snapshots()
	h.press("j")
	if h.m.sale != "s2" || h.m.data().Sale != "s2" {
		t.Fatalf("sale %q after moving the bar to s2", h.m.sale)
	}
	if h.fb.snapshots() != polls+1 {
		t.Fatalf("a new selection must poll at once: %d polls, want %d", h.fb.snapshots(), polls+1)
	}
	h.press("j") // already on the last row: nothing changes, no poll
	if h.fb.snapshots() != polls+1 {
		t.Fatalf("a bar that did not move polled: %d polls", h.fb.snapshots())
	}
}

func TestReserveThroughForm(t *testing.T) {
	h := newHarness(t, true)
	polls := h.fb.snapshots()
	h.press("r")
	wantMode(t, h, modeForm)
	h.press("enter") // empty user: submit refused
	wantMode(t, h, modeForm)
	h.typeText("erin")
	h.press("tab", "backspace")
	h.typeText("4")
	h.press("tab")
	for range 4 {
		h.press("backspace")
	}
	h.typeText("10m")
	h.fb.result = redisops.Result{OK: true, Status: redisops.StatusReserved, Remaining: i64(93)}
	h.press("enter")
	wantMode(t, h, modeConfirm)
	wantOps(t, h.fb)
	h.press("y")
	wantMode(t, h, modeNormal)
	wantOps(t, h.fb, "Reserve s1 erin 4 10m0s")
	if h.fb.snapshots() != polls+1 {
		t.Fatalf("a result must refresh at once: %d polls, want %d", h.fb.snapshots(), polls+1)
	}
	if n := len(h.m.log); n != 1 || h.m.log[0].Status != "reserved" || !h.m.log[0].OK ||
		h.m.log[0].Command != "reserve --sale s1 --user erin --qty 4 --ttl 600s" {
		t.Fatalf("log %+v", h.m.log)
	}
	if !strings.Contains(h.m.status.text, "reserved remaining=93") || h.m.status.kind != statusOK {
		t.Fatalf("status %+v", h.m.status)
	}
}

func TestReserveFormRejectsBadInput(t *testing.T) {
	h := newHarness(t, true)
	h.press("r")
	h.typeText("a:b") // ':' is not allowed in ids
	h.press("enter")
	h.press("tab", "backspace")
	h.typeText("0")
	h.press("enter")
	wantMode(t, h, modeForm)
	if !strings.Contains(h.m.View(), "must not contain") {
		t.Fatalf("the form should show the error:\n%s", h.m.View())
	}
	h.press("esc")
	wantMode(t, h, modeNormal)
	wantOps(t, h.fb)
}

func TestReleaseAsksThenReleasesSelectedHold(t *testing.T) {
	h := newHarness(t, true)
	focusOn(t, h, pHolds) // dave (soonest TTL) first
	h.press("x")
	wantMode(t, h, modeConfirm)
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "reservation:dave:s1") || !strings.Contains(p, "1 unit)") {
		t.Fatalf("prompt %q must name the key and quantity", p)
	}
	h.press("n")
	wantMode(t, h, modeNormal)
	wantOps(t, h.fb)
	h.press("j", "x", "y")
	wantOps(t, h.fb, "Release s1 carol nil")
}

func TestJoinLeaveAdmit(t *testing.T) {
	h := newHarness(t, true)
	h.press("i")
	h.typeText("zoe")
	h.press("enter", "y")
	focusOn(t, h, pQueue)
	h.press("j", "o") // queue panel, second member
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "bob") || !strings.Contains(p, "queue:s1") {
		t.Fatalf("leave prompt %q", p)
	}
	h.press("y")
	h.press("A", "enter")
	wantMode(t, h, modeConfirm)
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "next 10") {
		t.Fatalf("admit prompt %q", p)
	}
	h.press("y")
	wantOps(t, h.fb, "Join s1 zoe", "Leave s1 bob", "Admit s1 10")
}

func TestStockOperations(t *testing.T) {
	h := newHarness(t, true)
	h.press("+")
	h.typeText("5")
	h.press("enter", "y")
	h.press("+")
	h.typeText("5")
	h.press("tab")
	h.typeText("100")
	h.press("enter", "y")
	h.press("-")
	h.typeText("3")
	h.press("enter")
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "Take 3 from inventory:s1") {
		t.Fatalf("take prompt %q", p)
	}
	h.press("y")
	h.press("=")
	h.typeText("50")
	h.press("enter")
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "inventory:s1 to 50") {
		t.Fatalf("set prompt %q", p)
	}
	h.press("esc") // cancelled
	h.press("=")
	h.typeText("0")
	h.press("enter", "y")
	wantOps(t, h.fb, "Restock s1 5 nil", "Restock s1 5 100", "Take s1 3", "SetStock s1 0")
}

func TestReadOnlyRefusesEveryWrite(t *testing.T) {
	h := newHarness(t, false)
	h.press("tab", "tab")
	for _, k := range []string{"r", "x", "i", "o", "A", "+", "-", "="} {
		h.press(k)
		wantMode(t, h, modeNormal)
		if !strings.Contains(h.m.status.text, "read-only (--read-only)") {
			t.Fatalf("%s: status %q should give the reason", k, h.m.status.text)
		}
	}
	wantOps(t, h.fb)
	h.press("?")
	v := h.m.View()
	if !strings.Contains(v, "disabled — read-only") || !strings.Contains(v, "reserve") {
		t.Fatalf("help should list the disabled writes:\n%s", v)
	}
}

func TestWritesNeedASale(t *testing.T) {
	h := newHarness(t, true)
	h.fb.snap = &redisops.Snapshot{TakenAt: t0}
	h.m.sale = ""
	h.press("R")
	h.press("r")
	wantMode(t, h, modeNormal)
	if h.m.status.text != noSaleHighlighted {
		t.Fatalf("status %q", h.m.status.text)
	}
}

func TestOpErrorIsLogged(t *testing.T) {
	h := newHarness(t, true)
	h.fb.opErr = errors.New("redisops: Redis unreachable: dial tcp: refused")
	h.press("i")
	h.typeText("u1")
	h.press("enter", "y")
	if e := h.m.log[0]; e.OK || e.Err == "" || e.Status != "" {
		t.Fatalf("log entry %+v", e)
	}
	if h.m.status.kind != statusErr || !strings.Contains(h.m.status.text, "unreachable") {
		t.Fatalf("status %+v", h.m.status)
	}
}

func TestFilter(t *testing.T) {
	h := newHarness(t, true)
	h.press("/")
	wantMode(t, h, modeFilter)
	h.typeText("car")
	if h.m.filters[pSales] != "car" {
		t.Fatalf("filter applies as typed: %q", h.m.filters[pSales])
	}
	h.press("enter")
	wantMode(t, h, modeNormal)
	if h.m.filters[pSales] != "car" {
		t.Fatal("enter keeps the filter")
	}
	h.press("esc")
	if h.m.filters[pSales] != "" {
		t.Fatal("esc clears the filter")
	}
	h.press("/")
	h.typeText("x")
	h.press("esc")
	if h.m.filters[pSales] != "" || h.m.mode != modeNormal {
		t.Fatal("esc in the filter input clears it")
	}
}

func TestSort(t *testing.T) {
	h := newHarness(t, true)
	before := h.m.p.sales.SortName()
	h.press("s")
	after := h.m.p.sales.SortName()
	h.press("S")
	if before == after || h.m.p.sales.SortName() == after {
		t.Fatalf("sort names %q %q %q", before, after, h.m.p.sales.SortName())
	}
}

// TestFilterReopensWithItsText: / while a filter is in force edits that
// filter (the input is refilled with it, the cursor at its end).
func TestFilterReopensWithItsText(t *testing.T) {
	h := newHarness(t, true)
	h.press("/")
	h.typeText("car")
	h.press("enter", "/")
	wantMode(t, h, modeFilter)
	h.typeText("o")
	if h.m.filters[pSales] != "caro" {
		t.Fatalf("filter %q after reopening and typing o, want caro", h.m.filters[pSales])
	}
}

// TestOpErrorIsSanitized: an error's text reaches the status bar and the
// command log escaped, never as raw control bytes.
func TestOpErrorIsSanitized(t *testing.T) {
	h := newHarness(t, true)
	h.fb.opErr = errors.New("redisops: server error: ERR bad \x1b]52;c;aGk=\a\x1b[2J")
	h.press("i")
	h.typeText("u1")
	h.press("enter", "y")
	if strings.ContainsAny(h.m.status.text, "\x1b\a") || strings.ContainsAny(h.m.log[0].Err, "\x1b\a") {
		t.Fatalf("raw control bytes: status %q, log %q", h.m.status.text, h.m.log[0].Err)
	}
	if !strings.Contains(h.m.status.text, `ERR bad \x1b]52`) {
		t.Fatalf("status %q lacks the escaped error", h.m.status.text)
	}
	if v := h.m.View(); strings.ContainsAny(v, "\x1b\a") {
		t.Fatalf("raw control bytes in the view: %q", v)
	}
}
