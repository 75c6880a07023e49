package redisops

import (
	"context"
	"errors"
	"flashtop/scripts"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// This file runs the scripts of the operation table (optable.go) and parses
// their replies: each operation's run (ops_hold.go, ops_stock.go,
// ops_queue.go, leak.go) runs its script with Script.Run (EVALSHA, EVAL on
// NOSCRIPT) under the client's timeout, after Do has checked its request.
// Redis errors come back through Classify.

// replyField says where a number of a script reply goes in a Result.
type replyField int

const (
	fieldRemaining replyField = iota
	fieldQuantity
	fieldStock
	fieldPosition
	fieldLength
	fieldUnverified // reclaim: Result.UnverifiedUnits
)

// replyShape is one reply a script may give: its status word, then either
// the numbers listed in fields or, when users is set, any number of user ids.
type replyShape struct {
	status string
	fields []replyField
	users  bool
}

// isOK reports whether a status word means the operation did what was asked.
func isOK(status string) bool {
	switch status {
	case StatusReserved, StatusReleased, StatusSet, StatusRestocked, StatusTaken,
		StatusJoined, StatusLeft, StatusAdmitted, StatusStock, StatusQueued, StatusLength, StatusHead:
		return true
	}
	return false
}

// runScript runs s and parses its reply against the shapes it may take.
// key is the main key touched, recorded in the Result; check is the command
// that tells whether the write was applied, named when its outcome is
// unknown (classifyWrite).
func (c *Client) runScript(ctx context.Context, s *redis.Script, key, check string, keys []string, args []any, shapes ...replyShape) (Result, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	c.loadScript(ctx, s)
	return runScriptOn(ctx, c.rdb, s, key, check, keys, args, shapes)
}

// loadScript loads s (SCRIPT LOAD, on every master of a cluster) before the
// client's first EVALSHA of it, so that flashtop's own first call is no
// NOSCRIPT in the server's error counts (INFO errorstats), where a NOSCRIPT
// means the backend's scripts are gone. Loaded once per script and client
// (a failed load is tried again on the next call);
// a refusal (an ACL without script|load) leaves EVALSHA's fallback to EVAL.
// A later SCRIPT FLUSH still costs one NOSCRIPT, as it does the backend.
func (c *Client) loadScript(ctx context.Context, s *redis.Script) {
	if c.loaded == nil {
		return
	}
	h := s.Hash()
	if _, done := c.loaded.Load(h); done {
		return
	}
	c.loadMu.Lock() // callers at the same moment wait for the one load
	defer c.loadMu.Unlock()
	if _, done := c.loaded.Load(h); done {
		return
	}
	// SCRIPT LOAD of the source, not Script.Load: that would replace the
	// shared script's SHA1 with whatever the server answered (a proxy's
	// "OK" made every later call of that script a NOSCRIPT and an EVAL).
	err := c.rdb.ScriptLoad(ctx, scripts.Composed(s)).Err() // the script's own call reports any trouble
	if err == nil || errors.Is(Classify(err), ErrNoPerm) {
		c.loaded.Store(h, true) // loaded, or refused for good (no script|load: EVALSHA falls back to EVAL); else tried again
	}
}

// scriptRunner is what runs scripts: the client, or one connection of its
// pool.
type scriptRunner interface {
	redis.Scripter
	Process(ctx context.Context, cmd redis.Cmder) error
}

// runScriptOn is runScript over sc under ctx as given: the caller bounds the
// call. The script's commands are never retried by go-redis (onceScripter).
func runScriptOn(ctx context.Context, sc scriptRunner, s *redis.Script, key, check string, keys []string, args []any, shapes []replyShape) (Result, error) {
	raw, err := s.Run(ctx, onceScripter{sc}, keys, args...).Result()
	if err != nil {
		return Result{}, classifyWrite(err, check)
	}
	r, err := parseReply(raw, shapes)
	if err != nil {
		return Result{}, err
	}
	r.Key = key
	return r, nil
}

// parseReply turns a script reply into a Result; a reply that matches none
// of the shapes is an ErrServer error.
func parseReply(raw any, shapes []replyShape) (Result, error) {
	arr, ok := raw.([]any)
	if !ok || len(arr) == 0 {
		return Result{}, fmt.Errorf("%w: unexpected script reply %#v", ErrServer, raw)
	}
	status, ok := arr[0].(string)
	if !ok {
		return Result{}, fmt.Errorf("%w: script reply starts with %#v, not a status word", ErrServer, arr[0])
	}
	rest := arr[1:]
	for _, sh := range shapes {
		if sh.status != status {
			continue
		}
		r := Result{OK: isOK(status), Status: status}
		if sh.users {
			r.Users = make([]string, 0, len(rest))
			for _, v := range rest {
				u, ok := v.(string)
				if !ok {
					return Result{}, fmt.Errorf("%w: %s reply holds %#v, not a user id", ErrServer, status, v)
				}
				r.Users = append(r.Users, u)
			}
			return r, nil
		}
		if len(rest) != len(sh.fields) {
			return Result{}, fmt.Errorf("%w: %s reply has %d numbers, want %d", ErrServer, status, len(rest), len(sh.fields))
		}
		for i, f := range sh.fields {
			n, ok := rest[i].(int64)
			if !ok {
				return Result{}, fmt.Errorf("%w: %s reply holds %#v, not an integer", ErrServer, status, rest[i])
			}
			r.setField(f, n)
		}
		return r, nil
	}
	return Result{}, fmt.Errorf("%w: unexpected status %q in script reply", ErrServer, status)
}

func (r *Result) setField(f replyField, n int64) {
	switch f {
	case fieldRemaining:
		r.Remaining = &n
	case fieldQuantity:
		r.Quantity = &n
	case fieldStock:
		r.Stock = &n
	case fieldPosition:
		r.Position = &n
	case fieldLength:
		r.Length = &n
	case fieldUnverified:
		r.UnverifiedUnits = &n
	}
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// maxArg renders an optional --max limit for a script ("" = none); Do has
// checked it.
func maxArg(limit *int64) string {
	if limit == nil {
		return ""
	}
	return strconv.FormatInt(*limit, 10)
}

// ReplyField returns the i-th value of an HMGET (or any array) reply as a
// string, and whether it was present (not nil).
func ReplyField(vals []any, i int) (string, bool) {
	if i >= len(vals) || vals[i] == nil {
		return "", false
	}
	switch v := vals[i].(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	default:
		return fmt.Sprint(v), true
	}
}

// A write is sent once. go-redis retries a command whose connection failed
// (an EOF, a reset, a timeout: MaxRetries, and a cluster's MaxRedirects); for
// a script that wrote and lost its reply, a retry writes again: a restock
// twice, an admit popping twice, a reserve answered already_reserved by its
// own first try. The scripts run as onceCmd commands, which go-redis never
// retries once sent (Cmder.NoRetry); the failure is reported as an unknown
// outcome instead (classifyWrite). A MOVED or ASK redirect is still followed:
// the command was refused, not run.

// onceCmd is a script command that go-redis must not retry.
type onceCmd struct{ *redis.Cmd }

// NoRetry tells go-redis not to send the command again after a failure.
func (onceCmd) NoRetry() bool { return true }

// onceScripter runs EVAL and EVALSHA as onceCmd commands over r, for
// Script.Run (EVALSHA, then EVAL on NOSCRIPT: a refused EVALSHA ran nothing).
type onceScripter struct{ r scriptRunner }

func (s onceScripter) run(ctx context.Context, name, body string, keys []string, args []any) *redis.Cmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, name, body, len(keys))
	for _, k := range keys {
		a = append(a, k)
	}
	cmd := redis.NewCmd(ctx, append(a, args...)...)
	_ = s.r.Process(ctx, onceCmd{cmd}) // the error is the command's
	return cmd
}

// Eval runs a script's source once.
func (s onceScripter) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return s.run(ctx, "eval", script, keys, args)
}

// EvalSha runs a loaded script once.
func (s onceScripter) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return s.run(ctx, "evalsha", sha1, keys, args)
}

// EvalRO runs a read-only script's source once.
func (s onceScripter) EvalRO(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return s.run(ctx, "eval_ro", script, keys, args)
}

// EvalShaRO runs a loaded read-only script once.
func (s onceScripter) EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	return s.run(ctx, "evalsha_ro", sha1, keys, args)
}

// ScriptExists asks whether scripts are loaded (no write: retried as usual).
func (s onceScripter) ScriptExists(ctx context.Context, hashes ...string) *redis.BoolSliceCmd {
	return s.r.ScriptExists(ctx, hashes...)
}

// ScriptLoad loads a script (idempotent: retried as usual).
func (s onceScripter) ScriptLoad(ctx context.Context, script string) *redis.StringCmd {
	return s.r.ScriptLoad(ctx, script)
}

// The reads that tell whether a write whose outcome is unknown was applied
// (OutcomeError.Check).
func tellSnapshot(sale string) string { return "flashtop snapshot --sale " + shellWord(sale) }
func tellStock(sale string) string    { return "flashtop inventory get --sale " + shellWord(sale) }
func tellLength(sale string) string   { return "flashtop queue length --sale " + shellWord(sale) }
func tellPosition(sale, user string) string {
	return "flashtop queue position --sale " + shellWord(sale) + " --user " + shellWord(user)
}

// plainWord is what a shell takes as one word without quotes.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.,:@%+=/-]+$`)

// shellWord quotes s for a POSIX shell when it needs it ('…', with ' as '\”).
func shellWord(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
