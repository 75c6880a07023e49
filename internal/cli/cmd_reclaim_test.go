package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// seedLeaks records leaks of qtys of one class in sale's ledger, as a
// watching dashboard would; first numbers the users, so that calls for one
// sale do not name the same leak.
func seedLeaks(t *testing.T, url, sale, class string, first int, qtys ...int64) {
	t.Helper()
	c, err := redisops.New(redisops.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, q := range qtys {
		u := first + i
		l := redisops.Leak{Sale: sale, User: fmt.Sprint("u", u), Key: fmt.Sprintf("reservation:u%d:%s", u, sale),
			Quantity: q, Stamp: "1800000000", At: time.Now(), Class: class}
		if ok, err := c.RecordLeak(context.Background(), l); err != nil || !ok {
			t.Fatalf("record: %v %v", ok, err)
		}
	}
}

func TestCLIReclaim(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	rdb.Set(context.Background(), "inventory:s1", "10", 0)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakVerified, 0, 3, 4)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakUnverified, 2, 5)
	if o := runCLI(t, env, "reclaim", "--sale", "s1", "--max", "16"); o.code != 1 || !strings.HasPrefix(o.stdout, "max_exceeded: sale s1 has 10") {
		t.Fatalf("--max 16: %+v", o)
	}
	o := runCLI(t, env, "reclaim", "--sale", "s1")
	want := "reclaimed: 7 verified leaked units back to the stock of sale s1 (stock 17; ledger flashtop:leaks:{s1}); " +
		"5 unverified units left (not seen to expire: they may have been sold): flashtop reclaim --sale s1 --include-unverified gives them back\n"
	if o.code != 0 || o.stdout != want {
		t.Fatalf("reclaim: %+v, want %q", o, want)
	}
	o = runCLI(t, env, "reclaim", "--sale", "s1")
	want = "nothing_to_reclaim: the ledger flashtop:leaks:{s1} holds no verified leak; 5 unverified units wait " +
		"(not seen to expire: they may have been sold): flashtop reclaim --sale s1 --include-unverified gives them back\n"
	if o.code != 1 || o.stdout != want {
		t.Fatalf("second reclaim: %+v, want %q", o, want)
	}
	o = runCLI(t, env, "reclaim", "--sale", "s1", "--json")
	if o.code != 1 || o.stdout != `{"ok":false,"status":"nothing_to_reclaim","unverified_units":5}`+"\n" {
		t.Fatalf("second reclaim --json: %+v", o)
	}
	o = runCLI(t, env, "reclaim", "--sale", "s1", "--include-unverified", "--yes")
	want = "reclaimed: 5 leaked units back to the stock of sale s1 (stock 22; ledger flashtop:leaks:{s1}), 5 of them unverified (not seen to expire)\n"
	if o.code != 0 || o.stdout != want {
		t.Fatalf("--include-unverified --yes: %+v, want %q", o, want)
	}
	o = runCLI(t, env, "reclaim", "--sale", "s1", "--include-unverified", "--yes", "--json")
	if o.code != 1 || o.stdout != `{"ok":false,"status":"nothing_to_reclaim","unverified_units":0}`+"\n" {
		t.Fatalf("after all: %+v", o)
	}
	if v := rdb.Get(context.Background(), "inventory:s1").Val(); v != "22" {
		t.Fatalf("stock %s, want 22 (10 + 12 leaked, once)", v)
	}
	seedLeaks(t, srv.URL(), "s2", redisops.LeakVerified, 0, 5)
	o = runCLI(t, env, "reclaim", "--sale", "s2", "--json")
	if o.code != 0 || o.stdout != `{"ok":true,"status":"reclaimed","stock":5,"units":5,"unverified_units":0}`+"\n" {
		t.Fatalf("json: %+v", o)
	}
	if o := runCLI(t, env, "reclaim"); o.code != 2 || !strings.Contains(o.stderr, "missing --sale") {
		t.Fatalf("no sale: %+v", o)
	}
	if o := runCLI(t, map[string]string{envURL: "redis://redis.flashtop.invalid:6379/0"}, "reclaim", "--sale", "s1"); o.code != 2 ||
		!strings.Contains(o.stderr, "not sent: read-only") {
		t.Fatalf("remote without --allow-writes: %+v", o)
	}
}

// TestCLIReclaimUnverifiedNeedsYesOffATerminal: --include-unverified with
// stdin that is not a terminal and without --yes is exit 2, naming --yes, and
// the server sees no connection and no command.
func TestCLIReclaimUnverifiedNeedsYesOffATerminal(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakUnverified, 0, 4)
	ledger := rdb.HGetAll(ctx, redisops.LedgerKey("s1")).Val()
	conn := rdb.Conn()
	t.Cleanup(func() { _ = conn.Close() })
	calls0, conns0 := commandCount(t, conn)
	for _, extra := range [][]string{nil, {"--json"}} {
		o := runCLI(t, env, append([]string{"reclaim", "--sale", "s1", "--include-unverified"}, extra...)...)
		if o.code != 2 || !strings.HasPrefix(o.stderr, "flashtop: reclaim --include-unverified: not sent: stdin is not a terminal") ||
			!strings.Contains(o.stderr, "add --yes") {
			t.Errorf("%q: %+v; want exit 2 naming --yes", extra, o)
		}
		var e errorJSON
		if extra != nil && (json.Unmarshal([]byte(o.stdout), &e) != nil || e.OK || e.Status != "error" || !strings.Contains(e.Error, "--yes")) {
			t.Errorf("--json: stdout %q is not the JSON error", o.stdout)
		}
	}
	if calls, conns := commandCount(t, conn); calls != calls0 || conns != conns0 {
		t.Errorf("the server saw %d commands and %d connections", calls-calls0, conns-conns0)
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "10" {
		t.Errorf("stock %s, want 10", v)
	}
	if got := rdb.HGetAll(ctx, redisops.LedgerKey("s1")).Val(); fmt.Sprint(got) != fmt.Sprint(ledger) {
		t.Errorf("ledger %v, was %v", got, ledger)
	}
}

// reclaimRace runs n `reclaim --sale s1 --json` (with extra) at once and
// returns the units and unverified units of the one that reclaimed; it fails
// unless exactly one did and the others found nothing, with waiting
// unverified units left.
func reclaimRace(t *testing.T, env map[string]string, n int, waiting int64, extra ...string) (units, unverified int64) {
	t.Helper()
	outs := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = runCLI(t, env, append([]string{"reclaim", "--sale", "s1", "--json"}, extra...)...)
		}()
	}
	wg.Wait()
	won := 0
	for _, o := range outs {
		var r struct {
			Status     string `json:"status"`
			Units      int64  `json:"units"`
			Unverified *int64 `json:"unverified_units"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &r); err != nil || r.Unverified == nil {
			t.Fatalf("%+v: %v", o, err)
		}
		switch {
		case r.Status == "reclaimed" && o.code == 0:
			won++
			units, unverified = r.Units, *r.Unverified
		case r.Status != "nothing_to_reclaim" || o.code != 1 || *r.Unverified != waiting:
			t.Errorf("other call %+v, want nothing_to_reclaim with %d unverified waiting", o, waiting)
		}
	}
	if won != 1 {
		t.Fatalf("%d calls reclaimed (%q), want exactly 1", won, extra)
	}
	return units, unverified
}

// TestCLIReclaimConcurrentOnce: several reclaims at once give the verified
// units back once; several with --include-unverified then give the rest
// back once.
func TestCLIReclaimConcurrentOnce(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	seedLeaks(t, srv.URL(), "s1", redisops.LeakVerified, 0, 2, 2, 2)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakUnverified, 3, 1, 4)
	if u, unv := reclaimRace(t, env, 6, 5); u != 6 || unv != 0 {
		t.Fatalf("verified reclaim gave back %d units (%d unverified), want 6 (0)", u, unv)
	}
	if v := srv.Client(t).Get(context.Background(), "inventory:s1").Val(); v != "6" {
		t.Fatalf("stock %s after the verified reclaim, want 6", v)
	}
	if u, unv := reclaimRace(t, env, 6, 0, "--include-unverified", "--yes"); u != 5 || unv != 5 {
		t.Fatalf("reclaim with unverified gave back %d units (%d unverified), want 5 (5)", u, unv)
	}
	if v := srv.Client(t).Get(context.Background(), "inventory:s1").Val(); v != "11" {
		t.Fatalf("stock %s, want 11", v)
	}
}

// TestReclaimConfirmsOnATerminal runs the built binary in tmux: on a
// terminal, --include-unverified names the units and asks; n (or enter)
// writes nothing, y gives every leak back.
func TestReclaimConfirmsOnATerminal(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakVerified, 0, 3)
	seedLeaks(t, srv.URL(), "s1", redisops.LeakUnverified, 1, 4)
	x := startTmuxShell(t)
	cmd := buildDemoBinary(t) + " reclaim --sale s1 --include-unverified --redis-url " + srv.URL()
	prompt := "Give back 7 units to inventory:s1 (ledger flashtop:leaks:{s1}), of which 4 were not seen to expire (they may have been sold)? [y/N]"
	for i, answer := range []string{"n", ""} {
		before := rdb.HGetAll(ctx, redisops.LedgerKey("s1")).Val()
		x.keys("clear; "+cmd+"; echo reclaim-exited-$?", "Enter")
		x.waitPane("the confirm", func(p string) bool { return newPrompt(p, prompt) })
		if answer != "" {
			x.keys("-l", answer)
		}
		x.keys("Enter")
		pane := x.waitPane("the exit", func(p string) bool { return strings.Contains(p, "reclaim-exited-") })
		if !strings.Contains(pane, "not_confirmed: nothing given back") || !strings.Contains(pane, "reclaim-exited-1") {
			t.Fatalf("answer %d (%q):\n%s", i, answer, pane)
		}
		if v := rdb.Get(ctx, "inventory:s1").Val(); v != "10" || fmt.Sprint(rdb.HGetAll(ctx, redisops.LedgerKey("s1")).Val()) != fmt.Sprint(before) {
			t.Fatalf("answer %q wrote: stock %s", answer, v)
		}
	}
	x.keys("clear; "+cmd+"; echo reclaim-exited-$?", "Enter")
	x.waitPane("the confirm", func(p string) bool { return newPrompt(p, prompt) })
	x.keys("y", "Enter")
	pane := x.waitPane("the exit", func(p string) bool { return strings.Contains(p, "reclaim-exited-") })
	if !strings.Contains(pane, "reclaimed: 7 leaked units back to the stock of sale s1 (stock 17") ||
		!strings.Contains(pane, "4 of them unverified") || !strings.Contains(pane, "reclaim-exited-0") {
		t.Fatalf("answer y:\n%s", pane)
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "17" {
		t.Fatalf("stock %s after y, want 17", v)
	}
}

// newPrompt reports whether pane shows this run's confirm: the prompt, and
// no exit line of the run before (the pane is cleared first; until the
// clear ran, the old prompt is still on screen).
func newPrompt(pane, prompt string) bool {
	return strings.Contains(pane, prompt) && !strings.Contains(pane, "reclaim-exited-")
}

// startTmuxShell starts a shell in a private tmux server (session "e2e", 200
// columns so that one line of output stays one line), killed at cleanup.
func startTmuxShell(t *testing.T) tmuxRunner {
	t.Helper()
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("this test needs tmux: install it (apt-get install tmux), or run ./test.sh, which does: %v", err)
	}
	x := tmuxRunner{t: t, bin: tmuxBin, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "e2e", "-x", "200", "-y", "40", "env", "PS1=e2e$ ", "sh")
	t.Cleanup(func() { _ = exec.Command(tmuxBin, "-S", x.sock, "kill-server").Run() })
	return x
}
