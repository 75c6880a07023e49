package redistest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SetUser creates (or updates) the ACL user name, as ACL SETUSER name on >pw
// followed by rules, and returns the URL that logs in as it.
func (s *Server) SetUser(tb testing.TB, name, pw string, rules ...string) string {
	tb.Helper()
	args := []any{"ACL", "SETUSER", name, "on", ">" + pw}
	for _, r := range rules {
		args = append(args, r)
	}
	if err := s.Client(tb).Do(context.Background(), args...).Err(); err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("redis://%s:%s@%s/0", name, pw, s.Addr())
}

// WriteSale writes a healthy sale the way the backend does: stock on
// inventory:<sale>, queued members q0… joined now on queue:<sale>, holds of
// one unit each (WriteHolds, users u0…), and the sale listed in
// flash_sales:active. Nothing in it is an anomaly.
func WriteSale(tb testing.TB, rdb *redis.Client, sale string, stock int64, queued, holds int) {
	tb.Helper()
	ctx := context.Background()
	pipe := rdb.Pipeline()
	pipe.Set(ctx, "inventory:"+sale, stock, 0)
	for i := range queued {
		pipe.ZAdd(ctx, "queue:"+sale, redis.Z{Score: float64(time.Now().UnixMilli()), Member: fmt.Sprint("q", i)})
	}
	pipe.SAdd(ctx, "flash_sales:active", sale)
	if _, err := pipe.Exec(ctx); err != nil {
		tb.Fatal(err)
	}
	WriteHolds(tb, rdb, sale, "u", holds, 1)
}
