package forms

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func typeIn(f Form, s string) Form {
	for _, r := range s {
		f, _ = f.Update(runes(string(r)))
	}
	return f
}

var errEmpty = errors.New("must not be empty")

func notEmpty(s string) error {
	if s == "" {
		return errEmpty
	}
	return nil
}

func testStyles() Styles {
	r := lipgloss.NewRenderer(nil)
	return Styles{Dialog: r.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)}
}

func newTestForm() Form {
	return New("Reserve", testStyles(),
		Field{Label: "user", Validate: notEmpty},
		Field{Label: "qty", Value: "1", Validate: notEmpty})
}

func TestFormValidatesAsTyped(t *testing.T) {
	f := newTestForm()
	if f.Valid() || f.Err(0) == nil {
		t.Fatalf("empty user must be invalid")
	}
	f = typeIn(f, "alice")
	if !f.Valid() || f.Err(0) != nil {
		t.Fatalf("after typing: valid=%v err=%v", f.Valid(), f.Err(0))
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	if got := f.Values()[0]; got != "alic" {
		t.Fatalf("backspace: value %q", got)
	}
}

func TestFormSubmitRefusedWhileInvalid(t *testing.T) {
	f := newTestForm()
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyTab}) // to qty
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if f.State() != Open {
		t.Fatalf("submit with an invalid field: state %v", f.State())
	}
	if f.Focused() != 0 {
		t.Fatalf("enter on an invalid form should focus the invalid field, focus=%d", f.Focused())
	}
	f = typeIn(f, "bob")
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if f.State() != Accepted {
		t.Fatalf("valid submit: state %v", f.State())
	}
	if v := f.Values(); v[0] != "bob" || v[1] != "1" {
		t.Fatalf("values %q", v)
	}
}

func TestFormTabMovesFocusAndEscCancels(t *testing.T) {
	f := newTestForm()
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyTab})
	f = typeIn(f, "0")
	if v := f.Values(); v[0] != "" || v[1] != "10" {
		t.Fatalf("typing after tab should edit field 2: %q", v)
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	if f.Focused() != 0 {
		t.Fatalf("shift+tab: focus %d", f.Focused())
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if f.State() != Cancelled {
		t.Fatalf("esc: state %v", f.State())
	}
	f2 := typeIn(f, "zzz")
	if f2.Values()[0] != "" {
		t.Fatalf("a closed form must ignore keys")
	}
}

func TestFormViewFitsWidth(t *testing.T) {
	for _, w := range []int{1, 10, 30, 60} {
		f := newTestForm()
		f.SetWidth(w)
		f = typeIn(f, strings.Repeat("x", 100))
		want := max(w, minInner+testStyles().Dialog.GetHorizontalFrameSize())
		for _, line := range strings.Split(f.View(), "\n") {
			if ansi.StringWidth(line) > want {
				t.Fatalf("width %d: line %q is %d wide", w, line, ansi.StringWidth(line))
			}
		}
	}
	f := newTestForm()
	f.SetWidth(40)
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyEnter}) // a refused submit shows the errors
	v := f.View()
	for _, s := range []string{"Reserve", "user", "qty", "must not be empty", "fix the fields"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
}

func TestConfirm(t *testing.T) {
	for _, tc := range []struct {
		key  tea.KeyMsg
		want State
	}{
		{runes("y"), Accepted}, {runes("n"), Cancelled}, {tea.KeyMsg{Type: tea.KeyEsc}, Cancelled}, {runes("q"), Open},
	} {
		ran := 0
		action := func() tea.Msg { ran++; return nil }
		c := NewConfirm("Release", "Release reservation:u:s1 (3 units)?", action, testStyles())
		c, cmd := c.Update(tc.key)
		if cmd != nil {
			cmd()
		}
		if c.State() != tc.want || (ran == 1) != (tc.want == Accepted) {
			t.Errorf("%v: state %v, action ran %d times; want %v, running it only on yes", tc.key, c.State(), ran, tc.want)
		}
		if _, cmd := c.Update(runes("y")); cmd != nil && c.State() != Open {
			t.Errorf("%v: an answered confirm returned its action again", tc.key)
		}
	}
	c := NewConfirm("Release", "Release reservation:u:s1 (3 units)?", nil, testStyles())
	c.SetWidth(30)
	if v := c.View(); !strings.Contains(v, "reservation:u:s1") || !strings.Contains(v, "y yes") {
		t.Fatalf("confirm view:\n%s", v)
	}
}

func TestInputEditing(t *testing.T) {
	in := NewInput(5)
	in.Focus()
	for _, k := range []tea.KeyMsg{runes("abc"), {Type: tea.KeyLeft}, runes("X"), {Type: tea.KeyHome}, {Type: tea.KeyDelete}, runes("123456")} {
		in, _ = in.Update(k)
	}
	if got := in.Value(); got != "bXc" || in.Err() == nil {
		t.Fatalf("value %q, error %v; want bXc and the six runes refused whole (limit 5)", got, in.Err())
	}
	in, _ = in.Update(runes("12"))
	if got := in.Value(); got != "12bXc" || in.Err() != nil {
		t.Fatalf("value %q, error %v; want 12bXc", got, in.Err())
	}
	in, _ = in.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	if in.Value() != "" {
		t.Fatalf("ctrl+u should clear, got %q", in.Value())
	}
	in.Blur()
	in, _ = in.Update(runes("z"))
	if in.Value() != "" {
		t.Fatalf("blurred input took a key")
	}
	in.SetValue(strings.Repeat("w", 5))
	if w := ansi.StringWidth(in.View(3)); w > 3 {
		t.Fatalf("view width %d > 3", w)
	}
}

// TestInputScrollKeepsCursorVisible: text wider than the input scrolls so
// that the cursor and the text at it stay in view.
func TestInputScrollKeepsCursorVisible(t *testing.T) {
	in := NewInput(100)
	in.Focus()
	in.SetValue("abcdefghijklmnop")
	if got := in.View(8); got != "…klmnop"+cursorGlyph {
		t.Fatalf("cursor at the end: view %q, want %q", got, "…klmnop"+cursorGlyph)
	}
	in, _ = in.Update(tea.KeyMsg{Type: tea.KeyHome})
	for range 12 {
		in, _ = in.Update(tea.KeyMsg{Type: tea.KeyRight})
	} // before "m"
	if got := in.View(8); got != "…hijkl"+cursorGlyph+"…" {
		t.Fatalf("cursor inside: view %q", got)
	}
	in.SetValue(strings.Repeat("界", 20)) // two cells each, replacing the text with the cursor inside it
	if in.Value() != strings.Repeat("界", 20) {
		t.Fatalf("SetValue with the cursor inside the old text: %q", in.Value())
	}
	if got := in.View(9); ansi.StringWidth(got) > 9 || !strings.HasSuffix(got, "界"+cursorGlyph) {
		t.Fatalf("wide runes: view %q (%d cells)", got, ansi.StringWidth(got))
	}
}

// TestFormShowsNoErrorBeforeTyping: a form opens without red (an empty
// required field is not an error yet); a field shows its error after its
// first edit, and every field shows its error after a refused submit.
func TestFormShowsNoErrorBeforeTyping(t *testing.T) {
	f := newTestForm()
	f.SetWidth(40)
	if f.Valid() || f.Shown(0) != nil || f.Shown(1) != nil {
		t.Fatalf("fresh form: valid %v, shown errors %v %v; want invalid but showing none", f.Valid(), f.Shown(0), f.Shown(1))
	}
	if v := f.View(); strings.Contains(v, "must not be empty") || strings.Contains(v, "fix the fields") {
		t.Fatalf("a fresh form shows an error:\n%s", v)
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyTab}) // leaving the field untouched is no edit
	if f.Shown(0) != nil {
		t.Fatalf("tab out of an untouched field showed %v", f.Shown(0))
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyBackspace}) // qty "1" -> ""
	if f.Shown(1) == nil || f.Shown(0) != nil {
		t.Fatalf("after editing qty: shown %v %v, want only qty's error", f.Shown(0), f.Shown(1))
	}
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if f.State() != Open || f.Shown(0) == nil || f.Focused() != 0 {
		t.Fatalf("refused submit: state %v, user error %v, focus %d", f.State(), f.Shown(0), f.Focused())
	}
	if v := f.View(); !strings.Contains(v, "must not be empty") || !strings.Contains(v, "fix the fields") {
		t.Fatalf("after a refused submit the errors must show:\n%s", v)
	}
}

// TestInputRefusesControlCharacters: a paste (or a burst) holding a control
// character is refused whole, with a message naming the character; nothing
// of it is inserted, and the next key clears the message.
func TestInputRefusesControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		text, name string
	}{
		{"u1\x1b[2J", "ESC (0x1b)"}, {"bell\a", "BEL (0x07)"}, {"a\tb", "TAB (0x09)"}, {"u1\n", "LF (newline) (0x0a)"},
		{"x\x7f", "DEL (0x7f)"}, {"c1\u0085", "U+0085"}, {"\x00", "NUL (0x00)"},
	} {
		in := NewInput(50)
		in.Focus()
		in, _ = in.Update(runes("ok"))
		in, _ = in.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(tc.text), Paste: true})
		if in.Value() != "ok" {
			t.Errorf("%q: value %q, want the paste refused whole (ok)", tc.text, in.Value())
		}
		want := "refused: the paste holds " + tc.name + ", a control character"
		if in.Err() == nil || in.Err().Error() != want {
			t.Errorf("%q: error %v, want %q", tc.text, in.Err(), want)
		}
		in, _ = in.Update(runes("!"))
		if in.Err() != nil || in.Value() != "ok!" {
			t.Errorf("%q: the next key: value %q, error %v", tc.text, in.Value(), in.Err())
		}
	}
	in := NewInput(5)
	in.Focus()
	in, _ = in.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("abcdefg"), Paste: true})
	if in.Value() != "" || in.Err() == nil || in.Err().Error() != "refused: the paste would make 7 characters (at most 5)" {
		t.Fatalf("over-long paste: value %q, error %v; want refused whole, naming the limit", in.Value(), in.Err())
	}
}

// TestFormShowsRefusedPaste: the form shows the refusal under the field.
func TestFormShowsRefusedPaste(t *testing.T) {
	f := newTestForm()
	f.SetWidth(80)
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("eve\x1b"), Paste: true})
	if f.Values()[0] != "" {
		t.Fatalf("value %q, want nothing inserted", f.Values()[0])
	}
	if v := f.View(); !strings.Contains(v, "refused: the paste holds ESC (0x1b), a control character") {
		t.Fatalf("the form does not say why the paste was refused:\n%s", v)
	}
	f = typeIn(f, "eve")
	if f.Shown(0) != nil || !f.Valid() {
		t.Fatalf("after typing: shown %v valid %v", f.Shown(0), f.Valid())
	}
}
