package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/ui/forms"
)

// EventsBackend is the optional part of a Backend that can feed its hold
// index from keyspace notifications (*redisops.Poller satisfies it). The
// dashboard never switches them on by itself: only E, armed, after a y/n
// naming the exact CONFIG SET.
type EventsBackend interface {
	KeyspaceEventsOn() bool
	KeyspaceEventsCommand() string
	EnableKeyspaceEvents(ctx context.Context) error
}

// eventsConfirmTitle is the title of the E confirm.
const eventsConfirmTitle = "Keyspace events"

// eventsResultMsg is the outcome of EnableKeyspaceEvents.
type eventsResultMsg struct {
	command string
	err     error
}

// eventsBackend finds the EventsBackend in b, looking through the leak
// watch's wrapper (LeakBackend embeds the backend it wraps).
func eventsBackend(b Backend) (EventsBackend, bool) {
	for b != nil {
		if eb, ok := b.(EventsBackend); ok {
			return eb, true
		}
		lb, ok := b.(*LeakBackend)
		if !ok || lb == nil {
			return nil, false
		}
		b = lb.Backend
	}
	return nil, false
}

// startEvents opens the confirm of E, naming the exact command it will run.
func (m Model) startEvents() (Model, tea.Cmd) {
	eb, ok := eventsBackend(m.cfg.Backend)
	switch {
	case !m.cfg.Arming.Armed:
		m.setStatus(statusErr, "refused: "+m.cfg.Arming.Reason)
		return m, nil
	case !ok:
		m.setStatus(statusErr, "keyspace events: not available with this backend")
		return m, nil
	case eb.KeyspaceEventsOn():
		m.setStatus(statusInfo, "keyspace events are already on: holds update as they change")
		return m, nil
	}
	m.eventsCmd = eb.KeyspaceEventsCommand()
	m.confirm = forms.NewConfirm(eventsConfirmTitle, "Run "+redisops.Sanitize(m.eventsCmd)+
		" on every master? Holds then update as they change (the server publishes an event per write).", m.fst)
	m.confirm.SetWidth(dialogWidth(m.width))
	m.mode = modeConfirm
	return m, nil
}

// handleEventsConfirm settles the E confirm: y runs the command, n/esc
// cancels. ok is false when the open confirm is not the E one.
func (m Model) handleEventsConfirm() (Model, tea.Cmd, bool) {
	if m.eventsCmd == "" {
		return m, nil, false
	}
	command := m.eventsCmd
	switch m.confirm.State() {
	case forms.Cancelled:
		m.mode, m.eventsCmd = modeNormal, ""
		m.setStatus(statusInfo, "keyspace events: cancelled")
	case forms.Accepted:
		m.mode, m.eventsCmd = modeNormal, ""
		eb, _ := eventsBackend(m.cfg.Backend)
		ctx := m.ctx
		return m, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, opTimeout)
			defer cancel()
			return eventsResultMsg{command: command, err: eb.EnableKeyspaceEvents(ctx)}
		}, true
	}
	return m, nil, true
}

// handleEventsResultMsg reports the outcome in the status bar and refreshes.
func (m Model) handleEventsResultMsg(msg eventsResultMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.setStatus(statusErr, "keyspace events: "+redisops.Sanitize(msg.err.Error()))
		return m, nil
	}
	m.setStatus(statusOK, redisops.Sanitize(msg.command)+": keyspace events on")
	return m, m.requestPoll()
}
