package read

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// eventPoller is a poller on srv whose walk cannot move after its first pass
// (the clock stands still, so no budget is earned): whatever the index learns
// afterwards came from keyspace events.
func eventPoller(t *testing.T, srv *redistest.Server) (*Poller, *redisops.Client) {
	t.Helper()
	c := newClientOn(t, srv, redisops.Options{})
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now, NoColdStart: true})
	t.Cleanup(func() { _ = p.Close() })
	return p, c
}

// waitIndex ticks (at most 200 times, 20 ms apart) until the hold index
// agrees with ok; the walk must not have moved meanwhile. Another sale is
// selected, so that no visible-hold read touches the holds of s1.
func waitIndex(t *testing.T, p *Poller, what string, ok func(*redisops.Snapshot) bool) *redisops.Snapshot {
	t.Helper()
	for range 200 {
		snap, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{Sale: "other"})
		if err != nil {
			t.Fatal(err)
		}
		if snap.Cost.WalksDone != 1 || snap.Cost.ScanProgress != 0 {
			t.Fatalf("%s: the walk moved (%+v): the test proves nothing", what, snap.Cost)
		}
		if ok(snap) {
			return snap
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: the index never caught up", what)
	return nil
}

func saleHolds(snap *redisops.Snapshot, sale string) (int64, int64) {
	for _, s := range snap.Sales {
		if s.ID == sale {
			return s.Reservations, s.ReservedUnits
		}
	}
	return -1, -1
}

// exerciseEvents creates, deletes and lets expire holds of s1 and checks that
// each change reaches the index before any new walk.
func exerciseEvents(t *testing.T, p *Poller, c *redisops.Client, rdb *redis.Client) {
	t.Helper()
	ctx := context.Background()
	s := c.Schema()
	if _, err := c.Reserve(ctx, "s1", "alice", 3, 300*time.Second); err != nil { // HSET + EXPIRE by the script
		t.Fatal(err)
	}
	waitIndex(t, p, "created", func(snap *redisops.Snapshot) bool {
		h, u := saleHolds(snap, "s1")
		return h == 2 && u == 4
	})
	rdb.Set(ctx, s.HoldKey("bob", "s1"), `{"quantity":2}`, 300*time.Second)
	waitIndex(t, p, "created (JSON)", func(snap *redisops.Snapshot) bool {
		h, u := saleHolds(snap, "s1")
		return h == 3 && u == 6
	})
	rdb.Del(ctx, s.HoldKey("alice", "s1"))
	waitIndex(t, p, "deleted", func(snap *redisops.Snapshot) bool {
		found := p.idx.has(s.HoldKey("alice", "s1"))
		h, u := saleHolds(snap, "s1")
		return !found && h == 2 && u == 3
	})
	rdb.PExpire(ctx, s.HoldKey("bob", "s1"), 50*time.Millisecond)
	waitIndex(t, p, "expired", func(snap *redisops.Snapshot) bool {
		found := p.idx.has(s.HoldKey("bob", "s1"))
		h, u := saleHolds(snap, "s1")
		return !found && h == 1 && u == 1
	})
}

// (c) On a server that sends keyspace events, holds created, deleted and
// expired update the index before the next walk.
func TestPollerKeyspaceEvents(t *testing.T) {
	redistest.EachKind(t, testPollerKeyspaceEvents)
}

func testPollerKeyspaceEvents(t *testing.T, k redistest.Kind) {
	srv := k.Start(t, "--notify-keyspace-events", "KEA")
	rdb := srv.Client(t)
	p, c := eventPoller(t, srv)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 10, 0)
	rdb.HSet(ctx, "reservation:old:s1", "quantity", 1, "reserved_at", 1_770_000_000, "user_id", "old")
	rdb.Expire(ctx, "reservation:old:s1", time.Hour)
	snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Cost.Events || snap.Cost.WalksDone != 1 || !p.KeyspaceEventsOn() {
		t.Fatalf("after the first tick: %+v", snap.Cost)
	}
	obs := &recordObserver{}
	p.SetHoldObserver(obs)
	exerciseEvents(t, p, c, rdb)
	want := []string{"gone reservation:alice:s1 expired=false", "gone reservation:bob:s1 expired=true"}
	if got := obs.goneList(); !slices.Equal(got, want) {
		t.Errorf("observer heard %v, want %v", got, want)
	}
	if !obs.saw("reservation:alice:s1") || !obs.saw("reservation:bob:s1") {
		t.Errorf("observer did not see the new holds: %v", obs.seen)
	}
}

// recordObserver records what a HoldObserver is told (it does not imitate
// the leak watch).
type recordObserver struct {
	mu   sync.Mutex
	seen []string
	gone []string
}

func (o *recordObserver) Seen(holds []redisops.Hold, _ time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, h := range holds {
		o.seen = append(o.seen, h.Key)
	}
}

func (o *recordObserver) Gone(key string, v redisops.Vanish) (redisops.Leak, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.gone = append(o.gone, fmt.Sprintf("gone %s expired=%v", key, v.Expired))
	return redisops.Leak{}, false
}

func (o *recordObserver) goneList() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.gone)
}

func (o *recordObserver) saw(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Contains(o.seen, key)
}

// (c) On a server without keyspace events the poller never switches them on
// by itself; EnableKeyspaceEvents runs CONFIG SET, keeping the flags already
// there, and then events flow.
func TestPollerEnableKeyspaceEvents(t *testing.T) {
	redistest.EachKind(t, testPollerEnableKeyspaceEvents)
}

func testPollerEnableKeyspaceEvents(t *testing.T, k redistest.Kind) {
	srv := k.Start(t, "--notify-keyspace-events", "Ex") // expired key-event channels only
	rdb := srv.Client(t)
	p, c := eventPoller(t, srv)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 10, 0)
	rdb.HSet(ctx, "reservation:old:s1", "quantity", 1, "reserved_at", 1_770_000_000, "user_id", "old")
	rdb.Expire(ctx, "reservation:old:s1", time.Hour)
	for range 3 {
		snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "s1"})
		if err != nil {
			t.Fatal(err)
		}
		if snap.Cost.Events {
			t.Fatal("events on without CONFIG SET")
		}
	}
	if got := rdb.ConfigGet(ctx, notifyParam).Val()[notifyParam]; got != "xE" {
		t.Fatalf("the poller changed notify-keyspace-events to %q", got)
	}
	cmd := p.KeyspaceEventsCommand()
	if !strings.HasPrefix(cmd, "CONFIG SET notify-keyspace-events ") {
		t.Fatalf("command %q", cmd)
	}
	if err := p.EnableKeyspaceEvents(ctx); err != nil {
		t.Fatal(err)
	}
	flags := rdb.ConfigGet(ctx, notifyParam).Val()[notifyParam]
	if !eventsSufficient(flags) || !strings.Contains(flags, "E") {
		t.Errorf("flags after enabling: %q (command said %q)", flags, cmd)
	}
	if !p.KeyspaceEventsOn() {
		t.Fatal("events not on after EnableKeyspaceEvents")
	}
	exerciseEvents(t, p, c, rdb)
}

func TestMergeFlags(t *testing.T) {
	for in, want := range map[string]string{"": "Kgx$he", "xE": "xEKg$he", "AKE": "AKE", "AE": "AEK", "Kg": "Kgx$he"} {
		if got := mergeFlags(in); got != want || !eventsSufficient(got) {
			t.Errorf("mergeFlags(%q) = %q, want %q", in, got, want)
		}
	}
	for _, f := range []string{"", "KEg", "Eg$xh", "A"} {
		if eventsSufficient(f) {
			t.Errorf("eventsSufficient(%q)", f)
		}
	}
}
