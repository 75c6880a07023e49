package panels

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"flashtop/textsafe"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Command log texts and widths.
const (
	cmdlogTitle    = "Command log"
	noCommands     = "no commands yet"
	statusTitle    = "STATUS"
	maxStatusWidth = 18 // "insufficient_stock"
	minCmdWidth    = 12
	errorWord      = "error"
	errSep         = " — "
	flagMark       = " --" // a command line with flags (reserve --sale s1 --user u1)
	// minCutToken is the fewest cells a long token (an id, a key) is cut to,
	// in its middle, when a command does not fit: "3f2a8c1…7d9e01".
	minCutToken = 13
)

// Command log columns. As width shrinks the time goes first.
const (
	cmdColTime = iota
	cmdColCommand
	cmdColStatus
)

// cmdColumns returns the column set of the command log; the status column
// is statusW wide.
func cmdColumns(statusW int) []table.Column {
	return []table.Column{
		{Title: "TIME", Width: clockWidth, Drop: 1},
		{Title: "COMMAND", Width: minCmdWidth, Flex: true},
		{Title: statusTitle, Width: statusW},
	}
}

// CmdLog is the command log: every operation flashtop ran with its time,
// command and arguments, and status word, newest at the bottom; OK is green,
// a refusal yellow, an error red (with its message after the command). It
// follows the newest entry unless the cursor was moved up. Filtered by
// Data.Filter on the command, status and error. A command too long for its
// column keeps every argument: its longest tokens (ids, keys) are cut in
// the middle first, so the user after a UUID sale stays in view.
type CmdLog struct {
	tableFrame
	data   Data
	rows   []LogEntry // the entries the filter lets through, oldest first
	follow bool
}

// NewCmdLog returns an empty command log drawn with st.
func NewCmdLog(st theme.Styles) CmdLog {
	return CmdLog{tableFrame: newTableFrame(st, table.Browsing), follow: true}
}

// SetSize sets the outer size, border included.
func (m *CmdLog) SetSize(w, h int) { m.tableFrame.SetSize(w, h); m.sync() }

// Update moves the cursor on movement keys when focused; on the last entry it
// follows new ones again.
func (m CmdLog) Update(msg tea.Msg) (CmdLog, tea.Cmd) {
	if m.table.Moves(msg) {
		m.table, _ = m.table.Update(msg)
		m.follow = m.table.Cursor() >= len(m.rows)-1
	}
	return m, nil
}

// SetData takes new data (the log, oldest first).
func (m *CmdLog) SetData(d Data) {
	m.data = d
	m.rows = d.Log
	if d.Filter != "" {
		m.rows = slices.DeleteFunc(slices.Clone(d.Log), func(e LogEntry) bool {
			return !matches(d.Filter, e.Command, e.Status, e.Err)
		})
	}
	m.sync()
}

// sync puts the cursor on the newest entry when following, and keeps it in range.
func (m *CmdLog) sync() {
	at := -1
	if m.follow {
		at = len(m.rows) - 1
	}
	m.table.SetRows(len(m.rows), at)
}

// View draws the command log in exactly the size set.
func (m CmdLog) View() string {
	suffix := m.filterSuffix(m.data.Filter)
	switch {
	case len(m.rows) == 0 && m.data.Filter != "" && len(m.data.Log) > 0:
		return m.box(cmdlogTitle, suffix, m.message(noRowMatch))
	case len(m.rows) == 0:
		return m.box(cmdlogTitle, suffix, m.message(noCommands))
	}
	iw, _ := m.inner()
	cols := cmdColumns(m.statusWidth())
	if l := table.Fit(cols, iw, m.focused); l.Has(cmdColTime) && m.shortestFit() > l.Width(cmdColCommand) {
		cols[cmdColTime].Width = 0 // the time goes before an argument would
	}
	body := m.tableBody(cols, func(l table.Layout, i int) []table.Cell { return m.cells(m.rows[i], l.Width(cmdColCommand)) })
	return m.box(cmdlogTitle, suffix, body)
}

// statusWidth is the status column's width: the widest status word of the
// entries in view (the command gets the rest).
func (m CmdLog) statusWidth() int {
	w := len(statusTitle)
	for i := m.table.Offset(); i < len(m.rows) && i < m.table.Offset()+m.table.Page(); i++ {
		w = max(w, ansi.StringWidth(statusText(m.rows[i])))
	}
	return min(w, maxStatusWidth)
}

// shortestFit is the widest command in view with its long tokens cut to
// minCutToken: the least command column that drops no argument. Only
// commands with flags count (a leak line or an error's text may be cut at
// the end: they put what matters first).
func (m CmdLog) shortestFit() int {
	w := 0
	for i := m.table.Offset(); i < len(m.rows) && i < m.table.Offset()+m.table.Page(); i++ {
		cmd := textsafe.String(m.rows[i].Command)
		if !strings.Contains(cmd, flagMark) {
			continue
		}
		n := 0
		for j, tok := range strings.Split(cmd, " ") {
			if j > 0 {
				n++
			}
			n += min(ansi.StringWidth(tok), minCutToken)
		}
		w = max(w, n)
	}
	return w
}

// commandText is the command column's text of an entry: the command, and
// after a failure its error.
func commandText(e LogEntry) string {
	text := textsafe.String(e.Command)
	if e.Err != "" {
		text += errSep + textsafe.String(e.Err)
	}
	return text
}

// statusText is the status column's word of an entry.
func statusText(e LogEntry) string {
	if e.Err != "" && e.Status == "" {
		return errorWord
	}
	return textsafe.String(e.Status)
}

// cells returns the cells of one log entry, the command fitted to w cells.
func (m *CmdLog) cells(e LogEntry, w int) []table.Cell {
	c := make([]table.Cell, cmdColStatus+1)
	c[cmdColTime] = table.Cell{Text: fmtClock(e.At, m.data.Now), Tone: table.Dim}
	text := commandText(e)
	tone := table.Warn
	switch {
	case e.Err != "":
		tone = table.Bad
	case e.OK:
		tone = table.Good
	}
	if !strings.Contains(text, flagMark) { // a leak line: its figures before its details
		text = dropDetails(text, w)
	}
	c[cmdColCommand] = table.Cell{Text: fitTokens(text, w)}
	c[cmdColStatus] = table.Cell{Text: statusText(e), Tone: tone}
	return c
}

// detailSep starts a detail of a line without flags (a leak line's key or
// span: "s1: 3 holds expired, 7 units lost · in the last 12s").
const detailSep = " · "

// dropDetails drops the details of a line without flags from its end while
// it is wider than w, marking the cut with an ellipsis, so a narrow log cuts
// "in the last 12s" before the sale id or a count.
func dropDetails(s string, w int) string {
	parts := strings.Split(s, detailSep)
	n := len(parts)
	for n > 1 && ansi.StringWidth(s) > w {
		n--
		s = strings.Join(parts[:n], detailSep) + textsafe.Ellipsis
	}
	return s
}

// fitTokens fits a sanitized command line in w cells without dropping an
// argument: while it is too wide, its longest space-separated token (an id,
// a key) loses a cell from its middle, down to minCutToken cells; what
// still does not fit is cut at the end.
func fitTokens(s string, w int) string {
	over := ansi.StringWidth(s) - w
	if over <= 0 || w <= 0 {
		return s
	}
	tokens := strings.Split(s, " ")
	widths := make([]int, len(tokens))
	for i, t := range tokens {
		widths[i] = ansi.StringWidth(t)
	}
	cut := slices.Clone(widths) // the width each token is cut to
	for ; over > 0; over-- {
		longest := -1
		for i := range cut {
			if cut[i] > minCutToken && (longest < 0 || cut[i] > cut[longest]) {
				longest = i
			}
		}
		if longest < 0 {
			break
		}
		cut[longest]--
	}
	for i := range tokens {
		if cut[i] < widths[i] {
			tokens[i] = table.CutMiddle(tokens[i], cut[i])
		}
	}
	out := strings.Join(tokens, " ")
	if ansi.StringWidth(out) > w {
		out = ansi.Truncate(out, w, textsafe.Ellipsis)
	}
	return out
}
