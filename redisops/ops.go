package redisops

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/scripts"
)

// This file holds the typed operations over the stock and hold scripts
// (DESIGN.md §4); the queue operations are in ops_queue.go. Each one checks
// its arguments first and returns an ErrInput error without sending anything,
// then runs its script with Script.Run (EVALSHA, EVAL on NOSCRIPT) under the
// client's timeout. Redis errors come back through Classify.

// replyField says where a number of a script reply goes in a Result.
type replyField int

const (
	fieldRemaining replyField = iota
	fieldQuantity
	fieldStock
	fieldPosition
	fieldLength
	fieldUnverified // reclaim: Result.UnverifiedUnits
)

// replyShape is one reply a script may give: its status word, then either
// the numbers listed in fields or, when users is set, any number of user ids.
type replyShape struct {
	status string
	fields []replyField
	users  bool
}

// isOK reports whether a status word means the operation did what was asked.
func isOK(status string) bool {
	switch status {
	case StatusReserved, StatusReleased, StatusSet, StatusRestocked, StatusTaken,
		StatusJoined, StatusLeft, StatusAdmitted, StatusStock, StatusQueued, StatusLength:
		return true
	}
	return false
}

// runScript runs s and parses its reply against the shapes it may take.
// key is the main key touched, recorded in the Result; check is the command
// that tells whether the write was applied, named when its outcome is
// unknown (classifyWrite).
func (c *Client) runScript(ctx context.Context, s *redis.Script, key, check string, keys []string, args []any, shapes ...replyShape) (Result, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return runScriptOn(ctx, c.rdb, s, key, check, keys, args, shapes)
}

// scriptRunner is what runs scripts: the client, or one connection of its
// pool.
type scriptRunner interface {
	redis.Scripter
	Process(ctx context.Context, cmd redis.Cmder) error
}

// runScriptOn is runScript over sc under ctx as given: the caller bounds the
// call. The script's commands are never retried by go-redis (onceScripter).
func runScriptOn(ctx context.Context, sc scriptRunner, s *redis.Script, key, check string, keys []string, args []any, shapes []replyShape) (Result, error) {
	raw, err := s.Run(ctx, onceScripter{sc}, keys, args...).Result()
	if err != nil {
		return Result{}, classifyWrite(err, check)
	}
	r, err := parseReply(raw, shapes)
	if err != nil {
		return Result{}, err
	}
	r.Key = key
	return r, nil
}

// parseReply turns a script reply into a Result; a reply that matches none
// of the shapes is an ErrServer error.
func parseReply(raw any, shapes []replyShape) (Result, error) {
	arr, ok := raw.([]any)
	if !ok || len(arr) == 0 {
		return Result{}, fmt.Errorf("%w: unexpected script reply %#v", ErrServer, raw)
	}
	status, ok := arr[0].(string)
	if !ok {
		return Result{}, fmt.Errorf("%w: script reply starts with %#v, not a status word", ErrServer, arr[0])
	}
	rest := arr[1:]
	for _, sh := range shapes {
		if sh.status != status {
			continue
		}
		r := Result{OK: isOK(status), Status: status}
		if sh.users {
			r.Users = make([]string, 0, len(rest))
			for _, v := range rest {
				u, ok := v.(string)
				if !ok {
					return Result{}, fmt.Errorf("%w: %s reply holds %#v, not a user id", ErrServer, status, v)
				}
				r.Users = append(r.Users, u)
			}
			return r, nil
		}
		if len(rest) != len(sh.fields) {
			return Result{}, fmt.Errorf("%w: %s reply has %d numbers, want %d", ErrServer, status, len(rest), len(sh.fields))
		}
		for i, f := range sh.fields {
			n, ok := rest[i].(int64)
			if !ok {
				return Result{}, fmt.Errorf("%w: %s reply holds %#v, not an integer", ErrServer, status, rest[i])
			}
			r.setField(f, n)
		}
		return r, nil
	}
	return Result{}, fmt.Errorf("%w: unexpected status %q in script reply", ErrServer, status)
}

func (r *Result) setField(f replyField, n int64) {
	switch f {
	case fieldRemaining:
		r.Remaining = &n
	case fieldQuantity:
		r.Quantity = &n
	case fieldStock:
		r.Stock = &n
	case fieldPosition:
		r.Position = &n
	case fieldLength:
		r.Length = &n
	case fieldUnverified:
		r.UnverifiedUnits = &n
	}
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// maxArg checks an optional --max and renders it for a script ("" = none).
func maxArg(max *int64) (string, error) {
	if max == nil {
		return "", nil
	}
	if err := CheckIntIn("--max", *max, 0, MaxMax); err != nil {
		return "", err
	}
	return strconv.FormatInt(*max, 10), nil
}

// Reserve holds qty units of a sale's stock for a user for ttl: reserved +
// Remaining, already_reserved + Quantity, insufficient_stock + Stock, or
// no_inventory. Result.Key is the hold key.
func (c *Client) Reserve(ctx context.Context, sale, user string, qty int64, ttl time.Duration) (Result, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.reserveOn(ctx, c.rdb, sale, user, qty, ttl)
}

// reserveOn is Reserve over sc (the client, or one connection of its pool)
// under ctx as given: the caller bounds the call (Reserve with the client's
// timeout, bench with the connection's socket timeouts).
func (c *Client) reserveOn(ctx context.Context, sc scriptRunner, sale, user string, qty int64, ttl time.Duration) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), ValidateID("--user", user),
		CheckIntIn("--qty", qty, 1, MaxQuantity), CheckTTL("--ttl", ttl)); err != nil {
		return Result{}, err
	}
	stock, hold := c.schema.StockKey(sale), c.schema.HoldKey(user, sale)
	return runScriptOn(ctx, sc, scripts.Reserve, hold, tellSnapshot(sale), []string{stock, hold},
		[]any{qty, int64(ttl / time.Second), user}, []replyShape{
			{status: StatusReserved, fields: []replyField{fieldRemaining}},
			{status: StatusAlreadyReserved, fields: []replyField{fieldQuantity}},
			{status: StatusInsufficientStock, fields: []replyField{fieldStock}},
			{status: StatusNoInventory}})
}

// Release gives a user's hold back to the sale's stock and deletes it,
// refusing when the stock would pass max (nil: no limit): released +
// Quantity + Stock, not_found, or max_exceeded + Stock. Holds of both
// backend shapes (hash, JSON string) are released; Result.Key is the hold key.
func (c *Client) Release(ctx context.Context, sale, user string, max *int64) (Result, error) {
	m, err := maxArg(max)
	if err = firstErr(ValidateID("--sale", sale), ValidateID("--user", user), err); err != nil {
		return Result{}, err
	}
	stock, hold := c.schema.StockKey(sale), c.schema.HoldKey(user, sale)
	return c.runScript(ctx, scripts.Release, hold, tellSnapshot(sale), []string{hold, stock}, []any{m},
		replyShape{status: StatusReleased, fields: []replyField{fieldQuantity, fieldStock}},
		replyShape{status: StatusNotFound},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
}

// SetStock sets a sale's stock to n (0..MaxStockSet): set + Stock.
func (c *Client) SetStock(ctx context.Context, sale string, n int64) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), CheckIntIn("--qty", n, 0, MaxStockSet)); err != nil {
		return Result{}, err
	}
	stock := c.schema.StockKey(sale)
	return c.runScript(ctx, scripts.Set, stock, tellStock(sale), []string{stock}, []any{n},
		replyShape{status: StatusSet, fields: []replyField{fieldStock}})
}

// Restock adds qty units to a sale's stock unless that passes max (nil: no
// limit): restocked + Stock or max_exceeded + Stock. A missing stock key
// counts as 0 and is created.
func (c *Client) Restock(ctx context.Context, sale string, qty int64, max *int64) (Result, error) {
	m, err := maxArg(max)
	if err = firstErr(ValidateID("--sale", sale), CheckIntIn("--qty", qty, 1, MaxQuantity), err); err != nil {
		return Result{}, err
	}
	stock := c.schema.StockKey(sale)
	return c.runScript(ctx, scripts.Restock, stock, tellStock(sale), []string{stock}, []any{qty, m},
		replyShape{status: StatusRestocked, fields: []replyField{fieldStock}},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
}

// Take removes qty units from a sale's stock when it has them: taken +
// Stock, insufficient_stock + Stock, or no_inventory.
func (c *Client) Take(ctx context.Context, sale string, qty int64) (Result, error) {
	if err := firstErr(ValidateID("--sale", sale), CheckIntIn("--qty", qty, 1, MaxQuantity)); err != nil {
		return Result{}, err
	}
	stock := c.schema.StockKey(sale)
	return c.runScript(ctx, scripts.Take, stock, tellStock(sale), []string{stock}, []any{qty},
		replyShape{status: StatusTaken, fields: []replyField{fieldStock}},
		replyShape{status: StatusInsufficientStock, fields: []replyField{fieldStock}},
		replyShape{status: StatusNoInventory})
}

// GetStock reads a sale's stock: stock + Stock, or no_inventory when the key
// is missing. A value that is not an integer is an ErrServer error.
func (c *Client) GetStock(ctx context.Context, sale string) (Result, error) {
	if err := ValidateID("--sale", sale); err != nil {
		return Result{}, err
	}
	key := c.schema.StockKey(sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	pipe := c.rdb.Pipeline()
	r := queueStockRead(ctx, pipe, key) // the first bytes only: a huge value is never fetched whole
	_, execErr := pipe.Exec(ctx)
	if err := r.typ.Err(); err != nil {
		return Result{}, Classify(err)
	}
	if execErr != nil && r.typ.Val() == "" { // no reply at all (connection, authentication)
		return Result{}, Classify(execErr)
	}
	if t := r.typ.Val(); t == "none" {
		return Result{Status: StatusNoInventory, Key: key}, nil
	} else if t != "string" {
		return Result{}, fmt.Errorf("%w: stock key %s holds a %s, not an integer string", ErrServer, key, t)
	}
	v, _ := r.value()
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v { // Redis's own integer form only
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return Result{}, fmt.Errorf("%w: stock key %s holds %q, not an integer", ErrServer, key, v)
	}
	return Result{OK: true, Status: StatusStock, Stock: &n, Key: key}, nil
}
