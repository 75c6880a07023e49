package ui

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/leakwatch"
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

// fakeReclaimer records the reclaims asked of it ("<sale>" or "<sale>
// +unverified").
type fakeReclaimer struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeReclaimer) Reclaim(_ context.Context, sale string, _ *int64, includeUnverified bool) (redisops.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if includeUnverified {
		sale += " +unverified"
	}
	f.calls = append(f.calls, sale)
	return redisops.Result{OK: true, Status: redisops.StatusReclaimed, Units: i64(1), Stock: i64(98), UnverifiedUnits: i64(0)}, nil
}

func (f *fakeReclaimer) sales() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// classLedger records every leak the tracker reports under one class: the
// UI tests choose the verdict, which is the tracker's job (leakwatch).
type classLedger struct {
	*leakwatch.MemLedger
	class string
}

// RecordLeak records l under the ledger's class.
func (c classLedger) RecordLeak(ctx context.Context, l redisops.Leak) (bool, error) {
	l.Class = c.class
	return c.MemLedger.RecordLeak(ctx, l)
}

// withoutDave is the test snapshot at at, with dave's hold gone.
func withoutDave(at time.Time) *redisops.Snapshot {
	s := testSnapshot(at)
	s.Reservations = s.Reservations[:1]
	s.Sales[0].Reservations, s.Sales[0].ReservedUnits = 1, 2
	return s
}

// leakSession starts a dashboard on a leakwatch.Backend whose first poll shows
// dave's 2-minute hold; next (if not nil) runs before the second poll, 3
// minutes later, which no longer shows it: a verified leak of 1 unit.
func leakSession(t *testing.T, arming redisops.Arming, rc leakwatch.Reclaimer, rec io.Writer, next func(h *harness)) (*harness, *leakwatch.Watch) {
	t.Helper()
	return leakSessionOn(t, classLedger{leakwatch.NewMemLedger(), redisops.LeakVerified}, arming, rc, rec, next)
}

// leakSessionOn is leakSession with the leak watch's ledger given.
func leakSessionOn(t *testing.T, ledger leakwatch.Ledger, arming redisops.Arming, rc leakwatch.Reclaimer, rec io.Writer, next func(h *harness)) (*harness, *leakwatch.Watch) {
	t.Helper()
	fb := &fakeBackend{snap: testSnapshot(t0), result: redisops.Result{OK: true, Status: redisops.StatusReleased}}
	w := &leakwatch.Watch{Tracker: leakwatch.NewTracker(0), Ledger: ledger}
	h := newHarnessWith(t, fb, Config{Backend: leakwatch.NewBackend(fb, w, rc, rec), Arming: arming})
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
	// A snapshot (no push feed) finds the end after the fact: unverified.
	if got := w.Tracker.Totals()["s1"]; got != (redisops.LeakTotals{Units: 1, Holds: 1, UnverifiedUnits: 1, UnverifiedHolds: 1}) {
		t.Fatalf("tracker totals %+v", got)
	}
	row := h.m.snap.Sales[0]
	if row.LeakedUnits != 1 || row.LeakedHolds != 1 || h.m.snap.Sales[1].LeakedUnits != 0 {
		t.Fatalf("sales rows leaked %+v", h.m.snap.Sales)
	}
	view := h.m.View()
	for _, want := range []string{"LEAKED", "1u/1h", "s1: 1 hold expired, 1 unit lost (1 unverified) · reservation:dave:s1", "leaked"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	want := "s1: 1 hold expired, 1 unit lost (1 unverified) · reservation:dave:s1"
	if got := h.m.log[len(h.m.log)-1].Command; got != want {
		t.Errorf("log line %q, want %q", got, want)
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
		focusOn(h.t, h, pHolds)
		h.press("x", "y") // release dave (soonest first)
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
	want := "Give the verified leaked units recorded in flashtop:leaks:{s1} (1 now) back to the stock of sale s1 (inventory:s1 97 → 98)? No unverified leak is waiting."
	if p := h.m.confirm.Prompt(); p != want {
		t.Fatalf("reclaim prompt %q, want %q", p, want)
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
	if last.Command != "reclaim --sale s1" || last.Status != redisops.StatusReclaimed || !strings.Contains(h.m.status.text, "units=1 unverified_units=0") {
		t.Fatalf("log %+v, status %q", last, h.m.status.text)
	}
}

// unverifiedLedger is a ledger that already holds an unverified leak of
// units for sale s1 (its end was not seen: the feed was down).
func unverifiedLedger(t *testing.T, units int64) *leakwatch.MemLedger {
	t.Helper()
	m := leakwatch.NewMemLedger()
	l := redisops.Leak{Sale: "s1", User: "erin", Key: "reservation:erin:s1", Quantity: units, Stamp: "1", Class: redisops.LeakUnverified}
	if ok, err := m.RecordLeak(context.Background(), l); err != nil || !ok {
		t.Fatalf("record: %v %v", ok, err)
	}
	return m
}

// TestReclaimKeyLeavesUnverifiedLeaks: L gives back the verified leaks only.
// Its confirm names the verified units and the unverified ones it leaves,
// with the command that gives those back; when every leaked unit is
// unverified, L says so in the status bar and reclaims nothing.
func TestReclaimKeyLeavesUnverifiedLeaks(t *testing.T) {
	for _, tc := range []struct {
		daves      string // the class of dave's leak (the ledger already holds 4 unverified units)
		unverified int64
		mode       mode
		prompt     string // the confirm (modeConfirm) or the status text (modeNormal)
		reclaims   []string
	}{
		{redisops.LeakVerified, 4, modeConfirm, "Give the verified leaked units recorded in flashtop:leaks:{s1} (1 now) back to the stock of sale s1 (inventory:s1 97 → 98)? " +
			"It leaves the 4 unverified units (not seen to expire: they may have been sold); " +
			"flashtop reclaim --sale s1 --include-unverified gives those back.", []string{"s1"}},
		{redisops.LeakUnverified, 5, modeNormal, "nothing verified to reclaim: 5 unverified units in sale s1 (may have been sold): " +
			"flashtop reclaim --sale s1 --include-unverified", nil},
	} {
		t.Run(tc.daves, func(t *testing.T) {
			rc := &fakeReclaimer{}
			h, _ := leakSessionOn(t, classLedger{unverifiedLedger(t, 4), tc.daves}, armedLoopback, rc, nil, nil)
			if row := h.m.snap.Sales[0]; row.LeakedUnits != 5 || row.LeakedUnverifiedUnits != tc.unverified {
				t.Fatalf("row %+v, want 5 leaked, %d unverified", row, tc.unverified)
			}
			h.press("L")
			wantMode(t, h, tc.mode)
			got := h.m.status.text
			if tc.mode == modeConfirm {
				got = h.m.confirm.Prompt()
			}
			if got != tc.prompt {
				t.Fatalf("got\n%q, want\n%q", got, tc.prompt)
			}
			h.press("y")
			if got := rc.sales(); !slices.Equal(got, tc.reclaims) {
				t.Fatalf("reclaims %v, want %v (verified only)", got, tc.reclaims)
			}
		})
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
