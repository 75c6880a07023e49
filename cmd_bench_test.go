package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

func TestBenchJSONAccounting(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	o := runCLI(t, env, "bench", "--sale", "bj", "--stock", "120", "--buyers", "30", "--attempts", "400", "--qty", "2", "--json")
	if o.code != exitOK {
		t.Fatalf("exit %d: %s %s", o.code, o.stdout, o.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatalf("%v: %q", err, o.stdout)
	}
	for field, want := range map[string]any{"ok": true, "status": "benched", "attempts": 400.0, "reserved": 60.0,
		"reserved_units": 120.0, "oversold": 0.0, "stock_left": 0.0, "buyers": 30.0, "unaccounted": 0.0} {
		if got[field] != want {
			t.Errorf("%s = %v, want %v", field, got[field], want)
		}
	}
	refused, _ := got["refused"].(map[string]any)
	if len(refused) != 1 || refused["insufficient_stock"] != 340.0 {
		t.Errorf("refused %v, want insufficient_stock 340 only", got["refused"])
	}
	for _, f := range []string{"ops_per_sec", "p50_us", "p99_us"} {
		if v, ok := got[f].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want > 0", f, got[f])
		}
	}
	rdb := srv.Client(t)
	if v := rdb.Get(context.Background(), "inventory:bj").Val(); v != "0" {
		t.Errorf("stock %q, want 0", v)
	}
	keys, _ := rdb.Keys(context.Background(), "reservation:*:bj").Result()
	if len(keys) != 60 {
		t.Errorf("%d holds in Redis, want 60", len(keys))
	}
}

func TestBenchRefusesExistingSaleUnlessForce(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	rdb.Set(context.Background(), "inventory:live", "5", 0)
	o := runCLI(t, env, "bench", "--sale", "live", "--stock", "10", "--attempts", "20")
	if o.code != exitRefused || !strings.Contains(o.stderr, "inventory:live") || !strings.Contains(o.stderr, "--force") {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
	if v := rdb.Get(context.Background(), "inventory:live").Val(); v != "5" {
		t.Fatalf("refused bench changed the stock to %q", v)
	}
	o = runCLI(t, env, "bench", "--sale", "live", "--stock", "10", "--attempts", "20", "--json")
	if o.code != exitRefused || !strings.Contains(o.stdout, `"status":"sale_exists"`) {
		t.Fatalf("--json: exit %d, stdout %q", o.code, o.stdout)
	}
	o = runCLI(t, env, "bench", "--sale", "live", "--stock", "10", "--attempts", "20", "--force")
	if o.code != exitOK || !strings.Contains(o.stdout, "reserved        10 attempts, 10 units held") ||
		!strings.Contains(o.stdout, "insufficient_stock 10") || !strings.Contains(o.stdout, "oversold        0") {
		t.Fatalf("--force: exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
}

func TestBenchUsage(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--sale", "b", "--attempts", "5"}, "missing --stock"},
		{[]string{"bench", "--sale", "b", "--stock", "5"}, "missing --attempts"},
		{[]string{"bench", "--stock", "5", "--attempts", "5"}, "missing --sale"},
		{[]string{"bench", "--sale", "b", "--stock", "-1", "--attempts", "5"}, "--stock"},
		{[]string{"bench", "--sale", "b", "--stock", "x", "--attempts", "5"}, "--stock"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "0"}, "--attempts"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "5", "--buyers", "0"}, "--buyers"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "5", "--buyers", "10001"}, "--buyers"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "5", "--qty", "0"}, "--qty"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "5", "--user", "u"}, "--user: not used by 'bench'"},
		{[]string{"reserve", "--sale", "b", "--user", "u", "--force"}, "--force: not used by 'reserve'"},
		{[]string{"bench", "--sale", "b", "--stock", "5", "--attempts", "5", "--read-only"}, "not sent"},
	} {
		o := runCLI(t, env, tc.args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, o.code, o.stderr, tc.want)
		}
	}
	if n := srv.Client(t).DBSize(context.Background()).Val(); n != 0 {
		t.Fatalf("refused commands wrote %d keys", n)
	}
}

// TestBenchRespectsArming: a remote host needs --allow-writes; the name is
// under .invalid, so the refusal comes before any connection.
func TestBenchRespectsArming(t *testing.T) {
	o := runCLI(t, nil, "bench", "--redis-url", "redis://redis.flashtop.invalid:6379", "--sale", "b", "--stock", "5", "--attempts", "5")
	if o.code != exitUsage || !strings.Contains(o.stderr, "--allow-writes") {
		t.Fatalf("exit %d, stderr %q", o.code, o.stderr)
	}
}
