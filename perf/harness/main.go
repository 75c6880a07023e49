// Command harness measures flashtop's performance targets on a keyspace of
// 1,000,000 keys in a redis-server of its own: the dashboard's cost to the
// server in its steady state against a naive full SCAN every 2 s, the
// dashboard process's CPU and memory, the lag from another client's write to
// the dashboard's screen (500 holds added, 500 deleted, 20,000 in one EVAL,
// 500 after a 10 s SIGSTOP of the server), that the dashboard leaves
// notify-keyspace-events as it found it, `flashtop snapshot --json` time and
// exactness, and `flashtop bench` against redis-benchmark. It prints a table
// of figures and targets and exits 1 when a target is missed. perf/run.sh
// builds flashtop and runs it.
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
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/localserver"
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
	serverPID  int       // the redis-server process, for SIGSTOP/SIGCONT
	log        io.Writer // progress lines

	skipSteady, skipNaive, skipBench, skipLag, skipStop bool
	lagRepeats                                          int
	lagTimeout, stopFor, stopTimeout                    time.Duration
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
	flag.BoolVar(&h.skipSteady, "skip-steady", false, "skip the idle baseline, the dashboard's steady-state window and the naive scan")
	flag.BoolVar(&h.skipNaive, "skip-naive", false, "skip the naive full SCAN (and the naive/dashboard ratios)")
	flag.BoolVar(&h.skipBench, "skip-bench", false, "skip bench against redis-benchmark")
	flag.BoolVar(&h.skipLag, "skip-lag", false, "skip the write-to-screen lag repeats (500 added, 500 deleted, 20,000 in one EVAL)")
	flag.BoolVar(&h.skipStop, "skip-stop", false, "skip the SIGSTOP/SIGCONT recovery measurement")
	flag.IntVar(&h.lagRepeats, "lag-repeats", 5, "repeats of each lag measurement")
	flag.DurationVar(&h.lagTimeout, "lag-timeout", 20*time.Second, "longest wait for the screen in a lag repeat (a repeat that waits longer fails)")
	flag.DurationVar(&h.stopFor, "stop-for", 10*time.Second, "how long redis-server stays stopped (SIGSTOP) before SIGCONT")
	flag.DurationVar(&h.stopTimeout, "stop-timeout", 20*time.Second, "longest wait for the screen after SIGCONT")
	flag.Parse()
	if h.flashtop == "" {
		fmt.Fprintln(os.Stderr, "harness: --flashtop PATH is required (perf/run.sh builds it)")
		os.Exit(2)
	}
	if h.lagRepeats < 1 || h.lagTimeout <= 0 || h.stopFor < 0 || h.stopTimeout <= 0 {
		fmt.Fprintln(os.Stderr, "harness: --lag-repeats must be >= 1 and --lag-timeout, --stop-timeout > 0")
		os.Exit(2)
	}
	h.log = os.Stdout
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
	h.addr, h.port, h.serverPID = srv.Addr(), srv.Port, srv.PID()
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

// results is every measurement of one run; what a flag skipped stays zero
// with its ran flag false.
type results struct {
	snap     snapResult
	idle     serverCost
	dash     dashResult
	notify   notifyCheck
	naive    serverCost
	walks    int
	naiveRan bool
	bench    benchPair
	benchRan bool
}

// measureAll loads the keyspace and runs every measurement in order: the
// snapshot, the idle baseline, the dashboard session (steady window, then
// the lag steps), the naive scan, bench.
func (h *harness) measureAll(ctx context.Context, w io.Writer, rdb *redis.Client) ([]row, error) {
	ver, _ := rdb.Info(ctx, "server").Result()
	fmt.Fprintf(w, "redis-server at %s (pid %d); loading %d keys...\n", h.addr, h.serverPID, totalKeys)
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
	var res results
	var err error
	if res.snap, err = h.measureSnapshot(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "snapshot --json: %s, exact %v %s\n", res.snap.wall.Round(time.Millisecond), res.snap.exact, res.snap.problem)
	if !h.skipSteady {
		if res.idle, err = h.measureIdle(ctx, rdb, 10*time.Second); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "idle server (10 s): commands %.3f%%, used_cpu %.2f%% of a core\n", 100*res.idle.cmdShare, 100*res.idle.cpuShare)
	}
	if err := h.dashboardPhase(ctx, w, rdb, &res); err != nil {
		return nil, err
	}
	if !h.skipSteady && !h.skipNaive {
		fmt.Fprintf(w, "naive full SCAN every 2 s for %s...\n", h.window)
		if res.naive, res.walks, err = h.measureNaive(ctx, rdb); err != nil {
			return nil, err
		}
		res.naiveRan = true
		fmt.Fprintf(w, "naive: %d walks, %d commands, %.0f ms in commands; used_cpu %.2f s\n",
			res.walks, res.naive.calls, float64(res.naive.cmdUsec)/1000, res.naive.cpuSecs)
	}
	if !h.skipBench {
		if res.bench, err = h.benchPhase(ctx, w, rdb); err != nil {
			return nil, err
		}
		res.benchRan = true
	}
	return h.rows(res), nil
}

// dashboardPhase reads notify-keyspace-events, runs the dashboard session
// and reads the setting again after the dashboard has quit.
func (h *harness) dashboardPhase(ctx context.Context, w io.Writer, rdb *redis.Client, res *results) error {
	var err error
	if res.notify.before, err = keyspaceEvents(ctx, rdb); err != nil {
		return err
	}
	fmt.Fprintf(w, "dashboard: warm-up until its first discovery walk is complete (at most %s), then a %s window (skipped: %v), then the lag steps...\n",
		h.warmup, h.window, h.skipSteady)
	if res.dash, err = h.measureDashboard(ctx, rdb); err != nil {
		return err
	}
	d := &res.dash
	res.notify.quit = d.quit
	if res.notify.after, err = keyspaceEvents(ctx, rdb); err != nil {
		return err
	}
	saveScreen(h.screenFile, d.screen)
	fmt.Fprintf(w, "dashboard: warm-up %s, first walk complete: %v; exited on q: %v\n", d.warmup.Round(time.Second), d.walked, d.quit)
	if d.steady {
		fmt.Fprintf(w, "dashboard window: %d commands, %.0f ms in commands; used_cpu %.2f s\n  by command: %s\n",
			d.server.calls, float64(d.server.cmdUsec)/1000, d.server.cpuSecs, d.server.byName(func(string) bool { return true }))
	}
	fmt.Fprintf(w, "feed commands, launch to window: %s\n", d.startup.byName(feedCommand))
	fmt.Fprintf(w, "feed commands, launch to quit: %s\n", d.session.byName(feedCommand))
	return nil
}

// benchPhase runs the side-by-side bench rounds; the best of each side counts.
func (h *harness) benchPhase(ctx context.Context, w io.Writer, rdb *redis.Client) (benchPair, error) {
	best := benchPair{}
	for i := 1; i <= h.rounds; i++ {
		p, err := h.measureBench(ctx, rdb, i)
		if err != nil {
			return best, err
		}
		fmt.Fprintf(w, "round %d: redis-benchmark %.0f/s, flashtop bench %.0f/s (p50 %d µs, p99 %d µs), oversold %d, exit %d\n",
			i, p.redisBenchOps, p.flashtopOps, p.p50, p.p99, p.oversold, p.benchExit)
		best.redisBenchOps = max(best.redisBenchOps, p.redisBenchOps)
		best.flashtopOps = max(best.flashtopOps, p.flashtopOps)
		best.oversold += p.oversold
		best.benchExit = max(best.benchExit, p.benchExit)
	}
	return best, nil
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
