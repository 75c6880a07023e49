package read

import (
	"cmp"
	"context"
	"flashtop/redisops"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxDirtyPerTick caps the keys changed by keyspace events that one tick
// reads again (the rest wait for the next tick).
// It is large because a single script may write thousands of holds, all
// pushed at once: they must count at the next tick.
const maxDirtyPerTick = 25000

// nodePlan is the one pipeline of a tick to one node.
type nodePlan struct {
	pn      pnode
	pipe    redis.Pipeliner
	time    *redis.TimeCmd // the first node only
	info    *redis.StringCmd
	latency *redis.StringCmd    // INFO latencystats (not a default section)
	scripts *redis.BoolSliceCmd // SCRIPT EXISTS of the backend's scripts (nil: no check)
	slowlog *redis.SlowLogCmd
	rtt     time.Duration
	done    time.Time // when the pipeline's replies arrived
	clk     *serverClock
}

// plan is everything one tick reads: per node TIME, INFO and SLOWLOG; per
// sale GET stock, ZCARD and ZRANGE of the queue head (the whole window for the
// selected sale, its first member for the others); one SSCAN page of
// flash_sales:active (and its SCARD until it was read whole once); the
// selected sale's visible holds; and the holds that
// keyspace events changed. Its size grows with sales and visible rows, never
// with the keyspace.
type plan struct {
	nodes    []*nodePlan
	active   *redis.ScanCmd
	activeN  *redis.IntCmd // SCARD flash_sales:active, until its first pass ends
	rows     []saleRow
	sales    []saleRead
	selected string
	visible  []*pendingHold
	dirty    []*pendingHold
	unread   *unreadSet // what this tick could not read (unreadable.go)
}

// buildPlan queues the tick's commands on each node's pipeline.
func (p *Poller) buildPlan(ctx context.Context, o redisops.SnapshotOptions, nodes []pnode) (*plan, error) {
	pl := &plan{unread: newUnreadSet()}
	for i, pn := range nodes {
		np := &nodePlan{pn: pn, pipe: pn.cl.Pipeline(), clk: p.clocks.of(pn.addr)}
		if i == 0 {
			np.time = np.pipe.Time(ctx)
		}
		np.info = np.pipe.Info(ctx)
		np.latency = np.pipe.Info(ctx, "latencystats")
		np.scripts = queueScripts(ctx, p.Client, np.pipe)
		np.slowlog = np.pipe.SlowLogGet(ctx, o.SlowlogN)
		pl.nodes = append(pl.nodes, np)
	}
	route := p.router(ctx, pl.nodes)
	s := p.schema
	np, err := route(redisops.ActiveSalesKey)
	if err != nil {
		return nil, err
	}
	pl.active = np.pipe.SScan(ctx, redisops.ActiveSalesKey, p.active.cursor, "", scanCount)
	if !p.active.whole {
		pl.activeN = np.pipe.SCard(ctx, redisops.ActiveSalesKey)
	}
	pl.rows = orderSales(o.Pins, p.active.ids(), p.w.salesView())
	pl.selected = o.Sale
	if pl.selected == "" && len(pl.rows) > 0 {
		pl.selected = pl.rows[0].id
	}
	for _, row := range pl.rows {
		window := int64(1)
		if o.Sale == "" || row.id == pl.selected {
			window = o.HeadWindow
		}
		sr := saleRead{row: row}
		if np, err = route(s.StockKey(row.id)); err != nil {
			return nil, err
		}
		sr.stock = redisops.QueueStockRead(ctx, np.pipe, s.StockKey(row.id))
		if np, err = route(s.QueueKey(row.id)); err != nil {
			return nil, err
		}
		sr.card = np.pipe.ZCard(ctx, s.QueueKey(row.id))
		sr.head = np.pipe.ZRangeWithScores(ctx, s.QueueKey(row.id), 0, window-1)
		pl.sales = append(pl.sales, sr)
	}
	return pl, p.queueHolds(ctx, pl, o.HoldRows, route)
}

// queueHolds queues the reads of the selected sale's visible holds (the
// soonest-expiring rows of the index) and of the holds events changed.
func (p *Poller) queueHolds(ctx context.Context, pl *plan, rows int, route func(string) (*nodePlan, error)) error {
	now := time.Now()
	read := func(ref holdRef) (*pendingHold, error) {
		np, err := route(ref.Key)
		if err != nil {
			return nil, err
		}
		ph := queueHoldRead(ctx, np.pipe, ref, now, p.expireTime())
		ph.clk, ph.doneAt = np.clk, &np.done
		return ph, nil
	}
	for _, ref := range p.idx.soonest(pl.selected, rows, p.serverNow(now)) {
		ph, err := read(ref)
		if err != nil {
			return err
		}
		pl.visible = append(pl.visible, ph)
	}
	for _, dk := range p.idx.takeDirty(maxDirtyPerTick) {
		sale, user, ok := p.schema.Hold.Parse(dk.key)
		if !ok {
			continue
		}
		shape := p.idx.shape(dk.key)
		if dk.mark.pushed && shape == "" && !dk.mark.typeless {
			shape = p.idx.guessShape(dk.key, sale) // two commands instead of five for a burst of new holds
		}
		ph, err := read(holdRef{Key: dk.key, Sale: sale, User: user, Shape: shape})
		if err != nil {
			return err
		}
		mark := dk.mark
		ph.mark = &mark
		pl.dirty = append(pl.dirty, ph)
	}
	return nil
}

// restoreDirty puts back the marks of the dirty keys this plan took, when
// the tick failed before their reads were applied.
func (pl *plan) restoreDirty(idx *holdIndex) {
	for _, ph := range pl.dirty {
		if ph.mark != nil {
			idx.remark(ph.ref.Key, *ph.mark)
		}
	}
}

// expireTime reports whether hold reads may use PEXPIRETIME.
func (p *Poller) expireTime() bool { return !p.noPET.Load() }

// router returns where a key's commands go: the only node, or in a cluster
// the master of the key's slot.
func (p *Poller) router(ctx context.Context, nodes []*nodePlan) func(key string) (*nodePlan, error) {
	cc, isCluster := p.Redis().(*redis.ClusterClient)
	return func(key string) (*nodePlan, error) {
		if !isCluster {
			return nodes[0], nil
		}
		cl, err := cc.MasterForKey(ctx, key)
		if err != nil {
			return nil, redisops.Classify(err)
		}
		addr := cl.Options().Addr
		for _, np := range nodes {
			if np.pn.addr == addr {
				return np, nil
			}
		}
		return nodes[0], nil // topology moved under us: MOVED is followed by go-redis
	}
}

// exec runs every node's pipeline in parallel, each with the client timeout.
// When every command of every node got an error reply, nothing could be read:
// that is an error (the dashboard's banner), not an empty snapshot.
func (pl *plan) exec(ctx context.Context, p *Poller, acct *tickCost) error {
	errs := make([]error, len(pl.nodes))
	refused := make([]error, len(pl.nodes))
	var wg sync.WaitGroup
	for i, np := range pl.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rctx, cancel := p.withTimeout(ctx)
			defer cancel()
			start := time.Now()
			cmds, err := np.pipe.Exec(rctx)
			np.done = time.Now()
			np.rtt = np.done.Sub(start)
			acct.add(cmds, np.rtt, true)
			errs[i] = redisops.PipelineErr(cmds, err)
			if allRefused(cmds) {
				refused[i] = firstCmdErr(cmds)
			}
			if errs[i] == nil {
				p.planAt.Store(np.pn.addr, np.done)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, err := range refused {
		if err == nil {
			return nil
		}
	}
	return redisops.Classify(refused[0])
}

// assemble builds the snapshot from the replies, the index and the walk.
func (pl *plan) assemble(p *Poller, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	now, err := pl.nodes[0].time.Result()
	if err != nil && !redisops.IsReplyError(err) {
		return nil, redisops.Classify(err)
	}
	if err != nil { // an ACL without TIME: the local clock stands in
		now = time.Now()
	} else { // a coarse clock sample (the pipeline's round trip); the feed's are finer
		np := pl.nodes[0]
		np.clk.sample(now, np.done.Add(-np.rtt), np.done)
	}
	pl.noteExpireTime(p)
	sessions, walkAnomalies := p.w.view()
	snap := &redisops.Snapshot{TakenAt: now, Sales: []redisops.SaleStats{}, Reservations: []redisops.Hold{}, Queues: map[string][]redisops.QueueEntry{},
		Sessions: redisops.SessionStats{Count: sessions}, Slowlog: []redisops.SlowEntry{}, Anomalies: walkAnomalies}
	pl.server(p, snap)
	pl.unread.noteCmds(redisops.UnreadActive, pl.active)
	snap.Truncated = p.active.update(pl.active, pl.activeN, p.isSaleID)
	pl.checkScripts(p, snap)
	for _, ph := range append(pl.dirty, pl.visible...) {
		h, an, out := applyHoldRead(p.idx, ph, 0)
		switch {
		case out == holdBlind:
			pl.unread.note(redisops.UnreadHolds, ph.blindHold())
		case out == holdFound && ph.mark == nil: // a visible row
			snap.Reservations = append(snap.Reservations, h)
			snap.Anomalies = append(snap.Anomalies, an...)
		}
	}
	slices.SortFunc(snap.Reservations, compareHolds)
	at := p.serverNow(time.Now())
	for _, sr := range pl.sales {
		row, head, anomalies := sr.build(p.Client, now.UnixMilli())
		pl.unread.noteSale(sr)
		c := p.idx.count(row.ID, at)
		row.Reservations, row.ReservedUnits = c.holds, c.units
		snap.Sales = append(snap.Sales, row)
		snap.Queues[row.ID] = head
		snap.Anomalies = append(snap.Anomalies, anomalies...)
	}
	snap.Anomalies = dedupeAnomalies(snap.Anomalies)
	snap.Unreadable = redisops.MergeUnreadable(pl.unread.list(), p.w.unreadView())
	return snap, nil
}

// noteExpireTime switches hold reads to PTTL for good when the server
// refused PEXPIRETIME as an unknown command (Redis before 7.0); the holds
// read this tick are then read again.
func (pl *plan) noteExpireTime(p *Poller) {
	for _, ph := range append(append([]*pendingHold{}, pl.dirty...), pl.visible...) {
		if ph.expire != nil && unknownCommand(ph.expire.Err()) {
			p.noPET.Store(true)
			return
		}
	}
}

// server fills Server, Nodes and Slowlog: per node from its INFO, with the
// totals in Server, and the slowlog entries not seen before.
func (pl *plan) server(p *Poller, snap *redisops.Snapshot) {
	var stats []redisops.NodeStats
	for _, np := range pl.nodes {
		st := redisops.ServerStats{}
		if text, err := np.info.Result(); err == nil {
			st = redisops.ParseInfo(withLatency(text, np.latency)).ServerStats()
		} else {
			pl.unread.note(redisops.UnreadServer, pl.nodeErr(np, err))
		}
		st.PingMs = float64(np.rtt.Microseconds()) / 1000
		st.NotifyKeyspaceEvent = p.ev.flagsOf(np.pn.addr)
		stats = append(stats, redisops.NodeStats{Addr: np.pn.addr, ServerStats: st})
		if logs, err := np.slowlog.Result(); err == nil {
			p.keepSlow(np.pn.addr, redisops.SlowEntries(logs, p.schema.Session), int(cap64(np.slowlog)))
		} else {
			pl.unread.note(redisops.UnreadSlowlog, pl.nodeErr(np, err))
		}
	}
	snap.Nodes = stats
	snap.Server = totalStats(stats)
	snap.Slowlog = append(snap.Slowlog, p.kept...)
}

// checkScripts adds the backend_scripts_missing anomalies of each node's
// SCRIPT EXISTS, the backend being there when its active set (as read this
// tick) is not empty.
func (pl *plan) checkScripts(p *Poller, snap *redisops.Snapshot) {
	running := len(p.active.ids()) > 0
	for _, np := range pl.nodes {
		an, blind := scriptAnomalies(p.Client, np.pn.addr, np.scripts, running, snap.TakenAt, len(pl.nodes))
		snap.Anomalies = append(snap.Anomalies, an...)
		if blind != nil {
			pl.unread.note(redisops.UnreadScripts, pl.nodeErr(np, blind))
		}
	}
}

// nodeErr names the node of err when there are several (a cluster).
func (pl *plan) nodeErr(np *nodePlan, err error) error {
	if len(pl.nodes) < 2 {
		return err
	}
	return fmt.Errorf("%s: %w", np.pn.addr, err)
}

// cap64 is the COUNT a SLOWLOG GET was sent with.
func cap64(cmd *redis.SlowLogCmd) int64 {
	args := cmd.Args()
	if len(args) == 3 {
		if n, ok := args[2].(int64); ok {
			return n
		}
	}
	return redisops.DefaultSlowlogN
}

// keepSlow merges the entries of one node newer than the last id seen there
// into the kept list (newest first, at most n). A lower id than the last
// one means the server restarted: its ids start again.
func (p *Poller) keepSlow(addr string, entries []redisops.SlowEntry, n int) {
	last, seen := p.slow[addr]
	var fresh []redisops.SlowEntry
	for _, e := range entries {
		if !seen || e.ID > last {
			fresh = append(fresh, e)
		}
	}
	if len(entries) > 0 {
		if seen && entries[0].ID < last {
			fresh = entries
		}
		p.slow[addr] = entries[0].ID
	}
	p.kept = append(fresh, p.kept...)
	slices.SortStableFunc(p.kept, func(a, b redisops.SlowEntry) int {
		return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID))
	})
	p.kept = p.kept[:min(len(p.kept), n)]
}

// dedupeAnomalies sorts anomalies and drops repeats.
func dedupeAnomalies(in []redisops.Anomaly) []redisops.Anomaly {
	out := append([]redisops.Anomaly{}, in...)
	sortAnomalies(out)
	return slices.Compact(out)
}
