package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/read"
)

// TestStartServerWithoutRedisServerOnPath: with no redis-server on PATH the
// demo runs in process (localserver.Binary searches PATH only), leaves no
// directory behind, and with one on PATH it runs the real thing.
func TestStartServerWithoutRedisServerOnPath(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("PATH", t.TempDir())
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindInProcess || s.PID != 0 || s.Dir != "" {
		t.Fatalf("server without redis-server on PATH = %+v, want in process", s)
	}
	serves(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("in-process demo left %d entries in TMPDIR", len(left))
	}
}

// TestRedisServerDirUnderTMPDIR: the redis-server's directory is made under
// TMPDIR and removed by Close (the end-to-end tests rely on it).
func TestRedisServerDirUnderTMPDIR(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != KindRedisServer {
		t.Fatalf("kind %s with redis-server on PATH", s.Kind)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 1 || filepath.Join(tmp, left[0].Name()) != s.Dir {
		t.Fatalf("TMPDIR holds %v, want the server's directory %s", left, s.Dir)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("TMPDIR still holds %v after Close", left)
	}
}

// TestSimRunsInProcess: the demo's fallback server runs every script the
// simulator uses, so the demo moves without redis-server installed.
func TestSimRunsInProcess(t *testing.T) {
	s, err := StartInProcess()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := newClient(t, s.URL, 0)
	ctx := context.Background()
	cfg := DefaultConfig(1)
	if err := Seed(ctx, c, cfg.Profiles, time.Now()); err != nil {
		t.Fatal(err)
	}
	var failed []Op
	sim := New(c, cfg, func(o Op) {
		if o.Err != nil {
			failed = append(failed, o)
		}
	})
	if err := sim.Rush(StorySale); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60; i++ { // 30 s of virtual time
		sim.Advance(ctx, 500*time.Millisecond)
	}
	if len(failed) > 0 {
		t.Fatalf("%d ops failed in process; first: %v", len(failed), failed[0])
	}
	st := sim.Stats()
	if st.Joined == 0 || st.Admitted == 0 || st.Reserved == 0 || st.CheckedOut == 0 || st.Released == 0 {
		t.Fatalf("in-process run did not exercise every path: %+v", st)
	}
	snap, err := read.Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sales) != len(cfg.Profiles) {
		t.Fatalf("snapshot of the in-process demo shows %d sales, want %d", len(snap.Sales), len(cfg.Profiles))
	}
	for _, sale := range snap.Sales {
		for _, p := range cfg.Profiles {
			if p.Sale == sale.ID && (sale.Inventory == nil || *sale.Inventory >= p.Stock) {
				t.Errorf("%s: stock %v never moved from %d", sale.ID, sale.Inventory, p.Stock)
			}
		}
	}
}
