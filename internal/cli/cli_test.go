package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// outcome is what one run of the command line produced.
type outcome struct {
	code           int
	stdout, stderr string
}

// runCLI calls run with args and env, capturing both streams; stdin is
// empty and not a terminal.
func runCLI(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errOut, envOf(env))
	return outcome{code, out.String(), errOut.String()}
}

// opStep is one command of a scripted session, with its exact text line and
// exact JSON object.
type opStep struct {
	args []string
	code int
	text string
	json string
}

func opSteps() []opStep {
	s := func(args ...string) []string { return append(args, "--sale", "s1") }
	return []opStep{
		{s("inventory", "get"), 1, "no_inventory: sale s1 has no stock key (inventory:s1)", `{"ok":false,"status":"no_inventory"}`},
		{s("reserve", "--user", "u1"), 1, "no_inventory: sale s1 has no stock key (inventory:s1)", `{"ok":false,"status":"no_inventory"}`},
		{s("inventory", "take", "--qty", "1"), 1, "no_inventory: sale s1 has no stock key (inventory:s1)", `{"ok":false,"status":"no_inventory"}`},
		{s("inventory", "set", "--qty", "100"), 0, "set: sale s1 has 100", `{"ok":true,"status":"set","stock":100}`},
		{s("inventory", "get"), 0, "stock: sale s1 has 100", `{"ok":true,"status":"stock","stock":100}`},
		{s("reserve", "--user", "u1", "--qty", "2"), 0, "reserved: 2 units of sale s1 for user u1 (remaining 98)", `{"ok":true,"status":"reserved","remaining":98}`},
		{s("reserve", "--user", "u1", "--qty", "3"), 1, "already_reserved: user u1 already holds 2 units of sale s1", `{"ok":false,"status":"already_reserved","quantity":2}`},
		{s("reserve", "--user", "u2", "--qty", "99"), 1, "insufficient_stock: sale s1 has 98 left", `{"ok":false,"status":"insufficient_stock","stock":98}`},
		{s("release", "--user", "u1", "--max", "99"), 1, "max_exceeded: sale s1 has 98; that would pass --max 99", `{"ok":false,"status":"max_exceeded","stock":98}`},
		{s("release", "--user", "u1"), 0, "released: 2 units of sale s1 from user u1 (stock 100)", `{"ok":true,"status":"released","quantity":2,"stock":100}`},
		{s("release", "--user", "u1"), 1, "not_found: user u1 holds nothing in sale s1", `{"ok":false,"status":"not_found"}`},
		{s("inventory", "restock", "--qty", "5", "--max", "104"), 1, "max_exceeded: sale s1 has 100; that would pass --max 104", `{"ok":false,"status":"max_exceeded","stock":100}`},
		{s("inventory", "restock", "--qty", "5", "--max", "105"), 0, "restocked: sale s1 has 105", `{"ok":true,"status":"restocked","stock":105}`},
		{s("inventory", "take", "--qty", "200"), 1, "insufficient_stock: sale s1 has 105 left", `{"ok":false,"status":"insufficient_stock","stock":105}`},
		{s("inventory", "take", "--qty", "5"), 0, "taken: sale s1 has 100", `{"ok":true,"status":"taken","stock":100}`},
		{s("queue", "join", "--user", "u1", "--max-queue", "2"), 0, "joined: user u1 is at position 1 in the queue of sale s1", `{"ok":true,"status":"joined","position":1}`},
		{s("queue", "join", "--user", "u2", "--max-queue", "2"), 0, "joined: user u2 is at position 2 in the queue of sale s1", `{"ok":true,"status":"joined","position":2}`},
		{s("queue", "join", "--user", "u1"), 1, "already_queued: user u1 is already at position 1 in the queue of sale s1", `{"ok":false,"status":"already_queued","position":1}`},
		{s("queue", "join", "--user", "u3", "--max-queue", "2"), 1, "queue_full: the queue of sale s1 holds 2 (cap 2)", `{"ok":false,"status":"queue_full","length":2}`},
		{s("queue", "position", "--user", "u2"), 0, "queued: user u2 is at position 2 in the queue of sale s1", `{"ok":true,"status":"queued","position":2}`},
		{s("queue", "position", "--user", "u3"), 1, "not_queued: user u3 is not in the queue of sale s1", `{"ok":false,"status":"not_queued"}`},
		{s("queue", "length"), 0, "length: the queue of sale s1 holds 2", `{"ok":true,"status":"length","length":2}`},
		{s("queue", "leave", "--user", "u3"), 1, "not_queued: user u3 is not in the queue of sale s1", `{"ok":false,"status":"not_queued"}`},
		{s("queue", "leave", "--user", "u2"), 0, "left: user u2 left the queue of sale s1", `{"ok":true,"status":"left"}`},
		{s("queue", "join", "--user", "u3"), 0, "joined: user u3 is at position 2 in the queue of sale s1", `{"ok":true,"status":"joined","position":2}`},
		{s("queue", "admit", "--count", "10"), 0, "admitted 2 users: u1 u3", `{"ok":true,"status":"admitted","users":["u1","u3"]}`},
		{s("queue", "admit"), 0, "admitted 0 users: the queue is empty", `{"ok":true,"status":"admitted","users":[]}`},
	}
}

// TestCLIOperations runs every operation and refusal in text mode on one
// server and in JSON mode on another, checking output, exit code and state.
func TestCLIOperations(t *testing.T) {
	for _, mode := range []string{"text", "json"} {
		t.Run(mode, func(t *testing.T) {
			srv := redistest.Start(t)
			env := map[string]string{envURL: srv.URL()}
			for i, st := range opSteps() {
				args := st.args
				if mode == "json" {
					args = append(append([]string{}, args...), "--json")
				}
				o := runCLI(t, env, args...)
				want := st.text + "\n"
				if mode == "json" {
					want = st.json + "\n"
				}
				if o.code != st.code || o.stdout != want || o.stderr != "" {
					t.Fatalf("step %d %q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q",
						i, args, o.code, o.stdout, o.stderr, st.code, want)
				}
			}
			rdb := srv.Client(t)
			ctx := context.Background()
			if v, _ := rdb.Get(ctx, "inventory:s1").Result(); v != "100" {
				t.Errorf("stock %q after the session, want 100", v)
			}
			if n, _ := rdb.Exists(ctx, "reservation:u1:s1", "reservation:u2:s1", "queue:s1").Result(); n != 0 {
				t.Errorf("%d hold/queue keys left, want 0", n)
			}
		})
	}
}

// TestCLIUntrustedValues: a user id read from Redis never reaches the
// terminal raw, and stays valid JSON.
func TestCLIUntrustedValues(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	evil := "ev\x1b[31mil\x07"
	for _, mode := range []string{"text", "json"} {
		if err := rdb.ZAdd(ctx, "queue:s1", redis.Z{Score: 1, Member: evil}).Err(); err != nil {
			t.Fatal(err)
		}
		args := []string{"queue", "admit", "--sale", "s1", "--redis-url", srv.URL()}
		if mode == "json" {
			args = append(args, "--json")
		}
		o := runCLI(t, nil, args...)
		if o.code != 0 || strings.ContainsAny(o.stdout, "\x1b\x07") {
			t.Fatalf("%s: exit %d, raw control bytes in %q", mode, o.code, o.stdout)
		}
		if mode == "text" && o.stdout != `admitted 1 user: ev\x1b[31mil\x07`+"\n" {
			t.Errorf("text %q", o.stdout)
		}
		var r redisops.Result
		if mode == "json" && (json.Unmarshal([]byte(o.stdout), &r) != nil || len(r.Users) != 1 || r.Users[0] != evil) {
			t.Errorf("json %q does not round-trip the id", o.stdout)
		}
	}
}

func TestCLISnapshot(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	for _, args := range [][]string{
		{"inventory", "set", "--sale", "s1", "--qty", "10"},
		{"reserve", "--sale", "s1", "--user", "u1", "--qty", "3"},
		{"queue", "join", "--sale", "s1", "--user", "u9"},
	} {
		if o := runCLI(t, env, args...); o.code != 0 {
			t.Fatalf("%q: exit %d %s", args, o.code, o.stderr)
		}
	}
	rdb := srv.Client(t)
	if err := rdb.ZAdd(context.Background(), "queue:s1", redis.Z{Score: 2e12, Member: "ev\x1b[2Jil"}).Err(); err != nil {
		t.Fatal(err)
	}
	o := runCLI(t, env, "snapshot", "--json", "--sale", "pinned")
	if o.code != 0 || strings.Count(o.stdout, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %q", o.code, o.stdout, o.stderr)
	}
	var snap redisops.Snapshot
	if err := json.Unmarshal([]byte(o.stdout), &snap); err != nil {
		t.Fatal(err)
	}
	sales := map[string]redisops.SaleStats{}
	for _, s := range snap.Sales {
		sales[s.ID] = s
	}
	if s := sales["s1"]; s.Inventory == nil || *s.Inventory != 7 || s.QueueLength != 2 || s.Reservations != 1 || s.ReservedUnits != 3 {
		t.Errorf("sale s1 %+v", s)
	}
	if _, ok := sales["pinned"]; !ok {
		t.Errorf("pinned sale missing from %+v", snap.Sales)
	}
	if len(snap.Reservations) != 1 || snap.Reservations[0].User != "u1" || len(snap.Queues["s1"]) != 2 || snap.Server.Version == "" {
		t.Errorf("snapshot %+v", snap)
	}
	o = runCLI(t, env, "snapshot", "--sale", "pinned")
	for _, want := range []string{"server  redis " + snap.Server.Version, "SALE", "s1", "pinned", "HOLDS (1)", "u1", "s1: 1 u9", "SLOWLOG", "ANOMALIES"} {
		if o.code != 0 || !strings.Contains(o.stdout, want) {
			t.Errorf("text snapshot (exit %d) lacks %q:\n%s%s", o.code, want, o.stdout, o.stderr)
		}
	}
	if strings.Contains(o.stdout, "\x1b") || !strings.Contains(o.stdout, `2 ev\x1b[2Jil`) {
		t.Errorf("the user id read from Redis is not shown escaped:\n%s", o.stdout)
	}
}

func TestCLIPingVersionHelp(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	if o := runCLI(t, env, "ping"); o.code != 0 || !strings.HasPrefix(o.stdout, "pong: "+srv.URL()+" answered in ") {
		t.Errorf("ping: %+v", o)
	}
	var pj pingJSON
	if o := runCLI(t, env, "ping", "--json"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &pj) != nil || !pj.OK || pj.Status != "pong" {
		t.Errorf("ping --json: %+v", o)
	}
	if o := runCLI(t, nil, "version"); o.code != 0 || !strings.HasPrefix(o.stdout, "flashtop dev (go") {
		t.Errorf("version: %+v", o)
	}
	var vj versionJSON
	if o := runCLI(t, nil, "version", "--json"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &vj) != nil || vj.Version != "dev" || !strings.HasPrefix(vj.Go, "go") {
		t.Errorf("version --json: %+v", o)
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"reserve", "--help"}, {"help", "queue"}, {"inventory", "set", "--help"}} {
		if o := runCLI(t, nil, args...); o.code != 0 || !strings.Contains(o.stdout, "Usage:") || o.stderr != "" {
			t.Errorf("%q: %+v", args, o)
		}
	}
	for _, args := range [][]string{{"help", "bogus"}, {"bogus"}, {"--bogus"}, {"replay"}} {
		if o := runCLI(t, nil, args...); o.code != 2 || !strings.Contains(o.stderr, usageHint) {
			t.Errorf("%q: %+v", args, o)
		}
	}
}

// TestCLIRedisErrors: unreachable, wrong password, ACL denial and a server
// error give exit 3, and no password ever shows.
func TestCLIRedisErrors(t *testing.T) {
	port, err := redistest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	down := fmt.Sprintf("redis://:urlsecret@127.0.0.1:%d/0", port)
	for _, args := range [][]string{{"ping"}, {"snapshot"}, {"reserve", "--sale", "s", "--user", "u"}, {"queue", "length", "--sale", "s", "--json"}} {
		o := runCLI(t, nil, append(args, "--redis-url", down)...)
		checkRedisError(t, o, "flashtop: cannot reach Redis at redis://:***@127.0.0.1:"+strconv.Itoa(port), "urlsecret")
	}
	srv := redistest.Start(t, "--requirepass", "rightpw")
	if o := runCLI(t, nil, "ping", "--redis-url", srv.URL(), "--password", "rightpw"); o.code != 0 {
		t.Errorf("right password: %+v", o)
	}
	for _, c := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"ping", "--redis-url", srv.URL(), "--password", "wrongpw"}},
		{map[string]string{envPassword: "wrongpw", envURL: srv.URL()}, []string{"reserve", "--sale", "s", "--user", "u", "--json"}},
		{nil, []string{"snapshot", "--redis-url", "redis://:wrongpw@" + srv.Addr() + "/0"}},
		{nil, []string{"inventory", "get", "--sale", "s", "--redis-url", srv.URL()}},
	} {
		checkRedisError(t, runCLI(t, c.env, c.args...), "flashtop: authentication failed", "wrongpw")
	}

	acl := redistest.Start(t)
	ctx := context.Background()
	if err := acl.Client(t).Do(ctx, "ACL", "SETUSER", "viewer", "on", ">viewpw", "~*", "+@read", "+@connection").Err(); err != nil {
		t.Fatal(err)
	}
	viewer := "redis://viewer:viewpw@" + acl.Addr() + "/0"
	if o := runCLI(t, nil, "queue", "length", "--sale", "s", "--redis-url", viewer); o.code != 0 {
		t.Errorf("a read under a read-only ACL: %+v", o)
	}
	checkRedisError(t, runCLI(t, nil, "reserve", "--sale", "s", "--user", "u", "--redis-url", viewer), "flashtop: permission denied: ", "viewpw")
	if err := acl.Client(t).LPush(ctx, "inventory:s9", "x").Err(); err != nil {
		t.Fatal(err)
	}
	checkRedisError(t, runCLI(t, nil, "inventory", "get", "--sale", "s9", "--redis-url", acl.URL()), "flashtop: server error at ", "")
}

// checkRedisError asserts exit 3 with msg on stderr (after the warning for a
// password on the command line, if any), a JSON error object when --json was
// given, and secret nowhere.
func checkRedisError(t *testing.T, o outcome, msg, secret string) {
	t.Helper()
	stderr := o.stderr
	if first, rest, ok := strings.Cut(stderr, "\n"); ok && strings.HasPrefix(first, "flashtop: warning: the password given in ") {
		stderr = rest
	}
	if o.code != 3 || !strings.HasPrefix(stderr, msg) {
		t.Errorf("exit %d, stderr %q; want exit 3 and %q", o.code, o.stderr, msg)
	}
	if secret != "" && strings.Contains(o.stdout+o.stderr, secret) {
		t.Errorf("secret %q shown: %q %q", secret, o.stdout, o.stderr)
	}
	if o.stdout != "" {
		var e errorJSON
		if err := json.Unmarshal([]byte(o.stdout), &e); err != nil || e.OK || e.Status != "error" || !strings.HasPrefix("flashtop: "+e.Error, msg) {
			t.Errorf("stdout %q is not the JSON error for %q", o.stdout, msg)
		}
	}
}

// commandCount is the number of commands a server has run, not counting INFO
// (the probe itself), and the connections it has accepted.
func commandCount(t *testing.T, conn *redis.Conn) (calls, conns int64) {
	t.Helper()
	info, err := conn.Info(context.Background(), "commandstats", "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_connections_received:"); ok {
			conns, _ = strconv.ParseInt(v, 10, 64)
		}
		if !strings.HasPrefix(line, "cmdstat_") || strings.HasPrefix(line, "cmdstat_info:") {
			continue
		}
		_, stats, _ := strings.Cut(line, ":")
		calls0, _, _ := strings.Cut(strings.TrimPrefix(stats, "calls="), ",")
		n, _ := strconv.ParseInt(calls0, 10, 64)
		calls += n
	}
	return calls, conns
}

// TestCLIInvalidSendsNothing: every invalid command line exits 2 naming the
// flag, in text and JSON, and the server (which every case points at) sees no
// connection and no command.
func TestCLIInvalidSendsNothing(t *testing.T) {
	srv := redistest.Start(t)
	conn := srv.Client(t).Conn()
	t.Cleanup(func() { _ = conn.Close() })
	env := map[string]string{envURL: srv.URL()}
	calls0, conns0 := commandCount(t, conn)
	cases := badArgs()
	cases = append(cases,
		struct {
			args []string
			want string
		}{[]string{"ping", "--redis-url", "rediss://" + srv.Addr(), "--tls-ca", "/nonexistent/ca.pem"}, "--tls-ca"},
		struct {
			args []string
			want string
		}{[]string{"reserve", "--sale", "s1", "--user", "u1", "--read-only"}, "read-only (--read-only)"})
	for _, c := range cases {
		for _, extra := range [][]string{nil, {"--json"}} {
			args := append(append([]string{}, c.args...), extra...)
			o := runCLI(t, env, args...)
			if o.code != 2 || !strings.HasPrefix(o.stderr, "flashtop: ") || !strings.Contains(o.stderr, c.want) {
				t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %q", args, o.code, o.stderr, c.want)
			}
			var e errorJSON
			if extra != nil && (json.Unmarshal([]byte(o.stdout), &e) != nil || e.OK || e.Status != "error" || e.Error == "") {
				t.Errorf("%q: stdout %q is not one JSON error object", args, o.stdout)
			}
		}
	}
	if calls, conns := commandCount(t, conn); calls != calls0 || conns != conns0 {
		t.Errorf("the server saw %d commands and %d connections from invalid command lines", calls-calls0, conns-conns0)
	}
	// The probe itself: one valid read shows up as a connection and commands.
	if o := runCLI(t, env, "queue", "length", "--sale", "s1"); o.code != 0 {
		t.Fatalf("valid read: %+v", o)
	}
	if calls, conns := commandCount(t, conn); calls <= calls0 || conns <= conns0 {
		t.Errorf("the probe did not see a valid command (calls %d→%d, connections %d→%d)", calls0, calls, conns0, conns)
	}
	if len(cases) < 25 {
		t.Errorf("only %d invalid cases", len(cases))
	}
}

// TestCLIWriteArming: writes to a non-loopback host are refused before any
// connection (the host is under .invalid, which never resolves: had arming
// let a write through, the failed lookup would end in exit 3, not 2; no
// traffic leaves this machine either way);
// reads and --allow-writes are not refused; --read-only always wins.
func TestCLIWriteArming(t *testing.T) {
	remote := "redis://:remotepw@redis.flashtop.invalid:6379/0"
	for _, args := range [][]string{
		{"reserve", "--sale", "s1", "--user", "u1"},
		{"release", "--sale", "s1", "--user", "u1"},
		{"inventory", "set", "--sale", "s1", "--qty", "1"},
		{"inventory", "restock", "--sale", "s1", "--qty", "1"},
		{"inventory", "take", "--sale", "s1", "--qty", "1"},
		{"queue", "join", "--sale", "s1", "--user", "u1"},
		{"queue", "leave", "--sale", "s1", "--user", "u1"},
		{"queue", "admit", "--sale", "s1"},
		{"queue", "admit", "--sale", "s1", "--allow-writes", "--read-only"},
	} {
		o := runCLI(t, map[string]string{envURL: remote}, args...)
		if o.code != 2 || !strings.Contains(o.stderr, "not sent: read-only") || strings.Contains(o.stderr, "remotepw") {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 refused by arming", args, o.code, o.stderr)
		}
	}
	cfg, err := parseFlags([]string{"reserve", "--sale", "s1", "--user", "u1", "--allow-writes", "--redis-url", remote}, envOf(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := redisops.URLHosts(cfg.RedisURL)
	if err != nil || !redisops.WriteArming(hosts, cfg.ReadOnly, cfg.AllowWrites, cfg.Demo).Armed {
		t.Errorf("--allow-writes should arm writes against %v (err %v)", hosts, err)
	}

	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	if o := runCLI(t, env, "inventory", "set", "--sale", "s1", "--qty", "4", "--read-only"); o.code != 2 {
		t.Errorf("--read-only write: %+v", o)
	}
	if o := runCLI(t, env, "inventory", "get", "--sale", "s1", "--read-only"); o.code != 1 || !strings.HasPrefix(o.stdout, "no_inventory") {
		t.Errorf("--read-only read (the write above must not have happened): %+v", o)
	}
}
