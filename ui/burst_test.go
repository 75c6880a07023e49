package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Keys read together arrive as one KeyMsg ("jjx"): outside text fields each
// must act as if typed apart, and once a form opens, the rest is its text.
func TestBurstOfKeysActsKeyByKey(t *testing.T) {
	h := newHarness(t, true)
	focusOn(t, h, pHolds)
	if h.m.focus != pHolds {
		t.Fatalf("focus = %d, want the holds panel", h.m.focus)
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jx")})
	wantMode(t, h, modeConfirm)
	if sel, ok := h.m.p.holds.SelectedHold(); !ok || !strings.Contains(h.m.confirm.Prompt(), "hold "+sel.Key+" ") {
		t.Fatalf("confirm %q, want the hold under the cursor %+v", h.m.confirm.Prompt(), sel)
	}

	h = newHarness(t, true)
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("rbob")})
	wantMode(t, h, modeForm)
	if got := h.m.form.Values()[0]; got != "bob" {
		t.Fatalf("user field = %q, want the rest of the burst, bob", got)
	}

	h = newHarness(t, true)
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("xy"), Paste: true})
	wantMode(t, h, modeNormal)
}
