package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// row is one line of the result table. A skipped row was not measured (a
// --skip flag): it is neither a pass nor a failure.
type row struct {
	figure, measured, target string
	pass                     bool
	skipped                  bool
}

// skippedRow is a row a flag left out.
func skippedRow(figure, target, flag string) row {
	return row{figure: figure, measured: "skipped (" + flag + ")", target: target, skipped: true}
}

// reference is the target of a row printed for the record only.
const reference = "(for reference)"

// check is a row measured against a target.
func check(figure, measured, target string, pass bool) row {
	return row{figure: figure, measured: measured, target: target, pass: pass}
}

// ref is a row printed for the record, with no target.
func ref(figure, measured string) row {
	return row{figure: figure, measured: measured, target: reference, pass: true}
}

// printTable prints the rows and returns 0 when every measured target is met.
func printTable(w io.Writer, rows []row) int {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\ttarget\tresult")
	code := 0
	for _, r := range rows {
		res := "pass"
		switch {
		case r.skipped:
			res = "skipped"
		case r.target == "" || r.target == reference:
			res = ""
		case !r.pass:
			res, code = "FAIL", 1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.figure, r.measured, r.target, res)
	}
	_ = tw.Flush()
	return code
}

// notifyCheck is notify-keyspace-events before the dashboard started and
// after it quit.
type notifyCheck struct {
	before, after string
	quit          bool // the dashboard exited on q before the second read
}

// keyspaceEvents reads CONFIG GET notify-keyspace-events.
func keyspaceEvents(ctx context.Context, rdb *redis.Client) (string, error) {
	m, err := rdb.ConfigGet(ctx, "notify-keyspace-events").Result()
	if err != nil {
		return "", fmt.Errorf("CONFIG GET notify-keyspace-events: %w", err)
	}
	v, ok := m["notify-keyspace-events"]
	if !ok {
		return "", fmt.Errorf("CONFIG GET notify-keyspace-events: no value in %v", m)
	}
	return v, nil
}

// row reports whether the setting is unchanged, with both values.
func (n notifyCheck) row() row {
	same := n.before == n.after
	m := fmt.Sprintf("%v (before %q, after %q)", same, n.before, n.after)
	if !n.quit {
		m += "; the dashboard did not exit on q within 5 s (read after tmux was killed)"
	}
	return check("notify-keyspace-events unchanged by the dashboard", m, "true", same && n.quit)
}

// rows turns the measurements into the table, each against its target.
func (h *harness) rows(res results) []row {
	out := h.steadyRows(res)
	out = append(out, h.lagRows(res.dash.lag)...)
	out = append(out, res.notify.row())
	snap := res.snap
	out = append(out,
		check("snapshot --json wall time", snap.wall.Round(time.Millisecond).String(), "<= 5s", snap.wall <= 5*time.Second),
		check("snapshot --json exact (10 sales x stock, queue, holds, units)", fmt.Sprint(snap.exact), "true", snap.exact))
	return append(out, benchRows(res)...)
}

// steadyRows are the dashboard's steady-state cost against the naive scan.
func (h *harness) steadyRows(res results) []row {
	dash, idle, naive := res.dash, res.idle, res.naive
	out := []row{ref("dashboard start-up: time to first complete walk / server commandstats", fmt.Sprintf("%s (walk done: %v) / %s",
		dash.warmup.Round(time.Second), dash.walked, pct(dash.startup.cmdShare)))}
	const (
		cmdFig, cmdTarget     = "dashboard: server time in commands (commandstats)", "<= 0.5% of a core (5 ms/s)"
		ratioFig, ratioTarget = "naive / dashboard, commandstats usec", ">= 60x"
		cpuFig, rssFig        = "flashtop dashboard process CPU", "flashtop dashboard process RSS (peak)"
		cpuTarget, rssTarget  = "<= 5% of a core", "<= 150 MB"
		naiveFig, cpuRatioFig = "naive full SCAN every 2 s: commands / used_cpu", "naive / dashboard, used_cpu net of idle"
		feedFig               = "dashboard: feed commands in the window (CLIENT|*, TIME, SUBSCRIBE)"
	)
	if !dash.steady {
		return append(out, skippedRow(cmdFig, cmdTarget, "--skip-steady"), skippedRow(ratioFig, ratioTarget, "--skip-steady"),
			skippedRow(cpuFig, cpuTarget, "--skip-steady"), skippedRow(rssFig, rssTarget, "--skip-steady"),
			ref("dashboard: feed commands, launch to quit", dash.session.byName(feedCommand)))
	}
	rssMB := float64(max(dash.rssMaxKB, dash.hwmKB)) / 1024
	out = append(out,
		check(cmdFig, fmt.Sprintf("%s (%.2f ms/s)", pct(dash.server.cmdShare), 1000*dash.server.cmdShare), cmdTarget, dash.server.cmdShare <= 0.005),
		ref("dashboard: server used_cpu (incl. idle "+pct(idle.cpuShare)+")", pct(dash.server.cpuShare)))
	if res.naiveRan {
		ratio := float64(naive.cmdUsec) / float64(max(dash.server.cmdUsec, 1))
		cpuRatio := (naive.cpuShare - idle.cpuShare) / max(dash.server.cpuShare-idle.cpuShare, 1e-9)
		out = append(out,
			ref(naiveFig, pct(naive.cmdShare)+" / "+pct(naive.cpuShare)),
			check(ratioFig, fmt.Sprintf("%.1fx", ratio), ratioTarget, ratio >= 60),
			ref(cpuRatioFig, fmt.Sprintf("%.1fx", cpuRatio)))
	} else {
		out = append(out, skippedRow(ratioFig, ratioTarget, "--skip-naive"))
	}
	return append(out,
		check(cpuFig, pct(dash.procShare), cpuTarget, dash.procShare <= 0.05),
		check(rssFig, fmt.Sprintf("%.1f MB", rssMB), rssTarget, rssMB <= 150),
		ref(feedFig, dash.server.byName(feedCommand)),
		ref("dashboard: feed commands, launch to quit", dash.session.byName(feedCommand)))
}

// lagRows are the write-to-screen lags against their targets.
func (h *harness) lagRows(l lagResults) []row {
	lagT, stopT := "<= "+lagTarget.String()+" (p99)", "<= "+stopTarget.String()
	figs := []struct {
		fig     string
		samples []sample
	}{
		{"lag: 500 holds written (pipelined HSET+EXPIRE) -> screen counts them", l.add},
		{"lag: 500 holds deleted (pipelined DEL) -> screen shows 0", l.del},
		{"lag: 20,000 holds in one EVAL -> screen counts >= 20,000", l.bulk},
	}
	var out []row
	for _, f := range figs {
		if !l.ran {
			out = append(out, skippedRow(f.fig, lagT, "--skip-lag"))
			continue
		}
		s := summarize(f.samples, lagTarget)
		out = append(out, check(f.fig, s.measured+compactNote(f.samples)+markNote(f.samples), lagT, s.pass))
	}
	stopFig := "after a " + h.stopFor.String() + " SIGSTOP of redis-server: SIGCONT -> screen counts 500 new holds"
	if !l.stopRan {
		return append(out, skippedRow(stopFig, stopT, "--skip-stop"))
	}
	s, note := l.stop, markNote([]sample{l.stop})
	if !s.ok {
		return append(out, check(stopFig, s.failure()+", screen showed "+s.last+note, stopT, false))
	}
	return append(out, check(stopFig, fmtLag(s.lag)+note, stopT, s.lag <= stopTarget))
}

// compactNote says when a met goal was read from a compact display, which
// rounds: "20.0k" stands for 20,000 but is drawn for 19,950 to 20,049 too.
func compactNote(samples []sample) string {
	for _, s := range samples {
		if s.ok && s.count.approx {
			lo, hi := s.count.span()
			return fmt.Sprintf("; met on the compact display %q, drawn for %d to %d", s.count.text, lo, hi)
		}
	}
	return ""
}

// markNote says when the goal's number was on screen earlier with the
// not-live mark ("500~"), which the figure does not count.
func markNote(samples []sample) string {
	n, first := 0, time.Duration(0)
	for _, s := range samples {
		if s.marked {
			if n == 0 || s.markedAt < first {
				first = s.markedAt
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; drawn not live (\"~\") first in %d of %d, from %s", n, len(samples), fmtLag(first))
}

// benchRows are bench against redis-benchmark.
func benchRows(res results) []row {
	if !res.benchRan {
		return []row{skippedRow("bench / redis-benchmark", ">= 80%", "--skip-bench"),
			skippedRow("bench oversold (all rounds), exit code", "0, 0", "--skip-bench")}
	}
	b := res.bench
	benchShare := b.flashtopOps / max(b.redisBenchOps, 1)
	return []row{
		check("bench --buyers 50 (best of rounds)", fmt.Sprintf("%.0f/s", b.flashtopOps), "", true),
		check("redis-benchmark -c 50 EVALSHA reserve (best of rounds)", fmt.Sprintf("%.0f/s", b.redisBenchOps), "", true),
		check("bench / redis-benchmark", pct(benchShare), ">= 80%", benchShare >= 0.8),
		check("bench oversold (all rounds), exit code", fmt.Sprintf("%d, %d", b.oversold, b.benchExit), "0, 0", b.oversold == 0 && b.benchExit == 0),
	}
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }
