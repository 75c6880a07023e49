package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// auditHold writes a Lua-path hold with ttl after taking its units from
// stock, as the backend's reserve does, and returns its deadline.
func auditHold(t *testing.T, rdb *redis.Client, sale, user string, qty int64, ttl time.Duration) time.Time {
	t.Helper()
	return redistest.WriteHold(t, rdb, sale, user, qty, ttl, true)
}

// TestCLIAuditWatchOutcomes: while audit --watch runs (events off, as the
// backend leaves them, and on), holds released by another client 600, 300,
// 150, 80 and 40 ms before their deadlines are not leaks, the two left to
// expire are verified leaks; reclaim then restores the stock exactly, once.
func TestCLIAuditWatchOutcomes(t *testing.T) {
	for _, events := range []string{"", "Kgx$he"} {
		t.Run("events="+events, func(t *testing.T) {
			srv := redistest.StartLazyExpiry(t, redistest.EventsArgs(events)...)
			env := map[string]string{envURL: srv.URL()}
			rdb := srv.Client(t)
			ctx := context.Background()
			out, errOut, code := watchReleases(t, env, rdb)
			var a auditOut
			if err := json.Unmarshal([]byte(out), &a); err != nil || code != 1 || len(a.Leaks) != 1 {
				t.Fatalf("audit --watch: code %d, %s %s (%v)", code, out, errOut, err)
			}
			if l := a.Leaks[0]; l.Sale != "s1" || l.Holds != 2 || l.Units != 4 || l.UnverifiedHolds != 0 || a.Feed.State != "live" {
				t.Fatalf("leaks %+v, feed %+v: want exp1 and exp2 only (2 holds, 4 units, all verified)", l, a.Feed)
			}
			if o := a.HoldOutcomes; len(o) != 1 || o[0].Sale != "s1" || o[0].Converted != 5 || o[0].Expired != 2 ||
				o[0].ConvertedPct == nil || *o[0].ConvertedPct != 71.4 { // 5 of 7
				t.Fatalf("hold outcomes %+v: want s1 with the 5 released in time and the 2 expired", o)
			}
			if v := rdb.Get(ctx, "inventory:s1").Val(); v != "96" {
				t.Fatalf("stock %s before reclaim, want 96 (100 less the two expired holds' 4 units)", v)
			}
			if o := runCLI(t, env, "reclaim", "--sale", "s1"); o.code != 0 || !strings.Contains(o.stdout, "reclaimed: 4 verified leaked units") {
				t.Fatalf("reclaim: %+v", o)
			}
			if o := runCLI(t, env, "reclaim", "--sale", "s1"); o.code != 1 {
				t.Fatalf("second reclaim: %+v", o)
			}
			if v := rdb.Get(ctx, "inventory:s1").Val(); v != "100" {
				t.Fatalf("stock %s after reclaim, want 100", v)
			}
		})
	}
}

// watchReleases runs audit --watch 5s --json on env while it writes seven
// 2-second holds of 2 units on s1 (stock 100 first) and releases five of
// them, the backend's way (stock back, hold deleted), 600, 300, 150, 80 and
// 40 ms before their deadlines; the other two expire.
func watchReleases(t *testing.T, env map[string]string, rdb *redis.Client) (stdout, stderr string, code int) {
	t.Helper()
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	var out, errOut bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		code = Run(ctx, []string{"audit", "--watch", "5s", "--interval", "1s", "--json"}, strings.NewReader(""), &out, &errOut, envOf(env))
	}()
	time.Sleep(500 * time.Millisecond) // the watch is armed
	startReleases(t, rdb)()
	<-done
	return out.String(), errOut.String(), code
}

// TestCLIAuditWatchWithoutFeed: a user whose ACL refuses CLIENT TRACKING
// (but may write: the ledger is in Redis) gets no push feed: audit --watch
// says so, every leak it records is unverified, and reclaim without
// --include-unverified gives none of them back; with it (and --yes), all of
// them, exactly once.
func TestCLIAuditWatchWithoutFeed(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	if err := rdb.Do(ctx, "ACL", "SETUSER", "nofeed", "on", ">pw", "~*", "&*", "+@all", "-client|tracking").Err(); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envURL: "redis://nofeed:pw@" + srv.Addr() + "/0"}
	out, errOut, code := watchReleases(t, env, rdb)
	var a auditOut
	if err := json.Unmarshal([]byte(out), &a); err != nil || code != 1 || len(a.Leaks) != 1 || a.Feed == nil || a.Feed.State != "off" {
		t.Fatalf("audit --watch without a feed: code %d, %s %s (%v)", code, out, errOut, err)
	}
	l := a.Leaks[0]
	if l.Holds < 2 || l.UnverifiedHolds != l.Holds {
		t.Fatalf("leaks %+v: want the two expired holds (at least), every one unverified", l)
	}
	stock := rdb.Get(ctx, "inventory:s1").Val()
	if o := runCLI(t, env, "reclaim", "--sale", "s1"); o.code != 1 || !strings.HasPrefix(o.stdout, "nothing_to_reclaim") {
		t.Fatalf("reclaim without the flag: %+v", o)
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != stock {
		t.Fatalf("stock %s after a reclaim without the flag, was %s: unverified units were given back", v, stock)
	}
	o := runCLI(t, env, "reclaim", "--sale", "s1", "--include-unverified", "--yes")
	if o.code != 0 {
		t.Fatalf("reclaim --include-unverified --yes: %+v", o)
	}
	want := fmt.Sprint(mustAtoi(t, stock) + 2*l.Holds)
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != want {
		t.Fatalf("stock %s after reclaiming %d unverified holds of 2 units, want %s", v, l.Holds, want)
	}
	if o := runCLI(t, env, "reclaim", "--sale", "s1", "--include-unverified", "--yes"); o.code != 1 {
		t.Fatalf("second reclaim: %+v", o)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// startReleases writes seven 2-second holds of 2 units on s1 and releases
// five of them, the backend's way (stock back, hold deleted), 600, 300, 150,
// 80 and 40 ms before their deadlines; the other two expire. The returned
// func waits for the releases.
func startReleases(t *testing.T, rdb *redis.Client) (wait func()) {
	t.Helper()
	ctx := context.Background()
	releases := map[string]time.Duration{"r600": 600, "r300": 300, "r150": 150, "r80": 80, "r40": 40}
	var wg sync.WaitGroup
	for _, user := range []string{"r600", "r300", "r150", "r80", "r40", "exp1", "exp2"} {
		deadline := auditHold(t, rdb, "s1", user, 2, 2*time.Second)
		before, ok := releases[user]
		if !ok { // expired by a touch 50 ms after the deadline (when the server's active expiry is off)
			wg.Add(1)
			go func() {
				defer wg.Done()
				redistest.ExpireAt(rdb, "reservation:"+user+":s1", deadline.Add(50*time.Millisecond))
			}()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(deadline.Add(-before * time.Millisecond)))
			pipe := rdb.TxPipeline()
			pipe.IncrBy(ctx, "inventory:s1", 2)
			del := pipe.Del(ctx, "reservation:"+user+":s1")
			if _, err := pipe.Exec(ctx); err != nil || del.Val() != 1 {
				t.Errorf("the release of %s came too late (%v): rerun on a quieter machine", user, err)
			}
		}()
	}
	return wg.Wait
}

// TestCLIAuditWatchStopsWithWhatItSawWhenRedisDies: audit --watch 60s sees
// a hold expire unreleased, then redis-server is killed: the watch stops
// (exit 3, well before its 60 s) with status "stopped", the leak it saw, and
// on stderr why and that the anomalies were not checked.
func TestCLIAuditWatchStopsWithWhatItSawWhenRedisDies(t *testing.T) {
	srv := redistest.StartLazyExpiry(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	done := make(chan outcome, 1)
	go func() {
		var out, errOut strings.Builder
		code := Run(ctx, []string{"audit", "--watch", "60s", "--interval", "250ms", "--json", "--redis-url", srv.URL()},
			strings.NewReader(""), &out, &errOut, envOf(nil))
		done <- outcome{code, out.String(), errOut.String()}
	}()
	time.Sleep(500 * time.Millisecond) // the watch is armed
	deadline := auditHold(t, rdb, "s1", "gone", 3, time.Second)
	time.Sleep(time.Until(deadline) + 1500*time.Millisecond) // expired and seen
	srv.Kill()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(guard):
		t.Fatalf("audit --watch did not stop within %s of the server's death", guard)
	}
	var a struct {
		auditOut
		Error     string `json:"error"`
		WatchedMs int64  `json:"watched_ms"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &a); err != nil {
		t.Fatalf("%v: %q (stderr %q)", err, o.stdout, o.stderr)
	}
	if o.code != exitRedis || a.Status != "stopped" || len(a.Leaks) != 1 || a.Leaks[0].Holds != 1 || a.Leaks[0].Units != 3 {
		t.Fatalf("exit %d, %+v, stderr %q: want stopped with the one leak seen", o.code, a, o.stderr)
	}
	if !strings.HasPrefix(o.stderr, "flashtop: audit: stopped after ") || !strings.Contains(o.stderr, "of --watch 1m0s: cannot reach Redis at "+srv.URL()) ||
		!strings.Contains(o.stderr, "anomalies were not checked") || "flashtop: "+a.Error+"\n" != o.stderr {
		t.Errorf("stderr %q, error %q", o.stderr, a.Error)
	}
	if a.WatchedMs > 30_000 {
		t.Errorf("watched %d ms: it ran on long after the server died", a.WatchedMs)
	}
	waitRedialerGone(t)
}

// TestCLIAuditWatchSeesScriptsFlushed: the backend's script is loaded when
// audit --watch starts and flushed while it watches: the audit says so
// (backend_scripts_missing, found, exit 1), the final full read sharing the
// poller's memory of the node, never "clean".
func TestCLIAuditWatchSeesScriptsFlushed(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	sha := rdb.ScriptLoad(ctx, "return 'the backend reserve'").Val()
	done := make(chan outcome, 1)
	go func() {
		var out, errOut strings.Builder
		code := Run(ctx, []string{"audit", "--watch", "3s", "--json", "--backend-scripts", "reserve=" + sha, "--redis-url", srv.URL()},
			strings.NewReader(""), &out, &errOut, envOf(nil))
		done <- outcome{code, out.String(), errOut.String()}
	}()
	time.Sleep(1500 * time.Millisecond)
	rdb.ScriptFlush(ctx)
	o := <-done
	if o.code != exitRefused || !strings.Contains(o.stdout, `"kind":"backend_scripts_missing"`) || !strings.Contains(o.stdout, "though it was at") {
		t.Fatalf("exit %d: %s %s", o.code, o.stdout, o.stderr)
	}
}

// TestCLIAuditWarnsScriptsUnchecked: a user without script|exists gets a
// clean audit of what it could read, and a warning on stderr that the
// backend's scripts could not be checked (listed in unreadable).
func TestCLIAuditWarnsScriptsUnchecked(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.SetUser(t, "noscripts", "pw", "~*", "&*", "+@all", "-script|exists")}
	o := runGuarded(t, env, "audit", "--json")
	if o.code != exitOK || !strings.Contains(o.stdout, `"status":"clean"`) || !strings.Contains(o.stdout, `"what":"backend_scripts"`) ||
		!strings.Contains(o.stderr, "warning: cannot check that the backend's scripts are loaded: backend_scripts: NOPERM") {
		t.Fatalf("exit %d: %s %s", o.code, o.stdout, o.stderr)
	}
}
