package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/textsafe"
)

// snapshotCommand is the row of snapshot.
func snapshotCommand() command {
	return command{name: "snapshot", args: "[--sale S]... [--hold-limit N] [--json]",
		about: "print one complete snapshot (full discovery, every hold), then exit",
		flags: []string{"hold-limit"}, check: (*config).setHoldLimit, run: noStdin(runSnapshot)}
}

// setHoldLimit parses snapshot's --hold-limit N (0: every hold).
func (c *config) setHoldLimit(fs *pflag.FlagSet, r rawFlags) error {
	if !fs.Changed("hold-limit") {
		return nil
	}
	n, err := redisops.ParseIntIn("--hold-limit", r.holdLimit, 0, maxHoldLimit)
	if err != nil {
		return err
	}
	c.HoldLimit = int(n)
	return nil
}

// runSnapshot takes one complete snapshot (after a PING that fails fast when
// the server is unreachable) and prints it: every hold unless --hold-limit
// cuts the list, which the output then says (text and "truncated" in JSON).
// A snapshot that could not read part of what it reports (an ACL refusal:
// its "unreadable" list) is still printed, and exits 3 with the reason on
// stderr.
func runSnapshot(ctx context.Context, cfg config, p printer) int {
	client, err := connect(ctx, cfg, true)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	snap, err := read.Full(ctx, client, redisops.SnapshotOptions{Pins: cfg.Sales, HoldLimit: cfg.HoldLimit})
	if err != nil {
		return p.fail(cfg, err)
	}
	if p.json {
		p.emit(withEmptyLists(*snap))
	} else {
		writeSnapshot(p.stdout, snap, time.Now())
	}
	return p.blind("snapshot", snap.Unreadable)
}

// maxHoldLimit bounds snapshot --hold-limit.
const maxHoldLimit = 1_000_000_000

// Rows of the text snapshot beyond which a section is cut (JSON has them all).
const (
	maxTextHolds  = 50
	maxTextQueue  = 10
	maxTextSlow   = 10
	maxTextArgs   = 60
	maxTextDetail = 100
)

// withEmptyLists returns s with nil lists made empty, so its JSON has [] and
// {} rather than null.
func withEmptyLists(s redisops.Snapshot) redisops.Snapshot {
	if s.Sales == nil {
		s.Sales = []redisops.SaleStats{}
	}
	if s.Reservations == nil {
		s.Reservations = []redisops.Hold{}
	}
	if s.Queues == nil {
		s.Queues = map[string][]redisops.QueueEntry{}
	}
	if s.Slowlog == nil {
		s.Slowlog = []redisops.SlowEntry{}
	}
	if s.Anomalies == nil {
		s.Anomalies = []redisops.Anomaly{}
	}
	if s.Unreadable == nil {
		s.Unreadable = []redisops.Unreadable{}
	}
	return s
}

// writeSnapshot prints a snapshot as a compact text report: the server line,
// the sales table, holds, queue heads, sessions, slowlog and anomalies.
func writeSnapshot(w io.Writer, s *redisops.Snapshot, now time.Time) {
	writeServer(w, s)
	fmt.Fprintf(w, "taken   %s · sessions %d\n", s.TakenAt.UTC().Format(time.RFC3339), s.Sessions.Count)

	// A family that could not be read is marked "?": its numbers are what
	// could be read (the CANNOT READ section says what was not).
	mark := func(what string) string {
		if unread(s.Unreadable, what) != nil {
			return "?"
		}
		return ""
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nSALE\tSTOCK\tQUEUE\tHEAD AGE\tHOLDS\tHELD\n")
	for _, sale := range s.Sales {
		age := "-"
		if sale.QueueHeadAgeMs != nil {
			age = (time.Duration(*sale.QueueHeadAgeMs) * time.Millisecond).Round(time.Second).String()
		}
		stock := "-" + mark(redisops.UnreadStock)
		if sale.Inventory != nil {
			stock = fmt.Sprint(*sale.Inventory)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d%s\t%s\t%d%s\t%d%s\n", textsafe.Cut(sale.ID, 40), stock,
			sale.QueueLength, mark(redisops.UnreadQueues), age, sale.Reservations, mark(redisops.UnreadHolds),
			sale.ReservedUnits, mark(redisops.UnreadHolds))
	}
	if len(s.Sales) == 0 {
		fmt.Fprintln(tw, "(no sales found)")
	}
	if t := s.Truncated; t != nil && t.ActiveSales != nil {
		fmt.Fprintf(tw, "(%s: %s)\n", cutText(*t.ActiveSales, "ids of "+redisops.ActiveSalesKey+" read"), t.ActiveSales.How)
	}
	writeHolds(tw, s.Reservations, s.Truncated, unread(s.Unreadable, redisops.UnreadHolds))
	_ = tw.Flush()
	writeQueues(w, s, now)
	if u := unread(s.Unreadable, redisops.UnreadSlowlog); u != nil {
		fmt.Fprintf(w, "\nSLOWLOG cannot read: %s\n", textsafe.String(u.Reason))
	} else {
		writeSlowlog(w, s.Slowlog)
	}
	writeAnomalies(w, s.Anomalies)
	if len(s.Unreadable) > 0 {
		fmt.Fprintf(w, "\nCANNOT READ (%d): %s\n", len(s.Unreadable), unreadText(s.Unreadable))
	}
}

// writeServer writes the server line: its figures, or why they could not
// be read (an ACL without INFO: never "memory 0B").
func writeServer(w io.Writer, s *redisops.Snapshot) {
	sv := s.Server
	if u := unread(s.Unreadable, redisops.UnreadServer); u != nil {
		fmt.Fprintf(w, "server  cannot read INFO: %s · ping %.2f ms\n", textsafe.String(u.Reason), sv.PingMs)
		return
	}
	fmt.Fprintf(w, "server  %s %s %s · ping %.2f ms · memory %s", textsafe.String(sv.Program()), textsafe.String(sv.Version),
		textsafe.String(sv.Role), sv.PingMs, textsafe.String(sv.UsedMemoryHuman))
	if sv.Maxmemory > 0 {
		fmt.Fprintf(w, " of %d bytes", sv.Maxmemory)
	}
	fmt.Fprintf(w, " (%s) · clients %d · ops/s %d · hits %d misses %d · evicted %d expired %d · aof %s\n",
		textsafe.String(sv.MaxmemoryPolicy), sv.ConnectedClients, sv.OpsPerSec, sv.KeyspaceHits,
		sv.KeyspaceMisses, sv.EvictedKeys, sv.ExpiredKeys, onOff(sv.AOFEnabled))
}

// writeHolds adds the holds section, soonest expiry first as redisops sorts
// them; a limited list says how many it left out and how to get them all,
// and u, when not nil, says which holds could not be read.
func writeHolds(tw io.Writer, holds []redisops.Hold, cut *redisops.Truncation, u *redisops.Unreadable) {
	switch {
	case u != nil:
		fmt.Fprintf(tw, "\nHOLDS (%d; cannot read %d more: %s)\n", len(holds), u.Keys, textsafe.String(u.Reason))
	case cut != nil && cut.Reservations != nil:
		fmt.Fprintf(tw, "\nHOLDS (%s: %s)\n", cutText(*cut.Reservations, "listed"), cut.Reservations.How)
	default:
		fmt.Fprintf(tw, "\nHOLDS (%d)\n", len(holds))
	}
	if len(holds) == 0 {
		return
	}
	fmt.Fprintf(tw, "SALE\tUSER\tQTY\tRESERVED AT\tTTL\n")
	for i, h := range holds {
		if i == maxTextHolds {
			fmt.Fprintf(tw, "… and %d more (see --json)\n", len(holds)-i)
			break
		}
		at, ttl := "-", "none"
		if h.ReservedAt != nil {
			at = h.ReservedAt.UTC().Format(time.RFC3339)
		}
		if h.TTLMs >= 0 {
			ttl = (time.Duration(h.TTLMs) * time.Millisecond).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", textsafe.Cut(h.Sale, 40),
			textsafe.Cut(h.User, 40), h.Quantity, at, ttl)
	}
}

// cutText is "1000 of 3000 listed" ("of ?" when the total is not known).
func cutText(c redisops.Cut, what string) string {
	total := "?"
	if c.Total >= 0 {
		total = fmt.Sprint(c.Total)
	}
	return fmt.Sprintf("%d of %s %s", c.Shown, total, what)
}

// writeQueues adds the head of each queue, in sale order, and its wait
// percentiles (queue_stats) when known.
func writeQueues(w io.Writer, s *redisops.Snapshot, now time.Time) {
	queues := s.Queues
	stats := map[string]*redisops.QueueStats{}
	for _, sale := range s.Sales {
		stats[sale.ID] = sale.QueueStats
	}
	sales := make([]string, 0, len(queues))
	for sale := range queues {
		sales = append(sales, sale)
	}
	sort.Strings(sales)
	fmt.Fprintf(w, "\nQUEUES (head)\n")
	for _, sale := range sales {
		var parts []string
		for i, e := range queues[sale] {
			if i == maxTextQueue {
				parts = append(parts, "…")
				break
			}
			waited := max(now.Sub(time.UnixMilli(e.JoinedAtMs)).Round(time.Second), 0)
			parts = append(parts, fmt.Sprintf("%d %s (%s)", e.Position, textsafe.Cut(e.User, 40), waited))
		}
		if len(parts) == 0 {
			parts = append(parts, "(empty)")
		}
		fmt.Fprintf(w, "%s: %s%s\n", textsafe.Cut(sale, 40), strings.Join(parts, ", "), waitPercentiles(stats[sale]))
	}
}

// waitPercentiles is " · waited p50 50s, p90 1m30s, p99 1m40s" (as of the
// snapshot's TIME; "?" for one not known), or "" when there are none.
func waitPercentiles(q *redisops.QueueStats) string {
	if q == nil || q.Waiters == 0 {
		return ""
	}
	var parts []string
	for i, p := range []*int64{q.WaitP50Ms, q.WaitP90Ms, q.WaitP99Ms} {
		v := "?"
		if p != nil {
			v = (time.Duration(*p) * time.Millisecond).Round(time.Second).String()
		}
		parts = append(parts, [3]string{"p50", "p90", "p99"}[i]+" "+v)
	}
	return " · waited " + strings.Join(parts, ", ")
}

// writeSlowlog adds the newest slow commands.
func writeSlowlog(w io.Writer, slow []redisops.SlowEntry) {
	fmt.Fprintf(w, "\nSLOWLOG (%d)\n", len(slow))
	for i, e := range slow {
		if i == maxTextSlow {
			fmt.Fprintf(w, "… and %d more\n", len(slow)-i)
			break
		}
		fmt.Fprintf(w, "#%d %s %dµs %s\n", e.ID, e.Time.UTC().Format(time.RFC3339), e.DurationUs,
			textsafe.Cut(strings.Join(e.Args, " "), maxTextArgs))
	}
}

// writeAnomalies adds what looks wrong in the data.
func writeAnomalies(w io.Writer, an []redisops.Anomaly) {
	fmt.Fprintf(w, "\nANOMALIES (%d)\n", len(an))
	for _, a := range an {
		fmt.Fprintf(w, "%s %s: %s\n", textsafe.String(a.Kind), textsafe.Cut(a.Key, maxTextArgs),
			textsafe.Cut(a.Detail, maxTextDetail))
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
