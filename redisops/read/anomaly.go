package read

import (
	"cmp"
	"flashtop/redisops"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// dedupeAnomalies sorts anomalies and drops repeats.
func dedupeAnomalies(in []redisops.Anomaly) []redisops.Anomaly {
	out := append([]redisops.Anomaly{}, in...)
	sortAnomalies(out)
	return slices.Compact(out)
}

// isSaleID reports whether id, which does not come from a key (a member of
// flash_sales:active), counts as a sale: its stock key would be read back as
// the same id. Ids read from keys need no check: they are data, and every key
// the schema's templates match is counted, whatever bytes its ids hold.
func isSaleID(s redisops.Schema, id string) bool {
	sale, _, ok := s.Stock.Parse(s.StockKey(id))
	return ok && sale == id
}

// idProblem says why ValidateID would refuse id as a --sale or --user ("" when
// it would not). It follows ValidateID's rules in its order.
func idProblem(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > redisops.MaxIDBytes:
		return fmt.Sprintf("is %d bytes long (at most %d)", len(id), redisops.MaxIDBytes)
	case !utf8.ValidString(id):
		return "is not valid UTF-8"
	case strings.ContainsAny(id, ":{}"):
		return "holds ':', '{' or '}'"
	case strings.ContainsRune(id, 0):
		return "holds a NUL byte"
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "holds a control character"
	}
	return ""
}

// oddIDAnomaly is the odd_id anomaly of key, found by an id (what: "sale"
// or "user") that flag refuses for problem; cli is the command line that
// reads the key.
func oddIDAnomaly(key, what, id, flag, problem, cli string) redisops.Anomaly {
	return redisops.Anomaly{Kind: redisops.AnomalyOddID, Key: key, Detail: fmt.Sprintf("%s id %s %s: flashtop's %s refuses it; read it with %s",
		what, quoteCut(id), problem, flag, cli)}
}

// oddSale is the odd_id anomaly of a listed sale whose id --sale refuses,
// on the key the sale was found by: its stock key (GET), else its queue key
// (ZRANGE), else flash_sales:active (SISMEMBER).
func (sr saleRead) oddSale(s redisops.Schema) []redisops.Anomaly {
	id := sr.row.id
	problem := idProblem(id)
	if problem == "" {
		return nil
	}
	key, cli := redisops.ActiveSalesKey, redisCLI("SISMEMBER "+redisops.ActiveSalesKey, id)
	switch {
	case sr.stock.Type() == "string":
		key = s.StockKey(id)
		cli = redisCLI("GET", key)
	case sr.card != nil && sr.card.Val() > 0:
		key = s.QueueKey(id)
		cli = redisCLI("ZRANGE", key, "0", "9", "WITHSCORES")
	}
	return []redisops.Anomaly{oddIDAnomaly(key, "sale", id, "--sale", problem, cli)}
}

// oddHoldAnomaly reports a hold whose user or sale id --user or --sale
// refuses (read with HGETALL, or GET for the JSON shape).
func oddHoldAnomaly(ref holdRef, shape string) []redisops.Anomaly {
	cli := redisCLI("HGETALL", ref.Key)
	if shape == redisops.HoldShapeJSON {
		cli = redisCLI("GET", ref.Key)
	}
	if p := idProblem(ref.User); p != "" {
		return []redisops.Anomaly{oddIDAnomaly(ref.Key, "user", ref.User, "--user", p, cli)}
	}
	if p := idProblem(ref.Sale); p != "" {
		return []redisops.Anomaly{oddIDAnomaly(ref.Key, "sale", ref.Sale, "--sale", p, cli)}
	}
	return nil
}

// redisCLI is a shell command line that sends cmd with arg (then rest) to
// redis-cli, exact whatever bytes arg holds: redis-cli reads the command from
// stdin and decodes "\xHH" inside double quotes itself, so the line is plain
// printable ASCII without a single quote, NUL bytes included.
func redisCLI(cmd, arg string, rest ...string) string {
	line := cmd + " " + redisCLIQuote(arg)
	for _, r := range rest {
		line += " " + r
	}
	return "printf '%s\\n' '" + line + "' | redis-cli"
}

// redisCLIQuote writes s as a double-quoted redis-cli argument: printable
// ASCII as it is (but a double quote and a backslash escaped with a
// backslash), every other byte, and the single quote, as \xHH.
func redisCLIQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\'' || c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
