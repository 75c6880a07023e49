package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// auditOut is the audit's JSON as a user's script reads it.
type auditOut struct {
	OK     bool   `json:"ok"`
	Status string `json:"status"`
	Ledger string `json:"ledger"`
	Leaks  []struct {
		Sale            string `json:"sale"`
		Holds           int64  `json:"holds"`
		Units           int64  `json:"units"`
		UnverifiedHolds int64  `json:"unverified_holds"`
	} `json:"leaks"`
	Feed *struct {
		State string `json:"state"`
	} `json:"feed"`
	HoldOutcomes []struct {
		Sale         string   `json:"sale"`
		Converted    int64    `json:"converted"`
		Expired      int64    `json:"expired"`
		ConvertedPct *float64 `json:"converted_pct"`
	} `json:"hold_outcomes"`
	Anomalies []struct {
		Kind string `json:"kind"`
		Key  string `json:"key"`
	} `json:"anomalies"`
}

func TestCLIAuditExitCodes(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	if o := runCLI(t, env, "audit"); o.code != 0 || o.stdout != "clean: 0 leaked holds (0 units) in 0 sales, 0 anomalies\n" {
		t.Fatalf("clean: %+v", o)
	}
	if o := runCLI(t, env, "audit", "--json"); o.code != 0 || o.stdout != `{"ok":true,"status":"clean","watched_ms":0,"leaks":[],"anomalies":[]}`+"\n" {
		t.Fatalf("clean json: %+v", o)
	}
	rdb.HSet(ctx, "reservation:u1:s1", "quantity", "2", "reserved_at", "1800000000") // no TTL
	o := runCLI(t, env, "audit", "--json")
	var a auditOut
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || a.OK || a.Status != "found" ||
		len(a.Anomalies) != 1 || a.Anomalies[0].Kind != "hold_without_ttl" || len(a.Leaks) != 0 {
		t.Fatalf("anomaly: %+v (%v)", o, err)
	}
	if o := runCLI(t, env, "audit"); o.code != 1 || !strings.Contains(o.stdout, "anomaly  hold_without_ttl reservation:u1:s1") {
		t.Fatalf("anomaly text: %+v", o)
	}
	port, err := redistest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	down := map[string]string{envURL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
	for _, args := range [][]string{{"audit"}, {"audit", "--watch", "2s"}} {
		if o := runCLI(t, down, args...); o.code != 3 || !strings.Contains(o.stderr, "cannot reach Redis") {
			t.Errorf("%q unreachable: %+v", args, o)
		}
	}
	if o := runCLI(t, env, "audit", "--watch", "soon"); o.code != 2 {
		t.Errorf("bad --watch: %+v", o)
	}
}

// TestCLIAuditWatchReportsLeaksThenReclaim is the walk-through: holds
// that expire while audit --watch runs are reported per sale and recorded in
// the ledger, which reclaim then gives back exactly once.
func TestCLIAuditWatchReportsLeaksThenReclaim(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	ctx := context.Background()
	if o := runCLI(t, env, "inventory", "set", "--sale", "s1", "--qty", "10"); o.code != 0 {
		t.Fatal(o)
	}
	if o := runCLI(t, env, "reserve", "--sale", "s1", "--user", "u1", "--qty", "3", "--ttl", "2s"); o.code != 0 {
		t.Fatal(o)
	}
	exp := time.Now().Add(300 * time.Second).UnixMilli()
	rdb.Set(ctx, "reservation:u2:s1", fmt.Sprintf(`{"saleId":"s1","userId":"u2","quantity":2,"expiresAt":%d}`, exp), 2*time.Second)
	rdb.DecrBy(ctx, "inventory:s1", 2) // the order path took its stock too
	o := runCLI(t, env, "audit", "--watch", "4s", "--interval", "250ms", "--json")
	var a auditOut
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != 1 || a.Ledger != "redis" ||
		len(a.Leaks) != 1 || a.Leaks[0].Sale != "s1" || a.Leaks[0].Holds != 2 || a.Leaks[0].Units != 5 {
		t.Fatalf("audit --watch: %+v (%v)", o, err)
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "5" {
		t.Fatalf("stock %s after the expiries, want 5 (the backend gives nothing back)", v)
	}
	// Which of the 5 units are verified is the tracker's call (tested with
	// it): reclaim gives back that part, then --include-unverified the rest.
	verified, unverified := ledgerSplit(t, srv.URL(), "s1")
	if verified+unverified != 5 {
		t.Fatalf("ledger holds %d verified and %d unverified units, want 5 in all", verified, unverified)
	}
	for _, step := range []struct {
		args  []string
		units int64
		text  string
	}{
		{[]string{"reclaim", "--sale", "s1"}, verified, fmt.Sprintf("reclaimed: %d verified leaked units", verified)},
		{[]string{"reclaim", "--sale", "s1", "--include-unverified", "--yes"}, unverified, fmt.Sprintf("reclaimed: %d leaked units", unverified)},
		{[]string{"reclaim", "--sale", "s1", "--include-unverified", "--yes"}, 0, ""},
	} {
		o := runCLI(t, env, step.args...)
		if step.units == 0 && (o.code != 1 || !strings.HasPrefix(o.stdout, "nothing_to_reclaim")) ||
			step.units > 0 && (o.code != 0 || !strings.HasPrefix(o.stdout, step.text)) {
			t.Fatalf("%q: %+v; want %d units back", step.args, o, step.units)
		}
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "10" {
		t.Fatalf("stock %s after reclaim, want 10", v)
	}
	// After the sale, a quiet watch is clean.
	if o := runCLI(t, env, "audit", "--watch", "1s"); o.code != 0 || !strings.HasPrefix(o.stdout, "clean: 0 leaked holds (0 units) in 0 sales, 0 anomalies (watched") {
		t.Fatalf("quiet watch: %+v", o)
	}
}

// ledgerSplit reads a sale's ledger totals: the verified and the unverified
// units not reclaimed yet.
func ledgerSplit(t *testing.T, url, sale string) (verified, unverified int64) {
	t.Helper()
	c, err := redisops.New(redisops.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tot, err := c.LedgerTotals(context.Background(), []string{sale})
	if err != nil {
		t.Fatal(err)
	}
	return tot[sale].Units - tot[sale].UnverifiedUnits, tot[sale].UnverifiedUnits
}
