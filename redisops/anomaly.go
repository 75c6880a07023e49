package redisops

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Anomaly kinds. The strings are a contract (the dashboard, `flashtop audit`
// and its --json output match them word for word).
const (
	// AnomalyHoldWithoutTTL: a hold key has no TTL (PTTL -1), so its units are
	// held until someone releases it by hand.
	AnomalyHoldWithoutTTL = "hold_without_ttl"
	// AnomalyHoldBadQuantity: a hold's quantity is missing, not a positive
	// integer or over MaxScriptInt (including a string hold that is not
	// JSON, or JSON over HoldJSONMaxBytes, which is not decoded). Release
	// cannot return its units; the hold counts with 0 units.
	AnomalyHoldBadQuantity = "hold_bad_quantity"
	// AnomalyHoldReplaced: a hold key was rewritten before its deadline with
	// another quantity, stamp, shape or a later deadline (the backend's double
	// reserve takes stock again and overwrites the hold; its order path's
	// SETEX over a hash does the same): the old quantity may be orphaned.
	// Never reclaimed automatically: a release followed by a new reserve
	// within one server event loop looks the same.
	AnomalyHoldReplaced = "hold_replaced"
	// AnomalyWrongType: a key has the shape of a family's template (Parse
	// accepts it) but another TYPE: stock not a string, queue not a sorted
	// set, hold neither a hash nor a string. The backend's commands fail on it.
	AnomalyWrongType = "wrong_type"
	// AnomalyStockInvalid: a stock key is negative, not an integer, or over
	// MaxScriptInt (every write refuses it).
	AnomalyStockInvalid = "stock_invalid"
	// AnomalyQueueOverCap: a queue holds more members than the cap
	// (--max-queue, the backend's REDIS_MAX_QUEUE_LENGTH).
	AnomalyQueueOverCap = "queue_over_cap"
	// AnomalyQueueBadScore: a member of a queue's head window has a score that
	// is not a plausible join time in ms (before the year 2000, or more than a
	// day ahead of the server's clock).
	AnomalyQueueBadScore = "queue_bad_score"
	// AnomalyOddID: a sale or hold is counted (ids are data), but its sale
	// or user id is one flashtop's own commands refuse as input
	// (ValidateID: more than 512 bytes, not valid UTF-8, a NUL or another
	// control character, '{' or '}'), so --sale or --user cannot name it.
	// The detail says why and gives a redis-cli command line that reads the
	// key byte for byte (redisops/oddid.go).
	AnomalyOddID = "odd_id"
	// AnomalyBackendScriptsMissing: one of the backend's scripts (its
	// decrement, reserve or release, by SHA1: Options.BackendScripts) is not
	// loaded on a node, though it was earlier, or though the backend's
	// flash_sales:active set shows it running. The backend calls EVALSHA
	// with no NOSCRIPT retry: its reserve and release answer HTTP 500 until
	// it restarts or the script is loaded again with its exact bytes
	// (redisops/backendscripts.go).
	AnomalyBackendScriptsMissing = "backend_scripts_missing"
)

// Bounds of a plausible queue score (a join time in ms since the epoch).
const (
	minQueueScoreMs   = 946_684_800_000 // 2000-01-01T00:00:00Z
	maxQueueScoreSkew = 24 * time.Hour  // ahead of the server's clock
)

// familyTypes names the TYPEs a family accepts.
func familyTypes(family string) []string {
	switch family {
	case familyStock:
		return []string{"string"}
	case familyQueue:
		return []string{"zset"}
	default:
		return []string{"hash", "string"}
	}
}

// Family names used in details.
const (
	familyStock = "stock"
	familyQueue = "queue"
	familyHold  = "hold"
)

// wrongTypeAnomaly reports a key of family's shape whose TYPE is typ; ok is
// false when typ fits the family or the key is gone ("none").
func wrongTypeAnomaly(family, key, typ string) (Anomaly, bool) {
	want := familyTypes(family)
	if typ == "none" || typ == "" || slices.Contains(want, typ) {
		return Anomaly{}, false
	}
	wantText := want[0]
	if len(want) == 2 {
		wantText = want[0] + " or a " + want[1]
	}
	return Anomaly{Kind: AnomalyWrongType, Key: key,
		Detail: fmt.Sprintf("%s key is a %s, not a %s", family, quoteTypeName(typ), wantText)}, true
}

// quoteTypeName keeps a TYPE reply short and plain (it comes from the server).
func quoteTypeName(typ string) string {
	for i := 0; i < len(typ); i++ {
		if typ[i] < 'a' || typ[i] > 'z' {
			return quoteCut(typ)
		}
	}
	return typ
}

// checkStock parses a stock value read with GET. It returns the inventory
// (nil when the value is not an integer) and an anomaly when the value is
// negative or not an integer.
func checkStock(key, raw string) (*int64, []Anomaly) {
	n, ok := redisInt(raw)
	if !ok {
		return nil, []Anomaly{{Kind: AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock %s is not an integer", quoteCut(raw))}}
	}
	if n < 0 {
		return &n, []Anomaly{{Kind: AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock is negative (%d)", n)}}
	}
	if n > MaxScriptInt {
		return &n, []Anomaly{{Kind: AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock %d is over %d, the most flashtop's scripts accept: every write to it is refused", n, int64(MaxScriptInt))}}
	}
	return &n, nil
}

// checkQueueCap reports a queue longer than the cap.
func checkQueueCap(key string, length, limit int64) []Anomaly {
	if length <= limit {
		return nil
	}
	return []Anomaly{{Kind: AnomalyQueueOverCap, Key: key,
		Detail: fmt.Sprintf("queue holds %d members, over the cap of %d", length, limit)}}
}

// checkQueueScores reports (once per queue) head-window entries whose score is
// not a plausible ms timestamp relative to the server time nowMs.
func checkQueueScores(key string, head []QueueEntry, scores []float64, nowMs int64) []Anomaly {
	bad, first := 0, -1
	maxMs := float64(nowMs) + float64(maxQueueScoreSkew.Milliseconds())
	for i, s := range scores {
		if math.IsNaN(s) || s < minQueueScoreMs || s > maxMs {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad == 0 {
		return nil
	}
	return []Anomaly{{Kind: AnomalyQueueBadScore, Key: key,
		Detail: fmt.Sprintf("%d of the first %d members have a score that is not a join time in ms (position %d: %s)",
			bad, len(scores), head[first].Position, formatScore(scores[first]))}}
}

func formatScore(s float64) string {
	return fmt.Sprintf("%.15g", s)
}

// sortAnomalies orders anomalies by kind, then key, then detail.
func sortAnomalies(a []Anomaly) {
	slices.SortFunc(a, func(x, y Anomaly) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Key, y.Key), cmp.Compare(x.Detail, y.Detail))
	})
}
