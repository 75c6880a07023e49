package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

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

// docPages are the pages of docs/ the README sends its reader to for depth.
var docPages = []string{"architecture", "performance", "security", "cluster", "leaks", "commands"}

// TestREADMEIsTheOperatorsGuide: the README stays a guide of at most 300
// lines, with depth in docs/, every page of which it links.
func TestREADMEIsTheOperatorsGuide(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > 300 {
		t.Errorf("README.md has %d lines; at most 300: move depth to docs/", n)
	}
	for _, p := range docPages {
		if !strings.Contains(string(b), "](docs/"+p+".md") {
			t.Errorf("README.md does not link docs/%s.md", p)
		}
	}
}

// TestDocsLinksResolve: every relative link of the README and of docs/*.md
// names a file of the repository that exists, and an anchor names a heading
// of its page (GitHub's slugs).
func TestDocsLinksResolve(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "README.md")
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(outsideCode(string(b)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
			}
			abs, err := filepath.Abs(path)
			if rel, _ := filepath.Rel(root, abs); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				t.Errorf("%s: link %q leaves the repository", page, target)
				continue
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: link %q: %v", page, target, err)
				continue
			}
			if anchor == "" || !strings.HasSuffix(path, ".md") {
				continue
			}
			doc, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(headingSlugs(string(doc)), anchor) {
				t.Errorf("%s: link %q: %s has no heading #%s", page, target, path, anchor)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d relative links found: is the link pattern still right?", checked)
	}
}

// TestDocsPerformanceNamesItsCommand: the figures live in docs/performance.md
// with the command that makes them.
func TestDocsPerformanceNamesItsCommand(t *testing.T) {
	b, err := os.ReadFile("docs/performance.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "./perf/run.sh") {
		t.Error("docs/performance.md does not name ./perf/run.sh")
	}
}

// mdLink matches a Markdown link or image target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// outsideCode blanks fenced code blocks and code spans, where a "](" is text.
func outsideCode(doc string) string {
	var b strings.Builder
	fenced := false
	for line := range strings.SplitSeq(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			b.WriteString("\n")
			continue
		}
		if fenced {
			b.WriteString("\n")
			continue
		}
		b.WriteString(codeSpan.ReplaceAllString(line, "``") + "\n")
	}
	return b.String()
}

var codeSpan = regexp.MustCompile("`[^`]*`")

// headingSlugs returns the anchors GitHub gives the headings of doc:
// lower case, only letters, digits, '-', '_' and spaces kept, spaces as '-',
// and "-1", "-2"… after a repeated slug.
func headingSlugs(doc string) []string {
	var slugs []string
	seen := map[string]int{}
	fenced := false
	for line := range strings.SplitSeq(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var s strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				s.WriteRune(r)
			case r == ' ':
				s.WriteRune('-')
			}
		}
		slug := s.String()
		if n := seen[slug]; n > 0 {
			seen[slug]++
			slug = slug + "-" + strconv.Itoa(n)
		} else {
			seen[slug] = 1
		}
		slugs = append(slugs, slug)
	}
	return slugs
}
