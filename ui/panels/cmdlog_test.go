package panels

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

const (
	uuidA = "3f2a8c1e-5b7d-4e9a-9c21-7d9e01b4a6f3"
	uuidB = "b71c2d40-8e5f-4a3b-9d6c-1e2f3a4b5c6d"
)

// A command too wide for its column keeps every argument: the UUIDs are cut
// in their middle (both ends stay), whole as soon as the width allows.
func TestFitTokensKeepsEveryArgument(t *testing.T) {
	cmd := "reserve --sale " + uuidA + " --user " + uuidB + " --qty 2 --ttl 300s"
	for w := 50; w <= 120; w++ {
		got := fitTokens(cmd, w)
		if ansi.StringWidth(got) > w {
			t.Fatalf("%d cells: %q is %d wide", w, got, ansi.StringWidth(got))
		}
		if w >= 68 { // every token at its shortest
			for _, part := range []string{"reserve --sale 3f2a8c", "b4a6f3 --user b71c2d", "4b5c6d --qty 2 --ttl 300s"} {
				if !strings.Contains(got, part) {
					t.Errorf("%d cells: %q lacks %q", w, got, part)
				}
			}
		}
		if whole := w >= len(cmd); whole != (got == cmd) {
			t.Errorf("%d cells (command %d): %q", w, len(cmd), got)
		}
	}
	if got := fitTokens("join --sale s1 --user bob", 10); got != "join --sa…" {
		t.Errorf("short tokens are cut at the end: %q", got)
	}
}

// The command log keeps the user in view at 80 columns, drops its time
// column before an argument, and is filtered by its own filter.
func TestCmdLogUUIDsAndFilter(t *testing.T) {
	log := []LogEntry{
		{At: t0.Add(-2 * time.Second), Command: "inventory take --sale bb-two --qty 900", Status: "insufficient_stock"},
		{At: t0.Add(-time.Second), Command: "reserve --sale " + uuidA + " --user " + uuidB + " --qty 2 --ttl 300s", Status: "reserved", OK: true},
	}
	m := NewCmdLog(asciiStyles())
	m.SetData(Data{Now: t0, Log: log})
	m.SetSize(80, 5)
	v := m.View()
	if !strings.Contains(v, "--user b71c2d") || !strings.Contains(v, "4b5c6d --qty 2") || strings.Contains(v, "TIME") {
		t.Errorf("80 columns:\n%s", v)
	}
	m.SetSize(160, 5)
	if v := m.View(); !strings.Contains(v, uuidA) || !strings.Contains(v, uuidB) || !strings.Contains(v, "TIME") {
		t.Errorf("160 columns shows whole UUIDs and the time:\n%s", v)
	}
	m.SetData(Data{Now: t0, Log: log, Filter: "bb-two"})
	if v := m.View(); !strings.Contains(v, "filter: bb-two") || strings.Contains(v, "reserve") || !strings.Contains(v, "take") {
		t.Errorf("filtered:\n%s", v)
	}
	if m.Want() != 2 {
		t.Errorf("want %d lines, 2: the header and the one entry that matches", m.Want())
	}
	m.SetData(Data{Now: t0, Log: log, Filter: "nothing"})
	if v := m.View(); !strings.Contains(v, noRowMatch) || m.Want() != 0 {
		t.Errorf("nothing matches (want %d):\n%s", m.Want(), v)
	}
}

// A panel one line high is its title line with its message: the layout
// collapses empty panels so.
func TestCollapsedPanelIsItsTitleLine(t *testing.T) {
	m := NewCmdLog(asciiStyles())
	m.SetData(Data{Now: t0})
	m.SetSize(50, 1)
	v := m.View()
	checkBounds(t, "collapsed", v, 50, 1)
	if !strings.HasPrefix(v, "─ Command log · no commands yet ─") || ansi.StringWidth(v) != 50 {
		t.Errorf("collapsed command log %q", v)
	}
	h := NewHolds(asciiStyles())
	h.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
	h.SetSize(50, 1)
	if v := h.View(); strings.Contains(v, "USER") || !strings.Contains(v, "Holds") {
		t.Errorf("a table one line high shows its title only: %q", v)
	}
}

// A narrow log drops a leak line's details (its span, its key) before it
// cuts the sale id or a count; a UUID sale is then cut in its middle.
func TestCmdLogLeakLineKeepsFigures(t *testing.T) {
	for _, c := range []struct {
		line string
		w    int
		want string
	}{
		{"sneaker-drop-2025: 115 holds expired, 277 units lost · in the last 37s", 62, "sneaker-drop-2025: 115 holds expired, 277 units lost…"},
		{"s1: 1 hold expired, 1 unit lost · reservation:u1:s1 · in the last 3s", 52, "s1: 1 hold expired, 1 unit lost · reservation:u1:s1…"},
		{uuidA + ": 47 holds expired, 116 units lost · in the last 35s", 62, "3f2a8c1e-5b7d-…7d9e01b4a6f3: 47 holds expired, 116 units lost…"},
	} {
		if got := fitTokens(dropDetails(c.line, c.w), c.w); got != c.want {
			t.Errorf("%d cells: %q, want %q", c.w, got, c.want)
		}
	}
}
