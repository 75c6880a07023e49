package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/ui/forms"
)

// handleKey: ctrl+c always quits; then the open modal gets the key; in
// normal mode global keys come first, then the focused panel.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if burst(msg) && m.mode != modeForm && m.mode != modeFilter {
		return m.handleBurst(msg)
	}
	if key.Matches(msg, m.keys.Interrupt) {
		return m, tea.Quit
	}
	switch m.mode {
	case modeHelp:
		if key.Matches(msg, m.keys.Help, m.keys.Close) {
			m.mode = modeNormal
		} else if key.Matches(msg, m.keys.Quit) {
			return m, tea.Quit
		}
		return m, nil
	case modeForm:
		return m.handleFormKey(msg)
	case modeConfirm:
		return m.handleConfirmKey(msg)
	case modeFilter:
		return m.handleFilterKey(msg), nil
	}
	if kind, ok := m.keys.WriteKind(msg); ok {
		return m.startOp(kind)
	}
	if m, ok := m.handleSimKey(msg); ok {
		return m, nil
	}
	if m, cmd, ok := m.handleReplayKey(msg); ok { // ui/replay.go
		return m, cmd
	}
	return m.handleNormalKey(msg)
}

// burst reports several typed characters read at once (fast typing, a
// terminal multiplexer, a script): Bubble Tea delivers them as one KeyMsg.
// Outside text fields each is a key of its own. A paste stays one message.
func burst(msg tea.KeyMsg) bool {
	return msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste
}

// handleBurst handles the characters of a burst one by one, as if typed
// apart; once one opens a form or the filter, the rest go there.
func (m Model) handleBurst(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	var next tea.Model = m
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		next, cmd = next.(Model).handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// handleNormalKey handles the global keys of normal mode; other keys go to
// the focused panel.
func (m Model) handleNormalKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.mode = modeHelp
	case key.Matches(msg, m.keys.Close):
		m.clearFilter() // ui/filter.go
	case key.Matches(msg, m.keys.NextPanel):
		m.cycleFocus(1)
	case key.Matches(msg, m.keys.PrevPanel):
		m.cycleFocus(-1)
	case key.Matches(msg, m.keys.Filter):
		m.openFilter() // the focused panel's (ui/filter.go)
	case key.Matches(msg, m.keys.Pause):
		cmd = m.togglePause()
	case key.Matches(msg, m.keys.Refresh):
		cmd = m.requestPoll()
	case key.Matches(msg, m.keys.Events):
		return m.startEvents(), nil
	case key.Matches(msg, m.keys.Faster):
		cmd = m.stepInterval(-1)
	case key.Matches(msg, m.keys.Slower):
		cmd = m.stepInterval(1)
	case key.Matches(msg, m.keys.Sort):
		m.p.sales.CycleSort()
		m.setStatus(statusInfo, "sales sorted by "+m.p.sales.SortName())
	case key.Matches(msg, m.keys.ReverseSort):
		m.p.sales.ReverseSort()
		m.setStatus(statusInfo, "sales sorted by "+m.p.sales.SortName())
	default:
		cmd = m.p.list[m.focus].update(msg)
		if m.followBar() { // the Sales bar moved: it selects its sale (● and the panel titles show it)
			cmd = tea.Batch(cmd, m.requestPoll()) // the poller reads the selected sale's holds and queue window
		}
	}
	return m, cmd
}

// cycleFocus moves the focus to the next (dir 1) or previous (-1) visible
// panel in screen order (the layout's reading order).
func (m *Model) cycleFocus(dir int) {
	order := m.lay.order
	if len(order) == 0 {
		return
	}
	i := max(slices.Index(order, m.focus), 0)
	m.setFocus(order[(i+dir+len(order))%len(order)])
}

// handleFormKey feeds the form; on submit the operation's confirm opens
// (nothing is sent before its y), on cancel the form closes.
func (m Model) handleFormKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form.Form, cmd = m.form.Update(msg)
	switch m.form.State() {
	case forms.Cancelled:
		m.mode = modeNormal
		m.setStatus(statusInfo, opTitle(m.form.req.Kind)+" cancelled: nothing sent")
	case forms.Accepted:
		m.mode = modeNormal
		req := fromForm(m.form.req, m.form.Values())
		return m.openConfirm(req, m.seen(req)), nil
	}
	return m, cmd
}

// handleConfirmKey answers the open confirm: y returns the command it was
// built with, n or esc cancels with nothing sent.
func (m Model) handleConfirmKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.confirm, cmd = m.confirm.Update(msg)
	switch m.confirm.State() {
	case forms.Cancelled:
		m.mode = modeNormal
		m.setStatus(statusInfo, "cancelled: "+m.confirm.Title()+" (nothing sent)")
	case forms.Accepted:
		m.mode = modeNormal
	}
	return m, cmd
}
