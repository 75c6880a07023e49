package main

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseInfoCostAndDelta(t *testing.T) {
	a := parseInfoCost("# Commandstats\r\ncmdstat_scan:calls=10,usec=5000,usec_per_call=500.00,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_get:calls=3,usec=30,usec_per_call=10.00\r\n# CPU\r\nused_cpu_sys:1.50\r\nused_cpu_user:2.25\r\n")
	if a.usec["scan"] != 5000 || a.calls["scan"] != 10 || a.usec["get"] != 30 || a.cpuSecs != 3.75 {
		t.Fatalf("parsed %+v", a)
	}
	b := parseInfoCost("cmdstat_scan:calls=30,usec=25000\ncmdstat_get:calls=3,usec=30\ncmdstat_info:calls=1,usec=100\nused_cpu_sys:2.5\nused_cpu_user:2.25\n")
	a.at, b.at = time.Unix(0, 0), time.Unix(10, 0)
	c := costBetween(a, b)
	if c.cmdUsec != 20100 || c.calls != 21 || c.cpuSecs != 1 || c.window != 10*time.Second {
		t.Fatalf("cost %+v", c)
	}
	if c.cmdShare != 0.00201 || c.cpuShare != 0.1 {
		t.Fatalf("shares %v %v", c.cmdShare, c.cpuShare)
	}
	if got := c.top(1); got != "scan 20ms" {
		t.Fatalf("top %q", got)
	}
}

func TestMarkProcSelf(t *testing.T) {
	m, err := markProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.rssKB <= 0 || m.hwmKB < m.rssKB || m.cpuTicks < 0 {
		t.Fatalf("mark %+v", m)
	}
	if _, err := markProc(-1); err == nil {
		t.Fatal("no error for a missing process")
	}
}

func TestPrintTableFailsOnMissedTarget(t *testing.T) {
	var b bytes.Buffer
	rows := []row{check("a", "1", "<= 2", true), check("b", "x", reference, false), skippedRow("d", "<= 2", "--skip-d"),
		check("c", "9", "<= 2", false)}
	if code := printTable(&b, rows); code != 1 || !strings.Contains(b.String(), "FAIL") {
		t.Fatalf("code %d:\n%s", code, b.String())
	}
	b.Reset()
	if code := printTable(&b, rows[:3]); code != 0 || strings.Contains(b.String(), "FAIL") || !strings.Contains(b.String(), "skipped") {
		t.Fatalf("code %d:\n%s", code, b.String())
	}
}

func TestLoadPlanAddsUp(t *testing.T) {
	if unrelatedKeys+sales*(holdsPerSale+2)+1 != totalKeys { // +1: the lag sale's stock
		t.Fatalf("keys %d", unrelatedKeys+sales*(holdsPerSale+2)+1)
	}
	if expectedUnits() != 19999 { // 3334 ones + 3333 twos + 3333 threes
		t.Fatalf("units %d", expectedUnits())
	}
}

func TestWalksRe(t *testing.T) {
	for line, want := range map[string]string{
		"rtt 0.6ms │ scan 18% · 0 walks · 19500 holds": "0",
		"scan 3% · 12 walks · 100000 holds":            "12",
		"scan 100% · 1 walk · events off":              "1",
		"no status here":                               "",
	} {
		got := ""
		if m := walksRe.FindStringSubmatch(line); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q: %q, want %q", line, got, want)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]shownCount{
		"0":       {n: 0},
		"500":     {n: 500},
		"9999":    {n: 9999},
		"20,000":  {n: 20000},
		"1,234,5": {n: -1},
		"1,2345":  {n: -1},
		",500":    {n: -1},
		"20.0k":   {n: 20000, approx: true, unit: 100},
		"19.9k":   {n: 19900, approx: true, unit: 100},
		"1.2M":    {n: 1_200_000, approx: true, unit: 100_000},
		"12k":     {n: 12000, approx: true, unit: 1000},
		"—":       {n: -1},
		"":        {n: -1},
		"-3":      {n: -1},
		"k":       {n: -1},
		"1e3k":    {n: -1},
		"NaNk":    {n: -1},
		"0x10":    {n: -1},
		"500~":    {n: 500, notLive: true},
		"100k~":   {n: 100_000, approx: true, unit: 1000, notLive: true},
		"12.3k~":  {n: 12_300, approx: true, unit: 100, notLive: true},
		"~":       {n: -1},
		"5~~":     {n: -1},
	} {
		got, err := parseCount(in)
		if want.n < 0 {
			if !errors.Is(err, errNoCount) {
				t.Errorf("%q: %+v, %v; want errNoCount", in, got, err)
			}
			continue
		}
		if err != nil || got.n != want.n || got.approx != want.approx || got.unit != want.unit ||
			got.notLive != want.notLive || got.text != in {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestShownCountGoals(t *testing.T) {
	exact, compact := shownCount{n: 20000}, shownCount{n: 20000, approx: true}
	if !exact.atLeast(20000) || !compact.atLeast(20000) || exact.atLeast(20001) {
		t.Fatal("atLeast")
	}
	if !exact.exactly(20000) || compact.exactly(20000) || !(shownCount{}).exactly(0) {
		t.Fatal("exactly: a compact display is never an exact count")
	}
	c, _ := parseCount("20.0k")
	if lo, hi := c.span(); lo != 19950 || hi != 20049 {
		t.Fatalf("20.0k spans %d..%d", lo, hi)
	}
	if lo, hi := exact.span(); lo != 20000 || hi != 20000 {
		t.Fatalf("20000 spans %d..%d", lo, hi)
	}
}

// screenFixture is a 160x48 pane of the real dashboard (capture-pane -p):
// sale lagtest with 7 holds (selected), perf00 with 3; the Holds panel's
// title below names lagtest too.
func screenFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/screen.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHoldsOnScreen(t *testing.T) {
	pane := screenFixture(t)
	for sale, want := range map[string]int64{"lagtest": 7, "perf00": 3} {
		c, err := holdsOnScreen(pane, sale)
		if err != nil || c.n != want || c.approx {
			t.Errorf("%s: %+v, %v; want %d", sale, c, err, want)
		}
	}
	// Wider exact digits (right-aligned under the header) and the compact form.
	for cell, want := range map[string]shownCount{"— 20,000": {n: 20000, text: "20,000"}, "—  20.0k": {n: 20000, approx: true, unit: 100, text: "20.0k"}} {
		p := strings.Replace(pane, "—     7", cell, 1)
		if p == pane {
			t.Fatal("fixture changed: no lagtest HOLDS cell to replace")
		}
		if c, err := holdsOnScreen(p, "lagtest"); err != nil || c != want {
			t.Errorf("%q: %+v, %v; want %+v", cell, c, err, want)
		}
	}
	for name, p := range map[string]string{
		"missing sale": strings.Replace(pane, "lagtest   ", "other     ", 1),
		"no header":    strings.Replace(pane, "HOLDS", "HELD ", 1),
		"empty cell":   strings.Replace(pane, "—     7", "—      ", 1),
		"dash":         strings.Replace(pane, "—     7", "—     —", 1),
		"empty pane":   "",
	} {
		if c, err := holdsOnScreen(p, "lagtest"); !errors.Is(err, errNoCount) {
			t.Errorf("%s: %+v, %v; want errNoCount", name, c, err)
		}
	}
	if _, err := holdsOnScreen(pane, "nosuch"); !errors.Is(err, errNoCount) {
		t.Errorf("unknown sale: %v", err)
	}
}

// TestHoldsOnScreenNotLive reads a pane of the dashboard with the push feed
// (1,000,000 keys, right after a SIGSTOP/SIGCONT of the server): every hold
// count carries the not-live mark, the big ones compact ("10.0k~").
func TestHoldsOnScreenNotLive(t *testing.T) {
	b, err := os.ReadFile("testdata/screen-notlive.txt")
	if err != nil {
		t.Fatal(err)
	}
	for sale, want := range map[string]shownCount{
		"lagtest": {n: 74, notLive: true, text: "74~"},
		"perf00":  {n: 10_000, approx: true, unit: 100, notLive: true, text: "10.0k~"},
	} {
		if c, err := holdsOnScreen(string(b), sale); err != nil || c != want {
			t.Errorf("%s: %+v, %v; want %+v", sale, c, err, want)
		}
	}
}

func TestGoalNeedsALiveCount(t *testing.T) {
	// The same pane, the sale's count not live then live: only live meets it.
	pane := screenFixture(t)
	for _, tc := range []struct {
		cell        string
		g           goal
		met, marked bool
	}{
		{"—     7", atLeast(7), true, false},
		{"—    7~", atLeast(7), false, true},
		{"—     6", atLeast(7), false, false},
		{"—    6~", atLeast(7), false, false},
		{"—     0", exactly(0), true, false},
		{"—    0~", exactly(0), false, true},
		{"—     —", exactly(0), false, false},
	} {
		c, err := holdsOnScreen(strings.Replace(pane, "—     7", tc.cell, 1), "lagtest")
		if met, marked := tc.g.reached(c, err); met != tc.met || marked != tc.marked {
			t.Errorf("%q for %s: met %v marked %v, want %v %v", tc.cell, tc.g.desc, met, marked, tc.met, tc.marked)
		}
	}
}

func TestCellsByDisplayColumn(t *testing.T) {
	got := cells("│▸● 漢字 │  42")
	want := []cell{{"▸●", 1, 3}, {"漢字", 4, 8}, {"42", 12, 14}}
	if !slices.Equal(got, want) {
		t.Fatalf("%+v, want %+v", got, want)
	}
}

func TestPercentile(t *testing.T) {
	ds := []time.Duration{1, 2, 3, 4, 5}
	for p, want := range map[float64]time.Duration{50: 3, 99: 5, 100: 5, 20: 1, 21: 2, 80: 4} {
		if got, ok := percentile(ds, p); !ok || got != want {
			t.Errorf("p%v: %v, want %v", p, got, want)
		}
	}
	if got, _ := percentile([]time.Duration{7}, 50); got != 7 {
		t.Errorf("one value: %v", got)
	}
	for _, p := range []float64{0, -1, 101} {
		if _, ok := percentile(ds, p); ok {
			t.Errorf("p%v accepted", p)
		}
	}
	if _, ok := percentile(nil, 50); ok {
		t.Error("no values accepted")
	}
}

func TestSummarize(t *testing.T) {
	ok := func(ms int) sample { return sample{lag: time.Duration(ms) * time.Millisecond, ok: true} }
	timeout := sample{why: "timeout after 20s", last: `"45"`}
	s := summarize([]sample{ok(300), ok(100), ok(500), ok(200), ok(400)}, time.Second)
	if !s.pass || s.measured != "p50 0.300s, p99 0.500s, max 0.500s (n=5)" {
		t.Errorf("all seen: %+v", s)
	}
	if s := summarize([]sample{ok(300), ok(1200), ok(100)}, time.Second); s.pass {
		t.Errorf("p99 over target passed: %+v", s)
	}
	s = summarize([]sample{ok(100), timeout, ok(200), ok(300), ok(400)}, time.Second)
	if s.pass || !strings.Contains(s.measured, "p50 0.300s") || !strings.Contains(s.measured, "p99 timeout after 20s") ||
		!strings.HasSuffix(s.measured, `(n=5; 1× timeout after 20s, screen showed "45")`) {
		t.Errorf("one timeout: %+v", s)
	}
	s = summarize([]sample{timeout, {why: "timeout after 20s", last: "no count"}}, time.Second)
	if s.pass || s.measured != `p50 timeout after 20s, p99 timeout after 20s, max timeout after 20s (n=2; 2× timeout after 20s, screen showed "45", no count)` {
		t.Errorf("all timed out: %+v", s)
	}
	if s := summarize(nil, time.Second); s.pass {
		t.Errorf("no repeats passed: %+v", s)
	}
}

func TestFeedCommands(t *testing.T) {
	c := costBetween(serverMark{usec: map[string]int64{}, calls: map[string]int64{}},
		parseInfoCost("cmdstat_client|tracking:calls=1,usec=9\ncmdstat_client|trackinginfo:calls=40,usec=80\n"+
			"cmdstat_time:calls=40,usec=40\ncmdstat_scan:calls=5,usec=900\ncmdstat_subscribe:calls=1,usec=3\n"))
	want := "client|trackinginfo 40 calls 0.1ms, time 40 calls 0.0ms, client|tracking 1 calls 0.0ms, subscribe 1 calls 0.0ms"
	if got := c.byName(feedCommand); got != want {
		t.Errorf("feed:\n got %s\nwant %s", got, want)
	}
	if got := (serverCost{}).byName(feedCommand); got != "none" {
		t.Errorf("empty: %q", got)
	}
}

func TestNotifyRow(t *testing.T) {
	if r := (notifyCheck{before: "", after: "", quit: true}).row(); !r.pass || !strings.Contains(r.measured, `before "", after ""`) {
		t.Errorf("unchanged: %+v", r)
	}
	if r := (notifyCheck{before: "", after: "KEA", quit: true}).row(); r.pass {
		t.Errorf("changed passed: %+v", r)
	}
	if r := (notifyCheck{quit: false}).row(); r.pass {
		t.Errorf("not quit passed: %+v", r)
	}
}

func TestLagRowsNeverPassUnseen(t *testing.T) {
	h := &harness{stopFor: 10 * time.Second}
	seen := sample{lag: 300 * time.Millisecond, ok: true, count: shownCount{n: 500, text: "500"}}
	l := lagResults{ran: true, add: []sample{seen, seen}, del: []sample{seen, {why: "timeout after 20s", last: `"3"`}},
		bulk: nil, stopRan: true, stop: sample{lag: 7 * time.Second, ok: true, marked: true, markedAt: 6 * time.Second}}
	rows := h.lagRows(l)
	want := []bool{true, false, false, false} // added; one delete timed out; no bulk repeat ran; 7 s > 5 s
	for i, r := range rows {
		if r.pass != want[i] || r.skipped {
			t.Errorf("row %d %q: pass %v, want %v (%s)", i, r.figure, r.pass, want[i], r.measured)
		}
	}
	if !strings.Contains(rows[3].measured, `drawn not live ("~") first in 1 of 1, from 6.000s`) {
		t.Errorf("stop row: %s", rows[3].measured)
	}
	for _, r := range h.lagRows(lagResults{}) {
		if !r.skipped {
			t.Errorf("not run, not skipped: %+v", r)
		}
	}
}
