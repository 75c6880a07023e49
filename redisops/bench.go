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

// BenchResult is what a bench run did (BenchRun, from the replies) and what
// Redis holds after it (BenchReadBack, read back). A run stopped early (the
// server gone, an interrupt) has no read back.
type BenchResult struct {
	BenchRun
	BenchReadBack
}

// BenchRun is what a bench run did, counted from the replies.
type BenchRun struct {
	Sale     string `json:"sale"`
	RunID    string `json:"run_id"`
	Stock    int64  `json:"stock"`
	Buyers   int    `json:"buyers"`
	Attempts int64  `json:"attempts"`
	Qty      int64  `json:"qty"`
	// Done counts the attempts made: Attempts, unless the run stopped early.
	Done int64 `json:"attempts_done"`
	// Reserved counts the attempts answered "reserved".
	Reserved int64 `json:"reserved"`
	// Refused counts the other replies by status word.
	Refused map[string]int64 `json:"refused"`
	// Errors counts attempts that failed (timeouts, server errors).
	Errors int64 `json:"errors"`
	// Unknown counts the failed attempts whose outcome is unknown: they may
	// have reserved (ErrUnknownOutcome).
	Unknown   int64   `json:"outcome_unknown"`
	LastError string  `json:"last_error,omitempty"`
	ElapsedMs float64 `json:"elapsed_ms"`
	OpsPerSec float64 `json:"ops_per_sec"`
	P50Us     int64   `json:"p50_us"`
	P99Us     int64   `json:"p99_us"`
}

// BenchReadBack is what Redis holds after a bench run.
type BenchReadBack struct {
	// ReservedUnits is the sum of the quantities of this run's holds, read back
	// from Redis (not added up from the replies).
	ReservedUnits int64 `json:"reserved_units"`
	// StockLeft is the stock read back after the run.
	StockLeft int64 `json:"stock_left"`
	// Oversold is how many units are held beyond Stock (or the stock went
	// below zero by), from Redis: anything but 0 is a bug.
	Oversold int64 `json:"oversold"`
	// Unaccounted is Stock - StockLeft - ReservedUnits: units neither in
	// stock nor held by this run (another writer, or holds that expired).
	Unaccounted int64 `json:"unaccounted"`
}

// ErrBenchStopped is wrapped by the error of a bench run that stopped
// before its last attempt (a *BenchStoppedError). Bench returns the run so
// far with it.
var ErrBenchStopped = errors.New("redisops: bench stopped")

// BenchStoppedError says why and when a bench run stopped early.
type BenchStoppedError struct {
	Done, Attempts int64
	// Cause is the failure the run stopped on (an ErrUnreachable error, one
	// of an unknown outcome when the attempt's reply was lost), or ctx's
	// error.
	Cause error
}

func (e *BenchStoppedError) Error() string {
	return fmt.Sprintf("%s after %d of %d attempts: %v", ErrBenchStopped, e.Done, e.Attempts, e.Cause)
}

// Unwrap gives ErrBenchStopped and the cause.
func (e *BenchStoppedError) Unwrap() []error { return []error{ErrBenchStopped, e.Cause} }

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
	return firstErr(ValidateID(string(FieldSale), o.Sale), ValidateID("run id", o.RunID),
		CheckIntIn("stock", o.Stock, 0, MaxStockSet),
		CheckIntIn("buyers", int64(o.Buyers), 1, MaxBenchBuyers),
		CheckIntIn("attempts", o.Attempts, 1, MaxBenchAttempts),
		CheckIntIn(string(FieldQty), o.Qty, 1, MaxQuantity), CheckTTL(string(FieldTTL), o.TTL))
}

// benchUser is the user id of attempt n.
func benchUser(runID string, n int64) string { return runID + "-" + strconv.FormatInt(n, 10) }

// Bench sets the sale's stock to o.Stock, runs o.Buyers goroutines making
// o.Attempts reserve attempts in total through the reserve script (the same
// Reserve every command uses), then reads the stock and every attempted hold
// back from Redis. A sale with a stock or queue key is refused with
// ErrSaleExists unless o.Force. The client's pool should have room for
// o.Buyers connections (Options.PoolSize). When the server goes away (an
// attempt fails as unreachable and a PING then fails too) or ctx ends, the
// run stops within a few seconds and Bench returns what was done so far
// (BenchRun, no read back) with an ErrBenchStopped error.
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
	res := BenchResult{BenchRun: BenchRun{Sale: o.Sale, RunID: o.RunID, Stock: o.Stock, Buyers: o.Buyers,
		Attempts: o.Attempts, Qty: o.Qty, Refused: map[string]int64{}}}
	lat := make([]int64, o.Attempts) // µs per attempt, indexed by attempt
	start := time.Now()
	taken, stopped := c.benchRun(ctx, o, lat, &res)
	elapsed := time.Since(start)
	res.ElapsedMs = float64(elapsed.Microseconds()) / 1000
	res.OpsPerSec = float64(res.Done) / elapsed.Seconds()
	made := lat[:taken] // attempts are handed out in order; those cut by a stop are marked -1
	slices.Sort(made)
	made = made[len(made)-int(res.Done):]
	res.P50Us, res.P99Us = percentile(made, 50), percentile(made, 99)
	if stopped != nil {
		return res, &BenchStoppedError{Done: res.Done, Attempts: o.Attempts, Cause: stopped}
	}
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

// benchRun makes the attempts from o.Buyers goroutines and tallies the
// replies into res (Done counts the attempts made). It returns how many
// attempts were handed out and why the run stopped before the last one:
// ctx's error, or the failure of an attempt that a PING then confirmed (the
// server is gone: the other buyers stop before their next attempt); nil
// when every attempt was made. An attempt cut short by the stop is not
// counted (its latency is -1).
func (c *Client) benchRun(ctx context.Context, o BenchOptions, lat []int64, res *BenchResult) (int64, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for b := 0; b < o.Buyers; b++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buyer := c.benchBuyer(o)
			defer buyer.close()
			local := BenchRun{Refused: map[string]int64{}}
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if n >= o.Attempts {
					break
				}
				t := time.Now()
				r, err := buyer.reserve(ctx, benchUser(o.RunID, n))
				lat[n] = time.Since(t).Microseconds()
				switch {
				case err != nil && ctx.Err() != nil && !errors.Is(err, ErrUnknownOutcome):
					lat[n] = -1 // cut short by the stop, not sent
					continue
				case err != nil:
					local.Errors++
					local.LastError = err.Error()
					if errors.Is(err, ErrUnknownOutcome) {
						local.Unknown++
					}
					if errors.Is(err, ErrUnreachable) && !buyer.alive(ctx) {
						stop(err)
					}
				case r.Status == StatusReserved:
					local.Reserved++
				default:
					local.Refused[r.Status]++
				}
				local.Done++
			}
			mu.Lock()
			defer mu.Unlock()
			res.Done += local.Done
			res.Reserved += local.Reserved
			res.Errors += local.Errors
			res.Unknown += local.Unknown
			if local.LastError != "" {
				res.LastError = local.LastError
			}
			for k, v := range local.Refused {
				res.Refused[k] += v
			}
		}()
	}
	wg.Wait()
	taken := min(next.Load(), o.Attempts)
	if res.Done == o.Attempts {
		return taken, nil
	}
	return taken, context.Cause(ctx)
}

// benchBuyer is what one buyer makes its attempts with. On a single server
// (standalone or Sentinel) every attempt goes over one connection of the
// pool kept for the buyer's run, so that an attempt costs no pool checkout,
// no health-check syscall and no per-call timer: reserveOn without
// Reserve's context deadline. Each attempt is still bounded, by the socket
// write and read deadlines go-redis sets from --timeout on every command
// (applyCommon; a script is sent once), and the run by ctx, checked before
// every attempt. A connection that failed is replaced (go-redis keeps a
// failed Conn failing). On a cluster, attempts are plain Reserve calls.
type benchBuyer struct {
	c    *Client
	o    BenchOptions
	rc   *redis.Client // nil on a cluster
	conn *redis.Conn
}

func (c *Client) benchBuyer(o BenchOptions) *benchBuyer {
	b := &benchBuyer{c: c, o: o}
	if rc, ok := c.rdb.(*redis.Client); ok {
		b.rc, b.conn = rc, rc.Conn()
	}
	return b
}

// reserve makes one attempt for user.
func (b *benchBuyer) reserve(ctx context.Context, user string) (Result, error) {
	if b.rc == nil {
		return b.c.Reserve(ctx, b.o.Sale, user, b.o.Qty, b.o.TTL)
	}
	r, err := b.c.reserveOn(ctx, b.conn, b.o.Sale, user, b.o.Qty, b.o.TTL)
	if errors.Is(err, ErrUnreachable) { // the connection failed: a new one
		_ = b.conn.Close()
		b.conn = b.rc.Conn()
	}
	return r, err
}

// alive reports whether the server still answers a PING (after a failed
// attempt: false stops the run).
func (b *benchBuyer) alive(ctx context.Context) bool {
	if b.rc == nil {
		_, err := b.c.Ping(ctx)
		return err == nil
	}
	return b.conn.Ping(ctx).Err() == nil
}

// close gives the buyer's connection back.
func (b *benchBuyer) close() {
	if b.conn != nil {
		_ = b.conn.Close()
	}
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
		q, ok := RedisInt(v)
		if !ok || q <= 0 {
			return 0, fmt.Errorf("%w: bench: hold %s holds quantity %q", ErrServer, cmd.Args()[1], v)
		}
		sum += q
	}
	return sum, nil
}
