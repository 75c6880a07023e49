package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

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

// waitRedialerGone waits until go-redis's background redialer of a pool
// whose dials all failed has seen its pool closed (it sleeps a second
// between tries), so that the leak check at the end finds it gone.
func waitRedialerGone(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		if !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "(*ConnPool).tryDial") {
			return
		}
	}
	t.Fatal("go-redis's redialer outlived its closed pool")
}

// TestBenchStopsWithAPartialReportWhenTheServerDies: kill -9 of the server
// mid-run ends bench within a few seconds (measured, logged, asserted under
// 5 s; it took 75 s and printed no report before), exit 3, with the run so
// far in JSON and why on stderr; an interrupt does the same.
func TestBenchStopsWithAPartialReportWhenTheServerDies(t *testing.T) {
	for _, how := range []string{"kill -9", "interrupt"} {
		srv := redistest.Start(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan outcome, 1)
		go func() {
			var out, errOut strings.Builder
			code := Run(ctx, []string{"bench", "--sale", "bd", "--stock", "1000000", "--attempts", "10000000",
				"--buyers", "8", "--json", "--redis-url", srv.URL()}, strings.NewReader(""), &out, &errOut, envOf(nil))
			done <- outcome{code, out.String(), errOut.String()}
		}()
		rdb := srv.Client(t)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if v, _ := rdb.Get(context.Background(), "inventory:bd").Int64(); v > 0 && v < 1_000_000-100 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("bench never started reserving")
			}
		}
		stopped := time.Now()
		if how == "kill -9" {
			srv.Kill()
		} else {
			cancel()
		}
		var o outcome
		select {
		case o = <-done:
		case <-time.After(guard):
			t.Fatalf("%s: bench did not stop within %s", how, guard)
		}
		took := time.Since(stopped)
		waitRedialerGone(t)
		var got struct {
			OK       bool   `json:"ok"`
			Status   string `json:"status"`
			Error    string `json:"error"`
			Check    string `json:"check"`
			Done     int64  `json:"attempts_done"`
			Reserved int64  `json:"reserved"`
			Errors   int64  `json:"errors"`
			Unknown  int64  `json:"outcome_unknown"`
			Left     *int64 `json:"stock_left"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
			t.Fatalf("%s: %v: %q", how, err, o.stdout)
		}
		t.Logf("%s: bench stopped %s later: %+v", how, took.Round(time.Millisecond), got)
		if o.code != exitRedis || got.OK || got.Status != "stopped" || got.Check != "flashtop snapshot --sale bd" ||
			got.Reserved < 100 || got.Done < got.Reserved+got.Errors || got.Left != nil || "flashtop: "+got.Error+"\n" != o.stderr {
			t.Errorf("%s: exit %d, %+v, stderr %q", how, o.code, got, o.stderr)
		}
		wantWhy := "attempts: cannot reach Redis at " + srv.URL() + ": "
		if how == "interrupt" {
			wantWhy = "attempts: interrupted; nothing was read back: see what it reserved with `flashtop snapshot --sale bd`\n"
		}
		if !strings.HasPrefix(o.stderr, fmt.Sprintf("flashtop: bench: stopped after %d of 10000000 attempts: ", got.Done)) ||
			!strings.Contains(o.stderr, wantWhy) {
			t.Errorf("%s: stderr %q, want %q", how, o.stderr, wantWhy)
		}
		if took > 5*time.Second {
			t.Errorf("%s: bench stopped %s later", how, took)
		}
	}
}
