package redisops

import (
	"context"
	"fmt"
	"strconv"

	"flashtop/scripts"
	"flashtop/textsafe"

	"github.com/redis/go-redis/v9"
)

// The stock operations of the table (optable.go): get (a read), set,
// restock and take (scripts/set.lua, restock.lua, take.lua).

// Stock operations.
const (
	KindGetStock Kind = "get"
	KindSet      Kind = "set"
	KindRestock  Kind = "restock"
	KindTake     Kind = "take"
)

func stockSpecs() []Spec {
	return []Spec{
		{Kind: KindGetStock, Command: "inventory get", Title: "Stock", About: "print the stock of a sale",
			run: func(ctx context.Context, c *Client, r Request) (Result, error) { return c.getStock(ctx, r.Sale) }},
		{Kind: KindSet, Command: "inventory set", Title: "Set stock", Write: true,
			About:  "set the stock of a sale to N (0 or more)",
			Inputs: []Input{{Field: FieldQty, Label: "stock", Min: 0, Max: MaxStockSet}}, run: runSet, Confirm: setPrompt},
		{Kind: KindRestock, Command: "inventory restock", Title: "Restock", Write: true,
			About:  "add N units to the stock (refused past --max)",
			Inputs: []Input{quantityInput(""), maxInput("max")}, run: runRestock, Confirm: restockPrompt},
		{Kind: KindTake, Command: "inventory take", Title: "Take stock", Write: true,
			About:  "remove N units from the stock when it holds that many",
			Inputs: []Input{quantityInput("")}, run: runTake, Confirm: takePrompt},
	}
}

// SetStock sets a sale's stock to n (0..MaxStockSet): set + Stock. It is Do
// of a KindSet request.
func (c *Client) SetStock(ctx context.Context, sale string, n int64) (Result, error) {
	return c.Do(ctx, Request{Kind: KindSet, Sale: sale, N: n})
}

func runSet(ctx context.Context, c *Client, r Request) (Result, error) {
	stock := c.schema.StockKey(r.Sale)
	return c.runScript(ctx, scripts.Set, stock, tellStock(r.Sale), []string{stock}, []any{r.N},
		replyShape{status: StatusSet, fields: []replyField{fieldStock}})
}

// Restock adds qty units to a sale's stock unless that passes limit (nil: no
// limit): restocked + Stock or max_exceeded + Stock. A missing stock key
// counts as 0 and is created. It is Do of a KindRestock request.
func (c *Client) Restock(ctx context.Context, sale string, qty int64, limit *int64) (Result, error) {
	return c.Do(ctx, Request{Kind: KindRestock, Sale: sale, N: qty, Max: limit})
}

func runRestock(ctx context.Context, c *Client, r Request) (Result, error) {
	stock := c.schema.StockKey(r.Sale)
	return c.runScript(ctx, scripts.Restock, stock, tellStock(r.Sale), []string{stock}, []any{r.N, maxArg(r.Max)},
		replyShape{status: StatusRestocked, fields: []replyField{fieldStock}},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
}

// Take removes qty units from a sale's stock when it has them: taken +
// Stock, insufficient_stock + Stock, or no_inventory. It is Do of a
// KindTake request.
func (c *Client) Take(ctx context.Context, sale string, qty int64) (Result, error) {
	return c.Do(ctx, Request{Kind: KindTake, Sale: sale, N: qty})
}

func runTake(ctx context.Context, c *Client, r Request) (Result, error) {
	stock := c.schema.StockKey(r.Sale)
	return c.runScript(ctx, scripts.Take, stock, tellStock(r.Sale), []string{stock}, []any{r.N},
		replyShape{status: StatusTaken, fields: []replyField{fieldStock}},
		replyShape{status: StatusInsufficientStock, fields: []replyField{fieldStock}},
		replyShape{status: StatusNoInventory})
}

// GetStock reads a sale's stock: stock + Stock, or no_inventory when the key
// is missing. A value that is not an integer is an ErrServer error. It is Do
// of a KindGetStock request.
func (c *Client) GetStock(ctx context.Context, sale string) (Result, error) {
	return c.Do(ctx, Request{Kind: KindGetStock, Sale: sale})
}

func (c *Client) getStock(ctx context.Context, sale string) (Result, error) {
	key := c.schema.StockKey(sale)
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	pipe := c.rdb.Pipeline()
	r := QueueStockRead(ctx, pipe, key) // the first bytes only: a huge value is never fetched whole
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
	v, _ := r.Value()
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v { // Redis's own integer form only
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return Result{}, fmt.Errorf("%w: stock key %s holds %q, not an integer", ErrServer, key, v)
	}
	return Result{OK: true, Status: StatusStock, Stock: &n, Key: key}, nil
}

// stockReadBytes caps what is read of a stock value. An integer Redis
// accepts has at most 20 characters, so a longer value is no stock anyway:
// its first bytes are enough to report it, and a stock key holding a huge
// string is never fetched whole.
const stockReadBytes = 32

// StockRead is the pipelined read of one stock key: its TYPE and the first
// 32 bytes of its value (GetStock, and every read of a Snapshot).
type StockRead struct {
	typ  *redis.StatusCmd
	head *redis.StringCmd
}

// QueueStockRead queues the read of a stock key on p (two commands).
func QueueStockRead(ctx context.Context, p redis.Pipeliner, key string) StockRead {
	return StockRead{typ: p.Type(ctx, key), head: p.GetRange(ctx, key, 0, stockReadBytes-1)}
}

// Value returns the stock text, and false when the key is absent or not a
// string (a wrong type is reported by discovery as wrong_type).
func (r StockRead) Value() (string, bool) {
	if r.typ == nil || r.typ.Val() != "string" {
		return "", false
	}
	v, err := r.head.Result()
	return v, err == nil
}

// Type is the key's TYPE as read ("" when nothing was queued).
func (r StockRead) Type() string {
	if r.typ == nil {
		return ""
	}
	return r.typ.Val()
}

// Cmds are the read's commands (none when nothing was queued).
func (r StockRead) Cmds() []redis.Cmder {
	if r.typ == nil {
		return nil
	}
	return []redis.Cmder{r.typ, r.head}
}

// setPrompt: the stock key, the new stock and the one it overwrites.
func setPrompt(sch Schema, r Request, s Seen) string {
	before := "unknown"
	if s.Stock != nil {
		before = strconv.FormatInt(*s.Stock, 10)
	}
	return fmt.Sprintf("Set %s to %d (overwrites the current stock): %s → %d%s?", textsafe.String(r.Key(sch)), r.N,
		before, r.N, s.AsOf)
}

// restockPrompt: the stock key, the units and before → after, and when
// max is given, whether Redis will refuse past it.
func restockPrompt(sch Schema, r Request, s Seen) string {
	k := textsafe.String(r.Key(sch))
	if r.Max == nil {
		return fmt.Sprintf("Restock %s by %d: %s?", k, r.N, s.valueChange(r.N))
	}
	p := fmt.Sprintf("Restock %s by %d (refused past max %d): %s", k, r.N, *r.Max, s.valueChange(r.N))
	if s.Stock != nil && *s.Stock+r.N > *r.Max {
		p += fmt.Sprintf(", past max %d: Redis will answer %s", *r.Max, StatusMaxExceeded)
	}
	return p + "?"
}

// takePrompt: the stock key, the units and before → after, or why Redis
// will refuse.
func takePrompt(sch Schema, r Request, s Seen) string {
	return fmt.Sprintf("Take %d from %s: %s?", r.N, textsafe.String(r.Key(sch)),
		s.change(s.Stock, -r.N, StatusInsufficientStock, ""))
}
