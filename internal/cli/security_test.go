package cli

import (
	"context"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
)

// guard bounds one command line run: a safety net against a hang, not a
// speed requirement (exit within 5s is what the client's 2s timeouts give).
const guard = 60 * time.Second

// runGuarded runs the command line and fails the test if it never returns.
func runGuarded(t *testing.T, env map[string]string, args ...string) outcome {
	t.Helper()
	done := make(chan outcome, 1)
	go func() { done <- runCLI(t, env, args...) }()
	select {
	case o := <-done:
		return o
	case <-time.After(guard):
		t.Fatalf("%q did not return within %s", args, guard)
		return outcome{}
	}
}

// silentListener accepts connections on 127.0.0.1 and never answers; it
// closes them when the test ends.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		close(conns)
		for c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// headlessCommands are one read and one write of each family.
func headlessCommands() [][]string {
	return [][]string{{"ping"}, {"snapshot"}, {"snapshot", "--json"}, {"inventory", "get", "--sale", "s1"},
		{"reserve", "--sale", "s1", "--user", "u1"}, {"queue", "length", "--sale", "s1", "--json"}}
}

// runAll runs the command lines concurrently (each with url) and returns
// their outcomes in order.
func runAll(t *testing.T, url string, cmds [][]string) []outcome {
	t.Helper()
	out := make([]outcome, len(cmds))
	var wg sync.WaitGroup
	for i, args := range cmds {
		wg.Go(func() { out[i] = runGuarded(t, nil, append(append([]string{}, args...), "--redis-url", url)...) })
	}
	wg.Wait()
	return out
}

func TestCLISilentServerExits3(t *testing.T) {
	url := "redis://:silentpw@" + silentListener(t) + "/0"
	cmds := headlessCommands()
	for i, o := range runAll(t, url, cmds) {
		checkRedisError(t, o, "flashtop: cannot reach Redis at redis://:***@127.0.0.1:", "silentpw")
		if !strings.Contains(o.stderr, "no answer within") {
			t.Errorf("%q: the message should say the server did not answer: %q", cmds[i], o.stderr)
		}
	}
}

// stall runs DEBUG SLEEP secs on srv and returns once the server has stopped
// answering; the returned channel closes when the sleep ends.
func stall(t *testing.T, srv *redistest.Server, secs string) <-chan struct{} {
	t.Helper()
	rc := srv.Client(t)
	if err := rc.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		_ = rc.Do(ctx, "DEBUG", "SLEEP", secs).Err()
	}()
	t.Cleanup(func() { <-done })
	for deadline := time.Now().Add(guard); time.Now().Before(deadline); {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
		_, _ = c.Write([]byte("PING\r\n"))
		_, err = c.Read(make([]byte, 16))
		_ = c.Close()
		if err != nil { // no answer: the server sleeps
			return done
		}
	}
	t.Fatal("the server never stalled")
	return nil
}

func TestCLIStalledServerExits3(t *testing.T) {
	srv := redistest.Start(t, "--enable-debug-command", "yes")
	done := stall(t, srv, "4") // longer than the 2s --timeout of each command
	for _, o := range runAll(t, srv.URL(), headlessCommands()) {
		checkRedisError(t, o, "flashtop: cannot reach Redis at "+srv.URL(), "")
	}
	<-done
	if o := runGuarded(t, nil, "ping", "--redis-url", srv.URL()); o.code != 0 {
		t.Fatalf("after the stall: %+v", o)
	}
}

// keyDump is every key of the server with its DUMP, sorted.
func keyDump(t *testing.T, rc *redis.Client) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	iter := rc.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		v, _ := rc.Dump(ctx, iter.Val()).Result()
		ttl, _ := rc.PTTL(ctx, iter.Val()).Result()
		out = append(out, iter.Val()+"="+v+"/"+ttl.Truncate(time.Hour).String())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// watcherACL is the read-only user of docs/cluster.md, word for word
// (TestDocsKeepTheWatcherACL checks it).
const watcherACL = "ACL SETUSER watcher on >pw ~* &* -@all +@read +info +ping +slowlog|get +slowlog|len +client|setname +hello +config|get +time +client|id +client|tracking +client|trackinginfo +subscribe +script|exists"

func seedSale(t *testing.T, rc *redis.Client) {
	t.Helper()
	ctx := context.Background()
	for _, cmd := range [][]any{
		{"SET", "inventory:s1", "10"}, {"ZADD", "queue:s1", time.Now().UnixMilli(), "u1"},
		{"HSET", "reservation:u2:s1", "quantity", "2", "reserved_at", time.Now().Unix(), "user_id", "u2"},
		{"EXPIRE", "reservation:u2:s1", "300"},
	} {
		if err := rc.Do(ctx, cmd...).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCLIWatcherACLUser(t *testing.T) {
	srv := redistest.Start(t)
	rc := srv.Client(t)
	ctx := context.Background()
	args := []any{}
	for _, f := range strings.Fields(watcherACL) {
		args = append(args, f)
	}
	if err := rc.Do(ctx, args...).Err(); err != nil {
		t.Fatal(err)
	}
	seedSale(t, rc)
	url := "redis://watcher:pw@" + srv.Addr() + "/0"
	env := map[string]string{envURL: url}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ping"}, 0, "pong"},
		{[]string{"snapshot"}, 0, "s1"},
		{[]string{"snapshot", "--json"}, 0, `"id":"s1"`},
		{[]string{"snapshot", "--json"}, 0, `"unreadable":[]`}, // the documented watcher reads everything
		{[]string{"audit", "--json"}, 0, `{"ok":true,"status":"clean","watched_ms":0,"leaks":[],"anomalies":[]}`},
		{[]string{"inventory", "get", "--sale", "s1"}, 0, "stock: sale s1 has 10"},
		{[]string{"queue", "length", "--sale", "s1"}, 0, "holds 1"},
		{[]string{"queue", "position", "--sale", "s1", "--user", "u1"}, 0, "position 1"},
		{[]string{"queue", "position", "--sale", "s1", "--user", "u9"}, 1, "not_queued"},
	} {
		o := runGuarded(t, env, c.args...)
		if o.code != c.code || !strings.Contains(o.stdout, c.want) {
			t.Errorf("watcher %q: exit %d, stdout %q, stderr %q; want exit %d with %q", c.args, o.code, o.stdout, o.stderr, c.code, c.want)
		}
	}
	client, err := redisops.New(redisops.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	snap, err := read.Full(ctx, client, redisops.SnapshotOptions{HeadWindow: 100})
	if err != nil || len(snap.Sales) != 1 || len(snap.Reservations) != 1 || snap.Server.Version == "" {
		t.Fatalf("the full snapshot as watcher: %v %+v", err, snap)
	}
	// The dashboard's poller as watcher: its push feed is armed (the ACL has
	// what CLIENT TRACKING needs) and the counts become live.
	poller := read.NewPoller(client, read.PollerOptions{})
	defer poller.Close()
	var live bool
	for range 100 {
		ps, err := poller.Snapshot(ctx, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if live = ps.Feed.State == redisops.FeedLive && len(ps.Sales) == 1 && ps.Sales[0].Reservations == 1; live {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !live {
		t.Fatal("the watcher's push feed never went live")
	}
	before := keyDump(t, rc)
	for _, w := range [][]string{
		{"reserve", "--sale", "s1", "--user", "u3"},
		{"release", "--sale", "s1", "--user", "u2"},
		{"inventory", "set", "--sale", "s1", "--qty", "5"},
		{"inventory", "restock", "--sale", "s1", "--qty", "5"},
		{"inventory", "take", "--sale", "s1", "--qty", "1"},
		{"queue", "join", "--sale", "s1", "--user", "u3"},
		{"queue", "leave", "--sale", "s1", "--user", "u1"},
		{"queue", "admit", "--sale", "s1"},
	} {
		for _, extra := range [][]string{nil, {"--json"}} {
			o := runGuarded(t, env, append(w, extra...)...)
			checkRedisError(t, o, "flashtop: permission denied: ", "pw@")
			if !strings.Contains(o.stderr, "NOPERM") {
				t.Errorf("%q: the message should name the ACL refusal: %q", w, o.stderr)
			}
		}
	}
	if after := keyDump(t, rc); !slices.Equal(before, after) {
		t.Fatalf("refused writes changed the data:\n%v\n%v", before, after)
	}
	wrong := "redis://watcher:not-the-pw@" + srv.Addr() + "/0"
	for _, a := range [][]string{{"ping"}, {"snapshot", "--json"}, {"reserve", "--sale", "s1", "--user", "u3"}} {
		checkRedisError(t, runGuarded(t, nil, append(a, "--redis-url", wrong)...), "flashtop: authentication failed", "not-the-pw")
	}
}

func TestCLITLS(t *testing.T) {
	srv, certs := redistest.StartTLS(t, false)
	url := srv.TLSURL()
	if o := runGuarded(t, nil, "ping", "--redis-url", url, "--tls-ca", certs.CA); o.code != 0 || !strings.Contains(o.stdout, "pong") {
		t.Errorf("rediss:// with --tls-ca: %+v", o)
	}
	o := runGuarded(t, nil, "inventory", "get", "--sale", "s1", "--redis-url", url, "--tls-insecure")
	if o.code != 1 || !strings.Contains(o.stderr, "warning: --tls-insecure") {
		t.Errorf("--tls-insecure: %+v", o)
	}
	for _, args := range [][]string{{"ping"}, {"snapshot", "--json"}} {
		o := runGuarded(t, nil, append(args, "--redis-url", url)...)
		checkRedisError(t, o, "flashtop: cannot reach Redis at "+url, "")
		if !strings.Contains(o.stderr, "not trusted") || !strings.Contains(o.stderr, "--tls-ca") {
			t.Errorf("untrusted certificate: %q should say so and suggest --tls-ca", o.stderr)
		}
	}

	mtls, mc := redistest.StartTLS(t, true)
	murl := mtls.TLSURL()
	o = runGuarded(t, nil, "snapshot", "--json", "--redis-url", murl, "--tls-ca", mc.CA, "--tls-cert", mc.ClientCert, "--tls-key", mc.ClientKey)
	if o.code != 0 || !strings.Contains(o.stdout, `"server"`) {
		t.Errorf("client certificate: %+v", o)
	}
	o = runGuarded(t, nil, "ping", "--redis-url", murl, "--tls-ca", mc.CA)
	if o.code != 3 || !strings.HasPrefix(o.stderr, "flashtop: ") {
		t.Errorf("a server demanding a client certificate, given none: %+v", o)
	}
}

// TestCLISurvivesNoScript: after a kill -9 and restart (scripts gone) and
// after SCRIPT FLUSH, the operations keep working through Run().
func TestCLISurvivesNoScript(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	step := func(args []string, want string) {
		t.Helper()
		if o := runGuarded(t, env, args...); o.code != 0 || !strings.Contains(o.stdout, want) {
			t.Fatalf("%q: %+v", args, o)
		}
	}
	step([]string{"inventory", "set", "--sale", "s1", "--qty", "10"}, "set")
	step([]string{"reserve", "--sale", "s1", "--user", "u1"}, "reserved")
	srv.Kill()
	srv.Restart() // no persistence: the data and the script cache are gone
	step([]string{"inventory", "set", "--sale", "s1", "--qty", "10"}, "set")
	step([]string{"reserve", "--sale", "s1", "--user", "u1"}, "reserved")
	if err := srv.Client(t).ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	step([]string{"release", "--sale", "s1", "--user", "u1"}, "released")
	step([]string{"queue", "join", "--sale", "s1", "--user", "u1"}, "joined")
}

// TestRedisopsSurvivesRestart: one long-lived client (the dashboard's case)
// keeps working across a kill -9 and restart of its server.
func TestRedisopsSurvivesRestart(t *testing.T) {
	srv := redistest.Start(t)
	c, err := redisops.New(redisops.Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if r, err := c.SetStock(ctx, "s1", 5); err != nil || !r.OK {
		t.Fatalf("set: %+v %v", r, err)
	}
	srv.Kill()
	if _, err := c.Take(ctx, "s1", 1); err == nil {
		t.Fatal("a killed server should fail the call")
	}
	srv.Restart()
	var r redisops.Result
	for deadline := time.Now().Add(guard); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r, err = c.SetStock(ctx, "s1", 5); err == nil {
			break
		}
	}
	if err != nil || !r.OK {
		t.Fatalf("after the restart: %+v %v", r, err)
	}
	if r, err := c.Take(ctx, "s1", 2); err != nil || r.Stock == nil || *r.Stock != 3 {
		t.Fatalf("take after NOSCRIPT: %+v %v", r, err)
	}
}

// readFile returns a file's text ("" when missing).
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// secretJWT is a session value: a bearer credential flashtop must never show.
const secretJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.U2VjcmV0U2lnbmF0dXJl"

// TestCLINeverShowsSecrets: the password, given by flag, environment, URL
// user info or ?password=, right or wrong, and a session's token appear in no
// output, text or JSON, of any command.
func TestCLINeverShowsSecrets(t *testing.T) {
	const pw = "Pa55-w0rd-xyzzy"
	srv := redistest.Start(t, "--requirepass", pw)
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: pw, DisableIdentity: true})
	t.Cleanup(func() { _ = rc.Close() })
	seedSale(t, rc)
	ctx := context.Background()
	if err := rc.Set(ctx, "session:secret-user", secretJWT, 24*time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	plain := srv.URL()
	ways := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--redis-url", plain, "--password", pw}},
		{"env", map[string]string{envURL: plain, envPassword: pw}, nil},
		{"url user:pass", nil, []string{"--redis-url", "redis://default:" + pw + "@" + srv.Addr() + "/0"}},
		{"url :pass", map[string]string{envURL: "redis://:" + pw + "@" + srv.Addr() + "/0"}, nil},
		{"?password=", nil, []string{"--redis-url", plain + "?password=" + pw}},
		{"wrong flag", nil, []string{"--redis-url", plain, "--password", pw + "-wrong"}},
		{"wrong url", nil, []string{"--redis-url", "redis://default:" + pw + "-wrong@" + srv.Addr() + "/0"}},
		{"unreachable", nil, []string{"--redis-url", "redis://:" + pw + "@127.0.0.1:1/0"}},
	}
	cmds := [][]string{{"ping"}, {"snapshot"}, {"snapshot", "--json"}, {"inventory", "get", "--sale", "s1", "--json"},
		{"reserve", "--sale", "s1", "--user", "u7"}, {"queue", "length", "--sale", "s1"}}
	worked := 0
	for _, w := range ways {
		for _, c := range cmds {
			o := runGuarded(t, w.env, append(append([]string{}, c...), w.args...)...)
			all := o.stdout + o.stderr
			if strings.Contains(all, pw) || strings.Contains(all, secretJWT) || strings.Contains(all, secretJWT[:24]) {
				t.Errorf("%s %q: a secret shown:\n%s", w.name, c, all)
			}
			if c[0] == "snapshot" && o.code == 0 {
				worked++
				if !strings.Contains(o.stdout, "s1") {
					t.Errorf("%s %q: snapshot without the sale: %q", w.name, c, o.stdout)
				}
			}
		}
	}
	if worked < 8 { // snapshot text and JSON for flag, env and both URL forms
		t.Errorf("only %d snapshots worked: the test proved little", worked)
	}
}

// TestCLIErrorTextIsSanitized: a stock value holding an OSC title sequence
// and a clear-screen makes the reserve script fail quoting it; the error on
// stderr (and in --json) shows the bytes escaped, never raw.
func TestCLIErrorTextIsSanitized(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{envURL: srv.URL()}
	hostile := "\x1b]0;pwned\x07\x1b[2J9"
	if err := srv.Client(t).Set(context.Background(), "inventory:s1", hostile, 0).Err(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"reserve", "--sale", "s1", "--user", "u1"}, {"reserve", "--sale", "s1", "--user", "u1", "--json"}} {
		o := runCLI(t, env, args...)
		if o.code == 0 {
			t.Fatalf("%q on a hostile stock value succeeded: %+v", args, o)
		}
		for _, out := range []string{o.stderr, o.stdout} {
			if strings.ContainsAny(out, "\x1b\x07") {
				t.Fatalf("%q wrote a raw escape sequence: %q", args, out)
			}
		}
		if !strings.Contains(o.stderr, `\x1b]0;pwned\x07`) {
			t.Errorf("%q: stderr %q should show the value escaped", args, o.stderr)
		}
	}
}

// TestCLIShortPasswordRedactedNotWords: a one-letter password is hidden
// where the error quotes it, and the words of the message stay whole (no
// "e***clude" out of "exclude" or "unre***achable").
func TestCLIShortPasswordRedactedNotWords(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", "e")
	for _, args := range [][]string{
		{"ping", "--redis-url", "redis://:e@127.0.0.1:99999/0"}, // bad usage: the URL is quoted
		{"ping", "--redis-url", "redis://:e-wrong@" + srv.Addr() + "/0"},
		{"ping", "--redis-url", srv.URL(), "--password", "e"},
	} {
		o := runGuarded(t, nil, args...)
		all := o.stdout + o.stderr
		if strings.Contains(all, ":e@") || strings.Contains(all, ":e-wrong@") {
			t.Errorf("%q: the password shown:\n%s", args, all)
		}
		if strings.Contains(all, "***r") || strings.Contains(all, "r***") || strings.Contains(all, "s***") {
			t.Errorf("%q: a word cut by redaction:\n%s", args, all)
		}
		if o.code == 0 && args[2] != srv.URL() {
			t.Errorf("%q: exit 0", args)
		}
	}
}

// TestCLIMalformedURLNeverShowsItsPassword: a password with an unencoded #,
// / or ? makes the URL parse wrong or not at all; the error names the bad
// part and how to encode it, and no piece of the password reaches stdout,
// stderr or the JSON (the parser's own words quoted ":Sup3rS3cret").
func TestCLIMalformedURLNeverShowsItsPassword(t *testing.T) {
	for _, c := range []struct{ url, secret, piece string }{
		{"redis://app:Sup3rS3cret#x@db.example.com:6379/0", "Sup3rS3cret#x", "Sup3rS3cret"},
		{"redis://:1234/5678@db.example.com:6379", "1234/5678", "5678"},
		{"redis://db.example.com:63a9/0?password=hunter2hunter2", "hunter2hunter2", "hunter2"},
		{"redis://app:12345#x@127.0.0.1:6379/0", "12345#x", "12345"},
		{"redis://app:p%2Fss@127.0.0.1:1/0", "p%2Fss", "p/ss"}, // encoded: parses; the decoded form is hidden too
	} {
		for _, args := range [][]string{{"ping", "--redis-url", c.url}, {"ping", "--json", "--redis-url", c.url}} {
			o := runGuarded(t, nil, args...)
			all := o.stdout + o.stderr
			if strings.Contains(all, c.piece) || strings.Contains(all, c.secret) || o.code == 0 {
				t.Errorf("%q: exit %d, a piece of the password %q shown:\n%s", args, o.code, c.secret, all)
			}
		}
	}
}
