package read

import (
	"context"
	"strings"
	"testing"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// TestBackendScriptsWatched: on Redis and Valkey, a backend script that is
// loaded raises nothing; after SCRIPT FLUSH the next poll names it missing
// ("though it was at …"); a script never loaded is missing only while the
// backend's flash_sales:active set shows it running, in a poll and in a
// full snapshot; --backend-scripts none checks nothing.
func TestBackendScriptsWatched(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		sha := rdb.ScriptLoad(ctx, "return 'backend reserve'").Val()
		other := rdb.ScriptLoad(ctx, "return 'backend release'").Val()
		rdb.ScriptFlush(ctx) // "release" is not loaded from here on
		rdb.ScriptLoad(ctx, "return 'backend reserve'")
		scripts := []redisops.BackendScript{{Name: "reserve", SHA: sha}, {Name: "release", SHA: other}}
		c, err := redisops.New(redisops.Options{URL: srv.URL(), BackendScripts: scripts})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		missing := func(s *redisops.Snapshot) []string {
			var out []string
			for _, a := range s.Anomalies {
				if a.Kind == redisops.AnomalyBackendScriptsMissing {
					out = append(out, a.Key+": "+a.Detail)
				}
			}
			return out
		}
		tick := func() []string {
			t.Helper()
			s, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return missing(s)
		}
		if m := tick(); len(m) != 0 {
			t.Fatalf("no sign of the backend, yet %q", m)
		}
		rdb.SAdd(ctx, redisops.ActiveSalesKey, "s1")
		rdb.Set(ctx, "inventory:s1", 10, 0)
		m := tick()
		if len(m) != 1 || !strings.HasPrefix(m[0], "release "+other+": the backend's release script is not loaded, though the backend's flash_sales:active set shows it running") ||
			!strings.Contains(m[0], "redis-cli -x SCRIPT LOAD < release.lua") {
			t.Fatalf("never loaded while the backend runs: %q", m)
		}
		full, err := Full(ctx, c, redisops.SnapshotOptions{})
		if err != nil || len(missing(full)) != 1 {
			t.Fatalf("full snapshot: %v %q", err, missing(full))
		}
		rdb.ScriptFlush(ctx)
		m = tick()
		if len(m) != 2 || !strings.Contains(m[1], "reserve script is not loaded, though it was at ") {
			t.Fatalf("after SCRIPT FLUSH: %q", m)
		}
		off, err := redisops.New(redisops.Options{URL: srv.URL(), BackendScripts: []redisops.BackendScript{}})
		if err != nil {
			t.Fatal(err)
		}
		defer off.Close()
		if s, err := Full(ctx, off, redisops.SnapshotOptions{}); err != nil || len(missing(s)) != 0 {
			t.Fatalf("--backend-scripts none: %v %q", err, missing(s))
		}
	})
}

// TestBackendScriptsRefused: a user without script|exists cannot tell
// whether the scripts are loaded: the snapshot says so (unreadable
// backend_scripts), never "no anomaly".
func TestBackendScriptsRefused(t *testing.T) {
	srv := redistest.Start(t)
	url := srv.SetUser(t, "blind", "pw", "~*", "&*", "+@all", "-script|exists")
	c, err := redisops.New(redisops.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := Full(context.Background(), c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u := s.Unreadable; len(u) != 1 || u[0].What != redisops.UnreadScripts || !strings.Contains(u[0].Reason, "NOPERM") {
		t.Fatalf("unreadable %+v, want backend_scripts NOPERM", u)
	}
	// The poller asks once, then says "unknown" every tick without asking
	// again for a while: one NOPERM in the server's counts, not one a tick.
	rdb := srv.Client(t)
	rdb.ConfigResetStat(context.Background())
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	for i := range 5 {
		snap, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if u := snap.Unreadable; len(u) != 1 || u[0].What != redisops.UnreadScripts {
			t.Fatalf("tick %d: unreadable %+v, want backend_scripts", i, u)
		}
	}
	if e := rdb.Info(context.Background(), "errorstats").Val(); !strings.Contains(e, "errorstat_NOPERM:count=1\r\n") {
		t.Errorf("errorstats after 5 ticks: %q, want one NOPERM", e)
	}
}
