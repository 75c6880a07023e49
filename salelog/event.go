// Events: their kinds, what each carries, and how each reads in the feed.

package salelog

import (
	"fmt"
	"time"

	"flashtop/numfmt"
)

// Event kinds.
const (
	Opened       = "opened"
	QueueFormed  = "queue formed"
	QueueDrained = "queue drained"
	Admitted     = "admitted"
	SoldOut      = "sold out"
	Oversold     = "oversold"
	Restocked    = "restocked"
	BackInStock  = "back in stock" // from 0, where a restock cannot be told from units given back
	Expired      = "expired"
	Reclaimed    = "reclaimed"
	Alert        = "alert" // an alert was raised (written by the caller: AddAlert)
)

// Event is one thing that happened to a sale.
type Event struct {
	Kind  string
	Sale  string    // the sale id, raw bytes from Redis: sanitize before display
	First time.Time // when it was first seen (a growing line: its first tick)
	At    time.Time // when it was last seen
	// N counts: waiters admitted, holds expired, units reclaimed; AtLeast
	// says N is a lower bound.
	N       int64
	AtLeast bool
	Units   int64 // expired: the units those holds held
	// Unverified is, of Units, those whose hold was not seen to expire as
	// it happened (it may have been released: redisops.LeakUnverified).
	Unverified int64
	Pops       int // admitted, expired: the ticks that brought them
	// From and To are the stock before and after (sold out, oversold,
	// restocked, opened: To only), or the queue length (formed, drained).
	From, To int64
	// Note is an alert's text (Alert), already safe for a terminal.
	Note string
}

// Text is the event without its sale and time: "64 admitted in 8 pops",
// "sold out: stock 3 → 0".
func (e Event) Text() string {
	switch e.Kind {
	case Opened:
		return fmt.Sprintf("opened: %s in stock", numfmt.Count(e.To))
	case QueueFormed:
		return fmt.Sprintf("queue formed: %s waiting", numfmt.Count(e.To))
	case QueueDrained:
		return "queue drained: 0 waiting"
	case Admitted:
		n := numfmt.Count(e.N)
		if e.AtLeast {
			n = "≥" + n
		}
		if e.Pops > 1 {
			return fmt.Sprintf("%s admitted in %d pops", n, e.Pops)
		}
		return n + " admitted"
	case SoldOut:
		return fmt.Sprintf("SOLD OUT: stock %s → 0", numfmt.Count(e.From))
	case Oversold:
		return fmt.Sprintf("OVERSOLD: stock %s → %s", numfmt.Count(e.From), numfmt.Count(e.To))
	case Restocked:
		return fmt.Sprintf("restocked: stock %s → %s", numfmt.Count(e.From), numfmt.Count(e.To))
	case BackInStock:
		return fmt.Sprintf("back in stock: %s → %s", numfmt.Count(e.From), numfmt.Count(e.To))
	case Expired:
		s := fmt.Sprintf("%s expired → %s lost", count(e.N, "hold"), count(e.Units, "unit"))
		if e.Unverified > 0 {
			s += fmt.Sprintf(" (%s unverified)", numfmt.Count(e.Unverified))
		}
		return s
	case Reclaimed:
		return fmt.Sprintf("reclaimed %s", count(e.N, "unit"))
	case Alert:
		return "ALERT: " + e.Note
	}
	return e.Kind
}

// count is "1 hold", "3 holds".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return numfmt.Count(n) + " " + noun + "s"
}
