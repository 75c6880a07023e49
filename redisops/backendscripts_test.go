package redisops

import (
	"context"
	"strings"
	"testing"

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
		scripts := []BackendScript{{Name: "reserve", SHA: sha}, {Name: "release", SHA: other}}
		c, err := New(Options{URL: srv.URL(), BackendScripts: scripts})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		missing := func(s *Snapshot) []string {
			var out []string
			for _, a := range s.Anomalies {
				if a.Kind == AnomalyBackendScriptsMissing {
					out = append(out, a.Key+": "+a.Detail)
				}
			}
			return out
		}
		tick := func() []string {
			t.Helper()
			s, err := p.Snapshot(ctx, SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return missing(s)
		}
		if m := tick(); len(m) != 0 {
			t.Fatalf("no sign of the backend, yet %q", m)
		}
		rdb.SAdd(ctx, ActiveSalesKey, "s1")
		rdb.Set(ctx, "inventory:s1", 10, 0)
		m := tick()
		if len(m) != 1 || !strings.HasPrefix(m[0], "release "+other+": the backend's release script is not loaded, though the backend's flash_sales:active set shows it running") ||
			!strings.Contains(m[0], "redis-cli -x SCRIPT LOAD < release.lua") {
			t.Fatalf("never loaded while the backend runs: %q", m)
		}
		full, err := c.Snapshot(ctx, SnapshotOptions{})
		if err != nil || len(missing(full)) != 1 {
			t.Fatalf("full snapshot: %v %q", err, missing(full))
		}
		rdb.ScriptFlush(ctx)
		m = tick()
		if len(m) != 2 || !strings.Contains(m[1], "reserve script is not loaded, though it was at ") {
			t.Fatalf("after SCRIPT FLUSH: %q", m)
		}
		off, err := New(Options{URL: srv.URL(), BackendScripts: []BackendScript{}})
		if err != nil {
			t.Fatal(err)
		}
		defer off.Close()
		if s, err := off.Snapshot(ctx, SnapshotOptions{}); err != nil || len(missing(s)) != 0 {
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
	c, err := New(Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Snapshot(context.Background(), SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u := s.Unreadable; len(u) != 1 || u[0].What != UnreadScripts || !strings.Contains(u[0].Reason, "NOPERM") {
		t.Fatalf("unreadable %+v, want backend_scripts NOPERM", u)
	}
}

func TestParseBackendScripts(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	if got, err := ParseBackendScripts("reserve=" + sha + ", release=" + sha); err != nil || len(got) != 2 || got[1].Name != "release" {
		t.Errorf("two scripts: %v %v", got, err)
	}
	if got, err := ParseBackendScripts("none"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("none: %v %v", got, err)
	}
	for _, bad := range []string{"", "reserve", "reserve=" + sha[:39], "reserve=" + strings.ToUpper(sha), "a b=" + sha} {
		if _, err := ParseBackendScripts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
