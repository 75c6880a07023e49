package panels

import (
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/ui/theme"
)

// Command log texts and widths.
const (
	cmdlogTitle = "Command log"
	noCommands  = "no commands yet"
	statusWidth = 18 // "insufficient_stock"
	minCmdWidth = 12
	errorWord   = "error"
	errSep      = " — "
)

// Command log columns. As width shrinks the time goes first.
const (
	cmdColTime = iota
	cmdColCommand
	cmdColStatus
)

// cmdColumns returns the column set of the command log.
func cmdColumns() []column {
	return []column{
		{title: "TIME", width: clockWidth, drop: 1},
		{title: "COMMAND", width: minCmdWidth, flex: true},
		{title: "STATUS", width: statusWidth},
	}
}

// CmdLog is the command log: every operation flashtop ran with its time,
// command and arguments, and status word, newest at the bottom; OK is green,
// a refusal yellow, an error red (with its message after the command). It
// follows the newest entry unless the cursor was moved up.
type CmdLog struct {
	frame
	// KeyMap is the panel's movement bindings.
	KeyMap KeyMap
	data   Data
	list   list
	follow bool
}

// NewCmdLog returns an empty command log drawn with st.
func NewCmdLog(st theme.Styles) CmdLog {
	return CmdLog{frame: frame{st: st}, KeyMap: DefaultKeyMap(), follow: true}
}

// SetSize sets the outer size, border included.
func (m *CmdLog) SetSize(w, h int) { m.w, m.h = w, h; m.sync() }

// Focus focuses the panel: it takes movement keys and highlights its border.
func (m *CmdLog) Focus() { m.focused = true }

// Blur blurs the panel: it ignores keys.
func (m *CmdLog) Blur() { m.focused = false }

// Focused reports whether the panel has focus.
func (m CmdLog) Focused() bool { return m.focused }

// Update moves the cursor on movement keys when focused; on the last entry it
// follows new ones again.
func (m CmdLog) Update(msg tea.Msg) (CmdLog, tea.Cmd) {
	if m.focused && m.list.handleKey(m.KeyMap, msg, len(m.data.Log), m.page()) {
		m.follow = m.list.cursor >= len(m.data.Log)-1
	}
	return m, nil
}

// SetData takes new data (the log, oldest first).
func (m *CmdLog) SetData(d Data) {
	m.data = d
	m.sync()
}

// sync puts the cursor on the newest entry when following, and keeps it in range.
func (m *CmdLog) sync() {
	if m.follow {
		m.list.cursor = len(m.data.Log) - 1
	}
	m.list.clamp(len(m.data.Log), m.page())
}

// View draws the command log in exactly the size set.
func (m CmdLog) View() string {
	if len(m.data.Log) == 0 {
		return m.box(cmdlogTitle, "", m.message(noCommands))
	}
	iw, _ := m.inner()
	t := newTable(cmdColumns(), iw, m.focused)
	cursor := -1 // the cursor row is only drawn while browsing
	if m.focused {
		cursor = m.list.cursor
	}
	body := m.tableBody(t, len(m.data.Log), m.list.offset, cursor, func(i int) []cell {
		return m.cells(m.data.Log[i])
	})
	return m.box(cmdlogTitle, "", body)
}

// cells returns the cells of one log entry.
func (m *CmdLog) cells(e LogEntry) []cell {
	c := make([]cell, cmdColStatus+1)
	c[cmdColTime] = cell{text: fmtClock(e.At, m.data.Now), tone: toneDim}
	switch {
	case e.Err != "":
		c[cmdColCommand] = cell{text: e.Command + errSep + e.Err, raw: true}
		c[cmdColStatus] = cell{text: errorWord, tone: toneBad}
		if e.Status != "" {
			c[cmdColStatus].text = e.Status
		}
	case e.OK:
		c[cmdColCommand] = cell{text: e.Command, raw: true}
		c[cmdColStatus] = cell{text: e.Status, raw: true, tone: toneGood}
	default:
		c[cmdColCommand] = cell{text: e.Command, raw: true}
		c[cmdColStatus] = cell{text: e.Status, raw: true, tone: toneWarn}
	}
	c[cmdColStatus].raw = true
	return c
}
