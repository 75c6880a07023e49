package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// auditHold writes a Lua-path hold with ttl and returns its deadline (the
// server's PEXPIRETIME) after taking its units from stock, as the backend's
// reserve does.
func auditHold(t *testing.T, rdb *redis.Client, sale, user string, qty int64, ttl time.Duration) time.Time {
	t.Helper()
	ctx := context.Background()
	key := "reservation:" + user + ":" + sale
	pipe := rdb.TxPipeline()
	pipe.DecrBy(ctx, "inventory:"+sale, qty)
	pipe.HSet(ctx, key, "quantity", qty, "reserved_at", time.Now().Unix(), "user_id", user)
	pipe.PExpire(ctx, key, ttl)
	exp := pipe.PExpireTime(ctx, key)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return time.UnixMilli(exp.Val().Milliseconds())
}

// TestCLIAuditWatchOutcomes: while audit --watch runs (events off, as the
// backend leaves them, and on), holds released by another client 600, 300,
// 150, 80 and 40 ms before their deadlines are not leaks, the two left to
// expire are verified leaks; reclaim then restores the stock exactly, once.
func TestCLIAuditWatchOutcomes(t *testing.T) {
	for _, events := range []string{"", "Kgx$he"} {
		t.Run("events="+events, func(t *testing.T) {
			var srv *redistest.Server
			if events == "" {
				srv = redistest.Start(t)
			} else {
				srv = redistest.Start(t, "--notify-keyspace-events", events)
			}
			env := map[string]string{envURL: srv.URL()}
			rdb := srv.Client(t)
			ctx := context.Background()
			rdb.Set(ctx, "inventory:s1", 100, 0)
			var out, errOut bytes.Buffer
			var code int
			done := make(chan struct{})
			go func() {
				defer close(done)
				code = run(ctx, []string{"audit", "--watch", "5s", "--interval", "1s", "--json"}, strings.NewReader(""), &out, &errOut, envOf(env))
			}()
			time.Sleep(500 * time.Millisecond) // the watch is armed
			releases := map[string]time.Duration{"r600": 600, "r300": 300, "r150": 150, "r80": 80, "r40": 40}
			var wg sync.WaitGroup
			for _, user := range []string{"r600", "r300", "r150", "r80", "r40", "exp1", "exp2"} {
				deadline := auditHold(t, rdb, "s1", user, 2, 2*time.Second)
				before, ok := releases[user]
				if !ok {
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Until(deadline.Add(-before * time.Millisecond)))
					pipe := rdb.TxPipeline() // the backend's release: stock back, hold deleted
					pipe.IncrBy(ctx, "inventory:s1", 2)
					del := pipe.Del(ctx, "reservation:"+user+":s1")
					if _, err := pipe.Exec(ctx); err != nil || del.Val() != 1 {
						t.Errorf("the release of %s came too late (%v): rerun on a quieter machine", user, err)
					}
				}()
			}
			wg.Wait()
			<-done
			var a auditOut
			if err := json.Unmarshal(out.Bytes(), &a); err != nil || code != 1 || len(a.Leaks) != 1 {
				t.Fatalf("audit --watch: code %d, %s %s (%v)", code, out.String(), errOut.String(), err)
			}
			if l := a.Leaks[0]; l.Sale != "s1" || l.Holds != 2 || l.Units != 4 || l.UnverifiedHolds != 0 || a.Feed.State != "live" {
				t.Fatalf("leaks %+v, feed %+v: want exp1 and exp2 only (2 holds, 4 units, all verified)", l, a.Feed)
			}
			if v := rdb.Get(ctx, "inventory:s1").Val(); v != "96" {
				t.Fatalf("stock %s before reclaim, want 96 (100 less the two expired holds' 4 units)", v)
			}
			if o := runCLI(t, env, "reclaim", "--sale", "s1"); o.code != 0 || !strings.Contains(o.stdout, "reclaimed: 4 verified leaked units") {
				t.Fatalf("reclaim: %+v", o)
			}
			if o := runCLI(t, env, "reclaim", "--sale", "s1"); o.code != 1 {
				t.Fatalf("second reclaim: %+v", o)
			}
			if v := rdb.Get(ctx, "inventory:s1").Val(); v != "100" {
				t.Fatalf("stock %s after reclaim, want 100", v)
			}
		})
	}
}
