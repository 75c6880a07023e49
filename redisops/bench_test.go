package redisops

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// benchHolds counts, independently of Bench, the hold keys of a run and the
// units they hold, with a SCAN of the whole database.
func benchHolds(t *testing.T, rdb *redis.Client, runID, sale string) (keys, units int64) {
	t.Helper()
	ctx := context.Background()
	all, err := scanAll(rdb)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		if !strings.HasPrefix(k, "reservation:"+runID+"-") || !strings.HasSuffix(k, ":"+sale) {
			continue
		}
		q, err := rdb.HGet(ctx, k, "quantity").Int64()
		if err != nil {
			t.Fatalf("hold %s: %v", k, err)
		}
		keys++
		units += q
	}
	return keys, units
}

func TestBenchAccountingExact(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		stock, attempts, qty      int64
		buyers                    int
		reserved, units, left     int64
		insufficient, noInventory int64
	}{
		{name: "sells out", stock: 100, attempts: 500, qty: 1, buyers: 20, reserved: 100, units: 100, left: 0, insufficient: 400},
		{name: "qty 3 leaves a remainder", stock: 100, attempts: 400, qty: 3, buyers: 50, reserved: 33, units: 99, left: 1, insufficient: 367},
		{name: "more stock than attempts", stock: 1000, attempts: 300, qty: 2, buyers: 7, reserved: 300, units: 600, left: 400},
		{name: "no stock", stock: 0, attempts: 50, qty: 1, buyers: 5, left: 0, insufficient: 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, redistest.Redis)
			rdb := c.Redis().(*redis.Client)
			r, err := c.Bench(context.Background(), BenchOptions{Sale: "b1", Stock: tc.stock, Buyers: tc.buyers,
				Attempts: tc.attempts, Qty: tc.qty, RunID: "run1"})
			if err != nil {
				t.Fatal(err)
			}
			if r.Reserved != tc.reserved || r.ReservedUnits != tc.units || r.StockLeft != tc.left ||
				r.Oversold != 0 || r.Unaccounted != 0 || r.Errors != 0 {
				t.Fatalf("result %+v", r)
			}
			if r.Refused[StatusInsufficientStock] != tc.insufficient || len(r.Refused) > 1 {
				t.Fatalf("refused %v, want %d insufficient_stock only", r.Refused, tc.insufficient)
			}
			var total int64
			for _, n := range r.Refused {
				total += n
			}
			if total+r.Reserved != tc.attempts {
				t.Fatalf("replies %d + %d != attempts %d", total, r.Reserved, tc.attempts)
			}
			keys, units := benchHolds(t, rdb, "run1", "b1")
			if keys != tc.reserved || units != tc.units {
				t.Fatalf("Redis holds %d keys, %d units; want %d, %d", keys, units, tc.reserved, tc.units)
			}
			if got := rdb.Get(context.Background(), "inventory:b1").Val(); got != strconv.FormatInt(tc.left, 10) {
				t.Fatalf("stock %q, want %d", got, tc.left)
			}
			if r.P50Us <= 0 || r.P99Us < r.P50Us || r.OpsPerSec <= 0 {
				t.Fatalf("timings p50 %d p99 %d ops/s %f", r.P50Us, r.P99Us, r.OpsPerSec)
			}
		})
	}
}

// TestBenchReadBackFindsOversold: oversold and unaccounted come from what
// Redis holds, not from the replies: holds planted beyond the stock are found.
func TestBenchReadBackFindsOversold(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	o := BenchOptions{Sale: "b2", Stock: 10, Buyers: 1, Attempts: 5, RunID: "run2"}
	if err := o.check(); err != nil {
		t.Fatal(err)
	}
	rdb.Set(ctx, "inventory:b2", "-2", 0)
	for n, q := range []int64{4, 0, 5, 3} { // attempt 1 has no hold; attempt 4 none either
		if q > 0 {
			rdb.HSet(ctx, "reservation:"+benchUser("run2", int64(n))+":b2", "quantity", q)
		}
	}
	r := BenchResult{}
	if err := c.benchReadBack(ctx, o, &r); err != nil {
		t.Fatal(err)
	}
	if r.ReservedUnits != 12 || r.StockLeft != -2 || r.Oversold != 2 || r.Unaccounted != 0 {
		t.Fatalf("read back %+v, want units 12, stock -2, oversold 2, unaccounted 0", r)
	}
	rdb.Set(ctx, "inventory:b2", "0", 0)
	r = BenchResult{}
	if err := c.benchReadBack(ctx, o, &r); err != nil {
		t.Fatal(err)
	}
	if r.Oversold != 2 || r.Unaccounted != -2 {
		t.Fatalf("read back %+v, want oversold 2 (12 held of 10), unaccounted -2", r)
	}
}

func TestBenchRefusesExistingSale(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	for _, key := range []string{"inventory:s1", "queue:s2"} {
		if strings.HasPrefix(key, "queue") {
			rdb.ZAdd(ctx, key, redis.Z{Score: 1, Member: "u"})
		} else {
			rdb.Set(ctx, key, "7", 0)
		}
		sale := key[strings.IndexByte(key, ':')+1:]
		before := dbState(t, rdb)
		_, err := c.Bench(ctx, BenchOptions{Sale: sale, Stock: 5, Buyers: 2, Attempts: 10})
		if !errors.Is(err, ErrSaleExists) || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("%s: err %v, want ErrSaleExists naming the key and --force", key, err)
		}
		if d := diffState(before, dbState(t, rdb)); d != "" {
			t.Fatalf("%s: refused bench wrote:\n%s", key, d)
		}
	}
	r, err := c.Bench(ctx, BenchOptions{Sale: "s1", Stock: 5, Buyers: 2, Attempts: 10, Force: true})
	if err != nil || r.Reserved != 5 || r.Oversold != 0 || r.StockLeft != 0 {
		t.Fatalf("--force: %+v, %v", r, err)
	}
}

func TestBenchRejectsBadOptions(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	rdb := c.Redis().(*redis.Client)
	before := dbState(t, rdb)
	for _, o := range []BenchOptions{
		{Sale: "", Stock: 1, Buyers: 1, Attempts: 1},
		{Sale: "a:b", Stock: 1, Buyers: 1, Attempts: 1},
		{Sale: "s", Stock: -1, Buyers: 1, Attempts: 1},
		{Sale: "s", Stock: 1, Buyers: 0, Attempts: 1},
		{Sale: "s", Stock: 1, Buyers: 1, Attempts: 0},
		{Sale: "s", Stock: 1, Buyers: 1, Attempts: 1, Qty: -1},
		{Sale: "s", Stock: 1, Buyers: 1, Attempts: 1, TTL: time.Millisecond},
	} {
		if _, err := c.Bench(context.Background(), o); !errors.Is(err, ErrInput) {
			t.Errorf("%+v: err %v, want ErrInput", o, err)
		}
	}
	if d := diffState(before, dbState(t, rdb)); d != "" {
		t.Fatalf("bad options wrote:\n%s", d)
	}
}

func TestPercentile(t *testing.T) {
	v := make([]int64, 100)
	for i := range v {
		v[i] = int64(i + 1)
	}
	for _, tc := range []struct {
		in     []int64
		p      int
		want   int64
		reason string
	}{
		{v, 50, 50, "1..100"}, {v, 99, 99, "1..100"}, {v, 100, 100, "max"},
		{[]int64{7}, 50, 7, "one"}, {[]int64{7}, 99, 7, "one"}, {nil, 50, 0, "none"},
		{[]int64{1, 2, 3}, 50, 2, "odd"}, {[]int64{1, 2, 3}, 99, 3, "odd"},
	} {
		if got := percentile(tc.in, tc.p); got != tc.want {
			t.Errorf("%s: p%d = %d, want %d", tc.reason, tc.p, got, tc.want)
		}
	}
}

// BenchmarkReserveBench measures Bench's throughput (50 buyers) on a local server.
func BenchmarkReserveBench(b *testing.B) {
	_, c := newTestServerClient(b, redistest.Redis, Options{PoolSize: 50})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := c.Bench(context.Background(), BenchOptions{Sale: "bb" + strconv.Itoa(i), Stock: 5000, Buyers: 50, Attempts: 10000})
		if err != nil || r.Oversold != 0 {
			b.Fatalf("%+v %v", r, err)
		}
		b.ReportMetric(r.OpsPerSec, "reserves/s")
	}
}

// TestBenchAttemptBoundedWithoutDeadline: a buyer's attempts carry no context
// deadline, so on a server that stops answering (CLIENT PAUSE WRITE) the socket
// timeouts from Options.Timeout must end each one with ErrUnreachable rather
// than leave it waiting for the pause.
func TestBenchAttemptBoundedWithoutDeadline(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{PoolSize: 2, Timeout: 100 * time.Millisecond})
	ctx := context.Background()
	if _, err := c.SetStock(ctx, "bp", 10); err != nil {
		t.Fatal(err)
	}
	o := BenchOptions{Sale: "bp", Stock: 10, Buyers: 1, Attempts: 1}
	if err := o.check(); err != nil {
		t.Fatal(err)
	}
	buyer := c.benchBuyer(o)
	defer buyer.close()
	if r, err := buyer.reserve(ctx, "u-before"); err != nil || r.Status != StatusReserved {
		t.Fatalf("before the pause: %+v %v", r, err)
	}
	admin := srv.Client(t)
	if err := admin.Do(ctx, "CLIENT", "PAUSE", "600000", "WRITE").Err(); err != nil {
		t.Fatal(err)
	}
	defer admin.Do(ctx, "CLIENT", "UNPAUSE")
	_, err := buyer.reserve(ctx, "u-paused")
	if !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, ErrUnreachable) {
		t.Fatalf("attempt on a paused server: %v, want an unknown outcome (a socket timeout after sending)", err)
	}
	if err := admin.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
		t.Fatal(err)
	}
}

// benchUntilStopped runs a long bench in the background and returns its
// result channel once the stock has started to fall.
func benchUntilStopped(ctx context.Context, t *testing.T, c *Client, rdb *redis.Client, sale string) <-chan benchOutcome {
	t.Helper()
	out := make(chan benchOutcome, 1)
	go func() {
		r, err := c.Bench(ctx, BenchOptions{Sale: sale, Stock: 1_000_000, Buyers: 8, Attempts: MaxBenchAttempts})
		out <- benchOutcome{r, err}
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if v, _ := rdb.Get(context.Background(), "inventory:"+sale).Int64(); v > 0 && v < 1_000_000-100 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatal("the bench never started reserving")
		}
	}
}

type benchOutcome struct {
	r   BenchResult
	err error
}

// TestBenchStopsWhenTheServerDies: kill -9 of the server mid-run stops the
// bench within a few seconds (measured, logged, asserted under 5 s) with
// the run so far: attempts made, reserved, errors, no read back.
func TestBenchStopsWhenTheServerDies(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{PoolSize: 64}) // more than the failed dials: go-redis starts no background redialer
	rdb := srv.Client(t)
	out := benchUntilStopped(context.Background(), t, c, rdb, "dies")
	killed := time.Now()
	srv.Kill()
	var o benchOutcome
	select {
	case o = <-out:
	case <-time.After(60 * time.Second):
		t.Fatal("the bench did not stop within 60 s of the server dying")
	}
	took := time.Since(killed)
	t.Logf("stopped %s after kill -9, after %d attempts (%d reserved, %d errors, %d unknown)", took.Round(time.Millisecond),
		o.r.Done, o.r.Reserved, o.r.Errors, o.r.Unknown)
	var stopped *BenchStoppedError
	if !errors.As(o.err, &stopped) || !errors.Is(o.err, ErrUnreachable) || stopped.Done != o.r.Done {
		t.Fatalf("err %v, want a BenchStoppedError on ErrUnreachable", o.err)
	}
	refused := int64(0)
	for _, n := range o.r.Refused {
		refused += n
	}
	if o.r.Reserved < 100 || o.r.Done != o.r.Reserved+refused+o.r.Errors || o.r.Done >= MaxBenchAttempts ||
		o.r.Errors > 8 || o.r.Unknown > o.r.Errors || o.r.StockLeft != 0 || o.r.ReservedUnits != 0 {
		t.Fatalf("run so far %+v", o.r)
	}
	if took > 5*time.Second {
		t.Errorf("stopped %s after the server died", took)
	}
}

// TestBenchStopsOnInterrupt: a cancelled context stops the run at once with
// what was done, the cause context.Canceled.
func TestBenchStopsOnInterrupt(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{PoolSize: 64}) // more than the failed dials: go-redis starts no background redialer
	ctx, cancel := context.WithCancel(context.Background())
	out := benchUntilStopped(ctx, t, c, srv.Client(t), "ctrlc")
	cancel()
	o := <-out
	if !errors.Is(o.err, ErrBenchStopped) || !errors.Is(o.err, context.Canceled) || o.r.Reserved < 100 || o.r.Errors != 0 {
		t.Fatalf("interrupted: %+v %v", o.r, o.err)
	}
}
