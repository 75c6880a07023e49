package panels

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is the movement bindings of a panel. A blurred panel ignores them.
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

// list is a cursor over n rows of which `page` are visible at once.
type list struct {
	cursor, offset int
}

// clamp keeps the cursor within n rows and visible in a page of `page` rows.
func (l *list) clamp(n, page int) {
	if l.cursor >= n {
		l.cursor = n - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	if page < 1 {
		page = 1
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+page {
		l.offset = l.cursor - page + 1
	}
	if l.offset > n-page {
		l.offset = n - page
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// handleKey moves the cursor for a movement key and reports whether msg was one.
func (l *list) handleKey(km KeyMap, msg tea.Msg, n, page int) bool {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return false
	}
	step := max(page, 1)
	switch {
	case key.Matches(k, km.Up):
		l.cursor--
	case key.Matches(k, km.Down):
		l.cursor++
	case key.Matches(k, km.PageUp):
		l.cursor -= step
	case key.Matches(k, km.PageDown):
		l.cursor += step
	case key.Matches(k, km.Home):
		l.cursor = 0
	case key.Matches(k, km.End):
		l.cursor = n - 1
	default:
		return false
	}
	l.clamp(n, page)
	return true
}

// track moves the cursor to row idx when the row it was on is still there
// (idx >= 0); otherwise it keeps its index. Then it clamps.
func (l *list) track(idx, n, page int) {
	if idx >= 0 {
		l.cursor = idx
	}
	l.clamp(n, page)
}
