package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// printer writes a command's outcome: text by default, one JSON object on
// stdout with --json. Errors always go to stderr too.
type printer struct {
	stdout, stderr io.Writer
	json           bool
}

// errorJSON is the --json object of a failed command. A write whose outcome
// is unknown (redisops.OutcomeError) adds "outcome": "unknown" and the
// command that tells ("check").
type errorJSON struct {
	OK      bool   `json:"ok"`
	Status  string `json:"status"`
	Error   string `json:"error"`
	Outcome string `json:"outcome,omitempty"`
	Check   string `json:"check,omitempty"`
}

// admitJSON always carries "users", even when the queue was empty; each is
// lossless (a string, or {"base64": …} when not valid UTF-8).
type admitJSON struct {
	redisops.Result
	Users []redisops.ByteString `json:"users"`
}

// emit writes v as one JSON object and a newline. Ids are lossless
// (redisops/jsonbytes.go) and no byte a terminal acts on is written raw
// (redisops.TerminalSafeJSON).
func (p printer) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil { // only plain data is marshalled: cannot happen
		b, _ = json.Marshal(errorJSON{Status: "error", Error: err.Error()})
	}
	fmt.Fprintf(p.stdout, "%s\n", textsafe.JSON(b))
}

// result prints an operation's result and returns its exit code.
func (p printer) result(cfg config, r redisops.Result) int {
	switch {
	case p.json && r.Status == redisops.StatusAdmitted:
		users := redisops.ByteStrings(r.Users)
		if users == nil {
			users = []redisops.ByteString{}
		}
		p.emit(admitJSON{Result: r, Users: users})
	case p.json:
		p.emit(r)
	default:
		fmt.Fprintln(p.stdout, resultText(cfg, r))
	}
	if r.OK {
		return exitOK
	}
	return exitRefused
}

// fail reports err and returns its exit code: 2 for usage and input errors,
// 3 for everything from Redis.
func (p printer) fail(cfg config, err error) int {
	code, msg := describe(cfg, err)
	// Error text may quote Redis data or a server's reply (a Lua error
	// quoting a stock value, an -ERR of a hostile proxy): it is untrusted and
	// never reaches the terminal raw.
	msg = textsafe.String(redact(msg, cfg))
	fmt.Fprintln(p.stderr, "flashtop: "+msg)
	if p.json {
		e := errorJSON{Status: "error", Error: msg}
		var oe *redisops.OutcomeError
		if errors.As(err, &oe) {
			e.Outcome, e.Check = "unknown", textsafe.String(oe.Check)
		}
		p.emit(e)
	}
	return code
}

// describe maps an error to its exit code and message (without "flashtop: ").
func describe(cfg config, err error) (int, string) {
	where := redisops.RedactURL(cfg.RedisURL)
	var oe *redisops.OutcomeError
	switch {
	case errors.As(err, &oe): // before ErrUnreachable, which it wraps
		return exitRedis, fmt.Sprintf("%s: outcome unknown: no reply from Redis at %s after the command was sent (%s); it %s",
			cfg.name(), where, reason(oe.Err, redisops.ErrUnreachable), oe.Hint())
	case errors.Is(err, errUsage):
		return exitUsage, err.Error()
	case errors.Is(err, redisops.ErrInput), errors.Is(err, redisops.ErrConfig), errors.Is(err, redisops.ErrTemplate):
		return exitUsage, usageFrom("", err).Error()
	case errors.Is(err, redisops.ErrUnreachable):
		why := reason(err, redisops.ErrUnreachable)
		if strings.Contains(why, "deadline exceeded") {
			why += fmt.Sprintf(" (no answer within --timeout %s)", cfg.Timeout)
		}
		return exitRedis, fmt.Sprintf("cannot reach Redis at %s: %s", where, why)
	case errors.Is(err, redisops.ErrAuth):
		return exitRedis, fmt.Sprintf("authentication failed at %s: %s", where, reason(err, redisops.ErrAuth))
	case errors.Is(err, redisops.ErrNoPerm):
		return exitRedis, fmt.Sprintf("permission denied: %s (flashtop %s)", reason(err, redisops.ErrNoPerm), cfg.name())
	case errors.Is(err, redisops.ErrServer):
		return exitRedis, fmt.Sprintf("server error at %s: %s", where, reason(err, redisops.ErrServer))
	default:
		return exitRedis, err.Error()
	}
}

// reason is an error's text without its sentinel's prefix.
func reason(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// redact hides every password the config knows of (flag, environment, URL),
// as textsafe.Redact does.
func redact(msg string, cfg config) string {
	secrets := []string{cfg.Password}
	if u, err := url.Parse(cfg.RedisURL); err == nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
		secrets = append(secrets, u.Query().Get("password"))
	}
	return textsafe.Redact(msg, secrets...)
}

// resultText is the one-line text of an operation's result. Every value
// that comes from Redis goes through textsafe.String.
func resultText(cfg config, r redisops.Result) string {
	sale, user := textsafe.String(cfg.sale()), textsafe.String(cfg.User)
	s := textsafe.String(r.Status)
	switch r.Status {
	case redisops.StatusReserved:
		return fmt.Sprintf("%s: %d units of sale %s for user %s (remaining %s)", s, cfg.Qty, sale, user, num(r.Remaining))
	case redisops.StatusAlreadyReserved:
		return fmt.Sprintf("%s: user %s already holds %s units of sale %s", s, user, num(r.Quantity), sale)
	case redisops.StatusInsufficientStock:
		return fmt.Sprintf("%s: sale %s has %s left", s, sale, num(r.Stock))
	case redisops.StatusNoInventory:
		return fmt.Sprintf("%s: sale %s has no stock key (%s)", s, sale, textsafe.String(cfg.Schema.StockKey(cfg.sale())))
	case redisops.StatusReleased:
		return fmt.Sprintf("%s: %s units of sale %s from user %s (stock %s)", s, num(r.Quantity), sale, user, num(r.Stock))
	case redisops.StatusNotFound:
		return fmt.Sprintf("%s: user %s holds nothing in sale %s", s, user, sale)
	case redisops.StatusMaxExceeded:
		return fmt.Sprintf("%s: sale %s has %s; that would pass --max %s", s, sale, num(r.Stock), num(cfg.Max))
	case redisops.StatusSet, redisops.StatusRestocked, redisops.StatusTaken, redisops.StatusStock:
		return fmt.Sprintf("%s: sale %s has %s", s, sale, num(r.Stock))
	case redisops.StatusJoined, redisops.StatusQueued:
		return fmt.Sprintf("%s: user %s is at position %s in the queue of sale %s", s, user, num(r.Position), sale)
	case redisops.StatusAlreadyQueued:
		return fmt.Sprintf("%s: user %s is already at position %s in the queue of sale %s", s, user, num(r.Position), sale)
	case redisops.StatusQueueFull:
		return fmt.Sprintf("%s: the queue of sale %s holds %s (cap %d)", s, sale, num(r.Length), cfg.MaxQueue)
	case redisops.StatusLeft:
		return fmt.Sprintf("%s: user %s left the queue of sale %s", s, user, sale)
	case redisops.StatusNotQueued:
		return fmt.Sprintf("%s: user %s is not in the queue of sale %s", s, user, sale)
	case redisops.StatusLength:
		return fmt.Sprintf("%s: the queue of sale %s holds %s", s, sale, num(r.Length))
	case redisops.StatusAdmitted:
		return admittedText(r.Users)
	}
	return s
}

// admittedText is "admitted 3 users: u1 u2 u3".
func admittedText(users []string) string {
	clean := make([]string, len(users))
	for i, u := range users {
		clean[i] = textsafe.String(u)
	}
	noun := "users"
	if len(users) == 1 {
		noun = "user"
	}
	if len(users) == 0 {
		return "admitted 0 users: the queue is empty"
	}
	return fmt.Sprintf("admitted %d %s: %s", len(users), noun, strings.Join(clean, " "))
}

// num renders an optional number ("?" when the reply had none).
func num(n *int64) string {
	if n == nil {
		return "?"
	}
	return fmt.Sprint(*n)
}

// maxHoldLimit bounds snapshot --hold-limit.
const maxHoldLimit = 1_000_000_000

// Rows of the text snapshot beyond which a section is cut (JSON has them all).
const (
	maxTextHolds  = 50
	maxTextQueue  = 10
	maxTextSlow   = 10
	maxTextArgs   = 60
	maxTextDetail = 100
)

// withEmptyLists returns s with nil lists made empty, so its JSON has [] and
// {} rather than null.
func withEmptyLists(s redisops.Snapshot) redisops.Snapshot {
	if s.Sales == nil {
		s.Sales = []redisops.SaleStats{}
	}
	if s.Reservations == nil {
		s.Reservations = []redisops.Hold{}
	}
	if s.Queues == nil {
		s.Queues = map[string][]redisops.QueueEntry{}
	}
	if s.Slowlog == nil {
		s.Slowlog = []redisops.SlowEntry{}
	}
	if s.Anomalies == nil {
		s.Anomalies = []redisops.Anomaly{}
	}
	if s.Unreadable == nil {
		s.Unreadable = []redisops.Unreadable{}
	}
	return s
}

// writeSnapshot prints a snapshot as a compact text report: the server line,
// the sales table, holds, queue heads, sessions, slowlog and anomalies.
func writeSnapshot(w io.Writer, s *redisops.Snapshot, now time.Time) {
	writeServer(w, s)
	fmt.Fprintf(w, "taken   %s · sessions %d\n", s.TakenAt.UTC().Format(time.RFC3339), s.Sessions.Count)

	// A family that could not be read is marked "?": its numbers are what
	// could be read (the CANNOT READ section says what was not).
	mark := func(what string) string {
		if unread(s.Unreadable, what) != nil {
			return "?"
		}
		return ""
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nSALE\tSTOCK\tQUEUE\tHEAD AGE\tHOLDS\tHELD\n")
	for _, sale := range s.Sales {
		age := "-"
		if sale.QueueHeadAgeMs != nil {
			age = (time.Duration(*sale.QueueHeadAgeMs) * time.Millisecond).Round(time.Second).String()
		}
		stock := "-" + mark(redisops.UnreadStock)
		if sale.Inventory != nil {
			stock = fmt.Sprint(*sale.Inventory)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d%s\t%s\t%d%s\t%d%s\n", textsafe.Cut(sale.ID, 40), stock,
			sale.QueueLength, mark(redisops.UnreadQueues), age, sale.Reservations, mark(redisops.UnreadHolds),
			sale.ReservedUnits, mark(redisops.UnreadHolds))
	}
	if len(s.Sales) == 0 {
		fmt.Fprintln(tw, "(no sales found)")
	}
	if t := s.Truncated; t != nil && t.ActiveSales != nil {
		fmt.Fprintf(tw, "(%s: %s)\n", cutText(*t.ActiveSales, "ids of "+redisops.ActiveSalesKey+" read"), t.ActiveSales.How)
	}
	writeHolds(tw, s.Reservations, s.Truncated, unread(s.Unreadable, redisops.UnreadHolds))
	_ = tw.Flush()
	writeQueues(w, s.Queues, now)
	if u := unread(s.Unreadable, redisops.UnreadSlowlog); u != nil {
		fmt.Fprintf(w, "\nSLOWLOG cannot read: %s\n", textsafe.String(u.Reason))
	} else {
		writeSlowlog(w, s.Slowlog)
	}
	writeAnomalies(w, s.Anomalies)
	if len(s.Unreadable) > 0 {
		fmt.Fprintf(w, "\nCANNOT READ (%d): %s\n", len(s.Unreadable), unreadText(s.Unreadable))
	}
}

// writeServer writes the server line: its figures, or why they could not
// be read (an ACL without INFO: never "memory 0B").
func writeServer(w io.Writer, s *redisops.Snapshot) {
	sv := s.Server
	if u := unread(s.Unreadable, redisops.UnreadServer); u != nil {
		fmt.Fprintf(w, "server  cannot read INFO: %s · ping %.2f ms\n", textsafe.String(u.Reason), sv.PingMs)
		return
	}
	fmt.Fprintf(w, "server  redis %s %s · ping %.2f ms · memory %s", textsafe.String(sv.Version),
		textsafe.String(sv.Role), sv.PingMs, textsafe.String(sv.UsedMemoryHuman))
	if sv.Maxmemory > 0 {
		fmt.Fprintf(w, " of %d bytes", sv.Maxmemory)
	}
	fmt.Fprintf(w, " (%s) · clients %d · ops/s %d · hits %d misses %d · evicted %d expired %d · aof %s\n",
		textsafe.String(sv.MaxmemoryPolicy), sv.ConnectedClients, sv.OpsPerSec, sv.KeyspaceHits,
		sv.KeyspaceMisses, sv.EvictedKeys, sv.ExpiredKeys, onOff(sv.AOFEnabled))
}

// writeHolds adds the holds section, soonest expiry first as redisops sorts
// them; a limited list says how many it left out and how to get them all,
// and u, when not nil, says which holds could not be read.
func writeHolds(tw io.Writer, holds []redisops.Hold, cut *redisops.Truncation, u *redisops.Unreadable) {
	switch {
	case u != nil:
		fmt.Fprintf(tw, "\nHOLDS (%d; cannot read %d more: %s)\n", len(holds), u.Keys, textsafe.String(u.Reason))
	case cut != nil && cut.Reservations != nil:
		fmt.Fprintf(tw, "\nHOLDS (%s: %s)\n", cutText(*cut.Reservations, "listed"), cut.Reservations.How)
	default:
		fmt.Fprintf(tw, "\nHOLDS (%d)\n", len(holds))
	}
	if len(holds) == 0 {
		return
	}
	fmt.Fprintf(tw, "SALE\tUSER\tQTY\tRESERVED AT\tTTL\n")
	for i, h := range holds {
		if i == maxTextHolds {
			fmt.Fprintf(tw, "… and %d more (see --json)\n", len(holds)-i)
			break
		}
		at, ttl := "-", "none"
		if h.ReservedAt != nil {
			at = h.ReservedAt.UTC().Format(time.RFC3339)
		}
		if h.TTLMs >= 0 {
			ttl = (time.Duration(h.TTLMs) * time.Millisecond).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", textsafe.Cut(h.Sale, 40),
			textsafe.Cut(h.User, 40), h.Quantity, at, ttl)
	}
}

// cutText is "1000 of 3000 listed" ("of ?" when the total is not known).
func cutText(c redisops.Cut, what string) string {
	total := "?"
	if c.Total >= 0 {
		total = fmt.Sprint(c.Total)
	}
	return fmt.Sprintf("%d of %s %s", c.Shown, total, what)
}

// writeQueues adds the head of each queue, in sale order.
func writeQueues(w io.Writer, queues map[string][]redisops.QueueEntry, now time.Time) {
	sales := make([]string, 0, len(queues))
	for sale := range queues {
		sales = append(sales, sale)
	}
	sort.Strings(sales)
	fmt.Fprintf(w, "\nQUEUES (head)\n")
	for _, sale := range sales {
		var parts []string
		for i, e := range queues[sale] {
			if i == maxTextQueue {
				parts = append(parts, "…")
				break
			}
			waited := max(now.Sub(time.UnixMilli(e.JoinedAtMs)).Round(time.Second), 0)
			parts = append(parts, fmt.Sprintf("%d %s (%s)", e.Position, textsafe.Cut(e.User, 40), waited))
		}
		if len(parts) == 0 {
			parts = append(parts, "(empty)")
		}
		fmt.Fprintf(w, "%s: %s\n", textsafe.Cut(sale, 40), strings.Join(parts, ", "))
	}
}

// writeSlowlog adds the newest slow commands.
func writeSlowlog(w io.Writer, slow []redisops.SlowEntry) {
	fmt.Fprintf(w, "\nSLOWLOG (%d)\n", len(slow))
	for i, e := range slow {
		if i == maxTextSlow {
			fmt.Fprintf(w, "… and %d more\n", len(slow)-i)
			break
		}
		fmt.Fprintf(w, "#%d %s %dµs %s\n", e.ID, e.Time.UTC().Format(time.RFC3339), e.DurationUs,
			textsafe.Cut(strings.Join(e.Args, " "), maxTextArgs))
	}
}

// writeAnomalies adds what looks wrong in the data.
func writeAnomalies(w io.Writer, an []redisops.Anomaly) {
	fmt.Fprintf(w, "\nANOMALIES (%d)\n", len(an))
	for _, a := range an {
		fmt.Fprintf(w, "%s %s: %s\n", textsafe.String(a.Kind), textsafe.Cut(a.Key, maxTextArgs),
			textsafe.Cut(a.Detail, maxTextDetail))
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
