package redisops

import (
	"fmt"
	"strconv"
)

// Every write the dashboard sends asks y/n first (DESIGN.md §6): the
// question (Spec.Confirm) names the exact key, the amount, and the value
// before → after where the write changes one. The before values are what
// the operator is looking at (Seen); a value not seen is "unknown".

// Seen is what the operator sees of the data an operation works on when its
// confirm opens: the "before" of before → after.
type Seen struct {
	Stock       *int64 // the sale's stock (nil: unknown)
	QueueLength *int64 // the sale's queue length (nil: unknown)
	Held        *int64 // the units of the user's hold on the sale (nil: no hold seen)
	Position    *int64 // the user's place in the sale's queue (nil: not seen queued)
	// LeakedUnits and LeakedUnverifiedUnits are the sale's leaked units not
	// reclaimed yet, and the part of them not seen to expire (reclaim).
	LeakedUnits, LeakedUnverifiedUnits int64
	// AsOf follows every before value: " (as of 15:04:05)" when the data is
	// stale (disconnected, paused), "" otherwise.
	AsOf string
}

// stockChange is "stock 12 → 10", "stock unknown", or, when the stock is
// too low for the change, why Redis will refuse it (refusal: the status
// word; "" when the change cannot be refused for it).
func (s Seen) stockChange(delta int64, refusal string) string {
	return s.change(s.Stock, delta, refusal, "stock ")
}

// valueChange is "500 → 505" or "stock unknown".
func (s Seen) valueChange(delta int64) string { return s.change(s.Stock, delta, "", "") }

// change writes before → after of a value changed by delta, prefixed by
// label; a negative after is refused by Redis with the refusal status word.
func (s Seen) change(v *int64, delta int64, refusal, label string) string {
	if v == nil {
		return "stock unknown" + s.AsOf
	}
	if after := *v + delta; after < 0 && refusal != "" {
		return fmt.Sprintf("%s%d, less than %d: Redis will answer %s%s", label, *v, -delta, refusal, s.AsOf)
	}
	return fmt.Sprintf("%s%d → %d%s", label, *v, *v+delta, s.AsOf)
}

// lengthChange is "length 2 → 3" (never below 0) or "length unknown".
func (s Seen) lengthChange(delta int64) string {
	if s.QueueLength == nil {
		return "length unknown" + s.AsOf
	}
	return fmt.Sprintf("length %d → %d%s", *s.QueueLength, max(*s.QueueLength+delta, 0), s.AsOf)
}

// units is "1 unit" or "n units".
func units(n int64) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.FormatInt(n, 10) + " units"
}
