package demo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// storyRun is what one seeded run of the demo's default sales did in its
// first minute of virtual time, read from Redis every 500 ms.
type storyRun struct {
	soldOut, restocked, lateOpen time.Duration // -1: never (restocked: the restock op's time)
	maxQueue                     int64         // the story sale's longest queue
	admitBatches                 int           // the story sale's admissions that popped someone
	selfRestockOps               int
}

func runStory(t *testing.T, seed uint64) storyRun { //nolint:gocyclo // one timeline, read in order
	t.Helper()
	ctx := context.Background()
	srv := redistest.Start(t)
	c := newClient(t, srv.URL(), 0)
	rdb := c.Redis()
	s := c.Schema()
	if err := Seed(ctx, c, Profiles(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.Exists(ctx, s.StockKey(LateSale)).Result(); err != nil || n != 0 {
		t.Fatalf("the late sale's stock exists at the start: %d, %v", n, err)
	}
	run := storyRun{soldOut: -1, restocked: -1, lateOpen: -1}
	sim := New(c, DefaultConfig(seed), func(op Op) {
		if op.Sale == StorySale && op.Name == "admit" && op.Err == nil && op.Users > 0 {
			run.admitBatches++
		}
		if op.Sale == StorySale && op.Name == "restock" && op.Err == nil && op.Status == redisops.StatusRestocked {
			run.selfRestockOps++
			if run.restocked < 0 {
				run.restocked = op.At
			}
		}
	})
	step := 500 * time.Millisecond
	for at := step; at <= time.Minute; at += step {
		sim.Advance(ctx, step)
		stock, err := rdb.Get(ctx, s.StockKey(StorySale)).Int64()
		if err != nil {
			t.Fatal(err)
		}
		if stock == 0 && run.soldOut < 0 {
			run.soldOut = at
		}
		if run.soldOut >= 0 && run.restocked < 0 && stock != 0 {
			t.Errorf("seed %d: stock %d at %v, after selling out at %v and before the restock", seed, stock, at, run.soldOut)
		}
		if n, _ := rdb.ZCard(ctx, s.QueueKey(StorySale)).Result(); n > run.maxQueue {
			run.maxQueue = n
		}
		if run.lateOpen < 0 {
			if err := rdb.Get(ctx, s.StockKey(LateSale)).Err(); err == nil {
				run.lateOpen = at
			} else if !errors.Is(err, redis.Nil) {
				t.Fatal(err)
			}
		}
	}
	if st := sim.Stats(); st.Errors != 0 {
		t.Fatalf("the run had %d errors, the last: %s", st.Errors, st.LastErr)
	}
	return run
}

// TestDemoStoryTimeline: the story the demo tells in its first minute holds
// for every seed tried: the selected sale's queue forms and is admitted in
// batches, it sells out between 28 and 38 s, stays sold out and is
// restocked 15 s later, and the late sale opens at 8 s.
func TestDemoStoryTimeline(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 42} {
		run := runStory(t, seed)
		t.Logf("seed %d: %+v", seed, run)
		if run.soldOut < 28*time.Second || run.soldOut > 38*time.Second {
			t.Errorf("seed %d: %s sold out at %v, want 28–38 s", seed, StorySale, run.soldOut)
		}
		// The sim restocks StoryRestock after the reply that first saw 0,
		// at its next admission (every 2 s); the read here is every 500 ms.
		if d := run.restocked - run.soldOut; run.restocked < 0 || d < StoryRestock-time.Second || d > StoryRestock+3*time.Second {
			t.Errorf("seed %d: restocked at %v after selling out at %v, want %v later", seed, run.restocked, run.soldOut, StoryRestock)
		}
		if run.selfRestockOps != 1 {
			t.Errorf("seed %d: %d restocks in the first minute, want 1", seed, run.selfRestockOps)
		}
		if run.lateOpen != LateOpen {
			t.Errorf("seed %d: %s opened at %v, want %v", seed, LateSale, run.lateOpen, LateOpen)
		}
		if run.maxQueue < 50 || run.admitBatches < 20 {
			t.Errorf("seed %d: the queue peaked at %d with %d admissions, want a queue that forms (≥50) and batches (≥20)", seed, run.maxQueue, run.admitBatches)
		}
	}
}
