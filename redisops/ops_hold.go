package redisops

import (
	"context"
	"fmt"
	"time"

	"flashtop/scripts"
	"flashtop/textsafe"
)

// The hold operations of the table (optable.go): reserve and release
// (scripts/reserve.lua, scripts/release.lua).

// Hold operations.
const (
	KindReserve Kind = "reserve"
	KindRelease Kind = "release"
)

func userInput() Input { return Input{Field: FieldUser, Label: "user", Hint: "user id"} }

func quantityInput(def string) Input {
	return Input{Field: FieldQty, Label: "quantity", Default: def, Min: 1, Max: MaxQuantity}
}

// maxInput is an optional --max; label "" keeps it out of the dashboard's form.
func maxInput(label string) Input {
	return Input{Field: FieldMax, Label: label, Hint: "no maximum", Optional: true, Min: 0, Max: MaxMax}
}

func holdSpecs() []Spec {
	return []Spec{
		{Kind: KindReserve, Command: "reserve", Title: "Reserve", Write: true, Family: FamilyHold,
			About:  "hold N units (default 1) of a sale for a user for --ttl (default 300s)",
			Inputs: []Input{userInput(), quantityInput("1"), {Field: FieldTTL, Label: "ttl", Default: "300s"}},
			run: func(ctx context.Context, c *Client, r Request) (Result, error) {
				ctx, cancel := c.withTimeout(ctx)
				defer cancel()
				return c.reserveOn(ctx, c.rdb, r.Sale, r.User, r.N, r.TTL)
			},
			Confirm: reservePrompt},
		{Kind: KindRelease, Command: "release", Title: "Release", Write: true, Family: FamilyHold, Subject: SubjectHold,
			About:  "return a user's held units to stock (refused past --max) and delete the hold",
			Inputs: []Input{userInput(), maxInput("")}, run: runRelease, Confirm: releasePrompt},
	}
}

// Reserve holds qty units of a sale's stock for a user for ttl: reserved +
// Remaining, already_reserved + Quantity, insufficient_stock + Stock, or
// no_inventory. Result.Key is the hold key. It is Do of a KindReserve request.
func (c *Client) Reserve(ctx context.Context, sale, user string, qty int64, ttl time.Duration) (Result, error) {
	return c.Do(ctx, Request{Kind: KindReserve, Sale: sale, User: user, N: qty, TTL: ttl})
}

// reserveOn is the reserve over sc (the client, or one connection of its
// pool) under ctx as given: the caller bounds the call (Do with the client's
// timeout, bench with the connection's socket timeouts).
func (c *Client) reserveOn(ctx context.Context, sc scriptRunner, sale, user string, qty int64, ttl time.Duration) (Result, error) {
	if err := firstErr(ValidateID(string(FieldSale), sale), ValidateID(string(FieldUser), user),
		CheckIntIn(string(FieldQty), qty, 1, MaxQuantity), CheckTTL(string(FieldTTL), ttl)); err != nil {
		return Result{}, err
	}
	stock, hold := c.schema.StockKey(sale), c.schema.HoldKey(user, sale)
	c.loadScript(ctx, scripts.Reserve)
	return runScriptOn(ctx, sc, scripts.Reserve, hold, tellSnapshot(sale), []string{stock, hold},
		[]any{qty, int64(ttl / time.Second), user}, []replyShape{
			{status: StatusReserved, fields: []replyField{fieldRemaining}},
			{status: StatusAlreadyReserved, fields: []replyField{fieldQuantity}},
			{status: StatusInsufficientStock, fields: []replyField{fieldStock}},
			{status: StatusNoInventory}})
}

// Release gives a user's hold back to the sale's stock and deletes it,
// refusing when the stock would pass limit (nil: none): released +
// Quantity + Stock, not_found, or max_exceeded + Stock. Holds of both
// backend shapes (hash, JSON string) are released; Result.Key is the hold
// key. It is Do of a KindRelease request.
func (c *Client) Release(ctx context.Context, sale, user string, limit *int64) (Result, error) {
	return c.Do(ctx, Request{Kind: KindRelease, Sale: sale, User: user, Max: limit})
}

func runRelease(ctx context.Context, c *Client, r Request) (Result, error) {
	stock, hold := c.schema.StockKey(r.Sale), c.schema.HoldKey(r.User, r.Sale)
	return c.runScript(ctx, scripts.Release, hold, tellSnapshot(r.Sale), []string{hold, stock}, []any{maxArg(r.Max)},
		replyShape{status: StatusReleased, fields: []replyField{fieldQuantity, fieldStock}},
		replyShape{status: StatusNotFound},
		replyShape{status: StatusMaxExceeded, fields: []replyField{fieldStock}})
}

// reservePrompt: the stock key and the hold key, the quantity and the ttl;
// the stock before → after, or why Redis will refuse.
func reservePrompt(sch Schema, r Request, s Seen) string {
	u := textsafe.String(r.User)
	p := fmt.Sprintf("Reserve %d for user %s on %s (hold %s, ttl %s): ", r.N, u, textsafe.String(sch.StockKey(r.Sale)),
		textsafe.String(r.Key(sch)), ttlText(r.TTL))
	if s.Held != nil {
		return p + fmt.Sprintf("%s already holds %s, nothing changes (Redis will answer %s)?", u, units(*s.Held),
			StatusAlreadyReserved)
	}
	return p + s.stockChange(-r.N, StatusInsufficientStock) + "?"
}

// releasePrompt: the hold key, its units and the stock before → after.
func releasePrompt(sch Schema, r Request, s Seen) string {
	k, stockKey := textsafe.String(r.Key(sch)), textsafe.String(sch.StockKey(r.Sale))
	if s.Held == nil {
		return fmt.Sprintf("Release hold %s (units unknown%s) back to %s?", k, s.AsOf, stockKey)
	}
	return fmt.Sprintf("Release hold %s (%s) back to %s: %s?", k, units(*s.Held), stockKey, s.stockChange(*s.Held, ""))
}
