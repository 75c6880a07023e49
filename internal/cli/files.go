package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"
)

// Files named on the command line (--record, --debug, --password-file and
// replay's FILE) are opened without ever blocking: open(2) on a FIFO with
// no peer blocks, out of reach of the signal context, and a write to a FIFO
// nobody reads blocks the dashboard. O_NONBLOCK makes the open return at
// once (it changes nothing for a regular file), and the mode of the opened
// file, not of the path (which may change in between), decides.

// openRegular opens path with flag (os.O_RDONLY, or O_WRONLY|O_CREATE|
// O_APPEND, mode 0600 when created) and returns it only when it is a regular
// file; a FIFO, a device, a socket or a directory is refused, naming what it
// is.
func openRegular(path string, flag int) (*os.File, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode()) // the clear message; openChecked is the safe check
	}
	return openChecked(path, flag)
}

// openChecked opens path without blocking and keeps it only when the opened
// file is a regular one (the path may have been replaced since a Stat).
func openChecked(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0o600)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = notRegular(path, st.Mode())
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// notRegular is the error for a file that is not a regular one.
func notRegular(path string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO (named pipe)"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("%s is %s, not a regular file", path, what)
}

// Limits of --password-file.
const (
	maxPasswordFile  = 4096            // bytes
	passwordFileWait = 5 * time.Second // for a pipe, e.g. --password-file <(pass show redis)
)

// readPasswordFile reads the password of --password-file: a regular file or
// a pipe (read with a deadline, so that a silent writer cannot hang the
// command line), at most 4 KiB, one line; one trailing newline is dropped.
func readPasswordFile(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if m := st.Mode(); !m.IsRegular() && m&fs.ModeNamedPipe == 0 {
		return "", notRegular(path, m)
	}
	_ = f.SetReadDeadline(time.Now().Add(passwordFileWait)) // a regular file has none
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "", fmt.Errorf("%s: nothing to read within %s", path, passwordFileWait)
	}
	if err != nil {
		return "", err
	}
	if len(b) > maxPasswordFile {
		return "", fmt.Errorf("%s holds more than %d bytes: not a password file", path, maxPasswordFile)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	switch {
	case pw == "":
		return "", fmt.Errorf("%s is empty", path)
	case strings.ContainsAny(pw, "\r\n"):
		return "", fmt.Errorf("%s holds more than one line: the password is the first and only line", path)
	}
	return pw, nil
}
