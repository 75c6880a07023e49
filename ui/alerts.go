package ui

import (
	"io"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/ui/panels"
)

// The dashboard's side of the alerts (flashtop/alerts judges them): they
// are judged on every snapshot and every clock tick (a queue head ages
// between polls) from Config.Alerts; the panels colour the cells of the
// active ones (panels.Data.Alerts), the header counts them ("alerts N"),
// and with Config.Bell a BEL is written for each newly raised one (the set
// of active alerts grew), from a command, never from View. A newly raised
// alert is also written to the event feed (salelog.Alert).

// alertState is the active alerts and the history they are judged from.
type alertState struct {
	mon    *alerts.Monitor // stock and leaks of the snapshots so far (shared by copies of the model: written only in Update)
	active []alerts.Alert
	set    alerts.Set
}

func newAlertState() alertState { return alertState{mon: alerts.NewMonitor()} }

// observe adds a fresh snapshot to the history: its stock, and its leaks
// when the leak watch runs (alerts.LeakWatched: else the leak rate is not
// known, never 0).
func (a *alertState) observe(s *redisops.Snapshot) {
	a.mon.Observe(s, s.Leaks, alerts.LeakWatched(s))
}

// judgeAlerts judges the current snapshot at the current time and returns
// the bell for the alerts newly raised (nil when none, or without a bell).
func (m *Model) judgeAlerts() tea.Cmd {
	now := m.serverNow() // the snapshot's clock: a queue head ages from TakenAt
	active := alerts.Evaluate(m.cfg.Alerts, alerts.Input{Snap: m.snap, Now: now, Trend: m.alerts.mon})
	raised := 0
	for _, a := range active { // the newly raised, into the event feed in the order judged
		if !m.alerts.set[a.Key()] {
			raised++
			m.saleLog.AddAlert(now, a.Sale, a.Detail) // the feed names the sale in its own column
		}
	}
	if raised > 0 {
		m.events = m.saleLog.Events()
	}
	m.alerts.active, m.alerts.set = active, alerts.SetOf(active)
	if raised == 0 || m.cfg.Bell == nil {
		return nil
	}
	return bellCmd(m.cfg.Bell, raised)
}

// bell is the terminal bell (BEL).
const bell = "\a"

// bellCmd writes n BELs to w in one write: between two of the renderer's
// frames, each one write of its own, never inside an escape sequence.
func bellCmd(w io.Writer, n int) tea.Cmd {
	return func() tea.Msg {
		_, _ = io.WriteString(w, strings.Repeat(bell, n)) // best effort: a bell has nowhere to report its failure
		return nil
	}
}

// alertSegment counts the active alerts for the header, in the alert
// colour; none when there are none.
func (m Model) alertSegment() (segment, bool) {
	if len(m.alerts.active) == 0 {
		return segment{}, false
	}
	return segment{value: "alerts " + panels.FormatCount(int64(len(m.alerts.active))), style: &m.st.Alert}, true
}
