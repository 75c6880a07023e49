package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// The header's counts are exact, with thousands separators: never rounded,
// never run together.
func TestHeaderCountsAreExact(t *testing.T) {
	h := newHarness(t, true)
	snap := testSnapshot(t0.Add(time.Second))
	snap.Server.OpsPerSec = 1_234_567
	snap.Sessions.Count = 24_960
	snap.Anomalies = make([]redisops.Anomaly, 1_001)
	h.m.snap = snap
	h.send(tea.WindowSizeMsg{Width: 230, Height: 40})
	head := strings.Join(h.m.headerLines(), "\n")
	for _, want := range []string{"ops/s 1,234,567", "sessions 24,960", "anomalies 1,001"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q:\n%s", want, head)
		}
	}
}

// longURL is the fake backend behind a long host name.
type longURL struct{ *fakeBackend }

func (longURL) URL() string {
	return "redis://flash-sale-redis-primary.prod.internal.example.com:6379/0"
}

// A header line too wide gives way by its long values (the URL, the demo's
// buyers): moved to the second line when they fit there, else cut (the URL
// in its middle), so the refresh interval and the anomaly count always show.
func TestHeaderLongValuesGiveWay(t *testing.T) {
	demo := newDemoHarness(t, &fakeSim{speed: 1}, nil)
	live := newHarness(t, true)
	live.m.cfg.Backend = longURL{live.fb}
	for _, c := range []struct {
		name        string
		h           *harness
		width       int
		first, next []string // in the first line, in the second
	}{
		{"demo 80", demo, 80, []string{"DEMO  buyers 1× · 12 arriv…  every 1s  anomalies 0"}, []string{"redis 7.2.4"}},
		{"demo 110", demo, 110, []string{"buyers 1× · 12 arrived · 3 reserved · 1 let expire", "every 1s"}, []string{"sessions 7  redis://127.0.0.1:6379/0"}},
		{"long URL 80", live, 80, []string{"WRITES ARMED  redis://flash…le.com:6379/0  every 1s  anomalies 0"}, []string{"sessions 7"}},
		{"long URL 160", live, 160, []string{"redis://flash-sale-redis-pr", "…", "ample.com:6379/0  every 1s"}, nil}, // at most maxURLWidth
	} {
		c.h.send(tea.WindowSizeMsg{Width: c.width, Height: 40})
		lines := c.h.m.headerLines()
		for i, wants := range [][]string{c.first, c.next} {
			for _, want := range wants {
				if !strings.Contains(lines[i], want) {
					t.Errorf("%s: header line %d lacks %q:\n%s", c.name, i+1, want, strings.Join(lines, "\n"))
				}
			}
			if w := len([]rune(strings.TrimRight(lines[i], " "))); w > c.width {
				t.Errorf("%s: line %d is %d wide", c.name, i+1, w)
			}
		}
	}
}
