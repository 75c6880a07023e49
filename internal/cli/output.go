package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

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
	case p.json && (r.Status == redisops.StatusAdmitted || r.Status == redisops.StatusHead):
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
	return textsafe.Redact(msg, append(redisops.URLSecrets(cfg.RedisURL), cfg.Password)...) // by the URL's text: it may not parse
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
	case redisops.StatusHead:
		return headText(sale, r)
	}
	return s
}

// headText is "head: the queue of sale s1 starts with u1 u2 u3 (3 of 7 waiting)".
func headText(sale string, r redisops.Result) string {
	if len(r.Users) == 0 {
		return "head: the queue of sale " + sale + " is empty"
	}
	clean := make([]string, len(r.Users))
	for i, u := range r.Users {
		clean[i] = textsafe.String(u)
	}
	return fmt.Sprintf("head: the queue of sale %s starts with %s (%d of %s waiting)", sale, strings.Join(clean, " "),
		len(r.Users), num(r.Length))
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
