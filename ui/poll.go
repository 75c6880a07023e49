package ui

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// Timeouts of the dashboard's I/O commands.
const (
	pollTimeout = 5 * time.Second
	opTimeout   = 5 * time.Second
	// statusTTL is how long a result or error stays in the status bar.
	statusTTL = 8 * time.Second
	// queueWindow is how many head members of each queue a poll reads.
	queueWindow = 100
	// minHoldRows is the fewest holds of the selected sale a poll asks for.
	minHoldRows = 20
)

// intervals are the poll interval steps of ] and [.
func intervals() []time.Duration {
	return []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute}
}

// pollState is the polling machinery: one self-rescheduling tick loop
// (identified by gen) and at most one snapshot request in flight.
type pollState struct {
	interval    time.Duration
	paused      bool
	gen         int  // the live tick loop; ticks of other generations are dropped
	reqID       int  // the latest snapshot request; other results are dropped
	inFlight    bool // a snapshot request is running
	due         bool // a poll was asked for while one was in flight
	lastErr     error
	downSince   time.Time // first failed poll of the current outage (zero: connected)
	failures    int       // consecutive failed polls
	retryGen    int       // the live retry timer; retries of other generations are dropped
	retryAt     time.Time // when the scheduled retry fires (zero: none scheduled)
	lastReq     time.Time // when the last snapshot request was issued (ui/wake.go)
	wakePending bool      // a wake's delayed poll is scheduled
}

// Retry backoff while disconnected: the first retry comes after
// firstRetryDelay, each next one after twice as long, never more than
// maxRetryDelay apart and never slower than the poll interval.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 5 * time.Second
)

// retryDelay is the wait before the retry that follows the failures-th
// consecutive failed poll (failures >= 1): 250ms doubling, capped at 5s and at
// the poll interval, so the dashboard recovers within one interval of the
// server's return.
func retryDelay(failures int, interval time.Duration) time.Duration {
	d := firstRetryDelay
	for i := 1; i < failures && d < maxRetryDelay; i++ {
		d *= 2
	}
	d = min(d, maxRetryDelay)
	if interval > 0 {
		d = min(d, interval)
	}
	return d
}

// newPollState prepares request 1 (issued by Init) and tick loop 1.
func newPollState(interval time.Duration) pollState {
	return pollState{interval: interval, gen: 1, reqID: 1, inFlight: true}
}

// pollTickMsg is a tick of loop gen.
type pollTickMsg struct{ gen int }

// retryTickMsg is the backoff timer of retry generation gen.
type retryTickMsg struct{ gen int }

// clockTickMsg moves the clock every second.
type clockTickMsg struct{}

// snapshotMsg is the result of snapshot request id.
type snapshotMsg struct {
	id   int
	snap *redisops.Snapshot
	err  error
}

// pollTickCmd schedules the next tick of the current loop.
func (m Model) pollTickCmd() tea.Cmd {
	gen := m.poll.gen
	return m.tick(m.ctx, m.poll.interval, func(time.Time) tea.Msg { return pollTickMsg{gen: gen} })
}

func (m Model) clockTickCmd() tea.Cmd {
	return m.tick(m.ctx, time.Second, func(time.Time) tea.Msg { return clockTickMsg{} })
}

// tickCmd is tea.Tick that also ends (with no message) when ctx does, so
// that no timer outlives the program.
func tickCmd(ctx context.Context, d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case now := <-t.C:
			return fn(now)
		case <-ctx.Done():
			return nil
		}
	}
}

// snapshotCmd asks the backend for a snapshot; it captures values only.
func (m Model) snapshotCmd(id int) tea.Cmd {
	ctx, b, opts := m.ctx, m.cfg.Backend, m.snapshotOptions()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, pollTimeout)
		defer cancel()
		snap, err := b.Snapshot(ctx, opts)
		return snapshotMsg{id: id, snap: snap, err: err}
	}
}

// snapshotOptions says what the snapshot must hold: the pinned sales, and a
// queue head window deep enough to scroll through.
func (m Model) snapshotOptions() redisops.SnapshotOptions {
	return redisops.SnapshotOptions{Pins: m.cfg.Pins, HeadWindow: queueWindow,
		Sale: m.sale, HoldRows: max(2*m.height, minHoldRows)} // the poller reads the selected sale's visible holds (a page of scroll to spare)
}

// requestPoll starts a poll now, or marks one due when one is in flight.
func (m *Model) requestPoll() tea.Cmd {
	if m.poll.inFlight {
		m.poll.due = true
		return nil
	}
	m.poll.reqID++
	m.poll.inFlight = true
	m.poll.lastReq = m.cfg.Clock()
	return m.snapshotCmd(m.poll.reqID)
}

// handlePollTick re-arms the live loop and polls; stale loops just end.
func (m Model) handlePollTick(msg pollTickMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.poll.gen || m.poll.paused {
		return m, nil
	}
	return m, tea.Batch(m.requestPoll(), m.pollTickCmd())
}

// restartTicks starts a new tick loop (the old one dies at its next tick).
func (m *Model) restartTicks() tea.Cmd {
	m.poll.gen++
	return m.pollTickCmd()
}

// handleSnapshotMsg stores a fresh snapshot, or records the outage.
func (m Model) handleSnapshotMsg(msg snapshotMsg) (tea.Model, tea.Cmd) {
	if msg.id != m.poll.reqID {
		return m, m.debugCmd("dropped stale snapshot %d (latest %d)", msg.id, m.poll.reqID)
	}
	m.poll.inFlight = false
	wasDown := m.disconnected()
	var retry, debug tea.Cmd
	if msg.err != nil {
		debug = m.debugCmd("poll %d: %s", msg.id, msg.err.Error())
		now := m.cfg.Clock()
		if !wasDown {
			m.poll.downSince = now
		}
		m.poll.lastErr = msg.err
		m.poll.failures++
		retry = m.scheduleRetry(now)
	} else {
		m.poll.lastErr, m.poll.downSince = nil, time.Time{}
		m.poll.failures, m.poll.retryAt = 0, time.Time{}
		m.poll.retryGen++ // a pending retry is no longer needed
		m.snap = msg.snap
		m.logLeaks(msg.snap) // ui/leaks.go
		m.saleLog.Observe(msg.snap)
		m.events = m.saleLog.Events()
		m.alerts.observe(msg.snap)
	}
	bell := m.judgeAlerts() // ui/alerts.go
	if wasDown != m.disconnected() {
		m.relayout()
	}
	m.pushData() // the selection follows the bar: the first row, at the first snapshot
	var cmd tea.Cmd
	if m.poll.due { // asked for while in flight: by a tick, R or a write
		m.poll.due = false
		cmd = m.requestPoll()
	}
	return m, tea.Batch(cmd, retry, debug, bell)
}

// scheduleRetry arms the backoff timer after a failed poll (none while
// paused: resuming polls at once).
func (m *Model) scheduleRetry(now time.Time) tea.Cmd {
	m.poll.retryGen++
	if m.poll.paused {
		m.poll.retryAt = time.Time{}
		return nil
	}
	d := retryDelay(m.poll.failures, m.poll.interval)
	m.poll.retryAt = now.Add(d)
	gen := m.poll.retryGen
	return m.tick(m.ctx, d, func(time.Time) tea.Msg { return retryTickMsg{gen: gen} })
}

// handleRetryTick retries a failed poll, unless the timer is stale, the
// connection is back or polling is paused.
func (m Model) handleRetryTick(msg retryTickMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.poll.retryGen || !m.disconnected() || m.poll.paused {
		return m, nil
	}
	m.poll.retryAt = time.Time{}
	return m, m.requestPoll()
}

// disconnected reports whether the last poll failed.
func (m Model) disconnected() bool { return m.poll.lastErr != nil }

// handleClockTick moves the clock, expires the status message and re-arms.
func (m Model) handleClockTick() (tea.Model, tea.Cmd) {
	m.now = m.cfg.Clock()
	if !m.status.until.IsZero() && !m.now.Before(m.status.until) {
		m.status = status{}
	}
	bell := m.judgeAlerts() // head ages grow with the clock
	m.pushData()
	return m, tea.Batch(m.clockTickCmd(), bell)
}

// togglePause stops or restarts polling; the data stays on screen.
func (m *Model) togglePause() tea.Cmd {
	m.poll.paused = !m.poll.paused
	m.pushData()
	if m.poll.paused {
		m.poll.gen++ // the running loop ends at its next tick
		m.poll.due = false
		return nil
	}
	return tea.Batch(m.requestPoll(), m.restartTicks())
}

// stepInterval moves the poll interval one step faster (-1) or slower (+1).
func (m *Model) stepInterval(dir int) tea.Cmd {
	steps := intervals()
	i := 0
	for i < len(steps)-1 && steps[i] < m.poll.interval {
		i++
	}
	if steps[i] != m.poll.interval && dir > 0 {
		i-- // between two steps: "slower" goes to the step above
	}
	i = min(max(i+dir, 0), len(steps)-1)
	if steps[i] == m.poll.interval {
		return nil
	}
	m.poll.interval = steps[i]
	m.setStatus(statusInfo, "polling every "+fmtInterval(m.poll.interval))
	if m.poll.paused {
		return nil
	}
	return m.restartTicks()
}

// bannerText is the lost-connection banner: since when, when the next retry
// comes, and the (sanitized) error.
func (m Model) bannerText() string {
	when := "retrying now"
	switch {
	case m.poll.paused:
		when = "paused"
	case !m.poll.inFlight && !m.poll.retryAt.IsZero():
		if secs := int64(math.Ceil(m.poll.retryAt.Sub(m.now).Seconds())); secs > 0 {
			when = fmt.Sprintf("retrying in %ds", secs)
		}
	}
	return fmt.Sprintf("disconnected since %s — %s: %s", m.poll.downSince.In(m.now.Location()).Format("15:04:05"),
		when, textsafe.String(strings.TrimPrefix(m.poll.lastErr.Error(), "redisops: ")))
}
