package alerts

import (
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/salerate"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

// trend is a fixed Trend: rates and leaks per sale.
type trend struct {
	rates   map[string]salerate.Rate
	leaks   map[string]float64
	watched bool
}

func (t trend) Rate(sale string) salerate.Rate { return t.rates[sale] }
func (t trend) LeakedLastMinute(sale string) (float64, bool) {
	return t.leaks[sale], t.watched
}

// selling is a rate of perMin units a minute with enough history for an ETA.
func selling(perMin float64) salerate.Rate {
	return salerate.Rate{OK: true, PerMin: perMin, Span: time.Minute, Decreases: 30, StallAfter: 15 * time.Second}
}

// only is the one threshold of rule set to v, every other rule off.
func only(rule Rule, v float64) Thresholds {
	var t Thresholds
	switch rule {
	case SellOut:
		t.SellOut = time.Duration(v * float64(time.Second))
	case HeadAge:
		t.HeadAge = time.Duration(v * float64(time.Second))
	case LeakRate:
		t.LeakRate = v
	case ScriptP99:
		t.ScriptP99 = time.Duration(v * float64(time.Microsecond))
	case Memory:
		t.MemoryPct = v
	}
	return t
}

// fixtureInput: sale "sneaker-drop" with 42 units selling 60/min (ETA 42s),
// a queue head 30 s old, 10 units leaked in the last minute; the server at
// 90% of maxmemory with an evalsha p99 of 5000µs.
func fixtureInput() Input {
	s := &redisops.Snapshot{TakenAt: t0,
		Server: redisops.ServerStats{UsedMemory: 900, Maxmemory: 1000,
			ScriptLatencyUs: map[string]redisops.Percentiles{"eval": {P99: 10}, "evalsha": {P50: 20, P99: 5000}}},
		Sales: []redisops.SaleStats{{ID: "sneaker-drop", Inventory: i64(42), QueueLength: 3, QueueHeadAgeMs: i64(30_000)}}}
	return Input{Snap: s, Now: t0, Trend: trend{
		rates:   map[string]salerate.Rate{"sneaker-drop": selling(60)},
		leaks:   map[string]float64{"sneaker-drop": 10},
		watched: true}}
}

// Each rule alerts at (or, for the ETA, under) its threshold and not short
// of it; 0 turns it off.
func TestEvaluateEachRuleAtUnderOver(t *testing.T) {
	for _, c := range []struct {
		rule                   Rule
		value                  float64 // the fixture's value, in the rule's unit
		alertAt, quietAt, over float64 // thresholds: one that alerts at the value, one that does not, one far past
		text, detail           string  // the text with the threshold alertAt, and it without its subject
	}{
		// ETA 42 s: alerts under a threshold above 42 s, not at 42 s.
		{SellOut, 42, 60, 42, 3600, "sneaker-drop sells out in 42s (alert under 1m00s)", "sells out in 42s (alert under 1m00s)"},
		{HeadAge, 30, 30, 31, 1, "sneaker-drop: queue head has waited 30s (alert at 30s)", "queue head has waited 30s (alert at 30s)"},
		{LeakRate, 10, 10, 11, 1, "sneaker-drop: 10 units lost to expired holds in the last minute (alert at 10/min)",
			"10 units lost to expired holds in the last minute (alert at 10/min)"},
		{ScriptP99, 5000, 5000, 5001, 1, "server evalsha p99 5ms since start (alert at 5ms)", "evalsha p99 5ms since start (alert at 5ms)"},
		{Memory, 90, 90, 90.1, 1, "server memory at 90% of maxmemory (alert at 90%)", "memory at 90% of maxmemory (alert at 90%)"},
	} {
		in := fixtureInput()
		got := Evaluate(only(c.rule, c.alertAt), in)
		if len(got) != 1 || got[0].Rule != c.rule || got[0].Text != c.text || got[0].Detail != c.detail {
			t.Errorf("%s at threshold %v: %+v, want one alert %q (detail %q)", c.rule, c.alertAt, got, c.text, c.detail)
			continue
		}
		if a := got[0]; a.Value != c.value || a.Threshold != c.alertAt || a.Rule.Unit() == "" {
			t.Errorf("%s: value %v threshold %v, want %v %v", c.rule, a.Value, a.Threshold, c.value, c.alertAt)
		}
		if want := map[bool]string{true: "", false: "sneaker-drop"}[c.rule == Memory || c.rule == ScriptP99]; got[0].Sale != want {
			t.Errorf("%s: sale %q, want %q", c.rule, got[0].Sale, want)
		}
		if got := Evaluate(only(c.rule, c.quietAt), in); len(got) != 0 {
			t.Errorf("%s at threshold %v: %+v, want none", c.rule, c.quietAt, got)
		}
		if got := Evaluate(only(c.rule, c.over), in); len(got) != 1 {
			t.Errorf("%s at threshold %v: %+v, want one", c.rule, c.over, got)
		}
		if got := Evaluate(only(c.rule, 0), in); len(got) != 0 {
			t.Errorf("%s off (0): %+v", c.rule, got)
		}
	}
	// All at once, server first, then the sale's in rule order.
	got := Evaluate(Thresholds{SellOut: time.Minute, HeadAge: time.Second, LeakRate: 1, ScriptP99: time.Millisecond, MemoryPct: 50}, fixtureInput())
	var order []string
	for _, a := range got {
		order = append(order, string(a.Rule))
	}
	if strings.Join(order, " ") != "memory script_p99 sellout head_age leak_rate" {
		t.Errorf("order %v", order)
	}
}

// The head age grows with the time since the snapshot.
func TestEvaluateHeadAgeAsOfNow(t *testing.T) {
	in := fixtureInput()
	in.Snap.Sales[0].QueueHeadAgeMs = i64(25_000)
	if got := Evaluate(only(HeadAge, 30), in); len(got) != 0 {
		t.Fatalf("25 s old: %+v", got)
	}
	in.Now = t0.Add(5 * time.Second)
	if got := Evaluate(only(HeadAge, 30), in); len(got) != 1 || got[0].Value != 30 {
		t.Fatalf("25 s + 5 s: %+v", got)
	}
}

// A value that is not known never alerts, whatever the threshold: it is
// never read as 0 (an ETA of 0, a head age of 0…).
func TestEvaluateUnknownNeverAlerts(t *testing.T) {
	all := Thresholds{SellOut: 99 * time.Hour, HeadAge: time.Millisecond, LeakRate: 0.001, ScriptP99: time.Nanosecond, MemoryPct: 0.001}
	for name, change := range map[string]func(*Input){
		"one read (no trend)": func(in *Input) { in.Trend = nil },
		"no stock key":        func(in *Input) { in.Snap.Sales[0].Inventory = nil },
		"sold out":            func(in *Input) { in.Snap.Sales[0].Inventory = i64(0) },
		"oversold":            func(in *Input) { in.Snap.Sales[0].Inventory = i64(-1) },
		"too little history": func(in *Input) {
			in.Trend.(trend).rates["sneaker-drop"] = salerate.Rate{OK: true, PerMin: 60, Span: 5 * time.Second, Decreases: 5}
		},
		"stalled":                      func(in *Input) { in.Trend.(trend).rates["sneaker-drop"] = salerate.Rate{OK: true, Span: time.Minute} },
		"no history":                   func(in *Input) { delete(in.Trend.(trend).rates, "sneaker-drop") },
		"empty queue":                  func(in *Input) { in.Snap.Sales[0].QueueHeadAgeMs = nil },
		"leaks not watched":            func(in *Input) { tr := in.Trend.(trend); tr.watched = false; in.Trend = tr },
		"no maxmemory":                 func(in *Input) { in.Snap.Server.Maxmemory = 0 },
		"latency not reported":         func(in *Input) { in.Snap.Server.ScriptLatencyUs = nil },
		"no script ran":                func(in *Input) { in.Snap.Server.ScriptLatencyUs = map[string]redisops.Percentiles{} },
		"INFO unreadable (both rules)": func(in *Input) { in.Snap.Unreadable = []redisops.Unreadable{{What: redisops.UnreadServer}} },
	} {
		in := fixtureInput()
		before := len(Evaluate(all, in))
		change(&in)
		got := Evaluate(all, in)
		lost := map[string]int{"one read (no trend)": 2, "INFO unreadable (both rules)": 2}[name]
		if lost == 0 {
			lost = 1
		}
		if before != 5 || len(got) != before-lost {
			t.Errorf("%s: %d alerts (of %d), want %d: %+v", name, len(got), before, before-lost, got)
		}
	}
	if got := Evaluate(all, Input{}); got != nil {
		t.Errorf("no snapshot: %+v", got)
	}
}

func TestThresholdsValidate(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Thresholds{}).Validate(); err != nil {
		t.Fatalf("all off: %v", err)
	}
	if err := (Thresholds{LeakRate: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "--alert-leak-rate") {
		t.Fatalf("negative leak rate: %v", err)
	}
}

// A sale id from Redis is escaped in the text, kept whole in Sale.
func TestEvaluateEscapesTheSaleInText(t *testing.T) {
	in := fixtureInput()
	in.Snap.Sales[0].ID = "evil\x1b[2J"
	got := Evaluate(only(HeadAge, 1), in)
	if len(got) != 1 || strings.Contains(got[0].Text, "\x1b") || got[0].Sale != "evil\x1b[2J" {
		t.Fatalf("%+v", got)
	}
}

// A set of alerts answers whether a rule is active for a sale (or the server).
func TestSetHas(t *testing.T) {
	now := SetOf([]Alert{{Rule: HeadAge, Sale: "a"}, {Rule: Memory}})
	if !now.Has(Memory, "") || now.Has(SellOut, "a") || Set(nil).Has(Memory, "") {
		t.Fatal("Has")
	}
}
