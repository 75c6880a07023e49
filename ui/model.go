// Package ui is flashtop's dashboard: the root Bubble Tea model. It routes
// messages (keys, resizes, poll and operation results) to small handlers,
// polls redisops for snapshots on a self-rescheduling tick, lays the panels
// of ui/panels out as a pure function of the terminal size, and runs writes
// through the forms and confirms of ui/forms. All I/O runs in tea.Cmds.
package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"flashtop/redisops"
	"flashtop/salelog"
	"flashtop/ui/forms"
	"flashtop/ui/keys"
	"flashtop/ui/panels"
	"flashtop/ui/theme"
)

// mode is what the keyboard is talking to.
type mode int

const (
	modeNormal  mode = iota // panels and global keys
	modeHelp                // the full-screen help overlay
	modeForm                // an operation's form
	modeConfirm             // an operation's y/n confirm
	modeFilter              // the one-line filter input
)

// maxLog is how many command log entries the root keeps.
const maxLog = 500

// Model is the root model of the dashboard.
type Model struct {
	cfg    Config
	ctx    context.Context // the root context (from Run): I/O commands derive their timeouts from it
	st     theme.Styles
	fst    forms.Styles
	keys   keys.KeyMap
	help   help.Model
	tick   func(context.Context, time.Duration, func(time.Time) tea.Msg) tea.Cmd // tickCmd; tests replace it
	mode   mode
	width  int
	height int
	lay    layout

	p     panelSet
	focus panelID

	snap    *redisops.Snapshot
	now     time.Time
	sale    string
	filters filters // one per panel (ui/filter.go)
	log     []panels.LogEntry
	leaks   leakLog // the log's growing leak lines (ui/leaks.go)
	// saleLog narrates the sales from the snapshots (package salelog);
	// events is its feed, newest first, as of the last snapshot.
	saleLog *salelog.Log
	events  []salelog.Event
	alerts  alertState // the active alerts and what they are judged from (ui/alerts.go)

	poll   pollState
	status status

	filterIn forms.Input
	form     opForm        // the open form, with the operation it fills (ui/ops.go)
	confirm  forms.Confirm // the open y/n, with the command y runs (ui/confirm.go)
}

// New builds the dashboard's model. Nothing runs until Init: the first poll
// is prepared here (request 1, in flight) and issued by Init.
func New(cfg Config) Model {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Renderer == nil {
		cfg.Renderer = lipgloss.DefaultRenderer()
	}
	st := theme.New(cfg.Renderer)
	m := Model{
		cfg: cfg, ctx: context.Background(), st: st, fst: formStyles(st),
		keys: keys.New(), help: newHelp(st), tick: tickCmd,
		p: newPanels(st), now: cfg.Clock(), filterIn: forms.NewInput(redisops.MaxIDBytes),
		saleLog: &salelog.Log{},
		alerts:  newAlertState(),
	}
	m.keys.SetArmed(cfg.Arming.Armed)
	m.keys.SetDemo(cfg.Sim != nil)
	m.keys.SetInProcess(cfg.InProcess)
	m.keys.SetReplay(cfg.Player != nil)
	switch {
	case len(cfg.Pins) > 0:
		m.sale = cfg.Pins[0]
		m.p.sales.SelectSale(m.sale) // the bar starts on the first pin
	case cfg.StartSale != "":
		m.sale = cfg.StartSale
		m.p.sales.SelectSale(m.sale) // the demo's story sale
	}
	m.poll = newPollState(cfg.Interval)
	m.p.focus(m.focus)
	m.pushData()
	return m
}

// formStyles maps the theme onto the dialogs' styles.
func formStyles(st theme.Styles) forms.Styles {
	return forms.Styles{Dialog: st.Dialog, Title: st.DialogTitle, Label: st.FormLabel, Input: st.FormInput,
		InputFocused: st.FormInputFocused, Error: st.FormError, Dim: st.Dim}
}

// Init issues the first poll and starts the poll and clock ticks.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.snapshotCmd(m.poll.reqID), m.pollTickCmd(), m.clockTickCmd(), waitWakeCmd(m.ctx, m.cfg.Backend))
}

// Update routes each message to its handler.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.handleResize(msg), nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case pollTickMsg:
		return m.handlePollTick(msg)
	case retryTickMsg:
		return m.handleRetryTick(msg)
	case clockTickMsg:
		return m.handleClockTick()
	case snapshotMsg:
		return m.handleSnapshotMsg(msg)
	case eventsResultMsg:
		return m.handleEventsResultMsg(msg)
	case opResultMsg:
		return m.handleOpResultMsg(msg)
	case wakeMsg:
		return m.handleWake()
	case wakePollMsg:
		return m.handleWakePoll()
	}
	return m, nil
}

// handleResize stores the size and recomputes the layout.
func (m Model) handleResize(msg tea.WindowSizeMsg) Model {
	m.width, m.height = msg.Width, msg.Height
	m.relayout()
	return m
}

// relayout recomputes the layout (on resize, on mode or connection changes
// and when a panel's wanted lines change) and sizes the panels and dialogs.
func (m *Model) relayout() {
	m.lay = computeLayout(m.width, m.height, m.frames(), m.disconnected(), m.wants())
	for id, s := range m.p.list {
		r := m.lay.panels[id]
		s.SetSize(r.w, r.h)
	}
	if !m.lay.visible(m.focus) {
		m.setFocus(pSales)
	}
	dw := dialogWidth(m.width)
	m.form.SetWidth(dw)
	m.confirm.SetWidth(dw)
	m.help.Width = m.width
}

// frames are the style frame sizes the layout depends on.
func (m Model) frames() frames {
	return frames{panel: panelFrame}
}

// data is what the panels render from. The data is stale while polls fail
// and while polling is paused (the panels then show its age).
func (m Model) data() panels.Data {
	return panels.Data{Snap: m.snap, Now: m.serverNow(), Sale: m.sale,
		Stale: m.disconnected() || m.poll.paused, Log: m.log, InProcess: m.cfg.InProcess,
		Events: m.events, EventsSince: m.saleLog.Since(), Alerts: m.alerts.set}
}

// serverNow is the display clock in the server's time, the time the
// snapshot's TakenAt, deadlines and queue scores are in: m.now plus the
// poller's clock offset. A replay's clock is already the recorded (server)
// time; a snapshot without an offset (a full read) counts as 0.
func (m Model) serverNow() time.Time {
	if m.snap == nil || m.snap.ClockOffsetMs == nil || m.cfg.Player != nil {
		return m.now
	}
	return m.now.Add(time.Duration(*m.snap.ClockOffsetMs * float64(time.Millisecond)))
}

// wants is what the panels ask of the layout; an empty panel whose data
// could not be read asks for a line, so that it says so instead of
// collapsing to "none" (ui/unreadable.go).
func (m Model) wants() wants {
	w := m.p.wants()
	for id := range w {
		if w[id] == 0 && m.unreadNote(panelID(id)) != "" {
			w[id] = 1
		}
	}
	return w
}

// pushData hands the current data to every panel, each with its own filter,
// then lets the selection follow the Sales bar (new rows, a filter or a sort
// may have moved it); when that changes what a panel wants to show (a sale
// appears, a list empties), the layout follows.
func (m *Model) pushData() {
	m.p.setData(m.data(), m.filters)
	m.followBar()
	if m.wants() != m.lay.wants && m.width > 0 && m.height > 0 {
		m.relayout()
	}
}

// followBar makes the sale under the Sales bar the selected sale and reports
// whether that changed it. This is the dashboard's one rule for where writes
// go (DESIGN.md §6: a write acts on the row the operator sees highlighted):
// the bar is the selection, so the ● mark, the Queue and Holds panels and
// every sale write (r i A + - = L, and the demo's !) follow it; release (x)
// and leave (o) act on the highlighted row of the focused Holds or Queue
// panel only (ui/ops.go). While no sale row is under the bar (a filter hides
// them all) the selection stays, and sale writes are refused.
func (m *Model) followBar() bool {
	s := m.p.sales.CursorSale()
	if s == "" || s == m.sale {
		return false
	}
	m.sale = s
	m.p.setData(m.data(), m.filters)
	return true
}

// highlightedSale is the sale a sale write acts on: the one under the Sales
// bar, which is the selected one (followBar); false when no row is under
// the bar.
func (m Model) highlightedSale() (string, bool) {
	s := m.p.sales.CursorSale()
	return s, s != "" && s == m.sale
}

// setFocus moves the focus to panel id.
func (m *Model) setFocus(id panelID) {
	m.focus = id
	m.p.focus(id)
}
