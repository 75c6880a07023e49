package read

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// messyKeyspace is the fixture of the snapshot tests: what the backend (and
// its other families) write, plus damage. TTLs of the holds are distinct by
// seconds so that their order does not depend on the moment of the read.
type messyKeyspace struct {
	nowMs    int64            // Redis TIME when the fixture was written
	holdTTLs map[string]int64 // hold key -> TTL set, ms (-1: none)
	secret   string           // the JWT in every session value
	bigJSON  int64            // length of the oversized JSON hold
}

const snapSecret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXNlc3Npb24.sig"

// messyLongID is the fixture's sale id of 600 plain ASCII bytes (over the
// 512 that --sale takes).
var messyLongID = strings.Repeat("L", 600)

// writeMessyKeyspace writes the fixture as the backend would.
func writeMessyKeyspace(t *testing.T, rdb *redis.Client) messyKeyspace {
	t.Helper()
	ctx := context.Background()
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	m := messyKeyspace{nowMs: now.UnixMilli(), holdTTLs: map[string]int64{}, secret: snapSecret}
	ms := func(offset int64) float64 { return float64(m.nowMs + offset) }
	p := rdb.Pipeline()
	// Stock: plain integers, a negative one, a non-integer, a list.
	p.Set(ctx, "inventory:s1", "40", 0)
	p.Set(ctx, "inventory:s2", "-3", 0)
	p.Set(ctx, "inventory:s4", "12abc", 0)
	p.RPush(ctx, "inventory:s3", "1", "2")
	// Queues: ms join times; s1 over the cap of 3; s2 with a bad score; a hash.
	p.ZAdd(ctx, "queue:s1", redis.Z{Score: ms(-5000), Member: "u1"}, redis.Z{Score: ms(-4000), Member: "u2"},
		redis.Z{Score: ms(-3000), Member: "u3"}, redis.Z{Score: ms(-2000), Member: "u4"})
	p.ZAdd(ctx, "queue:s2", redis.Z{Score: 12, Member: "uA"}, redis.Z{Score: ms(-1000), Member: "uB"})
	p.ZAdd(ctx, "queue:s6", redis.Z{Score: ms(-100), Member: "u9"})
	p.HSet(ctx, "queue:s7", "u1", "1")
	writeMessyHolds(ctx, p, &m)
	// Sessions: JWTs, never to be read; a hash and a deeper key are not sessions.
	for _, u := range []string{"u1", "u2", "u3"} {
		p.SetEx(ctx, "session:"+u, m.secret, 86400*time.Second)
	}
	p.SetEx(ctx, "session:bad:extra", m.secret, time.Hour)
	p.HSet(ctx, "session:u9", "token", m.secret)
	// Sale metadata: s5 is active and has no keys.
	p.SAdd(ctx, redisops.ActiveSalesKey, "s1", "s5", "bad:id")
	p.Expire(ctx, redisops.ActiveSalesKey, 300*time.Second)
	p.Set(ctx, "flash_sale:s1", `{"quantity_available":40,"status":"active"}`, 300*time.Second)
	// Foreign keys under the same prefixes.
	p.Set(ctx, "reservation:res_1700000000000_ab12", `{"items":[{"saleId":"s1","quantity":9}]}`, 600*time.Second)
	p.ZAdd(ctx, "queue:priority:s1", redis.Z{Score: 1, Member: `{"userId":"u1","tier":"gold"}`})
	p.SAdd(ctx, "queue:processing:s1", "u1")
	p.SAdd(ctx, "queue:ready:s1", "u2")
	p.RPush(ctx, "queue:completed:s1", "u3")
	p.Set(ctx, "queue:entry:x", "1", 0)
	p.Set(ctx, "queue:user:y", "1", 0)
	p.SAdd(ctx, "active_sales", "s1")
	p.Set(ctx, "sale:s1", `{"id":"s1"}`, 0)
	// Ids --sale refuses are data all the same: counted, and flagged odd_id.
	p.Set(ctx, "inventory:"+messyLongID, "5", 0) // id over 512 bytes
	p.Set(ctx, "inventory:{x}", "5", 0)          // braces
	p.HSet(ctx, "inventory:bad\x1bid", "a", "b") // control character, and a hash: wrong_type
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return m
}

// writeMessyHolds queues the holds of the fixture. Lua path: hash + EXPIRE;
// order path: JSON + SETEX.
func writeMessyHolds(ctx context.Context, p redis.Pipeliner, m *messyKeyspace) {
	big := `{"saleId":"s2","userId":"u8","quantity":1,"pad":"` + strings.Repeat("x", 5000) + `"}`
	m.bigJSON = int64(len(big))
	hashHold := func(key, qty, at, user string, ttl time.Duration) {
		p.HSet(ctx, key, "quantity", qty, "reserved_at", at, "user_id", user)
		if ttl > 0 {
			p.Expire(ctx, key, ttl)
			m.holdTTLs[key] = ttl.Milliseconds()
		} else {
			m.holdTTLs[key] = -1
		}
	}
	jsonHold := func(key, value string, ttl time.Duration) {
		p.SetEx(ctx, key, value, ttl)
		m.holdTTLs[key] = ttl.Milliseconds()
	}
	hashHold("reservation:u1:s1", "2", "1700000000", "u1", 300*time.Second)
	jsonHold("reservation:u2:s1", `{"saleId":"s1","userId":"u2","quantity":3,"expiresAt":1700000300000}`, 290*time.Second)
	jsonHold("reservation:u5:s1", `{"saleId":"s1","userId":"u5","quantity":"1","expiresAt":"2023-11-14T22:18:20.000Z"}`, 100*time.Second)
	hashHold("reservation:u3:s2", "1", "1700000000", "u3", 0)
	hashHold("reservation:u4:s2", "abc", "1700000000", "u4", 200*time.Second)
	jsonHold("reservation:u8:s2", big, 280*time.Second)
	hashHold("reservation:u6:s9", "5", "1700000000", "u6", 250*time.Second)
	p.SAdd(ctx, "reservation:u7:s1", "x")
}

func i64p(n int64) *int64 { return &n }

func unixp(sec int64) *time.Time {
	t := time.Unix(sec, 0).UTC()
	return &t
}

// checkTTLs checks each hold's TTL (0 < ttl <= the TTL set, or -1) and
// replaces it with the TTL set, so the rest compares exactly.
func checkTTLs(t *testing.T, m messyKeyspace, holds []redisops.Hold) {
	t.Helper()
	for i, h := range holds {
		set, ok := m.holdTTLs[h.Key]
		switch {
		case !ok:
			t.Errorf("unexpected hold %s", h.Key)
		case set == -1 && h.TTLMs != -1, set > 0 && (h.TTLMs <= 0 || h.TTLMs > set):
			t.Errorf("hold %s: TTLMs %d, set %d", h.Key, h.TTLMs, set)
		}
		holds[i].TTLMs = set
	}
}

func TestSnapshotMessyKeyspace(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{MaxQueue: 3, BackendScripts: []redisops.BackendScript{}}) // the keyspace, not the scripts (backendscripts_test.go)
	rdb := c.Redis().(*redis.Client)
	m := writeMessyKeyspace(t, rdb)
	snap, err := Full(context.Background(), c, redisops.SnapshotOptions{Pins: []string{"p0", "s2"}, HeadWindow: 3})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	taken := snap.TakenAt.UnixMilli()
	if taken < m.nowMs {
		t.Errorf("TakenAt %d is before the fixture's Redis TIME %d", taken, m.nowMs)
	}
	wantSales := []redisops.SaleStats{
		{ID: "p0", Pinned: true},
		{ID: "s2", Pinned: true, Inventory: i64p(-3), QueueLength: 2, QueueHeadAgeMs: i64p(taken - 12), Reservations: 3, ReservedUnits: 1},
		{ID: "s1", Active: true, Inventory: i64p(40), QueueLength: 4, QueueHeadAgeMs: i64p(taken - (m.nowMs - 5000)), Reservations: 3, ReservedUnits: 6},
		{ID: "s5", Active: true},
		{ID: messyLongID, Inventory: i64p(5)},
		{ID: "s4"},
		{ID: "s6", QueueLength: 1, QueueHeadAgeMs: i64p(taken - (m.nowMs - 100))},
		{ID: "{x}", Inventory: i64p(5)},
	}
	if !reflect.DeepEqual(withoutQueueStats(snap.Sales), wantSales) { // queue stats: queuestats_test.go
		t.Errorf("Sales:\n got %s\nwant %s", jsonText(snap.Sales), jsonText(wantSales))
	}
	wantQueues := map[string][]redisops.QueueEntry{
		"p0": {}, "s5": {}, "s4": {}, messyLongID: {}, "{x}": {},
		"s2": {{User: "uA", Position: 1, JoinedAtMs: 12}, {User: "uB", Position: 2, JoinedAtMs: m.nowMs - 1000}},
		"s1": {{User: "u1", Position: 1, JoinedAtMs: m.nowMs - 5000}, {User: "u2", Position: 2, JoinedAtMs: m.nowMs - 4000},
			{User: "u3", Position: 3, JoinedAtMs: m.nowMs - 3000}},
		"s6": {{User: "u9", Position: 1, JoinedAtMs: m.nowMs - 100}},
	}
	if !reflect.DeepEqual(snap.Queues, wantQueues) {
		t.Errorf("Queues:\n got %s\nwant %s", jsonText(snap.Queues), jsonText(wantQueues))
	}
	checkTTLs(t, m, snap.Reservations)
	wantHolds := messyHolds()
	if !reflect.DeepEqual(snap.Reservations, wantHolds) {
		t.Errorf("Reservations:\n got %s\nwant %s", jsonText(snap.Reservations), jsonText(wantHolds))
	}
	if snap.Sessions.Count != 3 {
		t.Errorf("Sessions.Count = %d, want 3", snap.Sessions.Count)
	}
	wantAnomalies := messyAnomalies(m)
	if !reflect.DeepEqual(snap.Anomalies, wantAnomalies) {
		t.Errorf("Anomalies:\n got %s\nwant %s", jsonText(snap.Anomalies), jsonText(wantAnomalies))
	}
	keys, err := rdb.DBSize(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if s := snap.Server; s.Version == "" || s.Role != "master" || s.KeysInDB != keys || s.PingMs < 0 || s.UsedMemory <= 0 {
		t.Errorf("Server = %+v; want a version, role master, %d keys, used memory, ping >= 0", s, keys)
	}
	if snap.Slowlog == nil {
		t.Error("Slowlog is nil")
	}
	if snap.Unreadable == nil || len(snap.Unreadable) != 0 {
		t.Errorf("Unreadable = %+v, want [] (everything was read)", snap.Unreadable)
	}
}

// messyHolds are the holds of the fixture, soonest-expiring first.
func messyHolds() []redisops.Hold {
	return []redisops.Hold{
		{Sale: "s1", User: "u5", Quantity: 1, ReservedAt: unixp(1700000000), TTLMs: 100000, Key: "reservation:u5:s1", Shape: redisops.HoldShapeJSON},
		{Sale: "s2", User: "u4", Quantity: 0, ReservedAt: unixp(1700000000), TTLMs: 200000, Key: "reservation:u4:s2", Shape: redisops.HoldShapeHash},
		{Sale: "s9", User: "u6", Quantity: 5, ReservedAt: unixp(1700000000), TTLMs: 250000, Key: "reservation:u6:s9", Shape: redisops.HoldShapeHash},
		{Sale: "s2", User: "u8", Quantity: 0, TTLMs: 280000, Key: "reservation:u8:s2", Shape: redisops.HoldShapeJSON},
		{Sale: "s1", User: "u2", Quantity: 3, ReservedAt: unixp(1700000000), TTLMs: 290000, Key: "reservation:u2:s1", Shape: redisops.HoldShapeJSON},
		{Sale: "s1", User: "u1", Quantity: 2, ReservedAt: unixp(1700000000), TTLMs: 300000, Key: "reservation:u1:s1", Shape: redisops.HoldShapeHash},
		{Sale: "s2", User: "u3", Quantity: 1, ReservedAt: unixp(1700000000), TTLMs: -1, Key: "reservation:u3:s2", Shape: redisops.HoldShapeHash},
	}
}

// messyAnomalies are the anomalies of the fixture, in order.
func messyAnomalies(m messyKeyspace) []redisops.Anomaly {
	return []redisops.Anomaly{
		{Kind: redisops.AnomalyHoldBadQuantity, Key: "reservation:u4:s2", Detail: `hold quantity "abc" is not a positive integer`},
		{Kind: redisops.AnomalyHoldBadQuantity, Key: "reservation:u8:s2", Detail: fmt.Sprintf("JSON hold is %d bytes, over the 4096-byte limit: not decoded", m.bigJSON)},
		{Kind: redisops.AnomalyHoldWithoutTTL, Key: "reservation:u3:s2", Detail: "hold has no TTL: its units stay held until someone releases it"},
		{Kind: redisops.AnomalyOddID, Key: "inventory:" + messyLongID, Detail: `sale id "` + messyLongID[:40] + `"… is 600 bytes long (at most 512): ` +
			`flashtop's --sale refuses it; read it with printf '%s\n' 'GET "inventory:` + messyLongID + `"' | redis-cli`},
		{Kind: redisops.AnomalyOddID, Key: "inventory:{x}", Detail: `sale id "{x}" holds ':', '{' or '}': flashtop's --sale refuses it; read it with printf '%s\n' 'GET "inventory:{x}"' | redis-cli`},
		{Kind: redisops.AnomalyQueueBadScore, Key: "queue:s2", Detail: "1 of the first 2 members have a score that is not a join time in ms (position 1: 12)"},
		{Kind: redisops.AnomalyQueueOverCap, Key: "queue:s1", Detail: "queue holds 4 members, over the cap of 3"},
		{Kind: redisops.AnomalyStockInvalid, Key: "inventory:s2", Detail: "stock is negative (-3)"},
		{Kind: redisops.AnomalyStockInvalid, Key: "inventory:s4", Detail: `stock "12abc" is not an integer`},
		{Kind: redisops.AnomalyWrongType, Key: "inventory:bad\x1bid", Detail: "stock key is a hash, not a string"},
		{Kind: redisops.AnomalyWrongType, Key: "inventory:s3", Detail: "stock key is a list, not a string"},
		{Kind: redisops.AnomalyWrongType, Key: "queue:s7", Detail: "queue key is a hash, not a zset"},
		{Kind: redisops.AnomalyWrongType, Key: "reservation:u7:s1", Detail: "hold key is a set, not a hash or a string"},
	}
}

// A hold limit cuts the list of holds, never the counts and units, and the
// snapshot says so: how many are listed, how many there are, how to get all.
func TestSnapshotHoldLimit(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{MaxQueue: 3})
	writeMessyKeyspace(t, c.Redis().(*redis.Client))
	snap, err := Full(context.Background(), c, redisops.SnapshotOptions{HoldLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range snap.Reservations {
		got = append(got, h.Key)
	}
	if want := []string{"reservation:u5:s1", "reservation:u4:s2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Reservations = %v, want %v", got, want)
	}
	if tr := snap.Truncated; tr == nil || tr.Reservations == nil || tr.ActiveSales != nil ||
		*tr.Reservations != (redisops.Cut{Shown: 2, Total: 7, How: redisops.HoldLimitHow}) {
		t.Errorf("truncated = %s, want reservations 2 of 7", jsonText(tr))
	}
	units := map[string][2]int64{}
	var ids []string
	for _, s := range snap.Sales {
		ids = append(ids, s.ID)
		units[s.ID] = [2]int64{s.Reservations, s.ReservedUnits}
	}
	if want := []string{"s1", "s5", messyLongID, "s2", "s4", "s6", "{x}"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("sales = %v, want %v (active first, then scanned, sorted by bytes)", ids, want)
	}
	if units["s1"] != [2]int64{3, 6} || units["s2"] != [2]int64{3, 1} {
		t.Errorf("counts and units = %v, want s1 [3 6], s2 [3 1]", units)
	}
	if n := len(snap.Queues["s1"]); n != 4 { // default window 20: the whole queue of 4
		t.Errorf("s1 head window = %d entries, want all 4", n)
	}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v (json: %v)", v, err)
	}
	return string(b)
}

func TestSnapshotEmptyServer(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	snap, err := Full(context.Background(), c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Sales == nil || snap.Reservations == nil || snap.Queues == nil || snap.Slowlog == nil || snap.Anomalies == nil {
		t.Fatalf("nil slices or maps in %+v", snap)
	}
	if len(snap.Sales)+len(snap.Reservations)+len(snap.Queues)+len(snap.Anomalies) != 0 || snap.Sessions.Count != 0 {
		t.Errorf("empty server gave %s", jsonText(snap))
	}
	text := jsonText(snap)
	for _, want := range []string{`"sales":[]`, `"reservations":[]`, `"queues":{}`, `"slowlog":[`, `"anomalies":[]`, `"sessions":{"count":0}`} {
		if !strings.Contains(text, want) {
			t.Errorf("JSON lacks %s: %s", want, text)
		}
	}
}

func TestSnapshotSlowlogN(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	if err := rdb.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		rdb.Set(ctx, fmt.Sprintf("k%d", i), "v", 0)
	}
	snap, err := Full(ctx, c, redisops.SnapshotOptions{SlowlogN: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Slowlog) != 2 || snap.Slowlog[0].ID <= snap.Slowlog[1].ID {
		t.Errorf("Slowlog = %+v, want the 2 newest entries, newest first", snap.Slowlog)
	}
}

func TestSnapshotUnreachable(t *testing.T) {
	port, err := redistest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	c, err := redisops.New(redisops.Options{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := Full(context.Background(), c, redisops.SnapshotOptions{}); !errors.Is(err, redisops.ErrUnreachable) {
		t.Errorf("Snapshot on a closed port: %v, want ErrUnreachable", err)
	}
}

func TestSnapshotBadPin(t *testing.T) {
	c := newTestClient(t, redistest.Redis)
	for _, pin := range []string{"", "a:b", strings.Repeat("x", 513), "{s}"} {
		if _, err := Full(context.Background(), c, redisops.SnapshotOptions{Pins: []string{pin}}); !errors.Is(err, redisops.ErrInput) {
			t.Errorf("pin %q: %v, want ErrInput", pin, err)
		}
	}
}

// The JSON of a snapshot has the field names of DESIGN.md §5 (plus the
// additive fields declared in types.go, and nothing else).
func TestSnapshotJSONFieldNames(t *testing.T) {
	_, c := newTestServerClient(t, redistest.Redis, redisops.Options{MaxQueue: 3})
	rdb := c.Redis().(*redis.Client)
	writeMessyKeyspace(t, rdb)
	if err := rdb.ConfigSet(context.Background(), "slowlog-log-slower-than", "0").Err(); err != nil {
		t.Fatal(err)
	}
	snap, err := Full(context.Background(), c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(jsonText(snap)), &doc); err != nil {
		t.Fatal(err)
	}
	first := func(name string) map[string]any {
		list, _ := doc[name].([]any)
		if len(list) == 0 {
			t.Fatalf("%s is empty", name)
		}
		return list[0].(map[string]any)
	}
	queues := doc["queues"].(map[string]any)["s1"].([]any)
	checkNames(t, "top", doc, "taken_at server sales reservations queues sessions slowlog anomalies", "unreadable")
	checkNames(t, "server", doc["server"].(map[string]any), "version role used_memory used_memory_human maxmemory "+
		"maxmemory_policy mem_fragmentation_ratio connected_clients ops_per_sec ping_ms aof_enabled keyspace_hits "+
		"keyspace_misses evicted_keys expired_keys",
		"used_memory_peak aof_last_write_status uptime_in_seconds total_commands_processed blocked_clients rdb_last_bgsave_status keys "+
			"name script_latency_us errors")
	checkNames(t, "sales", first("sales"), "id inventory queue_length queue_head_age_ms reservations reserved_units", "active pinned leaked_units leaked_holds leaked_unverified_units queue_stats")
	var s1 map[string]any
	for _, s := range doc["sales"].([]any) {
		if s.(map[string]any)["id"] == "s1" {
			s1 = s.(map[string]any)
		}
	}
	// queue_stats (additive): every number present, null when unknown (the
	// rates in a one-shot snapshot); the two omitted-when-zero fields aside.
	checkNames(t, "queue_stats", s1["queue_stats"].(map[string]any), "waiters wait_p50_ms wait_p90_ms wait_p99_ms arrivals_per_min "+
		"admitted_per_min arrivals admitted expected_wait_ms window_ms departed departed_since_ms", "wait_rank_off admitted_from departed_from")
	checkNames(t, "reservations", first("reservations"), "sale user quantity reserved_at ttl_ms", "key shape")
	checkNames(t, "queues", queues[0].(map[string]any), "user position joined_at_ms", "")
	checkNames(t, "sessions", doc["sessions"].(map[string]any), "count", "")
	checkNames(t, "slowlog", first("slowlog"), "id time duration_us args", "client_addr client_name")
	checkNames(t, "anomalies", first("anomalies"), "kind key detail", "")
}

// checkNames checks that obj has every field of contract, and nothing but
// those and the additive ones (which may be omitted when empty).
func checkNames(t *testing.T, what string, obj map[string]any, contract, additive string) {
	t.Helper()
	allowed := map[string]bool{}
	for _, name := range strings.Fields(contract) {
		allowed[name] = true
		if _, ok := obj[name]; !ok {
			t.Errorf("%s: missing field %q in %v", what, name, obj)
		}
	}
	for _, name := range strings.Fields(additive) {
		allowed[name] = true
	}
	for name := range obj {
		if !allowed[name] {
			t.Errorf("%s: unexpected field %q", what, name)
		}
	}
}

// BenchmarkSnapshot reads 50 sales with queues and 2,000 holds among 20,000 keys.
func BenchmarkSnapshot(b *testing.B) {
	_, c := newTestServerClient(b, redistest.Redis, redisops.Options{})
	rdb := c.Redis().(*redis.Client)
	ctx := context.Background()
	p := rdb.Pipeline()
	for i := 0; i < 20000; i++ {
		sale := fmt.Sprintf("s%d", i%50)
		switch {
		case i < 50:
			p.Set(ctx, "inventory:"+sale, 100, 0)
			p.ZAdd(ctx, "queue:"+sale, redis.Z{Score: 1.7e12, Member: "u"})
		case i < 2050:
			p.HSet(ctx, fmt.Sprintf("reservation:u%d:%s", i, sale), "quantity", 1, "reserved_at", 1700000000, "user_id", "u")
		default:
			p.Set(ctx, fmt.Sprintf("session:u%d", i), snapSecret, 0)
		}
	}
	if _, err := p.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Full(ctx, c, redisops.SnapshotOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
