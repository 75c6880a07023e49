package cli

import (
	"os"
	"strings"
	"testing"
)

// TestDocsKeepTheWatcherACL: docs/cluster.md gives the read-only user that
// the security tests run, word for word.
func TestDocsKeepTheWatcherACL(t *testing.T) {
	b, err := os.ReadFile("../../docs/cluster.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n"+watcherACL+"\n") {
		t.Errorf("docs/cluster.md does not give the watcher's ACL of security_test.go:\n%s", watcherACL)
	}
}
