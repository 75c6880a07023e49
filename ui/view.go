package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/ui/panels"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// View draws the whole screen: exactly height lines of exactly width cells.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.mode == modeHelp {
		return m.helpView()
	}
	lines := m.headerLines()
	if m.lay.banner > 0 {
		lines = append(lines, m.bannerLine())
	}
	lines = append(lines, m.bodyLines()...)
	lines = append(lines, m.statusLines()...)
	lines = fitLines(lines, m.width, m.height)
	switch m.mode {
	case modeForm:
		lines = overlay(lines, m.form.View(), m.width)
	case modeConfirm:
		lines = overlay(lines, m.confirm.View(), m.width)
	}
	return strings.Join(lines, "\n")
}

// bodyLines renders the panels where the layout put them: panels draw
// exactly their size, so each body line is the lines of the panels across
// it, left to right.
func (m Model) bodyLines() []string {
	out := make([]string, m.lay.body)
	byX := slices.Clone(m.lay.order)
	slices.SortStableFunc(byX, func(a, b panelID) int { return m.lay.panels[a].x - m.lay.panels[b].x })
	for _, id := range byX {
		r := m.lay.panels[id]
		for i, l := range strings.SplitN(m.withUnreadable(id, m.p.list[id].View()), "\n", r.h) { // ui/unreadable.go
			if y := r.y + i; y < len(out) {
				out[y] += l
			}
		}
	}
	return out
}

// bannerLine is the lost-connection banner.
func (m Model) bannerLine() string {
	return m.st.Banner.Render(fitLine(" "+m.bannerText(), m.width))
}

// statusLines are the status bar: the message (or filter input, or the data
// line), then the bar line (ui/freshness.go).
func (m Model) statusLines() []string {
	msg := m.messageLine()
	switch m.lay.status {
	case 0:
		return nil
	case 1:
		if msg == "" {
			return []string{m.barLine()}
		}
		return []string{msg}
	}
	if msg == "" {
		msg = m.st.StatusBar.Render(cutLine(m.dataLine(), m.width)) // data age, then the cost meter (ui/cost.go)
	}
	return []string{msg, m.barLine()}
}

// barLine is the arming reason, whether the hold counts are live, and the
// key hint, in that order of importance: the freshness drops its details
// before the arming reason is cut, and the hint takes what is left.
func (m Model) barLine() string {
	const gap = "  "
	arming := m.st.ReadOnly.Render(m.cfg.Arming.Reason)
	if m.cfg.Arming.Armed {
		arming = m.st.Armed.Render(m.cfg.Arming.Reason)
	}
	line := arming
	if fresh := m.freshnessText(m.width - lipgloss.Width(line) - len(gap)); fresh != "" {
		line += gap + fresh
	}
	h := m.help
	h.Width = max(m.width-lipgloss.Width(line)-len(gap), 0)
	return line + gap + h.ShortHelpView(m.keys.ShortHelp())
}

// messageLine is the filter input, the current message or the filter in
// force ("" when there is nothing to say).
func (m Model) messageLine() string {
	switch {
	case m.mode == modeFilter:
		return m.filterPrompt() // ui/filter.go
	case m.status.text != "":
		st := m.st.StatusInfo
		switch m.status.kind {
		case statusOK:
			st = m.st.StatusOK
		case statusErr:
			st = m.st.StatusErr
		}
		return st.Render(fitLine(m.status.text, m.width))
	case m.filters.any():
		return m.filterLine()
	}
	return ""
}

// dataAge says how fresh the data is.
func (m Model) dataAge() string {
	if m.snap == nil {
		return "waiting for the first snapshot…"
	}
	return "data from " + m.snap.TakenAt.In(m.now.Location()).Format("15:04:05")
}

// helpView is the full-screen help, built from the key maps.
func (m Model) helpView() string {
	h := m.help
	h.Width = m.width
	lines := []string{m.st.Title.Render("flashtop — keys"), ""}
	lines = append(lines, wrapHelp(h, m.keys.FullHelp(), m.width)...)
	lines = append(lines, "", m.st.Dim.Render("in the focused panel:"))
	pk := table.DefaultKeyMap()
	moves := [][]key.Binding{{pk.Up, pk.Down, pk.PageUp}, {pk.PageDown, pk.Home, pk.End}}
	lines = append(lines, wrapHelp(h, moves, m.width)...)
	if off := m.keys.DisabledHelp(); off != nil {
		lines = append(lines, "", m.st.ReadOnly.Render("disabled — "+m.cfg.Arming.Reason))
		lines = append(lines, wrapHelp(dimHelp(h, m.st), off, m.width)...)
	}
	if legend := panels.SalesLegend(); len(lines)+len(legend)+3 <= m.height { // the marks, when they fit
		lines = append(lines, "", m.st.Dim.Render("marks in the sales table:"))
		for _, l := range legend {
			lines = append(lines, m.st.HelpDesc.Render(l))
		}
	}
	lines = append(lines, "", m.st.Dim.Render("? or esc closes this help"))
	return strings.Join(fitLines(lines, m.width, m.height), "\n")
}

// wrapHelp lays help columns out side by side while they fit in w cells,
// then goes on below (a blank line between): a narrow terminal shows every
// binding instead of cutting the last columns off.
func wrapHelp(h help.Model, cols [][]key.Binding, w int) []string {
	h.Width = 0 // measure unclipped
	var lines []string
	var band [][]key.Binding
	for _, c := range cols {
		if len(band) > 0 && lipgloss.Width(h.FullHelpView(append(slices.Clone(band), c))) > w {
			lines = appendBand(lines, h, band)
			band = nil
		}
		band = append(band, c)
	}
	return appendBand(lines, h, band)
}

// appendBand adds one band of help columns to lines, after a blank line
// when lines has some.
func appendBand(lines []string, h help.Model, band [][]key.Binding) []string {
	if len(band) == 0 {
		return lines
	}
	if len(lines) > 0 {
		lines = append(lines, "")
	}
	return append(lines, strings.Split(h.FullHelpView(band), "\n")...)
}

// cutLine cuts s to at most w cells.
func cutLine(s string, w int) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// fitLine cuts s to w cells and pads it with spaces to exactly w.
func fitLine(s string, w int) string {
	s = cutLine(s, w)
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// fitLines makes exactly h lines of exactly w cells.
func fitLines(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		s := ""
		if i < len(lines) {
			s = lines[i]
		}
		out[i] = fitLine(s, w)
	}
	return out
}

// overlay draws box centred over lines (each exactly w cells wide).
func overlay(lines []string, box string, w int) []string {
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, w)
	y0 := max((len(lines)-len(bl))/2, 0)
	x0 := max((w-bw)/2, 0)
	for i, l := range bl {
		y := y0 + i
		if y >= len(lines) {
			break
		}
		mid := fitLine(l, bw)
		lines[y] = ansi.Truncate(lines[y], x0, "") + mid + ansi.TruncateLeft(lines[y], x0+bw, "")
	}
	return lines
}

// statusKind picks the status bar style.
type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// status is the status bar's message; it expires at until.
type status struct {
	kind  statusKind
	text  string
	until time.Time
}

// setStatus shows text in the status bar for statusTTL.
func (m *Model) setStatus(kind statusKind, text string) {
	m.status = status{kind: kind, text: text, until: m.now.Add(statusTTL)}
}

// newHelp builds the help model in the theme's styles.
func newHelp(st theme.Styles) help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis: st.Help, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.Help,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.Help,
	}
	return h
}

// dimHelp is h drawn entirely dim, for the disabled bindings.
func dimHelp(h help.Model, st theme.Styles) help.Model {
	h.Styles = help.Styles{
		Ellipsis: st.Dim, ShortKey: st.Dim, ShortDesc: st.Dim, ShortSeparator: st.Dim,
		FullKey: st.Dim, FullDesc: st.Dim, FullSeparator: st.Dim,
	}
	return h
}
