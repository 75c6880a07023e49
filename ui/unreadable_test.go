package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

const nopermKeys = "NOPERM this user has no permissions to access one of the keys used as arguments"

// blindHarness is the dashboard after a poll that could not read the holds,
// INFO and SLOWLOG (an ACL user limited to some keys and commands).
func blindHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := newHarness(t, true)
	snap := testSnapshot(t0)
	snap.Server = redisops.ServerStats{PingMs: 0.25}
	snap.Slowlog = nil
	snap.Unreadable = []redisops.Unreadable{
		{What: redisops.UnreadHolds, Reason: nopermKeys, Keys: 7},
		{What: redisops.UnreadServer, Reason: "NOPERM this user has no permissions to run the 'info' command"},
		{What: redisops.UnreadSlowlog, Reason: "NOPERM this user has no permissions to run the 'slowlog|get' command"},
	}
	hs.fb.snap = snap
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.send(pollTickMsg{gen: hs.m.poll.gen})
	*hs.now = t0.Add(time.Second)
	hs.send(clockTickMsg{})
	return hs
}

// Each panel whose data could not be read says so on its border, with the
// reason; the header never shows an unread INFO as "0B".
func TestPanelsSayCannotRead(t *testing.T) {
	h := blindHarness(t, 160, 48)
	v := h.m.View()
	checkBounds(t, v, 160, 48, "blind")
	count := func(s string) int { return strings.Count(v, s) }
	if n := count("cannot read holds (7 keys): NOPERM"); n != 3 { // sales, holds and the event feed (the empty anomalies panel folds to its title)
		t.Errorf("%d panels say the holds cannot be read, want 3:\n%s", n, v)
	}
	if n := count("cannot read slowlog: NOPERM"); n != 1 {
		t.Errorf("the slowlog panel should say it cannot read SLOWLOG (%d):\n%s", n, v)
	}
	if n := count("cannot read server: NOPERM"); n != 1 {
		t.Errorf("the server panel should say it cannot read INFO (%d):\n%s", n, v)
	}
	head := strings.Join(strings.Split(v, "\n")[:2], "\n")
	if !strings.Contains(head, "cannot read INFO: NOPERM") || strings.Contains(head, "0B") {
		t.Errorf("header:\n%s\nwant the INFO refusal, never 0B", head)
	}
	if strings.Contains(v, "cannot read queues") {
		t.Errorf("the queue was read:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "cannot read") && strings.Contains(l, "╰") && !strings.Contains(l, "╯") {
			t.Errorf("a note broke its border: %q", l)
		}
	}
}

// The notes fit every size: nothing wider or longer than the screen.
func TestCannotReadFitsEverySize(t *testing.T) {
	for _, size := range [][2]int{{20, 6}, {40, 10}, {60, 20}, {80, 24}, {100, 30}, {200, 60}} {
		h := blindHarness(t, size[0], size[1])
		checkBounds(t, h.m.View(), size[0], size[1], "blind")
	}
}

// A snapshot that read everything draws no note.
func TestNoNoteWhenEverythingWasRead(t *testing.T) {
	v := goldenHarness(t, 160, 48).m.View()
	if strings.Contains(v, "cannot read") {
		t.Errorf("a note without a reason:\n%s", v)
	}
}
