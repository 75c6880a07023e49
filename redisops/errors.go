package redisops

import (
	"context"
	"crypto/x509"
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
