package ui

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"flashtop/redisops"
	"flashtop/redisops/read"
)

// fullRead is a real client as the dashboard's backend, every poll a full
// read (read.Full): the flow tests' Redis without the poller's walk and feed.
type fullRead struct{ *redisops.Client }

func (f fullRead) Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	return read.Full(ctx, f.Client, o)
}

// fakeBackend stands in for the Backend interface only: it records what the
// UI asked for and answers with canned values. It does not imitate Redis.
type fakeBackend struct {
	mu      sync.Mutex
	calls   []string
	snap    *redisops.Snapshot
	snapErr error
	result  redisops.Result
	opErr   error
}

func (f *fakeBackend) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

// ops returns the recorded calls other than Snapshot.
func (f *fakeBackend) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if c != "Snapshot" {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeBackend) snapshots() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == "Snapshot" {
			n++
		}
	}
	return n
}

func (f *fakeBackend) Snapshot(_ context.Context, _ redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	f.record("Snapshot")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap, f.snapErr
}

func (f *fakeBackend) op(format string, a ...any) (redisops.Result, error) {
	f.record(format, a...)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.result, f.opErr
}

func ptrStr(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// Do records the operation as "<Name> <arguments>" ("Restock s1 5 nil"),
// the arguments its kind takes.
func (f *fakeBackend) Do(_ context.Context, r redisops.Request) (redisops.Result, error) {
	switch r.Kind {
	case redisops.KindReserve:
		return f.op("Reserve %s %s %d %s", r.Sale, r.User, r.N, r.TTL)
	case redisops.KindRelease:
		return f.op("Release %s %s %s", r.Sale, r.User, ptrStr(r.Max))
	case redisops.KindSet:
		return f.op("SetStock %s %d", r.Sale, r.N)
	case redisops.KindRestock:
		return f.op("Restock %s %d %s", r.Sale, r.N, ptrStr(r.Max))
	case redisops.KindTake:
		return f.op("Take %s %d", r.Sale, r.N)
	case redisops.KindJoin:
		return f.op("Join %s %s", r.Sale, r.User)
	case redisops.KindLeave:
		return f.op("Leave %s %s", r.Sale, r.User)
	case redisops.KindAdmit:
		return f.op("Admit %s %d", r.Sale, r.N)
	}
	return f.op("%s %s", r.Kind, r.Sale)
}
func (f *fakeBackend) Schema() redisops.Schema { return redisops.DefaultSchema() }
func (f *fakeBackend) URL() string             { return "redis://127.0.0.1:6379/0" }

// t0 is the injected clock's start.
var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

// testSnapshot is a constructed snapshot: sales s1 and s2, two holds and a
// queue of two on s1.
func testSnapshot(at time.Time) *redisops.Snapshot {
	reserved := at.Add(-time.Minute)
	return &redisops.Snapshot{
		TakenAt: at,
		Server: redisops.ServerStats{Version: "7.2.4", Role: "master", UsedMemory: 1 << 20, UsedMemoryHuman: "1.00M",
			Maxmemory: 256 << 20, MaxmemoryPolicy: "noeviction", ConnectedClients: 3, OpsPerSec: 42, PingMs: 0.25,
			ScriptLatencyUs: map[string]redisops.Percentiles{"evalsha": {P50: 41, P99: 180, P999: 950}}, Errors: map[string]int64{},
			KeyspaceHits: 90, KeyspaceMisses: 10, UptimeSeconds: 3600},
		Sales: []redisops.SaleStats{
			{ID: "s1", Inventory: i64(97), QueueLength: 2, QueueHeadAgeMs: i64(30000), Reservations: 2, ReservedUnits: 3,
				// A first tick: percentiles, no rates yet.
				QueueStats: &redisops.QueueStats{Waiters: 2, WaitP50Ms: i64(10000), WaitP90Ms: i64(30000), WaitP99Ms: i64(30000)}},
			{ID: "s2", Inventory: i64(5)},
		},
		Reservations: []redisops.Hold{
			{Sale: "s1", User: "carol", Quantity: 2, ReservedAt: &reserved, TTLMs: 240000, Key: "reservation:carol:s1", Shape: redisops.HoldShapeHash},
			{Sale: "s1", User: "dave", Quantity: 1, ReservedAt: &reserved, TTLMs: 120000, Key: "reservation:dave:s1", Shape: redisops.HoldShapeHash},
		},
		Queues: map[string][]redisops.QueueEntry{"s1": {
			{User: "alice", Position: 1, JoinedAtMs: at.Add(-30 * time.Second).UnixMilli()},
			{User: "bob", Position: 2, JoinedAtMs: at.Add(-10 * time.Second).UnixMilli()},
		}},
		Sessions: redisops.SessionStats{Count: 7},
		Slowlog:  []redisops.SlowEntry{{ID: 1, Time: at.Add(-time.Hour), DurationUs: 15000, Args: []string{"KEYS", "*"}}},
	}
}

// asciiRenderer renders no colour, so views are plain text.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// scheduledMsg is what a tick command yields in tests: the tick is recorded,
// not waited for.
type scheduledMsg struct {
	d   time.Duration
	msg tea.Msg
}

// harness drives a Model through Update, running the commands it returns
// synchronously (the fake answers at once) and recording the ticks.
type harness struct {
	t     *testing.T
	m     Model
	fb    *fakeBackend
	now   *time.Time
	ticks []scheduledMsg
	quit  bool
	hold  bool          // keep snapshot results in held instead of delivering them
	held  []snapshotMsg // held snapshot results
}

func newHarness(t *testing.T, armed bool, pins ...string) *harness {
	t.Helper()
	now := t0
	h := &harness{t: t, fb: &fakeBackend{snap: testSnapshot(t0)}, now: &now}
	h.fb.result = redisops.Result{OK: true, Status: "ok"}
	reason := "writes armed (loopback server)"
	if !armed {
		reason = "read-only (--read-only)"
	}
	m := New(Config{Backend: h.fb, Pins: pins, Arming: redisops.Arming{Armed: armed, Reason: reason},
		Clock: func() time.Time { return *h.now }, Renderer: asciiRenderer(), Version: "test"})
	m.tick = func(_ context.Context, d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduledMsg{d: d, msg: fn(time.Time{})} }
	}
	h.m = m
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(h.m.Init())
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	mm, cmd := h.m.Update(msg)
	h.m = mm.(Model)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case scheduledMsg:
		h.ticks = append(h.ticks, msg)
	case tea.QuitMsg:
		h.quit = true
	case snapshotMsg:
		if h.hold {
			h.held = append(h.held, msg)
			return
		}
		h.send(msg)
	default:
		h.send(msg)
	}
}

// press sends keys: single runes, or names of special keys.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// lastTick returns the latest scheduled poll tick.
func (h *harness) lastPollTick() (pollTickMsg, bool) {
	for i := len(h.ticks) - 1; i >= 0; i-- {
		if p, ok := h.ticks[i].msg.(pollTickMsg); ok {
			return p, true
		}
	}
	return pollTickMsg{}, false
}
