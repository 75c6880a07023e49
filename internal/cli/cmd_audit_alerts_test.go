package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// auditAlertsOut is the alerts of audit's JSON as a user's script reads them.
type auditAlertsOut struct {
	OK     bool   `json:"ok"`
	Status string `json:"status"`
	Alerts []struct {
		Rule      string  `json:"rule"`
		Sale      *string `json:"sale"`
		Value     float64 `json:"value"`
		Threshold float64 `json:"threshold"`
		Unit      string  `json:"unit"`
		Text      string  `json:"text"`
	} `json:"alerts"`
	Leaks []struct {
		Sale  string `json:"sale"`
		Units int64  `json:"units"`
	} `json:"leaks"`
}

// TestCLIAuditHeadAgeAlert: a queue whose head joined 60 s ago (by the
// server's clock) is an alert under --alert-head-age 30s: status "found",
// exit 1, listed in text and JSON; with the alert off (0) or a threshold
// above the age the audit is clean (exit 0, the JSON without "alerts").
func TestCLIAuditHeadAgeAlert(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	ctx := context.Background()
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	rdb.Set(ctx, "inventory:s1", "10", 0)
	rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: float64(now.UnixMilli() - 60_000), Member: "u1"})

	o := runCLI(t, env, "audit", "--alert-head-age", "30s")
	if o.code != 1 || !strings.HasPrefix(o.stdout, "found: 0 leaked holds (0 units) in 0 sales, 0 anomalies\nalert    head_age s1: queue head has waited 1m0") ||
		!strings.Contains(o.stdout, "(alert at 30s)\n") {
		t.Fatalf("text: %+v", o)
	}
	o = runCLI(t, env, "audit", "--alert-head-age", "30s", "--json")
	var a auditAlertsOut
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || a.OK || a.Status != "found" || len(a.Alerts) != 1 {
		t.Fatalf("json: %+v (%v)", o, err)
	}
	if al := a.Alerts[0]; al.Rule != "head_age" || al.Sale == nil || *al.Sale != "s1" || al.Value < 60 || al.Value > 90 ||
		al.Threshold != 30 || al.Unit != "s" || !strings.HasPrefix(al.Text, "s1: queue head has waited ") {
		t.Fatalf("alert %+v", al)
	}
	for _, th := range []string{"0", "2m"} {
		o := runCLI(t, env, "audit", "--alert-head-age", th)
		if o.code != 0 || o.stdout != "clean: 0 leaked holds (0 units) in 0 sales, 0 anomalies\n" {
			t.Errorf("--alert-head-age %s: %+v", th, o)
		}
		o = runCLI(t, env, "audit", "--alert-head-age", th, "--json")
		if o.code != 0 || strings.Contains(o.stdout, `"alerts"`) {
			t.Errorf("--alert-head-age %s --json: %+v", th, o)
		}
	}
	// The default (30s) alerts too: the thresholds are on unless set to 0.
	if o := runCLI(t, env, "audit"); o.code != 1 || !strings.Contains(o.stdout, "alert    head_age s1") {
		t.Errorf("default threshold: %+v", o)
	}
}

// TestCLIAuditWatchLeakRateAlert: 12 units lost to expired holds within a
// minute of watching pass --alert-leak-rate 10, and are the only alert;
// 8 more lost in a new watch do not pass 20.
func TestCLIAuditWatchLeakRateAlert(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	if o := runCLI(t, env, "inventory", "set", "--sale", "s1", "--qty", "20"); o.code != 0 {
		t.Fatal(o)
	}
	if o := runCLI(t, env, "reserve", "--sale", "s1", "--user", "u1", "--qty", "12", "--ttl", "2s"); o.code != 0 {
		t.Fatal(o)
	}
	o := runCLI(t, env, "audit", "--watch", "3s", "--interval", "250ms", "--alert-leak-rate", "10", "--json")
	var a auditAlertsOut
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || a.Status != "found" {
		t.Fatalf("watch: %+v (%v)", o, err)
	}
	var rules []string
	for _, al := range a.Alerts {
		rules = append(rules, al.Rule)
		if al.Rule == "leak_rate" && (al.Value != 12 || al.Threshold != 10 || al.Unit != "units/min" || *al.Sale != "s1" ||
			al.Text != "s1: 12 units lost to expired holds in the last minute (alert at 10/min)") {
			t.Errorf("leak alert %+v", al)
		}
	}
	if strings.Join(rules, " ") != "leak_rate" {
		t.Fatalf("alerts %v, want the leak rate's: %s", rules, o.stdout)
	}
	if o := runCLI(t, env, "reserve", "--sale", "s1", "--user", "u2", "--qty", "8", "--ttl", "2s"); o.code != 0 { // the 8 left: the 12 expired are lost
		t.Fatal(o)
	}
	// 8 units lost, at a threshold of 8: an alert (the rule is "N or
	// more", and the flag is used: the default 10 would not alert), with the
	// leak listed (unit tests cover under the threshold).
	o = runCLI(t, env, "audit", "--watch", "4s", "--interval", "250ms", "--alert-leak-rate", "8", "--json")
	a = auditAlertsOut{}
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || len(a.Alerts) != 1 || a.Alerts[0].Value != 8 ||
		len(a.Leaks) != 1 || a.Leaks[0].Units != 8 {
		t.Fatalf("at the threshold: %+v (%v)", o, err)
	}
}
