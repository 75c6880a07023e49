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
