package redisops

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"flashtop/scripts"
)

// Queue operations (DESIGN.md §4): join, leave and admit run scripts;
// position and length are plain reads.

// Join puts a user at the back of a sale's queue, capped at c.MaxQueue():
// joined + Position, already_queued + Position, or queue_full + Length.
func (c *Client) Join(ctx context.Context, sale, user string) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), ValidateID("--user", user)); err != nil {
		return Result{}, err
	}
	q := c.schema.QueueKey(sale)
	return c.runScript(ctx, scripts.Join, q, tellPosition(sale, user), []string{q}, []any{user, c.maxQueue},
		replyShape{status: StatusJoined, fields: []replyField{fieldPosition}},
		replyShape{status: StatusAlreadyQueued, fields: []replyField{fieldPosition}},
		replyShape{status: StatusQueueFull, fields: []replyField{fieldLength}})
}

// Leave takes a user out of a sale's queue: left or not_queued.
func (c *Client) Leave(ctx context.Context, sale, user string) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), ValidateID("--user", user)); err != nil {
		return Result{}, err
	}
	q := c.schema.QueueKey(sale)
	return c.runScript(ctx, scripts.Leave, q, tellPosition(sale, user), []string{q}, []any{user},
		replyShape{status: StatusLeft}, replyShape{status: StatusNotQueued})
}

// Admit removes the first n (1..MaxCount) users of a sale's queue: admitted +
// Users in queue order (non-nil, empty when the queue was empty).
func (c *Client) Admit(ctx context.Context, sale string, n int64) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), CheckIntIn("--count", n, 1, MaxCount)); err != nil {
		return Result{}, err
	}
	q := c.schema.QueueKey(sale)
	return c.runScript(ctx, scripts.Admit, q, tellLength(sale), []string{q}, []any{n},
		replyShape{status: StatusAdmitted, users: true})
}

// Position reads a user's place in a sale's queue: queued + Position
// (ZRANK + 1), or not_queued.
func (c *Client) Position(ctx context.Context, sale, user string) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), ValidateID("--user", user)); err != nil {
		return Result{}, err
	}
	q := c.schema.QueueKey(sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	rank, err := c.rdb.ZRank(ctx, q, user).Result()
	if errors.Is(err, redis.Nil) {
		return Result{Status: StatusNotQueued, Key: q}, nil
	}
	if err != nil {
		return Result{}, Classify(err)
	}
	pos := rank + 1
	return Result{OK: true, Status: StatusQueued, Position: &pos, Key: q}, nil
}

// Length reads the number of users in a sale's queue: length + Length.
func (c *Client) Length(ctx context.Context, sale string) (Result, error) {
	if err := ValidateID("--sale", sale); err != nil {
		return Result{}, err
	}
	q := c.schema.QueueKey(sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	n, err := c.rdb.ZCard(ctx, q).Result()
	if err != nil {
		return Result{}, Classify(err)
	}
	return Result{OK: true, Status: StatusLength, Length: &n, Key: q}, nil
}
