package recording

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
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

// load opens path and loads it as cmd_replay does; the file is closed when
// the test ends.
func load(t *testing.T, path string) (*Player, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = f.Close() })
	return Load(context.Background(), f, path, redisops.DefaultSchema(), nil)
}

func TestBadRecordings(t *testing.T) {
	dir := t.TempDir()
	one := recording(t, 1)
	for name, c := range map[string]struct{ body, want string }{
		"empty":     {"", "empty holds no snapshot"},
		"blank":     {"\n \n\t\n", "blank holds no snapshot"},
		"garbage":   {one + "not json\n", "garbage line 2 is not a snapshot: invalid character 'o' in literal null (expecting 'u')"},
		"null":      {one + "\n null \n", "null line 3 is not a snapshot: a JSON null, not an object"},
		"array":     {"[1]\n", "array line 1 is not a snapshot: a JSON array, not an object"},
		"number":    {one + one + "7\n", "number line 3 is not a snapshot: a JSON number, not an object"},
		"object":    {"{}\n", `object line 1 is not a snapshot: missing "taken_at", "server", "sales", "reservations", "queues", "sessions", "slowlog", "anomalies" (a snapshot has all of taken_at, server, sales, reservations, queues, sessions, slowlog, anomalies)`},
		"time only": {`{"taken_at":"2026-01-01T00:00:00Z"}` + "\n", `time only line 1 is not a snapshot: missing "server", "sales", "reservations", "queues", "sessions", "slowlog", "anomalies" (a snapshot has all of taken_at, server, sales, reservations, queues, sessions, slowlog, anomalies)`},
		"zero time": {strings.Replace(one, t0.Format(time.RFC3339), "0001-01-01T00:00:00Z", 1), `zero time line 1 is not a snapshot: "taken_at" is not a time`},
		"bad type":  {strings.Replace(one, `"sales":[`, `"sales":"x","x":[`, 1), "bad type line 1 is not a snapshot: json: cannot unmarshal string into Go struct field …"}, // the rest names decoding internals
		"cut":       {one[:len(one)-10], "cut line 1 is not a snapshot: unexpected end of JSON input"},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		want := ErrRecording.Error() + ": " + filepath.Join(dir, c.want)
		says := func(err error) bool { // exactly want, or its start when it ends with …
			prefix, cut := strings.CutSuffix(want, "…")
			return err != nil && (err.Error() == want || cut && strings.HasPrefix(err.Error(), prefix))
		}
		if _, err := load(t, path); !errors.Is(err, ErrRecording) || !says(err) {
			t.Errorf("%s: %v\nwant %s", name, err, want)
		}
		if _, err := New(strings.NewReader(c.body), dir+"/"+name, redisops.DefaultSchema(), nil); !says(err) {
			t.Errorf("%s from a stream: %v", name, err)
		}
	}
	path := filepath.Join(dir, "ok")
	_ = os.WriteFile(path, []byte("\n"+recording(t, 3)+"\n\n"), 0o600)
	p, err := load(t, path)
	if err != nil || p.URL() != "replay of "+path {
		t.Fatalf("ok file: %v", err)
	}
	if i, n := p.Position(); i != 1 || n != 3 || frame(t, p) != 0 {
		t.Fatalf("ok file: frame %d/%d", i, n)
	}
	p.Step(2)
	if frame(t, p) != 2 {
		t.Fatal("the last frame of the file is not the last one recorded")
	}
	if _, err := p.Do(context.Background(), redisops.Request{Kind: redisops.KindTake, Sale: "s1", N: 1}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("take: %v", err)
	}
}

// TestLongLinesAreNotReadWhole: a 1 GiB sparse file (zeros, no newline) and
// an endless stream of zeros (/dev/zero) are refused at line 1 once the line
// passes MaxLine, having allocated a small multiple of MaxLine, not the file.
func TestLongLinesAreNotReadWhole(t *testing.T) {
	sparse := filepath.Join(t.TempDir(), "sparse.jsonl")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	want := func(name string) string {
		return ErrRecording.Error() + ": " + name + " line 1 is longer than 16 MiB: not a recording (one line is one snapshot)"
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = load(t, sparse)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || err.Error() != want(sparse) {
		t.Fatalf("sparse file: %v", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 8*MaxLine {
		t.Errorf("a 1 GiB line allocated %d MiB (at most %d expected)", alloc>>20, 8*MaxLine>>20)
	}
	t.Logf("1 GiB sparse file refused in %s, %d MiB allocated", took, alloc>>20)
	if _, err := New(zeros{}, "/dev/zero", redisops.DefaultSchema(), nil); err == nil || err.Error() != want("/dev/zero") {
		t.Fatalf("endless zeros: %v", err)
	}
	exact := strings.Repeat(" ", MaxLine) + "\n" + recording(t, 1) // a line of exactly MaxLine bytes is blank, not too long
	if p, err := New(strings.NewReader(exact), "r", redisops.DefaultSchema(), nil); err != nil || frame(t, p) != 0 {
		t.Fatalf("a line of MaxLine bytes: %v", err)
	}
}

// zeros reads as an endless run of zero bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// TestLoadStopsOnInterrupt: a cancelled context stops the reading of a long
// file of blank lines.
func TestLoadStopsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, strings.NewReader(strings.Repeat("\n", 10_000)+recording(t, 1)), "r", redisops.DefaultSchema(), nil)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrRecording) {
		t.Fatalf("cancelled: %v", err)
	}
}
