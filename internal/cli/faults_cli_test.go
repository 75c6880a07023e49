package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// noRawControl fails the test when out holds a raw ESC or BEL byte (an
// escape sequence or a bell that would reach the operator's terminal).
func noRawControl(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("%s: a raw ESC or BEL reached the output: %q", what, out)
	}
}

// TestCLIBadURLParts: a URL go-redis would take but that cannot work is bad
// usage (exit 2, nothing sent), naming the part and quoting what was given;
// from REDIS_URL the message says so.
func TestCLIBadURLParts(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"ping", "--redis-url", "redis://localhost:99999/0"},
			`flashtop: --redis-url: port "99999" is not a port number from 1 to 65535: "redis://localhost:99999/0"`},
		{nil, []string{"snapshot", "--redis-url", "redis://:pw@localhost:6379/-1"},
			`flashtop: --redis-url: database "-1" is not a database number (a whole number, 0 or more): "redis://:***@localhost:6379/-1"`},
		{nil, []string{"ping", "--redis-url", "garbage"},
			`flashtop: --redis-url must start with redis://, rediss://, valkey://, valkeys:// or unix:// (got "garbage")`},
		{map[string]string{envURL: "redis://localhost:99999"}, []string{"ping"},
			`flashtop: REDIS_URL: --redis-url: port "99999" is not a port number from 1 to 65535: "redis://localhost:99999"`},
		{nil, []string{"ping", "--redis-url", "redis://\x1b]0;pwned\x07h:1/0"},
			`flashtop: --redis-url is not a URL (net/url: invalid control character in URL): "redis://\x1b]0;pwned\ah:1/0"`},
	} {
		o := runCLI(t, c.env, c.args...)
		if want := c.want + "\n" + usageHint + "\n"; o.code != 2 || o.stderr != want || o.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, o.code, o.stderr, want)
		}
		noRawControl(t, strings.Join(c.args, " "), o.stderr)
		if strings.Contains(o.stderr, ":pw@") {
			t.Errorf("%q: the password shown: %q", c.args, o.stderr)
		}
	}
	o := runCLI(t, nil, "ping", "--json", "--redis-url", "redis://localhost:99999/0")
	if o.code != 2 || o.stdout != `{"ok":false,"status":"error","error":"--redis-url: port \"99999\" is not a port number from 1 to 65535: \"redis://localhost:99999/0\""}`+"\n" {
		t.Errorf("--json: %+v", o)
	}
}

// passwordWarningFor is the warning of a password given in a flag.
func passwordWarningFor(flag string) string {
	return "flashtop: warning: the password given in " + flag + " is visible to every local user in the process list;" +
		" give it in REDIS_PASSWORD or with --password-file FILE instead\n"
}

// TestCLIPasswordOnTheCommandLineIsWarned: --password and a password in a
// --redis-url flag are warned about on stderr (never quoting the password);
// REDIS_PASSWORD, a password in REDIS_URL and --password-file are not.
func TestCLIPasswordOnTheCommandLineIsWarned(t *testing.T) {
	const pw = "Wr0ng-Secr3t"
	srv := redistest.Start(t, "--requirepass", pw)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withPW := "redis://:" + pw + "@" + srv.Addr() + "/0"
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		warn string
	}{
		{"--password", nil, []string{"--redis-url", srv.URL(), "--password", pw}, passwordWarningFor("--password")},
		{"--redis-url user info", nil, []string{"--redis-url", withPW}, passwordWarningFor("--redis-url")},
		{"REDIS_PASSWORD", map[string]string{envURL: srv.URL(), envPassword: pw}, nil, ""},
		{"REDIS_URL", map[string]string{envURL: withPW}, nil, ""},
		{"--password-file", nil, []string{"--redis-url", srv.URL(), "--password-file", pwFile}, ""},
	} {
		o := runCLI(t, c.env, append([]string{"ping"}, c.args...)...)
		if o.code != 0 || o.stderr != c.warn || !strings.HasPrefix(o.stdout, "pong: ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 0, pong and stderr %q", c.name, o.code, o.stdout, o.stderr, c.warn)
		}
		if strings.Contains(o.stdout+o.stderr, pw) {
			t.Errorf("%s: the password shown", c.name)
		}
	}
}

// TestCLIPasswordFile: --password-file reads one line (one trailing newline
// dropped) from a file or a pipe, wins over REDIS_PASSWORD, excludes
// --password, and refuses what is not a password file with exit 2.
func TestCLIPasswordFile(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", "filepw")
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	crlf := file("crlf", "filepw\r\n")
	env := map[string]string{envURL: srv.URL(), envPassword: "wrong"}
	if o := runCLI(t, env, "ping", "--password-file", crlf); o.code != 0 || o.stderr != "" {
		t.Errorf("a CRLF file over a wrong REDIS_PASSWORD: %+v", o)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() { // the writer of a pipe, like <(pass show redis)
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			_, _ = f.WriteString("filepw\n")
			_ = f.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond) // the writer is blocked in open: the read finds it
	if o := runGuarded(t, env, "ping", "--password-file", fifo); o.code != 0 {
		t.Errorf("a pipe: %+v", o)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--password-file", file("empty", "\n")}, "--password-file: " + dir + "/empty is empty"},
		{[]string{"--password-file", file("two", "a\nb\n")}, "--password-file: " + dir + "/two holds more than one line: the password is the first and only line"},
		{[]string{"--password-file", file("big", strings.Repeat("x", 5000))}, "--password-file: " + dir + "/big holds more than 4096 bytes: not a password file"},
		{[]string{"--password-file", dir}, "--password-file: " + dir + " is a directory, not a regular file"},
		{[]string{"--password-file", "/dev/zero"}, "--password-file: /dev/zero is a device, not a regular file"},
		{[]string{"--password-file", crlf, "--password", "pw-flag-9"}, "--password and --password-file exclude each other"},
		{[]string{"--password-file", filepath.Join(dir, "missing")}, "--password-file: open " + dir + "/missing: no such file or directory"},
	} {
		o := runCLI(t, env, append([]string{"ping"}, c.args...)...)
		if want := "flashtop: " + c.want + "\n" + usageHint + "\n"; o.code != 2 || o.stderr != want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, o.code, o.stderr, want)
		}
	}
}

// TestCLITLSMismatchIsNamed: rediss:// to a plain server and redis:// to a
// TLS-only one are named as such, each within a second or so (measured and
// logged; asserted under 5 s), exit 3, for a read, a write and --json.
func TestCLITLSMismatchIsNamed(t *testing.T) {
	plain := redistest.Start(t)
	tlsOnly, certs := redistest.StartTLS(t, false)
	toPlain := "rediss://" + plain.Addr() + "/0"
	for _, c := range []struct {
		url  string
		tls  []string
		want string
	}{
		{toPlain, []string{"--tls-ca", certs.CA}, "flashtop: cannot reach Redis at " + toPlain + ": the server does not speak TLS (use redis:// instead of rediss://)"},
		{tlsOnly.URL(), nil, "flashtop: cannot reach Redis at " + tlsOnly.URL() + ": the server speaks only TLS (use rediss:// instead of redis://, with --tls-ca for its CA)"},
	} {
		for _, args := range [][]string{{"ping"}, {"reserve", "--sale", "s1", "--user", "u1"}, {"snapshot", "--json"}} {
			args = append(append(args, "--redis-url", c.url), c.tls...)
			start := time.Now()
			o := runGuarded(t, nil, args...)
			took := time.Since(start)
			if o.code != 3 || o.stderr != c.want+"\n" {
				t.Errorf("%q: exit %d, stderr %q; want exit 3 and %q", args, o.code, o.stderr, c.want)
			}
			if took > 5*time.Second {
				t.Errorf("%q: named after %s", args, took)
			}
			t.Logf("%q: named in %s", args, took.Round(time.Millisecond))
		}
	}
}

// TestCLIUnknownOutcomeSaysMayHaveBeenApplied: a write whose connection
// breaks after it was sent says its outcome is unknown and names the read
// that tells, in text and in JSON ("outcome": "unknown"), exit 3; it was
// sent once (a retry could have applied it twice).
func TestCLIUnknownOutcomeSaysMayHaveBeenApplied(t *testing.T) {
	for _, c := range []struct {
		args        []string
		cause, read string
	}{
		{[]string{"reserve", "--sale", "s1", "--user", "u1"}, "EOF", "flashtop snapshot --sale s1"},
		{[]string{"inventory", "restock", "--sale", "s1", "--qty", "5"}, "EOF", "flashtop inventory get --sale s1"},
		{[]string{"queue", "join", "--sale", "s1", "--user", "u1"}, "EOF", "flashtop queue position --sale s1 --user u1"},
		{[]string{"queue", "admit", "--sale", "s1"}, "EOF", "flashtop queue length --sale s1"},
	} {
		srv := redistest.StartBroken(t, redistest.DropOnScript)
		want := "flashtop: " + cmdName(c.args) + ": outcome unknown: no reply from Redis at " + srv.URL() +
			" after the command was sent (" + c.cause + "); it may have been applied: check with `" + c.read + "`"
		o := runGuarded(t, map[string]string{envURL: srv.URL()}, c.args...)
		if o.code != 3 || o.stderr != want+"\n" || o.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 3 and %q", c.args, o.code, o.stdout, o.stderr, want)
		}
		o = runGuarded(t, map[string]string{envURL: srv.URL()}, append(c.args, "--json")...)
		var e errorJSON
		if err := json.Unmarshal([]byte(o.stdout), &e); err != nil || o.code != 3 || e.OK || e.Status != "error" ||
			e.Outcome != "unknown" || e.Check != c.read || "flashtop: "+e.Error != want {
			t.Errorf("%q --json: exit %d, stdout %q", c.args, o.code, o.stdout)
		}
		if n := srv.Scripts(); n != 2 {
			t.Errorf("%q: %d scripts sent in two runs, want 2 (once each)", c.args, n)
		}
	}
	srv := redistest.StartBroken(t, redistest.SilentOnScript)
	o := runGuarded(t, nil, "inventory", "take", "--sale", "s1", "--qty", "1", "--timeout", "300ms", "--redis-url", srv.URL())
	if o.code != 3 || !strings.Contains(o.stderr, "i/o timeout") ||
		!strings.HasSuffix(o.stderr, "; it may have been applied: check with `flashtop inventory get --sale s1`\n") {
		t.Errorf("a server that never answers the write: %+v", o)
	}
	noRawControl(t, "take", o.stderr)
}

// cmdName is the command name of args: "reserve", "inventory restock".
func cmdName(args []string) string {
	if args[0] == "inventory" || args[0] == "queue" {
		return args[0] + " " + args[1]
	}
	return args[0]
}
