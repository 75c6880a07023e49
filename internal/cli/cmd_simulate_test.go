package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

func TestSimulateDrivesBuyersThroughTheScripts(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	if o := runCLI(t, env, "inventory", "set", "--sale", "s1", "--qty", "500"); o.code != 0 {
		t.Fatalf("seed: %+v", o)
	}
	o := runCLI(t, env, "simulate", "--sale", "s1", "--rate", "40/s", "--duration", "3s", "--seed", "9", "--json")
	if o.code != 0 {
		t.Fatalf("simulate: %+v", o)
	}
	var got simJSON
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, o.stdout)
	}
	if !got.OK || got.Seed != 9 || got.Stats.Arrivals == 0 || got.Stats.Admitted == 0 || got.Stats.Reserved == 0 {
		t.Fatalf("simulate did too little: %+v", got)
	}
	if !strings.Contains(o.stderr, "simulate ") {
		t.Fatalf("no progress line on stderr: %q", o.stderr)
	}
	rdb := srv.Client(t)
	ctx := context.Background()
	stock, err := rdb.Get(ctx, "inventory:s1").Int64()
	if err != nil || stock >= 500 {
		t.Fatalf("stock after the run = %d, %v; want below 500", stock, err)
	}
	holds, _ := rdb.Keys(ctx, "reservation:sim0009-*:s1").Result() // test-only KEYS on a throwaway server
	if int64(len(holds)) == 0 {
		t.Fatal("no hold of a simulated buyer in Redis")
	}
	queued := rdb.ZCard(ctx, "queue:s1").Val()
	if got.Stats.Joined-got.Stats.Admitted-got.Stats.Left != queued {
		t.Fatalf("queue holds %d, but joined %d − admitted %d − left %d", queued, got.Stats.Joined, got.Stats.Admitted, got.Stats.Left)
	}
}

func TestSimulateRefusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate"}, "missing --sale"},
		{[]string{"simulate", "--sale", "s1", "--rate", "0"}, "--rate"},
		{[]string{"simulate", "--sale", "s1", "--rate", "fast"}, "--rate"},
		{[]string{"simulate", "--sale", "s1", "--duration", "10ms"}, "--duration"},
		{[]string{"simulate", "--sale", "s:1"}, "--sale"},
		{[]string{"simulate", "--sale", "s1", "--qty", "3"}, "--qty"},
		{[]string{"simulate", "--sale", "s1", "--redis-url", "redis://redis.flashtop.invalid:6379"}, "not sent: read-only"},
		{[]string{"simulate", "--sale", "s1", "--read-only"}, "not sent: read-only"},
	} {
		o := runCLI(t, nil, c.args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %s", c.args, o.code, o.stderr, c.want)
		}
	}
}

// TestSimulateStopsWhenTheServerDies: simulate runs until interrupted, but
// not against a dead server: kill -9 mid-run ends it within a few seconds
// (measured, logged, asserted under 5 s; it ran on, counting errors),
// exit 3, with the stats so far and why.
func TestSimulateStopsWhenTheServerDies(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	if o := runCLI(t, env, "inventory", "set", "--sale", "s1", "--qty", "500"); o.code != 0 {
		t.Fatalf("seed: %+v", o)
	}
	done := make(chan outcome, 1)
	go func() { done <- runCLI(t, env, "simulate", "--sale", "s1", "--rate", "40/s", "--seed", "9", "--json") }()
	rdb := srv.Client(t)
	for deadline := time.Now().Add(30 * time.Second); rdb.ZCard(context.Background(), "queue:s1").Val() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("simulate never queued a buyer")
		}
	}
	killed := time.Now()
	srv.Kill()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(guard):
		t.Fatalf("simulate did not stop within %s of the server dying", guard)
	}
	took := time.Since(killed)
	waitRedialerGone(t)
	t.Logf("simulate stopped %s after kill -9", took.Round(time.Millisecond))
	var got simJSON
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil || o.code != exitRedis || got.OK || got.Status != "stopped" || got.Stats.Joined == 0 {
		t.Fatalf("exit %d, stdout %q (%v)", o.code, o.stdout, err)
	}
	if want := "flashtop: simulate: stopped: cannot reach Redis at " + srv.URL() + ": "; !strings.Contains(o.stderr, want) {
		t.Errorf("stderr %q, want %q", o.stderr, want)
	}
	if took > 5*time.Second {
		t.Errorf("simulate stopped %s after the server died", took)
	}
}
