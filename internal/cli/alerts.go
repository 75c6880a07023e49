package cli

import (
	"math"
	"strconv"
	"strings"
	"time"

	"flashtop/alerts"
	"flashtop/redisops"
)

// The alert flags (global: the dashboard and audit read them; package
// flashtop/alerts judges them). Each threshold 0 turns its alert off.
const (
	maxAlertWait   = 24 * time.Hour   // --alert-sellout, --alert-head-age
	maxAlertScript = 10 * time.Second // --alert-script-p99
	maxAlertLeak   = 1e9              // --alert-leak-rate, units a minute
)

// declareAlerts declares the alert thresholds and --bell, each with its
// default.
func declareAlerts(d declarer, c *config, r *rawFlags) {
	d.str(&r.alertSellOut, "alert-sellout", "D", flagDuration(alerts.DefaultSellOut),
		"alert when a sale's sell-out ETA is under D (the dashboard; audit --watch); 0: off")
	d.str(&r.alertHeadAge, "alert-head-age", "D", flagDuration(alerts.DefaultHeadAge),
		"alert when a queue's head has waited D or longer (the dashboard and audit); 0: off")
	d.str(&r.alertLeakRate, "alert-leak-rate", "N", strconv.Itoa(alerts.DefaultLeakRate),
		"alert when a sale lost N units or more to expired holds in the last minute (the\n"+
			"dashboard's leak watch; audit --watch); 0: off")
	d.str(&r.alertScriptP99, "alert-script-p99", "D", flagDuration(alerts.DefaultScriptP99),
		"alert when the slowest script command's p99 (EVAL, EVALSHA, FCALL; INFO latencystats,\n"+
			"since the server started) is D or more (the dashboard and audit); 0: off")
	d.str(&r.alertMemory, "alert-memory", "PCT", strconv.Itoa(alerts.DefaultMemoryPct),
		"alert when used memory is PCT% of maxmemory or more (never without maxmemory: no limit;\n"+
			"the dashboard and audit); 0: off")
	d.boolean(&c.Bell, "bell", "the dashboard: ring the terminal bell once per newly raised alert (off by default)")
}

// parseAlerts checks the alert thresholds: durations from 0, percentages 0
// to 100, a leak rate from 0.
func parseAlerts(r rawFlags) (alerts.Thresholds, error) {
	var t alerts.Thresholds
	var err error
	if t.SellOut, err = alertDuration("--alert-sellout", r.alertSellOut, maxAlertWait); err != nil {
		return t, err
	}
	if t.HeadAge, err = alertDuration("--alert-head-age", r.alertHeadAge, maxAlertWait); err != nil {
		return t, err
	}
	if t.ScriptP99, err = alertDuration("--alert-script-p99", r.alertScriptP99, maxAlertScript); err != nil {
		return t, err
	}
	if t.LeakRate, err = alertNumber("--alert-leak-rate", r.alertLeakRate, "units a minute", maxAlertLeak); err != nil {
		return t, err
	}
	if t.MemoryPct, err = alertNumber("--alert-memory", strings.TrimSuffix(r.alertMemory, "%"), "a percentage of maxmemory", 100); err != nil {
		return t, err
	}
	return t, nil
}

// alertDuration parses a threshold duration, 0 (off) to hi; a bare 0 is
// off too.
func alertDuration(flag, s string, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 || d > hi {
		return 0, usagef("%s: must be a duration like 30s, from 0 (off) to %s (got %q)", flag, flagDuration(hi), s)
	}
	return d, nil
}

// alertNumber parses a threshold number, 0 (off) to hi.
func alertNumber(flag, s, what string, hi float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > hi {
		return 0, usagef("%s: must be %s, from 0 (off) to %s (got %q)", flag, what, strconv.FormatFloat(hi, 'f', -1, 64), s)
	}
	return v, nil
}

// flagDuration writes a default as it is typed: 2m, 30s, 5ms.
func flagDuration(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	if d >= time.Minute && d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// auditAlert is one active alert: its rule, its sale (null for the
// server's), the value measured and the threshold, both in unit, and the
// sentence that says it.
type auditAlert struct {
	Rule      alerts.Rule          `json:"rule"`
	Sale      *redisops.ByteString `json:"sale"` // lossless (redisops/jsonbytes.go)
	Value     float64              `json:"value"`
	Threshold float64              `json:"threshold"`
	Unit      string               `json:"unit"`
	Text      string               `json:"text"`
}

// auditAlerts converts the active alerts for the audit's output.
func auditAlerts(as []alerts.Alert) []auditAlert {
	var out []auditAlert
	for _, a := range as {
		j := auditAlert{Rule: a.Rule, Value: a.Value, Threshold: a.Threshold, Unit: a.Rule.Unit(), Text: a.Text}
		if a.Sale != "" {
			sale := redisops.ByteString(a.Sale)
			j.Sale = &sale
		}
		out = append(out, j)
	}
	return out
}
