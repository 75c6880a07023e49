package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Waker is a backend whose changes are pushed (the poller's push feed):
// Wake is signalled, coalesced, when something changed, and the dashboard
// then polls sooner than its interval, so that a count is on screen within
// a fraction of a second of the write instead of up to an interval later.
type Waker interface {
	Wake() <-chan struct{}
}

// minWakeGap is the least time between two polls that a wake asks for: at
// most four polls a second while changes stream in, one per interval when
// nothing changes.
const minWakeGap = 250 * time.Millisecond

// wakeMsg says the backend pushed a change.
type wakeMsg struct{}

// wakePollMsg is the delayed poll of a wake that came too soon after the
// previous poll.
type wakePollMsg struct{}

// waitWakeCmd waits for the next wake; it ends with no message with ctx.
// A nil channel (no push feed) never starts.
func waitWakeCmd(ctx context.Context, b Backend) tea.Cmd {
	w, ok := b.(Waker)
	if !ok {
		return nil
	}
	ch := w.Wake()
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-ch:
			return wakeMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// handleWake polls now, or at minWakeGap after the last poll began (once),
// unless paused, disconnected (the retry timer owns that) or replaying; and
// waits for the next wake.
func (m Model) handleWake() (tea.Model, tea.Cmd) {
	rearm := waitWakeCmd(m.ctx, m.cfg.Backend)
	if m.poll.paused || m.disconnected() || m.cfg.Player != nil || m.poll.wakePending {
		return m, rearm
	}
	since := m.cfg.Clock().Sub(m.poll.lastReq)
	if since >= minWakeGap {
		return m, tea.Batch(rearm, m.requestPoll())
	}
	m.poll.wakePending = true
	return m, tea.Batch(rearm, m.tick(m.ctx, minWakeGap-since, func(time.Time) tea.Msg { return wakePollMsg{} }))
}

// handleWakePoll runs the delayed poll of a wake.
func (m Model) handleWakePoll() (tea.Model, tea.Cmd) {
	m.poll.wakePending = false
	if m.poll.paused || m.disconnected() {
		return m, nil
	}
	return m, m.requestPoll()
}
