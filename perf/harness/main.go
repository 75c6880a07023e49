// Command harness measures flashtop's performance targets on a keyspace of
// 1,000,000 keys in a redis-server of its own: the dashboard's cost to the
// server against a naive full SCAN every 2 s, the dashboard process's CPU and
// memory, `flashtop snapshot --json` time and exactness, and `flashtop bench`
// against redis-benchmark. It prints a table of figures and targets and exits
// 1 when a target is missed. perf/run.sh builds flashtop and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/localserver"
)

// harness is one run's settings and the server it owns.
type harness struct {
	flashtop   string
	url, addr  string
	port       int
	window     time.Duration
	warmup     time.Duration
	benchN     int
	rounds     int
	tmuxSocket string
	screenFile string
	serve      bool
}

func main() {
	h := &harness{tmuxSocket: "flashtop-perf-" + strconv.Itoa(os.Getpid())}
	flag.StringVar(&h.flashtop, "flashtop", "", "path of the flashtop binary to measure (required)")
	flag.DurationVar(&h.window, "window", 40*time.Second, "measurement window of the dashboard and the naive scan")
	flag.DurationVar(&h.warmup, "warmup", 3*time.Minute, "longest the dashboard runs before its window opens (it opens as soon as the dashboard reports a complete discovery walk)")
	flag.IntVar(&h.benchN, "bench-n", 200_000, "reserve attempts per bench run (stock is half)")
	flag.IntVar(&h.rounds, "rounds", 3, "side-by-side rounds of bench and redis-benchmark (best of each counts)")
	flag.StringVar(&h.screenFile, "screen", "", "write the dashboard's last screen to this file")
	flag.BoolVar(&h.serve, "serve", false, "load the keyspace, print the URL and keep the server until interrupted (no measurements)")
	flag.Parse()
	if h.flashtop == "" {
		fmt.Fprintln(os.Stderr, "harness: --flashtop PATH is required (perf/run.sh builds it)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := h.run(ctx, os.Stdout)
	stop()
	os.Exit(code)
}

// run starts the server, loads it, measures, prints the table and returns
// the exit code (0 all targets met, 1 a target missed, 3 the harness failed).
func (h *harness) run(ctx context.Context, w io.Writer) int {
	dir, err := os.MkdirTemp("", "flashtop-perf-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		return 3
	}
	defer os.RemoveAll(dir)
	srv, err := localserver.Start(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		return 3
	}
	defer srv.Stop()
	h.addr, h.port = srv.Addr(), srv.Port
	h.url = "redis://" + h.addr + "/0"
	rdb := redis.NewClient(&redis.Options{Addr: h.addr, DisableIdentity: true})
	defer rdb.Close()
	rows, err := h.measureAll(ctx, w, rdb)
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		return 3
	}
	if h.serve {
		return 0
	}
	return printTable(w, rows)
}

// row is one line of the result table.
type row struct {
	figure, measured, target string
	pass                     bool
}

// measureAll loads the keyspace and runs every measurement in order.
func (h *harness) measureAll(ctx context.Context, w io.Writer, rdb *redis.Client) ([]row, error) {
	ver, _ := rdb.Info(ctx, "server").Result()
	fmt.Fprintf(w, "redis-server at %s; loading %d keys...\n", h.addr, totalKeys)
	t := time.Now()
	if err := load(ctx, rdb); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "loaded in %s (%s)\n", time.Since(t).Round(time.Millisecond), redisVersion(ver))
	if h.serve {
		fmt.Fprintf(w, "serving %s until interrupted\n", h.url)
		<-ctx.Done()
		return nil, nil
	}
	snap, err := h.measureSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "snapshot --json: %s, exact %v %s\n", snap.wall.Round(time.Millisecond), snap.exact, snap.problem)
	idle, err := h.measureIdle(ctx, rdb, 10*time.Second)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "idle server (10 s): commands %.3f%%, used_cpu %.2f%% of a core\n", 100*idle.cmdShare, 100*idle.cpuShare)
	fmt.Fprintf(w, "dashboard: warm-up until its first discovery walk is complete (at most %s), then a %s window...\n", h.warmup, h.window)
	dash, err := h.measureDashboard(ctx, rdb)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "dashboard: warm-up %s, first walk complete: %v\n", dash.warmup.Round(time.Second), dash.walked)
	saveScreen(h.screenFile, dash.screen)
	fmt.Fprintf(w, "dashboard: %d commands, %.0f ms in commands (%s); used_cpu %.2f s\n",
		dash.server.calls, float64(dash.server.cmdUsec)/1000, dash.server.top(5), dash.server.cpuSecs)
	fmt.Fprintf(w, "naive full SCAN every 2 s for %s...\n", h.window)
	naive, walks, err := h.measureNaive(ctx, rdb)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "naive: %d walks, %d commands, %.0f ms in commands; used_cpu %.2f s\n",
		walks, naive.calls, float64(naive.cmdUsec)/1000, naive.cpuSecs)
	best := benchPair{}
	for i := 1; i <= h.rounds; i++ {
		p, err := h.measureBench(ctx, rdb, i)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "round %d: redis-benchmark %.0f/s, flashtop bench %.0f/s (p50 %d µs, p99 %d µs), oversold %d, exit %d\n",
			i, p.redisBenchOps, p.flashtopOps, p.p50, p.p99, p.oversold, p.benchExit)
		best.redisBenchOps = max(best.redisBenchOps, p.redisBenchOps)
		best.flashtopOps = max(best.flashtopOps, p.flashtopOps)
		best.oversold += p.oversold
		best.benchExit = max(best.benchExit, p.benchExit)
	}
	return h.rows(snap, idle, dash, naive, best), nil
}

// rows turns the measurements into the table, each against its target.
func (h *harness) rows(snap snapResult, idle serverCost, dash dashResult, naive serverCost, b benchPair) []row {
	ratio := float64(naive.cmdUsec) / float64(max(dash.server.cmdUsec, 1))
	cpuRatio := (naive.cpuShare - idle.cpuShare) / max(dash.server.cpuShare-idle.cpuShare, 1e-9)
	benchShare := b.flashtopOps / max(b.redisBenchOps, 1)
	rssMB := float64(max(dash.rssMaxKB, dash.hwmKB)) / 1024
	return []row{
		{"dashboard start-up: time to first complete walk / server commandstats", fmt.Sprintf("%s (walk done: %v) / %s",
			dash.warmup.Round(time.Second), dash.walked, pct(dash.startup.cmdShare)), "(for reference)", true},
		{"dashboard: server time in commands (commandstats)", pct(dash.server.cmdShare), "<= 2% of a core", dash.server.cmdShare <= 0.02},
		{"dashboard: server used_cpu (incl. idle " + pct(idle.cpuShare) + ")", pct(dash.server.cpuShare), "(for reference)", true},
		{"naive full SCAN every 2 s: commands / used_cpu", pct(naive.cmdShare) + " / " + pct(naive.cpuShare), "(for reference)", true},
		{"naive / dashboard, commandstats usec", fmt.Sprintf("%.1fx", ratio), ">= 20x", ratio >= 20},
		{"naive / dashboard, used_cpu net of idle", fmt.Sprintf("%.1fx", cpuRatio), "(for reference)", true},
		{"flashtop dashboard process CPU", pct(dash.procShare), "<= 5% of a core", dash.procShare <= 0.05},
		{"flashtop dashboard process RSS (peak)", fmt.Sprintf("%.1f MB", rssMB), "<= 150 MB", rssMB <= 150},
		{"snapshot --json wall time", snap.wall.Round(time.Millisecond).String(), "<= 5s", snap.wall <= 5*time.Second},
		{"snapshot --json exact (10 sales x stock, queue, holds, units)", fmt.Sprint(snap.exact), "true", snap.exact},
		{"bench --buyers 50 (best of rounds)", fmt.Sprintf("%.0f/s", b.flashtopOps), "", true},
		{"redis-benchmark -c 50 EVALSHA reserve (best of rounds)", fmt.Sprintf("%.0f/s", b.redisBenchOps), "", true},
		{"bench / redis-benchmark", pct(benchShare), ">= 80%", benchShare >= 0.8},
		{"bench oversold (all rounds), exit code", fmt.Sprintf("%d, %d", b.oversold, b.benchExit), "0, 0", b.oversold == 0 && b.benchExit == 0},
	}
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

// printTable prints the rows and returns 0 when every target is met.
func printTable(w io.Writer, rows []row) int {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\ttarget\tresult")
	code := 0
	for _, r := range rows {
		res := "pass"
		switch {
		case r.target == "" || r.target == "(for reference)":
			res = ""
		case !r.pass:
			res, code = "FAIL", 1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.figure, r.measured, r.target, res)
	}
	_ = tw.Flush()
	return code
}

// redisVersion finds redis_version in INFO server text.
func redisVersion(info string) string {
	for _, line := range strings.Split(strings.ReplaceAll(info, "\r", ""), "\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			return "redis " + v
		}
	}
	return "redis"
}
