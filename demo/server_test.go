package demo

import (
	"context"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"flashtop/localserver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serves checks that the server answers, runs a Lua script using cjson and
// TIME (as flashtop's scripts do), and counts TTLs down.
func serves(t *testing.T, s *Server) {
	t.Helper()
	opt, err := redis.ParseURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET on %s server: %v", s.Kind, err)
	}
	got, err := c.Eval(ctx, `local t = redis.call('TIME'); return cjson.decode(ARGV[1]).q + 0 * t[1]`, nil, `{"q":3}`).Int64()
	if err != nil || got != 3 {
		t.Fatalf("script on %s server = %d, %v; want 3", s.Kind, got, err)
	}
	if err := c.Set(ctx, "ttl", "x", 2*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	pttl := c.PTTL(ctx, "ttl").Val()
	if pttl <= 0 || pttl > 1000*time.Millisecond {
		t.Fatalf("%s server: PTTL after 1.1 s = %v, want it to have counted down below 1s", s.Kind, pttl)
	}
}

func closed(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err == nil {
		c.Close()
	}
	return err != nil
}

func TestRedisServerLifecycle(t *testing.T) {
	bin, err := localserver.Binary()
	if err != nil {
		t.Fatal(err)
	}
	s, err := StartRedisServer(bin)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindRedisServer || s.PID == 0 || s.Dir == "" {
		t.Fatalf("server = %+v", s)
	}
	serves(t, s)
	addr := s.URL[len("redis://") : len(s.URL)-len("/0")]
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if syscall.Kill(s.PID, 0) == nil {
		t.Fatalf("redis-server pid %d still running after Close", s.PID)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Fatalf("temp dir %s left behind (%v)", s.Dir, err)
	}
	if !closed(addr) {
		t.Fatalf("%s still accepts connections", addr)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestInProcessLifecycle(t *testing.T) {
	s, err := StartInProcess()
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindInProcess || s.PID != 0 || s.Dir != "" {
		t.Fatalf("server = %+v", s)
	}
	serves(t, s)
	addr := s.URL[len("redis://") : len(s.URL)-len("/0")]
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !closed(addr) {
		t.Fatalf("%s still accepts connections", addr)
	}
}

func TestStartServerFallsBackWithoutRedisServer(t *testing.T) {
	s, err := startServer(func() (string, error) { return "", localserver.ErrNotInstalled })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Kind != KindInProcess {
		t.Fatalf("kind = %s, want %s", s.Kind, KindInProcess)
	}
	s2, err := startServer(localserver.Binary)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Kind != KindRedisServer {
		t.Fatalf("kind = %s with redis-server installed, want %s", s2.Kind, KindRedisServer)
	}
}
