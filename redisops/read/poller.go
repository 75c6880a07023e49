package read

import (
	"cmp"
	"context"
	"flashtop/redisops"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// PollerOptions tune a Poller. Zero values take the defaults.
type PollerOptions struct {
	// ScanBudget is the server time per second (per node) the discovery walk
	// may spend once its first walk is complete (--scan-budget, default 10ms).
	ScanBudget time.Duration
	// ColdSlice is how long each tick may walk until the first walk is
	// complete (default 300ms; each SCAN still stays around 1 ms).
	ColdSlice time.Duration
	// NoColdStart keeps the first walk within the budget too.
	NoColdStart bool
	// ScanCount fixes SCAN's COUNT (0: adaptive, from 500).
	ScanCount int64
	// Now is the clock the budget is earned by (time.Now when nil).
	Now func() time.Time
	// NoFeed leaves the push feed off (the walk alone keeps the counts).
	NoFeed bool
	// QueueWindow is the span of ticks the queue rates sum over
	// (redisops.QueueStats; default one minute).
	QueueWindow time.Duration
}

// Poller reads the dashboard's snapshot at a cost that does not grow with
// the keyspace: per tick one pipelined round trip per node for what the
// panels show, plus a budgeted slice of an incremental discovery walk that
// keeps an index of every hold. It embeds the Client, so every operation
// stays available (it is the dashboard's ui.Backend); its Snapshot is the
// live read, where Full is the complete one. Safe for concurrent use; Close
// stops the keyspace-event subscription.
type Poller struct {
	*redisops.Client
	schema  redisops.Schema // the Client's
	timeout time.Duration   // the Client's, for each round trip
	o       PollerOptions
	idx     *holdIndex
	ev      *events
	feed    *feed
	clocks  clocks
	clk0    atomic.Pointer[serverClock] // the first master's clock
	noPET   atomic.Bool                 // the server lacks PEXPIRETIME: PTTL instead
	wakeCh  chan struct{}
	planAt  sync.Map  // node addr -> time.Time of its last plan pipeline that succeeded
	own     ownErrors // error replies the poll plan itself drew (server.go)

	mu     sync.Mutex // one tick at a time; guards the fields below
	w      *walker
	active activeRead // flash_sales:active, one SSCAN page a tick (poller_plan.go)
	slow   map[string]int64
	kept   []redisops.SlowEntry
	queues *queueTracker // each sale's queue as of the last tick (queuestats.go)

	// scriptsBlind is the refusal of the last SCRIPT EXISTS (an ACL
	// without script|exists), noted unreadable each tick; the check is
	// sent again only after scriptsRetry, so that a refused command does
	// not add a NOPERM to the server's error counts every tick.
	scriptsBlind error
	scriptsRetry time.Time

	armedAll   time.Time // the feed's armedAll as of the last tick
	lastRepair time.Time // when the last repair walk at cold speed began
	repairing  bool      // the current walk is a repair after a feed gap
}

// NewPoller wraps c. Nothing is sent until the first Snapshot.
func NewPoller(c *redisops.Client, o PollerOptions) *Poller {
	if o.ScanBudget <= 0 {
		o.ScanBudget = DefaultScanBudget
	}
	if o.ColdSlice <= 0 {
		o.ColdSlice = DefaultColdSlice
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.QueueWindow <= 0 {
		o.QueueWindow = queueRateWindow
	}
	p := &Poller{Client: c, schema: c.Schema(), timeout: c.Timeout(), o: o, idx: newHoldIndex(), active: newActiveRead(),
		slow: map[string]int64{}, queues: &queueTracker{window: o.QueueWindow, m: map[string]*queueTrack{}}, wakeCh: make(chan struct{}, 1)}
	p.ev = newEvents(p)
	p.feed = newFeed(p, feedSinkOf{p})
	if o.NoFeed {
		p.feed.why = "push feed off (--no-feed)"
	}
	p.w = newWalker(p.schema, o)
	return p
}

// serverNow converts a local time to the first master's clock.
func (p *Poller) serverNow(local time.Time) time.Time {
	if c := p.clk0.Load(); c != nil {
		return c.toServer(local)
	}
	return local
}

// feedSinkOf hands the feed's pushes to the poller's index and walk.
type feedSinkOf struct{ p *Poller }

// pushed marks pushed hold keys dirty (read again at the next tick) with
// what the push proves in server time: the change was before at's upper
// bound and at or after floor's lower bound (clock.go); and notes the
// sales of pushed stock and queue keys.
func (s feedSinkOf) pushed(addr string, keys []string, at, floor time.Time) {
	p := s.p
	clk := p.clocks.of(addr)
	m := dirtyMark{pushed: true, before: clk.upper(at), notBefore: clk.lower(floor), epoch: p.feed.epoch.Load()}
	sc := p.schema
	for _, key := range keys {
		if _, _, ok := parseIf(sc.Hold, key); ok {
			p.idx.markPushed(key, m)
			continue
		}
		if sale, _, ok := parseIf(sc.Stock, key); ok {
			p.w.noteSale(sale)
		} else if sale, _, ok := parseIf(sc.Queue, key); ok {
			p.w.noteSale(sale)
		}
	}
	p.wake()
}

// flushed: every hold may be gone (FLUSHALL, FLUSHDB): read them all again.
func (s feedSinkOf) flushed(addr string, at, floor time.Time) {
	clk := s.p.clocks.of(addr)
	s.p.idx.markAllPushed(dirtyMark{pushed: true, before: clk.upper(at), notBefore: clk.lower(floor), epoch: s.p.feed.epoch.Load()})
	s.p.wake()
}

// planOK is when a tick's plan pipeline to addr last succeeded (zero: never).
func (p *Poller) planOK(addr string) time.Time {
	v, _ := p.planAt.Load(addr)
	t, _ := v.(time.Time)
	return t
}

func (p *Poller) now() time.Time { return p.o.Now() }

// withTimeout derives the context of one round trip: the client's timeout.
func (p *Poller) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.timeout)
}

// isSaleID reports whether an id of flash_sales:active counts as a sale
// (isSaleID).
func (p *Poller) isSaleID(id string) bool { return isSaleID(p.schema, id) }

// SetHoldObserver has the hold index tell o of every hold it learns (Seen,
// from the walk, the visible rows and event reads) and loses (Gone: a
// keyspace event, a read that found the key gone, or the end of a walk that
// did not find it), so that the leak watch covers every sale. nil stops it.
func (p *Poller) SetHoldObserver(o redisops.HoldObserver) { p.idx.setObserver(o) }

// Close stops the keyspace-event subscription (if any) and waits for its
// goroutine. It does not close the Client.
func (p *Poller) Close() error {
	p.ev.stop()
	p.feed.stop()
	return nil
}

// pnode is one server the poller talks to: the server itself, or one
// master of a cluster.
type pnode struct {
	addr string
	cl   *redis.Client
}

// masters lists the nodes, sorted by address (at least one, or an error).
func (p *Poller) masters(ctx context.Context) ([]pnode, error) {
	switch r := p.Redis().(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		var out []pnode
		err := r.ForEachMaster(ctx, func(_ context.Context, cl *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			out = append(out, pnode{addr: cl.Options().Addr, cl: cl})
			return nil
		})
		if err != nil {
			return nil, redisops.Classify(err)
		}
		if len(out) == 0 { // no slot assigned yet: nothing to poll
			return nil, fmt.Errorf("%w: the cluster lists no master (are its slots assigned?)", redisops.ErrServer)
		}
		slices.SortFunc(out, func(a, b pnode) int { return cmp.Compare(a.addr, b.addr) })
		return out, nil
	case *redis.Client:
		return []pnode{{addr: r.Options().Addr, cl: r}}, nil
	}
	return nil, fmt.Errorf("%w: unsupported client %T", redisops.ErrConfig, p.Redis())
}

// Snapshot is one tick: the walk's slice, then the poll plan (one pipeline
// per node), assembled into the same Snapshot the full read (Full) gives,
// with Cost and Nodes filled in. Sales come from the walk (complete after its
// first pass), pins and flash_sales:active; their hold counts from the index;
// Reservations are the selected sale's soonest-expiring HoldRows holds, read
// fresh. Pins must be valid ids (redisops.ErrInput, nothing sent).
func (p *Poller) Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	o = o.WithDefaults()
	for _, pin := range o.Pins {
		if err := redisops.ValidateID(string(redisops.FieldSale), pin); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	nodes, err := p.masters(ctx)
	if err != nil {
		return nil, err
	}
	acct := &tickCost{}
	fs := p.feedTick(ctx, nodes, acct)
	p.ev.ensure(ctx, nodes, acct)
	if err := p.w.tick(ctx, p, nodes, acct); err != nil {
		return nil, err
	}
	if err := p.active.prime(ctx, p.Redis(), acct, p.isSaleID); err != nil {
		return nil, err
	}
	plan, err := p.buildPlan(ctx, o, nodes)
	if err != nil {
		if plan != nil {
			plan.restoreDirty(p.idx)
		}
		return nil, err
	}
	if err := plan.exec(ctx, p, acct); err != nil {
		plan.restoreDirty(p.idx) // the pushed keys taken are read at the next tick: never dropped
		return nil, err
	}
	snap, err := plan.assemble(p)
	if err != nil {
		return nil, err
	}
	snap.Cost = acct.cost()
	snap.Cost.ScanProgress = p.w.progress()
	snap.Cost.WalksDone = p.w.walksDone
	snap.Cost.HoldsIndexed = p.idx.size()
	snap.Cost.Events = p.ev.on()
	snap.Cost.FeedCommands = acct.feedCmds
	snap.Feed = p.feedStatus(fs)
	snap.Anomalies = dedupeAnomalies(append(snap.Anomalies, p.idx.replacedAnomalies(snap.TakenAt)...))
	if c := p.clk0.Load(); c != nil {
		if d, ok := c.offset(); ok { // unknown (no TIME sample yet) stays null, never 0
			off := float64(d) / float64(time.Millisecond)
			snap.ClockOffsetMs = &off
		}
	}
	return snap, nil
}

// The poller's side of the push feed (feed.go): arming and checking it at
// each tick, the walk's pace that follows from its state, and the FeedStatus
// every snapshot carries.

// feedTick runs the feed's part of a tick and sets the walk's pace: while
// the feed keeps the index live, the walk is a slow repair pass
// (RepairBudget); after the feed was (re)armed the walk starts over (at the
// cold-start speed, at most once per repairColdEvery) so that its end
// verifies the index; with no feed it walks within --scan-budget as before.
func (p *Poller) feedTick(ctx context.Context, nodes []pnode, acct *tickCost) feedState {
	p.feed.tick(ctx, nodes, acct)
	if len(nodes) > 0 {
		p.clk0.Store(p.clocks.of(nodes[0].addr))
	}
	fs := p.feed.state(len(nodes))
	p.idx.setFeed(fs.epoch, fs.healthy, p.clocks.margin())
	p.idx.expireAwaiting(time.Now())
	if fs.healthy {
		now := p.serverNow(time.Now())
		p.feed.schedulePings(p.idx.upcomingDeadlines(now, now.Add(pingMaxAhead)))
	}
	if !fs.armedAll.IsZero() && !fs.armedAll.Equal(p.armedAll) {
		now := time.Now()
		p.repairing = p.w.walksDone > 0 && now.Sub(p.lastRepair) >= repairColdEvery
		if p.repairing {
			p.lastRepair = now
		}
		p.w.reset(now)
	}
	p.armedAll = fs.armedAll
	switch {
	case p.verified(fs):
		p.w.budget, p.w.fast, p.repairing = min(RepairBudget, p.o.ScanBudget), false, false
	case fs.healthy:
		p.w.budget, p.w.fast = p.o.ScanBudget, p.repairing
	default:
		p.w.budget, p.w.fast = p.o.ScanBudget, false
	}
	return fs
}

// verified reports whether the index is exact: the feed has been armed on
// every master since before the start of the last complete walk.
func (p *Poller) verified(fs feedState) bool {
	return fs.healthy && !fs.armedAll.IsZero() && p.w.walksDone > 0 && !p.w.doneStarted.Before(fs.armedAll)
}

// feedStatus is the snapshot's FeedStatus.
func (p *Poller) feedStatus(fs feedState) *redisops.FeedStatus {
	st := &redisops.FeedStatus{State: fs.state, Reason: fs.reason, PushedPerSec: fs.rate, Pushed: fs.pushed,
		Masters: fs.masters, Armed: fs.armed, Gaps: fs.gaps, MarginMs: float64(p.clocks.margin().Microseconds()) / 1000}
	if st.State == redisops.FeedLive && !p.verified(fs) {
		st.State = redisops.FeedVerifying
		st.Reason = "the feed was armed after the last complete walk: a repair walk must pass"
		if p.w.walksDone == 0 {
			st.Reason = "first discovery walk"
		}
	}
	if st.State != redisops.FeedLive && p.w.walksDone > 0 {
		st.AsOf = p.serverNow(p.w.doneAt)
	}
	return st
}

// wake tells a waiting dashboard that the feed pushed something (never
// blocks).
func (p *Poller) wake() {
	select {
	case p.wakeCh <- struct{}{}:
	default:
	}
}

// Wake is signalled (without blocking, coalesced) when the feed pushes a
// change, so that a dashboard can poll sooner than its interval.
func (p *Poller) Wake() <-chan struct{} { return p.wakeCh }

// FeedPrefixes are the BCAST prefixes the feed tracks (none when a template
// starts with a placeholder).
func (p *Poller) FeedPrefixes() []string { return append([]string(nil), p.feed.prefixes...) }
