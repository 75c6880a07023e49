package read

import (
	"context"
	"flashtop/redisops"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// walkKey is a key the walk found that needs a read (TYPE or the hold) before
// it counts.
type walkKey struct {
	key, family, sale string
	typ               *redis.StatusCmd // stock and queue
	hold              *pendingHold     // holds
}

// walkNode is the walk's state on one node (one master in a cluster).
type walkNode struct {
	cursor  uint64
	scanned bool // the SCAN loop came back to cursor 0
	count   int64
	tokens  time.Duration // server time the walk may still spend on this node
	base    time.Duration // the round-trip overhead: the fastest walk round trip seen
	pending []string      // keys found by the last SCAN, read with the next one
}

func (n *walkNode) done() bool { return n.scanned && len(n.pending) == 0 }

// progress is the share of the node's keyspace the SCAN has covered: the
// cursor's bits reversed, over 2^64 (Redis walks buckets in reverse-binary
// order, so this grows steadily from 0 to 1 whatever the table size).
func (n *walkNode) progress() float64 {
	if n.scanned {
		return 1
	}
	return float64(bits.Reverse64(n.cursor)) / math.Exp2(64)
}

// walker is the incremental discovery: a resumable SCAN per node within a
// server-time budget, feeding the hold index, the sale set, the session count
// and the anomalies the keys show. Only the poll tick uses it (under the
// poller's lock); the nodes of one tick step in parallel, merging under mu.
type walker struct {
	schema  redisops.Schema
	match   string
	budget  time.Duration
	fixed   int64 // a fixed COUNT (tests), 0: adaptive
	cold    bool  // walk faster than the budget until the first walk completes
	slice   time.Duration
	seed    maphash.Seed
	gen     int64 // the current walk, from 1
	started time.Time
	nodes   map[string]*walkNode
	last    time.Time // the previous tick

	mu        sync.Mutex
	sales     map[string]bool
	sessions  map[uint64]struct{}
	anomalies map[string][]redisops.Anomaly // only keys with anomalies, or clean ones that override the last walk's
	merged    []redisops.Anomaly            // view's cache (nil: merge again)

	fast        bool      // a repair walk at the cold-start speed (poller.go: feedTick)
	doneStarted time.Time // when the last complete walk began (local)
	doneAt      time.Time // when it ended (local)

	walksDone     int64
	doneSales     map[string]bool
	doneSessions  int64
	doneAnomalies map[string][]redisops.Anomaly

	unread     *unreadSet            // what the current walk could not read
	doneUnread []redisops.Unreadable // what the last complete walk could not read
}

func newWalker(s redisops.Schema, o PollerOptions) *walker {
	w := &walker{schema: s, match: s.ScanPattern(), budget: o.ScanBudget, fixed: o.ScanCount,
		cold: !o.NoColdStart, slice: o.ColdSlice, seed: maphash.MakeSeed(), nodes: map[string]*walkNode{},
		doneSales: map[string]bool{}, doneAnomalies: map[string][]redisops.Anomaly{}}
	w.reset(time.Time{})
	return w
}

// reset starts walk gen+1.
func (w *walker) reset(now time.Time) {
	w.gen++
	w.started = now
	w.mu.Lock()
	w.sales, w.sessions, w.anomalies = map[string]bool{}, map[uint64]struct{}{}, map[string][]redisops.Anomaly{}
	w.merged = nil
	w.unread = newUnreadSet()
	w.mu.Unlock()
	for _, n := range w.nodes {
		n.cursor, n.scanned, n.pending, n.tokens = 0, false, nil, 0
	}
}

// progress is the mean progress of every node's walk.
func (w *walker) progress() float64 {
	if len(w.nodes) == 0 {
		return 0
	}
	var sum float64
	for _, n := range w.nodes {
		sum += n.progress()
	}
	return sum / float64(len(w.nodes))
}

// tick advances the walk on every node (in parallel) within the budget, or
// for up to the cold slice until the first walk is complete, and ends the
// walk when every node is done.
func (w *walker) tick(ctx context.Context, p *Poller, nodes []pnode, acct *tickCost) error {
	w.refill(nodes, p.now())
	cold := w.cold && (w.walksDone == 0 || w.fast)
	until := time.Now().Add(w.slice)
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, pn := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = w.stepNode(ctx, p, pn, w.nodes[pn.addr], cold, until, acct)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, n := range w.nodes {
		if !n.done() {
			return nil
		}
	}
	now := time.Now()
	w.finish(p.idx, now, p.serverNow(now))
	return nil
}

// finish ends the current walk: its findings become the complete picture and
// the next walk starts (with no budget banked: it begins at the next tick).
func (w *walker) finish(idx *holdIndex, now, serverNow time.Time) {
	idx.prune(w.gen, w.started, now, serverNow)
	w.doneStarted, w.doneAt = w.started, now
	w.mu.Lock()
	w.walksDone++
	w.doneSales, w.doneSessions, w.doneAnomalies = w.sales, int64(len(w.sessions)), w.anomalies
	w.doneUnread = w.unread.list()
	w.merged = nil
	w.mu.Unlock()
	w.reset(now)
}

// stepNode runs SCAN steps on one node while it has budget (or cold time):
// each round trip reads the keys the previous SCAN found and sends the next
// SCAN.
func (w *walker) stepNode(ctx context.Context, p *Poller, pn pnode, n *walkNode, cold bool, until time.Time, acct *tickCost) error {
	for !n.done() {
		if (cold && !time.Now().Before(until)) || (!cold && n.tokens <= 0) {
			return nil
		}
		pipe := pn.cl.Pipeline()
		at := time.Now()
		keys := w.queueReads(ctx, p, pipe, n.pending, at, p.clocks.of(pn.addr))
		var scan *redis.ScanCmd
		if !n.scanned {
			scan = pipe.Scan(ctx, n.cursor, w.match, n.count)
		}
		rctx, cancel := p.withTimeout(ctx)
		start := time.Now()
		cmds, err := pipe.Exec(rctx)
		rtt := time.Since(start)
		cancel()
		acct.add(cmds, rtt, false)
		p.own.count(pn.addr, cmds) // typeless reads draw a WRONGTYPE: flashtop's own, said apart
		if err := redisops.PipelineErr(cmds, err); err != nil {
			return err
		}
		// Never more than a second of debt: a stalled round trip (a server
		// stopped, a slow network) is not evidence of server time spent.
		n.tokens = max(n.tokens-n.charge(rtt, scan != nil), -w.budget)
		done := start.Add(rtt)
		for _, wk := range keys {
			if wk.hold != nil {
				*wk.hold.doneAt = done
			}
		}
		w.applyReads(p.idx, keys)
		n.pending = nil
		if scan != nil {
			if err := scan.Err(); err != nil {
				return redisops.Classify(err)
			}
			found, cursor := scan.Val()
			n.pending, n.cursor, n.scanned = found, cursor, cursor == 0
			if w.fixed == 0 {
				n.adapt(rtt)
			}
		}
	}
	return nil
}

// queueReads classifies the keys the last SCAN found and queues what each
// needs: TYPE for stock and queue keys, the hold read for holds. Sessions are
// only counted (their values are never read).
func (w *walker) queueReads(ctx context.Context, p *Poller, pipe redis.Pipeliner, keys []string, at time.Time, clk *serverClock) []walkKey {
	s := w.schema
	out := make([]walkKey, 0, len(keys))
	for _, k := range keys {
		if sale, _, ok := parseIf(s.Stock, k); ok {
			out = append(out, walkKey{key: k, family: familyStock, sale: sale, typ: pipe.Type(ctx, k)})
		}
		if sale, _, ok := parseIf(s.Queue, k); ok {
			out = append(out, walkKey{key: k, family: familyQueue, sale: sale, typ: pipe.Type(ctx, k)})
		}
		if sale, user, ok := parseIf(s.Hold, k); ok {
			ref := holdRef{Key: k, Sale: sale, User: user, Shape: p.idx.shape(k)}
			ph := queueHoldRead(ctx, pipe, ref, at, p.expireTime())
			ph.clk = clk
			out = append(out, walkKey{key: k, family: familyHold, sale: sale, hold: ph})
		}
		if _, _, ok := parseIf(s.Session, k); ok {
			w.mu.Lock()
			w.sessions[maphash.String(w.seed, k)] = struct{}{}
			w.mu.Unlock()
		}
	}
	return out
}

// parseIf is t.Parse(key), skipping the regular expression when key does
// not start with the template's leading literal (Parse is anchored there).
func parseIf(t redisops.Template, key string) (sale, user string, ok bool) {
	if !strings.HasPrefix(key, t.Prefix()) {
		return "", "", false
	}
	return t.Parse(key)
}

// applyReads records what the reads found.
func (w *walker) applyReads(idx *holdIndex, keys []walkKey) {
	for _, wk := range keys {
		var an []redisops.Anomaly
		found := false
		if wk.hold != nil {
			var out holdOutcome
			_, an, out = applyHoldRead(idx, wk.hold, w.gen)
			found = out != holdUnknown && out != holdBlind
			if out == holdBlind {
				w.unread.note(redisops.UnreadHolds, wk.hold.blindHold())
			}
		} else if typ, err := wk.typ.Result(); err != nil {
			if w.unread.note(unreadFamily(wk.family), err) { // the key exists (SCAN said so): its sale is listed, unread
				w.mu.Lock()
				w.sales[wk.sale] = true
				w.mu.Unlock()
			}
		} else {
			found = true
			if a, bad := wrongTypeAnomaly(wk.family, wk.key, typ); bad {
				an = append(an, a)
			} else if typ != "none" {
				w.mu.Lock()
				w.sales[wk.sale] = true
				w.mu.Unlock()
			}
		}
		if found {
			w.mu.Lock()
			w.record(wk.key, an)
			w.mu.Unlock()
		}
	}
}

// record keeps what the current walk found of key (w.mu held). A clean key
// is recorded only when it overrides an anomaly (of this walk or the last),
// so the maps hold the anomalous keys, not every key walked.
func (w *walker) record(key string, an []redisops.Anomaly) {
	if len(an) == 0 {
		_, now := w.anomalies[key]
		if !now && len(w.doneAnomalies[key]) == 0 {
			return
		}
		if now && len(w.anomalies[key]) == 0 {
			return
		}
	}
	w.anomalies[key] = an
	w.merged = nil
}

// salesView is the sales the walk knows: the last complete walk's and the
// current one's so far.
func (w *walker) salesView() map[string]bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	sales := make(map[string]bool, len(w.doneSales)+len(w.sales))
	for _, m := range []map[string]bool{w.doneSales, w.sales} {
		for s := range m {
			sales[s] = true
		}
	}
	return sales
}

// view is the walk's picture for a snapshot: the sessions counted and the
// anomalies of the last complete walk joined with what the current one found
// so far (merged again only after a change; the caller gets its own copy).
func (w *walker) view() (sessions int64, anomalies []redisops.Anomaly) {
	w.mu.Lock()
	defer w.mu.Unlock()
	sessions = w.doneSessions
	if w.walksDone == 0 {
		sessions = int64(len(w.sessions)) // the first walk, so far
	}
	if w.merged == nil {
		merged := []redisops.Anomaly{}
		for k, a := range w.doneAnomalies {
			if _, over := w.anomalies[k]; !over {
				merged = append(merged, a...)
			}
		}
		for _, a := range w.anomalies {
			merged = append(merged, a...)
		}
		w.merged = merged
	}
	if len(w.merged) == 0 {
		return sessions, nil
	}
	return sessions, slices.Clone(w.merged)
}

// unreadView is what the walk could not read: the last complete walk's
// and the current one's so far (per kind, the most keys of the two).
func (w *walker) unreadView() []redisops.Unreadable {
	w.mu.Lock()
	defer w.mu.Unlock()
	return redisops.MergeUnreadable(w.doneUnread, w.unread.list())
}

// noteSale adds a sale a keyspace event showed (its stock or queue key was
// written) before the walk reaches it.
func (w *walker) noteSale(sale string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sales[sale] = true
}
