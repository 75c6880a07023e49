package panels

import (
	"slices"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/theme"
)

// Anomalies panel texts and widths.
const (
	anomaliesTitle = "Anomalies"
	noAnomalies    = "no anomalies"
	kindWidth      = 17 // "hold_bad_quantity"
	anomKeyWidth   = 32
	minDetailWidth = 12
)

// Anomalies columns. As width shrinks the detail keeps its minimum, then the
// kind goes.
const (
	anomColKind = iota
	anomColKey
	anomColDetail
)

func anomalyColumns() []column {
	return []column{
		{title: "KIND", width: kindWidth, drop: 1},
		{title: "KEY", width: anomKeyWidth},
		{title: "DETAIL", width: minDetailWidth, flex: true},
	}
}

// Anomalies lists the snapshot's anomalies (redisops.Anomaly*: holds without
// TTL or with a bad quantity, keys of the wrong type, invalid stock, queues
// over the cap or with implausible scores): kind, key and detail, the last two
// sanitized and cut to their columns.
type Anomalies struct {
	frame
	// KeyMap is the panel's movement bindings.
	KeyMap KeyMap
	data   Data
	rows   []redisops.Anomaly // those the filter lets through
	list   list
}

// NewAnomalies returns an empty anomalies panel drawn with st.
func NewAnomalies(st theme.Styles) Anomalies {
	return Anomalies{frame: frame{st: st}, KeyMap: DefaultKeyMap()}
}

// SetSize sets the outer size, border included.
func (m *Anomalies) SetSize(w, h int) { m.w, m.h = w, h; m.list.clamp(m.count(), m.page()) }

// Focus focuses the panel: it takes movement keys and highlights its border.
func (m *Anomalies) Focus() { m.focused = true }

// Blur blurs the panel: it ignores keys.
func (m *Anomalies) Blur() { m.focused = false }

// Focused reports whether the panel has focus.
func (m Anomalies) Focused() bool { return m.focused }

// Update moves the cursor on movement keys when focused.
func (m Anomalies) Update(msg tea.Msg) (Anomalies, tea.Cmd) {
	if m.focused {
		m.list.handleKey(m.KeyMap, msg, m.count(), m.page())
	}
	return m, nil
}

// SetData takes new data (anomalies come sorted by kind, then key).
func (m *Anomalies) SetData(d Data) {
	m.data = d
	m.rows = nil
	if d.Snap != nil {
		m.rows = d.Snap.Anomalies
		if d.Filter != "" {
			m.rows = slices.DeleteFunc(slices.Clone(m.rows), func(a redisops.Anomaly) bool {
				return !matches(d.Filter, a.Kind, a.Key, a.Detail)
			})
		}
	}
	m.list.clamp(m.count(), m.page())
}

// kindForms are the title's count per kind of the rows, most first, in
// forms from the longest: " · odd_id 300 · hold_without_ttl 2", " · odd_id
// 300 · 1 more kind", "".
func (m Anomalies) kindForms() []string {
	n := map[string]int{}
	var kinds []string
	for _, a := range m.rows {
		if n[a.Kind] == 0 {
			kinds = append(kinds, a.Kind)
		}
		n[a.Kind]++
	}
	slices.SortStableFunc(kinds, func(a, b string) int { return n[b] - n[a] })
	all, top := "", ""
	for i, k := range kinds {
		part := titleSep + textsafe.String(k) + " " + fmtCount(int64(n[k]))
		all += part
		if i == 0 {
			top = part
		}
	}
	forms := []string{all}
	if more := len(kinds) - 1; more > 0 {
		if f := top + titleSep + strconv.Itoa(more) + " more " + noun(int64(more), "kind"); ansi.StringWidth(f) < ansi.StringWidth(all) {
			forms = append(forms, f)
		}
	}
	return append(forms, "")
}

// count is the number of anomalies shown (those the filter lets through).
func (m Anomalies) count() int { return len(m.rows) }

// total is the number of anomalies in the data.
func (m Anomalies) total() int {
	if m.data.Snap == nil {
		return 0
	}
	return len(m.data.Snap.Anomalies)
}

// View draws the anomalies panel in exactly the size set.
func (m Anomalies) View() string {
	suffix := m.filterSuffix(m.data.Filter) + m.st.Stale.Render(staleSuffix(m.data))
	switch {
	case m.data.Snap == nil:
		return m.box(anomaliesTitle, suffix, m.message(noData))
	case m.total() == 0:
		return m.box(anomaliesTitle, suffix, m.message(noAnomalies))
	}
	title := anomaliesTitle + " (" + strconv.Itoa(m.total()) + ")"
	if m.count() < m.total() {
		title = anomaliesTitle + " (" + strconv.Itoa(m.count()) + " of " + strconv.Itoa(m.total()) + ")"
	}
	if m.count() == 0 {
		return m.box(title, suffix, m.message(noRowMatch))
	}
	if m.count() > m.page() { // not every row in view: the title says what they are
		suffix = m.st.Dim.Render(fitTitle(m.frame, title, suffix, m.kindForms()...)) + suffix
	}
	iw, _ := m.inner()
	t := newTable(anomalyColumns(), iw, m.focused)
	cursor := -1
	if m.focused {
		cursor = m.list.cursor
	}
	list := m.rows
	body := m.tableBody(t, len(list), m.list.offset, cursor, func(i int) []cell {
		a := list[i]
		return []cell{
			anomColKind:   {text: a.Kind, raw: true, tone: toneBad},
			anomColKey:    {text: a.Key, raw: true, id: true},
			anomColDetail: {text: a.Detail, raw: true, tone: toneDim},
		}
	})
	return m.box(title, suffix, body)
}
