package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"flashtop/ui/keys"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's key table from the key map")

const (
	keysStart = "<!-- keys:start -->\n"
	keysEnd   = "<!-- keys:end -->"
)

// TestREADMEKeyTableMatchesKeyMap keeps the README's key table generated from
// the key map: `go test -run READMEKey . -update-readme` rewrites it.
func TestREADMEKeyTableMatchesKeyMap(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, keysStart), strings.Index(doc, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", keysStart, keysEnd)
	}
	want := keys.MarkdownTable()
	got := doc[i+len(keysStart) : j]
	if got == want {
		return
	}
	if *updateReadme {
		doc = doc[:i+len(keysStart)] + want + doc[j:]
		if err := os.WriteFile("README.md", []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README.md's key table differs from the key map; run `go test -run READMEKey . -update-readme`.\nwant:\n%s\ngot:\n%s", want, got)
}

// TestREADMEShowsTheTwoCommands: the first thing a new user reads.
func TestREADMEShowsTheTwoCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"go run . --demo", "./test.sh"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("README.md does not show %q", s)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil || !strings.Contains(string(ci), "./test.sh") {
		t.Errorf(".ci/run does not run the README's test command (%v)", err)
	}
}
