package redisops

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"flashtop/redisops/redistest"
	"flashtop/scripts"
)

// testLeak is a verified leak (its end seen at its deadline), seen at
// 1800000000; testLeakOf gives its class.
func testLeak(sale, user, stamp string, qty int64) Leak {
	return testLeakOf(LeakVerified, sale, user, stamp, qty)
}

func testLeakOf(class, sale, user, stamp string, qty int64) Leak {
	return Leak{Sale: sale, User: user, Key: DefaultSchema().HoldKey(user, sale), Shape: HoldShapeHash,
		Quantity: qty, Stamp: stamp, At: time.Unix(1_800_000_000, 0), Class: class}
}

func TestLedgerKeyTagsTheSale(t *testing.T) {
	if got := LedgerKey("s1"); got != "flashtop:leaks:{s1}" {
		t.Fatalf("LedgerKey = %q", got)
	}
	sch, err := NewSchema("inventory:{{sale}}", "", "reservation:{user}:{{sale}}", "")
	if err != nil {
		t.Fatal(err)
	}
	if hashSlotTag(LedgerKey("s1")) != hashSlotTag(sch.StockKey("s1")) {
		t.Fatalf("ledger %s and stock %s do not share a hash tag", LedgerKey("s1"), sch.StockKey("s1"))
	}
}

// hashSlotTag is the part of a key Redis Cluster hashes.
func hashSlotTag(k string) string {
	for i := 0; i < len(k); i++ {
		if k[i] == '{' {
			for j := i + 1; j < len(k); j++ {
				if k[j] == '}' && j > i+1 {
					return k[i+1 : j]
				}
			}
			break
		}
	}
	return k
}

func TestRecordLeakOnce(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	l := testLeak("s1", "u1", "1799999700", 3)
	for i, want := range []bool{true, false, false} {
		got, err := c.RecordLeak(ctx, l)
		if err != nil || got != want {
			t.Fatalf("record #%d = %v, %v; want %v", i+1, got, err, want)
		}
	}
	// The same key under another stamp is another hold, so another leak.
	if got, err := c.RecordLeak(ctx, testLeak("s1", "u1", "1799999999", 2)); err != nil || !got {
		t.Fatalf("second hold on the key: %v, %v", got, err)
	}
	vals := rdb.HGetAll(ctx, LedgerKey("s1")).Val()
	want := map[string]string{
		"leak:reservation:u1:s1@1799999700": "3 leaked 1800000000 verified",
		"leak:reservation:u1:s1@1799999999": "2 leaked 1800000000 verified",
		"leaked_units":                      "5", "leaked_holds": "2",
		"unverified_units": "0", "unverified_holds": "0",
	}
	if len(vals) != len(want) {
		t.Fatalf("ledger = %v, want %v", vals, want)
	}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("ledger[%q] = %q, want %q", k, vals[k], v)
		}
	}
	tot, err := c.LedgerTotals(ctx, []string{"s1", "s2"})
	if err != nil || tot["s1"] != (LeakTotals{Units: 5, Holds: 2}) || tot["s2"] != (LeakTotals{}) {
		t.Fatalf("totals = %+v, %v", tot, err)
	}
}

func TestLeakScriptErrorsWriteNothing(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, LedgerKey("bad"), "x", 0)
	rdb.HSet(ctx, LedgerKey("corrupt"), "leaked_units", "many")
	rdb.HSet(ctx, LedgerKey("corrupt2"), "unverified_holds", "1.5")
	cases := []struct {
		name string
		key  string
		args []any
	}{
		{"wrong type", LedgerKey("bad"), []any{"reservation:u:bad", "1", "1", "1", "verified"}},
		{"corrupt total", LedgerKey("corrupt"), []any{"reservation:u:corrupt", "1", "1", "1", "verified"}},
		{"corrupt unverified total", LedgerKey("corrupt2"), []any{"reservation:u:corrupt2", "1", "1", "1", "unverified"}},
		{"zero quantity", LedgerKey("s1"), []any{"reservation:u:s1", "1", "0", "1", "verified"}},
		{"bad stamp", LedgerKey("s1"), []any{"reservation:u:s1", "-5", "1", "1", "verified"}},
		{"empty hold", LedgerKey("s1"), []any{"", "1", "1", "1", "verified"}},
		{"bad seen", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "soon", "verified"}},
		{"bad class", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "1", "maybe"}},
		{"empty class", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "1", ""}},
		{"class in capitals", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "1", "VERIFIED"}},
		{"arg count (older caller, no class)", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "1"}},
		{"arg count", LedgerKey("s1"), []any{"reservation:u:s1", "1", "1", "1", "verified", "x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dbState(t, rdb, LedgerKey("s1"))
			err := scripts.Leak.Run(ctx, rdb, []string{tc.key}, tc.args...).Err()
			if err == nil || !strings.HasPrefix(err.Error(), "ERR flashtop: ") {
				t.Fatalf("error %v, want a flashtop error reply", err)
			}
			if d := diffState(before, dbState(t, rdb, LedgerKey("s1"))); d != "" {
				t.Errorf("wrote:\n%s", d)
			}
		})
	}
	if _, err := c.RecordLeak(ctx, testLeak("a{b", "u", "1", 1)); !errors.Is(err, ErrInput) {
		t.Errorf("bad sale: %v, want ErrInput", err)
	}
}

func TestReclaimExactOnceUnderConcurrentCalls(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", "10", 0)
	var units int64
	for i, q := range []int64{3, 2, 7} {
		l := testLeak("s1", "u"+string(rune('a'+i)), "1799999700", q)
		if ok, err := c.RecordLeak(ctx, l); err != nil || !ok {
			t.Fatalf("record: %v %v", ok, err)
		}
		units += q
	}
	const callers = 8
	var wg sync.WaitGroup
	results := make([]Result, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = c.Reclaim(ctx, "s1", nil, false)
		}()
	}
	wg.Wait()
	reclaimed := 0
	for i, r := range results {
		switch {
		case errs[i] != nil:
			t.Fatalf("call %d: %v", i, errs[i])
		case r.Status == StatusReclaimed:
			reclaimed++
			if !r.OK || *r.Units != units || *r.Stock != 10+units || r.Key != LedgerKey("s1") {
				t.Errorf("reclaimed result %+v, want units %d stock %d", r, units, 10+units)
			}
		case r.Status != StatusNothingToReclaim || r.OK:
			t.Errorf("call %d: %+v", i, r)
		}
	}
	if reclaimed != 1 {
		t.Fatalf("%d calls reclaimed, want exactly 1", reclaimed)
	}
	if got := rdb.Get(ctx, "inventory:s1").Val(); got != "22" {
		t.Fatalf("stock = %s, want 22", got)
	}
	tot, _ := c.LedgerTotals(ctx, []string{"s1"})
	if tot["s1"] != (LeakTotals{ReclaimedUnits: 12, ReclaimedHolds: 3}) {
		t.Fatalf("totals after reclaim = %+v", tot["s1"])
	}
	// A leak recorded again after reclaim stays reclaimed (same hold, same stamp).
	if ok, _ := c.RecordLeak(ctx, testLeak("s1", "ua", "1799999700", 3)); ok {
		t.Fatal("a reclaimed leak was recorded again")
	}
	if r, err := c.Reclaim(ctx, "s1", nil, false); err != nil || r.Status != StatusNothingToReclaim {
		t.Fatalf("second reclaim: %+v %v", r, err)
	}
}

func TestReclaimRefusals(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	if r, err := c.Reclaim(ctx, "none", nil, false); err != nil || r.Status != StatusNothingToReclaim {
		t.Fatalf("no ledger: %+v %v", r, err)
	}
	rdb.Set(ctx, "inventory:s1", "10", 0)
	if _, err := c.RecordLeak(ctx, testLeak("s1", "u1", "1", 5)); err != nil {
		t.Fatal(err)
	}
	limit := int64(14)
	assertUnchanged(t, rdb, []string{"inventory:s1", LedgerKey("s1")}, func() {
		r, err := c.Reclaim(ctx, "s1", &limit, false)
		if err != nil || r.Status != StatusMaxExceeded || *r.Stock != 10 || r.OK {
			t.Errorf("max 14: %+v %v", r, err)
		}
	})
	limit = 15
	if r, err := c.Reclaim(ctx, "s1", &limit, false); err != nil || r.Status != StatusReclaimed || *r.Stock != 15 {
		t.Fatalf("max 15: %+v %v", r, err)
	}
	// Absent stock is created, like restock.
	if _, err := c.RecordLeak(ctx, testLeak("s2", "u1", "1", 4)); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Reclaim(ctx, "s2", nil, false); err != nil || *r.Stock != 4 || *r.Units != 4 {
		t.Fatalf("absent stock: %+v %v", r, err)
	}
	bad := int64(-1)
	if _, err := c.Reclaim(ctx, "s1", &bad, false); !errors.Is(err, ErrInput) {
		t.Errorf("max -1: %v", err)
	}
	if _, err := c.Reclaim(ctx, "a:b", nil, false); !errors.Is(err, ErrInput) {
		t.Errorf("sale a:b: %v", err)
	}
}

func TestReclaimErrorsWriteNothing(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	for _, s := range []string{"st", "lt", "cf", "ct"} {
		if _, err := c.RecordLeak(ctx, testLeak(s, "u1", "1", 2)); err != nil {
			t.Fatal(err)
		}
	}
	rdb.Set(ctx, "inventory:st", "ten", 0) // stock not an integer
	rdb.Del(ctx, LedgerKey("lt"))
	rdb.LPush(ctx, LedgerKey("lt"), "x")                        // ledger of the wrong type
	rdb.HSet(ctx, LedgerKey("cf"), "leak:x@1", "2 lost 1")      // a leak field that does not parse
	rdb.HSet(ctx, LedgerKey("ct"), "reclaimed_units", "plenty") // a total that is not an integer
	for _, s := range []string{"st", "lt", "cf", "ct"} {
		before := dbState(t, rdb)
		if _, err := c.Reclaim(ctx, s, nil, false); !errors.Is(err, ErrServer) {
			t.Errorf("%s: %v, want ErrServer", s, err)
		}
		if d := diffState(before, dbState(t, rdb)); d != "" {
			t.Errorf("%s wrote:\n%s", s, d)
		}
	}
}

// TestLedgerOnCluster: the ledger shares its sale's slot with a cluster-safe
// stock key, so record and reclaim run in a cluster; totals are read across
// the masters.
func TestLedgerOnCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c, schema := clusterTestClient(t, cl.URL())
	ctx := context.Background()
	sales := []string{"a", "b", "c", "d", "e", "f"}
	for i, sale := range sales {
		l := Leak{Sale: sale, User: "u", Key: schema.HoldKey("u", sale), Quantity: int64(i + 1), Stamp: "1", At: time.Now(), Class: LeakVerified}
		if ok, err := c.RecordLeak(ctx, l); err != nil || !ok {
			t.Fatalf("record %s: %v %v", sale, ok, err)
		}
	}
	tot, err := c.LedgerTotals(ctx, sales)
	if err != nil {
		t.Fatal(err)
	}
	for i, sale := range sales {
		if tot[sale].Units != int64(i+1) {
			t.Errorf("%s: %+v", sale, tot[sale])
		}
		r, err := c.Reclaim(ctx, sale, nil, false)
		if err != nil || r.Status != StatusReclaimed || *r.Stock != int64(i+1) {
			t.Errorf("reclaim %s: %+v %v", sale, r, err)
		}
	}
}

// A leak of 15 digits is written digit for digit (a Lua number would print
// as 1.2345678901234e+14), so reclaim still parses the ledger; one past the
// scripts' limit is ErrInput before anything is sent, so the leak watch
// skips it instead of retrying it ahead of every later leak (leakwatch's
// TestFeedSkipsRefusedLeaks).
func TestLedgerQuantityLimits(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	if got, err := c.RecordLeak(ctx, testLeak("big", "u1", "1", 123_456_789_012_345)); err != nil || !got {
		t.Fatalf("record 15 digits: %v, %v", got, err)
	}
	field := "leak:" + DefaultSchema().HoldKey("u1", "big") + "@1"
	if v := rdb.HGet(ctx, LedgerKey("big"), field).Val(); v != "123456789012345 leaked 1800000000 verified" {
		t.Fatalf("ledger field = %q", v)
	}
	r, err := c.Reclaim(ctx, "big", nil, false)
	if err != nil || r.Status != StatusReclaimed || *r.Units != 123_456_789_012_345 || *r.Stock != 123_456_789_012_345 {
		t.Fatalf("reclaim: %+v %v", r, err)
	}

	before := dbState(t, rdb)
	if _, err := c.RecordLeak(ctx, testLeak("big", "u2", "1", 1_000_000_000_000_000)); !errors.Is(err, ErrInput) {
		t.Fatalf("16 digits: %v, want ErrInput", err)
	}
	if d := diffState(before, dbState(t, rdb)); d != "" {
		t.Fatalf("16 digits wrote:\n%s", d)
	}
}
