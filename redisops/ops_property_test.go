package redisops

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"pgregory.net/rapid"

	"flashtop/redisops/redistest"
)

// propModel is what the keyspace of sale "p" should hold.
type propModel struct {
	stock     *int64           // nil: no stock key
	holds     map[string]int64 // user -> held units
	queue     map[string]bool
	initial   int64 // stock seeded at the start (0 when absent)
	restocked int64
	taken     int64
}

const propCap = 4

var propUsers = []string{"u0", "u1", "u2", "u3", "u4", "u5"}

// TestOperationsKeepTheirInvariants runs random sequences of reserve,
// release, restock, take, join, leave and admit against one server, Redis
// then Valkey (keys reset per run). Every reply must be the one a simple
// model predicts, and after every step: stock + held units = initial +
// restocked - taken, stock >= 0, the queue holds at most the cap and no user
// twice.
func TestOperationsKeepTheirInvariants(t *testing.T) {
	redistest.EachKind(t, testOperationsKeepTheirInvariants)
}

func testOperationsKeepTheirInvariants(t *testing.T, k redistest.Kind) {
	_, c := newTestServerClient(t, k, Options{MaxQueue: propCap})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		if err := rdb.FlushDB(ctx).Err(); err != nil {
			rt.Fatal(err)
		}
		m := &propModel{holds: map[string]int64{}, queue: map[string]bool{}}
		if rapid.Bool().Draw(rt, "seed stock") {
			m.initial = rapid.Int64Range(0, 20).Draw(rt, "initial")
			m.stock = &m.initial
			rdb.Set(ctx, "inventory:p", m.initial, 0)
		}
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			step(ctx, rt, c, rdb, m)
			checkInvariants(ctx, rt, rdb, m)
		}
	})
}

// step draws one operation, runs it and checks its reply against the model.
func step(ctx context.Context, rt *rapid.T, c *Client, rdb *redis.Client, m *propModel) {
	user := rapid.SampledFrom(propUsers).Draw(rt, "user")
	qty := rapid.Int64Range(1, 5).Draw(rt, "qty")
	var limit *int64
	if rapid.Bool().Draw(rt, "with max") {
		limit = i64(rapid.Int64Range(0, 30).Draw(rt, "max"))
	}
	op := rapid.SampledFrom([]string{"reserve", "release", "restock", "take", "join", "leave", "admit"}).Draw(rt, "op")
	var got Result
	var err error
	var want Result
	switch op {
	case "reserve":
		got, err = c.Reserve(ctx, "p", user, qty, 300*time.Second)
		want = m.reserve(user, qty)
	case "release":
		got, err = c.Release(ctx, "p", user, limit)
		want = m.release(user, limit)
	case "restock":
		got, err = c.Restock(ctx, "p", qty, limit)
		want = m.restock(qty, limit)
	case "take":
		got, err = c.Take(ctx, "p", qty)
		want = m.take(qty)
	case "join":
		got, err = c.Join(ctx, "p", user)
		want = m.join(user, got)
	case "leave":
		got, err = c.Leave(ctx, "p", user)
		want = m.leave(user)
	case "admit":
		n := rapid.Int64Range(1, 3).Draw(rt, "n")
		head := rdb.ZRange(ctx, "queue:p", 0, n-1).Val()
		got, err = c.Admit(ctx, "p", n)
		want = m.admit(head)
	}
	if err != nil {
		rt.Fatalf("%s: %v", op, err)
	}
	want.Key = got.Key
	if !reflect.DeepEqual(got, want) {
		rt.Fatalf("%s: got %s; want %s", op, fmtResult(got), fmtResult(want))
	}
}

func (m *propModel) cur() int64 {
	if m.stock == nil {
		return 0
	}
	return *m.stock
}

func (m *propModel) setStock(n int64) { m.stock = &n }

func (m *propModel) reserve(user string, qty int64) Result {
	switch held, ok := m.holds[user]; {
	case m.stock == nil:
		return Result{Status: StatusNoInventory}
	case ok:
		return Result{Status: StatusAlreadyReserved, Quantity: i64(held)}
	case *m.stock < qty:
		return Result{Status: StatusInsufficientStock, Stock: i64(*m.stock)}
	}
	m.setStock(*m.stock - qty)
	m.holds[user] = qty
	return Result{OK: true, Status: StatusReserved, Remaining: i64(*m.stock)}
}

func (m *propModel) release(user string, limit *int64) Result {
	held, ok := m.holds[user]
	switch {
	case !ok:
		return Result{Status: StatusNotFound}
	case limit != nil && m.cur()+held > *limit:
		return Result{Status: StatusMaxExceeded, Stock: i64(m.cur())}
	}
	m.setStock(m.cur() + held)
	delete(m.holds, user)
	return Result{OK: true, Status: StatusReleased, Quantity: i64(held), Stock: i64(*m.stock)}
}

func (m *propModel) restock(qty int64, limit *int64) Result {
	if limit != nil && m.cur()+qty > *limit {
		return Result{Status: StatusMaxExceeded, Stock: i64(m.cur())}
	}
	m.setStock(m.cur() + qty)
	m.restocked += qty
	return Result{OK: true, Status: StatusRestocked, Stock: i64(*m.stock)}
}

func (m *propModel) take(qty int64) Result {
	switch {
	case m.stock == nil:
		return Result{Status: StatusNoInventory}
	case *m.stock < qty:
		return Result{Status: StatusInsufficientStock, Stock: i64(*m.stock)}
	}
	m.setStock(*m.stock - qty)
	m.taken += qty
	return Result{OK: true, Status: StatusTaken, Stock: i64(*m.stock)}
}

// join predicts the status; positions depend on join-time ties, so the
// model accepts got's position when it lies in the possible range.
func (m *propModel) join(user string, got Result) Result {
	n := int64(len(m.queue))
	pos := func(hi int64) *int64 {
		if got.Position != nil && *got.Position >= 1 && *got.Position <= hi {
			return got.Position
		}
		return i64(-1) // no valid position: the comparison fails
	}
	switch {
	case m.queue[user]:
		return Result{Status: StatusAlreadyQueued, Position: pos(n)}
	case n >= propCap:
		return Result{Status: StatusQueueFull, Length: i64(n)}
	}
	m.queue[user] = true
	return Result{OK: true, Status: StatusJoined, Position: pos(n + 1)}
}

func (m *propModel) leave(user string) Result {
	if !m.queue[user] {
		return Result{Status: StatusNotQueued}
	}
	delete(m.queue, user)
	return Result{OK: true, Status: StatusLeft}
}

// admit expects the head the queue showed just before.
func (m *propModel) admit(head []string) Result {
	for _, u := range head {
		delete(m.queue, u)
	}
	return Result{OK: true, Status: StatusAdmitted, Users: append([]string{}, head...)}
}

// checkInvariants reads the keyspace back and checks it against the model.
func checkInvariants(ctx context.Context, rt *rapid.T, rdb *redis.Client, m *propModel) {
	var stock int64
	if v, err := rdb.Get(ctx, "inventory:p").Result(); err == nil {
		if stock, err = strconv.ParseInt(v, 10, 64); err != nil {
			rt.Fatalf("stock %q: %v", v, err)
		}
	} else if !errors.Is(err, redis.Nil) {
		rt.Fatal(err)
	}
	holds := map[string]int64{}
	var held int64
	for _, u := range propUsers {
		if q, err := rdb.HGet(ctx, "reservation:"+u+":p", "quantity").Int64(); err == nil {
			holds[u] = q
			held += q
		}
	}
	if stock < 0 {
		rt.Fatalf("stock %d < 0", stock)
	}
	if stock+held != m.initial+m.restocked-m.taken {
		rt.Fatalf("stock %d + held %d != initial %d + restocked %d - taken %d", stock, held, m.initial, m.restocked, m.taken)
	}
	if !reflect.DeepEqual(holds, m.holds) {
		rt.Fatalf("holds %v; model %v", holds, m.holds)
	}
	members := rdb.ZRange(ctx, "queue:p", 0, -1).Val()
	if len(members) > propCap {
		rt.Fatalf("queue of %d > cap %d", len(members), propCap)
	}
	seen := map[string]bool{}
	for _, u := range members {
		if seen[u] || !m.queue[u] {
			rt.Fatalf("queue %v: %s twice or not expected (model %v)", members, u, m.queue)
		}
		seen[u] = true
	}
	if len(seen) != len(m.queue) {
		want := make([]string, 0, len(m.queue))
		for u := range m.queue {
			want = append(want, u)
		}
		sort.Strings(want)
		rt.Fatalf("queue %v; model %v", members, fmt.Sprint(want))
	}
}
