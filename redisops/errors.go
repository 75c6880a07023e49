package redisops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
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

// ErrInput is wrapped by errors in arguments checked before anything is sent.
var ErrInput = errors.New("redisops: bad input")
