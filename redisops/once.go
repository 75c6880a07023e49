package redisops

import (
	"context"
	"regexp"
	"strings"

	"github.com/redis/go-redis/v9"
)

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
