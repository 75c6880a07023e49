package redisops

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/scripts"
)

// Status words of the leak ledger (scripts/leak.lua, scripts/reclaim.lua).
const (
	StatusRecorded         = "recorded"
	StatusAlreadyRecorded  = "already_recorded"
	StatusReclaimed        = "reclaimed"
	StatusNothingToReclaim = "nothing_to_reclaim"
)

// LedgerKeyPrefix starts every leak ledger key: flashtop:leaks:{<sale>}. The
// sale is the key's hash tag, so that in a cluster the ledger shares the slot
// of a cluster-safe stock key (inventory:{{sale}}) and reclaim.lua may touch
// both.
const LedgerKeyPrefix = "flashtop:leaks:"

// maxLedgerHoldKey is the longest hold key leak.lua accepts.
const maxLedgerHoldKey = 1024

// maxLedgerInt is the largest quantity and stamp leak.lua accepts (MAXN of
// scripts/lib.lua).
const maxLedgerInt = 999_999_999_999_999

// LedgerKey is the leak ledger of a sale: a hash with one field per leak,
// "leak:<hold key>@<stamp>" = "<units> leaked|reclaimed <seen unix s>", and
// the totals leaked_units, leaked_holds, reclaimed_units, reclaimed_holds.
func LedgerKey(sale string) string { return LedgerKeyPrefix + "{" + sale + "}" }

// LeakLedger is where leaks are recorded: the Redis ledger of a Client (writes
// armed) or a MemLedger (not armed). recorded is false when the leak was
// recorded before (by this or another watcher).
type LeakLedger interface {
	RecordLeak(ctx context.Context, l Leak) (recorded bool, err error)
	LedgerTotals(ctx context.Context, sales []string) (map[string]LeakTotals, error)
}

// checkLeak validates a leak before it is recorded.
func checkLeak(l Leak) error {
	if err := ValidateID("sale", l.Sale); err != nil {
		return err
	}
	switch {
	case l.Key == "" || len(l.Key) > maxLedgerHoldKey:
		return inputErr("hold key", "must be 1 to %d bytes", maxLedgerHoldKey)
	case l.Quantity < 1 || l.Quantity > maxLedgerInt:
		return inputErr("quantity", "must be 1 to %d (got %d)", int64(maxLedgerInt), l.Quantity)
	}
	if l.Stamp != NoStamp {
		if _, err := ParseIntIn("stamp", l.Stamp, 0, maxLedgerInt); err != nil {
			return err
		}
	}
	return nil
}

// RecordLeak records l in its sale's ledger with scripts/leak.lua: atomic and
// keyed by hold key and stamp, so that several flashtop instances watching at
// once record each leak once.
func (c *Client) RecordLeak(ctx context.Context, l Leak) (bool, error) {
	if err := checkLeak(l); err != nil {
		return false, err
	}
	key := LedgerKey(l.Sale)
	r, err := c.runScript(ctx, scripts.Leak, key, []string{key},
		[]any{l.Key, l.Stamp, l.Quantity, leakSeenAt(l.At)},
		replyShape{status: StatusRecorded, fields: []replyField{fieldQuantity, fieldLength}},
		replyShape{status: StatusAlreadyRecorded, fields: []replyField{fieldQuantity, fieldLength}})
	if err != nil {
		return false, err
	}
	return r.Status == StatusRecorded, nil
}

// Reclaim gives every unreclaimed leaked unit of a sale's ledger back to its
// stock and marks those leaks reclaimed, in one script (scripts/reclaim.lua),
// so that concurrent calls reclaim once: reclaimed + Units + Stock,
// nothing_to_reclaim, or max_exceeded + Stock (stock + units would pass max;
// nil: no limit). Result.Key is the ledger key.
func (c *Client) Reclaim(ctx context.Context, sale string, max *int64) (Result, error) {
	m, err := maxArg(max)
	if err = firstErr(ValidateID("--sale", sale), err); err != nil {
		return Result{}, err
	}
	ledger, stock := LedgerKey(sale), c.schema.StockKey(sale)
	r, err := c.runScript(ctx, scripts.Reclaim, ledger, []string{ledger, stock}, []any{m},
		replyShape{status: StatusReclaimed, fields: []replyField{fieldQuantity, fieldStock}},
		replyShape{status: StatusNothingToReclaim},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
	if err != nil {
		return Result{}, err
	}
	if r.Status == StatusReclaimed {
		r.OK, r.Units, r.Quantity = true, r.Quantity, nil
	}
	return r, nil
}

// LedgerTotals reads the totals of each sale's ledger (HMGET of its four
// total fields, pipelined): no per-leak field is read, so the cost does not
// grow with the leaks. A sale without a ledger has zero totals; a total that
// is not an integer reads as 0.
func (c *Client) LedgerTotals(ctx context.Context, sales []string) (map[string]LeakTotals, error) {
	out := make(map[string]LeakTotals, len(sales))
	if len(sales) == 0 {
		return out, nil
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	cmds := make([]*redis.SliceCmd, len(sales))
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, s := range sales {
			cmds[i] = p.HMGet(ctx, LedgerKey(s), "leaked_units", "leaked_holds", "reclaimed_units", "reclaimed_holds")
		}
		return nil
	})
	if err != nil && !isReplyError(err) {
		return nil, Classify(err)
	}
	for i, s := range sales {
		vals, err := cmds[i].Result()
		if err != nil { // WRONGTYPE: not a ledger
			out[s] = LeakTotals{}
			continue
		}
		n := func(j int) int64 {
			v, _ := field(vals, j)
			x, _ := strconv.ParseInt(v, 10, 64)
			return x
		}
		out[s] = LeakTotals{Units: n(0), Holds: n(1), ReclaimedUnits: n(2), ReclaimedHolds: n(3)}
	}
	return out, nil
}

// MemLedger is the leak ledger of a flashtop that may not write: leaks are
// kept in memory for this process only (nothing to reclaim from). Safe for
// concurrent use.
type MemLedger struct {
	mu     sync.Mutex
	seen   map[string]bool
	totals map[string]LeakTotals
}

// NewMemLedger returns an empty in-memory ledger.
func NewMemLedger() *MemLedger {
	return &MemLedger{seen: map[string]bool{}, totals: map[string]LeakTotals{}}
}

// RecordLeak records l once per hold key and stamp.
func (m *MemLedger) RecordLeak(_ context.Context, l Leak) (bool, error) {
	if err := checkLeak(l); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	id := l.Key + "@" + l.Stamp
	if m.seen[id] {
		return false, nil
	}
	m.seen[id] = true
	t := m.totals[l.Sale]
	t.Units += l.Quantity
	t.Holds++
	m.totals[l.Sale] = t
	return true, nil
}

// LedgerTotals returns the totals of each sale.
func (m *MemLedger) LedgerTotals(_ context.Context, sales []string) (map[string]LeakTotals, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]LeakTotals, len(sales))
	for _, s := range sales {
		out[s] = m.totals[s]
	}
	return out, nil
}

// LeakWatch ties a Tracker to a ledger: each observation is classified, each
// new leak recorded. It is what the dashboard and audit --watch run per poll.
type LeakWatch struct {
	Tracker *Tracker
	Ledger  LeakLedger
	// Indexed says a hold index feeds the tracker (Poller.SetHoldObserver):
	// Feed then only records what the tracker saw, without reading the
	// snapshot's holds again (one clock, one source).
	Indexed bool
}

// WatchedLeak is a leak with whether this watcher recorded it first.
type WatchedLeak struct {
	Leak
	Recorded bool `json:"recorded"` // false: another watcher had recorded it
}

// Feed observes a snapshot (unless Indexed) and records the leaks it
// reveals and any other leak the tracker saw since (from Gone or Settle). A
// leak whose record failed is returned with the error and kept for the next
// Feed.
func (w LeakWatch) Feed(ctx context.Context, s *Snapshot) ([]WatchedLeak, error) {
	if !w.Indexed {
		w.Tracker.ObserveSnapshot(s)
	}
	leaks := w.Tracker.Drain()
	out := make([]WatchedLeak, 0, len(leaks))
	for i, l := range leaks {
		rec, err := w.Ledger.RecordLeak(ctx, l)
		if errors.Is(err, ErrInput) {
			continue // a sale id no command could name (read from a key): shown, never recorded
		}
		if err != nil {
			w.Tracker.requeue(leaks[i:])
			return out, fmt.Errorf("recording the leak of %s: %w", l.Key, err)
		}
		out = append(out, WatchedLeak{Leak: l, Recorded: rec})
	}
	return out, nil
}

// requeue puts leaks whose record failed back ahead of the pending ones.
func (t *Tracker) requeue(leaks []Leak) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = append(append([]Leak(nil), leaks...), t.pending...)
}

// FillLeaks sets each sale row's LeakedUnits and LeakedHolds from the
// ledger's totals.
func (w LeakWatch) FillLeaks(ctx context.Context, s *Snapshot) error {
	if s == nil || len(s.Sales) == 0 {
		return nil
	}
	ids := make([]string, len(s.Sales))
	for i, r := range s.Sales {
		ids[i] = r.ID
	}
	totals, err := w.Ledger.LedgerTotals(ctx, ids)
	if err != nil {
		return err
	}
	for i := range s.Sales {
		t := totals[s.Sales[i].ID]
		s.Sales[i].LeakedUnits, s.Sales[i].LeakedHolds = t.Units, t.Holds
	}
	return nil
}

// leakSeenAt is when a leak was seen, for a ledger value (unix seconds).
func leakSeenAt(t time.Time) int64 { return max(t.Unix(), 0) }
