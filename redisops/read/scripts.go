package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The backend's scripts: SCRIPT EXISTS of each (Options.BackendScripts) on
// every master, in the tick's pipeline and in the full read; a script not
// loaded is backend_scripts_missing when it was seen loaded before (the
// client remembers when: Client.NoteScripts) or while the backend's
// flash_sales:active set shows it running.

// queueScripts adds SCRIPT EXISTS of c's backend scripts to a node's
// pipeline (nil when there is nothing to check).
func queueScripts(ctx context.Context, c *redisops.Client, p redis.Pipeliner) *redis.BoolSliceCmd {
	scripts := c.BackendScripts()
	if len(scripts) == 0 {
		return nil
	}
	shas := make([]string, len(scripts))
	for i, s := range scripts {
		shas[i] = s.SHA
	}
	return p.ScriptExists(ctx, shas...)
}

// scriptAnomalies reads the reply of node's SCRIPT EXISTS at now. A script
// not loaded is an anomaly when it was seen loaded before, or when running
// says the backend is there (its flash_sales:active set is not empty). A
// refused check is returned as blind (the caller notes it unreadable).
func scriptAnomalies(c *redisops.Client, node string, cmd *redis.BoolSliceCmd, running bool, now time.Time, nodes int) (an []redisops.Anomaly, blind error) {
	if cmd == nil {
		return nil, nil
	}
	scripts := c.BackendScripts()
	loaded, err := cmd.Result()
	if err != nil || len(loaded) != len(scripts) {
		if redisops.IsBlind(err) {
			return nil, err
		}
		return nil, nil // a connection error fails the poll elsewhere
	}
	last := c.NoteScripts(node, loaded, now)
	for i, s := range scripts {
		if loaded[i] {
			continue
		}
		was := !last[i].IsZero()
		if !was && !running {
			continue // no sign of the backend: nothing is broken
		}
		an = append(an, missingScript(s, node, nodes, last[i], was))
	}
	return an, nil
}

// missingScript is the anomaly of a script s not loaded on node.
func missingScript(s redisops.BackendScript, node string, nodes int, last time.Time, was bool) redisops.Anomaly {
	where := ""
	if nodes > 1 {
		where = " on " + node
	}
	why := "though the backend's flash_sales:active set shows it running"
	if was {
		why = "though it was at " + last.UTC().Format("15:04:05") + " (a SCRIPT FLUSH or a restart since?)"
	}
	return redisops.Anomaly{Kind: redisops.AnomalyBackendScriptsMissing, Key: s.Name + " " + s.SHA,
		Detail: fmt.Sprintf("the backend's %s script is not loaded%s, %s: its reserve and release answer NOSCRIPT "+
			"(HTTP 500) until it restarts or the script is loaded with its exact file bytes: redis-cli -x SCRIPT LOAD < %s.lua",
			s.Name, where, why, s.Name)}
}

// checkScripts adds to snap the backend_scripts_missing anomalies of every
// master (one SCRIPT EXISTS each), running being whether the backend's
// flash_sales:active set is not empty; a refusal is noted unreadable.
func checkScripts(ctx context.Context, c *redisops.Client, snap *redisops.Snapshot, running bool) error {
	if len(c.BackendScripts()) == 0 {
		return nil
	}
	now := snap.TakenAt
	var mu sync.Mutex
	u := newUnreadSet()
	one := func(ctx context.Context, node redis.Cmdable, addr string, nodes int) error {
		rctx, cancel := withTimeout(ctx, c)
		defer cancel()
		pipe := node.Pipeline()
		cmd := queueScripts(rctx, c, pipe)
		if err := redisops.PipelineErr(pipe.Exec(rctx)); err != nil {
			return err
		}
		an, blind := scriptAnomalies(c, addr, cmd, running, now, nodes)
		mu.Lock()
		defer mu.Unlock()
		snap.Anomalies = append(snap.Anomalies, an...)
		if blind != nil {
			u.note(redisops.UnreadScripts, blind)
		}
		return nil
	}
	var err error
	if cc, ok := c.Redis().(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return one(ctx, node, node.Options().Addr, len(snap.Nodes))
		})
	} else {
		addr := ""
		if rc, ok := c.Redis().(*redis.Client); ok {
			addr = rc.Options().Addr // the poller's key of the node: one memory of what was loaded
		}
		err = one(ctx, c.Redis(), addr, 1)
	}
	if err != nil {
		return redisops.Classify(err)
	}
	snap.Anomalies = dedupeAnomalies(snap.Anomalies)
	snap.Unreadable = redisops.MergeUnreadable(snap.Unreadable, u.list())
	return nil
}

// checkScripts adds the backend_scripts_missing anomalies of each node's
// SCRIPT EXISTS, the backend being there when its active set (as read this
// tick) is not empty.
func (pl *plan) checkScripts(p *Poller, snap *redisops.Snapshot) {
	running := len(p.active.ids()) > 0
	sent := false
	var refused error
	for _, np := range pl.nodes {
		if np.scripts == nil {
			continue
		}
		sent = true
		an, blind := scriptAnomalies(p.Client, np.pn.addr, np.scripts, running, snap.TakenAt, len(pl.nodes))
		snap.Anomalies = append(snap.Anomalies, an...)
		if blind != nil {
			refused = pl.nodeErr(np, blind)
			pl.unread.note(redisops.UnreadScripts, refused)
		}
	}
	switch {
	case sent && refused != nil:
		p.scriptsBlind, p.scriptsRetry = refused, p.o.Now().Add(scriptsRetryAfter)
	case sent:
		p.scriptsBlind = nil
	case p.scriptsBlind != nil: // not asked this tick: still unknown, for the same reason
		pl.unread.note(redisops.UnreadScripts, p.scriptsBlind)
	}
}

// scriptsRetryAfter is how long a refused SCRIPT EXISTS waits before it is
// sent again (an ACL may be changed meanwhile).
const scriptsRetryAfter = 5 * time.Minute
