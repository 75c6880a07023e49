package panels

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"

	"flashtop/redisops"
	"flashtop/ui/theme"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// asciiStyles returns the theme on an Ascii renderer: no colour codes.
func asciiStyles() theme.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

// colourStyles returns the theme on a TrueColor renderer.
func colourStyles() theme.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	return theme.New(r)
}

// t0 is the fixed clock of the tests.
var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func i64(n int64) *int64     { return &n }
func f64(v float64) *float64 { return &v }

func tp(t time.Time) *time.Time { return &t }

// fixture is a snapshot taken at `at` with three sales, holds, a queue and a
// slowlog.
func fixture(at time.Time) *redisops.Snapshot {
	return &redisops.Snapshot{
		TakenAt: at,
		Server: redisops.ServerStats{
			Version: "7.2.4", Role: "master", UsedMemory: 3 << 20, Maxmemory: 1 << 30,
			UsedMemoryPeak: 5 << 20, MaxmemoryPolicy: "noeviction", MemFragmentationRatio: 1.12,
			ConnectedClients: 14, OpsPerSec: 1234, KeyspaceHits: 900, KeyspaceMisses: 100,
			EvictedKeys: 0, ExpiredKeys: 42, AOFEnabled: true, AOFLastWriteStatus: "ok",
			KeysInDB: 1500, UptimeSeconds: 3700,
			ScriptLatencyUs: map[string]redisops.Percentiles{"evalsha": {P50: 16.063, P99: 76.3, P999: 80.1}, "eval": {P50: 40, P99: 50, P999: 60}},
			Errors:          map[string]int64{"NOSCRIPT": 3, "ERR": 1},
		},
		Sales: []redisops.SaleStats{
			{ID: "sale-b", Inventory: i64(40), QueueLength: 3, QueueHeadAgeMs: i64(65_000), Reservations: 3, ReservedUnits: 8,
				QueueStats: &redisops.QueueStats{Waiters: 3, WaitP50Ms: i64(30_000), WaitP90Ms: i64(65_000), WaitP99Ms: i64(65_000),
					ArrivalsPerMin: f64(42), AdmittedPerMin: f64(36), Arrivals: i64(42), Admitted: i64(36),
					AdmittedFrom: redisops.QueueCountHead, ExpectedWaitMs: i64(5_000), WindowMs: i64(60_000)}},
			{ID: "sale-a", Inventory: i64(100), QueueLength: 0, Reservations: 1, ReservedUnits: 1},
			{ID: "sale-c", Inventory: nil, QueueLength: 12, QueueHeadAgeMs: i64(1_000), Reservations: 0},
		},
		Reservations: []redisops.Hold{
			{Sale: "sale-b", User: "u-late", Quantity: 2, ReservedAt: tp(at.Add(-10 * time.Second)), TTLMs: 290_000, Key: "reservation:u-late:sale-b"},
			{Sale: "sale-b", User: "u-soon", Quantity: 1, ReservedAt: tp(at.Add(-280 * time.Second)), TTLMs: 20_000, Key: "reservation:u-soon:sale-b"},
			{Sale: "sale-b", User: "u-forever", Quantity: 5, TTLMs: -1, Key: "reservation:u-forever:sale-b", Shape: redisops.HoldShapeJSON},
			{Sale: "sale-a", User: "u-other", Quantity: 1, ReservedAt: tp(at.Add(-100 * time.Second)), TTLMs: 200_000, Key: "reservation:u-other:sale-a"},
		},
		Queues: map[string][]redisops.QueueEntry{
			"sale-b": {
				{User: "q-first", Position: 1, JoinedAtMs: at.Add(-65 * time.Second).UnixMilli()},
				{User: "q-second", Position: 2, JoinedAtMs: at.Add(-30 * time.Second).UnixMilli()},
				{User: "q-third", Position: 3, JoinedAtMs: at.Add(-2 * time.Second).UnixMilli()},
			},
		},
		Sessions: redisops.SessionStats{Count: 7},
		Slowlog: []redisops.SlowEntry{
			{ID: 1, Time: at.Add(-time.Minute), DurationUs: 15_000, Args: []string{"KEYS", "*"}, ClientAddr: "127.0.0.1:5000"},
			{ID: 2, Time: at.Add(-10 * time.Second), DurationUs: 2_500, Args: []string{"EVALSHA", "abc", "1", "inventory:sale-b"}},
		},
	}
}

// fixtureLog is a command log with an OK, a refusal and an error.
func fixtureLog() []LogEntry {
	return []LogEntry{
		{At: t0.Add(-3 * time.Second), Command: "reserve sale-b u1 1 300s", Status: "reserved", OK: true},
		{At: t0.Add(-2 * time.Second), Command: "take sale-a 1000", Status: "insufficient_stock"},
		{At: t0.Add(-1 * time.Second), Command: "join sale-b u2", Err: "redis unreachable"},
	}
}

// checkBounds fails unless view is exactly h lines, each at most w cells.
func checkBounds(t testing.TB, name, view string, w, h int) {
	t.Helper()
	if h <= 0 {
		if view != "" {
			t.Fatalf("%s %dx%d: want empty view, got %q", name, w, h, view)
		}
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s %dx%d: %d lines, want %d:\n%s", name, w, h, len(lines), h, view)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(lipgloss.NewStyle().Render(l)); lw > w || lipgloss.Width(l) > w {
			t.Fatalf("%s %dx%d: line %d is %d wide: %q", name, w, h, i, lw, l)
		}
	}
}
