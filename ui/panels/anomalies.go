package panels

import (
	"slices"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/table"
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

func anomalyColumns() []table.Column {
	return []table.Column{
		{Title: "KIND", Width: kindWidth, Drop: 1},
		{Title: "KEY", Width: anomKeyWidth},
		{Title: "DETAIL", Width: minDetailWidth, Flex: true},
	}
}

// Anomalies lists the snapshot's anomalies (redisops.Anomaly*: holds without
// TTL or with a bad quantity, keys of the wrong type, invalid stock, queues
// over the cap or with implausible scores): kind, key and detail, the last two
// sanitized and cut to their columns.
type Anomalies struct {
	tableFrame
	data Data
	rows []redisops.Anomaly // those the filter lets through
}

// NewAnomalies returns an empty anomalies panel drawn with st.
func NewAnomalies(st theme.Styles) Anomalies {
	return Anomalies{tableFrame: newTableFrame(st, table.Browsing)}
}

// Update moves the cursor on movement keys when focused.
func (m Anomalies) Update(msg tea.Msg) (Anomalies, tea.Cmd) {
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return m, cmd
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
	m.table.SetRows(m.count(), -1)
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
	if m.count() > m.table.Page() { // not every row in view: the title says what they are
		suffix = m.st.Dim.Render(fitTitle(m.frame, title, suffix, m.kindForms()...)) + suffix
	}
	body := m.tableBody(anomalyColumns(), func(_ table.Layout, i int) []table.Cell {
		a := m.rows[i]
		return []table.Cell{
			anomColKind:   {Text: a.Kind, Raw: true, Tone: table.Bad},
			anomColKey:    {Text: a.Key, Raw: true, ID: true},
			anomColDetail: {Text: a.Detail, Raw: true, Tone: table.Dim},
		}
	})
	return m.box(title, suffix, body)
}
