package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/leakwatch"
	"flashtop/redisops"
)

// eventsFake adds the optional EventsBackend part to the fake backend: it
// records EnableKeyspaceEvents calls (it does not imitate Redis).
type eventsFake struct {
	*fakeBackend
	mu      sync.Mutex
	on      bool
	enabled int
	undo    string // what KeyspaceEventsUndo answers
	err     error  // what EnableKeyspaceEvents answers
}

func (f *eventsFake) KeyspaceEventsOn() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.on
}

func (f *eventsFake) KeyspaceEventsCommand() string {
	return "CONFIG SET notify-keyspace-events xEKg$h"
}

func (f *eventsFake) KeyspaceEventsUndo() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.undo
}

func (f *eventsFake) EnableKeyspaceEvents(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enabled++
	f.on = f.err == nil
	return f.err
}

func (f *eventsFake) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enabled
}

// eventsHarness is a harness whose backend has the events part.
func eventsHarness(t *testing.T, armed bool) (*harness, *eventsFake) {
	t.Helper()
	h := newHarness(t, armed)
	ef := &eventsFake{fakeBackend: h.fb, undo: `CONFIG SET notify-keyspace-events "xE"`}
	h.m.cfg.Backend = ef
	return h, ef
}

// (e) The status bar shows the cost meter of the last tick when the backend
// measures it, and nothing of the kind when it does not.
func TestStatusBarShowsCostMeter(t *testing.T) {
	h := goldenHarness(t, 160, 48)
	if v := h.m.View(); strings.Contains(v, "cmd ·") {
		t.Fatalf("a snapshot without cost shows a cost meter:\n%s", v)
	}
	snap := testSnapshot(t0)
	snap.Cost = &redisops.PollCost{Commands: 41, RoundTrips: 1, BytesOut: 1234, BytesIn: 7321, RTTMs: 0.84,
		ScanProgress: 0.375, WalksDone: 2, HoldsIndexed: 1204, Events: true}
	h.fb.mu.Lock()
	h.fb.snap = snap
	h.fb.mu.Unlock()
	h.press("R")
	v := h.m.View()
	checkBounds(t, v, 160, 48, "cost meter")
	want := "tick 41 cmd · 1 trip · 1.2kB↑ 7.3kB↓ · rtt 0.8ms │ scan 37% · 2 walks · 1204 holds · events on"
	if !strings.Contains(v, want) {
		t.Errorf("the status bar lacks the cost meter %q:\n%s", want, v)
	}
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20}) // cut, never wrapped
	checkBounds(t, h.m.View(), 60, 20, "cost meter 60x20")
}

// E asks y/n naming the exact CONFIG SET; n runs nothing, y runs it once.
func TestEventsKeyConfirmsExactCommand(t *testing.T) {
	h, ef := eventsHarness(t, true)
	h.press("E")
	wantMode(t, h, modeConfirm)
	if p := h.m.confirm.Prompt(); !strings.Contains(p, "CONFIG SET notify-keyspace-events xEKg$h") {
		t.Fatalf("confirm does not name the command: %q", p)
	}
	h.press("n")
	wantMode(t, h, modeNormal)
	if ef.calls() != 0 {
		t.Fatal("n ran the command")
	}
	h.press("E", "y")
	wantMode(t, h, modeNormal)
	if ef.calls() != 1 || !strings.Contains(h.m.status.text, "keyspace events on") {
		t.Fatalf("y: %d calls, status %q", ef.calls(), h.m.status.text)
	}
	h.press("E") // already on: nothing to confirm
	wantMode(t, h, modeNormal)
	if ef.calls() != 1 || !strings.Contains(h.m.status.text, "already on") {
		t.Fatalf("E when on: %d calls, status %q", ef.calls(), h.m.status.text)
	}
	h.press("x") // an operation's confirm still runs the operation
	if h.m.mode == modeConfirm {
		h.press("y")
	}
	if ef.calls() != 1 {
		t.Fatal("an operation's confirm ran the events command")
	}
}

// E finds the events part through the leak watch's wrapper.
func TestEventsKeyThroughLeakWatch(t *testing.T) {
	h, ef := eventsHarness(t, true)
	h.m.cfg.Backend = leakwatch.NewBackend(ef, nil, nil, nil)
	h.press("E", "y")
	if ef.calls() != 1 {
		t.Fatalf("E through the leak watch: %d calls, status %q", ef.calls(), h.m.status.text)
	}
}

// Read-only: E is disabled and never runs CONFIG SET.
func TestEventsKeyNeedsArmedWrites(t *testing.T) {
	h, ef := eventsHarness(t, false)
	*h.now = t0.Add(time.Second)
	h.press("E", "y")
	wantMode(t, h, modeNormal)
	if ef.calls() != 0 {
		t.Fatal("E ran CONFIG SET while read-only")
	}
}

// The E confirm says the setting is server-wide and outlives flashtop and
// gives the exact command that undoes it, with the flags before; so does
// the command log line once it ran.
func TestEventsConfirmSaysItOutlivesFlashtopAndHowToUndo(t *testing.T) {
	h, ef := eventsHarness(t, true)
	h.press("E")
	wantMode(t, h, modeConfirm)
	want := "Run CONFIG SET notify-keyspace-events xEKg$h on every master? Holds then update as they change " +
		"(the server publishes an event per write). The setting is server-wide and outlives flashtop. " +
		`To undo it: CONFIG SET notify-keyspace-events "xE"`
	if p := h.m.confirm.Prompt(); p != want {
		t.Fatalf("confirm\n %q\nwant\n %q", p, want)
	}
	if v := h.m.View(); !strings.Contains(v, "outlives flashtop") {
		t.Fatalf("the confirm on screen does not say it outlives flashtop:\n%s", v)
	}
	ef.mu.Lock()
	ef.undo = `CONFIG SET notify-keyspace-events "xEKg$h"` // the flags after: the log must keep those before
	ef.mu.Unlock()
	h.press("y")
	if ef.calls() != 1 || len(h.m.log) != 1 {
		t.Fatalf("y: %d calls, log %+v", ef.calls(), h.m.log)
	}
	e := h.m.log[0]
	wantLog := `CONFIG SET notify-keyspace-events xEKg$h (server-wide, outlives flashtop; undo: CONFIG SET notify-keyspace-events "xE")`
	if e.Command != wantLog || e.Status != "events on" || !e.OK || e.Err != "" {
		t.Fatalf("log entry %+v\nwant command %q", e, wantLog)
	}
	if !strings.Contains(h.m.status.text, `outlives flashtop; undo: CONFIG SET notify-keyspace-events "xE"`) {
		t.Fatalf("status %q", h.m.status.text)
	}
}

// A failed E is logged as an error, still naming the undo (masters changed
// before the failure keep the setting); unknown flags before are said so.
func TestEventsFailureLogsTheUndo(t *testing.T) {
	h, ef := eventsHarness(t, true)
	ef.undo, ef.err = "", redisops.ErrServer
	h.press("E")
	if p := h.m.confirm.Prompt(); !strings.HasSuffix(p, "To undo it: "+eventsUndoUnknown) {
		t.Fatalf("confirm without the flags before: %q", p)
	}
	h.press("y")
	if len(h.m.log) != 1 {
		t.Fatalf("log %+v", h.m.log)
	}
	e := h.m.log[0]
	if e.OK || e.Err == "" || !strings.Contains(e.Command, "outlives flashtop; undo: "+eventsUndoUnknown) {
		t.Fatalf("log entry %+v", e)
	}
	if h.m.status.kind != statusErr {
		t.Fatalf("status %+v", h.m.status)
	}
}
