package redisops

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// BackendScript is one of the backend's Lua scripts: its name and the SHA1
// of its file's bytes, which the backend calls with EVALSHA.
type BackendScript struct {
	Name string
	SHA  string
}

// DefaultBackendScripts are the backend's three scripts
// (backend-contract.md): decrement, reserve and release.
var DefaultBackendScripts = []BackendScript{
	{Name: "decrement", SHA: "8c7fee765cce486bd8072b7e4232ae22646b29f5"},
	{Name: "reserve", SHA: "523d9c9b29aa349c788978c55ee1eea82ee472eb"},
	{Name: "release", SHA: "c4407aa41f98f53941929dbed5152132482933e9"},
}

// UnreadScripts is what a snapshot could not read when SCRIPT EXISTS was refused (an ACL without script|exists):
// whether the backend's scripts are loaded is unknown.
const UnreadScripts = "backend_scripts"

var (
	shaRE        = regexp.MustCompile(`^[0-9a-f]{40}$`)
	scriptNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
)

// ParseBackendScripts parses --backend-scripts: "none" (no check), or
// comma-separated name=sha1 pairs ("reserve=523d9c9b…,release=c4407aa4…");
// the SHA1s are 40 lowercase hex digits.
func ParseBackendScripts(s string) ([]BackendScript, error) {
	if strings.TrimSpace(s) == "none" {
		return []BackendScript{}, nil
	}
	var out []BackendScript
	for part := range strings.SplitSeq(s, ",") {
		name, sha, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok || !scriptNameRE.MatchString(name):
			return nil, inputErr("--backend-scripts", "each script is name=sha1 with a name of letters, digits, - or _ (got %q), or none", part)
		case !shaRE.MatchString(sha):
			return nil, inputErr("--backend-scripts", "%s: a SHA1 is 40 lowercase hex digits (got %q)", name, sha)
		}
		out = append(out, BackendScript{Name: name, SHA: sha})
	}
	if len(out) > 16 {
		return nil, inputErr("--backend-scripts", "at most 16 scripts (got %d)", len(out))
	}
	return out, nil
}

// scriptsSeen remembers, per node, when each of the backend's scripts was
// last seen loaded, across every read of one client (the dashboard's ticks
// and a full snapshot alike), so that a script that goes away (a SCRIPT
// FLUSH, a restart) is told apart from one never loaded. The check itself,
// SCRIPT EXISTS and the backend_scripts_missing anomaly, is the reads'
// (flashtop/redisops/read).
type scriptsSeen struct {
	scripts []BackendScript
	mu      sync.Mutex
	seen    map[string]map[string]time.Time // node → SHA1 → last seen loaded (server time)
}

func newScriptsSeen(scripts []BackendScript) *scriptsSeen {
	return &scriptsSeen{scripts: scripts, seen: map[string]map[string]time.Time{}}
}

// BackendScripts are the backend's scripts the client's reads check
// (Options.BackendScripts; empty: no check).
func (c *Client) BackendScripts() []BackendScript {
	if c.scripts == nil {
		return nil
	}
	return c.scripts.scripts
}

// NoteScripts records SCRIPT EXISTS of BackendScripts on node at now
// (server time; loaded[i] is script i's answer) and returns, for each script
// not loaded, when node was last seen to have it (zero: never).
func (c *Client) NoteScripts(node string, loaded []bool, now time.Time) (last []time.Time) {
	w := c.scripts
	last = make([]time.Time, len(loaded))
	if w == nil {
		return last
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen[node]
	if seen == nil {
		seen = map[string]time.Time{}
		w.seen[node] = seen
	}
	for i, s := range w.scripts[:min(len(w.scripts), len(loaded))] {
		if loaded[i] {
			seen[s.SHA] = now
			continue
		}
		last[i] = seen[s.SHA]
	}
	return last
}
