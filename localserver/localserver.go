// Package localserver runs a throwaway redis-server (or valkey-server)
// process on a free loopback port in a directory of the caller's, without
// persistence. The test harness (redistest) and the demo mode both build on
// it.
package localserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// InstallHint is the error text when redis-server cannot be found.
const InstallHint = "redis-server not found on PATH: install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), or run ./test.sh which installs it"

// ValkeyInstallHint is the error text when valkey-server cannot be found.
// Debian 12 has Valkey 8 in bookworm-backports only.
const ValkeyInstallHint = "valkey-server not found on PATH: install it on Debian 12 with " +
	"`echo 'deb http://deb.debian.org/debian bookworm-backports main' | sudo tee /etc/apt/sources.list.d/bookworm-backports.list && " +
	"sudo apt-get update && sudo apt-get install -y -t bookworm-backports valkey-server`, or run ./test.sh which installs it"

// ErrNotInstalled is returned when no redis-server binary exists; a
// missing valkey-server is a NotInstalledError that matches it (errors.Is).
var ErrNotInstalled = errors.New(InstallHint)

// Kind is a server program: Redis or Valkey. Both take the same arguments.
type Kind string

// The server programs.
const (
	Redis  Kind = "redis-server"
	Valkey Kind = "valkey-server"
)

// Name is "redis" or "valkey" (what INFO's server_name says).
func (k Kind) Name() string { return strings.TrimSuffix(string(k), "-server") }

// InstallHint says how to install the program.
func (k Kind) InstallHint() string {
	if k == Valkey {
		return ValkeyInstallHint
	}
	return InstallHint
}

// NotInstalledError is the error of a program of Kind not on PATH.
type NotInstalledError struct{ Kind Kind }

func (e *NotInstalledError) Error() string { return e.Kind.InstallHint() }

// Is makes every NotInstalledError match ErrNotInstalled.
func (e *NotInstalledError) Is(target error) bool { return target == ErrNotInstalled }

// Binary returns the path of the program found on PATH, or an error
// matching ErrNotInstalled that says how to install it.
func (k Kind) Binary() (string, error) {
	if k == Redis {
		return Binary()
	}
	p, err := exec.LookPath(string(k))
	if err != nil {
		return "", &NotInstalledError{Kind: k}
	}
	return p, nil
}

// Start runs the program in dir as the package's Start does.
func (k Kind) Start(dir string, extraArgs ...string) (*Server, error) {
	bin, err := k.Binary()
	if err != nil {
		return nil, err
	}
	return StartBinary(bin, dir, extraArgs...)
}

// StartTLS runs the program in dir as the package's StartTLS does.
func (k Kind) StartTLS(dir string, extraArgs ...string) (*Server, error) {
	bin, err := k.Binary()
	if err != nil {
		return nil, err
	}
	return start(&Server{Host: "127.0.0.1", Dir: dir, args: extraArgs, bin: bin, TLS: true})
}

const (
	readyTimeout = 10 * time.Second
	stopTimeout  = 5 * time.Second
	startTries   = 5
)

// Server is one redis-server process.
type Server struct {
	Host string
	Port int
	Dir  string
	// TLS: the port is a TLS port and the plain port is off.
	TLS  bool
	args []string
	bin  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Binary returns the path of redis-server found on PATH, or
// ErrNotInstalled. Only PATH is searched, so that a PATH without
// redis-server means "not installed" (the demo then runs in process).
func Binary() (string, error) { return findBinary(exec.LookPath) }

func findBinary(lookPath func(string) (string, error)) (string, error) {
	p, err := lookPath("redis-server")
	if err != nil {
		return "", ErrNotInstalled
	}
	return p, nil
}

// Start runs redis-server in dir with extra arguments on a free loopback
// port and waits until it answers.
func Start(dir string, extraArgs ...string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	return StartBinary(bin, dir, extraArgs...)
}

// StartBinary is Start with the redis-server binary given.
func StartBinary(bin, dir string, extraArgs ...string) (*Server, error) {
	return start(&Server{Host: "127.0.0.1", Dir: dir, args: extraArgs, bin: bin})
}

// StartTLS is Start for a TLS-only server: the chosen port is its
// --tls-port (the plain port is off); extraArgs must name the certificate
// files (--tls-cert-file, --tls-key-file, --tls-ca-cert-file, ...).
func StartTLS(dir string, extraArgs ...string) (*Server, error) {
	return Redis.StartTLS(dir, extraArgs...)
}

func start(s *Server) (*Server, error) {
	var err error
	var lastErr error
	for attempt := 0; attempt < startTries; attempt++ {
		if s.Port, err = FreePort(); err != nil {
			return nil, fmt.Errorf("localserver: free port: %w", err)
		}
		if lastErr = s.launch(); lastErr == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("localserver: %s did not start: %w", filepath.Base(s.bin), lastErr)
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
	port := []string{"--port", strconv.Itoa(s.Port)}
	if s.TLS {
		port = []string{"--port", "0", "--tls-port", strconv.Itoa(s.Port)}
	}
	args := append(port, "--bind", s.Host, //nolint:gocritic // port is this function's own slice
		"--dir", s.Dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--protected-mode", "no",
		"--logfile", filepath.Join(s.Dir, "redis.log"))
	cmd := exec.Command(s.bin, append(args, s.args...)...)
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
			s.cmd = nil
			return fmt.Errorf("exited early; log: %s", s.Log())
		default:
		}
		if s.ready() {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Kill()
	return fmt.Errorf("no answer within %s; log: %s", readyTimeout, s.Log())
}

// ready reports whether our server answers: PONG from the process we started
// (INFO's process_id is checked, since another server may have taken the
// port between FreePort and our bind), or NOAUTH when it wants a password. A
// TLS-only server counts as ready once its port accepts.
func (s *Server) ready() bool {
	c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	if s.TLS {
		return true // the port accepts; a TLS handshake is the caller's business
	}
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	r := bufio.NewReader(c)
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	reply, err := r.ReadString('\n')
	switch {
	case err != nil:
		return false
	case strings.HasPrefix(reply, "-NOAUTH"):
		return true
	case !strings.HasPrefix(reply, "+PONG"):
		return false
	}
	return s.answersAsOurs(c, r)
}

// answersAsOurs asks INFO server on c and compares its process_id with the
// process we started.
func (s *Server) answersAsOurs(c net.Conn, r *bufio.Reader) bool {
	if _, err := c.Write([]byte("INFO server\r\n")); err != nil {
		return false
	}
	head, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, "$") {
		return false
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil || n < 0 || n > 1<<20 {
		return false
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return false
	}
	return strings.Contains(string(body), "process_id:"+strconv.Itoa(s.PID())+"\r\n")
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// URL is redis://host:port/0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// PID of the running process, 0 when stopped.
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Log returns the server's log file.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
	return string(b)
}

// Kill stops the server at once with SIGKILL, as a crash would.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port after Kill or Stop.
func (s *Server) Restart() error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		if err = s.launch(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond) // the port may linger briefly
	}
	return fmt.Errorf("localserver: restart on port %d: %w", s.Port, err)
}

// Stop terminates the server (SIGTERM, SIGKILL after 5 s) and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}
