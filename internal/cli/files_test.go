package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenCheckedNeverBlocks: the open behind --record, --debug and replay
// refuses a FIFO at once, whether someone reads it or not (a plain open
// would block until a reader came, or write into a pipe nobody drains), and
// a device; a regular file is created 0600.
func TestOpenCheckedNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	const appendFlags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	check := func(what string, open func() (*os.File, error), want string) {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			f, err := open()
			if f != nil {
				_ = f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", what, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s blocked", what)
		}
	}
	check("a FIFO nobody reads, for writing", func() (*os.File, error) { return openChecked(fifo, appendFlags) }, "no such device or address")
	check("a FIFO nobody writes, for reading", func() (*os.File, error) { return openChecked(fifo, os.O_RDONLY) }, "is a FIFO (named pipe), not a regular file")
	reader, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	check("a FIFO someone reads, for writing", func() (*os.File, error) { return openChecked(fifo, appendFlags) }, "is a FIFO (named pipe), not a regular file")
	check("a device", func() (*os.File, error) { return openChecked("/dev/null", appendFlags) }, "/dev/null is a device, not a regular file")
	check("a directory", func() (*os.File, error) { return openRegular(dir, os.O_RDONLY) }, "is a directory, not a regular file")
	path := filepath.Join(dir, "new.log")
	f, err := openRegular(path, appendFlags)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("created %v, %v; want mode 0600", st, err)
	}
}

// TestDashboardRefusesNonRegularFiles: --record and --debug to a FIFO, a
// device or a directory exit 2 naming the flag and the reason, before the
// dashboard starts (a FIFO used to block there, deaf to q, ctrl+c and
// SIGTERM).
func TestDashboardRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ flag, file, want string }{
		{"--record", fifo, "flashtop: --record: " + fifo + " is a FIFO (named pipe), not a regular file\n"},
		{"--debug", fifo, "flashtop: --debug: " + fifo + " is a FIFO (named pipe), not a regular file\n"},
		{"--record", "/dev/null", "flashtop: --record: /dev/null is a device, not a regular file\n"},
		{"--debug", "/dev/zero", "flashtop: --debug: /dev/zero is a device, not a regular file\n"},
		{"--record", dir, "flashtop: --record: " + dir + " is a directory, not a regular file\n"},
	} {
		cfg, err := parseFlags([]string{"--redis-url", "redis://127.0.0.1:1/0", c.flag, c.file}, envOf(nil), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var stderr strings.Builder
		code := -1
		go func() {
			defer close(done)
			code = runDashboard(context.Background(), cfg, io.Discard, &stderr)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %s: the dashboard blocked", c.flag, c.file)
		}
		if code != exitUsage || stderr.String() != c.want {
			t.Errorf("%s %s: exit %d, stderr %q; want exit 2 and %q", c.flag, c.file, code, stderr.String(), c.want)
		}
	}
}
