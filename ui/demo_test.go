package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// fakeSim stands in for the Simulator interface: it records the calls and
// keeps the speed and pause it was given. It simulates nothing.
type fakeSim struct {
	mu      sync.Mutex
	calls   []string
	speed   float64
	paused  bool
	rushErr error
}

func (f *fakeSim) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

func (f *fakeSim) SetSpeed(v float64) {
	f.record("SetSpeed %g", v)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.speed = v
}

func (f *fakeSim) Speed() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.speed
}

func (f *fakeSim) SetPaused(p bool) {
	f.record("SetPaused %v", p)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paused = p
}

func (f *fakeSim) Paused() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.paused
}

func (f *fakeSim) Rush(sale string) error {
	f.record("Rush %s", sale)
	return f.rushErr
}

func (f *fakeSim) Summary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paused {
		return "paused"
	}
	return fmt.Sprintf("%g× · 12 arrived · 3 reserved · 1 let expire", f.speed)
}

// writes returns the recorded control calls (the getters are not recorded).
func (f *fakeSim) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// newDemoHarness is newHarness with a simulator attached, as --demo runs it.
// snap (when not nil) replaces the first snapshot.
func newDemoHarness(t *testing.T, sim Simulator, snap *redisops.Snapshot) *harness {
	t.Helper()
	h := newHarness(t, true)
	if snap != nil {
		h.fb.snap = snap
	}
	cfg := h.m.cfg
	cfg.Demo, cfg.Sim = true, sim
	m := New(cfg)
	m.tick = h.m.tick
	h.m, h.ticks = m, nil
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(h.m.Init())
	return h
}

var spaceKey = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}

func wantSimCalls(t *testing.T, fs *fakeSim, want ...string) {
	t.Helper()
	if got := fs.writes(); !slices.Equal(got, want) {
		t.Fatalf("simulator calls = %q, want %q", got, want)
	}
}

func wantStatus(t *testing.T, h *harness, kind statusKind, text string) {
	t.Helper()
	if h.m.status.kind != kind || h.m.status.text != text {
		t.Fatalf("status = %d %q, want %d %q", h.m.status.kind, h.m.status.text, kind, text)
	}
}

func TestDemoSpeedKeys(t *testing.T) {
	fs := &fakeSim{speed: 1}
	h := newDemoHarness(t, fs, nil)
	h.press(">")
	wantSimCalls(t, fs, "SetSpeed 2")
	wantStatus(t, h, statusInfo, "demo buyers at 2×")
	h.press(">")
	wantStatus(t, h, statusInfo, "demo buyers at 4×")
	h.press("<", "<", "<")
	wantSimCalls(t, fs, "SetSpeed 2", "SetSpeed 4", "SetSpeed 2", "SetSpeed 1", "SetSpeed 0.5")
	wantStatus(t, h, statusInfo, "demo buyers at 0.5×")
	wantOps(t, h.fb) // the simulator's controls never write through the dashboard
}

func TestDemoSpaceTogglesPause(t *testing.T) {
	fs := &fakeSim{speed: 1}
	h := newDemoHarness(t, fs, nil)
	h.send(spaceKey)
	wantSimCalls(t, fs, "SetPaused true")
	wantStatus(t, h, statusInfo, "demo buyers paused")
	if !strings.Contains(h.m.View(), "buyers paused") {
		t.Fatalf("header should say the buyers are paused:\n%s", h.m.View())
	}
	h.send(spaceKey)
	wantSimCalls(t, fs, "SetPaused true", "SetPaused false")
	wantStatus(t, h, statusInfo, "demo buyers resumed")
	if h.m.poll.paused {
		t.Fatal("space paused the dashboard's polling; it should only pause the buyers")
	}
}

func TestDemoRushSelectedSale(t *testing.T) {
	fs := &fakeSim{speed: 1}
	h := newDemoHarness(t, fs, nil)
	h.press("!")
	wantSimCalls(t, fs, "Rush s1")
	wantStatus(t, h, statusInfo, "rush: a crowd of buyers is joining s1")
	h.press("j", "!")
	wantSimCalls(t, fs, "Rush s1", "Rush s2")
	wantStatus(t, h, statusInfo, "rush: a crowd of buyers is joining s2")
	wantOps(t, h.fb)
}

func TestDemoRushError(t *testing.T) {
	fs := &fakeSim{speed: 1, rushErr: errors.New("demo: no simulated sale \"s1\"\x1b[2J")}
	h := newDemoHarness(t, fs, nil)
	h.press("!")
	wantSimCalls(t, fs, "Rush s1")
	if h.m.status.kind != statusErr || !strings.Contains(h.m.status.text, "no simulated sale") ||
		strings.Contains(h.m.status.text, "\x1b") {
		t.Fatalf("status = %d %q, want the sanitized error", h.m.status.kind, h.m.status.text)
	}
}

func TestDemoRushWithoutSaleSaysSo(t *testing.T) {
	fs := &fakeSim{speed: 1}
	h := newDemoHarness(t, fs, &redisops.Snapshot{TakenAt: t0})
	if h.m.sale != "" {
		t.Fatalf("sale %q selected with no sales", h.m.sale)
	}
	h.press("!")
	wantSimCalls(t, fs)
	wantStatus(t, h, statusErr, noSaleHighlighted)
}

// TestDemoKeysInertWithoutSimulator: outside --demo the demo keys do
// nothing and the help does not list them.
func TestDemoKeysInertWithoutSimulator(t *testing.T) {
	h := newHarness(t, true)
	before := h.m.View()
	h.press(">", "<", "!")
	h.send(spaceKey)
	wantOps(t, h.fb)
	if h.m.status.text != "" || h.m.mode != modeNormal || h.m.poll.paused {
		t.Fatalf("demo keys acted without a simulator: status %q, mode %d, paused %v",
			h.m.status.text, h.m.mode, h.m.poll.paused)
	}
	if after := h.m.View(); after != before {
		t.Fatalf("demo keys changed the view without a simulator:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if v := h.m.View(); strings.Contains(v, "DEMO") || strings.Contains(v, "buyers") {
		t.Fatalf("header without a simulator mentions the demo:\n%s", v)
	}
	h.press("?")
	help := h.m.View()
	for _, s := range []string{"demo:", "rush", "buyers faster"} {
		if strings.Contains(help, s) {
			t.Fatalf("help without a simulator lists %q:\n%s", s, help)
		}
	}
}

func TestDemoKeysInFullHelp(t *testing.T) {
	h := newDemoHarness(t, &fakeSim{speed: 1}, nil)
	h.press("?")
	help := h.m.View()
	for _, s := range []string{"demo: buyers faster", "demo: buyers slower", "demo: pause buyers",
		"demo: rush of 500 buyers", ">", "<", "space", "!"} {
		if !strings.Contains(help, s) {
			t.Fatalf("demo help lacks %q:\n%s", s, help)
		}
	}
	h.press("!") // keys other than ? and esc do nothing in help
	if h.m.mode != modeHelp {
		t.Fatalf("mode %d after ! in help", h.m.mode)
	}
}

func TestDemoHeaderShowsDemoAndBuyers(t *testing.T) {
	h := newDemoHarness(t, &fakeSim{speed: 2}, nil)
	header := strings.Join(h.m.headerLines(), "\n")
	for _, s := range []string{"DEMO", "WRITES ARMED", "buyers 2× · 12 arrived · 3 reserved · 1 let expire"} {
		if !strings.Contains(header, s) {
			t.Fatalf("demo header lacks %q:\n%s", s, header)
		}
	}
	if !strings.Contains(h.m.View(), "DEMO") {
		t.Fatalf("view lacks DEMO:\n%s", h.m.View())
	}
}

// TestDemoInProcessSaysSo: the demo on an in-process Redis says so in the
// header and the server panel, shows n/a for what it cannot measure (never
// memory 0B or ops/s 0), and E tells why it is not available instead of
// failing after a confirm.
func TestDemoInProcessSaysSo(t *testing.T) {
	h := newHarness(t, true)
	cfg := h.m.cfg
	cfg.Demo, cfg.Sim, cfg.InProcess = true, &fakeSim{speed: 1}, true
	m := New(cfg)
	m.tick = h.m.tick
	h.m, h.ticks = m, nil
	h.send(tea.WindowSizeMsg{Width: 160, Height: 45})
	h.run(h.m.Init())
	v := h.m.View()
	for _, want := range []string{"IN-PROCESS REDIS", "server in-process (no redis-server on PATH)", "mem n/a", "ops/s n/a",
		"Server · in-process Redis", "server   in-process (no redis-server)", "memory   n/a", "ops/s    n/a"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	for _, bad := range []string{"memory 0B", "mem 0B", "ops/s 0 ", "ops/s    0"} {
		if strings.Contains(v, bad) {
			t.Errorf("view shows %q, a number the in-process Redis cannot give:\n%s", bad, v)
		}
	}
	// miniredis answers SLOWLOG GET with an unknown-command error: the
	// slowlog panel says there is none to read, not "cannot read" nor "none".
	snap := testSnapshot(t0.Add(time.Second))
	snap.Slowlog = nil
	snap.Unreadable = []redisops.Unreadable{{What: redisops.UnreadSlowlog, Reason: "ERR unknown command `slowlog`, with args beginning with: `get`, `20`,"}}
	h.fb.snap = snap
	h.press("R")
	if v := h.m.View(); !strings.Contains(v, inProcessNoSlowlog) || strings.Contains(v, "unknown command") || strings.Contains(v, "no slow commands") {
		t.Errorf("the in-process slowlog:\n%s", v)
	}
	h.press("?")
	if v := h.m.View(); !strings.Contains(v, "events: n/a (in-process Redis)") {
		t.Errorf("the help does not say E is not available:\n%s", v)
	}
	h.press("?", "E")
	if v := h.m.View(); !strings.Contains(v, "keyspace events: the demo's in-process Redis has none") || strings.Contains(v, "Keyspace events?") {
		t.Errorf("E on the in-process Redis:\n%s", v)
	}
}
