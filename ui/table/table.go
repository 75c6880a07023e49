package table

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"flashtop/ui/theme"
)

// KeyMap is the movement bindings of a table. A blurred table ignores them.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
}

// DefaultKeyMap returns the movement bindings: ↑/k, ↓/j, pgup, pgdown, home/g,
// end/G.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp returns all bindings, for the full help view.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

// CursorMode is when a table shows its cursor.
type CursorMode int

const (
	// Selecting tables always show the cursor (in the blurred selection
	// style while blurred): the row under it is what the dashboard acts on.
	Selecting CursorMode = iota
	// Browsing tables show the cursor, and the gutter it sits in, only
	// while focused (the logs: the cursor is only for scrolling).
	Browsing
)

// Model is a table: its columns, a cursor over its rows, its KeyMap, focus
// and size. Rows are counted, not held: View asks for a row's cells when it
// draws the row.
type Model struct {
	// KeyMap is the table's movement bindings.
	KeyMap KeyMap

	st             *theme.Styles // never written: shared by every copy
	mode           CursorMode
	cols           []Column
	lay            Layout
	w, h           int // h counts the header line
	rows           int
	cursor, offset int
	focused        bool
}

// New returns an empty table drawn with st, showing its cursor per mode.
func New(st *theme.Styles, mode CursorMode) Model {
	m := Model{KeyMap: DefaultKeyMap(), st: st, mode: mode}
	m.relayout()
	return m
}

// SetSize sets the table's size: w cells, h lines with the header.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.relayout()
	m.clamp()
}

// SetColumns sets the columns (a panel may work them out per render, from
// the width and the rows it shows).
func (m *Model) SetColumns(cols []Column) {
	m.cols = cols
	m.relayout()
}

// SetRows sets the number of rows to n and puts the cursor on row at when
// at >= 0 (the row it was on, found again after the rows changed), else
// leaves it at its index; either way it ends within the rows and in view.
func (m *Model) SetRows(n, at int) {
	m.rows = n
	if at >= 0 {
		m.cursor = at
	}
	m.clamp()
}

// Focus focuses the table: it takes movement keys.
func (m *Model) Focus() { m.focused = true; m.relayout() }

// Blur blurs the table: it ignores keys.
func (m *Model) Blur() { m.focused = false; m.relayout() }

// Focused reports whether the table has focus.
func (m Model) Focused() bool { return m.focused }

// Cursor is the index of the row under the cursor (0 without rows).
func (m Model) Cursor() int { return m.cursor }

// Offset is the index of the first row in view.
func (m Model) Offset() int { return m.offset }

// Page is the number of rows in view (the header excluded).
func (m Model) Page() int { return max(m.h-1, 0) }

// Layout is the columns as laid out at the table's width.
func (m Model) Layout() Layout { return m.lay }

// Moves reports whether msg is one of the movement keys a focused table
// takes (Update then moves the cursor, even when it stays on its row).
func (m Model) Moves(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyMsg)
	return ok && m.focused && key.Matches(k, m.KeyMap.Up, m.KeyMap.Down, m.KeyMap.PageUp, m.KeyMap.PageDown, m.KeyMap.Home, m.KeyMap.End)
}

// Update moves the cursor on movement keys when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if !m.Moves(msg) {
		return m, nil
	}
	k := msg.(tea.KeyMsg)
	step := max(m.Page(), 1)
	switch {
	case key.Matches(k, m.KeyMap.Up):
		m.cursor--
	case key.Matches(k, m.KeyMap.Down):
		m.cursor++
	case key.Matches(k, m.KeyMap.PageUp):
		m.cursor -= step
	case key.Matches(k, m.KeyMap.PageDown):
		m.cursor += step
	case key.Matches(k, m.KeyMap.Home):
		m.cursor = 0
	case key.Matches(k, m.KeyMap.End):
		m.cursor = m.rows - 1
	}
	m.clamp()
	return m, nil
}

// View draws the header and the rows in view, cells(i) giving row i's
// cells (indexed like the columns): exactly the lines that fit in the
// height, none when there is no room. The cursor row is marked in the
// gutter and drawn in the selected style (the blurred one while blurred).
func (m Model) View(cells func(row int) []Cell) string {
	return strings.Join(m.Lines(cells), "\n")
}

// Lines is View as lines (nil when there is no room), for a panel that
// draws them inside its box.
func (m Model) Lines(cells func(row int) []Cell) []string {
	if m.h <= 0 { // no room (a panel collapsed to its title line)
		return nil
	}
	out := make([]string, 0, m.h)
	out = append(out, m.lay.Header(m.st.TableHeader))
	cursor := m.cursor
	if m.mode == Browsing && !m.focused {
		cursor = -1
	}
	sel := m.st.SelectedBlur
	if m.focused {
		sel = m.st.Selected
	}
	for i := m.offset; i < m.rows && len(out) < m.h; i++ {
		var rs *lipgloss.Style
		g := ""
		if m.lay.gutter {
			g = " "
		}
		if i == cursor {
			rs = &sel
			if m.lay.gutter {
				g = m.st.Marked.Render(CursorMark)
			}
		}
		out = append(out, g+m.lay.Row(m.st, cells(i), rs))
	}
	return out
}

// gutter reports whether rows start with the cursor gutter.
func (m Model) gutter() bool { return m.mode == Selecting || m.focused }

// relayout lays the columns out again (size, columns or focus changed).
func (m *Model) relayout() { m.lay = Fit(m.cols, m.w, m.gutter()) }

// clamp keeps the cursor within the rows and in view.
func (m *Model) clamp() {
	n, page := m.rows, max(m.Page(), 1)
	m.cursor = max(min(m.cursor, n-1), 0)
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}
	m.offset = max(min(m.offset, n-page), 0)
}
