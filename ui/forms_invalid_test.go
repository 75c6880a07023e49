package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// formCase is one invalid form submission: the key that opens the form and
// the value of each of its fields, in order.
type formCase struct {
	key    string
	values []string
	bad    int // index of the invalid field
}

// invalidFormCases are invalid values for every field of every write form
// (reserve: user, quantity, ttl; join: user; admit: count; restock:
// quantity, max; take: quantity; set: stock).
func invalidFormCases() []formCase {
	long := strings.Repeat("é", 300) // 600 bytes: over MaxIDBytes, within the input's 512 runes
	r := func(user, qty, ttl string, bad int) formCase { return formCase{"r", []string{user, qty, ttl}, bad} }
	one := func(key, v string) formCase { return formCase{key, []string{v}, 0} }
	return []formCase{
		r("", "1", "300s", 0), r("a:b", "1", "300s", 0), r("a}b", "1", "300s", 0), r("{x}", "1", "300s", 0),
		r(long, "1", "300s", 0), r("x:y:z", "1", "300s", 0), r("u{1", "1", "300s", 0),
		r("u1", "0", "300s", 1), r("u1", "-1", "300s", 1), r("u1", "abc", "300s", 1), r("u1", "1.5", "300s", 1),
		r("u1", "1e3", "300s", 1), r("u1", "99999999999999999999", "300s", 1), r("u1", "", "300s", 1),
		r("u1", "0x10", "300s", 1), r("u1", "1000001", "300s", 1),
		r("u1", "1", "0s", 2), r("u1", "1", "-5s", 2), r("u1", "1", "abc", 2), r("u1", "1", "", 2),
		r("u1", "1", "9999999h", 2), r("u1", "1", "1ns", 2),
		one("i", ""), one("i", "a:b"), one("i", long), one("i", "}"),
		one("A", "0"), one("A", "-3"), one("A", "x"), one("A", ""), one("A", "99999999999999999999"), one("A", "10001"),
		{"+", []string{"0", ""}, 0}, {"+", []string{"-2", ""}, 0}, {"+", []string{"x", ""}, 0},
		{"+", []string{"5", "abc"}, 1}, {"+", []string{"5", "-1"}, 1}, {"+", []string{"5", "1.5"}, 1},
		one("-", "0"), one("-", "-1"), one("-", "many"), one("-", ""),
		one("=", "-1"), one("=", "x"), one("=", "1.0"), one("=", ""), one("=", "99999999999999999999"),
	}
}

// fillForm clears each field and types its value, moving on with tab.
func (h *harness) fillForm(values []string) {
	h.t.Helper()
	for i, v := range values {
		h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
		h.typeText(v)
		if i < len(values)-1 {
			h.press("tab")
		}
	}
}

// TestInvalidFormValuesSendNothing: every invalid value keeps its form open
// with an inline error on that field, and the backend is asked nothing.
func TestInvalidFormValuesSendNothing(t *testing.T) {
	cases := invalidFormCases()
	if len(cases) < 40 {
		t.Fatalf("only %d invalid form cases", len(cases))
	}
	h := newHarness(t, true)
	for _, c := range cases {
		h.press(c.key)
		wantMode(t, h, modeForm)
		h.fillForm(c.values)
		h.press("enter")
		if h.m.mode != modeForm || h.m.form.Err(c.bad) == nil {
			t.Errorf("%s %q: mode %d, error on field %d: %v; want the form kept open with an inline error",
				c.key, c.values, h.m.mode, c.bad, h.m.form.Err(c.bad))
		} else if !strings.Contains(h.m.View(), cutErr(h.m.form.Err(c.bad).Error())) {
			t.Errorf("%s %q: the error %q is not shown:\n%s", c.key, c.values, h.m.form.Err(c.bad), h.m.View())
		}
		h.press("esc")
		wantMode(t, h, modeNormal)
	}
	wantOps(t, h.fb)
	// The probe: the same forms with valid values do reach the backend.
	h.press("i")
	h.fillForm([]string{"u1"})
	h.press("enter", "y")
	if len(h.fb.ops()) != 1 {
		t.Fatalf("a valid join was not sent: %q", h.fb.ops())
	}
}

// cutErr is the start of an error text, as a narrow dialog still shows it.
func cutErr(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}
