package panels

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
)

// TestServerHealthLines: script latency names the worst command and says
// the figures are since start; error counts show their change per minute
// once ten seconds of history exist, fastest-growing first; a section the
// server does not give says "not reported", never 0.
func TestServerHealthLines(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	m := NewServer(asciiStyles())
	m.SetSize(100, 20)
	show := func(at time.Time, errs map[string]int64) string {
		snap := fixture(at)
		snap.Server.Errors = errs
		m.SetData(Data{Snap: snap, Now: at})
		return ansi.Strip(m.View())
	}
	v := show(t0, map[string]int64{"NOSCRIPT": 0, "ERR": 5})
	if !strings.Contains(v, "scripts  since start evalsha p99 76µs · p50 16µs · p99.9 80µs") {
		t.Errorf("script line:\n%s", v)
	}
	if !strings.Contains(v, "errors   ERR 5") || strings.Contains(v, "NOSCRIPT") || strings.Contains(v, "/min") {
		t.Errorf("no rate without history:\n%s", v)
	}
	show(t0.Add(30*time.Second), map[string]int64{"NOSCRIPT": 3, "ERR": 5})
	v = show(t0.Add(60*time.Second), map[string]int64{"NOSCRIPT": 12, "ERR": 5})
	if !strings.Contains(v, "errors   NOSCRIPT 12 +12/min · ERR 5") {
		t.Errorf("NOSCRIPT grew by 12 in a minute:\n%s", v)
	}
	v = show(t0.Add(90*time.Second), map[string]int64{"NOSCRIPT": 1, "ERR": 5}) // a restart: counts went down
	if strings.Contains(v, "/min") {
		t.Errorf("a rate across a counter reset:\n%s", v)
	}
	own := fixture(t0.Add(100 * time.Second)) // flashtop's own replies are left out, and said
	own.Server.Errors, own.Server.FlashtopErrors = map[string]int64{"WRONGTYPE": 70, "ERR": 5}, map[string]int64{"WRONGTYPE": 64}
	m.SetData(Data{Snap: own, Now: own.TakenAt})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "WRONGTYPE 6") || !strings.Contains(v, "(not counting flashtop's own 64)") {
		t.Errorf("errors net of flashtop's own:\n%s", v)
	}
	none := fixture(t0.Add(110 * time.Second)) // narrow: the note's short form, whole, never cut
	none.Server.Errors, none.Server.FlashtopErrors = map[string]int64{"WRONGTYPE": 238}, map[string]int64{"WRONGTYPE": 238}
	narrow := NewServer(asciiStyles())
	narrow.SetSize(58, 12)
	narrow.SetData(Data{Snap: none, Now: none.TakenAt})
	if v := narrow.View(); !strings.Contains(v, "none since start (flashtop's own 238 left out)") {
		t.Errorf("at 58 columns:\n%s", v)
	}
	snap := fixture(t0.Add(2 * time.Minute))
	snap.Server.Errors, snap.Server.ScriptLatencyUs = nil, nil
	m.SetData(Data{Snap: snap, Now: snap.TakenAt})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "scripts  not reported") || !strings.Contains(v, "errors   not reported") {
		t.Errorf("sections not given by the server:\n%s", v)
	}
	snap.Server.Errors, snap.Server.ScriptLatencyUs = map[string]int64{}, map[string]redisops.Percentiles{}
	m.SetData(Data{Snap: snap, Now: snap.TakenAt})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "no script run since start") || !strings.Contains(v, "errors   none since start") {
		t.Errorf("sections without entries:\n%s", v)
	}
}
