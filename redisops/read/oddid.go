package read

import (
	"flashtop/redisops"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
