package replay

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
)

var t0 = time.Unix(1_800_000_000, 0).UTC()

// recording is n snapshots one second apart; frame i has stock i.
func recording(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		stock := int64(i)
		s := redisops.Snapshot{TakenAt: t0.Add(time.Duration(i) * time.Second),
			Sales: []redisops.SaleStats{{ID: "s1", Inventory: &stock, LeakedUnits: int64(i)}}}
		line, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteString("\n")
	}
	return b.String()
}

// frame is the stock of the frame the player serves.
func frame(t *testing.T, p *Player) int64 {
	t.Helper()
	s, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return *s.Sales[0].Inventory
}

func TestPlayerFollowsRecordedTimeAtItsSpeed(t *testing.T) {
	wall := t0
	p, err := New(strings.NewReader(recording(t, 10)), "r", redisops.DefaultSchema(), func() time.Time { return wall })
	if err != nil {
		t.Fatal(err)
	}
	if got := frame(t, p); got != 0 || !p.Now().Equal(t0) {
		t.Fatalf("start: frame %d at %s", got, p.Now())
	}
	wall = wall.Add(2500 * time.Millisecond)
	if got := frame(t, p); got != 2 {
		t.Fatalf("after 2.5s at 1×: frame %d, want 2", got)
	}
	p.SetSpeed(4)
	wall = wall.Add(time.Second) // 4 recorded seconds: 6.5 s
	if got := frame(t, p); got != 6 {
		t.Fatalf("after 1s at 4×: frame %d, want 6", got)
	}
	p.SetPaused(true)
	wall = wall.Add(time.Hour)
	if got := frame(t, p); got != 6 || !p.Paused() {
		t.Fatalf("paused: frame %d", got)
	}
	p.Step(-2)
	if got := frame(t, p); got != 4 {
		t.Fatalf("two steps back: frame %d", got)
	}
	p.Step(100)
	if i, n := p.Position(); i != 10 || n != 10 || frame(t, p) != 9 {
		t.Fatalf("past the end: %d/%d", i, n)
	}
	p.SetPaused(false) // from the last frame: starts over
	if got := frame(t, p); got != 0 {
		t.Fatalf("play from the end: frame %d, want 0", got)
	}
	wall = wall.Add(time.Minute)
	if got := frame(t, p); got != 9 || !p.Paused() {
		t.Fatalf("played to the end: frame %d, paused %v", got, p.Paused())
	}
	p.SetSpeed(1000)
	if p.Speed() != MaxSpeed {
		t.Fatalf("speed %g, want %g", p.Speed(), float64(MaxSpeed))
	}
	p.SetSpeed(0)
	if p.Speed() != MinSpeed {
		t.Fatalf("speed %g, want %g", p.Speed(), MinSpeed)
	}
}

func TestPlayerServesCopies(t *testing.T) {
	p, err := New(strings.NewReader(recording(t, 1)), "r", redisops.DefaultSchema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := p.Snapshot(context.Background(), redisops.SnapshotOptions{})
	s.Sales[0].ID = "changed"
	if s2, _ := p.Snapshot(context.Background(), redisops.SnapshotOptions{}); s2.Sales[0].ID != "s1" {
		t.Fatal("a served snapshot shares memory with the recording")
	}
}

func TestBadRecordings(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty":   "",
		"blank":   "\n\n",
		"garbage": recording(t, 1) + "not json\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(path, redisops.DefaultSchema(), nil); !errors.Is(err, ErrRecording) {
			t.Errorf("%s: %v, want ErrRecording", name, err)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing"), redisops.DefaultSchema(), nil); !errors.Is(err, ErrRecording) {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "ok")
	_ = os.WriteFile(path, []byte(recording(t, 3)), 0o600)
	p, err := Open(path, redisops.DefaultSchema(), nil)
	if err != nil || p.URL() != "replay of "+path {
		t.Fatalf("ok file: %v", err)
	}
	if _, err := p.Take(context.Background(), "s1", 1); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("take: %v", err)
	}
}
