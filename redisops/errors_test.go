package redisops

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestClassifyKinds(t *testing.T) {
	for _, c := range []struct {
		err  error
		kind error
		want string
	}{
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), ErrAuth, "WRONGPASS"},
		{errors.New("NOAUTH Authentication required."), ErrAuth, "NOAUTH"},
		{errors.New("NOPERM this user has no permissions to run the 'evalsha' command"), ErrNoPerm, "evalsha"},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), ErrUnreachable, "deadline"},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), ErrUnreachable, "refused"},
		{errors.New("LOADING Redis is loading the dataset in memory"), ErrUnreachable, "LOADING"},
		{errors.New("ERR unknown command"), ErrServer, "unknown command"},
		{fmt.Errorf("tls: failed to verify certificate: %w", x509.UnknownAuthorityError{}), ErrUnreachable, "not trusted (give its CA with --tls-ca"},
		{errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), ErrUnreachable, "--tls-ca"},
		{errors.New("x509: certificate is valid for redis.internal, not redis.flashtop.invalid"), ErrUnreachable, "does not name this host"},
		{errors.New("remote error: tls: certificate required"), ErrUnreachable, "--tls-cert and --tls-key"},
		{errors.New("tls: first record does not look like a TLS handshake"), ErrUnreachable, "redis:// instead of rediss://"},
	} {
		got := Classify(c.err)
		if !errors.Is(got, c.kind) || !strings.Contains(got.Error(), c.want) {
			t.Errorf("Classify(%q) = %q, want %v with %q", c.err, got, c.kind, c.want)
		}
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) must stay nil")
	}
	once := Classify(errors.New("NOPERM x"))
	if again := Classify(once); again != once { //nolint:errorlint // the very same error value, not one that wraps it
		t.Errorf("a classified error is wrapped again: %q", again)
	}
}
