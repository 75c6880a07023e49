// Package alerts judges a snapshot against the operator's thresholds: a
// sale about to sell out, a queue head waiting too long, stock leaking
// through expired holds, slow scripts and memory near maxmemory. It knows no
// UI: the dashboard colours the cells of the active alerts, counts them in
// its header and may ring the bell on a new one; flashtop audit lists them
// and exits 1. Each rule has a threshold (Thresholds, Defaults; 0 turns it
// off), and a value that is not known (no ETA yet, an empty queue, no
// maxmemory, a server that does not report script latency, no leak watch)
// never alerts: it is never read as 0.
package alerts

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"flashtop/numfmt"
	"flashtop/redisops"
	"flashtop/salerate"
	"flashtop/textsafe"
)

// Rule names one alert rule (JSON "rule").
type Rule string

// The rules, in the order alerts are listed.
const (
	Memory    Rule = "memory"     // used memory at or over a share of maxmemory
	ScriptP99 Rule = "script_p99" // the slowest script command's p99 at or over a latency
	SellOut   Rule = "sellout"    // a sale's sell-out ETA under a duration
	HeadAge   Rule = "head_age"   // a queue head waiting at least a duration
	LeakRate  Rule = "leak_rate"  // units lost to expired holds in the last minute, at least a number
)

// rules are the rules in listing order.
var rules = []Rule{Memory, ScriptP99, SellOut, HeadAge, LeakRate}

// Unit is the unit of an alert's Value and Threshold (JSON "unit"): "s"
// for the durations of a sale, "us" for script latency, "units/min" for
// the leak rate and "%" (of maxmemory) for memory.
func (r Rule) Unit() string {
	switch r {
	case SellOut, HeadAge:
		return "s"
	case ScriptP99:
		return "us"
	case LeakRate:
		return "units/min"
	}
	return "%"
}

// Thresholds are the alert thresholds, one per rule; 0 turns a rule off.
type Thresholds struct {
	SellOut   time.Duration // a sale's sell-out ETA under this
	HeadAge   time.Duration // a queue's head has waited this long or longer
	LeakRate  float64       // this many units or more lost to expired holds in the last minute
	ScriptP99 time.Duration // the slowest script command's p99 (since the server started) this or more
	MemoryPct float64       // used memory this share of maxmemory (in %) or more; none without maxmemory
}

// Default thresholds (the README's flags table gives the same).
const (
	DefaultSellOut   = 2 * time.Minute
	DefaultHeadAge   = 30 * time.Second
	DefaultLeakRate  = 10
	DefaultScriptP99 = 5 * time.Millisecond
	DefaultMemoryPct = 90
)

// Defaults returns the default thresholds.
func Defaults() Thresholds {
	return Thresholds{SellOut: DefaultSellOut, HeadAge: DefaultHeadAge, LeakRate: DefaultLeakRate,
		ScriptP99: DefaultScriptP99, MemoryPct: DefaultMemoryPct}
}

// Validate reports a threshold below 0 (0 is "off").
func (t Thresholds) Validate() error {
	for _, c := range []struct {
		name string
		v    float64
	}{{"sellout", float64(t.SellOut)}, {"head-age", float64(t.HeadAge)}, {"leak-rate", t.LeakRate},
		{"script-p99", float64(t.ScriptP99)}, {"memory", t.MemoryPct}} {
		if c.v < 0 || math.IsNaN(c.v) || math.IsInf(c.v, 0) {
			return fmt.Errorf("alerts: --alert-%s: %v is not a threshold (0 turns the alert off)", c.name, c.v)
		}
	}
	return nil
}

// Alert is one active alert: the rule, the sale ("" for the server), the
// measured value and the threshold in the rule's Unit, and a sentence that
// says it ("sneaker-drop sells out in 42s (alert under 1m00s)"), its sale id
// already escaped for a terminal (textsafe). Detail is that sentence
// without its subject (the sale, or "server"): "sells out in 42s (alert
// under 1m00s)", for a list that names the sale in a column of its own.
type Alert struct {
	Rule      Rule
	Sale      string
	Value     float64
	Threshold float64
	Text      string
	Detail    string
}

// said gives a its sentence: subject (the escaped sale id, or "server"),
// sep, then detail.
func said(a Alert, subject, sep, detail string) (Alert, bool) {
	a.Detail, a.Text = detail, subject+sep+detail
	return a, true
}

// Key names an alert across evaluations: its rule and sale.
type Key struct {
	Rule Rule
	Sale string
}

// Key is a's key.
func (a Alert) Key() Key { return Key{a.Rule, a.Sale} }

// Set is the keys of a list of alerts.
type Set map[Key]bool

// SetOf returns the keys of as.
func SetOf(as []Alert) Set {
	s := make(Set, len(as))
	for _, a := range as {
		s[a.Key()] = true
	}
	return s
}

// Has reports whether rule is active for sale ("" for the server); a nil
// set has none.
func (s Set) Has(rule Rule, sale string) bool { return s[Key{rule, sale}] }

// Trend is what a run of snapshots says beyond one of them (a Monitor):
// each sale's selling rate, and the units it lost to expired holds in the
// last minute (false when leaks are not watched).
type Trend interface {
	Rate(sale string) salerate.Rate
	LeakedLastMinute(sale string) (float64, bool)
}

// Input is what Evaluate judges.
type Input struct {
	Snap *redisops.Snapshot // nil: nothing to judge
	// Now is when the head ages are judged: a queue head's age is its age at
	// Snap.TakenAt plus the time since (none when Now is zero or earlier).
	Now time.Time
	// Trend: nil for one read, whose sell-out ETAs and leak rates are not
	// known (those rules are not judged).
	Trend Trend
}

// Evaluate returns the active alerts of in under t: the server's first
// (memory, script p99), then by sale id, each sale's in the order sell-out,
// head age, leak rate. A rule whose threshold is 0, or whose value is not
// known, raises none.
func Evaluate(t Thresholds, in Input) []Alert {
	s := in.Snap
	if s == nil {
		return nil
	}
	var out []Alert
	add := func(a Alert, ok bool) {
		if ok {
			out = append(out, a)
		}
	}
	if !serverUnread(s) {
		add(memoryAlert(t, s.Server))
		add(scriptAlert(t, s.Server))
	}
	since := time.Duration(0)
	if !in.Now.IsZero() {
		since = max(in.Now.Sub(s.TakenAt), 0)
	}
	for _, sale := range s.Sales {
		if in.Trend != nil {
			add(sellOutAlert(t, sale, in.Trend.Rate(sale.ID)))
			add(leakAlert(t, sale.ID, in.Trend))
		}
		add(headAlert(t, sale, since))
	}
	slices.SortStableFunc(out, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(a.Sale, b.Sale), cmp.Compare(slices.Index(rules, a.Rule), slices.Index(rules, b.Rule)))
	})
	return out
}

// serverUnread reports whether s could not read INFO (its server figures
// are zeros that say nothing).
func serverUnread(s *redisops.Snapshot) bool {
	for _, u := range s.Unreadable {
		if u.What == redisops.UnreadServer {
			return true
		}
	}
	return false
}

// memoryAlert: used memory at or over MemoryPct of maxmemory (none when
// maxmemory is 0: no limit).
func memoryAlert(t Thresholds, s redisops.ServerStats) (Alert, bool) {
	if t.MemoryPct <= 0 || s.Maxmemory <= 0 {
		return Alert{}, false
	}
	pct := float64(s.UsedMemory) / float64(s.Maxmemory) * 100
	if pct < t.MemoryPct {
		return Alert{}, false
	}
	return said(Alert{Rule: Memory, Value: pct, Threshold: t.MemoryPct}, "server", " ",
		fmt.Sprintf("memory at %s%% of maxmemory (alert at %s%%)", fmtNum(pct, 1), fmtNum(t.MemoryPct, 1)))
}

// scriptAlert: the slowest script command's p99 at or over ScriptP99 (none
// when the server does not report latency, or no script ran).
func scriptAlert(t Thresholds, s redisops.ServerStats) (Alert, bool) {
	if t.ScriptP99 <= 0 || len(s.ScriptLatencyUs) == 0 {
		return Alert{}, false
	}
	cmds := slices.Sorted(maps.Keys(s.ScriptLatencyUs))
	worst := cmds[0]
	for _, c := range cmds[1:] {
		if s.ScriptLatencyUs[c].P99 > s.ScriptLatencyUs[worst].P99 {
			worst = c
		}
	}
	p99, limit := s.ScriptLatencyUs[worst].P99, float64(t.ScriptP99)/float64(time.Microsecond)
	if p99 < limit {
		return Alert{}, false
	}
	return said(Alert{Rule: ScriptP99, Value: p99, Threshold: limit}, "server", " ",
		fmt.Sprintf("%s p99 %s since start (alert at %s)", textsafe.Cut(worst, 20), fmtMicros(p99), fmtMicros(limit)))
}

// sellOutAlert: the sale's sell-out ETA under SellOut (none without an ETA:
// no stock key, sold out, too little history, stalled).
func sellOutAlert(t Thresholds, s redisops.SaleStats, r salerate.Rate) (Alert, bool) {
	if t.SellOut <= 0 {
		return Alert{}, false
	}
	eta, ok := r.SellOut(s.Inventory)
	if !ok || eta >= t.SellOut {
		return Alert{}, false
	}
	return said(Alert{Rule: SellOut, Sale: s.ID, Value: eta.Seconds(), Threshold: t.SellOut.Seconds()}, textsafe.String(s.ID), " ",
		fmt.Sprintf("sells out in %s (alert under %s)", numfmt.Duration(eta), numfmt.Duration(t.SellOut)))
}

// headAlert: the sale's queue head has waited HeadAge or longer (none for
// an empty queue).
func headAlert(t Thresholds, s redisops.SaleStats, since time.Duration) (Alert, bool) {
	if t.HeadAge <= 0 || s.QueueHeadAgeMs == nil {
		return Alert{}, false
	}
	age := time.Duration(*s.QueueHeadAgeMs)*time.Millisecond + since
	if age < t.HeadAge {
		return Alert{}, false
	}
	return said(Alert{Rule: HeadAge, Sale: s.ID, Value: age.Seconds(), Threshold: t.HeadAge.Seconds()}, textsafe.String(s.ID), ": ",
		fmt.Sprintf("queue head has waited %s (alert at %s)", numfmt.Duration(age), numfmt.Duration(t.HeadAge)))
}

// leakAlert: LeakRate units or more lost to expired holds in the last
// minute (none when leaks are not watched).
func leakAlert(t Thresholds, sale string, tr Trend) (Alert, bool) {
	if t.LeakRate <= 0 {
		return Alert{}, false
	}
	n, ok := tr.LeakedLastMinute(sale)
	if !ok || n < t.LeakRate {
		return Alert{}, false
	}
	return said(Alert{Rule: LeakRate, Sale: sale, Value: n, Threshold: t.LeakRate}, textsafe.String(sale), ": ",
		fmt.Sprintf("%s units lost to expired holds in the last minute (alert at %s/min)", fmtNum(n, 0), fmtNum(t.LeakRate, 1)))
}

// fmtMicros writes µs as "850µs", "5ms", "12.3ms", "1.2s".
func fmtMicros(us float64) string {
	switch {
	case us < 1000:
		return fmtNum(us, 0) + "µs"
	case us < 1_000_000:
		return fmtNum(us/1000, 1) + "ms"
	}
	return fmtNum(us/1_000_000, 2) + "s"
}

// fmtNum writes v with at most prec decimals, none when it is whole.
func fmtNum(v float64, prec int) string {
	return strconv.FormatFloat(math.Round(v*math.Pow10(prec))/math.Pow10(prec), 'f', -1, 64)
}
