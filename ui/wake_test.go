package ui

import (
	"testing"
	"time"
)

// A wake (the poller's push feed saw a change) polls at once, but never
// sooner than minWakeGap after the previous poll began: a second wake
// within the gap schedules one delayed poll, and a paused dashboard
// ignores wakes.
func TestWakePollsSoonerButNotTooOften(t *testing.T) {
	h := newHarness(t, true)
	*h.now = h.now.Add(time.Second)
	before := h.fb.snapshots()
	h.send(wakeMsg{})
	if got := h.fb.snapshots(); got != before+1 {
		t.Fatalf("a wake polled %d times, want once", got-before)
	}
	*h.now = h.now.Add(100 * time.Millisecond)
	h.ticks = nil
	h.send(wakeMsg{})
	h.send(wakeMsg{}) // a burst: still one delayed poll
	if got := h.fb.snapshots(); got != before+1 {
		t.Fatalf("wakes within the gap polled at once (%d polls)", got-before)
	}
	var delayed []scheduledMsg
	for _, s := range h.ticks {
		if _, ok := s.msg.(wakePollMsg); ok {
			delayed = append(delayed, s)
		}
	}
	if len(delayed) != 1 || delayed[0].d != minWakeGap-100*time.Millisecond {
		t.Fatalf("delayed polls %+v, want one after %s", delayed, minWakeGap-100*time.Millisecond)
	}
	h.send(delayed[0].msg)
	if got := h.fb.snapshots(); got != before+2 {
		t.Fatalf("the delayed poll did not run (%d polls)", got-before)
	}
	h.press("p")
	*h.now = h.now.Add(time.Second)
	n := h.fb.snapshots()
	h.send(wakeMsg{})
	if h.fb.snapshots() != n {
		t.Fatal("a paused dashboard polled on a wake")
	}
}
