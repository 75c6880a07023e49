// Package cli is flashtop's command line: flags, the dashboard and the
// headless commands, and their text and JSON output. main only calls Run.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
)

// Exit codes (DESIGN.md §5).
const (
	exitOK      = 0 // done
	exitRefused = 1 // refused by a business rule (a non-success status word)
	exitUsage   = 2 // bad usage or input; nothing was sent
	exitRedis   = 3 // Redis unreachable, authentication or ACL denied, or a server error
)

// errUsage is wrapped by every command-line error (exit code 2).
var errUsage = errors.New("flashtop: bad usage")

// usageError is a command-line error: Error() is the message shown after
// "flashtop: " and it unwraps to errUsage and to the cause, if any.
type usageError struct {
	msg   string
	cause error
}

func (e *usageError) Error() string { return e.msg }

func (e *usageError) Unwrap() []error { return []error{errUsage, e.cause} }

// usagef builds a usageError.
func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// usageFrom turns a redisops error into a usageError whose message starts
// with the flag: an input error (redisops.InputError) is "<flag>: <problem>",
// other errors drop their "redisops: ...: " sentinel prefix.
func usageFrom(prefix string, err error) error {
	msg := err.Error()
	var ie *redisops.InputError
	if errors.As(err, &ie) {
		msg = flagName(ie.Field) + ": " + ie.Problem
	}
	for _, s := range []error{redisops.ErrConfig, redisops.ErrTemplate} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
	}
	return &usageError{msg: prefix + msg, cause: err}
}

// flagName is the command line's name of an input: a field redisops names
// (redisops.FieldSale: "sale") is its flag, "--sale"; a name the command
// line gave a parser itself ("--hold-limit", REDIS_MAX_QUEUE_LENGTH) stays.
func flagName(f redisops.Field) string {
	if s := string(f); strings.HasPrefix(s, "-") || strings.ToUpper(s) == s {
		return s
	}
	return "--" + string(f)
}

// QuietRedis stops go-redis's own log lines (dial failures on stderr):
// flashtop reports every error itself, once, with the password redacted.
// main calls it once, before Run.
func QuietRedis() { redis.SetLogger(quietLogger{}) }

// Run is the whole program: it parses args (without the program name),
// dispatches to the command and returns the exit code. getenv supplies
// REDIS_URL, REDIS_PASSWORD and REDIS_MAX_QUEUE_LENGTH; stdin is read only
// by a confirm on a terminal (reclaim --include-unverified).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseFlags(args, getenv, stderr)
	p := printer{stdout: stdout, stderr: stderr, json: cfg.JSON || jsonAsked(args)}
	if err != nil {
		code := p.fail(cfg, err)
		fmt.Fprintln(stderr, usageHint)
		return code
	}
	if cfg.Help {
		return runHelp(cfg, p)
	}
	cmd, ok := lookupCommand(cfg.name())
	if !ok { // parseFlags found it: cannot happen
		return p.fail(cfg, usagef("unknown command %q", cfg.name()))
	}
	if cmd.write {
		if err := checkArmed(cfg); err != nil {
			return p.fail(cfg, err)
		}
	}
	return cmd.run(ctx, cfg, p, stdin)
}

// jsonAsked reports whether --json appears in args, so that an error found
// before the flags were all parsed is still printed as JSON.
func jsonAsked(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true", "--json=1":
			return true
		}
	}
	return false
}

// quietLogger drops go-redis's internal log lines.
type quietLogger struct{}

// Printf discards the line.
func (quietLogger) Printf(context.Context, string, ...any) {}
