package read

import (
	"context"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// oddLongUser is a user id of 600 plain ASCII bytes: --user refuses it.
var oddLongUser = strings.Repeat("U", 600)

// writeOddIDs writes holds and sales whose ids --sale and --user refuse,
// beside one plain hold. s1: five holds (a control sequence, invalid UTF-8,
// a NUL in a JSON hold, 600 bytes, and "ok"), 15 units. "s\abel": stock 3
// and one hold of 2. "\xff": a queue of one member "m\xfe".
func writeOddIDs(t *testing.T, rdb *redis.Client) {
	t.Helper()
	ctx := context.Background()
	p := rdb.Pipeline()
	p.Set(ctx, "inventory:s1", "10", 0)
	for i, user := range []string{"u\x1b[2J", "u\xff\xfe", "", oddLongUser, "ok"} {
		if user == "" {
			p.Set(ctx, "reservation:j\x00z:s1", `{"saleId":"s1","userId":"j\u0000z","quantity":3}`, 300*time.Second)
			continue
		}
		key := "reservation:" + user + ":s1"
		p.HSet(ctx, key, "quantity", i+1, "reserved_at", 1_700_000_000, "user_id", user)
		p.Expire(ctx, key, time.Duration(300+i)*time.Second)
	}
	p.Set(ctx, "inventory:s\abel", "3", 0)
	p.HSet(ctx, "reservation:u1:s\abel", "quantity", 2, "reserved_at", 1_700_000_000, "user_id", "u1")
	p.Expire(ctx, "reservation:u1:s\abel", 300*time.Second)
	p.ZAdd(ctx, "queue:\xff", redis.Z{Score: 1_770_000_000_000, Member: "m\xfe"})
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// oddCounts are the counts writeOddIDs gives, per sale: holds, units,
// queue length.
var oddCounts = map[string][3]int64{"s1": {5, 15, 0}, "s\abel": {1, 2, 0}, "\xff": {0, 0, 1}}

// oddKeys are the keys of the odd_id anomalies writeOddIDs gives.
var oddKeys = []string{"inventory:s\abel", "queue:\xff", "reservation:" + oddLongUser + ":s1",
	"reservation:j\x00z:s1", "reservation:u\x1b[2J:s1", "reservation:u1:s\abel", "reservation:u\xff\xfe:s1"}

// countsOf returns the holds, units and queue length of every sale of snap.
func countsOf(snap *redisops.Snapshot) map[string][3]int64 {
	out := map[string][3]int64{}
	for _, s := range snap.Sales {
		out[s.ID] = [3]int64{s.Reservations, s.ReservedUnits, s.QueueLength}
	}
	return out
}

// oddAnomalies returns the odd_id anomalies of snap, sorted by key.
func oddAnomalies(snap *redisops.Snapshot) []redisops.Anomaly {
	var out []redisops.Anomaly
	for _, a := range snap.Anomalies {
		if a.Kind == redisops.AnomalyOddID {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b redisops.Anomaly) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func oddKeysOf(an []redisops.Anomaly) []string {
	var keys []string
	for _, a := range an {
		keys = append(keys, a.Key)
	}
	return keys
}

// Ids are data: the full read counts every hold and sale the schema
// matches, whatever bytes their ids hold, and flags each odd one.
func TestSnapshotCountsOddIDs(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	writeOddIDs(t, rdb)
	snap, err := Full(context.Background(), c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := countsOf(snap); !reflect.DeepEqual(got, oddCounts) {
		t.Errorf("counts = %v, want %v", jsonText(got), jsonText(oddCounts))
	}
	if n := len(snap.Reservations); n != 6 {
		t.Errorf("%d holds listed, want 6", n)
	}
	if got := snap.Queues["\xff"]; len(got) != 1 || got[0].User != "m\xfe" {
		t.Errorf(`queue "\xff" = %+v, want its member "m\xfe" exactly`, got)
	}
	odd := oddAnomalies(snap)
	if got := oddKeysOf(odd); !reflect.DeepEqual(got, oddKeys) {
		t.Fatalf("odd_id anomalies on %q, want %q", got, oddKeys)
	}
	if want := `user id "u\x1b[2J" holds a control character: flashtop's --user refuses it; read it with ` +
		`printf '%s\n' 'HGETALL "reservation:u\x1b[2J:s1"' | redis-cli`; odd[4].Detail != want {
		t.Errorf("detail %q\nwant   %q", odd[4].Detail, want)
	}
	checkRedisCLIReaches(t, srv, odd)
}

// checkRedisCLIReaches runs the redis-cli command line of each odd_id
// anomaly against srv: each must read its key (a non-empty reply).
func checkRedisCLIReaches(t *testing.T, srv *redistest.Server, odd []redisops.Anomaly) {
	t.Helper()
	bin, err := redistest.Binary()
	if err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(filepath.Dir(bin), "redis-cli")
	for _, a := range odd {
		_, line, ok := strings.Cut(a.Detail, "read it with ")
		if !ok || !strings.HasSuffix(line, "| redis-cli") || strings.ContainsAny(line[len("printf '%s\\n' '"):len(line)-len("' | redis-cli")], "'\x00\x1b\x7f") {
			t.Fatalf("%q: no plain redis-cli command line in %q", a.Key, a.Detail)
		}
		line = strings.TrimSuffix(line, "redis-cli") + cli + " -p " + srv.Addr()[strings.LastIndexByte(srv.Addr(), ':')+1:]
		out, err := exec.Command("sh", "-c", line).CombinedOutput()
		reply := strings.TrimSpace(string(out))
		if err != nil || reply == "" || reply == "0" || strings.Contains(reply, "ERR") {
			t.Errorf("%q: %s gave %q (%v): it does not reach the key", a.Key, line, reply, err)
		}
	}
}

// The dashboard's poller counts the same: its walk, and its push feed for
// an odd hold written after the walk (whose clock then stands still).
func TestPollerCountsOddIDs(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	writeOddIDs(t, rdb)
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now})
	t.Cleanup(func() { _ = p.Close() })
	snap := tickFor(t, p, "the first walk", 10*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return s.Cost.WalksDone >= 1 && s.Feed.State == redisops.FeedLive
	})
	if got := countsOf(snap); !reflect.DeepEqual(got, oddCounts) {
		t.Errorf("counts = %v, want %v", jsonText(got), jsonText(oddCounts))
	}
	if got := oddKeysOf(oddAnomalies(snap)); !reflect.DeepEqual(got, oddKeys) {
		t.Errorf("odd_id anomalies on %q, want %q", got, oddKeys)
	}
	redistest.WriteHold(t, rdb, "s1", "u\x01", 4, 300*time.Second, false)
	tickFor(t, p, "the pushed odd hold", 10*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return countsOf(s)["s1"] == [3]int64{6, 19, 0}
	})
}
