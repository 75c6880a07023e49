package ui

import (
	"flashtop/textsafe"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Filters: `/` filters the focused panel only, each panel keeps its own
// (sales by id, holds and queue by user, slowlog, command log and anomalies
// by their text; the server panel has none), the panel's title names it, and
// esc clears the focused panel's filter (every filter when the focused
// panel has none).

// filters is the filter text of each panel ("" = none).
type filters [numPanels]string

// filterable reports whether panel id has rows to filter.
func filterable(id panelID) bool { return id != pServer }

// any reports whether some panel is filtered.
func (f filters) any() bool { return f != filters{} }

// panelName is the name of a panel in the status bar.
func panelName(id panelID) string {
	return [numPanels]string{"sales", "holds", "queue", "server", "events", "slowlog", "command log", "anomalies"}[id]
}

// summary names the filters in force in screen order, e.g.
// "holds: car · sales: s1".
func (f filters) summary(order []panelID) string {
	order = slices.Clone(order)
	var parts []string
	for id := range numPanels { // a folded panel's filter is named too, last
		if !slices.Contains(order, id) {
			order = append(order, id)
		}
	}
	for _, id := range order {
		if f[id] != "" {
			parts = append(parts, panelName(id)+": "+textsafe.String(f[id]))
		}
	}
	return strings.Join(parts, " · ")
}

// openFilter starts editing the focused panel's filter (refilled with it).
func (m *Model) openFilter() {
	if !filterable(m.focus) {
		m.setStatus(statusInfo, "the "+panelName(m.focus)+" panel has nothing to filter: tab to a list first")
		return
	}
	m.mode = modeFilter
	m.filterIn.SetValue(m.filters[m.focus])
	m.filterIn.Focus()
}

// clearFilter clears the focused panel's filter, or every filter when the
// focused panel has none.
func (m *Model) clearFilter() {
	switch {
	case m.filters[m.focus] != "":
		m.setFilter(m.focus, "")
	case m.filters.any():
		m.filters = filters{}
		m.pushData()
	}
}

// setFilter sets panel id's filter and hands the panels their data.
func (m *Model) setFilter(id panelID, f string) {
	m.filters[id] = f
	m.pushData()
}

// handleFilterKey edits the focused panel's filter live: enter keeps it,
// esc clears it.
func (m Model) handleFilterKey(msg tea.KeyMsg) Model {
	switch {
	case key.Matches(msg, m.keys.Select):
		m.mode = modeNormal
	case key.Matches(msg, m.keys.Close):
		m.mode = modeNormal
		m.setFilter(m.focus, "")
	default:
		m.filterIn, _ = m.filterIn.Update(msg)
		m.setFilter(m.focus, m.filterIn.Value())
	}
	if m.mode == modeNormal {
		m.filterIn.Blur()
	}
	return m
}

// filterPrompt is the status line while a filter is typed: the panel it
// filters, the input and the keys.
func (m Model) filterPrompt() string {
	const tail = "  enter keep · esc clear"
	head := "/ " + panelName(m.focus) + ": "
	return m.st.StatusInfo.Render(head) + m.filterIn.View(max(m.width-len(head)-len(tail), 1)) + m.st.Dim.Render(tail)
}

// filterLine is the status line while filters are in force.
func (m Model) filterLine() string {
	hint := " (esc clears the focused panel's)"
	return m.st.StatusInfo.Render(fitLine("filter "+m.filters.summary(m.lay.order)+hint, m.width))
}
