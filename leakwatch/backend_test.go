package leakwatch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"flashtop/redisops"
)

// fakeInner is a backend to wrap: it returns the snapshot it is given and
// records the releases asked of it. The other operations are not called
// (its Do panics on them, as the nil Inner it embeds would on URL).
type fakeInner struct {
	Inner
	mu       sync.Mutex
	snap     *redisops.Snapshot
	released []string
}

func (f *fakeInner) Snapshot(context.Context, redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := *f.snap
	s.Sales = append([]redisops.SaleStats(nil), f.snap.Sales...)
	return &s, nil
}

func (f *fakeInner) Do(_ context.Context, r redisops.Request) (redisops.Result, error) {
	if r.Kind != redisops.KindRelease {
		panic("fakeInner: only releases are asked of it")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = append(f.released, r.User+":"+r.Sale)
	return redisops.Result{OK: true, Status: redisops.StatusReleased}, nil
}

func (f *fakeInner) Schema() redisops.Schema { return redisops.DefaultSchema() }

func (f *fakeInner) show(s *redisops.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
}

// holdSnapshot is a snapshot at at of sale s1 listing holds (complete).
func holdSnapshot(at time.Time, holds ...redisops.Hold) *redisops.Snapshot {
	return &redisops.Snapshot{TakenAt: at, Reservations: holds,
		Sales: []redisops.SaleStats{{ID: "s1", Reservations: int64(len(holds))}}}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

// TestBackendWatchesAndRecords: a hold a later snapshot no longer lists,
// after its deadline, rides along in that snapshot as a leak, its units fill
// the sale row, and each snapshot is one line of the recording; a failed
// recording is reported once.
func TestBackendWatchesAndRecords(t *testing.T) {
	ctx := context.Background()
	h := trackedHoldAt("s1", "dave", 2, 2*time.Minute, t0)
	for _, tc := range []struct {
		name string
		rec  io.Writer
	}{{"recorded", &bytes.Buffer{}}, {"recording fails", failWriter{}}} {
		t.Run(tc.name, func(t *testing.T) {
			in := &fakeInner{snap: holdSnapshot(t0, h)}
			b := NewBackend(in, &Watch{Tracker: NewTracker(0), Ledger: NewMemLedger()}, nil, tc.rec)
			var errs []string
			for i, at := range []time.Time{t0, t0.Add(3 * time.Minute), t0.Add(4 * time.Minute)} {
				if i > 0 {
					in.show(holdSnapshot(at))
				}
				s, err := b.Snapshot(ctx, redisops.SnapshotOptions{})
				if err != nil {
					t.Fatalf("poll %d: %v", i, err)
				}
				if s.LeakErr != "" {
					t.Fatalf("poll %d: %s", i, s.LeakErr)
				}
				if s.RecordErr != "" {
					errs = append(errs, s.RecordErr)
				}
				if i == 1 && (len(s.Leaks) != 1 || s.Leaks[0].Key != h.Key || s.Leaks[0].Class != redisops.LeakUnverified ||
					!s.Leaks[0].Recorded || s.Sales[0].LeakedUnits != 2 || s.Sales[0].LeakedUnverifiedUnits != 2) {
					t.Fatalf("poll after the deadline: leaks %+v, row %+v", s.Leaks, s.Sales[0])
				}
			}
			if buf, ok := tc.rec.(*bytes.Buffer); ok {
				if n := strings.Count(buf.String(), "\n"); n != 3 || len(errs) != 0 {
					t.Fatalf("%d lines recorded (errors %v), want 3", n, errs)
				}
			} else if len(errs) != 1 || !strings.Contains(errs[0], "--record") {
				t.Fatalf("recording errors %q, want one", errs)
			}
		})
	}
}

// TestBackendOwnReleaseIsNotALeak: a hold flashtop releases through the
// wrapper is not a leak, however late a snapshot notices it gone.
func TestBackendOwnReleaseIsNotALeak(t *testing.T) {
	ctx := context.Background()
	h := trackedHoldAt("s1", "dave", 2, 2*time.Minute, t0)
	in := &fakeInner{snap: holdSnapshot(t0, h)}
	w := &Watch{Tracker: NewTracker(0), Ledger: NewMemLedger()}
	b := NewBackend(in, w, nil, nil)
	if _, err := b.Snapshot(ctx, redisops.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	if r, err := b.Do(ctx, redisops.Request{Kind: redisops.KindRelease, Sale: "s1", User: "dave"}); err != nil || r.Status != redisops.StatusReleased || len(in.released) != 1 {
		t.Fatalf("release %+v %v, inner asked %v", r, err, in.released)
	}
	in.show(holdSnapshot(t0.Add(3 * time.Minute)))
	s, err := b.Snapshot(ctx, redisops.SnapshotOptions{})
	if err != nil || len(s.Leaks) != 0 || len(w.Tracker.Totals()) != 0 {
		t.Fatalf("flashtop's own release leaked: %+v %v", s.Leaks, err)
	}
}

// reclaimerFunc is a Reclaimer.
type reclaimerFunc func(sale string, includeUnverified bool) (redisops.Result, error)

func (f reclaimerFunc) Reclaim(_ context.Context, sale string, _ *int64, all bool) (redisops.Result, error) {
	return f(sale, all)
}

// wakingInner is a backend with a push feed's wake.
type wakingInner struct {
	*fakeInner
	ch chan struct{}
}

func (w wakingInner) Wake() <-chan struct{} { return w.ch }

// TestBackendReclaimAndWake: Reclaim goes to the reclaimer, or is refused
// without one (leaks in memory); Wake passes the inner backend's on.
func TestBackendReclaimAndWake(t *testing.T) {
	ctx := context.Background()
	in := &fakeInner{snap: holdSnapshot(t0)}
	if _, err := NewBackend(in, nil, nil, nil).Reclaim(ctx, "s1", nil, false); !errors.Is(err, ErrNoLedger) {
		t.Fatalf("reclaim without a ledger: %v, want ErrNoLedger", err)
	}
	var asked []string
	rc := reclaimerFunc(func(sale string, _ bool) (redisops.Result, error) {
		asked = append(asked, sale)
		return redisops.Result{OK: true, Status: redisops.StatusReclaimed}, nil
	})
	if r, err := NewBackend(in, nil, rc, nil).Reclaim(ctx, "s1", nil, false); err != nil || !r.OK || len(asked) != 1 {
		t.Fatalf("reclaim %+v %v, asked %v", r, err, asked)
	}
	if ch := NewBackend(in, nil, nil, nil).Wake(); ch != nil {
		t.Fatal("a wake from a backend without a push feed")
	}
	ch := make(chan struct{})
	if got := NewBackend(wakingInner{in, ch}, nil, nil, nil).Wake(); got != ch {
		t.Fatal("the inner backend's wake was not passed on")
	}
}

// TestRecordingIsTerminalSafe: a hold whose user id carries an OSC title
// sequence, BEL, DEL, an 8-bit CSI, a bidi override and a byte that is not
// UTF-8 is recorded with none of them raw (a `tail` of the recording cannot
// act on the terminal), and the line decodes to the same bytes.
func TestRecordingIsTerminalSafe(t *testing.T) {
	const user = "u\x1b]0;pwned\a\x7f\u009b2J\u202e\xff"
	h := trackedHoldAt("s1", user, 2, 2*time.Minute, t0)
	var buf bytes.Buffer
	b := NewBackend(&fakeInner{snap: holdSnapshot(t0, h)}, nil, nil, &buf)
	s, err := b.Snapshot(context.Background(), redisops.SnapshotOptions{})
	if err != nil || s.RecordErr != "" {
		t.Fatalf("snapshot: %v %q", err, s.RecordErr)
	}
	line := buf.Bytes()
	for _, raw := range []string{"\x1b", "\a", "\x7f", "\u009b", "\u202e", "\xff"} {
		if bytes.Contains(line, []byte(raw)) {
			t.Errorf("%q written raw: %s", raw, line)
		}
	}
	var back redisops.Snapshot
	if err := json.Unmarshal(line, &back); err != nil || len(back.Reservations) != 1 || back.Reservations[0].User != user {
		t.Fatalf("the recording does not decode to the same user: %v %+v\n%s", err, back.Reservations, line)
	}
}
