package read

import (
	"context"
	"flashtop/redisops"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// BenchmarkPollerTick is one steady tick (the first walk done, no budget
// earned: the poll plan alone) among 100,000 keys: 10 sales, 100 holds each.
func BenchmarkPollerTick(b *testing.B) {
	srv, c := newTestServerClient(b, redistest.Redis, redisops.Options{})
	rdb := srv.Client(b)
	seedSales(b, rdb, c.Schema(), 10, 100)
	fillJunk(b, rdb, 100_000-10*(100+2))
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now})
	defer p.Close()
	o := redisops.SnapshotOptions{Sale: "sale1", HoldRows: 20, HeadWindow: 100}
	ctx := context.Background()
	for range 1000 {
		snap, err := p.Snapshot(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		if snap.Cost.WalksDone > 0 {
			break
		}
	}
	var snap *redisops.Snapshot
	var err error
	b.ResetTimer()
	for b.Loop() {
		if snap, err = p.Snapshot(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(snap.Cost.Commands), "commands/tick")
	b.ReportMetric(float64(snap.Cost.BytesIn), "bytes-in/tick")
}

// BenchmarkPollerColdStart measures how long the first walk of a keyspace of
// 1,000,000 keys takes with the default options and 1 s ticks (run it with
// -benchtime=1x): the time until every sale and complete hold counts show,
// and how many SCAN calls took the server more than 1 ms (SLOWLOG).
func BenchmarkPollerColdStart(b *testing.B) {
	srv, c := newTestServerClient(b, redistest.Redis, redisops.Options{})
	rdb := srv.Client(b)
	seedSales(b, rdb, c.Schema(), 10, 1000)
	fillJunk(b, rdb, 1_000_000-10*(1000+2))
	ctx := context.Background()
	rdb.ConfigSet(ctx, "slowlog-log-slower-than", "1000") // log every call over 1 ms
	rdb.ConfigSet(ctx, "slowlog-max-len", "100000")
	scanCalls := func() float64 {
		info := redisops.ParseInfo(rdb.Info(ctx, "commandstats").Val())
		return statFloat(parseStatFields(info.Fields["cmdstat_scan"]), "calls")
	}
	for b.Loop() {
		rdb.SlowLogReset(ctx)
		calls := scanCalls()
		p := NewPoller(c, PollerOptions{})
		start := time.Now()
		ticks := 0
		for {
			ticks++
			snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if snap.Cost.WalksDone > 0 {
				break
			}
			time.Sleep(time.Second - time.Since(start)%time.Second) // the dashboard's 1 s tick
		}
		b.ReportMetric(float64(ticks), "ticks")
		b.ReportMetric(time.Since(start).Seconds(), "s-to-complete")
		_ = p.Close()
		var over, worst int64
		for _, l := range rdb.SlowLogGet(ctx, -1).Val() {
			if len(l.Args) > 0 && strings.EqualFold(l.Args[0], "scan") {
				over++
				worst = max(worst, l.Duration.Microseconds())
			}
		}
		b.ReportMetric(scanCalls()-calls, "scans")
		b.ReportMetric(float64(over), "scans-over-1ms")
		b.ReportMetric(float64(worst), "worst-scan-us")
	}
}

// BenchmarkPollerSteadyBudget measures, from the server's own INFO
// commandstats, how much server time the walk's SCANs take per second once
// the first walk is done (the --scan-budget is 10 ms per second), over 5
// ticks of 1 s on 1,000,000 keys. Run it with -benchtime=1x.
func BenchmarkPollerSteadyBudget(b *testing.B) {
	srv, c := newTestServerClient(b, redistest.Redis, redisops.Options{})
	rdb := srv.Client(b)
	seedSales(b, rdb, c.Schema(), 10, 1000)
	fillJunk(b, rdb, 1_000_000-10*(1000+2))
	ctx := context.Background()
	scanUsec := func() float64 {
		info := redisops.ParseInfo(rdb.Info(ctx, "commandstats").Val())
		return statFloat(parseStatFields(info.Fields["cmdstat_scan"]), "usec")
	}
	for b.Loop() {
		p := NewPoller(c, PollerOptions{})
		for {
			snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if snap.Cost.WalksDone > 0 {
				break
			}
			time.Sleep(time.Second)
		}
		before, start := scanUsec(), time.Now()
		for range 5 {
			time.Sleep(time.Second)
			if _, err := p.Snapshot(ctx, redisops.SnapshotOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((scanUsec()-before)/1000/time.Since(start).Seconds(), "scan-server-ms/s")
		_ = p.Close()
	}
}

// parseStatFields splits "calls=1,usec=2,..." into fields.
func parseStatFields(s string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}

// statFloat is a commandstats field as a number (0 when absent or not one).
func statFloat(f map[string]string, name string) float64 {
	x, err := strconv.ParseFloat(strings.TrimSpace(f[name]), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}
