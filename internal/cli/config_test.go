package cli

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"flashtop/alerts"
	"flashtop/redisops"
)

// envOf builds a getenv over a map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseFlagsDefaults(t *testing.T) {
	c, err := parseFlags(nil, envOf(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Command != "" || c.Help {
		t.Errorf("command %q help %v, want the dashboard", c.Command, c.Help)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"RedisURL", c.RedisURL, "redis://localhost:6379/0"},
		{"MaxQueue", c.MaxQueue, int64(10000)},
		{"Interval", c.Interval, time.Second},
		{"ScanBudget", c.ScanBudget, 10 * time.Millisecond},
		{"Timeout", c.Timeout, 2 * time.Second},
		{"Qty", c.Qty, int64(1)},
		{"TTL", c.TTL, 300 * time.Second},
		{"Count", c.Count, int64(10)},
		{"Max", c.Max == nil, true},
		{"InventoryKey", c.InventoryKey, "inventory:{sale}"},
		{"QueueKey", c.QueueKey, "queue:{sale}"},
		{"ReservationKey", c.ReservationKey, "reservation:{user}:{sale}"},
		{"SessionKey", c.SessionKey, "session:{user}"},
		{"StockKey", c.Schema.StockKey("s1"), "inventory:s1"},
		{"HoldKey", c.Schema.HoldKey("u1", "s1"), "reservation:u1:s1"},
		{"flags off", c.Cluster || c.ReadOnly || c.AllowWrites || c.JSON || c.Demo || c.TLSInsecure || c.SeedSet || c.Bell, false},
		{"Alerts", c.Alerts, alerts.Thresholds{SellOut: 2 * time.Minute, HeadAge: 30 * time.Second, LeakRate: 10,
			ScriptP99: 5 * time.Millisecond, MemoryPct: 90}},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestParseFlagsEveryGlobalFlag(t *testing.T) {
	var stderr bytes.Buffer
	args := []string{"--redis-url", "rediss://db.example:6380/2", "--username", "ops",
		"--password", "pw", "--sentinel-master", "mymaster", "--tls-ca", "ca.pem", "--tls-cert", "c.pem",
		"--tls-key", "k.pem", "--tls-insecure", "--sale", "s1", "--sale", "s,2",
		"--inventory-key", "stock:{sale}", "--queue-key", "q:{sale}", "--reservation-key", "hold:{user}:{sale}",
		"--session-key", "sess:{user}", "--max-queue", "50", "--interval", "250ms", "--scan-budget", "5ms",
		"--timeout", "3s", "--read-only", "--allow-writes", "--json", "--record", "rec.jsonl",
		"--debug", "debug.log", "--seed", "-42", "--alert-sellout", "90s", "--alert-head-age", "0",
		"--alert-leak-rate", "2.5", "--alert-script-p99", "1ms", "--alert-memory", "80%", "--bell"}
	c, err := parseFlags(args, envOf(nil), &stderr)
	if err != nil {
		t.Fatal(err)
	}
	want := config{RedisURL: "rediss://db.example:6380/2", Username: "ops",
		Password: "pw", SentinelMaster: "mymaster", TLSCA: "ca.pem", TLSCert: "c.pem", TLSKey: "k.pem",
		TLSInsecure: true, InventoryKey: "stock:{sale}", QueueKey: "q:{sale}", ReservationKey: "hold:{user}:{sale}",
		SessionKey: "sess:{user}", MaxQueue: 50, Interval: 250 * time.Millisecond, ScanBudget: 5 * time.Millisecond,
		Timeout: 3 * time.Second, ReadOnly: true, AllowWrites: true, JSON: true, Record: "rec.jsonl",
		Debug: "debug.log", Seed: -42, SeedSet: true, Qty: 1, TTL: 300 * time.Second, Count: 10,
		Alerts: alerts.Thresholds{SellOut: 90 * time.Second, LeakRate: 2.5, ScriptP99: time.Millisecond, MemoryPct: 80}, Bell: true}
	got := c
	got.Sales, got.Schema = nil, redisops.Schema{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config\n got %+v\nwant %+v", got, want)
	}
	if strings.Join(c.Sales, "|") != "s1|s,2" {
		t.Errorf("sales %q, want [s1 s,2] (no comma splitting)", c.Sales)
	}
	if c.Schema.HoldKey("u", "s") != "hold:u:s" || c.Schema.SessionKey("u") != "sess:u" {
		t.Errorf("schema not built from the templates: %q %q", c.Schema.HoldKey("u", "s"), c.Schema.SessionKey("u"))
	}
	if !strings.Contains(stderr.String(), "--tls-insecure") {
		t.Errorf("no --tls-insecure warning on stderr: %q", stderr.String())
	}
}

func TestParseFlagsCluster(t *testing.T) {
	c, err := parseFlags([]string{"--cluster", "--inventory-key", "inventory:{{sale}}",
		"--reservation-key", "reservation:{user}:{{sale}}", "ping"}, envOf(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Cluster || c.Schema.StockKey("s1") != "inventory:{s1}" {
		t.Errorf("cluster %v, stock key %q", c.Cluster, c.Schema.StockKey("s1"))
	}
}

func TestParseFlagsCommandFlags(t *testing.T) {
	ten := int64(10)
	tests := []struct {
		args []string
		name string
		qty  int64
		ttl  time.Duration
		max  *int64
		cnt  int64
	}{
		{[]string{"reserve", "--sale", "s1", "--user", "u1"}, "reserve", 1, 300 * time.Second, nil, 10},
		{[]string{"reserve", "--sale", "s1", "--user", "u1", "--qty", "1000000", "--ttl", "30d"}, "reserve", 1000000, 30 * 24 * time.Hour, nil, 10},
		{[]string{"reserve", "--sale=s1", "--user=u1", "--qty=2", "--ttl=90"}, "reserve", 2, 90 * time.Second, nil, 10},
		{[]string{"release", "--sale", "s1", "--user", "u1", "--max", "10"}, "release", 1, 300 * time.Second, &ten, 10},
		{[]string{"inventory", "set", "--sale", "s1", "--qty", "0"}, "inventory set", 0, 300 * time.Second, nil, 10},
		{[]string{"inventory", "restock", "--sale", "s1", "--qty", "5", "--max", "10"}, "inventory restock", 5, 300 * time.Second, &ten, 10},
		{[]string{"inventory", "get", "--sale", "s1"}, "inventory get", 1, 300 * time.Second, nil, 10},
		{[]string{"queue", "admit", "--sale", "s1", "--count", "10000"}, "queue admit", 1, 300 * time.Second, nil, 10000},
		{[]string{"queue", "position", "--sale", "s1", "--user", "ü-☃"}, "queue position", 1, 300 * time.Second, nil, 10},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			c, err := parseFlags(tt.args, envOf(nil), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if c.name() != tt.name || c.Qty != tt.qty || c.TTL != tt.ttl || c.Count != tt.cnt {
				t.Errorf("got %q qty %d ttl %s count %d", c.name(), c.Qty, c.TTL, c.Count)
			}
			if (c.Max == nil) != (tt.max == nil) || (c.Max != nil && *c.Max != *tt.max) {
				t.Errorf("max %v, want %v", c.Max, tt.max)
			}
		})
	}
}

func TestParseFlagsEnv(t *testing.T) {
	env := envOf(map[string]string{envURL: "redis://envhost:1/0", envPassword: "envpw", envMaxQueue: "77"})
	c, err := parseFlags([]string{"ping"}, env, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != "redis://envhost:1/0" || c.Password != "envpw" || c.MaxQueue != 77 {
		t.Errorf("env fallbacks not used: %q %q %d", c.RedisURL, c.Password, c.MaxQueue)
	}
	c, err = parseFlags([]string{"ping", "--redis-url", "redis://flaghost:2/0", "--password", "flagpw",
		"--max-queue", "88"}, env, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != "redis://flaghost:2/0" || c.Password != "flagpw" || c.MaxQueue != 88 {
		t.Errorf("flags must beat env: %q %q %d", c.RedisURL, c.Password, c.MaxQueue)
	}
	_, err = parseFlags([]string{"ping"}, envOf(map[string]string{envMaxQueue: "lots"}), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), envMaxQueue) {
		t.Errorf("bad %s: error %v should name it", envMaxQueue, err)
	}
}

func TestParseFlagsGlobalFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--redis-url", "redis://x:1/0", "reserve", "--sale", "s", "--user", "u"},
		{"reserve", "--sale", "s", "--user", "u", "--redis-url", "redis://x:1/0"},
		{"reserve", "--redis-url=redis://x:1/0", "--sale", "s", "--user", "u"},
	} {
		c, err := parseFlags(args, envOf(nil), &bytes.Buffer{})
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if c.Command != "reserve" || c.RedisURL != "redis://x:1/0" || c.sale() != "s" || c.User != "u" {
			t.Errorf("%q: got %q %q %q %q", args, c.Command, c.RedisURL, c.sale(), c.User)
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	tests := []struct {
		args  []string
		topic string
	}{
		{[]string{"help"}, ""},
		{[]string{"--help"}, ""},
		{[]string{"-h"}, ""},
		{[]string{"help", "reserve"}, "reserve"},
		{[]string{"reserve", "--help"}, "reserve"},
		{[]string{"reserve", "--help", "--qty", "0"}, "reserve"},
		{[]string{"queue", "--help"}, "queue"},
		{[]string{"help", "queue", "admit"}, "queue admit"},
		{[]string{"inventory", "set", "-h"}, "inventory set"},
	}
	for _, tt := range tests {
		c, err := parseFlags(tt.args, envOf(nil), &bytes.Buffer{})
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !c.Help || c.Topic != tt.topic {
			t.Errorf("%q: help %v topic %q, want topic %q", tt.args, c.Help, c.Topic, tt.topic)
		}
		var out bytes.Buffer
		if err := printHelp(&out, c.Topic); err != nil || !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%q: help printed %q, error %v", tt.args, out.String(), err)
		}
	}
}

// badArgs are invalid command lines, each with the text its error must name.
// They are shared with the end-to-end test that proves nothing is sent.
func badArgs() []struct {
	args []string
	want string
} {
	r := func(extra ...string) []string {
		return append([]string{"reserve", "--sale", "s1", "--user", "u1"}, extra...)
	}
	return []struct {
		args []string
		want string
	}{
		{r("--qty", "0"), "--qty: must be from 1 to 1000000 (got 0)"},
		{[]string{"audit", "--alert-head-age", "-30s"}, "--alert-head-age: must be a duration like 30s, from 0 (off) to 24h (got \"-30s\")"},
		{[]string{"audit", "--alert-sellout", "soon"}, "--alert-sellout"},
		{[]string{"audit", "--alert-script-p99", "5"}, "--alert-script-p99"}, // a duration needs its unit
		{[]string{"audit", "--alert-leak-rate", "-1"}, "--alert-leak-rate"},
		{[]string{"audit", "--alert-leak-rate", "NaN"}, "--alert-leak-rate"},
		{[]string{"audit", "--alert-memory", "101"}, "--alert-memory"},
		{[]string{"audit", "--alert-memory", "lots"}, "--alert-memory"},
		{r("--qty", "-1"), "--qty"},
		{r("--qty", "1.5"), "--qty"},
		{r("--qty", "abc"), "--qty"},
		{r("--qty", "1000001"), "--qty"},
		{r("--qty", ""), "--qty"},
		{r("--ttl", "0"), "--ttl"},
		{r("--ttl", "31d"), "--ttl"},
		{r("--ttl", "500ms"), "--ttl"},
		{r("--ttl", "x"), "--ttl"},
		{[]string{"reserve", "--sale", "s:1", "--user", "u1"}, "--sale"},
		{[]string{"reserve", "--sale", "s1", "--user", "u{1"}, "--user"},
		{[]string{"reserve", "--sale", "s}1", "--user", "u1"}, "--sale"},
		{[]string{"reserve", "--sale", "", "--user", "u1"}, "--sale"},
		{[]string{"reserve", "--sale", "s1", "--user", ""}, "--user"},
		{[]string{"reserve", "--sale", "s1", "--user", strings.Repeat("u", 513)}, "--user"},
		{[]string{"reserve", "--sale", "s1", "--user", "u\x1b[2J"}, "--user"},
		{[]string{"queue", "admit", "--sale", "s1", "--count", "0"}, "--count"},
		{[]string{"queue", "admit", "--sale", "s1", "--count", "10001"}, "--count"},
		{[]string{"release", "--sale", "s1", "--user", "u1", "--max", "-1"}, "--max"},
		{[]string{"inventory", "restock", "--sale", "s1", "--qty", "1", "--max", "x"}, "--max"},
		{[]string{"inventory", "set", "--sale", "s1", "--qty", "-1"}, "--qty"},
		{[]string{"inventory", "set", "--sale", "s1"}, "--qty"},
		{[]string{"inventory", "take", "--sale", "s1"}, "--qty"},
		{[]string{"reserve", "--user", "u1"}, "--sale"},
		{[]string{"reserve", "--sale", "s1"}, "--user"},
		{[]string{"queue", "join", "--sale", "s1"}, "--user"},
		{[]string{"reserve", "--sale", "s1", "--sale", "s2", "--user", "u1"}, "--sale"},
		{[]string{"inventory", "get", "--sale", "s1", "--qty", "3"}, "--qty"},
		{[]string{"queue", "length", "--sale", "s1", "--user", "u1"}, "--user"},
		{r("--bogus"), "--bogus"},
		{r("--qty"), "--qty"},
		{[]string{"frobnicate"}, "frobnicate"},
		{[]string{"inventory", "steal", "--sale", "s1"}, "steal"},
		{[]string{"queue"}, "queue"},
		{[]string{"ping", "extra"}, "extra"},
		{r("--inventory-key", "inventory"), "--inventory-key"},
		{r("--reservation-key", "reservation:{sale}"), "--reservation-key"},
		{r("--queue-key", "queue:{x}"), "--queue-key"},
		{r("--interval", "10ms"), "--interval"},
		{r("--interval", "soon"), "--interval"},
		{r("--timeout", "0s"), "--timeout"},
		{r("--scan-budget", "1h"), "--scan-budget"},
		{r("--max-queue", "0"), "--max-queue"},
		{r("--seed", "x"), "--seed"},
		{r("--redis-url", "http://localhost"), "--redis-url"},
		{r("--json=maybe"), "--json"},
		{r("--cluster"), "--cluster"},
		{r("--tls-insecure"), "--tls-"},
		{r("--demo"), "--demo"},
		{[]string{"audit", "--watch", "500ms"}, "--watch"},
		{[]string{"replay"}, "replay needs one FILE"},
		{[]string{"reclaim"}, "reclaim: missing --sale"},
		{r("--include-unverified"), "--include-unverified: not used by 'reserve'"},
		{[]string{"release", "--sale", "s1", "--user", "u1", "--yes"}, "--yes: not used by 'release'"},
		{[]string{"reclaim", "--include-unverified", "--yes"}, "reclaim: missing --sale"},
		{[]string{"reclaim", "--sale", "s1", "--include-unverified=maybe"}, "--include-unverified"},
		{[]string{"simulate"}, "simulate: missing --sale"},
		{[]string{"snapshot", "--record", "rec.jsonl"}, "--record"},
		{[]string{"replay", "rec.jsonl", "--record", "out.jsonl"}, "--record"},
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, tt := range badArgs() {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := parseFlags(tt.args, envOf(nil), &bytes.Buffer{})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, errUsage) {
				t.Errorf("error %v is not a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
}

// TestUsageFromInputError: an input error of redisops is named by its flag
// (redisops names the field, the command line the flag); a name the command
// line gave a parser itself stays as it is.
func TestUsageFromInputError(t *testing.T) {
	for _, tc := range []struct {
		field redisops.Field
		want  string
	}{
		{redisops.FieldSale, "--sale: must not be empty"},
		{redisops.FieldCount, "--count: must not be empty"},
		{"--hold-limit", "--hold-limit: must not be empty"},
		{envMaxQueue, envMaxQueue + ": must not be empty"},
	} {
		err := usageFrom("", &redisops.InputError{Field: tc.field, Problem: "must not be empty"})
		if err.Error() != tc.want || !errors.Is(err, errUsage) || !errors.Is(err, redisops.ErrInput) {
			t.Errorf("%s: %q, want %q (a usage error wrapping ErrInput)", tc.field, err, tc.want)
		}
	}
}
