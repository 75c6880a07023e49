package redisops

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

// redactedArg replaces a secret argument in a SLOWLOG entry.
const redactedArg = "***"

// SlowEntries converts SLOWLOG GET entries, keeping their order (newest first,
// as Redis gives them), redacting secret arguments with RedactArgs and every
// argument after a key of the session family (a slow SETEX of a session must
// not show its bearer token).
func SlowEntries(logs []redis.SlowLog, session Template) []SlowEntry {
	out := make([]SlowEntry, 0, len(logs))
	for _, l := range logs {
		out = append(out, SlowEntry{
			ID:         l.ID,
			Time:       l.Time,
			DurationUs: l.Duration.Microseconds(),
			Args:       redactSessions(RedactArgs(l.Args), session),
			ClientAddr: l.ClientAddr,
			ClientName: l.ClientName,
		})
	}
	return out
}

// Slowlog runs SLOWLOG GET n and returns the entries, newest first, with
// secret arguments redacted. Errors wrap one of the error kinds of errors.go.
func (c *Client) Slowlog(ctx context.Context, n int64) ([]SlowEntry, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	logs, err := c.rdb.SlowLogGet(ctx, n).Result()
	if err != nil {
		return nil, Classify(err)
	}
	return SlowEntries(logs, c.schema.Session), nil
}

// redactSessions replaces every argument after the first session key with
// redactedArg, in place (args is RedactArgs' own copy).
func redactSessions(args []string, session Template) []string {
	for i := 1; i < len(args); i++ {
		if _, _, ok := session.Parse(args[i]); ok {
			for j := i + 1; j < len(args); j++ {
				args[j] = redactedArg
			}
			break
		}
	}
	return args
}

// secretConfigParams are CONFIG SET parameters whose values are secrets.
var secretConfigParams = map[string]bool{
	"requirepass": true, "masterauth": true, "masteruser": true,
	"tls-key-file-pass": true, "tls-client-key-file-pass": true,
}

// RedactArgs returns a copy of a command's arguments with secrets replaced by
// "***" (command names and options are matched case-insensitively):
//
//	AUTH pass / AUTH user pass                 the password
//	HELLO [protover] ... AUTH user pass        the password
//	ACL SETUSER user ... >pass <pass #h !h     everything after the rule's first character
//	CONFIG SET requirepass|masterauth|masteruser|tls-*-pass value  the value
//	MIGRATE ... AUTH pass / AUTH2 user pass    the password
//
// User names are kept. The input is never modified.
func RedactArgs(args []string) []string {
	out := make([]string, len(args)) // never nil: JSON "args": []
	copy(out, args)
	if len(out) == 0 {
		return out
	}
	switch strings.ToUpper(out[0]) {
	case "AUTH":
		if len(out) > 1 {
			out[len(out)-1] = redactedArg // AUTH pass | AUTH user pass
		}
		if len(out) > 3 { // malformed: hide everything
			redactFrom(out, 1)
		}
	case "HELLO":
		redactHello(out)
	case "ACL":
		if len(out) > 2 && strings.EqualFold(out[1], "SETUSER") {
			for i := 3; i < len(out); i++ {
				if r := out[i]; r != "" && strings.ContainsAny(r[:1], "><#!") {
					out[i] = r[:1] + redactedArg
				}
			}
		}
	case "CONFIG":
		if len(out) > 2 && strings.EqualFold(out[1], "SET") {
			for i := 2; i+1 < len(out); i += 2 {
				if secretConfigParams[strings.ToLower(out[i])] {
					out[i+1] = redactedArg
				}
			}
		}
	case "MIGRATE":
		redactMigrate(out)
	}
	return out
}

func redactFrom(args []string, i int) {
	for ; i < len(args); i++ {
		args[i] = redactedArg
	}
}

// redactHello handles HELLO [protover [AUTH user pass] [SETNAME name]].
func redactHello(args []string) {
	for i := 1; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "AUTH":
			if i+2 < len(args) {
				args[i+2] = redactedArg
			} else {
				redactFrom(args, i+1)
			}
			i += 2
		case "SETNAME":
			i++
		}
	}
}

// redactMigrate handles MIGRATE host port key db timeout [COPY] [REPLACE]
// [AUTH pass | AUTH2 user pass] [KEYS key ...].
func redactMigrate(args []string) {
	for i := 6; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "AUTH":
			if i+1 < len(args) {
				args[i+1] = redactedArg
			}
			i++
		case "AUTH2":
			if i+2 < len(args) {
				args[i+2] = redactedArg
			} else {
				redactFrom(args, i+1)
			}
			i += 2
		case "KEYS":
			return
		}
	}
}
