package redisops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Bench limits.
const (
	MaxBenchBuyers   = 10_000
	MaxBenchAttempts = 10_000_000
	// benchReadBatch caps the commands of one read-back pipeline.
	benchReadBatch = 1000
)

// ErrSaleExists is returned by Bench when the sale already has a stock or a
// queue key and Force is not set: a bench never overwrites a live sale.
var ErrSaleExists = errors.New("redisops: sale exists")

// BenchOptions describe one bench run.
type BenchOptions struct {
	Sale     string
	Stock    int64         // stock set before the run (0..MaxStockSet)
	Buyers   int           // concurrent buyers (1..MaxBenchBuyers)
	Attempts int64         // reserve attempts in total (1..MaxBenchAttempts)
	Qty      int64         // units per attempt (default 1)
	TTL      time.Duration // hold lifetime (default DefaultTTL)
	Force    bool          // run on a sale that has a stock or queue key
	// RunID prefixes the user ids ("bench<hex>" from the clock when empty);
	// attempt n is made by user "<RunID>-<n>", so every attempt is a buyer of
	// its own and runs never collide.
	RunID string
}

// BenchResult is what a bench run did, read back from Redis after the run.
type BenchResult struct {
	Sale     string `json:"sale"`
	RunID    string `json:"run_id"`
	Stock    int64  `json:"stock"`
	Buyers   int    `json:"buyers"`
	Attempts int64  `json:"attempts"`
	Qty      int64  `json:"qty"`
	// Reserved counts the attempts answered "reserved".
	Reserved int64 `json:"reserved"`
	// ReservedUnits is the sum of the quantities of this run's holds, read back
	// from Redis (not added up from the replies).
	ReservedUnits int64 `json:"reserved_units"`
	// Refused counts the other replies by status word.
	Refused map[string]int64 `json:"refused"`
	// Errors counts attempts that failed (timeouts, server errors).
	Errors    int64  `json:"errors"`
	LastError string `json:"last_error,omitempty"`
	// StockLeft is the stock read back after the run.
	StockLeft int64 `json:"stock_left"`
	// Oversold is how many units are held beyond Stock (or the stock went
	// below zero by), from Redis: anything but 0 is a bug.
	Oversold int64 `json:"oversold"`
	// Unaccounted is Stock - StockLeft - ReservedUnits: units neither in
	// stock nor held by this run (another writer, or holds that expired).
	Unaccounted int64   `json:"unaccounted"`
	ElapsedMs   float64 `json:"elapsed_ms"`
	OpsPerSec   float64 `json:"ops_per_sec"`
	P50Us       int64   `json:"p50_us"`
	P99Us       int64   `json:"p99_us"`
}

// check validates the options and fills the defaults.
func (o *BenchOptions) check() error {
	if o.Qty == 0 {
		o.Qty = 1
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.RunID == "" {
		o.RunID = "bench" + strconv.FormatInt(time.Now().UnixNano()&0xffffffffff, 16)
	}
	return firstErr(ValidateID("--sale", o.Sale), ValidateID("run id", o.RunID),
		CheckIntIn("--stock", o.Stock, 0, MaxStockSet),
		CheckIntIn("--buyers", int64(o.Buyers), 1, MaxBenchBuyers),
		CheckIntIn("--attempts", o.Attempts, 1, MaxBenchAttempts),
		CheckIntIn("--qty", o.Qty, 1, MaxQuantity), CheckTTL("--ttl", o.TTL))
}

// benchUser is the user id of attempt n.
func benchUser(runID string, n int64) string { return runID + "-" + strconv.FormatInt(n, 10) }

// Bench sets the sale's stock to o.Stock, runs o.Buyers goroutines making
// o.Attempts reserve attempts in total through the reserve script (the same
// Reserve every command uses), then reads the stock and every attempted hold
// back from Redis. A sale with a stock or queue key is refused with
// ErrSaleExists unless o.Force. The client's pool should have room for
// o.Buyers connections (Options.PoolSize).
func (c *Client) Bench(ctx context.Context, o BenchOptions) (BenchResult, error) {
	if err := o.check(); err != nil {
		return BenchResult{}, err
	}
	if !o.Force {
		if err := c.checkFreshSale(ctx, o.Sale); err != nil {
			return BenchResult{}, err
		}
	}
	if _, err := c.SetStock(ctx, o.Sale, o.Stock); err != nil {
		return BenchResult{}, err
	}
	res := BenchResult{Sale: o.Sale, RunID: o.RunID, Stock: o.Stock, Buyers: o.Buyers, Attempts: o.Attempts,
		Qty: o.Qty, Refused: map[string]int64{}}
	lat := make([]int64, o.Attempts) // µs per attempt, indexed by attempt
	start := time.Now()
	c.benchRun(ctx, o, lat, &res)
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("bench interrupted: %w", err)
	}
	res.ElapsedMs = float64(elapsed.Microseconds()) / 1000
	res.OpsPerSec = float64(o.Attempts) / elapsed.Seconds()
	slices.Sort(lat)
	res.P50Us, res.P99Us = percentile(lat, 50), percentile(lat, 99)
	if err := c.benchReadBack(ctx, o, &res); err != nil {
		return res, err
	}
	return res, nil
}

// checkFreshSale returns ErrSaleExists when the sale has a stock or queue key.
func (c *Client) checkFreshSale(ctx context.Context, sale string) error {
	for _, key := range []string{c.schema.StockKey(sale), c.schema.QueueKey(sale)} {
		cctx, cancel := c.withTimeout(ctx)
		n, err := c.rdb.Exists(cctx, key).Result()
		cancel()
		if err != nil {
			return Classify(err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s is there already; pick a new --sale, or --force to reset its stock", ErrSaleExists, key)
		}
	}
	return nil
}

// benchRun makes the attempts from o.Buyers goroutines and tallies the replies.
func (c *Client) benchRun(ctx context.Context, o BenchOptions, lat []int64, res *BenchResult) {
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for b := 0; b < o.Buyers; b++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reserve, release := c.benchBuyer(o)
			defer release()
			local := BenchResult{Refused: map[string]int64{}}
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if n >= o.Attempts {
					break
				}
				t := time.Now()
				r, err := reserve(ctx, benchUser(o.RunID, n))
				lat[n] = time.Since(t).Microseconds()
				switch {
				case err != nil:
					local.Errors++
					local.LastError = err.Error()
				case r.Status == StatusReserved:
					local.Reserved++
				default:
					local.Refused[r.Status]++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Reserved += local.Reserved
			res.Errors += local.Errors
			if local.LastError != "" {
				res.LastError = local.LastError
			}
			for k, v := range local.Refused {
				res.Refused[k] += v
			}
		}()
	}
	wg.Wait()
}

// benchBuyer returns what one buyer makes its attempts with, and release to
// call when it is done. On a single server (standalone or Sentinel) every
// attempt goes over one connection of the pool kept for the buyer's whole
// run, so that an attempt costs no pool checkout, no health-check syscall
// and no per-call timer: reserveOn without Reserve's context deadline. Each
// attempt is still bounded, by the socket write and read deadlines go-redis
// sets from --timeout on every command (applyCommon; at most MaxRetries+1
// tries), and the run by ctx, checked before every attempt. On a cluster,
// attempts are plain Reserve calls.
func (c *Client) benchBuyer(o BenchOptions) (reserve func(ctx context.Context, user string) (Result, error), release func()) {
	rc, ok := c.rdb.(*redis.Client)
	if !ok {
		return func(ctx context.Context, user string) (Result, error) {
			return c.Reserve(ctx, o.Sale, user, o.Qty, o.TTL)
		}, func() {}
	}
	conn := rc.Conn()
	return func(ctx context.Context, user string) (Result, error) {
		return c.reserveOn(ctx, conn, o.Sale, user, o.Qty, o.TTL)
	}, func() { _ = conn.Close() }
}

// percentile of sorted values (nearest rank); 0 for none.
func percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

// benchReadBack reads the stock and the quantity of every attempted hold
// (pipelined, in batches) and works out oversold and unaccounted units.
func (c *Client) benchReadBack(ctx context.Context, o BenchOptions, res *BenchResult) error {
	st, err := c.GetStock(ctx, o.Sale)
	if err != nil {
		return err
	}
	if st.Stock == nil {
		return fmt.Errorf("%w: bench: the stock key %s vanished during the run", ErrServer, st.Key)
	}
	res.StockLeft = *st.Stock
	for lo := int64(0); lo < o.Attempts; lo += benchReadBatch {
		hi := min(lo+benchReadBatch, o.Attempts)
		units, err := c.holdUnits(ctx, o, lo, hi)
		if err != nil {
			return err
		}
		res.ReservedUnits += units
	}
	res.Oversold = max(0, res.ReservedUnits-o.Stock, -res.StockLeft)
	res.Unaccounted = o.Stock - res.StockLeft - res.ReservedUnits
	return nil
}

// holdUnits sums the quantity field of the holds of attempts [lo, hi).
func (c *Client) holdUnits(ctx context.Context, o BenchOptions, lo, hi int64) (int64, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	cmds := make([]*redis.StringCmd, 0, hi-lo)
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for n := lo; n < hi; n++ {
			cmds = append(cmds, p.HGet(ctx, c.schema.HoldKey(benchUser(o.RunID, n), o.Sale), "quantity"))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, Classify(err)
	}
	var sum int64
	for _, cmd := range cmds {
		v, err := cmd.Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return 0, Classify(err)
		}
		q, ok := positiveInt(v)
		if !ok {
			return 0, fmt.Errorf("%w: bench: hold %s holds quantity %q", ErrServer, cmd.Args()[1], v)
		}
		sum += q
	}
	return sum, nil
}
