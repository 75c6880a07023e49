package table

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"flashtop/ui/theme"
)

func styles(p termenv.Profile) *theme.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	st := theme.New(r)
	return &st
}

var (
	keyDown = tea.KeyMsg{Type: tea.KeyDown}
	keyEnd  = tea.KeyMsg{Type: tea.KeyEnd}
)

// Columns go in decreasing Drop order until the rest fit; the flex column
// takes what is left; a zero-width column is absent.
func TestFitDropsAndFlexes(t *testing.T) {
	cols := []Column{
		{Title: "ID", Width: 4, Flex: true},
		{Title: "A", Width: 3, Drop: 1},
		{Title: "B", Width: 3, Drop: 2},
		{Title: "GONE"},
	}
	for _, c := range []struct {
		w     int
		shown [4]bool
		idW   int
	}{
		{w: 20, shown: [4]bool{true, true, true, false}, idW: 12}, // 4+1+3+1+3 = 12: 8 left for the flex column
		{w: 11, shown: [4]bool{true, true, false, false}, idW: 7}, // B (drop 2) goes first
		{w: 7, shown: [4]bool{true, false, false, false}, idW: 7}, // then A
	} {
		l := Fit(cols, c.w, false)
		for i := range cols {
			if l.Has(i) != c.shown[i] {
				t.Errorf("width %d: column %d shown %v, want %v", c.w, i, l.Has(i), c.shown[i])
			}
		}
		if got := l.Width(0); got != c.idW {
			t.Errorf("width %d: flex column %d wide, want %d", c.w, got, c.idW)
		}
	}
}

// A cell takes its tone's style, an id from Redis is sanitized and cut in
// its middle, a right-aligned column pads on the left; the cursor row takes
// the row style instead of the tones.
func TestRowTonesAndCuts(t *testing.T) {
	st := styles(termenv.TrueColor)
	l := Fit([]Column{{Title: "USER", Width: 10}, {Title: "N", Width: 4, Right: true}}, 15, false)
	cells := []Cell{{Text: "buyer-\x1b[31m0000359", Raw: true, ID: true}, {Text: "7", Tone: Bad}}
	row := l.Row(st, cells, nil)
	if !strings.Contains(row, st.Bad.Render("   7")) {
		t.Errorf("the Bad cell is not in its style: %q", row)
	}
	plain := ansi.Strip(row)
	if strings.Contains(plain, "\x1b") || !strings.HasPrefix(plain, "buyer…0359") || ansi.StringWidth(plain) != 15 {
		t.Errorf("row %q: want the id sanitized and cut in its middle, 15 cells", plain)
	}
	sel := st.Selected
	if got := l.Row(st, cells, &sel); strings.Contains(got, st.Bad.Render("   7")) {
		t.Errorf("the cursor row kept a cell's tone: %q", got)
	}
}

// An alert cell keeps the alert style on the cursor row too (the rest of
// the row keeps the row style); the text is the same.
func TestRowAlertOnTheCursorRow(t *testing.T) {
	st := styles(termenv.TrueColor)
	l := Fit([]Column{{Title: "USER", Width: 6}, {Title: "N", Width: 4, Right: true}, {Title: "M", Width: 2}}, 14, false)
	cells := []Cell{{Text: "alice"}, {Text: "7", Tone: Alert}, {Text: "x"}}
	sel := st.Selected
	got := l.Row(st, cells, &sel)
	if want := sel.Render("alice  ") + st.Alert.Render("   7") + sel.Render(" x "); got != want {
		t.Errorf("cursor row\n got %q\nwant %q", got, want)
	}
	if plain := ansi.Strip(got); plain != ansi.Strip(l.Row(st, cells, nil)) {
		t.Errorf("the text changed: %q", plain)
	}
}

// A blurred table ignores keys; a focused one moves and keeps the cursor in
// view; SetRows follows a row that moved.
func TestCursorMovesWhenFocused(t *testing.T) {
	m := New(styles(termenv.Ascii), Selecting)
	m.SetSize(20, 4) // header and 3 rows
	m.SetRows(10, -1)
	if m.Moves(keyDown) {
		t.Fatal("a blurred table takes keys")
	}
	if m, _ = m.Update(keyDown); m.Cursor() != 0 {
		t.Fatalf("a blurred table moved to %d", m.Cursor())
	}
	m.Focus()
	m, _ = m.Update(keyEnd)
	if m.Cursor() != 9 || m.Offset() != 7 {
		t.Fatalf("end: cursor %d offset %d, want 9 and 7", m.Cursor(), m.Offset())
	}
	m.SetRows(5, 2)
	if m.Cursor() != 2 || m.Offset() != 2 {
		t.Fatalf("after the rows changed: cursor %d offset %d, want 2 and 2", m.Cursor(), m.Offset())
	}
}

// A selecting table always shows its cursor; a browsing one only while
// focused, and has no gutter while blurred.
func TestCursorModes(t *testing.T) {
	cols := []Column{{Title: "X", Width: 3, Flex: true}}
	cells := func(i int) []Cell { return []Cell{{Text: "r" + string(rune('0'+i))}} }
	for _, c := range []struct {
		mode    CursorMode
		focused bool
		want    string
	}{
		{Selecting, false, " X  \n▸r0 \n r1 "},
		{Browsing, false, "X   \nr0  \nr1  "},
		{Browsing, true, " X  \n▸r0 \n r1 "},
	} {
		m := New(styles(termenv.Ascii), c.mode)
		m.SetSize(4, 3)
		m.SetColumns(cols)
		m.SetRows(5, -1)
		if c.focused {
			m.Focus()
		}
		if got := m.View(cells); got != c.want {
			t.Errorf("mode %d focused %v:\n%q\nwant\n%q", c.mode, c.focused, got, c.want)
		}
	}
}
