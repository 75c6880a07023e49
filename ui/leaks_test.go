package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// newHarnessWith is newHarness with the config given (fb is the fake the
// config's backend wraps, if any).
func newHarnessWith(t *testing.T, fb *fakeBackend, cfg Config) *harness {
	t.Helper()
	now := t0
	h := &harness{t: t, fb: fb, now: &now}
	if cfg.Clock == nil {
		cfg.Clock = func() time.Time { return *h.now }
	}
	cfg.Renderer, cfg.Version = asciiRenderer(), "test"
	m := New(cfg)
	m.tick = func(_ context.Context, d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduledMsg{d: d, msg: fn(time.Time{})} }
	}
	h.m = m
	h.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	h.run(h.m.Init())
	return h
}

var armedLoopback = redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"}

// fakeReclaimer records the reclaims asked of it.
type fakeReclaimer struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeReclaimer) Reclaim(_ context.Context, sale string, _ *int64, _ bool) (redisops.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, sale)
	return redisops.Result{OK: true, Status: redisops.StatusReclaimed, Units: i64(1), Stock: i64(98)}, nil
}

func (f *fakeReclaimer) sales() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// withoutDave is the test snapshot at at, with dave's hold gone.
func withoutDave(at time.Time) *redisops.Snapshot {
	s := testSnapshot(at)
	s.Reservations = s.Reservations[:1]
	s.Sales[0].Reservations, s.Sales[0].ReservedUnits = 1, 2
	return s
}

// leakSession starts a dashboard on a LeakBackend whose first poll shows
// dave's 2-minute hold; next (if not nil) runs before the second poll, 3
// minutes later, which no longer shows it.
func leakSession(t *testing.T, arming redisops.Arming, rc Reclaimer, rec io.Writer, next func(h *harness)) (*harness, *redisops.LeakWatch) {
	t.Helper()
	fb := &fakeBackend{snap: testSnapshot(t0), result: redisops.Result{OK: true, Status: redisops.StatusReleased}}
	w := &redisops.LeakWatch{Tracker: redisops.NewTracker(0), Ledger: redisops.NewMemLedger()}
	h := newHarnessWith(t, fb, Config{Backend: NewLeakBackend(fb, w, rc, rec), Arming: arming})
	if next != nil {
		next(h)
	}
	fb.mu.Lock()
	fb.snap = withoutDave(t0.Add(3 * time.Minute))
	fb.mu.Unlock()
	*h.now = t0.Add(3 * time.Minute)
	h.press("R")
	return h, w
}

func TestLeakShowsInSalesAndLog(t *testing.T) {
	h, w := leakSession(t, armedLoopback, nil, nil, nil)
	if got := w.Tracker.Totals()["s1"]; got != (redisops.LeakTotals{Units: 1, Holds: 1}) {
		t.Fatalf("tracker totals %+v", got)
	}
	row := h.m.snap.Sales[0]
	if row.LeakedUnits != 1 || row.LeakedHolds != 1 || h.m.snap.Sales[1].LeakedUnits != 0 {
		t.Fatalf("sales rows leaked %+v", h.m.snap.Sales)
	}
	view := h.m.View()
	for _, want := range []string{"LEAKED", "1u/1h", "1 units lost: hold reservation:dave:s1 expired", "leaked"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// The same leak delivered again (a replay stepping back over it) is logged once.
	n := len(h.m.log)
	h.m.logLeaks(h.m.snap)
	if len(h.m.log) != n || n != 1 {
		t.Fatalf("log has %d entries, then %d; want 1", n, len(h.m.log))
	}
}

func TestOwnReleaseIsNotALeak(t *testing.T) {
	h, w := leakSession(t, armedLoopback, nil, nil, func(h *harness) {
		// The poll that follows the release comes after dave's deadline.
		h.fb.mu.Lock()
		h.fb.snap = withoutDave(t0.Add(3 * time.Minute))
		h.fb.mu.Unlock()
		h.press("tab", "tab", "x", "y") // release dave (soonest first)
		wantOps(t, h.fb, "Release s1 dave nil")
	})
	if got := w.Tracker.Totals(); len(got) != 0 || h.m.snap.Sales[0].LeakedUnits != 0 {
		t.Fatalf("flashtop's own release counted as a leak: %+v", got)
	}
}

func TestReclaimKeyConfirmsThenReclaimsOnce(t *testing.T) {
	rc := &fakeReclaimer{}
	h, _ := leakSession(t, armedLoopback, rc, nil, nil)
	h.press("L")
	wantMode(t, h, modeConfirm)
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "(1 now)") || !strings.Contains(p, "flashtop:leaks:{s1}") {
		t.Fatalf("reclaim prompt %q must name the units and the ledger key", p)
	}
	h.press("n")
	if len(rc.sales()) != 0 {
		t.Fatal("reclaimed after n")
	}
	h.press("L", "y")
	if got := rc.sales(); len(got) != 1 || got[0] != "s1" {
		t.Fatalf("reclaims %v, want [s1]", got)
	}
	last := h.m.log[len(h.m.log)-1]
	if last.Command != "reclaim --sale s1" || last.Status != redisops.StatusReclaimed || !strings.Contains(h.m.status.text, "units=1") {
		t.Fatalf("log %+v, status %q", last, h.m.status.text)
	}
}

func TestReclaimKeyRefusals(t *testing.T) {
	// Nothing leaked: no confirm, a status message.
	fb := &fakeBackend{snap: testSnapshot(t0)}
	w := &redisops.LeakWatch{Tracker: redisops.NewTracker(0), Ledger: redisops.NewMemLedger()}
	h := newHarnessWith(t, fb, Config{Backend: NewLeakBackend(fb, w, &fakeReclaimer{}, nil), Arming: armedLoopback})
	h.press("L")
	wantMode(t, h, modeNormal)
	if !strings.Contains(h.m.status.text, "nothing to reclaim") {
		t.Fatalf("status %q", h.m.status.text)
	}
	// Not armed: refused with the reason.
	ro := redisops.Arming{Armed: false, Reason: "read-only (--read-only)"}
	h, _ = leakSession(t, ro, nil, nil, nil)
	h.press("L")
	wantMode(t, h, modeNormal)
	if !strings.Contains(h.m.status.text, "refused: read-only") {
		t.Fatalf("status %q", h.m.status.text)
	}
	// Armed but leaks only in memory: the reclaim reports it.
	h, _ = leakSession(t, armedLoopback, nil, nil, nil)
	h.press("L", "y")
	if last := h.m.log[len(h.m.log)-1]; !strings.Contains(last.Err, "kept in memory") {
		t.Fatalf("log %+v", last)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestRecordWritesOneLinePerSnapshot(t *testing.T) {
	var buf bytes.Buffer
	leakSession(t, armedLoopback, nil, &buf, nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"leaked_units":1`) || !strings.Contains(lines[1], `"leaks":[`) {
		t.Fatalf("recording:\n%s", buf.String())
	}
	h, _ := leakSession(t, armedLoopback, nil, failWriter{}, nil)
	errs := 0
	for _, e := range h.m.log {
		if strings.Contains(e.Err, "--record") {
			errs++
		}
	}
	if errs != 1 {
		t.Fatalf("a failed recording logged %d errors, want 1: %+v", errs, h.m.log)
	}
}
