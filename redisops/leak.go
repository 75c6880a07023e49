package redisops

import (
	"context"
	"flashtop/scripts"
	"flashtop/textsafe"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The leak watch's side in redisops: the data redisops itself produces or
// carries (how a hold's end was observed: Vanish, told to a HoldObserver by
// the hold index of flashtop/redisops/read; a leak and its class; a sale's
// leak totals; the leaks of a Snapshot, WatchedLeak), and the leak ledger in
// Redis (below). The watch itself (tracker, ledger interface, in-memory
// ledger, the dashboard's wrapper) is package flashtop/leakwatch.

// DefaultLeakSkew is kept for callers of leakwatch.NewTracker; the
// classification no longer uses a margin (Vanish carries bounds). It is the
// largest margin the reads allow for the server clock's estimate (maxClockMargin
// in flashtop/redisops/read).
const DefaultLeakSkew = 20 * time.Millisecond

// Vanish is how a hold's end was observed, as bounds in server time.
//
// Redis never removes a key before its deadline (it expires a key once its
// millisecond clock is past the deadline), and once the deadline has passed
// any command on the key, DEL included, first expires it: an end before the
// deadline was a release (or a checkout), one after it an expiry. flashtop
// never knows the instant of an end, only bounds: Before, a server time no
// earlier than the end (a push's arrival, or a read that found the key
// gone, plus the clock's uncertainty), and NotBefore, one no later than it
// (the PING that brackets the push, redisops/read/clock.go; zero when
// nothing bounds it from below). An end provably before the deadline is a
// release; one provably after it (NotBefore past the deadline, with the
// feed unbroken, Seen) a verified leak; anything else whose deadline has
// passed is unverified. The classification is leakwatch.Tracker's.
type Vanish struct {
	At time.Time // when the end was observed (server time), for the record
	// Before and NotBefore bound the end (zero: not known).
	Before, NotBefore time.Time
	// Seen says the feed had no gap between the hold's last read and the
	// push that NotBefore comes from.
	Seen bool
	// Expired and Deleted say a keyspace notification named the event
	// (expired or evicted; del or unlink).
	Expired, Deleted bool
	// Margin is unused (kept for the zero value's sake of older callers).
	Margin time.Duration
}

// HoldObserver is told of every hold a hold index learns (Seen, at in server
// time) and loses (Gone, with how its end was observed). *leakwatch.Tracker
// satisfies it; the dashboard's poller calls it so that the leak watch covers
// every sale, not only the holds a snapshot lists.
type HoldObserver interface {
	Seen(holds []Hold, at time.Time)
	Gone(key string, v Vanish) (Leak, bool)
}

// NoStamp is the stamp of a hold that says neither reserved_at nor expiresAt.
const NoStamp = "none"

// HoldStamp is the stamp that, with the hold key, names one hold across
// watchers: its reserved_at in unix seconds (a JSON hold's is its expiresAt
// less 300 s), or NoStamp.
func HoldStamp(h Hold) string {
	if h.ReservedAt == nil {
		return NoStamp
	}
	return strconv.FormatInt(h.ReservedAt.Unix(), 10)
}

// Leak is one hold that expired while its units were still taken from stock
// (backend-contract.md, Expiry): the backend never gives them back.
type Leak struct {
	Sale     string    `json:"sale"`
	User     string    `json:"user"`
	Key      string    `json:"key"`      // the hold key
	Shape    string    `json:"shape"`    // HoldShapeHash or HoldShapeJSON
	Quantity int64     `json:"quantity"` // the units lost
	Stamp    string    `json:"stamp"`    // reserved_at in unix seconds (NoStamp when unknown): names the leak with Key
	Deadline time.Time `json:"deadline"` // when the hold was due to expire
	At       time.Time `json:"at"`       // when its vanishing was observed
	// Class says how sure the leak is: LeakVerified (its end was seen at or
	// after its deadline, as it happened) or LeakUnverified (its end was not
	// seen as it happened: it may have been released). Only verified leaks
	// are reclaimed unless the operator asks for more.
	Class string `json:"class"`
}

// Leak classes (Leak.Class, the ledger and JSON; DESIGN.md §5).
const (
	LeakVerified   = "verified"
	LeakUnverified = "unverified"
)

// Verified says l's Class is LeakVerified. Any other class (empty: a leak
// of an older flashtop or recording) counts as LeakUnverified, in the
// ledgers and wherever a leak is shown: the side never reclaimed by default.
func (l Leak) Verified() bool { return l.Class == LeakVerified }

// LeakTotals are one sale's leaks: not reclaimed yet (Units, Holds) and
// already given back (ReclaimedUnits, ReclaimedHolds).
type LeakTotals struct {
	Units int64 `json:"units"`
	Holds int64 `json:"holds"`
	// UnverifiedUnits and UnverifiedHolds are the part of Units and Holds
	// whose end was not seen as it happened (LeakUnverified).
	UnverifiedUnits int64 `json:"unverified_units"`
	UnverifiedHolds int64 `json:"unverified_holds"`
	ReclaimedUnits  int64 `json:"reclaimed_units"`
	ReclaimedHolds  int64 `json:"reclaimed_holds"`
}

// WatchedLeak is a leak with whether this watcher recorded it first
// (Snapshot.Leaks, filled by the leak watch).
type WatchedLeak struct {
	Leak
	Recorded bool `json:"recorded"` // false: another watcher had recorded it
}

// The leak ledger in Redis: the operations of the Client on it (RecordLeak,
// Reclaim, LedgerTotals over scripts/leak.lua and scripts/reclaim.lua), its
// key (LedgerKey) and its status words. They are script calls of the Client
// like every other operation, so they live here with it.
//
// Where the rest of the leak watch lives, and why:
//   - this file, above: the data redisops itself produces or carries, Leak
//     and its classes, LeakTotals, WatchedLeak (Snapshot.Leaks), Vanish,
//     HoldObserver, HoldStamp and NoStamp (the hold index tells of hold ends),
//     DefaultLeakSkew (from the clock estimate). redisops may not import
//     leakwatch, so what a Snapshot or the hold index needs stays here.
//   - package flashtop/leakwatch: the watch itself, the Tracker that
//     classifies hold ends (released, verified leak, unverified leak), the
//     Ledger interface this Client satisfies and the in-memory MemLedger, the
//     Watch that ties them (Feed, FillLeaks), and the dashboard's Backend
//     wrapper (leakwatch/doc.go).

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
const maxLedgerInt = MaxScriptInt

// LedgerKey is the leak ledger of a sale: a hash with one field per leak,
// "leak:<hold key>@<stamp>" = "<units> leaked|reclaimed <seen unix s> <class>"
// (no class: written by an older flashtop, counted as LeakUnverified), and the
// totals leaked_units, leaked_holds (unreclaimed leaks of every class),
// unverified_units, unverified_holds (their unverified part), reclaimed_units,
// reclaimed_holds.
func LedgerKey(sale string) string { return LedgerKeyPrefix + "{" + sale + "}" }

// ReclaimUnverifiedCommand is the command line that gives a sale's
// unverified leaks back too, for the hints of the CLI and the dashboard (the
// sale passes textsafe.String).
func ReclaimUnverifiedCommand(sale string) string {
	return "flashtop reclaim --sale " + textsafe.String(sale) + " --include-unverified"
}

// ValidateLeak checks a leak before it is recorded (ErrInput): a sale id a
// command could name, a hold key, quantity and stamp the ledger script
// accepts. Every ledger runs it, the Redis one (RecordLeak) and
// leakwatch.MemLedger, so that both refuse the same leaks.
func ValidateLeak(l Leak) error {
	if err := ValidateID(string(FieldSale), l.Sale); err != nil {
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

// ledgerClass is the class a leak is recorded under: LeakVerified only when
// l.Class says so; an empty (or unknown) Class is LeakUnverified, the side
// that is never reclaimed by default (Leak.Verified).
func ledgerClass(l Leak) string {
	if l.Verified() {
		return LeakVerified
	}
	return LeakUnverified
}

// RecordLeak records l in its sale's ledger with scripts/leak.lua: atomic and
// keyed by hold key and stamp, so that several flashtop instances watching at
// once record each leak once (under the class of the first to record it). A
// Class other than LeakVerified is recorded as LeakUnverified.
func (c *Client) RecordLeak(ctx context.Context, l Leak) (bool, error) {
	if err := ValidateLeak(l); err != nil {
		return false, err
	}
	key := LedgerKey(l.Sale)
	r, err := c.runScript(ctx, scripts.Leak, key, "", []string{key}, // keyed by hold and stamp: recording again is harmless
		[]any{l.Key, l.Stamp, l.Quantity, leakSeenAt(l.At), ledgerClass(l)},
		replyShape{status: StatusRecorded, fields: []replyField{fieldQuantity, fieldLength}},
		replyShape{status: StatusAlreadyRecorded, fields: []replyField{fieldQuantity, fieldLength}})
	if err != nil {
		return false, err
	}
	return r.Status == StatusRecorded, nil
}

// Reclaim gives the unreclaimed leaked units of a sale's ledger back to its
// stock and marks those leaks reclaimed, in one script (scripts/reclaim.lua),
// so that concurrent calls reclaim once. It gives back the verified leaks
// only, unless includeUnverified: an unverified leak may have been released
// and its units sold, so giving it back can oversell. The outcomes:
// reclaimed + Units + Stock + UnverifiedUnits (the part of Units that was
// unverified: 0 without includeUnverified), nothing_to_reclaim +
// UnverifiedUnits (the unverified units left waiting: 0 with
// includeUnverified), or max_exceeded + Stock (stock + units would pass limit;
// nil: no limit). Result.Key is the ledger key.
func (c *Client) Reclaim(ctx context.Context, sale string, limit *int64, includeUnverified bool) (Result, error) {
	if err := reclaimSpec().Check(Request{Kind: KindReclaim, Sale: sale, Max: limit}); err != nil {
		return Result{}, err
	}
	all := "0"
	if includeUnverified {
		all = "1"
	}
	ledger, stock := LedgerKey(sale), c.schema.StockKey(sale)
	r, err := c.runScript(ctx, scripts.Reclaim, ledger, tellStock(sale), []string{ledger, stock}, []any{maxArg(limit), all},
		replyShape{status: StatusReclaimed, fields: []replyField{fieldQuantity, fieldStock, fieldUnverified}},
		replyShape{status: StatusNothingToReclaim, fields: []replyField{fieldUnverified}},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
	if err != nil {
		return Result{}, err
	}
	if r.Status == StatusReclaimed {
		r.OK, r.Units, r.Quantity = true, r.Quantity, nil
	}
	return r, nil
}

// KindReclaim gives a sale's verified leaked units back (Reclaim without
// includeUnverified): the dashboard's reclaim key and the command line's
// reclaim (cmd_reclaim.go adds --include-unverified and its confirm).
const KindReclaim Kind = "reclaim"

func ledgerSpecs() []Spec { return []Spec{reclaimSpec()} }

func reclaimSpec() Spec {
	return Spec{Kind: KindReclaim, Command: "reclaim", Title: "Reclaim leaks", Write: true, Family: FamilyLedger,
		About: "give the verified leaked units of the sale's ledger (flashtop:leaks:{S}) back to its stock, once; " +
			"--include-unverified: the unverified ones too, after a confirm",
		Inputs: []Input{maxInput("")},
		run: func(ctx context.Context, c *Client, r Request) (Result, error) {
			return c.Reclaim(ctx, r.Sale, r.Max, false)
		},
		Confirm: reclaimPrompt}
}

// reclaimPrompt: the ledger key, the verified units (the reclaim gives back
// every verified leak unreclaimed when it runs: more may leak before the y),
// the stock key with its before → after (e.g. "inventory:s1 97 → 98") and
// the unverified units it leaves.
func reclaimPrompt(sch Schema, r Request, s Seen) string {
	verified := s.LeakedUnits - s.LeakedUnverifiedUnits
	stock := textsafe.String(sch.StockKey(r.Sale)) + " " + s.valueChange(verified)
	p := fmt.Sprintf("Give the verified leaked units recorded in %s (%d now) back to the stock of sale %s (%s)?",
		textsafe.String(r.Key(sch)), verified, textsafe.String(r.Sale), stock)
	if s.LeakedUnverifiedUnits == 0 {
		return p + " No unverified leak is waiting."
	}
	return p + fmt.Sprintf(" It leaves the %d unverified units (not seen to expire: they may have been sold); %s gives those back.",
		s.LeakedUnverifiedUnits, ReclaimUnverifiedCommand(r.Sale))
}

// ledgerTotalFields are the total fields of a ledger, in the order
// ledgerTotals reads them.
func ledgerTotalFields() []string {
	return []string{"leaked_units", "leaked_holds", "unverified_units", "unverified_holds",
		"reclaimed_units", "reclaimed_holds"}
}

// LedgerTotals reads the totals of each sale's ledger (HMGET of its six
// total fields, pipelined): no per-leak field is read, so the cost does not
// grow with the leaks. A sale without a ledger has zero totals; a total that
// is not an integer reads as 0. A ledger without unverified totals was
// written by an older flashtop only, whose leaks all count as unverified:
// UnverifiedUnits and UnverifiedHolds are then Units and Holds.
func (c *Client) LedgerTotals(ctx context.Context, sales []string) (map[string]LeakTotals, error) {
	out := make(map[string]LeakTotals, len(sales))
	if len(sales) == 0 {
		return out, nil
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	cmds := make([]*redis.SliceCmd, len(sales))
	executed, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, s := range sales {
			cmds[i] = p.HMGet(ctx, LedgerKey(s), ledgerTotalFields()...)
		}
		return nil
	})
	if err := PipelineErr(executed, err); err != nil {
		return nil, err
	}
	for i, s := range sales {
		vals, err := cmds[i].Result()
		if err != nil { // WRONGTYPE: not a ledger
			out[s] = LeakTotals{}
			continue
		}
		out[s] = ledgerTotals(vals)
	}
	return out, nil
}

// ledgerTotals turns the HMGET of ledgerTotalFields into LeakTotals.
func ledgerTotals(vals []any) LeakTotals {
	n := func(j int) int64 {
		v, _ := ReplyField(vals, j)
		x, _ := strconv.ParseInt(v, 10, 64)
		return x
	}
	t := LeakTotals{Units: n(0), Holds: n(1), UnverifiedUnits: n(2), UnverifiedHolds: n(3),
		ReclaimedUnits: n(4), ReclaimedHolds: n(5)}
	if _, ok := ReplyField(vals, 2); !ok { // older ledger: every unreclaimed leak is unverified
		t.UnverifiedUnits = t.Units
	}
	if _, ok := ReplyField(vals, 3); !ok {
		t.UnverifiedHolds = t.Holds
	}
	return t
}

// leakSeenAt is when a leak was seen, for a ledger value (unix seconds).
func leakSeenAt(t time.Time) int64 { return max(t.Unix(), 0) }
