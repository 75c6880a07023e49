package redisops

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// race runs n calls of f (indices 0..n-1) on workers goroutines and returns
// the results in index order.
func race(t *testing.T, workers, n int, f func(i int) (Result, error)) []Result {
	t.Helper()
	results := make([]Result, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return results
}

// TestConcurrentReservesNeverOversell: 200 goroutines race 5,000 reserves by
// distinct users for 1,000 units. Exactly 1,000 units end up held, stock is
// 0, and every remaining count 999..0 is handed out exactly once (so stock
// never went below 0 and no decrement was lost).
func TestConcurrentReservesNeverOversell(t *testing.T) {
	redistest.EachKind(t, testConcurrentReservesNeverOversell)
}

func testConcurrentReservesNeverOversell(t *testing.T, k redistest.Kind) {
	const workers, attempts, units = 200, 5000, 1000
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:c1", strconv.Itoa(units), 0)

	results := race(t, workers, attempts, func(i int) (Result, error) {
		return c.Reserve(ctx, "c1", fmt.Sprintf("u%d", i), 1, 300*time.Second)
	})

	seen := make(map[int64]bool, units)
	reservedBy := make(map[string]bool, units)
	for i, r := range results {
		switch r.Status {
		case StatusReserved:
			rem := *r.Remaining
			if rem < 0 || rem >= units || seen[rem] {
				t.Fatalf("reserve %d: remaining %d out of range or seen twice", i, rem)
			}
			seen[rem] = true
			reservedBy[fmt.Sprintf("reservation:u%d:c1", i)] = true
		case StatusInsufficientStock:
			if *r.Stock != 0 {
				t.Errorf("reserve %d: insufficient_stock with stock %d; want 0", i, *r.Stock)
			}
		default:
			t.Fatalf("reserve %d: unexpected %s", i, fmtResult(r))
		}
	}
	if len(seen) != units {
		t.Errorf("%d reserves succeeded; want %d", len(seen), units)
	}
	expectString(t, rdb, "inventory:c1", "0")
	holds, held := sumHolds(t, rdb, "reservation:*:c1")
	if held != units || len(holds) != units {
		t.Errorf("%d holds hold %d units; want %d holds of 1 unit", len(holds), held, units)
	}
	for _, k := range holds {
		if !reservedBy[k] {
			t.Errorf("hold %s belongs to a user whose reserve was refused", k)
		}
	}
}

// sumHolds finds the hash holds matching pattern and sums their quantities.
func sumHolds(t *testing.T, rdb *redis.Client, pattern string) ([]string, int64) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	var total int64
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		q, err := rdb.HGet(ctx, k, "quantity").Int64()
		if err != nil {
			t.Fatalf("hold %s: %v", k, err)
		}
		keys = append(keys, k)
		total += q
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return keys, total
}

// TestConcurrentJoinsRespectTheCap: 1,000 distinct users race for a queue
// capped at 300, and 50 goroutines race to queue the same user.
func TestConcurrentJoinsRespectTheCap(t *testing.T) {
	redistest.EachKind(t, testConcurrentJoinsRespectTheCap)
}

func testConcurrentJoinsRespectTheCap(t *testing.T, k redistest.Kind) {
	const workers, users, capacity = 100, 1000, 300
	_, c := newTestServerClient(t, k, Options{MaxQueue: capacity})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()

	counts := map[string]int{}
	for _, r := range race(t, workers, users, func(i int) (Result, error) { return c.Join(ctx, "q1", fmt.Sprintf("u%d", i)) }) {
		counts[r.Status]++
		if r.Status == StatusQueueFull && *r.Length != capacity {
			t.Errorf("queue_full with length %d; want %d", *r.Length, capacity)
		}
	}
	if counts[StatusJoined] != capacity || counts[StatusQueueFull] != users-capacity {
		t.Errorf("statuses %v; want %d joined, %d queue_full", counts, capacity, users-capacity)
	}
	if n := rdb.ZCard(ctx, "queue:q1").Val(); n != capacity {
		t.Errorf("ZCARD = %d; want %d", n, capacity)
	}

	counts = map[string]int{}
	for _, r := range race(t, 50, 50, func(int) (Result, error) { return c.Join(ctx, "q2", "same") }) {
		counts[r.Status]++
		if *r.Position != 1 {
			t.Errorf("%s at position %d; want 1", r.Status, *r.Position)
		}
	}
	if counts[StatusJoined] != 1 || counts[StatusAlreadyQueued] != 49 {
		t.Errorf("statuses %v; want 1 joined, 49 already_queued", counts)
	}
}

// BenchmarkReserveRelease measures one reserve plus one release round trip
// pair (EVALSHA each), run in parallel.
func BenchmarkReserveRelease(b *testing.B) {
	c := newTestClient(b, redistest.Redis)
	ctx := context.Background()
	if _, err := c.SetStock(ctx, "b1", MaxStockSet); err != nil {
		b.Fatal(err)
	}
	var id sync.Mutex
	next := 0
	b.RunParallel(func(pb *testing.PB) {
		id.Lock()
		user := fmt.Sprintf("u%d", next)
		next++
		id.Unlock()
		for pb.Next() {
			if r, err := c.Reserve(ctx, "b1", user, 1, time.Minute); err != nil || r.Status != StatusReserved {
				b.Fatalf("reserve: %s, %v", fmtResult(r), err)
			}
			if r, err := c.Release(ctx, "b1", user, nil); err != nil || r.Status != StatusReleased {
				b.Fatalf("release: %s, %v", fmtResult(r), err)
			}
		}
	})
}
