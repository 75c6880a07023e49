package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"flashtop/alerts"
	"flashtop/leakwatch"
	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/textsafe"
)

// Limits of audit --watch.
const (
	minWatch = time.Second
	maxWatch = 24 * time.Hour
)

// Audit status words (text and JSON).
const (
	statusClean = "clean" // nothing found: exit 0
	statusFound = "found" // leaks, anomalies or active alerts: exit 1
	// statusUnreadable: keys of a family audit checks could not be read
	// (an ACL refusal): exit 3, never "clean" unseen; what could be read is
	// still listed.
	statusUnreadable = "unreadable"
)

// Status "stopped" (statusStopped, bench's word too): audit --watch lost
// Redis (it died, stalled past --timeout, or refused) after at least one
// poll: the leaks seen until then are reported, the anomalies were not
// checked; exit 3.

// auditJSON is the --json object of audit.
type auditJSON struct {
	OK        bool        `json:"ok"`
	Status    string      `json:"status"`
	WatchedMs int64       `json:"watched_ms"`
	Ledger    string      `json:"ledger,omitempty"` // with --watch: "redis" (armed) or "memory"
	Leaks     []auditLeak `json:"leaks"`
	// HoldOutcomes is, with --watch, how the holds the watch saw ended, per
	// sale that had any end: before their deadline (converted) or expired.
	HoldOutcomes []auditOutcome     `json:"hold_outcomes,omitempty"`
	Anomalies    []redisops.Anomaly `json:"anomalies"`
	// Feed is, with --watch, how the watch saw hold ends: the poller's push
	// feed state at the end ("live": ends seen as they happened).
	Feed *redisops.FeedStatus `json:"feed,omitempty"`
	// Unreadable lists the key families (stock, queues, holds) audit could
	// not read, and why; present only then (status "unreadable", exit 3).
	Unreadable []redisops.Unreadable `json:"unreadable,omitempty"`
	// Error is, with status "stopped", why the watch stopped early.
	Error string `json:"error,omitempty"`
	// Alerts are the alerts active at the end (flashtop/alerts, the
	// --alert-* thresholds): head age, script p99 and memory from one read;
	// with --watch also sell-out ETA and leak rate. Present only when there
	// are some (status "found", exit 1).
	Alerts []auditAlert `json:"alerts,omitempty"`
}

// auditLeak is one sale's leaks observed while watching; Unverified* are
// the part whose end was not seen as it happened (they may have been
// released: reclaim leaves them unless asked).
type auditLeak struct {
	Sale            redisops.ByteString `json:"sale"` // lossless (redisops/jsonbytes.go)
	Holds           int64               `json:"holds"`
	Units           int64               `json:"units"`
	UnverifiedHolds int64               `json:"unverified_holds"`
	UnverifiedUnits int64               `json:"unverified_units"`
}

// auditCommand is the row of audit.
func auditCommand() command {
	return command{name: "audit", args: "[--watch D] [--json]",
		about: "anomalies and alerts now, or also the leaks of holds that expire while watching for D; exit 1 when something is found",
		flags: []string{"watch"}, check: (*config).setWatch, run: noStdin(runAudit)}
}

// setWatch parses audit's --watch D (1s to 24h).
func (c *config) setWatch(fs *pflag.FlagSet, r rawFlags) error {
	if !fs.Changed("watch") {
		return nil
	}
	d, err := parseDuration("--watch", r.watch, minWatch, maxWatch)
	if err != nil {
		return err
	}
	c.Watch = d
	return nil
}

// runAudit reports the anomalies of one complete snapshot or, with --watch
// D, the leaks observed by polling every --interval for D and the anomalies
// of the last poll. Exit 0 when clean, 1 when something was found, 3 when
// Redis cannot be read, or keys of a family it checks could not be read
// (status "unreadable": never "clean" unseen). While watching, leaks are recorded in the Redis
// ledger when writes are armed (so that reclaim can give them back), in
// memory otherwise.
func runAudit(ctx context.Context, cfg config, p printer) int {
	client, err := connect(ctx, cfg, false)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	out := auditJSON{Leaks: []auditLeak{}, Anomalies: []redisops.Anomaly{}}
	var snap *redisops.Snapshot
	var trend alerts.Trend // one read: no sell-out ETA or leak rate
	if cfg.Watch > 0 {
		mon := alerts.NewMonitor()
		snap, out, err = auditWatch(ctx, cfg, client, out, mon)
		trend = mon
	} else {
		snap, err = auditSnapshot(ctx, cfg, client)
	}
	var stopped *watchStoppedError
	if errors.As(err, &stopped) {
		return auditStopped(cfg, p, out, stopped)
	}
	if err != nil {
		return p.fail(cfg, err)
	}
	out.Anomalies = append(out.Anomalies, snap.Anomalies...)
	blind := 0 // key families audit checks; an unchecked backend-scripts state is listed, and warned about, but not blind
	for _, u := range snap.Unreadable {
		if u.KeyFamily() || u.What == redisops.UnreadScripts {
			out.Unreadable = append(out.Unreadable, u)
		}
		if u.KeyFamily() {
			blind++
		}
	}
	out.Alerts = auditAlerts(alerts.Evaluate(cfg.Alerts, alerts.Input{Snap: snap, Now: snap.TakenAt, Trend: trend}))
	out.OK = len(out.Leaks) == 0 && len(out.Anomalies) == 0 && len(out.Alerts) == 0 && blind == 0
	switch {
	case blind > 0:
		out.Status = statusUnreadable
	case out.OK:
		out.Status = statusClean
	default:
		out.Status = statusFound
	}
	if p.json {
		p.emit(out)
	} else {
		printAudit(p, out)
	}
	code := p.blind("audit", out.Unreadable) // exit 3 when blind; the scripts' warning on stderr
	switch {
	case code != exitOK:
		return code
	case out.OK:
		return exitOK
	}
	return exitRefused
}

// auditSnapshot reads one complete snapshot, every hold listed.
func auditSnapshot(ctx context.Context, cfg config, c *redisops.Client) (*redisops.Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*cfg.Timeout)
	defer cancel()
	return read.Full(ctx, c, redisops.SnapshotOptions{Pins: cfg.Sales, HoldLimit: math.MaxInt32})
}

// auditWatch watches for cfg.Watch with the dashboard's poller (the same
// push feed, hold index and classification), ticking every --interval, and
// adds the leaks seen; the anomalies come from one complete snapshot at the
// end. Every snapshot, with the leaks it revealed, goes to mon (the alerts'
// sell-out ETAs and leak rates). An interrupt ends the watch early with
// what was seen so far.
func auditWatch(ctx context.Context, cfg config, c *redisops.Client, out auditJSON, mon *alerts.Monitor) (*redisops.Snapshot, auditJSON, error) {
	w := leakwatch.Watch{Tracker: leakwatch.NewTracker(redisops.DefaultLeakSkew), Ledger: leakwatch.NewMemLedger(), Indexed: true}
	out.Ledger = "memory"
	if checkArmed(cfg) == nil {
		w.Ledger, out.Ledger = c, "redis"
	}
	p := read.NewPoller(c, read.PollerOptions{ScanBudget: cfg.ScanBudget})
	defer p.Close()
	p.SetHoldObserver(w.Tracker)
	start := time.Now()
	end := start.Add(cfg.Watch)
	perSale := map[string]auditLeak{}
	var last *redisops.Snapshot
	for {
		tctx, cancel := context.WithTimeout(ctx, 4*cfg.Timeout)
		snap, err := p.Snapshot(tctx, redisops.SnapshotOptions{Pins: cfg.Sales})
		cancel()
		if err != nil {
			if ctx.Err() != nil && last != nil {
				break // interrupted: report what was seen
			}
			if last != nil { // Redis lost mid-watch: report what was seen
				return nil, watchReport(out, perSale, start, last, w.Tracker.Outcomes()), &watchStoppedError{Watched: time.Since(start), Of: cfg.Watch, Err: err}
			}
			return nil, out, err
		}
		last = snap
		leaks, err := w.Feed(ctx, snap)
		addLeaks(perSale, leaks) // those recorded before a failure count too
		mon.Observe(snap, leaks, true)
		if err != nil {
			if ctx.Err() != nil {
				break // interrupted while recording: report what was seen
			}
			return nil, watchReport(out, perSale, start, last, w.Tracker.Outcomes()), &watchStoppedError{Watched: time.Since(start), Of: cfg.Watch, Err: err}
		}
		remaining := time.Until(end)
		if remaining <= 0 || !sleepCtx(ctx, min(cfg.Interval, remaining)) {
			break // done, or interrupted: report what was seen
		}
	}
	if ctx.Err() == nil { // one more tick: the pushes of the watch's last moments are read, not dropped
		tctx, cancel := context.WithTimeout(ctx, 4*cfg.Timeout)
		if snap, err := p.Snapshot(tctx, redisops.SnapshotOptions{Pins: cfg.Sales}); err == nil {
			last = snap
			leaks, ferr := w.Feed(ctx, snap)
			addLeaks(perSale, leaks)
			mon.Observe(snap, leaks, true)
			if ferr != nil && ctx.Err() == nil {
				cancel()
				return nil, watchReport(out, perSale, start, last, w.Tracker.Outcomes()), &watchStoppedError{Watched: time.Since(start), Of: cfg.Watch, Err: ferr}
			}
		}
		cancel()
	}
	out = watchReport(out, perSale, start, last, w.Tracker.Outcomes())
	if ctx.Err() != nil {
		return last, out, nil // interrupted: the last poll's anomalies
	}
	full, err := auditSnapshot(ctx, cfg, c)
	if err != nil && ctx.Err() == nil {
		return nil, out, &watchStoppedError{Watched: time.Since(start), Of: cfg.Watch, Err: err}
	}
	if err != nil {
		return last, out, nil // interrupted during the final read
	}
	full.Unreadable = redisops.MergeUnreadable(full.Unreadable, last.Unreadable) // holds the watch could not read
	mon.Observe(full, nil, true)                                                 // the stock the alerts judge, as of the same read
	return full, out, nil
}

// auditOutcome is how one sale's watched holds ended.
type auditOutcome struct {
	Sale      redisops.ByteString `json:"sale"` // lossless (redisops/jsonbytes.go)
	Converted int64               `json:"converted"`
	Expired   int64               `json:"expired"`
	// ConvertedPct is converted ÷ (converted + expired) in percent, to 0.1;
	// null before any hold ended.
	ConvertedPct *float64 `json:"converted_pct"`
}

// watchReport puts the leaks seen per sale, how the watched holds ended and
// how long the watch ran into out.
func watchReport(out auditJSON, perSale map[string]auditLeak, start time.Time, last *redisops.Snapshot,
	outcomes map[string]redisops.HoldOutcomes) auditJSON {
	for _, s := range slices.Sorted(maps.Keys(perSale)) {
		out.Leaks = append(out.Leaks, perSale[s])
	}
	out.HoldOutcomes = nil
	for _, s := range slices.Sorted(maps.Keys(outcomes)) {
		if o := outcomes[s]; o.Converted+o.Expired > 0 {
			out.HoldOutcomes = append(out.HoldOutcomes, auditOutcome{Sale: redisops.ByteString(s), Converted: o.Converted, Expired: o.Expired, ConvertedPct: o.PctJSON()})
		}
	}
	out.WatchedMs = time.Since(start).Milliseconds()
	out.Feed = last.Feed
	return out
}

// watchStoppedError: audit --watch lost Redis after Watched of Of.
type watchStoppedError struct {
	Watched, Of time.Duration
	Err         error
}

func (e *watchStoppedError) Error() string { return e.Err.Error() }
func (e *watchStoppedError) Unwrap() error { return e.Err }

// auditStopped reports a watch that lost Redis: the leaks seen until then
// (text or JSON, status "stopped") and, on stderr, why it stopped and that
// the anomalies were not checked. Exit 3.
func auditStopped(cfg config, p printer, out auditJSON, e *watchStoppedError) int {
	_, why := describe(cfg, e.Err)
	msg := textsafe.String(redact(fmt.Sprintf("audit: stopped after %s of --watch %s: %s; the leaks seen until then are listed, anomalies were not checked",
		e.Watched.Round(100*time.Millisecond), e.Of, why), cfg))
	out.OK, out.Status, out.Error = false, statusStopped, msg
	if p.json {
		p.emit(out)
	} else {
		printAudit(p, out)
	}
	fmt.Fprintln(p.stderr, "flashtop: "+msg)
	return exitRedis
}

// addLeaks adds leaks to their sales' totals.
func addLeaks(perSale map[string]auditLeak, leaks []redisops.WatchedLeak) {
	for _, l := range leaks {
		a := perSale[l.Sale]
		a.Sale, a.Holds, a.Units = redisops.ByteString(l.Sale), a.Holds+1, redisops.AddSaturating(a.Units, l.Quantity)
		if l.Class != redisops.LeakVerified {
			a.UnverifiedHolds, a.UnverifiedUnits = a.UnverifiedHolds+1, redisops.AddSaturating(a.UnverifiedUnits, l.Quantity)
		}
		perSale[l.Sale] = a
	}
}

// feedWords says how the watch saw hold ends.
func feedWords(f *redisops.FeedStatus) string {
	switch {
	case f == nil:
		return "no watch"
	case f.State == redisops.FeedLive:
		return "push feed live: ends seen as they happened"
	case f.Reason != "":
		return "push feed " + f.State + ": " + textsafe.String(f.Reason)
	}
	return "push feed " + f.State
}

// sleepCtx waits d, or less when ctx ends (then it reports false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// printAudit writes the audit as text: a verdict line, then one line per
// active alert, per leak and per anomaly (untrusted parts sanitized).
func printAudit(p printer, a auditJSON) {
	var holds, units int64
	for _, l := range a.Leaks {
		holds, units = holds+l.Holds, redisops.AddSaturating(units, l.Units)
	}
	head := fmt.Sprintf("%s: %d leaked holds (%d units) in %d sales, %d anomalies",
		a.Status, holds, units, len(a.Leaks), len(a.Anomalies))
	switch a.Status {
	case statusStopped:
		head = fmt.Sprintf("%s: %d leaked holds (%d units) in %d sales seen before Redis was lost; anomalies not checked",
			a.Status, holds, units, len(a.Leaks))
	case statusUnreadable:
		head = fmt.Sprintf("%s: cannot read %s; in what could be read: %d leaked holds (%d units) in %d sales, %d anomalies",
			a.Status, unreadText(a.Unreadable), holds, units, len(a.Leaks), len(a.Anomalies))
	}
	if a.Ledger != "" {
		head += fmt.Sprintf(" (watched %s; leaks recorded in %s; %s)", time.Duration(a.WatchedMs)*time.Millisecond, a.Ledger, feedWords(a.Feed))
	}
	fmt.Fprintln(p.stdout, head)
	for _, al := range a.Alerts { // first under the verdict (whose words predate the alerts): what is wrong now
		fmt.Fprintf(p.stdout, "alert    %s %s\n", al.Rule, al.Text) // Text: the sale id already escaped
	}
	for _, l := range a.Leaks {
		line := fmt.Sprintf("leak     sale %s: %d units in %d expired holds", textsafe.String(string(l.Sale)), l.Units, l.Holds)
		if l.UnverifiedHolds > 0 {
			line += fmt.Sprintf(", of which %d units in %d holds unverified (their end was not seen: they may have been released)",
				l.UnverifiedUnits, l.UnverifiedHolds)
		}
		fmt.Fprintf(p.stdout, "%s (ledger %s)\n", line, textsafe.String(redisops.LedgerKey(string(l.Sale))))
	}
	for _, an := range a.Anomalies {
		fmt.Fprintf(p.stdout, "anomaly  %s %s: %s\n", textsafe.String(an.Kind), textsafe.Cut(an.Key, 120),
			textsafe.Cut(an.Detail, 200))
	}
}
