package redisops

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
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

// UnreadScripts: SCRIPT EXISTS was refused (an ACL without script|exists):
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

// scriptWatch remembers, per node, when each of the backend's scripts was
// last seen loaded, so that one that goes away (a SCRIPT FLUSH, a restart)
// is told apart from one never loaded.
type scriptWatch struct {
	scripts []BackendScript
	mu      sync.Mutex
	seen    map[string]map[string]time.Time // node → SHA1 → last seen loaded (server time)
}

func newScriptWatch(scripts []BackendScript) *scriptWatch {
	return &scriptWatch{scripts: scripts, seen: map[string]map[string]time.Time{}}
}

// queue adds SCRIPT EXISTS of the scripts to a node's pipeline (nil when
// there is nothing to check).
func (w *scriptWatch) queue(ctx context.Context, p redis.Pipeliner) *redis.BoolSliceCmd {
	if w == nil || len(w.scripts) == 0 {
		return nil
	}
	shas := make([]string, len(w.scripts))
	for i, s := range w.scripts {
		shas[i] = s.SHA
	}
	return p.ScriptExists(ctx, shas...)
}

// check reads the reply of node's SCRIPT EXISTS at now. A script not loaded
// is an anomaly when it was seen loaded before, or when running says the
// backend is there (its flash_sales:active set is not empty). A refused
// check is returned as blind (the caller notes it unreadable).
func (w *scriptWatch) check(node string, cmd *redis.BoolSliceCmd, running bool, now time.Time, nodes int) (an []Anomaly, blind error) {
	if cmd == nil {
		return nil, nil
	}
	loaded, err := cmd.Result()
	if err != nil || len(loaded) != len(w.scripts) {
		if blindErr(err) {
			return nil, err
		}
		return nil, nil // a connection error fails the poll elsewhere
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen[node]
	if seen == nil {
		seen = map[string]time.Time{}
		w.seen[node] = seen
	}
	for i, s := range w.scripts {
		if loaded[i] {
			seen[s.SHA] = now
			continue
		}
		last, was := seen[s.SHA]
		if !was && !running {
			continue // no sign of the backend: nothing is broken
		}
		an = append(an, missingScript(s, node, nodes, last, was))
	}
	return an, nil
}

// missingScript is the anomaly of a script s not loaded on node.
func missingScript(s BackendScript, node string, nodes int, last time.Time, was bool) Anomaly {
	where := ""
	if nodes > 1 {
		where = " on " + node
	}
	why := "though the backend's flash_sales:active set shows it running"
	if was {
		why = "though it was at " + last.UTC().Format("15:04:05") + " (a SCRIPT FLUSH or a restart since?)"
	}
	return Anomaly{Kind: AnomalyBackendScriptsMissing, Key: s.Name + " " + s.SHA,
		Detail: fmt.Sprintf("the backend's %s script is not loaded%s, %s: its reserve and release answer NOSCRIPT "+
			"(HTTP 500) until it restarts or the script is loaded with its exact file bytes: redis-cli -x SCRIPT LOAD < %s.lua",
			s.Name, where, why, s.Name)}
}

// checkScripts adds to snap the backend_scripts_missing anomalies of every
// master (one SCRIPT EXISTS each), running being whether the backend's
// flash_sales:active set is not empty; a refusal is noted unreadable.
func (c *Client) checkScripts(ctx context.Context, snap *Snapshot, running bool) error {
	if c.scripts == nil || len(c.scripts.scripts) == 0 {
		return nil
	}
	now := snap.TakenAt
	var mu sync.Mutex
	u := newUnreadSet()
	one := func(ctx context.Context, node redis.Cmdable, addr string, nodes int) error {
		rctx, cancel := c.withTimeout(ctx)
		defer cancel()
		pipe := node.Pipeline()
		cmd := c.scripts.queue(rctx, pipe)
		if err := pipeErr(pipe.Exec(rctx)); err != nil {
			return err
		}
		an, blind := c.scripts.check(addr, cmd, running, now, nodes)
		mu.Lock()
		defer mu.Unlock()
		snap.Anomalies = append(snap.Anomalies, an...)
		if blind != nil {
			u.note(UnreadScripts, blind)
		}
		return nil
	}
	var err error
	if cc, ok := c.rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return one(ctx, node, node.Options().Addr, len(snap.Nodes))
		})
	} else {
		err = one(ctx, c.rdb, "", 1)
	}
	if err != nil {
		return Classify(err)
	}
	snap.Anomalies = dedupeAnomalies(snap.Anomalies)
	snap.Unreadable = MergeUnreadable(snap.Unreadable, u.list())
	return nil
}
