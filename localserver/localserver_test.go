package localserver

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFindBinaryHint(t *testing.T) {
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	_, err := findBinary(notFound)
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install -y redis-server") {
		t.Fatalf("findBinary with nothing installed: %v, want the install hint", err)
	}
}

// TestBinaryOnlySearchesPath: with PATH naming only an empty directory,
// redis-server is not installed, wherever the machine has it; with PATH
// naming a directory holding an executable redis-server, that one is found.
func TestBinaryOnlySearchesPath(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty)
	if p, err := Binary(); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("Binary() with PATH=%s = %q, %v; want ErrNotInstalled", empty, p, err)
	}
	if p, err := Valkey.Binary(); !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "-t bookworm-backports valkey-server") {
		t.Fatalf("Valkey.Binary() with PATH=%s = %q, %v; want ErrNotInstalled with the backports hint", empty, p, err)
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "redis-server")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", empty+string(os.PathListSeparator)+dir)
	if p, err := Binary(); err != nil || p != fake {
		t.Fatalf("Binary() = %q, %v; want %s", p, err, fake)
	}
}

func TestStartStopLeavesNoProcess(t *testing.T) {
	s, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	if pid == 0 || syscall.Kill(pid, 0) != nil {
		t.Fatalf("pid %d not running", pid)
	}
	s.Stop()
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("pid %d still running after Stop", pid)
	}
	if s.PID() != 0 {
		t.Fatal("PID not reset after Stop")
	}
	s.Stop() // idempotent
}

func TestStartFailsOnBadArgs(t *testing.T) {
	dir := t.TempDir()
	_, err := Start(dir, "--no-such-option", "x")
	if err == nil {
		t.Fatal("Start with a bad option succeeded")
	}
	if _, statErr := os.Stat(dir); statErr != nil {
		t.Fatalf("dir vanished: %v", statErr)
	}
}

// A server on the port that is not the process we started is not ours: the
// port can be taken between FreePort and our bind.
func TestReadyRejectsAnotherServersPong(t *testing.T) {
	ours, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Stop()
	if !ours.ready() {
		t.Fatal("our own server is not ready")
	}
	other := exec.Command("sleep", "30") // a process of ours that is not that server
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	impostor := &Server{Host: ours.Host, Port: ours.Port, cmd: other}
	if impostor.ready() {
		t.Fatal("ready() accepted the PONG of a server with another process id")
	}
}
