package redisops

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// Error kinds. Every error a Client returns from Redis wraps exactly one of
// these, so callers (the CLI's exit code 3, the dashboard's banner) can tell
// them apart with errors.Is.
var (
	// ErrUnreachable: no connection (refused, timed out, closed).
	ErrUnreachable = errors.New("redisops: Redis unreachable")
	// ErrAuth: wrong user name or password, or a password is needed.
	ErrAuth = errors.New("redisops: authentication failed")
	// ErrNoPerm: the ACL user may not run a command or touch a key.
	ErrNoPerm = errors.New("redisops: permission denied")
	// ErrServer: any other error reply (including a script's error reply).
	ErrServer = errors.New("redisops: server error")
)

// Classify wraps a go-redis error into one of the error kinds above. nil stays nil.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	for _, k := range []error{ErrUnreachable, ErrAuth, ErrNoPerm, ErrServer, ErrInput} {
		if errors.Is(err, k) {
			return err
		}
	}
	msg := err.Error()
	if hint, ok := tlsHint(err); ok {
		return fmt.Errorf("%w: %s: %s", ErrUnreachable, hint, msg)
	}
	var netErr net.Error
	switch {
	case strings.HasPrefix(msg, "WRONGPASS"), strings.HasPrefix(msg, "NOAUTH"),
		strings.Contains(msg, "invalid username-password"), strings.Contains(msg, "AUTH <password> called without any password"):
		return fmt.Errorf("%w: %s", ErrAuth, msg)
	case strings.HasPrefix(msg, "NOPERM"):
		return fmt.Errorf("%w: %s", ErrNoPerm, msg)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &netErr), strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "EOF"), strings.Contains(msg, "connection reset"),
		strings.Contains(msg, "closed"), strings.Contains(msg, "no such host"),
		strings.Contains(msg, "LOADING"):
		return fmt.Errorf("%w: %s", ErrUnreachable, msg)
	default:
		return fmt.Errorf("%w: %s", ErrServer, msg)
	}
}

// tlsHint explains a failed TLS handshake in words a user can act on.
func tlsHint(err error) (string, bool) {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	msg := err.Error()
	switch {
	case errors.As(err, &unknown), strings.Contains(msg, "certificate signed by unknown authority"):
		return "the server's TLS certificate is not trusted (give its CA with --tls-ca FILE, or --tls-insecure to skip the check)", true
	case errors.As(err, &hostErr), strings.Contains(msg, "x509: certificate is valid for"):
		return "the server's TLS certificate does not name this host", true
	case errors.As(err, &invalid), strings.Contains(msg, "x509: certificate has expired"):
		return "the server's TLS certificate is not valid", true
	case strings.Contains(msg, "tls: certificate required"), strings.Contains(msg, "tls: bad certificate"),
		strings.Contains(msg, "tls: unknown certificate authority"):
		return "the server refused the client certificate (give one with --tls-cert and --tls-key)", true
	case strings.Contains(msg, "tls: first record does not look like a TLS handshake"):
		return "the server does not speak TLS (use redis:// instead of rediss://)", true
	}
	return "", false
}

// ErrInput is wrapped by errors in arguments checked before anything is sent.
var ErrInput = errors.New("redisops: bad input")

// ErrUnknownOutcome is wrapped by the error of a write that may have reached
// the server and got no reply: its connection timed out or broke after the
// command could have been written, so it may have been applied (a stopped
// server runs it when it resumes). Such an error wraps ErrUnreachable too
// (exit 3). Writes are never retried on such a failure (a retry could apply
// them twice); the error names the read that tells (OutcomeError.Check).
var ErrUnknownOutcome = errors.New("redisops: outcome unknown")

// OutcomeError is the error of a write whose outcome is unknown.
type OutcomeError struct {
	// Check is the command that tells whether the write was applied, e.g.
	// "flashtop inventory get --sale s1"; "" when there is none.
	Check string
	// Err is the classified cause, an ErrUnreachable error.
	Err error
}

// Error says that the write may have been applied and how to check, then why.
func (e *OutcomeError) Error() string {
	return ErrUnknownOutcome.Error() + ": " + e.Hint() + "; no reply: " + strings.TrimPrefix(e.Err.Error(), ErrUnreachable.Error()+": ")
}

// Hint is "may have been applied: check with `<Check>`".
func (e *OutcomeError) Hint() string {
	if e.Check == "" {
		return "may have been applied"
	}
	return "may have been applied: check with `" + e.Check + "`"
}

// Unwrap gives ErrUnknownOutcome and the cause (so errors.Is finds
// ErrUnreachable).
func (e *OutcomeError) Unwrap() []error { return []error{ErrUnknownOutcome, e.Err} }

// classifyWrite classifies the error of a write (Classify) and, when the
// command may have been sent (mayHaveBeenSent), makes it an OutcomeError
// naming check.
func classifyWrite(err error, check string) error {
	c := Classify(err)
	if err == nil || !mayHaveBeenSent(err) {
		return c
	}
	return &OutcomeError{Check: check, Err: c}
}

// mayHaveBeenSent reports whether a failed call may have reached the
// server: a read or write on its connection failed (a timeout, a reset, an
// EOF mid-reply). A failed dial, a full pool, a closed client, an
// interrupt before sending, a TLS mismatch and any reply from the server
// (an error reply is an outcome: a script that errors writes nothing) are
// outcomes known not to have applied the write. When it cannot tell, it
// says yes: "may have been applied" is the safe answer.
func mayHaveBeenSent(err error) bool {
	var op *net.OpError
	var mismatch *mismatchError
	switch {
	case errors.As(err, &mismatch), strings.Contains(err.Error(), "redis: Conn is in a bad state"): // a Conn failed before: not sent
		return false
	case errors.As(err, &op):
		return op.Op != "dial"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return true
	}
	return false
}

// What an error reply means for a read: blind (Unreadable, listed in the
// snapshot, never shown as empty data) or data, and what the read could not
// see. The reads themselves are package flashtop/redisops/read.

// IsReplyError reports an error reply of the server (or redis.Nil), as
// opposed to a connection error.
func IsReplyError(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

// What a snapshot could not read (Unreadable.What). A blind read is never
// reported as empty data (DESIGN.md §5, CONVENTIONS.md 20): what is listed
// here is left at zero, or null, in the snapshot, and counts that depend on
// it count only what could be read.
const (
	UnreadServer  = "server"       // INFO: memory, clients, ops/s, hits… are unknown
	UnreadSlowlog = "slowlog"      // SLOWLOG GET: an empty slowlog says nothing
	UnreadActive  = "active_sales" // flash_sales:active (SSCAN)
	UnreadStock   = "stock"        // stock keys (TYPE, GETRANGE): inventory null says nothing
	UnreadQueues  = "queues"       // queue keys (ZCARD, ZRANGE, TYPE)
	UnreadHolds   = "holds"        // hold keys (HMGET, GETRANGE, PTTL, TYPE): counts and units leave them out
)

// KeyFamily reports whether u is about keys of the stock, queue or hold
// family: what counts, anomalies and audit are made of.
func (u Unreadable) KeyFamily() bool {
	switch u.What {
	case UnreadStock, UnreadQueues, UnreadHolds:
		return true
	}
	return false
}

// IsBlind reports an error reply that means a value could not be read: not
// redis.Nil (no such key: data), not WRONGTYPE (a key of another type: data,
// reported as wrong_type), and not a connection error (which fails the read
// as a whole). NOPERM, a proxy's -ERR and the like are blind.
func IsBlind(err error) bool {
	if err == nil || errors.Is(err, redis.Nil) || !IsReplyError(err) {
		return false
	}
	return !strings.HasPrefix(err.Error(), "WRONGTYPE")
}

// PipelineErr is what a pipeline's Exec error means for the read: nil when it is
// an error reply that one of cmds carries (it stays there, as data or as
// unreadable), else the error, classified. A connection that could not be
// set up (AUTH refused after a password change, CLIENT SETNAME refused, a
// proxy answering -ERR to HELLO) makes Exec return an error reply while no
// command has a reply at all: their zero values are not data.
func PipelineErr(cmds []redis.Cmder, err error) error {
	if err == nil {
		return nil
	}
	if IsReplyError(err) {
		for _, c := range cmds {
			if c.Err() != nil {
				return nil
			}
		}
	}
	return Classify(err)
}

// MergeUnreadable joins lists of unreadables: one entry per kind, the first
// reason, the most keys (lists may see the same keys: a stock key read by the
// walk and by the tick). The result is sorted by kind, never nil.
func MergeUnreadable(lists ...[]Unreadable) []Unreadable {
	by := map[string]Unreadable{}
	for _, l := range lists {
		for _, e := range l {
			if have, ok := by[e.What]; ok {
				e.Reason = have.Reason
				e.Keys = max(e.Keys, have.Keys)
			}
			by[e.What] = e
		}
	}
	out := make([]Unreadable, 0, len(by))
	for _, e := range by {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Unreadable) int { return cmp.Compare(a.What, b.What) })
	return out
}
