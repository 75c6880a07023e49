package redistest

import (
	"os/exec"
	"regexp"
	"testing"

	"flashtop/localserver"
)

// Kind is a server program the harness runs: Redis or Valkey. Its methods
// start servers of that kind as the package functions (which run Redis) do;
// a missing program fails the test with its install hint, never a skip.
type Kind struct{ localserver.Kind }

// The servers flashtop supports, and every one of them (Kinds) for tests
// that run against each (EachKind).
var (
	Redis  = Kind{localserver.Redis}
	Valkey = Kind{localserver.Valkey}
	Kinds  = []Kind{Redis, Valkey}
)

// EachKind runs f as a subtest per supported server ("redis", "valkey"): a
// test parametrised by its server, not copied.
func EachKind(t *testing.T, f func(t *testing.T, k Kind)) {
	t.Helper()
	for _, k := range Kinds {
		t.Run(k.Name(), func(t *testing.T) { f(t, k) })
	}
}

// Start runs a server of kind k with extra arguments (see the package's
// Start).
func (k Kind) Start(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	ls, err := k.Kind.Start(tb.TempDir(), extraArgs...)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	s := &Server{Server: ls, tb: tb, Kind: k}
	tb.Cleanup(s.Stop)
	return s
}

// Version is the version the server binary of k prints ("v=8.0.1" as
// 8.0.1): what INFO must report as the server's own version.
func (k Kind) Version(tb testing.TB) string {
	tb.Helper()
	bin, err := k.Binary()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		tb.Fatalf("redistest: %s --version: %v", bin, err)
	}
	m := regexp.MustCompile(`v=(\S+)`).FindSubmatch(out)
	if m == nil {
		tb.Fatalf("redistest: no version in %q", out)
	}
	return string(m[1])
}
