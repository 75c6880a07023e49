package read

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

func TestDiscoverFamilies(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	writeMessyKeyspace(t, c.Redis().(*redis.Client))
	d, err := discover(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"s1": true, "s2": true, "s4": true, "s6": true, messyLongID: true, "{x}": true}; !reflect.DeepEqual(d.sales, want) {
		t.Errorf("sales = %v, want %v", d.sales, want)
	}
	wantHolds := []holdRef{
		{"reservation:u1:s1", "s1", "u1", redisops.HoldShapeHash},
		{"reservation:u2:s1", "s1", "u2", redisops.HoldShapeJSON},
		{"reservation:u3:s2", "s2", "u3", redisops.HoldShapeHash},
		{"reservation:u4:s2", "s2", "u4", redisops.HoldShapeHash},
		{"reservation:u5:s1", "s1", "u5", redisops.HoldShapeJSON},
		{"reservation:u6:s9", "s9", "u6", redisops.HoldShapeHash},
		{"reservation:u8:s2", "s2", "u8", redisops.HoldShapeJSON},
	}
	if !reflect.DeepEqual(d.holds, wantHolds) {
		t.Errorf("holds = %+v\nwant %+v", d.holds, wantHolds)
	}
	if d.sessions != 3 {
		t.Errorf("sessions = %d, want 3", d.sessions)
	}
	wantSuspects := []suspect{{"inventory:bad\x1bid", familyStock}, {"inventory:s3", familyStock}, {"queue:s7", familyQueue}, {"reservation:u7:s1", familyHold}}
	if !reflect.DeepEqual(d.suspects, wantSuspects) {
		t.Errorf("suspects = %+v, want %+v", d.suspects, wantSuspects)
	}
}

// Custom templates (cluster-safe hash tags) are discovered the same way.
func TestDiscoverCustomTemplates(t *testing.T) {
	schema, err := redisops.NewSchema("inventory:{{sale}}", "queue:{{sale}}", "reservation:{user}:{{sale}}", "sess:{user}")
	if err != nil {
		t.Fatal(err)
	}
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{Schema: schema})
	ctx := context.Background()
	rdb := c.Redis().(*redis.Client)
	rdb.Set(ctx, "inventory:{a}", "5", 0)
	rdb.Set(ctx, "inventory:b", "5", 0) // the default shape is foreign here
	rdb.ZAdd(ctx, "queue:{c}", redis.Z{Score: 1, Member: "u"})
	rdb.HSet(ctx, "reservation:u1:{a}", "quantity", "1")
	rdb.Set(ctx, "sess:u1", "token", 0)
	rdb.Set(ctx, "session:u2", "token", 0)
	d, err := discover(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"a": true, "c": true}; !reflect.DeepEqual(d.sales, want) {
		t.Errorf("sales = %v, want %v", d.sales, want)
	}
	if len(d.holds) != 1 || d.holds[0] != (holdRef{"reservation:u1:{a}", "a", "u1", redisops.HoldShapeHash}) || d.sessions != 1 || len(d.suspects) != 0 {
		t.Errorf("discovered %+v", d)
	}
}

// pipeRecorder is a go-redis hook that records every command sent, grouped
// by round trip.
type pipeRecorder struct {
	mu    sync.Mutex
	trips [][]string
}

func (r *pipeRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *pipeRecorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.record([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (r *pipeRecorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.record(cmds)
		return next(ctx, cmds)
	}
}

func (r *pipeRecorder) record(cmds []redis.Cmder) {
	var trip []string
	for _, c := range cmds {
		var words []string
		for _, a := range c.Args() {
			words = append(words, strings.ToLower(fmt.Sprint(a)))
		}
		trip = append(trip, strings.Join(words, " "))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips = append(r.trips, trip)
}

// A keyspace larger than one SCAN step and one pipeline: counts stay exact,
// pipelines stay within the batch size, SCANs use COUNT 1000.
func TestSnapshotBigKeyspace(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	const holds, sessions, fillers = 1500, 2500, 5000
	p := rdb.Pipeline()
	var units int64
	for i := 0; i < holds; i++ {
		key := fmt.Sprintf("reservation:user%04d:big", i)
		qty := int64(i%5 + 1)
		units += qty
		p.HSet(ctx, key, "quantity", qty, "reserved_at", 1700000000, "user_id", fmt.Sprintf("user%04d", i))
		p.Expire(ctx, key, time.Duration(1000+i)*time.Second)
	}
	for i := 0; i < sessions; i++ {
		p.SetEx(ctx, fmt.Sprintf("session:user%04d", i), snapSecret, 86400*time.Second)
	}
	for i := 0; i < fillers; i++ {
		p.Set(ctx, fmt.Sprintf("filler:%d", i), "x", 0)
	}
	p.Set(ctx, "inventory:big", "7", 0)
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &pipeRecorder{}
	rdb.AddHook(rec)
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []redisops.SaleStats{{ID: "big", Inventory: i64p(7), Reservations: holds, ReservedUnits: units}}
	if !reflect.DeepEqual(withoutQueueStats(snap.Sales), want) || snap.Sessions.Count != sessions || len(snap.Anomalies) != 0 {
		t.Errorf("sales %s, sessions %d, anomalies %v", jsonText(snap.Sales), snap.Sessions.Count, snap.Anomalies)
	}
	if len(snap.Reservations) != holds || snap.Reservations[0].User != "user0000" || snap.Truncated != nil ||
		!slices.IsSortedFunc(snap.Reservations, func(a, b redisops.Hold) int { return int(a.TTLMs - b.TTLMs) }) {
		t.Errorf("%d reservations, first %+v, truncated %+v; want all %d, soonest expiring first", len(snap.Reservations), snap.Reservations[0], snap.Truncated, holds)
	}
	checkTrips(t, rec.trips)
}

func checkTrips(t *testing.T, trips [][]string) {
	t.Helper()
	holdPipelines := 0
	for _, trip := range trips {
		if len(trip) > maxBatch {
			t.Errorf("a round trip of %d commands (batch limit %d)", len(trip), maxBatch)
		}
		hasHold := false
		for _, cmd := range trip {
			name := strings.Fields(cmd)[0]
			switch {
			case name == "scan" && !strings.Contains(cmd, " count 1000"):
				t.Errorf("SCAN without COUNT 1000: %s", cmd)
			case name == "keys", name == "monitor", strings.HasPrefix(name, "flush"):
				t.Errorf("forbidden command %s", cmd)
			case name == "hmget":
				hasHold = true
			}
		}
		if hasHold {
			holdPipelines++
		}
	}
	if holdPipelines < 2 {
		t.Errorf("1500 holds were read in %d pipeline(s), want them batched", holdPipelines)
	}
}

// Session values are bearer tokens: during a snapshot no command but SCAN
// may name a session key (checked with MONITOR, in this test only).
func TestSnapshotNeverReadsSessions(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, redisops.Options{MaxQueue: 3})
	rdb := c.Redis().(*redis.Client)
	writeMessyKeyspace(t, rdb)
	mon, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	if err := mon.SetDeadline(time.Now().Add(30 * time.Second)); err != nil { // a hang guard, not an assertion
		t.Fatal(err)
	}
	lines := bufio.NewReader(mon)
	if _, err := mon.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	if ok, err := lines.ReadString('\n'); err != nil || ok != "+OK\r\n" {
		t.Fatalf("MONITOR: %q, %v", ok, err)
	}
	if _, err := Full(context.Background(), c, redisops.SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	const marker = "end-of-snapshot-marker"
	if err := rdb.Echo(context.Background(), marker).Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("reading MONITOR: %v", err)
		}
		if strings.Contains(line, marker) {
			break
		}
		name, args := monitorCommand(line)
		seen[name] = true
		if strings.Contains(args, `"session:`) && name != "scan" {
			t.Errorf("a command touched a session key: %s", line)
		}
		if strings.Contains(line, snapSecret) {
			t.Errorf("a session value went over the wire: %s", line)
		}
		if name == "get" && strings.Contains(args, `"reservation:`) {
			t.Errorf("a string hold was read whole: %s", line)
		}
		if name == "get" && strings.Contains(args, `"inventory:`) {
			t.Errorf("a stock value was read whole: %s", line)
		}
	}
	for _, want := range []string{"scan", "hmget", "getrange", "pttl", "zrange", "info", "time"} {
		if !seen[want] {
			t.Errorf("MONITOR never saw %s (saw %v): the check above proves nothing", want, seen)
		}
	}
}

// monitorCommand splits a MONITOR line (+<time> [<db> <addr>] "cmd" "arg"...)
// into the lower-case command name and the rest.
func monitorCommand(line string) (string, string) {
	i := strings.Index(line, `] "`)
	if i < 0 {
		return "", line
	}
	rest := line[i+3:]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return "", line
	}
	return strings.ToLower(rest[:j]), rest[j+1:]
}

// In a cluster every master is scanned, and reads are routed by key.
func TestSnapshotCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c, schema := clusterTestClient(t, cl.URL())
	rdb := cl.Client(t)
	ctx := context.Background()
	var want []redisops.SaleStats
	for i, sale := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		n := int64(10 + i)
		rdb.Set(ctx, schema.StockKey(sale), n, 0)
		rdb.HSet(ctx, schema.HoldKey("u1", sale), "quantity", 2, "reserved_at", 1700000000, "user_id", "u1")
		rdb.Expire(ctx, schema.HoldKey("u1", sale), 300*time.Second)
		rdb.Set(ctx, "session:user"+sale, snapSecret, time.Hour)
		want = append(want, redisops.SaleStats{ID: sale, Inventory: i64p(n), Reservations: 1, ReservedUnits: 2})
	}
	rdb.RPush(ctx, schema.QueueKey("x"), "wrong")
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(withoutQueueStats(snap.Sales), want) || snap.Sessions.Count != 8 || len(snap.Reservations) != 8 {
		t.Errorf("sales %s, sessions %d, %d holds", jsonText(snap.Sales), snap.Sessions.Count, len(snap.Reservations))
	}
	wantAnomalies := []redisops.Anomaly{{Kind: redisops.AnomalyWrongType, Key: "queue:{x}", Detail: "queue key is a list, not a zset"}}
	if !reflect.DeepEqual(snap.Anomalies, wantAnomalies) || snap.Server.Version == "" {
		t.Errorf("anomalies %v, server %+v", snap.Anomalies, snap.Server)
	}
}

// flash_sales:active is read whole, however large (an SSCAN loop); a key of
// another TYPE is ignored.
func TestSnapshotActiveSales(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	rdb.Set(ctx, redisops.ActiveSalesKey, "s1,s2", 0)
	snap, err := Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil || len(snap.Sales) != 0 {
		t.Fatalf("active key as a string: %v, %s", err, jsonText(snap))
	}
	rdb.Del(ctx, redisops.ActiveSalesKey)
	for i := 0; i < 1500; i++ {
		rdb.SAdd(ctx, redisops.ActiveSalesKey, fmt.Sprintf("sale%04d", i))
	}
	ids := func() []string {
		snap, err := Full(ctx, c, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range snap.Sales {
			if !s.Active {
				t.Errorf("sale %s not marked active", s.ID)
			}
			out = append(out, s.ID)
		}
		return out
	}
	first := ids()
	if len(first) != 1500 || !slices.IsSorted(first) || !reflect.DeepEqual(first, ids()) {
		t.Errorf("%d active sales of 1500, sorted %v, stable %v", len(first), slices.IsSorted(first), reflect.DeepEqual(first, ids()))
	}
}
