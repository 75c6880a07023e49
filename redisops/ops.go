package redisops

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// This file runs the scripts of the operation table (optable.go) and parses
// their replies: each operation's run (ops_hold.go, ops_stock.go,
// ops_queue.go, ledger.go) runs its script with Script.Run (EVALSHA, EVAL on
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
		StatusJoined, StatusLeft, StatusAdmitted, StatusStock, StatusQueued, StatusLength:
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
// means the backend's scripts are gone. Tried once per script and client;
// a refusal (an ACL without script|load) leaves EVALSHA's fallback to EVAL.
// A later SCRIPT FLUSH still costs one NOSCRIPT, as it does the backend.
func (c *Client) loadScript(ctx context.Context, s *redis.Script) {
	if c.loaded == nil {
		return
	}
	if _, done := c.loaded.LoadOrStore(s.Hash(), true); done {
		return
	}
	_ = s.Load(ctx, c.rdb).Err() // the script's own call reports any trouble
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

// maxArg renders an optional max for a script ("" = none); Do has checked it.
func maxArg(max *int64) string {
	if max == nil {
		return ""
	}
	return strconv.FormatInt(*max, 10)
}
