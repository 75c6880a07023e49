package panels

import (
	"flashtop/textsafe"
	"flashtop/ui/table"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSlowlogNewestFirst(t *testing.T) {
	m := NewSlowlog(asciiStyles())
	m.SetSize(80, 8)
	m.SetData(Data{Snap: fixture(t0), Now: t0})
	if m.entries[0].ID != 2 || m.entries[1].ID != 1 {
		t.Fatalf("order %d %d", m.entries[0].ID, m.entries[1].ID)
	}
	v := m.View()
	if strings.Index(v, "EVALSHA") > strings.Index(v, "KEYS *") || !strings.Contains(v, "15.0ms") {
		t.Fatalf("slowlog view:\n%s", v)
	}
	s := fixture(t0)
	s.Slowlog = nil
	m.SetData(Data{Snap: s, Now: t0})
	if v := m.View(); !strings.Contains(v, noSlow) {
		t.Fatalf("empty slowlog:\n%s", v)
	}
}

func TestJoinArgsBounded(t *testing.T) {
	huge := strings.Repeat("é", 50_000)
	got := joinArgs([]string{"SET", huge, "x"}, 100)
	if len(got) > 100+len(textsafe.Ellipsis) || !strings.HasPrefix(got, "SET éé") || !strings.HasSuffix(got, "é"+textsafe.Ellipsis) {
		t.Fatalf("joinArgs = %q (%d bytes)", got, len(got))
	}
	if got := joinArgs([]string{"GET", "k"}, 100); got != "GET k" {
		t.Fatalf("joinArgs = %q", got)
	}
}

func TestServerPanel(t *testing.T) {
	m := NewServer(asciiStyles())
	m.SetSize(70, 14)
	s := fixture(t0)
	s.Server.AOFLastWriteStatus = "err"
	s.Server.EvictedKeys = 3
	s.Server.Maxmemory = 0
	m.SetData(Data{Snap: s, Now: t0})
	v := m.View()
	for _, want := range []string{"3.0M / no limit", "peak 5.0M", "noeviction", "1,234", "14 · blocked 0", "90.0%",
		"evicted  3", "expired  42", "1.12", "on · last write err", "redis 7.2.4 master"} {
		if !strings.Contains(v, want) {
			t.Fatalf("server view lacks %q:\n%s", want, v)
		}
	}
	s2 := fixture(t0.Add(time.Second))
	s2.Server.AOFEnabled = false
	s2.Server.KeyspaceHits, s2.Server.KeyspaceMisses = 0, 0
	m.SetData(Data{Snap: s2, Now: t0.Add(time.Second)})
	v = m.View()
	if !strings.Contains(v, "AOF      off") || !strings.Contains(v, "hits     —") {
		t.Fatalf("server view without AOF or lookups:\n%s", v)
	}
	if len(m.ops.Samples()) != 2 || !strings.ContainsAny(v, sparkLevels) {
		t.Fatalf("ops/s history %d samples; view:\n%s", len(m.ops.Samples()), v)
	}
}

func TestCmdLogFollowsNewest(t *testing.T) {
	m := NewCmdLog(asciiStyles())
	m.SetSize(60, 6) // 3 rows
	var log []LogEntry
	for i := range 20 {
		log = append(log, LogEntry{At: t0, Command: fmt.Sprintf("cmd-%02d", i), Status: "set", OK: true})
	}
	m.SetData(Data{Now: t0, Log: log})
	v := m.View()
	if !strings.Contains(v, "cmd-19") || !strings.Contains(v, "cmd-17") || strings.Contains(v, "cmd-16") {
		t.Fatalf("newest at the bottom:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[len(lines)-2], "cmd-19") {
		t.Fatalf("newest not on the last row:\n%s", v)
	}
	m.Focus()
	for range 5 {
		m, _ = m.Update(keyUp)
	}
	m.SetData(Data{Now: t0, Log: append(log, LogEntry{At: t0, Command: "cmd-20", Status: "set", OK: true})})
	if v := m.View(); !strings.Contains(v, table.CursorMark+"12:00:00 cmd-14") || strings.Contains(v, "cmd-20") {
		t.Fatalf("browsing: the view jumped to the newest:\n%s", v)
	}
	m, _ = m.Update(keyEnd)
	m.SetData(Data{Now: t0, Log: append(log, LogEntry{Command: "cmd-20"}, LogEntry{Command: "cmd-21"})})
	if v := m.View(); !strings.Contains(v, "cmd-21") {
		t.Fatalf("after end the log follows again:\n%s", v)
	}
}

// Stock and counts are exact with thousands separators; only fmtCountFit
// rounds, and then says so with "≈".
func TestFormatCount(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{9999, "9,999"},
		{24_960, "24,960"},
		{100_000, "100,000"},
		{1_234_567, "1,234,567"},
		{999_999_999_999_999, "999,999,999,999,999"},
		{-1, "-1"},
		{-999, "-999"},
		{-1000, "-1,000"},
		{-24_960, "-24,960"},
		{1<<63 - 1, "9,223,372,036,854,775,807"},
		{-1 << 63, "-9,223,372,036,854,775,808"},
	} {
		if got := fmtCount(c.n); got != c.want {
			t.Errorf("fmtCount(%d) = %q, want %q", c.n, got, c.want)
		}
		if got := FormatCount(c.n); got != c.want {
			t.Errorf("FormatCount(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		n    int64
		w    int
		want string
	}{
		{24_960, 6, "24,960"},
		{24_960, 5, "≈25.0k"},
		{12_345_678, 8, "≈12.3M"},
		{12_345_678, 10, "12,345,678"},
		{-4_500_000, 7, "≈-4.5M"},
		{999_999_999_999_999, 8, "≈1000.0T"},
		{3_000_000_000, 5, "≈3.0G"},
		{999, 1, "≈999"},
	} {
		if got := fmtCountFit(c.n, c.w); got != c.want {
			t.Errorf("fmtCountFit(%d, %d) = %q, want %q", c.n, c.w, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtDuration(-time.Second), "0s"},
		{fmtDuration(250 * time.Millisecond), "250ms"},
		{fmtDuration(45 * time.Second), "45s"},
		{fmtDuration(252 * time.Second), "4m12s"},
		{fmtDuration(2*time.Hour + 5*time.Minute), "2h05m"},
		{fmtDuration(76 * time.Hour), "3d04h"},
		{fmtMicros(850), "850µs"},
		{fmtMicros(12_345), "12.3ms"},
		{fmtMicros(1_200_000), "1.20s"},
		{fmtBytes(512), "512B"},
		{fmtBytes(1536), "1.5K"},
		{fmtBytes(2 << 30), "2.0G"},
		{fmtRate(0.01), "0"},
		{fmtRate(-3.46), "-3.5"},
		{fmtRate(12), "+12.0"},
		{fmtRate(-999.94), "-999.9"},
		{fmtRate(-1000), "-1,000"},
		{fmtRate(-25_000), "-25,000"},
		{fmtRate(1_234_567.6), "+1,234,568"},
		{fmtRate(1e300), dash},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
