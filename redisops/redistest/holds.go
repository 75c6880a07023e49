package redistest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// WriteHold writes a hold the way the backend's Lua path does (a hash:
// quantity, reserved_at now, user_id; a TTL of ttl) on reservation:<user>:<sale>,
// taking qty from inventory:<sale> first when takeStock, in one MULTI, and
// returns the hold's deadline as the server has it (PEXPIRETIME).
func WriteHold(tb testing.TB, rdb *redis.Client, sale, user string, qty int64, ttl time.Duration, takeStock bool) time.Time {
	tb.Helper()
	ctx := context.Background()
	key := "reservation:" + user + ":" + sale
	pipe := rdb.TxPipeline()
	if takeStock {
		pipe.DecrBy(ctx, "inventory:"+sale, qty)
	}
	pipe.HSet(ctx, key, "quantity", qty, "reserved_at", time.Now().Unix(), "user_id", user)
	pipe.PExpire(ctx, key, ttl)
	exp := pipe.PExpireTime(ctx, key)
	if _, err := pipe.Exec(ctx); err != nil {
		tb.Fatal(err)
	}
	return time.UnixMilli(exp.Val().Milliseconds())
}

// WriteHolds writes n holds of qty units on sale, users <prefix>0…, TTL 300 s,
// in one pipeline (another client's burst of reserves).
func WriteHolds(tb testing.TB, rdb *redis.Client, sale, prefix string, n int, qty int64) {
	tb.Helper()
	ctx := context.Background()
	pipe := rdb.Pipeline()
	for i := range n {
		user := fmt.Sprint(prefix, i)
		key := "reservation:" + user + ":" + sale
		pipe.HSet(ctx, key, "quantity", qty, "reserved_at", 1_770_000_000, "user_id", user)
		pipe.Expire(ctx, key, 300*time.Second)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		tb.Fatal(err)
	}
}

// StartLazyExpiry starts a redis-server whose expiries happen only when a
// key is touched (DEBUG SET-ACTIVE-EXPIRE 0; the debug command enabled for
// this server only), so that a test decides when a hold expires: Redis's
// active expiry would otherwise remove it at a random moment in the 100 ms
// after its deadline.
func StartLazyExpiry(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	return Redis.StartLazyExpiry(tb, extraArgs...)
}

// StartLazyExpiry is the package's StartLazyExpiry with a server of kind k.
func (k Kind) StartLazyExpiry(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	s := k.Start(tb, append([]string{"--enable-debug-command", "yes"}, extraArgs...)...)
	if err := s.Client(tb).Do(context.Background(), "DEBUG", "SET-ACTIVE-EXPIRE", "0").Err(); err != nil {
		tb.Fatalf("DEBUG SET-ACTIVE-EXPIRE 0: %v", err)
	}
	return s
}

// ExpireAt touches key at at (EXISTS), so that a server with lazy expiry
// (StartLazyExpiry) expires it then, if its deadline has passed.
func ExpireAt(rdb *redis.Client, key string, at time.Time) {
	time.Sleep(time.Until(at))
	rdb.Exists(context.Background(), key)
}

// EventsArgs are the server arguments that set notify-keyspace-events to
// flags ("" leaves the server's default: none).
func EventsArgs(flags string) []string {
	if flags == "" {
		return nil
	}
	return []string{"--notify-keyspace-events", flags}
}
