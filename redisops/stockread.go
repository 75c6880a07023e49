package redisops

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// stockReadBytes caps what is read of a stock value. An integer Redis
// accepts has at most 20 characters, so a longer value is no stock anyway:
// its first bytes are enough to report it, and a stock key holding a huge
// string is never fetched whole.
const stockReadBytes = 32

// stockRead is the pipelined read of one stock key: its TYPE and the first
// stockReadBytes of its value.
type stockRead struct {
	typ  *redis.StatusCmd
	head *redis.StringCmd
}

// queueStockRead queues the read of a stock key on p (two commands).
func queueStockRead(ctx context.Context, p redis.Pipeliner, key string) stockRead {
	return stockRead{typ: p.Type(ctx, key), head: p.GetRange(ctx, key, 0, stockReadBytes-1)}
}

// value returns the stock text, and false when the key is absent or not a
// string (a wrong type is reported by discovery as wrong_type).
func (r stockRead) value() (string, bool) {
	if r.typ == nil || r.typ.Val() != "string" {
		return "", false
	}
	v, err := r.head.Result()
	return v, err == nil
}
