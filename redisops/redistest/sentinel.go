package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMasterName is the name the Sentinel harness monitors its master as.
const SentinelMasterName = "mymaster"

// Sentinel is a master and one Sentinel process monitoring it (quorum 1),
// both real redis-server processes on free loopback ports.
type Sentinel struct {
	Master *Server
	Port   int // the Sentinel's port
	Dir    string
	cmd    *exec.Cmd
	done   chan struct{}
}

// StartSentinel starts a master and a Sentinel (`redis-server sentinel.conf
// --sentinel`, the file generated in a temporary directory) that monitors it
// as SentinelMasterName, and waits until the Sentinel names the master. Both
// are stopped in t.Cleanup.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	s := &Sentinel{Master: Start(tb), Dir: tb.TempDir()}
	bin, err := Binary()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	var lastErr error
	for try := 0; try < 5; try++ {
		if lastErr = s.launch(bin); lastErr == nil {
			tb.Cleanup(s.stop)
			return s
		}
	}
	tb.Fatalf("redistest: sentinel did not start: %v", lastErr)
	return nil
}

// Addr is the Sentinel's host:port.
func (s *Sentinel) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// URL is the Sentinel's redis:// URL (for --redis-url with --sentinel-master).
func (s *Sentinel) URL() string { return "redis://" + s.Addr() }

// launch writes sentinel.conf for a free port, starts the Sentinel and waits
// until it answers SENTINEL GET-MASTER-ADDR-BY-NAME with the master.
func (s *Sentinel) launch(bin string) error {
	port, err := FreePort()
	if err != nil {
		return err
	}
	s.Port = port
	conf := filepath.Join(s.Dir, "sentinel.conf")
	text := fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode no\ndaemonize no\ndir %s\nlogfile %s\n"+
		"sentinel monitor %s %s %d 1\nsentinel down-after-milliseconds %s 5000\n",
		port, s.Dir, filepath.Join(s.Dir, "sentinel.log"), SentinelMasterName, s.Master.Host, s.Master.Port, SentinelMasterName)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(bin, conf, "--sentinel")
	cmd.Dir = s.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(s.done)
	want := strconv.Itoa(s.Master.Port)
	c := redis.NewSentinelClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(s.Dir, "sentinel.log"))
			return fmt.Errorf("exited early; log: %s", log)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		addr, err := c.GetMasterAddrByName(ctx, SentinelMasterName).Result()
		cancel()
		if err == nil && len(addr) == 2 && addr[1] == want {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return fmt.Errorf("no answer within 10s")
}

// stop kills the Sentinel process (by its PID) and waits for it.
func (s *Sentinel) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
	s.cmd = nil
}
