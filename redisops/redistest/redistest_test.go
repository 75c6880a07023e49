package redistest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func alive(pid int) bool { return pid > 0 && syscall.Kill(pid, 0) == nil }

func TestStartServesAndStops(t *testing.T) {
	EachKind(t, testStartServesAndStops)
}

func testStartServesAndStops(t *testing.T, k Kind) {
	s := k.Start(t)
	c := s.Client(t)
	ctx := context.Background()
	if info := c.Info(ctx, "server").Val(); k == Valkey && !strings.Contains(info, "server_name:valkey\r\n") ||
		k == Redis && !strings.Contains(info, "redis_version:") {
		t.Fatalf("%s: INFO server does not say it is %s:\n%s", k.Name(), k.Name(), info)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(ctx, "k").Val(); got != "v" {
		t.Fatalf("GET k = %q, want v", got)
	}
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("Addr %q is not loopback", s.Addr())
	}
	pid := s.PID()
	if !alive(pid) {
		t.Fatalf("pid %d not alive", pid)
	}
	s.Stop()
	if s.PID() != 0 {
		t.Fatalf("PID after Stop = %d, want 0", s.PID())
	}
	if alive(pid) {
		t.Fatalf("pid %d still alive after Stop", pid)
	}
}

func TestKillAndRestartSamePort(t *testing.T) {
	s := Start(t)
	port, pid := s.Port, s.PID()
	s.Kill()
	if alive(pid) {
		t.Fatalf("pid %d alive after Kill", pid)
	}
	s.Restart()
	if s.Port != port {
		t.Fatalf("port changed: %d -> %d", port, s.Port)
	}
	if err := s.Client(t).Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
}

func TestExtraArgsArePassed(t *testing.T) {
	s := Start(t, "--requirepass", "sekret")
	err := s.Client(t).Ping(context.Background()).Err()
	if err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Fatalf("ping without password: %v, want NOAUTH", err)
	}
}

func TestServerDirIsTemporary(t *testing.T) {
	s := Start(t)
	if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
		t.Fatalf("dir %q: %v", s.Dir, err)
	}
	if !strings.HasPrefix(s.Dir, os.TempDir()) {
		t.Fatalf("dir %q is not under %s", s.Dir, os.TempDir())
	}
}

func TestBinaryIsFound(t *testing.T) {
	for _, k := range Kinds {
		bin, err := k.Binary()
		if err != nil {
			t.Fatal(err) // the install hint: never a skip
		}
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("%s: Binary() = %q: %v", k.Name(), bin, err)
		}
	}
}

func TestClusterOfThreeServesEverySlot(t *testing.T) {
	EachKind(t, testClusterOfThreeServesEverySlot)
}

func testClusterOfThreeServesEverySlot(t *testing.T, k Kind) {
	c := k.StartCluster(t, 3)
	cl := c.Client(t)
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		k := "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if err := cl.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	var masters atomic.Int32
	err := cl.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		masters.Add(1)
		return m.Ping(ctx).Err()
	})
	if err != nil || masters.Load() != 3 {
		t.Fatalf("masters = %d, %v; want 3", masters.Load(), err)
	}
	if !strings.Contains(c.URL(), "?addr=") {
		t.Fatalf("URL %q lacks the other nodes", c.URL())
	}
}

func TestTLSServerNeedsTrustedClient(t *testing.T) {
	s, certs := StartTLS(t, true)
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(certs.CA)
	if err != nil || !pool.AppendCertsFromPEM(ca) {
		t.Fatalf("CA: %v", err)
	}
	pair, err := tls.LoadX509KeyPair(certs.ClientCert, certs.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	good := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true,
		TLSConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, ServerName: "127.0.0.1"}})
	defer good.Close()
	if err := good.Ping(ctx).Err(); err != nil {
		t.Fatalf("ping with a trusted client cert: %v", err)
	}
	bad := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true, MaxRetries: -1,
		TLSConfig: &tls.Config{ServerName: "127.0.0.1"}})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil {
		t.Fatal("ping trusting the system roots only succeeded against a test CA")
	}
}
