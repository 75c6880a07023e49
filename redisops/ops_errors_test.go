package redisops

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
	"flashtop/scripts"
)

// Error paths of the operations and scripts: each must leave every key as it was.

// commandCalls sums the calls of every command but INFO (INFO commandstats).
func commandCalls(t *testing.T, rdb *redis.Client) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, line := range strings.Split(info, "\n") {
		if !strings.HasPrefix(line, "cmdstat_") || strings.HasPrefix(line, "cmdstat_info:") {
			continue
		}
		_, rest, _ := strings.Cut(line, "calls=")
		n, err := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
		if err != nil {
			t.Fatalf("commandstats line %q: %v", line, err)
		}
		total += n
	}
	return total
}

// seedAll fills the keys of sale s1 / user u1 so that a valid call would write.
func seedAll(ctx context.Context, rdb redis.Cmdable) {
	rdb.Set(ctx, "inventory:s1", "10", 0)
	zadd("queue:s1", "a", "b")(ctx, rdb)
	backendHashHold("reservation:held:s1", 2, "held")(ctx, rdb)
}

var allKeys = []string{"inventory:s1", "queue:s1", "reservation:u1:s1", "reservation:held:s1"}

func TestInputErrorsSendNothing(t *testing.T) {
	redistest.EachKind(t, testInputErrorsSendNothing)
}

func testInputErrorsSendNothing(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	seedAll(ctx, rdb)
	type call func(*Client) (Result, error)
	ttl := 300 * time.Second
	cases := map[string]call{
		"reserve qty 0":         func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", 0, ttl) },
		"reserve qty -1":        func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", -1, ttl) },
		"reserve qty too big":   func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", MaxQuantity+1, ttl) },
		"reserve ttl 0":         func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, 0) },
		"reserve ttl 500ms":     func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, 500*time.Millisecond) },
		"reserve ttl 1.5s":      func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, 1500*time.Millisecond) },
		"reserve ttl too long":  func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, MaxTTL+time.Second) },
		"reserve empty sale":    func(c *Client) (Result, error) { return c.Reserve(ctx, "", "u1", 1, ttl) },
		"reserve sale with :":   func(c *Client) (Result, error) { return c.Reserve(ctx, "s1:x", "u1", 1, ttl) },
		"reserve user with {}":  func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "{u1}", 1, ttl) },
		"release max -1":        func(c *Client) (Result, error) { return c.Release(ctx, "s1", "held", i64(-1)) },
		"release max too big":   func(c *Client) (Result, error) { return c.Release(ctx, "s1", "held", i64(MaxMax+1)) },
		"release empty user":    func(c *Client) (Result, error) { return c.Release(ctx, "s1", "", nil) },
		"set -1":                func(c *Client) (Result, error) { return c.SetStock(ctx, "s1", -1) },
		"set too big":           func(c *Client) (Result, error) { return c.SetStock(ctx, "s1", MaxStockSet+1) },
		"restock qty 0":         func(c *Client) (Result, error) { return c.Restock(ctx, "s1", 0, nil) },
		"restock max -1":        func(c *Client) (Result, error) { return c.Restock(ctx, "s1", 1, i64(-1)) },
		"take qty 0":            func(c *Client) (Result, error) { return c.Take(ctx, "s1", 0) },
		"take qty too big":      func(c *Client) (Result, error) { return c.Take(ctx, "s1", MaxQuantity+1) },
		"get empty sale":        func(c *Client) (Result, error) { return c.GetStock(ctx, "") },
		"join empty user":       func(c *Client) (Result, error) { return c.Join(ctx, "s1", "") },
		"join control char":     func(c *Client) (Result, error) { return c.Join(ctx, "s1", "u\x1b1") },
		"leave sale with :":     func(c *Client) (Result, error) { return c.Leave(ctx, "a:b", "u1") },
		"position empty user":   func(c *Client) (Result, error) { return c.Position(ctx, "s1", "") },
		"length empty sale":     func(c *Client) (Result, error) { return c.Length(ctx, "") },
		"admit 0":               func(c *Client) (Result, error) { return c.Admit(ctx, "s1", 0) },
		"admit too many":        func(c *Client) (Result, error) { return c.Admit(ctx, "s1", MaxCount+1) },
		"admit sale too long":   func(c *Client) (Result, error) { return c.Admit(ctx, strings.Repeat("s", MaxIDBytes+1), 1) },
		"reserve invalid UTF-8": func(c *Client) (Result, error) { return c.Reserve(ctx, "s1", "\xff", 1, ttl) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			before, calls := dbState(t, rdb, allKeys...), commandCalls(t, rdb)
			r, err := f(c)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v; want ErrInput", err)
			}
			if !reflect0(r) {
				t.Errorf("result %+v; want the zero Result", r)
			}
			if got := commandCalls(t, rdb); got != calls {
				t.Errorf("%d commands sent; want none", got-calls)
			}
			if d := diffState(before, dbState(t, rdb, allKeys...)); d != "" {
				t.Errorf("keys changed:\n%s", d)
			}
		})
	}
}

func reflect0(r Result) bool {
	return !r.OK && r.Status == "" && r.Key == "" && r.Users == nil && r.Stock == nil && r.Remaining == nil &&
		r.Quantity == nil && r.Position == nil && r.Length == nil
}

// scriptCall is one direct call of a script by EVALSHA.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
}

// badArgCalls lists direct script calls with bad ARGV or KEYS; with good
// arguments each of them would write.
func badArgCalls() map[string]scriptCall {
	const st, hold, held, q = "inventory:s1", "reservation:u1:s1", "reservation:held:s1", "queue:s1"
	out := map[string]scriptCall{
		"reserve no args":      {scripts.Reserve, []string{st, hold}, nil},
		"reserve extra arg":    {scripts.Reserve, []string{st, hold}, []any{1, 300, "u1", "x"}},
		"reserve one key":      {scripts.Reserve, []string{st}, []any{1, 300, "u1"}},
		"reserve empty user":   {scripts.Reserve, []string{st, hold}, []any{1, 300, ""}},
		"reserve ttl too long": {scripts.Reserve, []string{st, hold}, []any{1, "1000000001", "u1"}},
		"release no args":      {scripts.Release, []string{held, st}, nil},
		"release one key":      {scripts.Release, []string{held}, []any{""}},
		"set no args":          {scripts.Set, []string{st}, nil},
		"restock one arg":      {scripts.Restock, []string{st}, []any{1}},
		"take two keys":        {scripts.Take, []string{st, q}, []any{1}},
		"join no cap":          {scripts.Join, []string{q}, []any{"u1"}},
		"join empty user":      {scripts.Join, []string{q}, []any{"", 10}},
		"join cap 0":           {scripts.Join, []string{q}, []any{"u1", 0}},
		"join cap -1":          {scripts.Join, []string{q}, []any{"u1", -1}},
		"leave empty user":     {scripts.Leave, []string{q}, []any{""}},
		"leave no key":         {scripts.Leave, nil, []any{"a"}},
		"admit no args":        {scripts.Admit, []string{q}, nil},
	}
	bad := []string{"0", "-1", "1.5", "abc", "", " 1", "01", "1e3", "0x10", "+1", "1234567890123456"}
	for _, v := range bad {
		out["reserve qty "+strconv.Quote(v)] = scriptCall{scripts.Reserve, []string{st, hold}, []any{v, 300, "u1"}}
		out["reserve ttl "+strconv.Quote(v)] = scriptCall{scripts.Reserve, []string{st, hold}, []any{1, v, "u1"}}
		out["restock qty "+strconv.Quote(v)] = scriptCall{scripts.Restock, []string{st}, []any{v, ""}}
		out["take qty "+strconv.Quote(v)] = scriptCall{scripts.Take, []string{st}, []any{v}}
		out["admit n "+strconv.Quote(v)] = scriptCall{scripts.Admit, []string{q}, []any{v}}
		out["join cap "+strconv.Quote(v)] = scriptCall{scripts.Join, []string{q}, []any{"u1", v}}
		if v != "0" && v != "" { // 0 is a valid n and max; "" means no max
			out["set n "+strconv.Quote(v)] = scriptCall{scripts.Set, []string{st}, []any{v}}
			out["release max "+strconv.Quote(v)] = scriptCall{scripts.Release, []string{held, st}, []any{v}}
			out["restock max "+strconv.Quote(v)] = scriptCall{scripts.Restock, []string{st}, []any{1, v}}
		}
	}
	return out
}

func TestScriptsRefuseBadArgsByEvalsha(t *testing.T) {
	redistest.EachKind(t, testScriptsRefuseBadArgsByEvalsha)
}

func testScriptsRefuseBadArgsByEvalsha(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	seedAll(ctx, rdb)
	for name, s := range scripts.All() {
		if err := s.Load(ctx, rdb).Err(); err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
	}
	for name, sc := range badArgCalls() {
		t.Run(name, func(t *testing.T) {
			before := dbState(t, rdb, allKeys...)
			keys := sc.keys
			if keys == nil {
				keys = []string{}
			}
			res, err := rdb.EvalSha(ctx, sc.script.Hash(), keys, sc.args...).Result()
			if err == nil || !strings.HasPrefix(err.Error(), "ERR flashtop: ") {
				t.Fatalf("reply %v, err %v; want an ERR flashtop: error reply", res, err)
			}
			if d := diffState(before, dbState(t, rdb, allKeys...)); d != "" {
				t.Errorf("keys changed:\n%s", d)
			}
		})
	}
}

type setter func(ctx context.Context, rdb redis.Cmdable, k string)

func wrongTypes() map[string]setter {
	return map[string]setter{
		"list": func(ctx context.Context, rdb redis.Cmdable, k string) { rdb.RPush(ctx, k, "1", "2") },
		"hash": func(ctx context.Context, rdb redis.Cmdable, k string) { rdb.HSet(ctx, k, "quantity", "1") },
		"set":  func(ctx context.Context, rdb redis.Cmdable, k string) { rdb.SAdd(ctx, k, "1") },
		"zset": func(ctx context.Context, rdb redis.Cmdable, k string) {
			rdb.ZAdd(ctx, k, redis.Z{Score: 1, Member: "u9"})
		},
	}
}

func str(v string) setter {
	return func(ctx context.Context, rdb redis.Cmdable, k string) { rdb.Set(ctx, k, v, 0) }
}

func hash(kv ...any) setter {
	return func(ctx context.Context, rdb redis.Cmdable, k string) {
		rdb.HSet(ctx, k, kv...)
		rdb.Expire(ctx, k, 300*time.Second)
	}
}

// badValues returns the values a key of the given family must be refused with.
func badValues(family string) map[string]setter {
	out := wrongTypes()
	switch family {
	case "stock":
		for _, v := range []string{"abc", "1.5", "007", "-0", "", "12345678901234567"} {
			out["string "+strconv.Quote(v)] = str(v)
		}
	case "hold":
		delete(out, "hash")
		for _, v := range []string{"not json", "null", "", "42"} {
			out["string "+strconv.Quote(v)] = str(v)
		}
	case "queue":
		delete(out, "zset")
		out["string"] = str("1")
	}
	// "stock-set": set overwrites any string, so only the other types.
	return out
}

func TestWrongKeyTypesWriteNothing(t *testing.T) {
	redistest.EachKind(t, testWrongKeyTypesWriteNothing)
}

func testWrongKeyTypesWriteNothing(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	const st, hold, held, q = "inventory:s1", "reservation:u1:s1", "reservation:held:s1", "queue:s1"
	type target struct {
		op, family, key string
		call            func() (Result, error)
	}
	targets := []target{
		{"reserve", "stock", st, func() (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, time.Minute) }},
		{"reserve", "hold", hold, func() (Result, error) { return c.Reserve(ctx, "s1", "u1", 1, time.Minute) }},
		{"release", "stock", st, func() (Result, error) { return c.Release(ctx, "s1", "held", nil) }},
		{"release", "hold", held, func() (Result, error) { return c.Release(ctx, "s1", "held", nil) }},
		{"set", "stock-set", st, func() (Result, error) { return c.SetStock(ctx, "s1", 5) }},
		{"restock", "stock", st, func() (Result, error) { return c.Restock(ctx, "s1", 1, nil) }},
		{"take", "stock", st, func() (Result, error) { return c.Take(ctx, "s1", 1) }},
		{"join", "queue", q, func() (Result, error) { return c.Join(ctx, "s1", "u1") }},
		{"leave", "queue", q, func() (Result, error) { return c.Leave(ctx, "s1", "a") }},
		{"admit", "queue", q, func() (Result, error) { return c.Admit(ctx, "s1", 1) }},
	}
	for _, tg := range targets {
		for vname, put := range badValues(tg.family) {
			t.Run(tg.op+"/"+tg.key+"/"+vname, func(t *testing.T) {
				rdb.FlushDB(ctx)
				seedAll(ctx, rdb)
				rdb.Del(ctx, tg.key)
				put(ctx, rdb, tg.key)
				before := dbState(t, rdb, allKeys...)
				r, err := tg.call()
				if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "ERR flashtop: ") ||
					!strings.Contains(err.Error(), tg.key) {
					t.Fatalf("result %+v, err %v; want an ErrServer naming %s", r, err, tg.key)
				}
				if d := diffState(before, dbState(t, rdb, allKeys...)); d != "" {
					t.Errorf("keys changed:\n%s", d)
				}
			})
		}
	}
}

// TestReleaseRefusesHoldsWithoutAQuantity: a hold that exists but does not
// say how many units it holds is an error for release (never a guess).
func TestReleaseRefusesHoldsWithoutAQuantity(t *testing.T) {
	redistest.EachKind(t, testReleaseRefusesHoldsWithoutAQuantity)
}

func testReleaseRefusesHoldsWithoutAQuantity(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	const held = "reservation:held:s1"
	holds := map[string]setter{
		"hash without quantity": hash("user_id", "held"),
		"hash quantity 0":       hash("quantity", "0"),
		"hash quantity -2":      hash("quantity", "-2"),
		"hash quantity 1.5":     hash("quantity", "1.5"),
	}
	for _, q := range []string{"-1", "0", "1.5", `"x"`, "null", `[1]`} {
		holds["JSON quantity "+q] = func(ctx context.Context, rdb redis.Cmdable, k string) {
			backendJSONHold(k, "s1", "held", q)(ctx, rdb)
		}
	}
	holds["JSON without quantity"] = str(`{"saleId":"s1","userId":"held"}`)
	for name, put := range holds {
		t.Run(name, func(t *testing.T) {
			rdb.FlushDB(ctx)
			seedAll(ctx, rdb)
			rdb.Del(ctx, held)
			put(ctx, rdb, held)
			before := dbState(t, rdb, allKeys...)
			r, err := c.Release(ctx, "s1", "held", nil)
			if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), held) {
				t.Fatalf("result %+v, err %v; want an ErrServer naming %s", r, err, held)
			}
			if d := diffState(before, dbState(t, rdb, allKeys...)); d != "" {
				t.Errorf("keys changed:\n%s", d)
			}
		})
	}
}

func TestReadsRefuseWrongTypes(t *testing.T) {
	redistest.EachKind(t, testReadsRefuseWrongTypes)
}

func testReadsRefuseWrongTypes(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	cases := map[string]struct {
		put  func()
		call func() (Result, error)
	}{
		"get list":        {func() { rdb.RPush(ctx, "inventory:s1", "1") }, func() (Result, error) { return c.GetStock(ctx, "s1") }},
		"get abc":         {func() { rdb.Set(ctx, "inventory:s1", "abc", 0) }, func() (Result, error) { return c.GetStock(ctx, "s1") }},
		"get 1.5":         {func() { rdb.Set(ctx, "inventory:s1", "1.5", 0) }, func() (Result, error) { return c.GetStock(ctx, "s1") }},
		"get 007":         {func() { rdb.Set(ctx, "inventory:s1", "007", 0) }, func() (Result, error) { return c.GetStock(ctx, "s1") }},
		"get +5":          {func() { rdb.Set(ctx, "inventory:s1", "+5", 0) }, func() (Result, error) { return c.GetStock(ctx, "s1") }},
		"position list":   {func() { rdb.RPush(ctx, "queue:s1", "u1") }, func() (Result, error) { return c.Position(ctx, "s1", "u1") }},
		"length hash":     {func() { rdb.HSet(ctx, "queue:s1", "u1", "1") }, func() (Result, error) { return c.Length(ctx, "s1") }},
		"length a string": {func() { rdb.Set(ctx, "queue:s1", "1", 0) }, func() (Result, error) { return c.Length(ctx, "s1") }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rdb.FlushDB(ctx)
			tc.put()
			if r, err := tc.call(); !errors.Is(err, ErrServer) {
				t.Fatalf("result %+v, err %v; want ErrServer", r, err)
			}
		})
	}
}
