package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"flashtop/redisops"
)

// defaultBuyers is bench's --buyers when not given.
const defaultBuyers = 50

// setBench parses --stock, --buyers and --attempts (bench only; the spec
// check has already refused them on other commands).
func (c *config) setBench(fs *pflag.FlagSet, r rawFlags) error {
	if c.Command != "bench" {
		return nil
	}
	var err error
	if c.Stock, err = redisops.ParseIntIn("--stock", r.stock, 0, redisops.MaxStockSet); err != nil {
		return err
	}
	c.Buyers = defaultBuyers
	if fs.Changed("buyers") {
		n, err := redisops.ParseIntIn("--buyers", r.buyers, 1, redisops.MaxBenchBuyers)
		if err != nil {
			return err
		}
		c.Buyers = int(n)
	}
	c.Attempts, err = redisops.ParseIntIn("--attempts", r.attempts, 1, redisops.MaxBenchAttempts)
	return err
}

// benchJSON is the --json object of bench.
type benchJSON struct {
	OK     bool   `json:"ok"`
	Status string `json:"status"` // "benched", or "oversold"
	redisops.BenchResult
}

// Status words of bench (beyond the scripts').
const (
	statusBenched    = "benched"
	statusOversold   = "oversold"
	statusSaleExists = "sale_exists"
)

// benchProcs is how many CPUs bench's buyers run on, given the machine's:
// half of them, at least one. Like redis-benchmark (one thread by default),
// bench is a load generator; it leaves the other half to a server on the
// same host, which its throughput depends on (on 2 cores, the 50 buyers over
// both cores took CPU from redis-server: perf/benchratio.sh measured a
// median of 75% of redis-benchmark on two, 93% on one).
func benchProcs(cpus int) int { return max(1, cpus/2) }

// runBench races --attempts reserves from --buyers connections against
// --stock units of a new sale and reads Redis back. Exit 1 when anything was
// oversold or the sale exists (without --force), 3 when attempts failed.
func runBench(ctx context.Context, cfg config, p printer) int {
	if err := checkArmed(cfg); err != nil {
		return p.fail(cfg, err)
	}
	o := cfg.options()
	o.PoolSize = cfg.Buyers
	client, err := redisops.New(o)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(benchProcs(runtime.NumCPU())))
	r, err := client.Bench(ctx, redisops.BenchOptions{Sale: cfg.sale(), Stock: cfg.Stock, Buyers: cfg.Buyers,
		Attempts: cfg.Attempts, Qty: cfg.Qty, TTL: cfg.TTL, Force: cfg.Force})
	if errors.Is(err, redisops.ErrSaleExists) {
		msg := "bench: " + strings.TrimPrefix(err.Error(), redisops.ErrSaleExists.Error()+": ")
		fmt.Fprintln(p.stderr, "flashtop: "+msg)
		if p.json {
			p.emit(errorJSON{Status: statusSaleExists, Error: msg})
		}
		return exitRefused
	}
	if err != nil {
		return p.fail(cfg, err)
	}
	out := benchJSON{OK: r.Oversold == 0 && r.Errors == 0, Status: statusBenched, BenchResult: r}
	if r.Oversold > 0 {
		out.Status = statusOversold
	}
	if p.json {
		p.emit(out)
	} else {
		fmt.Fprint(p.stdout, benchText(r))
	}
	switch {
	case r.Oversold > 0:
		fmt.Fprintf(p.stderr, "flashtop: bench: OVERSOLD by %d units\n", r.Oversold)
		return exitRefused
	case r.Errors > 0:
		fmt.Fprintf(p.stderr, "flashtop: bench: %d attempts failed; last: %s\n", r.Errors, redact(redisops.Sanitize(r.LastError), cfg))
		return exitRedis
	}
	return exitOK
}

// benchText is the text report of a bench run.
func benchText(r redisops.BenchResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "bench %s (run %s): stock %d, %d buyers, %d attempts of %d unit(s)\n",
		redisops.Sanitize(r.Sale), r.RunID, r.Stock, r.Buyers, r.Attempts, r.Qty)
	fmt.Fprintf(&b, "  reserved        %d attempts, %d units held (read back)\n", r.Reserved, r.ReservedUnits)
	words := make([]string, 0, len(r.Refused))
	for w := range r.Refused {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		fmt.Fprintf(&b, "  %-15s %d\n", w, r.Refused[w])
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, "  errors          %d\n", r.Errors)
	}
	fmt.Fprintf(&b, "  stock left      %d\n  oversold        %d\n  unaccounted     %d\n", r.StockLeft, r.Oversold, r.Unaccounted)
	fmt.Fprintf(&b, "  throughput      %.0f reserves/s over %.0f ms\n  latency         p50 %d µs, p99 %d µs\n",
		r.OpsPerSec, r.ElapsedMs, r.P50Us, r.P99Us)
	return b.String()
}
