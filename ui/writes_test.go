package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// writeCase is one write through its keys up to the confirm: the keys that
// open it (and fill its form), the exact confirm and the call that y sends.
type writeCase struct {
	name   string
	keys   []string // key presses; a form's text is typed with type:
	prompt string
	call   string
}

// confirmCases are every write of the dashboard, on testSnapshot (s1: stock
// 97, queue alice and bob, holds dave 1 and carol 2, dave first).
func confirmCases() []writeCase {
	return []writeCase{
		{"reserve", []string{"r", "type:erin", "enter"},
			"Reserve 1 for user erin on inventory:s1 (hold reservation:erin:s1, ttl 300s): stock 97 → 96?",
			"Reserve s1 erin 1 5m0s"},
		{"reserve already held", []string{"r", "type:carol", "enter"},
			"Reserve 1 for user carol on inventory:s1 (hold reservation:carol:s1, ttl 300s): carol already holds 2 units, nothing changes (Redis will answer already_reserved)?",
			"Reserve s1 carol 1 5m0s"},
		{"reserve past the stock", []string{"r", "type:erin", "tab", "backspace", "type:98", "enter"},
			"Reserve 98 for user erin on inventory:s1 (hold reservation:erin:s1, ttl 300s): stock 97, less than 98: Redis will answer insufficient_stock?",
			"Reserve s1 erin 98 5m0s"},
		{"release", []string{"tab", "x"}, // tab: the holds panel (tab follows the screen)
			"Release hold reservation:dave:s1 (1 unit) back to inventory:s1: stock 97 → 98?",
			"Release s1 dave nil"},
		{"join", []string{"i", "type:zoe", "enter"}, "Add user zoe to queue:s1: length 2 → 3?", "Join s1 zoe"},
		{"join already queued", []string{"i", "type:bob", "enter"},
			"Add user bob to queue:s1: bob is already queued at position 2, nothing changes (Redis will answer already_queued)?",
			"Join s1 bob"},
		{"leave", []string{"tab", "tab", "j", "o"}, "Remove user bob from queue:s1: length 2 → 1?", "Leave s1 bob"},
		{"admit", []string{"A", "enter"},
			"Admit the next 10 members of queue:s1 (removes them from the queue): length 2 → 0 (only 2 waiting)?", "Admit s1 10"},
		{"restock", []string{"+", "type:5", "enter"}, "Restock inventory:s1 by 5: 97 → 102?", "Restock s1 5 nil"},
		{"restock with max", []string{"+", "type:5", "tab", "type:200", "enter"},
			"Restock inventory:s1 by 5 (refused past max 200): 97 → 102?", "Restock s1 5 200"},
		{"restock past max", []string{"+", "type:5", "tab", "type:100", "enter"},
			"Restock inventory:s1 by 5 (refused past max 100): 97 → 102, past max 100: Redis will answer max_exceeded?",
			"Restock s1 5 100"},
		{"take", []string{"-", "type:3", "enter"}, "Take 3 from inventory:s1: 97 → 94?", "Take s1 3"},
		{"take past the stock", []string{"-", "type:100", "enter"},
			"Take 100 from inventory:s1: 97, less than 100: Redis will answer insufficient_stock?", "Take s1 100"},
		{"set", []string{"=", "type:50", "enter"}, "Set inventory:s1 to 50 (overwrites the current stock): 97 → 50?", "SetStock s1 50"},
	}
}

// drive presses keys; "type:text" types text into the open form.
func (h *harness) drive(keys []string) {
	h.t.Helper()
	for _, k := range keys {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			h.typeText(text)
			continue
		}
		h.press(k)
	}
}

// TestEveryWriteConfirmsWithBeforeAndAfter: each write stops at a y/n whose
// text names the key, the amount and the value before → after, and sends
// nothing until y; n and esc cancel with nothing sent.
func TestEveryWriteConfirmsWithBeforeAndAfter(t *testing.T) {
	for _, c := range confirmCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, answer := range []string{"n", "esc", "y"} {
				h := newHarness(t, true)
				h.drive(c.keys)
				wantMode(t, h, modeConfirm)
				if got := h.m.confirm.Prompt(); got != c.prompt {
					t.Fatalf("prompt\n%q, want\n%q", got, c.prompt)
				}
				wantOps(t, h.fb)
				h.press(answer)
				wantMode(t, h, modeNormal)
				if answer != "y" {
					wantOps(t, h.fb)
					if want := "(nothing sent)"; !strings.Contains(h.m.status.text, want) {
						t.Fatalf("%s: status %q lacks %q", answer, h.m.status.text, want)
					}
					continue
				}
				wantOps(t, h.fb, c.call)
			}
		})
	}
}

// TestConfirmSaysHowOldAndWhatIsUnknown: paused, the before values carry
// their time; a sale without a stock key says so.
func TestConfirmSaysHowOldAndWhatIsUnknown(t *testing.T) {
	h := newHarness(t, true)
	h.press("p", "+")
	h.typeText("5")
	h.press("enter")
	if want := "Restock inventory:s1 by 5: 97 → 102 (as of 12:00:00)?"; h.m.confirm.Prompt() != want {
		t.Fatalf("paused prompt %q, want %q", h.m.confirm.Prompt(), want)
	}

	h = newHarness(t, true)
	snap := testSnapshot(t0)
	snap.Sales[0].Inventory = nil
	h.fb.snap = snap
	h.press("R", "-")
	h.typeText("2")
	h.press("enter")
	if want := "Take 2 from inventory:s1: stock unknown?"; h.m.confirm.Prompt() != want {
		t.Fatalf("prompt %q, want %q", h.m.confirm.Prompt(), want)
	}
}

// TestSaleWritesActOnTheBar: with the Sales bar moved off the first sale,
// every sale write (its form title, its confirm and the call y sends) is
// for the highlighted sale, also when another panel has the focus.
func TestSaleWritesActOnTheBar(t *testing.T) {
	for _, c := range []writeCase{
		{"reserve", []string{"r", "type:erin", "enter"},
			"Reserve 1 for user erin on inventory:s2 (hold reservation:erin:s2, ttl 300s): stock 5 → 4?", "Reserve s2 erin 1 5m0s"},
		{"join", []string{"i", "type:zoe", "enter"}, "Add user zoe to queue:s2: length 0 → 1?", "Join s2 zoe"},
		{"admit", []string{"A", "enter"},
			"Admit the next 10 members of queue:s2 (removes them from the queue): length 0 → 0 (only 0 waiting)?", "Admit s2 10"},
		{"restock", []string{"+", "type:5", "enter"}, "Restock inventory:s2 by 5: 5 → 10?", "Restock s2 5 nil"},
		{"take", []string{"-", "type:2", "enter"}, "Take 2 from inventory:s2: 5 → 3?", "Take s2 2"},
		{"set", []string{"=", "type:9", "enter"}, "Set inventory:s2 to 9 (overwrites the current stock): 5 → 9?", "SetStock s2 9"},
	} {
		for _, focus := range []string{"sales", "queue"} {
			t.Run(c.name+" from "+focus, func(t *testing.T) {
				h := newHarness(t, true)
				h.press("j") // the bar on s2
				if focus == "queue" {
					focusOn(t, h, pQueue)
				}
				h.press(c.keys[0])
				wantMode(t, h, modeForm)
				if v := h.m.View(); !strings.Contains(v, " · sale s2 · ") {
					t.Fatalf("the form title does not name the highlighted sale s2:\n%s", v)
				}
				h.drive(c.keys[1:])
				if got := h.m.confirm.Prompt(); got != c.prompt {
					t.Fatalf("prompt\n%q, want\n%q", got, c.prompt)
				}
				h.press("y")
				wantOps(t, h.fb, c.call)
			})
		}
	}
}

// TestRowWritesNeedTheirPanel: x acts only in the focused Holds panel and o
// only in the focused Queue panel, each on its highlighted row; from any
// other panel they are refused, saying which panel to focus, with nothing
// sent.
func TestRowWritesNeedTheirPanel(t *testing.T) {
	h := newHarness(t, true)
	for _, tc := range []struct {
		key, panel, status string
	}{{"x", "Holds", releaseNeedsHolds}, {"o", "Queue", leaveNeedsQueue}} {
		for id := range numPanels {
			if (tc.key == "x" && id == pHolds) || (tc.key == "o" && id == pQueue) || !h.m.lay.visible(id) {
				continue
			}
			h.m.setFocus(id)
			h.press(tc.key)
			wantMode(t, h, modeNormal)
			if h.m.status.text != tc.status || !strings.Contains(tc.status, tc.panel) {
				t.Fatalf("%s with panel %d focused: status %q, want %q", tc.key, id, h.m.status.text, tc.status)
			}
		}
	}
	wantOps(t, h.fb)
	h.m.setFocus(pHolds)
	h.press("j", "x") // carol, the second soonest
	if want := "Release hold reservation:carol:s1 (2 units) back to inventory:s1: stock 97 → 99?"; h.m.confirm.Prompt() != want {
		t.Fatalf("prompt %q, want %q", h.m.confirm.Prompt(), want)
	}
	h.press("y")
	h.m.setFocus(pQueue)
	h.press("x") // the Holds bar is still on carol, but Holds is not focused
	wantMode(t, h, modeNormal)
	h.press("o")
	h.press("y")
	wantOps(t, h.fb, "Release s1 carol nil", "Leave s1 alice")
}

// TestFilterFollowsOrRefuses: a filter that hides the selected sale moves
// the selection to the row the bar lands on; one that hides every sale
// leaves no sale highlighted, and sale writes are refused.
func TestFilterFollowsOrRefuses(t *testing.T) {
	h := newHarness(t, true)
	h.press("/")
	h.typeText("2")
	h.press("enter")
	if h.m.sale != "s2" || h.m.p.sales.CursorSale() != "s2" {
		t.Fatalf("filter 2: selected %q, bar on %q; want s2", h.m.sale, h.m.p.sales.CursorSale())
	}
	h.press("/")
	h.typeText("zzz")
	h.press("enter")
	for _, k := range []string{"r", "i", "A", "+", "-", "=", "L"} {
		h.press(k)
		wantMode(t, h, modeNormal)
		if h.m.status.text != noSaleHighlighted {
			t.Fatalf("%s with no sale row: status %q", k, h.m.status.text)
		}
	}
	wantOps(t, h.fb)
}

// TestBarStartsOnFirstPin: the first --sale is selected and highlighted.
func TestBarStartsOnFirstPin(t *testing.T) {
	h := newHarness(t, true, "s2", "s1")
	if h.m.sale != "s2" || h.m.p.sales.CursorSale() != "s2" {
		t.Fatalf("selected %q, bar on %q; want the first pin s2", h.m.sale, h.m.p.sales.CursorSale())
	}
	h.press("+")
	h.typeText("1")
	h.press("enter", "y")
	wantOps(t, h.fb, "Restock s2 1 nil")
}

// TestPastedControlCharacterIsRefusedInTheForm: a paste holding ESC into
// the reserve form types nothing, says why, and sends nothing.
func TestPastedControlCharacterIsRefusedInTheForm(t *testing.T) {
	h := newHarness(t, true)
	h.press("r")
	if v := h.m.View(); strings.Contains(v, "must not be empty") || strings.Contains(v, "fix the fields") {
		t.Fatalf("the reserve form opened with an error:\n%s", v)
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("eve\x1b[2J"), Paste: true})
	if v := h.m.View(); h.m.form.Values()[0] != "" || !strings.Contains(v, "refused: the paste holds ESC (0x1b), a control character") {
		t.Fatalf("value %q; the form must refuse the paste and say why:\n%s", h.m.form.Values()[0], v)
	}
	h.press("enter")
	wantMode(t, h, modeForm)
	wantOps(t, h.fb)
}
