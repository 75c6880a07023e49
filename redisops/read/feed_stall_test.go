package read

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// TestFeedAfterServerStall: the server is stopped (SIGSTOP) for 10 s while
// the poller keeps ticking (every tick fails); after SIGCONT, 500 holds
// written by another client are counted within 5 s, live: the feed's
// connections wait the stall out (nothing pushed is lost on a connection
// that stays open), and the walk owes no budget for the stalled round trips.
func TestFeedAfterServerStall(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		t.Parallel() // each waits 10 s on a stopped server of its own: wait them out together
		testFeedAfterServerStall(t, k)
	})
}

func testFeedAfterServerStall(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	c := newClientOn(t, srv, redisops.Options{Timeout: time.Second})
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	live := tickFor(t, p, "live", 5*time.Second, 50*time.Millisecond, feedIs(redisops.FeedLive))
	pid := srv.PID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := true
	defer func() {
		if stopped {
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
	}()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); {
		if _, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "other"}); err == nil {
			t.Fatal("a tick succeeded while the server was stopped")
		}
		time.Sleep(time.Second)
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	stopped = false
	cont := time.Now()
	redistest.WriteHolds(t, rdb, "s1", "u", 500, 1)
	for {
		snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "other"})
		if err == nil {
			if n, _ := saleHolds(snap, "s1"); n == 500 {
				t.Logf("counted %s after SIGCONT (feed %s, %d gaps)", time.Since(cont).Round(time.Millisecond), snap.Feed.State, snap.Feed.Gaps)
				// A stall is waited out, not taken for a gap: the counts
				// stay live, with no repair walk to wait for.
				if snap.Feed.State != redisops.FeedLive || snap.Feed.Gaps != live.Feed.Gaps {
					t.Fatalf("after the stall: feed %s with %d gaps (was %d): the stall was taken for a gap",
						snap.Feed.State, snap.Feed.Gaps, live.Feed.Gaps)
				}
				break
			}
		}
		if time.Since(cont) > 5*time.Second {
			t.Fatalf("500 new holds not counted within 5 s of SIGCONT (last error %v)", err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestFeedFailedTickKeepsPushedKeys: a tick that fails (the server stopped
// after a release was pushed) does not drop the pushed keys it took: once
// the server answers, the release is read and its end reported.
func TestFeedFailedTickKeepsPushedKeys(t *testing.T) {
	redistest.EachKind(t, testFeedFailedTickKeepsPushedKeys)
}

func testFeedFailedTickKeepsPushedKeys(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	c := newClientOn(t, srv, redisops.Options{Timeout: time.Second})
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now}) // the walk cannot move: only the push can tell
	defer p.Close()
	obs := &recordObserver{}
	p.SetHoldObserver(obs)
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
	writeHold(t, rdb, "s1", "u1", 2, 300*time.Second)
	tickFor(t, p, "counted", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool { n, _ := saleHolds(s, "s1"); return n == 1 })
	rdb.Del(ctx, "reservation:u1:s1")
	for i := 0; p.idx.dirtyLen() == 0; i++ {
		if i > 200 {
			t.Fatal("the release was never pushed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	pid := srv.PID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	_, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "other"})
	_ = syscall.Kill(pid, syscall.SIGCONT)
	if err == nil {
		t.Fatal("a tick succeeded while the server was stopped")
	}
	snap := tickFor(t, p, "the release read after the failed tick", 5*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		n, _ := saleHolds(s, "s1")
		return n == 0
	})
	if got := obs.goneList(); len(got) != 1 || !strings.Contains(got[0], "reservation:u1:s1") {
		t.Fatalf("observer heard %v (feed %s): the pushed key was dropped by the failed tick", got, snap.Feed.State)
	}
}
