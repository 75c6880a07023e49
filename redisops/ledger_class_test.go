package redisops

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
	"flashtop/scripts"
)

// wantLedger fails unless the ledger hash of sale is exactly want.
func wantLedger(t *testing.T, rdb redis.Cmdable, sale string, want map[string]string) {
	t.Helper()
	got := rdb.HGetAll(context.Background(), LedgerKey(sale)).Val()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ledger %s =\n%v\nwant\n%v", LedgerKey(sale), got, want)
	}
}

// TestLeakRecordsTheClass: each leak's field carries its class, the
// unverified totals count the unverified part, an empty class is recorded
// as unverified, and the first record of a leak keeps its class.
func TestLeakRecordsTheClass(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	for _, l := range []Leak{
		testLeakOf(LeakVerified, "s1", "u1", "1", 3),
		testLeakOf(LeakUnverified, "s1", "u2", "1", 2),
		testLeakOf("", "s1", "u3", "1", 4), // nobody vouched for it: unverified
	} {
		if ok, err := c.RecordLeak(ctx, l); err != nil || !ok {
			t.Fatalf("record %s: %v %v", l.Key, ok, err)
		}
	}
	// Seen again by a watcher that could not vouch for it: stays verified.
	if ok, err := c.RecordLeak(ctx, testLeakOf(LeakUnverified, "s1", "u1", "1", 3)); err != nil || ok {
		t.Fatalf("record again: %v %v", ok, err)
	}
	wantLedger(t, rdb, "s1", map[string]string{
		"leak:reservation:u1:s1@1": "3 leaked 1800000000 verified",
		"leak:reservation:u2:s1@1": "2 leaked 1800000000 unverified",
		"leak:reservation:u3:s1@1": "4 leaked 1800000000 unverified",
		"leaked_units":             "9", "leaked_holds": "3",
		"unverified_units": "6", "unverified_holds": "2",
	})
	// The raw replies: the status word, then leaked_units and leaked_holds.
	key := []string{LedgerKey("s1")}
	for _, tc := range []struct {
		args []any
		want []any
	}{
		{[]any{"reservation:u4:s1", "1", "5", "1800000000", "unverified"}, []any{StatusRecorded, int64(14), int64(4)}},
		{[]any{"reservation:u4:s1", "1", "5", "1800000000", "verified"}, []any{StatusAlreadyRecorded, int64(14), int64(4)}},
		{[]any{"reservation:u5:s1", "1", "1", "1800000000", "verified"}, []any{StatusRecorded, int64(15), int64(5)}},
	} {
		if got, err := scripts.Leak.Run(ctx, rdb, key, tc.args...).Slice(); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Fatalf("leak %v = %v, %v; want %v", tc.args, got, err, tc.want)
		}
	}
	tot, err := c.LedgerTotals(ctx, []string{"s1"})
	if err != nil || tot["s1"] != (LeakTotals{Units: 15, Holds: 5, UnverifiedUnits: 11, UnverifiedHolds: 3}) {
		t.Fatalf("totals %+v %v", tot["s1"], err)
	}
}

// legacyLedger writes what the older leak.lua and reclaim.lua left: fields
// without a class (one leaked, one reclaimed) and no unverified totals.
func legacyLedger(t *testing.T, rdb redis.Cmdable, sale string) {
	t.Helper()
	err := rdb.HSet(context.Background(), LedgerKey(sale),
		"leak:reservation:old:"+sale+"@1", "6 leaked 1700000000",
		"leak:reservation:gone:"+sale+"@1", "2 reclaimed 1700000000",
		"leaked_units", "6", "leaked_holds", "1", "reclaimed_units", "2", "reclaimed_holds", "1").Err()
	if err != nil {
		t.Fatal(err)
	}
}

// TestLegacyLeaksAreUnverified: a leak recorded by the older leak.lua (under
// the unsafe 250 ms rule) is unverified: the totals say so, a default reclaim
// leaves it (writing nothing), and only an explicit one gives it back.
func TestLegacyLeaksAreUnverified(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	legacyLedger(t, rdb, "s1")
	rdb.Set(ctx, "inventory:s1", "10", 0)
	tot, err := c.LedgerTotals(ctx, []string{"s1"})
	want := LeakTotals{Units: 6, Holds: 1, UnverifiedUnits: 6, UnverifiedHolds: 1, ReclaimedUnits: 2, ReclaimedHolds: 1}
	if err != nil || tot["s1"] != want {
		t.Fatalf("totals %+v %v, want %+v", tot["s1"], err, want)
	}
	before := dbState(t, rdb)
	r, err := c.Reclaim(ctx, "s1", nil, false)
	if err != nil || r.Status != StatusNothingToReclaim || r.OK || *r.UnverifiedUnits != 6 || r.Units != nil {
		t.Fatalf("default reclaim: %s %v; want nothing_to_reclaim, 6 unverified waiting", fmtResult(r), err)
	}
	if d := diffState(before, dbState(t, rdb)); d != "" {
		t.Fatalf("nothing_to_reclaim wrote:\n%s", d)
	}
	r, err = c.Reclaim(ctx, "s1", nil, true)
	if err != nil || r.Status != StatusReclaimed || *r.Units != 6 || *r.Stock != 16 || *r.UnverifiedUnits != 6 {
		t.Fatalf("reclaim with unverified: %s %v", fmtResult(r), err)
	}
	wantLedger(t, rdb, "s1", map[string]string{
		"leak:reservation:old:s1@1":  "6 reclaimed 1700000000 unverified",
		"leak:reservation:gone:s1@1": "2 reclaimed 1700000000",
		"leaked_units":               "0", "leaked_holds": "0", "unverified_units": "0", "unverified_holds": "0",
		"reclaimed_units": "8", "reclaimed_holds": "2",
	})
}

// classLedger records, on sale s1 with stock 10, verified leaks of 3 and 2,
// unverified ones of 4 and 1, after a legacy leak of 6 (unverified):
// 16 units leaked, 11 of them unverified.
func classLedger(t *testing.T, c *Client, rdb redis.Cmdable) {
	t.Helper()
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	legacyLedger(t, rdb, "s1")
	for i, q := range []int64{3, 2, 4, 1} {
		class := LeakVerified
		if i >= 2 {
			class = LeakUnverified
		}
		if ok, err := c.RecordLeak(ctx, testLeakOf(class, "s1", "u"+string(rune('a'+i)), "1", q)); err != nil || !ok {
			t.Fatalf("record: %v %v", ok, err)
		}
	}
	tot, err := c.LedgerTotals(ctx, []string{"s1"})
	want := LeakTotals{Units: 16, Holds: 5, UnverifiedUnits: 11, UnverifiedHolds: 3, ReclaimedUnits: 2, ReclaimedHolds: 1}
	if err != nil || tot["s1"] != want {
		t.Fatalf("totals %+v %v, want %+v", tot["s1"], err, want)
	}
}

// reclaimConcurrently runs n reclaims of s1 at once; it returns the one that
// reclaimed and fails unless exactly one did and every other found nothing
// with waiting unverified units left.
func reclaimConcurrently(t *testing.T, c *Client, n int, all bool, waiting int64) Result {
	t.Helper()
	results, errs := make([]Result, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = c.Reclaim(context.Background(), "s1", nil, all)
		}()
	}
	wg.Wait()
	var won []Result
	for i, r := range results {
		switch {
		case errs[i] != nil:
			t.Fatalf("call %d: %v", i, errs[i])
		case r.Status == StatusReclaimed:
			won = append(won, r)
		case r.Status != StatusNothingToReclaim || r.OK || r.UnverifiedUnits == nil || *r.UnverifiedUnits != waiting:
			t.Fatalf("call %d: %s, want nothing_to_reclaim with %d unverified waiting", i, fmtResult(r), waiting)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d calls reclaimed (include unverified %v), want exactly 1", len(won), all)
	}
	return won[0]
}

// TestReclaimVerifiedOnceThenTheRestOnce: reclaims without include
// unverified, run at once, give back exactly the verified units once and
// leave the unverified ones (legacy included) as they were; reclaims with it
// then give back exactly the rest, once.
func TestReclaimVerifiedOnceThenTheRestOnce(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	classLedger(t, c, rdb)

	r := reclaimConcurrently(t, c, 8, false, 11)
	if !r.OK || *r.Units != 5 || *r.Stock != 15 || *r.UnverifiedUnits != 0 || r.Key != LedgerKey("s1") {
		t.Fatalf("verified reclaim %s, want 5 units, stock 15, 0 unverified", fmtResult(r))
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "15" {
		t.Fatalf("stock %s, want 15", v)
	}
	wantLedger(t, rdb, "s1", map[string]string{
		"leak:reservation:old:s1@1":  "6 leaked 1700000000",
		"leak:reservation:gone:s1@1": "2 reclaimed 1700000000",
		"leak:reservation:ua:s1@1":   "3 reclaimed 1800000000 verified",
		"leak:reservation:ub:s1@1":   "2 reclaimed 1800000000 verified",
		"leak:reservation:uc:s1@1":   "4 leaked 1800000000 unverified",
		"leak:reservation:ud:s1@1":   "1 leaked 1800000000 unverified",
		"leaked_units":               "11", "leaked_holds": "3", "unverified_units": "11", "unverified_holds": "3",
		"reclaimed_units": "7", "reclaimed_holds": "3",
	})

	r = reclaimConcurrently(t, c, 8, true, 0)
	if !r.OK || *r.Units != 11 || *r.Stock != 26 || *r.UnverifiedUnits != 11 {
		t.Fatalf("reclaim with unverified %s, want 11 units (all unverified), stock 26", fmtResult(r))
	}
	tot, err := c.LedgerTotals(ctx, []string{"s1"})
	if err != nil || tot["s1"] != (LeakTotals{ReclaimedUnits: 18, ReclaimedHolds: 6}) {
		t.Fatalf("totals %+v %v", tot["s1"], err)
	}
	for _, all := range []bool{false, true} {
		r, err := c.Reclaim(ctx, "s1", nil, all)
		if err != nil || r.Status != StatusNothingToReclaim || *r.UnverifiedUnits != 0 {
			t.Fatalf("reclaim after all (include %v): %s %v", all, fmtResult(r), err)
		}
	}
	if v := rdb.Get(ctx, "inventory:s1").Val(); v != "26" {
		t.Fatalf("stock %s, want 26 (10 + the 16 leaked, once)", v)
	}
}

// TestReclaimRepliesWithTheClasses: the raw replies of every outcome, the
// max refusal counting only what would be given back, and each refusal
// writing nothing.
func TestReclaimRepliesWithTheClasses(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	classLedger(t, c, rdb)
	keys := []string{LedgerKey("s1"), "inventory:s1"}
	run := func(limit, all string) []any {
		got, err := scripts.Reclaim.Run(ctx, rdb, keys, limit, all).Slice()
		if err != nil {
			t.Fatalf("reclaim %q %q: %v", limit, all, err)
		}
		return got
	}
	for _, tc := range []struct{ max, all string }{{"14", "0"}, {"25", "1"}} {
		assertUnchanged(t, rdb, keys, func() {
			if got := run(tc.max, tc.all); !reflect.DeepEqual(got, []any{StatusMaxExceeded, int64(10)}) {
				t.Errorf("max %s, include %s: %v, want max_exceeded 10", tc.max, tc.all, got)
			}
		})
	}
	if got := run("15", "0"); !reflect.DeepEqual(got, []any{StatusReclaimed, int64(5), int64(15), int64(0)}) {
		t.Fatalf("verified: %v", got)
	}
	assertUnchanged(t, rdb, keys, func() {
		if got := run("", "0"); !reflect.DeepEqual(got, []any{StatusNothingToReclaim, int64(11)}) {
			t.Errorf("verified again: %v, want nothing_to_reclaim 11", got)
		}
	})
	if got := run("26", "1"); !reflect.DeepEqual(got, []any{StatusReclaimed, int64(11), int64(26), int64(11)}) {
		t.Fatalf("the rest: %v", got)
	}
	assertUnchanged(t, rdb, keys, func() {
		if got := run("", "1"); !reflect.DeepEqual(got, []any{StatusNothingToReclaim, int64(0)}) {
			t.Errorf("nothing left: %v", got)
		}
	})
}

// TestReclaimClassErrorsWriteNothing: a bad include_unverified, a leak field
// with an unknown class, a corrupt unverified total or sums past the limit
// are error replies, and the database is as it was.
func TestReclaimClassErrorsWriteNothing(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	for _, s := range []string{"ok", "cls", "tot", "big"} {
		rdb.Set(ctx, "inventory:"+s, "10", 0)
		if _, err := c.RecordLeak(ctx, testLeak(s, "u1", "1", 2)); err != nil { // a verified leak: reclaimable
			t.Fatal(err)
		}
	}
	rdb.HSet(ctx, LedgerKey("cls"), "leak:x@1", "2 leaked 1 probable")
	rdb.HSet(ctx, LedgerKey("tot"), "unverified_units", "lots")
	// Fields that add up past 15 digits, beside totals that do not.
	rdb.HSet(ctx, LedgerKey("big"), "leak:y@1", "999999999999999 leaked 1 unverified", "leak:z@1", "999999999999999 leaked 1 unverified")
	keys := func(s string) []string { return []string{LedgerKey(s), "inventory:" + s} }
	cases := []struct {
		name, sale string
		args       []any
	}{
		{"include empty", "ok", []any{"", ""}},
		{"include 2", "ok", []any{"", "2"}},
		{"include true", "ok", []any{"", "true"}},
		{"include padded", "ok", []any{"", " 1"}},
		{"no include (older caller)", "ok", []any{""}},
		{"arg count", "ok", []any{"", "1", "1"}},
		{"unknown class", "cls", []any{"", "1"}},
		{"unknown class, verified only", "cls", []any{"", "0"}},
		{"corrupt unverified total", "tot", []any{"", "0"}},
		{"past the limit", "big", []any{"", "1"}},
		{"past the limit, left over", "big", []any{"", "0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dbState(t, rdb)
			err := scripts.Reclaim.Run(ctx, rdb, keys(tc.sale), tc.args...).Err()
			if err == nil || !strings.HasPrefix(err.Error(), "ERR flashtop: ") {
				t.Fatalf("error %v, want a flashtop error reply", err)
			}
			if d := diffState(before, dbState(t, rdb)); d != "" {
				t.Errorf("wrote:\n%s", d)
			}
		})
	}
}
