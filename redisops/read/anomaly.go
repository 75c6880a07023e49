package read

import (
	"cmp"
	"flashtop/redisops"
	"fmt"
	"math"
	"slices"
	"time"
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
func wrongTypeAnomaly(family, key, typ string) (redisops.Anomaly, bool) {
	want := familyTypes(family)
	if typ == "none" || typ == "" || slices.Contains(want, typ) {
		return redisops.Anomaly{}, false
	}
	wantText := want[0]
	if len(want) == 2 {
		wantText = want[0] + " or a " + want[1]
	}
	return redisops.Anomaly{Kind: redisops.AnomalyWrongType, Key: key,
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
func checkStock(key, raw string) (*int64, []redisops.Anomaly) {
	n, ok := redisops.RedisInt(raw)
	if !ok {
		return nil, []redisops.Anomaly{{Kind: redisops.AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock %s is not an integer", quoteCut(raw))}}
	}
	if n < 0 {
		return &n, []redisops.Anomaly{{Kind: redisops.AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock is negative (%d)", n)}}
	}
	if n > redisops.MaxScriptInt {
		return &n, []redisops.Anomaly{{Kind: redisops.AnomalyStockInvalid, Key: key,
			Detail: fmt.Sprintf("stock %d is over %d, the most flashtop's scripts accept: every write to it is refused", n, int64(redisops.MaxScriptInt))}}
	}
	return &n, nil
}

// checkQueueCap reports a queue longer than the cap.
func checkQueueCap(key string, length, limit int64) []redisops.Anomaly {
	if length <= limit {
		return nil
	}
	return []redisops.Anomaly{{Kind: redisops.AnomalyQueueOverCap, Key: key,
		Detail: fmt.Sprintf("queue holds %d members, over the cap of %d", length, limit)}}
}

// checkQueueScores reports (once per queue) head-window entries whose score is
// not a plausible ms timestamp relative to the server time nowMs.
func checkQueueScores(key string, head []redisops.QueueEntry, scores []float64, nowMs int64) []redisops.Anomaly {
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
	return []redisops.Anomaly{{Kind: redisops.AnomalyQueueBadScore, Key: key,
		Detail: fmt.Sprintf("%d of the first %d members have a score that is not a join time in ms (position %d: %s)",
			bad, len(scores), head[first].Position, formatScore(scores[first]))}}
}

func formatScore(s float64) string {
	return fmt.Sprintf("%.15g", s)
}

// sortAnomalies orders anomalies by kind, then key, then detail.
func sortAnomalies(a []redisops.Anomaly) {
	slices.SortFunc(a, func(x, y redisops.Anomaly) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Key, y.Key), cmp.Compare(x.Detail, y.Detail))
	})
}
