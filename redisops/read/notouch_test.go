package read

import (
	"context"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// TestNoTouch: on Valkey (which has CLIENT NO-TOUCH), flashtop's
// connections are in no-touch mode and its reads leave a key's idle time
// alone under an LRU policy; on Redis 7.0 (which has not), the command is
// never sent. On both, flashtop's connections and polls add nothing to the
// server's error counts (go-redis's CLIENT MAINT_NOTIFICATIONS is off).
func TestNoTouch(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t, "--maxmemory-policy", "allkeys-lru")
		rdb := srv.Client(t)
		ctx := context.Background()
		rdb.Set(ctx, "inventory:s1", 100, 0)
		c, err := redisops.New(redisops.Options{URL: srv.URL(), BackendScripts: []redisops.BackendScript{}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		time.Sleep(2100 * time.Millisecond) // the LRU clock ticks in seconds
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{Pins: []string{"s1"}})
		if err != nil || len(snap.Sales) != 1 || snap.Sales[0].Inventory == nil || *snap.Sales[0].Inventory != 100 {
			t.Fatalf("poll: %v %+v", err, snap)
		}
		idle := rdb.ObjectIdleTime(ctx, "inventory:s1").Val()
		clients := rdb.ClientList(ctx).Val()
		errs := rdb.Info(ctx, "errorstats").Val()
		switch k {
		case redistest.Valkey:
			if !c.NoTouch() || idle < 2*time.Second || !strings.Contains(clientFlags(clients, redisops.ClientName), "T") {
				t.Errorf("valkey: no-touch %v, idle %v after the poll read the key, flags %q", c.NoTouch(), idle, clientFlags(clients, redisops.ClientName))
			}
		case redistest.Redis:
			if c.NoTouch() {
				t.Errorf("redis 7.0: no-touch %v", c.NoTouch())
			}
		}
		if strings.Contains(errs, "errorstat_") { // no CLIENT NO-TOUCH where unknown, no CLIENT MAINT_NOTIFICATIONS
			t.Errorf("%s: flashtop's reads made errors: %q", k.Name(), errs)
		}
	})
}

// clientFlags is the flags= field of the first CLIENT LIST line of a client
// named name.
func clientFlags(list, name string) string {
	for line := range strings.SplitSeq(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		for f := range strings.FieldsSeq(line) {
			if v, ok := strings.CutPrefix(f, "flags="); ok {
				return v
			}
		}
	}
	return ""
}
