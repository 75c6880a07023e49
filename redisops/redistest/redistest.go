// Package redistest starts real redis-server processes for tests: each on a
// free loopback port, in its own temporary directory, without persistence,
// stopped by PID when the test ends. It never mocks Redis: a machine without
// redis-server fails the test with a hint on how to install it.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// InstallHint is printed when redis-server cannot be found.
const InstallHint = "redis-server not found on PATH: install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), or run ./test.sh which installs it"

// readyTimeout bounds how long Start waits for a server to answer PING.
const readyTimeout = 10 * time.Second

// Server is one running redis-server process.
type Server struct {
	// Host and Port the server listens on (always loopback).
	Host string
	Port int
	// Dir is the server's working directory (removed by the test's TempDir).
	Dir  string
	args []string
	bin  string
	cmd  *exec.Cmd
	done chan struct{}
	tb   testing.TB
}

// Binary returns the path of redis-server, or an error with InstallHint.
func Binary() (string, error) {
	return findBinary(exec.LookPath, []string{"/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"})
}

func findBinary(lookPath func(string) (string, error), fixed []string) (string, error) {
	if p, err := lookPath("redis-server"); err == nil {
		return p, nil
	}
	for _, p := range fixed {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New(InstallHint)
}

// Start runs a redis-server with extra arguments (e.g. "--requirepass", "pw")
// and waits until it answers PING. It is stopped in t.Cleanup.
func Start(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Dir: tb.TempDir(), args: extraArgs, bin: bin, tb: tb}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := FreePort()
		if err != nil {
			tb.Fatalf("redistest: free port: %v", err)
		}
		s.Port = port
		if lastErr = s.launch(); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("redistest: redis-server did not start: %v", lastErr)
	return nil
}

// FreePort asks the kernel for a free loopback TCP port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) launch() error {
	args := []string{
		"--port", strconv.Itoa(s.Port), "--bind", s.Host,
		"--dir", s.Dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--protected-mode", "no",
		"--logfile", filepath.Join(s.Dir, "redis.log"),
	}
	args = append(args, s.args...)
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("exited early; log: %s", s.Log())
		default:
		}
		if s.ready() {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	return fmt.Errorf("no answer within %s; log: %s", readyTimeout, s.Log())
}

// ready reports whether the port accepts connections and answers (PONG, or
// NOAUTH when the server requires a password: it is up either way).
func (s *Server) ready() bool {
	c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	if strings.Contains(strings.Join(s.args, " "), "--tls-port") {
		return true
	}
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return false
	}
	reply := string(buf[:n])
	return strings.HasPrefix(reply, "+PONG") || strings.HasPrefix(reply, "-NOAUTH")
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// URL is redis://host:port/0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// PID of the running process (0 when stopped).
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Client returns a go-redis client to the server, closed in t.Cleanup.
func (s *Server) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true})
	tb.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil && !strings.Contains(err.Error(), "NOAUTH") {
		tb.Fatalf("redistest: ping %s: %v", s.Addr(), err)
	}
	return c
}

// Log returns the server's log file (for failure messages).
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
	return string(b)
}

// Kill stops the server at once with SIGKILL, as a crash would.
func (s *Server) Kill() { s.kill() }

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port after Kill or Stop.
func (s *Server) Restart() {
	s.tb.Helper()
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond) // the port may linger briefly
	}
	s.tb.Fatalf("redistest: restart on port %d: %v", s.Port, err)
}

// Stop terminates the server (SIGTERM, then SIGKILL after 5 s) and waits.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}
