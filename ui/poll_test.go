package ui

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestRefreshPolls(t *testing.T) {
	h := newHarness(t, true)
	n := h.fb.snapshots()
	h.press("R")
	if h.fb.snapshots() != n+1 {
		t.Fatalf("R: %d polls, want %d", h.fb.snapshots(), n+1)
	}
}

func TestPauseStopsPolling(t *testing.T) {
	h := newHarness(t, true)
	tick, _ := h.lastPollTick()
	h.press("p")
	if !h.m.poll.paused || !strings.Contains(h.m.View(), "PAUSED") {
		t.Fatal("p should pause and show PAUSED")
	}
	n, ticks := h.fb.snapshots(), len(h.ticks)
	h.send(tick)
	if h.fb.snapshots() != n || len(h.ticks) != ticks {
		t.Fatal("a tick while paused must neither poll nor re-arm")
	}
	if h.m.snap == nil {
		t.Fatal("pausing keeps the data")
	}
	h.press("p")
	if h.fb.snapshots() != n+1 {
		t.Fatal("resuming polls at once")
	}
	next, _ := h.lastPollTick()
	if next.gen == tick.gen {
		t.Fatal("resuming starts a new tick loop")
	}
}

func TestTickRearmsOnlyItsOwnLoop(t *testing.T) {
	h := newHarness(t, true)
	tick, _ := h.lastPollTick()
	n, ticks := h.fb.snapshots(), len(h.ticks)
	h.send(tick)
	if h.fb.snapshots() != n+1 || len(h.ticks) != ticks+1 {
		t.Fatalf("a live tick polls and re-arms once")
	}
	h.press("]") // new loop
	newTick, _ := h.lastPollTick()
	n, ticks = h.fb.snapshots(), len(h.ticks)
	h.send(tick) // the old loop's tick dies
	if h.fb.snapshots() != n || len(h.ticks) != ticks {
		t.Fatal("a stale generation's tick must do nothing")
	}
	h.send(newTick)
	if h.fb.snapshots() != n+1 {
		t.Fatal("the new loop polls")
	}
}

func TestIntervalSteps(t *testing.T) {
	h := newHarness(t, true)
	var got []time.Duration
	for range 4 {
		h.press("[")
		got = append(got, h.m.poll.interval)
	}
	for range 7 {
		h.press("]")
		got = append(got, h.m.poll.interval)
	}
	want := []time.Duration{2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
		10 * time.Second, 5 * time.Second, 2 * time.Second, time.Second, 500 * time.Millisecond,
		250 * time.Millisecond, 250 * time.Millisecond}
	if !slices.Equal(got, want) {
		t.Fatalf("intervals %v, want %v", got, want)
	}
	tick, _ := h.lastPollTick()
	if d := h.ticks[len(h.ticks)-1].d; d != 250*time.Millisecond || tick.gen != h.m.poll.gen {
		t.Fatalf("last tick scheduled after %v for gen %d", d, tick.gen)
	}
}

func TestTickWaitsForPollInFlight(t *testing.T) {
	h := newHarness(t, true)
	h.hold = true
	h.press("R")
	if len(h.held) != 1 || !h.m.poll.inFlight {
		t.Fatal("R should start a poll")
	}
	n := h.fb.snapshots()
	tick, _ := h.lastPollTick()
	h.send(tick)
	h.press("R")
	if h.fb.snapshots() != n {
		t.Fatal("no poll may start while one is in flight")
	}
	h.hold = false
	h.send(h.held[0])
	if h.fb.snapshots() != n+1 || h.m.poll.inFlight {
		t.Fatalf("the waiting poll runs once the previous one is back (%d polls)", h.fb.snapshots()-n)
	}
}

func TestStaleSnapshotIsDropped(t *testing.T) {
	h := newHarness(t, true)
	old := h.m.snap
	h.send(snapshotMsg{id: h.m.poll.reqID - 1, snap: testSnapshot(t0.Add(time.Hour))})
	if h.m.snap != old {
		t.Fatal("a result of an older request replaced the data")
	}
}

func TestDisconnectedBannerKeepsDataAndRetries(t *testing.T) {
	h := newHarness(t, true)
	*h.now = t0.Add(5 * time.Second)
	h.send(clockTickMsg{})
	h.fb.snapErr = errors.New("redisops: Redis unreachable: connection refused")
	h.press("R")
	v := h.m.View()
	if !strings.Contains(v, "disconnected since 12:00:05 — retrying") || !strings.Contains(v, "connection refused") {
		t.Fatalf("banner missing:\n%s", v)
	}
	if h.m.snap == nil || !h.m.data().Stale {
		t.Fatal("the last data stays, marked stale")
	}
	tick, _ := h.lastPollTick()
	n := h.fb.snapshots()
	h.fb.snapErr = nil
	h.send(tick)
	if h.fb.snapshots() != n+1 || h.m.disconnected() || strings.Contains(h.m.View(), "disconnected") {
		t.Fatal("the next tick retries and clears the banner")
	}
}

func TestClockTickMovesNowAndExpiresStatus(t *testing.T) {
	h := newHarness(t, true)
	h.press("s")
	if h.m.status.text == "" {
		t.Fatal("sorting says so")
	}
	n := h.fb.snapshots()
	*h.now = t0.Add(time.Second)
	h.send(clockTickMsg{})
	if !h.m.data().Now.Equal(t0.Add(time.Second)) || h.fb.snapshots() != n {
		t.Fatal("the clock tick moves Now without polling")
	}
	*h.now = t0.Add(statusTTL)
	h.send(clockTickMsg{})
	if h.m.status.text != "" {
		t.Fatalf("status should have expired: %q", h.m.status.text)
	}
}

// TestDebugLogIsWrittenByCommands: Update only prepares the debug line; the
// command it returns writes it (Update does no I/O).
func TestDebugLogIsWrittenByCommands(t *testing.T) {
	var buf bytes.Buffer
	m := New(Config{Backend: &fakeBackend{}, Debug: &buf, Clock: func() time.Time { return t0 },
		Renderer: asciiRenderer()})
	m.tick = func(context.Context, time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	_, cmd := m.Update(snapshotMsg{id: m.poll.reqID, err: errors.New("redisops: Redis unreachable: \x1b[2J refused")})
	if buf.Len() != 0 {
		t.Fatalf("Update wrote the debug log itself: %q", buf.String())
	}
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		if batch, ok := c().(tea.BatchMsg); ok {
			for _, c := range batch {
				run(c)
			}
		}
	}
	run(cmd)
	if got := buf.String(); got != "12:00:00.000 poll 1: redisops: Redis unreachable: \\x1b[2J refused\n" {
		t.Fatalf("debug log %q", got)
	}
}
