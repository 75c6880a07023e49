package scripts

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

// header returns the leading comment block of a Lua source (the contract).
func header(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "--") {
			break
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func luaFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.lua files found: %v", err)
	}
	sort.Strings(files)
	scripts := files[:0]
	for _, f := range files {
		if f != libFile {
			scripts = append(scripts, f)
		}
	}
	return scripts
}

// libFile holds the helpers loaded ahead of every script; it is no script.
const libFile = "lib.lua"

// TestLibIsSharedAndWritesNothing: the helpers live once, in lib.lua, which
// never writes, and every script is loaded with them and its own name.
func TestLibIsSharedAndWritesNothing(t *testing.T) {
	lib, err := os.ReadFile(libFile)
	if err != nil {
		t.Fatal(err)
	}
	writeRE := regexp.MustCompile(`(?i)redis\.call\('(SET|DEL|INCRBY|DECRBY|HSET|EXPIRE|ZADD|ZREM|ZPOPMIN)'`)
	if w := writeRE.FindString(string(lib)); w != "" {
		t.Errorf("lib.lua writes: %s", w)
	}
	defRE := regexp.MustCompile(`(?m)^local (function (\w+)|MAXN)`)
	for _, f := range luaFiles(t) {
		raw, _ := os.ReadFile(f)
		if d := defRE.FindString(string(raw)); d != "" {
			t.Errorf("%s defines %q again: shared helpers belong in lib.lua", f, d)
		}
		name := strings.TrimSuffix(f, ".lua")
		want := "local SCRIPT = '" + name + "'\n" + string(lib)
		if got := compose(name, string(raw)); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, string(raw)) {
			t.Errorf("%s is not loaded as its name, lib.lua, then the file", f)
		}
	}
}

// TestEveryFileHasItsContractHeader checks that each .lua file starts with a
// comment block naming every KEYS[i] and ARGV[i] its body uses, a Reply
// section, and every status word the body replies with.
func TestEveryFileHasItsContractHeader(t *testing.T) {
	refRE := regexp.MustCompile(`(KEYS|ARGV)\[(\d+)\]`)
	statusRE := regexp.MustCompile(`(?:return|local reply =) \{'([a-z_]+)'`)
	for _, f := range luaFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(raw)
		h := header(src)
		if !strings.HasPrefix(src, "-- "+f+":") {
			t.Errorf("%s: must start with %q", f, "-- "+f+": <what it does>")
		}
		for _, section := range []string{"-- KEYS[1]", "-- ARGV[1]", "-- Reply"} {
			if !strings.Contains(h, section) {
				t.Errorf("%s: header lacks %q", f, section)
			}
		}
		body := strings.TrimPrefix(src, h)
		for _, m := range refRE.FindAllString(body, -1) {
			if !strings.Contains(h, "-- "+m+" ") {
				t.Errorf("%s: body uses %s but the header does not document it", f, m)
			}
		}
		words := statusRE.FindAllStringSubmatch(body, -1)
		if len(words) == 0 {
			t.Errorf("%s: no status reply found in the body", f)
		}
		for _, w := range words {
			if !strings.Contains(h, `{"`+w[1]+`"`) {
				t.Errorf("%s: replies %q but the header does not document it", f, w[1])
			}
		}
	}
}

// TestAllMatchesTheFiles checks that All and Source cover exactly the .lua files.
func TestAllMatchesTheFiles(t *testing.T) {
	all := All()
	files := luaFiles(t)
	if len(all) != len(files) {
		t.Errorf("All() has %d scripts, there are %d .lua files", len(all), len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(f, ".lua")
		s, ok := all[name]
		if !ok || s == nil {
			t.Errorf("All() lacks %q", name)
			continue
		}
		raw, _ := os.ReadFile(f)
		src, ok := Source(name)
		if !ok || src != string(raw) {
			t.Errorf("Source(%q) differs from %s", name, f)
		}
	}
	if _, ok := Source("nope"); ok {
		t.Error(`Source("nope") reported a script`)
	}
}

// TestScriptsCompileOnRedis loads every script into a real redis-server: the
// server compiles it, and the SHA it returns is the one EVALSHA will use.
func TestScriptsCompileOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	for name, s := range All() {
		sha, err := s.Load(ctx, rdb).Result()
		if err != nil {
			t.Errorf("%s: SCRIPT LOAD: %v", name, err)
			continue
		}
		if sha != s.Hash() {
			t.Errorf("%s: server SHA %s, Script.Hash %s", name, sha, s.Hash())
		}
	}
}

// TestComposedIsWhatRuns: every script's composed source hashes to the SHA1
// EVALSHA uses, so a SCRIPT LOAD of it loads exactly that script.
func TestComposedIsWhatRuns(t *testing.T) {
	for name, s := range All() {
		sum := sha1.Sum([]byte(Composed(s)))
		if hex.EncodeToString(sum[:]) != s.Hash() {
			t.Errorf("%s: the composed source does not hash to %s", name, s.Hash())
		}
	}
}
