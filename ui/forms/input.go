package forms

import (
	"fmt"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Input is a one-line text input. (bubbles/textinput is not used: it pulls
// in a clipboard module that go.sum does not carry.)
type Input struct {
	value   []rune
	pos     int
	limit   int
	focused bool
	keys    inputKeys
	err     error // why the last key's text was refused (nil: it was not)
}

type inputKeys struct {
	Left, Right, Home, End, Backspace, Delete, Clear key.Binding
}

// cursorGlyph marks the cursor of a focused input.
const cursorGlyph = "▏"

// NewInput returns an empty, blurred input accepting at most limit runes.
func NewInput(limit int) Input {
	b := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return Input{limit: limit, keys: inputKeys{
		Left: b("left", "ctrl+b"), Right: b("right", "ctrl+f"), Home: b("home", "ctrl+a"),
		End: b("end", "ctrl+e"), Backspace: b("backspace", "ctrl+h"), Delete: b("delete", "ctrl+d"),
		Clear: b("ctrl+u"),
	}}
}

// Value is the text typed so far.
func (m Input) Value() string { return string(m.value) }

// SetValue replaces the text and moves the cursor to its end. Text the
// input would refuse from a key (a control character, over the limit)
// leaves it empty.
func (m *Input) SetValue(s string) {
	m.value, m.pos = nil, 0 // insert writes at pos
	_ = m.insert([]rune(s)) // a refused value leaves the input empty
	m.pos = len(m.value)
}

// Focus gives the input the keyboard; Blur takes it away.
func (m *Input) Focus() { m.focused = true }

// Blur takes the keyboard away.
func (m *Input) Blur() { m.focused = false }

// Focused reports whether the input has the keyboard.
func (m Input) Focused() bool { return m.focused }

// insert inserts rs at the cursor, or refuses all of it: text holding a
// control character (ESC, BEL, TAB, a newline…, typically from a paste) or
// longer than the room left is never inserted in part, because stripping or
// cutting it would silently make another value than the one pasted (another
// user id, another key).
func (m *Input) insert(rs []rune) error {
	for _, r := range rs {
		if unicode.IsControl(r) {
			return fmt.Errorf("holds %s, a control character", ControlName(r))
		}
	}
	if m.limit > 0 && len(m.value)+len(rs) > m.limit {
		return fmt.Errorf("would make %d characters (at most %d)", len(m.value)+len(rs), m.limit)
	}
	m.value = append(m.value[:m.pos], append(append([]rune(nil), rs...), m.value[m.pos:]...)...)
	m.pos += len(rs)
	return nil
}

// asciiControls names the C0 control characters, by code.
var asciiControls = [...]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF (newline)",
	"VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
	"FS", "GS", "RS", "US"}

// ControlName names a control character the way an operator can look it up:
// "ESC (0x1b)", "DEL (0x7f)", "U+0085" for the C1 ones.
func ControlName(r rune) string {
	switch {
	case r >= 0 && int(r) < len(asciiControls):
		return fmt.Sprintf("%s (0x%02x)", asciiControls[r], r)
	case r == 0x7f:
		return "DEL (0x7f)"
	}
	return fmt.Sprintf("U+%04X", r)
}

// Err is why the text of the last key was refused, naming the character or
// the limit; nil when the last key was taken.
func (m Input) Err() error { return m.err }

// Update edits the text on key presses while focused.
func (m Input) Update(msg tea.Msg) (Input, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	m.err = nil
	switch {
	case key.Matches(k, m.keys.Left):
		m.pos = max(0, m.pos-1)
	case key.Matches(k, m.keys.Right):
		m.pos = min(len(m.value), m.pos+1)
	case key.Matches(k, m.keys.Home):
		m.pos = 0
	case key.Matches(k, m.keys.End):
		m.pos = len(m.value)
	case key.Matches(k, m.keys.Backspace):
		if m.pos > 0 {
			m.value = append(m.value[:m.pos-1], m.value[m.pos:]...)
			m.pos--
		}
	case key.Matches(k, m.keys.Delete):
		if m.pos < len(m.value) {
			m.value = append(m.value[:m.pos], m.value[m.pos+1:]...)
		}
	case key.Matches(k, m.keys.Clear):
		m.value, m.pos = nil, 0
	case k.Type == tea.KeyRunes || k.Type == tea.KeySpace:
		if err := m.insert(k.Runes); err != nil {
			what := "the text" // typed or sent together (a multiplexer, a script)
			if k.Paste {
				what = "the paste"
			}
			m.err = fmt.Errorf("refused: %s %w", what, err) // short: a dialog of 60 cells shows it whole
		}
	}
	return m, nil
}

// View renders the text within width cells, scrolled so that the cursor
// stays visible; a focused input shows the cursor.
func (m Input) View(width int) string {
	width = max(1, width)
	before, after := string(m.value[:m.pos]), string(m.value[m.pos:])
	cur := ""
	if m.focused {
		cur = cursorGlyph
	}
	avail := width // cells for the text up to the cursor
	if after != "" && ansi.StringWidth(before+cur+after) > width {
		avail-- // the "…" that ends the cut text
	}
	if w := ansi.StringWidth(before + cur); w > avail {
		n := w - avail + 1 // one cell more than the overflow: the "…" put in front takes it
		cut := ansi.TruncateLeft(before, n, "…")
		if ansi.StringWidth(cut+cur) > avail { // the cut went through a wide rune, which TruncateLeft keeps
			cut = ansi.TruncateLeft(before, n+1, "…")
		}
		before = cut
	}
	s := before + cur + after
	return ansi.Truncate(s, width, "…")
}
