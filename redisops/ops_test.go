package redisops

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

func i64(n int64) *int64 { return &n }

// opCase is one call of an operation against a prepared keyspace.
type opCase struct {
	name  string
	setup func(ctx context.Context, rdb redis.Cmdable)
	call  func(ctx context.Context, c *Client) (Result, error)
	want  Result
	// unchanged lists keys the call must leave exactly as they were.
	unchanged []string
	// check runs after the call for further assertions on the keyspace.
	check func(t *testing.T, rdb *redis.Client)
}

func runOpCases(t *testing.T, c *Client, cases []opCase) {
	t.Helper()
	rdb := c.Redis().(*redis.Client)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if err := rdb.FlushDB(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(ctx, rdb)
			}
			// A refusal (unchanged keys listed) must write nothing anywhere.
			state := func() map[string]keyDump { return keyState(t, rdb, tc.unchanged...) }
			if len(tc.unchanged) > 0 {
				state = func() map[string]keyDump { return dbState(t, rdb, tc.unchanged...) }
			}
			before := state()
			got, err := tc.call(ctx, c)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %s\nwant %s", fmtResult(got), fmtResult(tc.want))
			}
			if d := diffState(before, state()); d != "" {
				t.Errorf("a refusal wrote:\n%s", d)
			}
			if tc.check != nil {
				tc.check(t, rdb)
			}
		})
	}
}

func fmtResult(r Result) string {
	s := "ok=" + strconv.FormatBool(r.OK) + " status=" + r.Status + " key=" + r.Key
	for _, f := range []struct {
		n string
		v *int64
	}{{"remaining", r.Remaining}, {"quantity", r.Quantity}, {"stock", r.Stock}, {"position", r.Position}, {"length", r.Length}} {
		if f.v != nil {
			s += " " + f.n + "=" + strconv.FormatInt(*f.v, 10)
		}
	}
	if r.Users != nil {
		s += " users=" + strconv.Quote(strconvJoin(r.Users))
	}
	return s
}

func strconvJoin(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out + "]"
}

func set(k, v string) func(context.Context, redis.Cmdable) {
	return func(ctx context.Context, rdb redis.Cmdable) { rdb.Set(ctx, k, v, 0) }
}

func seq(fns ...func(context.Context, redis.Cmdable)) func(context.Context, redis.Cmdable) {
	return func(ctx context.Context, rdb redis.Cmdable) {
		for _, f := range fns {
			f(ctx, rdb)
		}
	}
}

// backendHashHold writes a hold the way the backend's Lua path does.
func backendHashHold(k string, qty int64, user string) func(context.Context, redis.Cmdable) {
	return func(ctx context.Context, rdb redis.Cmdable) {
		rdb.HSet(ctx, k, "quantity", qty, "reserved_at", time.Now().Unix(), "user_id", user)
		rdb.Expire(ctx, k, 300*time.Second)
	}
}

// backendJSONHold writes a hold the way the backend's order path does (SETEX 300).
func backendJSONHold(k, sale, user, qty string) func(context.Context, redis.Cmdable) {
	return func(ctx context.Context, rdb redis.Cmdable) {
		v := `{"saleId":"` + sale + `","userId":"` + user + `","quantity":` + qty + `,"expiresAt":"2030-01-01T00:00:00.000Z"}`
		rdb.SetEx(ctx, k, v, 300*time.Second)
	}
}

func expectString(t *testing.T, rdb *redis.Client, k, want string) {
	t.Helper()
	got, err := rdb.Get(context.Background(), k).Result()
	if err != nil || got != want {
		t.Errorf("GET %s = %q, %v; want %q", k, got, err, want)
	}
}

func expectNoKey(t *testing.T, rdb *redis.Client, k string) {
	t.Helper()
	if n := rdb.Exists(context.Background(), k).Val(); n != 0 {
		t.Errorf("%s exists; want it gone", k)
	}
}

func TestReserveReplies(t *testing.T) {
	redistest.EachKind(t, testReserveReplies)
}

func testReserveReplies(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	const stock, hold = "inventory:s1", "reservation:u1:s1"
	reserve := func(qty int64) func(context.Context, *Client) (Result, error) {
		return func(ctx context.Context, c *Client) (Result, error) {
			return c.Reserve(ctx, "s1", "u1", qty, 300*time.Second)
		}
	}
	runOpCases(t, c, []opCase{
		{name: "no_inventory", call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusNoInventory, Key: hold}},
		{name: "reserved", setup: set(stock, "10"), call: reserve(3),
			want:  Result{OK: true, Status: StatusReserved, Remaining: i64(7), Key: hold},
			check: checkFreshHold(hold, "3", "u1", 300*time.Second)},
		{name: "reserved the last units", setup: set(stock, "3"), call: reserve(3),
			want: Result{OK: true, Status: StatusReserved, Remaining: i64(0), Key: hold}},
		{name: "already_reserved hash hold", setup: seq(set(stock, "10"), backendHashHold(hold, 2, "u1")),
			call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusAlreadyReserved, Quantity: i64(2), Key: hold}},
		{name: "already_reserved JSON hold", setup: seq(set(stock, "10"), backendJSONHold(hold, "s1", "u1", "4")),
			call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusAlreadyReserved, Quantity: i64(4), Key: hold}},
		{name: "already_reserved JSON hold with a bad quantity", setup: seq(set(stock, "10"), backendJSONHold(hold, "s1", "u1", `"lots"`)),
			call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusAlreadyReserved, Quantity: i64(0), Key: hold}},
		{name: "already_reserved hash hold without quantity", setup: seq(set(stock, "10"), func(ctx context.Context, rdb redis.Cmdable) { rdb.HSet(ctx, hold, "user_id", "u1") }),
			call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusAlreadyReserved, Quantity: i64(0), Key: hold}},
		{name: "insufficient_stock", setup: set(stock, "2"), call: reserve(3), unchanged: []string{stock, hold},
			want: Result{Status: StatusInsufficientStock, Stock: i64(2), Key: hold}},
		{name: "insufficient_stock negative", setup: set(stock, "-4"), call: reserve(1), unchanged: []string{stock, hold},
			want: Result{Status: StatusInsufficientStock, Stock: i64(-4), Key: hold}},
	})
}

// checkFreshHold checks a hold written by reserve: the hash fields, a
// reserved_at from Redis's clock, and the TTL.
func checkFreshHold(hold, qty, user string, ttl time.Duration) func(*testing.T, *redis.Client) {
	return func(t *testing.T, rdb *redis.Client) {
		ctx := context.Background()
		h, err := rdb.HGetAll(ctx, hold).Result()
		if err != nil || len(h) != 3 || h["quantity"] != qty || h["user_id"] != user {
			t.Fatalf("hold %s = %v, %v; want quantity=%s user_id=%s reserved_at", hold, h, err, qty, user)
		}
		now, err := rdb.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		at, err := strconv.ParseInt(h["reserved_at"], 10, 64)
		if err != nil || at > now.Unix() || at < now.Unix()-60 {
			t.Errorf("reserved_at = %q; want Redis time in unix seconds (now %d)", h["reserved_at"], now.Unix())
		}
		if got := rdb.TTL(ctx, hold).Val(); got <= 0 || got > ttl {
			t.Errorf("TTL %s = %v; want within (0, %v]", hold, got, ttl)
		}
	}
}

func TestReleaseReplies(t *testing.T) {
	redistest.EachKind(t, testReleaseReplies)
}

func testReleaseReplies(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	const stock, hold = "inventory:s1", "reservation:u1:s1"
	release := func(limit *int64) func(context.Context, *Client) (Result, error) {
		return func(ctx context.Context, c *Client) (Result, error) { return c.Release(ctx, "s1", "u1", limit) }
	}
	runOpCases(t, c, []opCase{
		{name: "not_found", setup: set(stock, "5"), call: release(nil), unchanged: []string{stock, hold},
			want: Result{Status: StatusNotFound, Key: hold}},
		{name: "not_found does not create stock", call: release(nil), unchanged: []string{stock, hold},
			want: Result{Status: StatusNotFound, Key: hold}},
		{name: "released hash hold", setup: seq(set(stock, "5"), backendHashHold(hold, 3, "u1")), call: release(nil),
			want:  Result{OK: true, Status: StatusReleased, Quantity: i64(3), Stock: i64(8), Key: hold},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "8"); expectNoKey(t, rdb, hold) }},
		{name: "released JSON hold creates stock", setup: backendJSONHold(hold, "s1", "u1", "4"), call: release(nil),
			want:  Result{OK: true, Status: StatusReleased, Quantity: i64(4), Stock: i64(4), Key: hold},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "4"); expectNoKey(t, rdb, hold) }},
		{name: "released JSON hold with a string quantity", setup: seq(set(stock, "1"), backendJSONHold(hold, "s1", "u1", `"2"`)), call: release(nil),
			want: Result{OK: true, Status: StatusReleased, Quantity: i64(2), Stock: i64(3), Key: hold}},
		{name: "released up to max", setup: seq(set(stock, "5"), backendHashHold(hold, 3, "u1")), call: release(i64(8)),
			want: Result{OK: true, Status: StatusReleased, Quantity: i64(3), Stock: i64(8), Key: hold}},
		{name: "max_exceeded", setup: seq(set(stock, "5"), backendHashHold(hold, 3, "u1")), call: release(i64(7)),
			unchanged: []string{stock, hold},
			want:      Result{Status: StatusMaxExceeded, Stock: i64(5), Key: hold}},
		{name: "max_exceeded without stock", setup: backendJSONHold(hold, "s1", "u1", "2"), call: release(i64(0)),
			unchanged: []string{stock, hold},
			want:      Result{Status: StatusMaxExceeded, Stock: i64(0), Key: hold}},
	})
}

func TestStockReplies(t *testing.T) {
	redistest.EachKind(t, testStockReplies)
}

func testStockReplies(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	const stock = "inventory:s1"
	call := func(f func(context.Context, *Client) (Result, error)) func(context.Context, *Client) (Result, error) {
		return f
	}
	runOpCases(t, c, []opCase{
		{name: "set absent", call: call(func(ctx context.Context, c *Client) (Result, error) { return c.SetStock(ctx, "s1", 40) }),
			want:  Result{OK: true, Status: StatusSet, Stock: i64(40), Key: stock},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "40") }},
		{name: "set over a non-integer string", setup: set(stock, "junk"),
			call:  call(func(ctx context.Context, c *Client) (Result, error) { return c.SetStock(ctx, "s1", 0) }),
			want:  Result{OK: true, Status: StatusSet, Stock: i64(0), Key: stock},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "0") }},
		{name: "restocked absent", call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Restock(ctx, "s1", 5, nil) }),
			want:  Result{OK: true, Status: StatusRestocked, Stock: i64(5), Key: stock},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "5") }},
		{name: "restocked up to max", setup: set(stock, "5"),
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Restock(ctx, "s1", 5, i64(10)) }),
			want: Result{OK: true, Status: StatusRestocked, Stock: i64(10), Key: stock}},
		{name: "restock max_exceeded", setup: set(stock, "5"), unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Restock(ctx, "s1", 6, i64(10)) }),
			want: Result{Status: StatusMaxExceeded, Stock: i64(5), Key: stock}},
		{name: "restock max_exceeded absent", unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Restock(ctx, "s1", 1, i64(0)) }),
			want: Result{Status: StatusMaxExceeded, Stock: i64(0), Key: stock}},
		{name: "taken", setup: set(stock, "5"),
			call:  call(func(ctx context.Context, c *Client) (Result, error) { return c.Take(ctx, "s1", 5) }),
			want:  Result{OK: true, Status: StatusTaken, Stock: i64(0), Key: stock},
			check: func(t *testing.T, rdb *redis.Client) { expectString(t, rdb, stock, "0") }},
		{name: "take insufficient_stock", setup: set(stock, "5"), unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Take(ctx, "s1", 6) }),
			want: Result{Status: StatusInsufficientStock, Stock: i64(5), Key: stock}},
		{name: "take no_inventory", unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.Take(ctx, "s1", 1) }),
			want: Result{Status: StatusNoInventory, Key: stock}},
		{name: "get stock", setup: set(stock, "-3"), unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.GetStock(ctx, "s1") }),
			want: Result{OK: true, Status: StatusStock, Stock: i64(-3), Key: stock}},
		{name: "get no_inventory", unchanged: []string{stock},
			call: call(func(ctx context.Context, c *Client) (Result, error) { return c.GetStock(ctx, "s1") }),
			want: Result{Status: StatusNoInventory, Key: stock}},
	})
}

func zadd(k string, members ...string) func(context.Context, redis.Cmdable) {
	return func(ctx context.Context, rdb redis.Cmdable) {
		for i, m := range members {
			rdb.ZAdd(ctx, k, redis.Z{Score: float64(1_700_000_000_000 + i), Member: m})
		}
	}
}

func expectQueue(k string, want ...string) func(*testing.T, *redis.Client) {
	return func(t *testing.T, rdb *redis.Client) {
		t.Helper()
		got := rdb.ZRange(context.Background(), k, 0, -1).Val()
		if len(want) == 0 && len(got) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("queue %s = %v; want %v", k, got, want)
		}
	}
}

func TestQueueReplies(t *testing.T) {
	redistest.EachKind(t, testQueueReplies)
}

func testQueueReplies(t *testing.T, k redistest.Kind) {
	_, c := newTestServerClient(t, k, Options{MaxQueue: 3})
	const q = "queue:s1"
	join := func(u string) func(context.Context, *Client) (Result, error) {
		return func(ctx context.Context, c *Client) (Result, error) { return c.Join(ctx, "s1", u) }
	}
	runOpCases(t, c, []opCase{
		{name: "joined empty", call: join("u1"),
			want: Result{OK: true, Status: StatusJoined, Position: i64(1), Key: q}, check: checkJoinScore(q, "u1")},
		{name: "joined behind", setup: zadd(q, "a", "b"), call: join("u1"),
			want: Result{OK: true, Status: StatusJoined, Position: i64(3), Key: q}, check: expectQueue(q, "a", "b", "u1")},
		{name: "already_queued", setup: zadd(q, "a", "u1", "b"), call: join("u1"), unchanged: []string{q},
			want: Result{Status: StatusAlreadyQueued, Position: i64(2), Key: q}},
		{name: "already_queued in a full queue", setup: zadd(q, "a", "b", "u1"), call: join("u1"), unchanged: []string{q},
			want: Result{Status: StatusAlreadyQueued, Position: i64(3), Key: q}},
		{name: "queue_full", setup: zadd(q, "a", "b", "c"), call: join("u1"), unchanged: []string{q},
			want: Result{Status: StatusQueueFull, Length: i64(3), Key: q}},
		{name: "left", setup: zadd(q, "a", "u1"), call: func(ctx context.Context, c *Client) (Result, error) { return c.Leave(ctx, "s1", "u1") },
			want: Result{OK: true, Status: StatusLeft, Key: q}, check: expectQueue(q, "a")},
		{name: "not_queued", setup: zadd(q, "a"), call: func(ctx context.Context, c *Client) (Result, error) { return c.Leave(ctx, "s1", "u1") },
			unchanged: []string{q}, want: Result{Status: StatusNotQueued, Key: q}},
		{name: "admitted in queue order", setup: zadd(q, "c", "a", "b"),
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Admit(ctx, "s1", 2) },
			want: Result{OK: true, Status: StatusAdmitted, Users: []string{"c", "a"}, Key: q}, check: expectQueue(q, "b")},
		{name: "admitted more than queued", setup: zadd(q, "a"),
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Admit(ctx, "s1", 10) },
			want: Result{OK: true, Status: StatusAdmitted, Users: []string{"a"}, Key: q}, check: expectNoKeyCheck(q)},
		{name: "admitted from an empty queue", unchanged: []string{q},
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Admit(ctx, "s1", 1) },
			want: Result{OK: true, Status: StatusAdmitted, Users: []string{}, Key: q}},
		{name: "position", setup: zadd(q, "a", "u1"), unchanged: []string{q},
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Position(ctx, "s1", "u1") },
			want: Result{OK: true, Status: StatusQueued, Position: i64(2), Key: q}},
		{name: "position not_queued", setup: zadd(q, "a"), unchanged: []string{q},
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Position(ctx, "s1", "u1") },
			want: Result{Status: StatusNotQueued, Key: q}},
		{name: "length", setup: zadd(q, "a", "b"), unchanged: []string{q},
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Length(ctx, "s1") },
			want: Result{OK: true, Status: StatusLength, Length: i64(2), Key: q}},
		{name: "length of no queue", unchanged: []string{q},
			call: func(ctx context.Context, c *Client) (Result, error) { return c.Length(ctx, "s1") },
			want: Result{OK: true, Status: StatusLength, Length: i64(0), Key: q}},
	})
}

func expectNoKeyCheck(k string) func(*testing.T, *redis.Client) {
	return func(t *testing.T, rdb *redis.Client) { t.Helper(); expectNoKey(t, rdb, k) }
}

// checkJoinScore checks that join scored the member with Redis's clock in ms.
func checkJoinScore(q, user string) func(*testing.T, *redis.Client) {
	return func(t *testing.T, rdb *redis.Client) {
		ctx := context.Background()
		score, err := rdb.ZScore(ctx, q, user).Result()
		if err != nil {
			t.Fatal(err)
		}
		now := rdb.Time(ctx).Val().UnixMilli()
		if int64(score) > now || int64(score) < now-60_000 || score != float64(int64(score)) {
			t.Errorf("score %v; want Redis time in whole ms (now %d)", score, now)
		}
	}
}

// TestMalformedRepliesAreServerErrors runs scripts whose replies break the
// contract through the same path as the operations: each is an ErrServer.
func TestMalformedRepliesAreServerErrors(t *testing.T) {
	redistest.EachKind(t, testMalformedRepliesAreServerErrors)
}

func testMalformedRepliesAreServerErrors(t *testing.T, k redistest.Kind) {
	c := newTestClient(t, k)
	shapes := []replyShape{
		{status: StatusReserved, fields: []replyField{fieldRemaining}},
		{status: StatusAdmitted, users: true},
	}
	for _, body := range []string{
		"return 1", "return {}", "return {1, 2}", "return {'surprise', 1}", "return {'reserved'}",
		"return {'reserved', 'x'}", "return {'reserved', 1, 2}", "return {'admitted', 'a', 7}",
	} {
		r, err := c.runScript(context.Background(), redis.NewScript(body), "k", "", []string{"k"}, nil, shapes...)
		if !errors.Is(err, ErrServer) {
			t.Errorf("%s: result %s, err %v; want ErrServer", body, fmtResult(r), err)
		}
	}
}
