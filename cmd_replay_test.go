package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIReplayRefusesBadRecordings: a replay needs a readable recording
// with at least one snapshot; anything else is bad input (exit 2), found
// before the dashboard opens.
func TestCLIReplayRefusesBadRecordings(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"taken_at\":\"2026-01-01T00:00:00Z\"}\nnot a snapshot\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "missing.jsonl"): "no such file",
		bad:                                 "line 2 is not a snapshot",
	} {
		if o := runCLI(t, nil, "replay", file); o.code != 2 || !strings.Contains(o.stderr, want) {
			t.Errorf("replay %s: %+v, want exit 2 and %q", file, o, want)
		}
	}
	if o := runCLI(t, nil, "replay", "a", "b"); o.code != 2 || !strings.Contains(o.stderr, "replay needs one FILE") {
		t.Errorf("two files: %+v", o)
	}
	if o := runCLI(t, nil, "help", "replay"); o.code != 0 || !strings.Contains(o.stdout, "replay FILE") {
		t.Errorf("help replay: %+v", o)
	}
}
