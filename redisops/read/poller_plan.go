package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
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
	pn        pnode
	pipe      redis.Pipeliner
	time      *redis.TimeCmd // the first node only
	info      *redis.StringCmd
	latency   *redis.StringCmd    // INFO latencystats (not a default section)
	scripts   *redis.BoolSliceCmd // SCRIPT EXISTS of the backend's scripts (nil: no check)
	ownBefore map[string]int64    // flashtop's own error replies on the node before this pipeline
	slowlog   *redis.SlowLogCmd
	rtt       time.Duration
	done      time.Time // when the pipeline's replies arrived
	clk       *serverClock
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
		if p.scriptsBlind == nil || !p.o.Now().Before(p.scriptsRetry) {
			np.scripts = queueScripts(ctx, p.Client, np.pipe)
		}
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
		p.queueAnalytics(ctx, np.pipe, &sr, window, row.id == pl.selected)
		pl.sales = append(pl.sales, sr)
	}
	return pl, p.queueHolds(ctx, pl, o.HoldRows, route)
}

// queueAnalytics queues a sale's reads for its queue analytics
// (queuestats.go) after its ZCARD and head window: the tail (ZRANGE -1 -1
// WITHSCORES), the members up to the previous tick's tail score (ZCOUNT,
// once a tick saw a waiter) and, for the selected sale, the ranks of its
// wait percentiles foreseen from the previous ticks' lengths.
func (p *Poller) queueAnalytics(ctx context.Context, pipe redis.Pipeliner, sr *saleRead, window int64, selected bool) {
	key := p.schema.QueueKey(sr.row.id)
	sr.tail = pipe.ZRangeWithScores(ctx, key, -1, -1)
	if tail, ok := p.queues.prevTail(sr.row.id); ok {
		sr.old = pipe.ZCount(ctx, key, "-inf", scoreArg(tail))
	}
	if !selected {
		return
	}
	for _, r := range p.queues.brackets(sr.row.id, window) {
		sr.ranks = append(sr.ranks, rankRead{lo: r[0], cmd: pipe.ZRangeWithScores(ctx, key, r[0], r[1])})
	}
}

// scoreArg is a score as a ZCOUNT bound ("+inf"/"-inf" for infinities).
func scoreArg(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
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
			np.ownBefore = p.own.of(np.pn.addr) // what the pipeline's INFO (sent first) already counted
			p.own.count(np.pn.addr, cmds)
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
func (pl *plan) assemble(p *Poller) (*redisops.Snapshot, error) {
	now, err := pl.nodes[0].time.Result()
	if err != nil && !redisops.IsReplyError(err) {
		return nil, redisops.Classify(err)
	}
	if err != nil { // an ACL without TIME: the server clock estimate (clock.go), else the local clock, stands in
		now = p.serverNow(time.Now())
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
	listed := map[string]bool{}
	for _, sr := range pl.sales {
		row, head, anomalies := sr.build(p.Client, now.UnixMilli())
		pl.unread.noteSale(sr)
		row.QueueStats = p.queues.observe(row.ID, sr, now, row.ID == pl.selected)
		listed[row.ID] = true
		c := p.idx.count(row.ID, at)
		row.Reservations, row.ReservedUnits = c.holds, c.units
		snap.Sales = append(snap.Sales, row)
		snap.Queues[row.ID] = head
		snap.Anomalies = append(snap.Anomalies, anomalies...)
	}
	p.queues.keep(listed)
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

// activeRead is the poller's read of flash_sales:active: one SSCAN page
// (COUNT 1000) a tick, its cursor carried from tick to tick, so that a set
// of any size is read whole within a tick per thousand ids while each tick
// stays one round trip. A small set (most are) comes back whole every tick.
// The ids shown are those of the last whole pass and those seen in the
// current one; an id removed from the set goes when a pass ends without it.
// Sales rows are queued before a tick's page arrives, so the first page is
// read on its own at the first tick (prime): a small set shows at once.
type activeRead struct {
	cursor uint64
	last   map[string]bool // the last whole pass
	pass   map[string]bool // the current pass so far
	whole  bool            // a pass has ended: last is the whole set as of then
	primed bool
}

func newActiveRead() activeRead {
	return activeRead{last: map[string]bool{}, pass: map[string]bool{}}
}

// ids are the active sale ids to show: the last whole pass and the current.
func (a *activeRead) ids() map[string]bool {
	if len(a.pass) == 0 {
		return a.last
	}
	out := maps.Clone(a.last)
	maps.Copy(out, a.pass)
	return out
}

// prime reads the first page at the first tick, in a round trip of its own
// (counted in the tick's cost).
func (a *activeRead) prime(ctx context.Context, rdb redis.UniversalClient, acct *tickCost, isID func(string) bool) error {
	if a.primed {
		return nil
	}
	pipe := rdb.Pipeline()
	page := pipe.SScan(ctx, redisops.ActiveSalesKey, 0, "", scanCount)
	start := time.Now()
	cmds, err := pipe.Exec(ctx)
	acct.add(cmds, time.Since(start), false)
	if err != nil && !redisops.IsReplyError(err) {
		return redisops.Classify(err)
	}
	a.primed = true
	a.update(page, nil, isID)
	return nil
}

// update takes this tick's page (and SCARD while no pass has ended). It
// says in a Truncation how many ids of how many the tick's sales rows came
// from, while no pass had ended before the tick (nil once the rows come
// from a whole set). An error reply
// (WRONGTYPE: the key is not a set) means no active sales.
func (a *activeRead) update(page *redis.ScanCmd, card *redis.IntCmd, isID func(string) bool) *redisops.Truncation {
	wasWhole, shownIDs := a.whole, len(a.ids())
	ids, next, err := page.Result()
	if err != nil {
		primed := a.primed
		*a = newActiveRead()
		a.whole, a.primed = true, primed
		return nil
	}
	for _, id := range ids {
		if isID(id) {
			a.pass[id] = true
		}
	}
	a.cursor = next
	if next == 0 {
		a.last, a.pass, a.whole = a.pass, map[string]bool{}, true
	}
	if wasWhole || card == nil {
		return nil
	}
	total := int64(-1)
	if n, err := card.Result(); err == nil {
		total = n
	}
	return &redisops.Truncation{ActiveSales: &redisops.Cut{Shown: int64(shownIDs), Total: total,
		How: fmt.Sprintf("the dashboard reads %s %d ids a tick; the rest come within a few ticks (flashtop snapshot reads it whole)", redisops.ActiveSalesKey, scanCount)}}
}
