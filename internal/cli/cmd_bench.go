package cli

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// defaultBuyers is bench's --buyers when not given.
const defaultBuyers = 50

// benchCommand is the row of bench.
func benchCommand() command {
	return command{name: "bench", args: "--sale S --stock N --attempts A [--buyers 50] [--qty 1] [--ttl 300s] [--force]",
		about: "set stock N, race A reserve attempts from concurrent buyers, read Redis back; exit 1 if oversold",
		flags: []string{"stock", "buyers", "attempts", "qty", "ttl", "force"}, need: []string{"stock", "attempts"},
		sales: oneSale, write: true, check: (*config).setBench, run: noStdin(runBench)}
}

// setBench parses --stock, --buyers and --attempts.
func (c *config) setBench(fs *pflag.FlagSet, r rawFlags) error {
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

// benchStoppedJSON is the --json object of a bench run that stopped early:
// what it did (no read back), why it stopped, and the read that tells what
// Redis holds.
type benchStoppedJSON struct {
	OK     bool   `json:"ok"`
	Status string `json:"status"` // "stopped"
	Error  string `json:"error"`
	Check  string `json:"check"`
	redisops.BenchRun
}

// Status words of bench (beyond the scripts').
const (
	statusBenched    = "benched"
	statusStopped    = "stopped"
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
// oversold or the sale exists (without --force), 3 when attempts failed, and
// 3 when the run stopped early (the server gone, an interrupt), after the
// report of what was done so far.
func runBench(ctx context.Context, cfg config, p printer) int {
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
	var stopped *redisops.BenchStoppedError
	if errors.As(err, &stopped) {
		return benchStopped(cfg, p, r.BenchRun, stopped)
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
		fmt.Fprintf(p.stderr, "flashtop: bench: %d attempts failed; last: %s\n", r.Errors, redact(textsafe.String(r.LastError), cfg))
		return exitRedis
	}
	return exitOK
}

// benchStopped reports a run that stopped early: the text or JSON report of
// what it did, and on stderr why it stopped and how to see what Redis holds
// (the holds it made are there; attempts whose outcome is unknown may have
// made more). Exit 3.
func benchStopped(cfg config, p printer, r redisops.BenchRun, e *redisops.BenchStoppedError) int {
	why := "interrupted"
	if !errors.Is(e.Cause, context.Canceled) {
		cause := e.Cause
		var oe *redisops.OutcomeError
		if errors.As(cause, &oe) {
			cause = oe.Err
		}
		_, why = describe(cfg, cause)
	}
	check := "flashtop snapshot --sale " + cfg.sale()
	msg := fmt.Sprintf("bench: stopped after %d of %d attempts: %s; nothing was read back: see what it reserved with `%s`",
		e.Done, e.Attempts, why, check)
	if r.Unknown > 0 {
		msg = fmt.Sprintf("bench: stopped after %d of %d attempts: %s; %d attempts with an unknown outcome may have been applied: check with `%s`",
			e.Done, e.Attempts, why, r.Unknown, check)
	}
	msg = textsafe.String(redact(msg, cfg))
	if p.json {
		p.emit(benchStoppedJSON{Status: statusStopped, Error: msg, Check: check, BenchRun: r})
	} else {
		fmt.Fprint(p.stdout, benchRunText(r, "not read back (the run stopped)"))
		fmt.Fprintf(p.stdout, "  throughput      %.0f reserves/s over %.0f ms\n  latency         p50 %d µs, p99 %d µs\n",
			r.OpsPerSec, r.ElapsedMs, r.P50Us, r.P99Us)
	}
	fmt.Fprintln(p.stderr, "flashtop: "+msg)
	return exitRedis
}

// benchText is the text report of a bench run.
func benchText(r redisops.BenchResult) string {
	var b strings.Builder
	b.WriteString(benchRunText(r.BenchRun, fmt.Sprintf("%d units held (read back)", r.ReservedUnits)))
	fmt.Fprintf(&b, "  stock left      %d\n  oversold        %d\n  unaccounted     %d\n", r.StockLeft, r.Oversold, r.Unaccounted)
	fmt.Fprintf(&b, "  throughput      %.0f reserves/s over %.0f ms\n  latency         p50 %d µs, p99 %d µs\n",
		r.OpsPerSec, r.ElapsedMs, r.P50Us, r.P99Us)
	return b.String()
}

// benchRunText is the head of a bench report: the run and its replies;
// held says what is known of the units held.
func benchRunText(r redisops.BenchRun, held string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "bench %s (run %s): stock %d, %d buyers, %d attempts of %d unit(s)\n",
		textsafe.String(r.Sale), r.RunID, r.Stock, r.Buyers, r.Attempts, r.Qty)
	fmt.Fprintf(&b, "  reserved        %d attempts, %s\n", r.Reserved, held)
	words := make([]string, 0, len(r.Refused))
	for w := range r.Refused {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		fmt.Fprintf(&b, "  %-15s %d\n", w, r.Refused[w])
	}
	switch {
	case r.Unknown > 0:
		fmt.Fprintf(&b, "  errors          %d (%d with an unknown outcome: they may have reserved)\n", r.Errors, r.Unknown)
	case r.Errors > 0:
		fmt.Fprintf(&b, "  errors          %d\n", r.Errors)
	}
	return b.String()
}
