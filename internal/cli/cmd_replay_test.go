package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLIReplayRefusesBadRecordings: a replay needs a readable recording
// with at least one snapshot; anything else is bad input (exit 2), found
// before the dashboard opens.
func TestCLIReplayRefusesBadRecordings(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"taken_at":"2026-01-01T00:00:00Z","server":{},"sales":[],"reservations":[],"queues":{},"sessions":{},"slowlog":[],"anomalies":[]}`+"\nnot a snapshot\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "missing.jsonl"): "no such file",
		bad:                                 "line 2 is not a snapshot",
	} {
		if o := runCLI(t, nil, "replay", file); o.code != 2 || !strings.Contains(o.stderr, want) {
			t.Errorf("replay %s: %+v, want exit 2 and %q", file, o, want)
		}
	}
	if o := runCLI(t, nil, "replay", "a", "b"); o.code != 2 || !strings.Contains(o.stderr, "replay needs one FILE") {
		t.Errorf("two files: %+v", o)
	}
	if o := runCLI(t, nil, "help", "replay"); o.code != 0 || !strings.Contains(o.stdout, "replay FILE") {
		t.Errorf("help replay: %+v", o)
	}
}

// TestCLIReplayRefusesHostileFiles: a 1 GiB sparse file and /dev/zero are
// refused at once (exit 2; never read whole), a FIFO nobody writes to is
// refused without blocking, and null, {} or a JSON line without the
// snapshot's fields are refused naming the line.
func TestCLIReplayRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	sparse := filepath.Join(dir, "sparse.jsonl")
	if err := os.WriteFile(sparse, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 1<<30); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	good := `{"taken_at":"2026-01-01T00:00:00Z","server":{},"sales":[],"reservations":[],"queues":{},"sessions":{},"slowlog":[],"anomalies":[]}` + "\n"
	lines := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const bad = "flashtop: replay: bad recording: "
	for _, c := range []struct{ file, want string }{
		{sparse, bad + sparse + " line 1 is longer than 16 MiB: not a recording (one line is one snapshot)"},
		{"/dev/zero", bad + "/dev/zero is a device, not a regular file"},
		{fifo, bad + fifo + " is a FIFO (named pipe), not a regular file"},
		{dir, bad + dir + " is a directory, not a regular file"},
		{lines("null", good+"null\n"), bad + dir + "/null line 2 is not a snapshot: a JSON null, not an object"},
		{lines("empty", good+"\n{}\n"), bad + dir + `/empty line 3 is not a snapshot: missing "taken_at", "server", "sales", "reservations", "queues", "sessions", "slowlog", "anomalies" (a snapshot has all of taken_at, server, sales, reservations, queues, sessions, slowlog, anomalies)`},
		{lines("partial", good+`{"taken_at":"2026-01-01T00:00:01Z","server":{}}`+"\n"), bad + dir + `/partial line 2 is not a snapshot: missing "sales", "reservations", "queues", "sessions", "slowlog", "anomalies" (a snapshot has all of taken_at, server, sales, reservations, queues, sessions, slowlog, anomalies)`},
		{lines("escape", "\x1b]0;pwned\x07\n"), bad + dir + `/escape line 1 is not a snapshot: invalid character '\x1b' looking for beginning of value`},
	} {
		start := time.Now()
		o := runGuarded(t, nil, "replay", c.file)
		took := time.Since(start)
		if want := c.want + "\n"; o.code != 2 || o.stderr != want {
			t.Errorf("replay %s: exit %d, stderr %q; want exit 2 and %q", c.file, o.code, o.stderr, want)
		}
		noRawControl(t, "replay "+c.file, o.stderr)
		if took > 5*time.Second {
			t.Errorf("replay %s took %s to refuse", c.file, took)
		}
		t.Logf("replay %s refused in %s", filepath.Base(c.file), took.Round(time.Millisecond))
	}
}
