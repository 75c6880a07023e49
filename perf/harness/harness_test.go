package main

import (
	"bytes"
	"os"
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
	rows := []row{{"a", "1", "<= 2", true}, {"b", "x", "(for reference)", false}, {"c", "9", "<= 2", false}}
	if code := printTable(&b, rows); code != 1 || !strings.Contains(b.String(), "FAIL") {
		t.Fatalf("code %d:\n%s", code, b.String())
	}
	b.Reset()
	if code := printTable(&b, rows[:2]); code != 0 || strings.Contains(b.String(), "FAIL") {
		t.Fatalf("code %d:\n%s", code, b.String())
	}
}

func TestLoadPlanAddsUp(t *testing.T) {
	if unrelatedKeys+sales*(holdsPerSale+2) != totalKeys {
		t.Fatalf("keys %d", unrelatedKeys+sales*(holdsPerSale+2))
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
