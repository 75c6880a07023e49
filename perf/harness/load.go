package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The keyspace the harness loads: exactly totalKeys keys.
const (
	totalKeys     = 1_000_000
	sales         = 10
	holdsPerSale  = 10_000
	queueMembers  = 10_000
	stockPerSale  = 5_000
	holdTTL       = 2 * time.Hour // outlives the whole run
	pipelineBatch = 5_000
	loaders       = 4
)

// unrelatedKeys fills the keyspace up to totalKeys: keys of no family
// (900k minus the 10 stock keys, the 10 queues and the lag sale's stock).
const unrelatedKeys = totalKeys - sales*holdsPerSale - 2*sales - 1

// saleID is the id of sale s of the load.
func saleID(s int) string { return fmt.Sprintf("perf%02d", s) }

// holdQty is the quantity of hold i (1..3), so units are known exactly.
func holdQty(i int) int64 { return int64(1 + i%3) }

// expectedUnits is the units held in each sale.
func expectedUnits() int64 {
	var sum int64
	for i := 0; i < holdsPerSale; i++ {
		sum += holdQty(i)
	}
	return sum
}

// load writes the keyspace with pipelines from a few goroutines.
func load(ctx context.Context, rdb *redis.Client) error {
	jobs := make(chan func(redis.Pipeliner), 64)
	errs := make(chan error, loaders)
	var wg sync.WaitGroup
	for w := 0; w < loaders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed := false
			for job := range jobs { // drained to the end even after an error: the sender never blocks
				if failed {
					continue
				}
				if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error { job(p); return nil }); err != nil {
					errs <- err
					failed = true
				}
			}
		}()
	}
	for lo := 0; lo < unrelatedKeys; lo += pipelineBatch {
		hi := min(lo+pipelineBatch, unrelatedKeys)
		jobs <- func(p redis.Pipeliner) {
			for i := lo; i < hi; i++ {
				p.Set(ctx, "cache:product:"+strconv.Itoa(i), "{\"name\":\"item\",\"price\":1999}", 0)
			}
		}
	}
	jobs <- func(p redis.Pipeliner) { p.Set(ctx, "inventory:"+lagSale, lagStock, 0) }
	for s := 0; s < sales; s++ {
		queueJobs(ctx, jobs, saleID(s))
		holdJobs(ctx, jobs, saleID(s))
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("load: %w", err)
	}
	n, err := rdb.DBSize(ctx).Result()
	if err != nil || n != totalKeys {
		return fmt.Errorf("load: DBSIZE %d (%w), want %d", n, err, totalKeys)
	}
	return nil
}

// queueJobs sets a sale's stock and fills its queue.
func queueJobs(ctx context.Context, jobs chan<- func(redis.Pipeliner), sale string) {
	jobs <- func(p redis.Pipeliner) {
		p.Set(ctx, "inventory:"+sale, stockPerSale, 0)
		now := time.Now().UnixMilli()
		members := make([]redis.Z, 0, queueMembers)
		for i := 0; i < queueMembers; i++ {
			members = append(members, redis.Z{Score: float64(now - int64(queueMembers-i)), Member: fmt.Sprintf("q%05d", i)})
		}
		p.ZAdd(ctx, "queue:"+sale, members...)
	}
}

// holdJobs writes a sale's holds: even ones as the Lua path's hash, odd ones
// as the order path's JSON string, all with a TTL.
func holdJobs(ctx context.Context, jobs chan<- func(redis.Pipeliner), sale string) {
	for lo := 0; lo < holdsPerSale; lo += pipelineBatch {
		hi := min(lo+pipelineBatch, holdsPerSale)
		jobs <- func(p redis.Pipeliner) {
			now := time.Now()
			for i := lo; i < hi; i++ {
				user := fmt.Sprintf("u%05d", i)
				key := "reservation:" + user + ":" + sale
				if i%2 == 0 {
					p.HSet(ctx, key, "quantity", holdQty(i), "reserved_at", now.Unix(), "user_id", user)
					p.Expire(ctx, key, holdTTL)
					continue
				}
				b, _ := json.Marshal(map[string]any{"saleId": sale, "userId": user, "quantity": holdQty(i),
					"expiresAt": now.Add(holdTTL).UTC().Format(time.RFC3339)})
				p.SetEx(ctx, key, string(b), holdTTL)
			}
		}
	}
}
