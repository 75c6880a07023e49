package redisops

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// infoTestdata is INFO everything captured from redis-server 7.0.15 started
// by redistest with --maxmemory 67108864 --maxmemory-policy allkeys-lru
// --appendonly yes, 6 keys in db0 and 3 in db3 (one with a TTL in each).
const infoTestdata = "testdata/info-7.0-standalone.txt"

func TestParseInfoTestdata(t *testing.T) {
	raw, err := os.ReadFile(infoTestdata)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if !strings.Contains(text, "\r\n") {
		t.Fatalf("%s lost its CRLF line ends (as sent by Redis)", infoTestdata)
	}
	info := ParseInfo(text)

	wantServer := InfoServer{Name: "redis", Version: "7.0.15", Mode: "standalone", OS: "Linux 6.18.44-fc-v595 x86_64",
		ArchBits: 64, TCPPort: 40929, UptimeSeconds: 0, Role: "master", ConnectedReplicas: 0}
	got := info.Server
	got.ProcessID, got.RunID, got.ConfigFile = 0, "", "" // vary per run; checked below
	if got != wantServer {
		t.Errorf("Server = %+v\nwant   %+v", got, wantServer)
	}
	if info.Server.ProcessID <= 0 || len(info.Server.RunID) != 40 {
		t.Errorf("process_id %d, run_id %q", info.Server.ProcessID, info.Server.RunID)
	}
	if want := (InfoClients{Connected: 2, Blocked: 0, Tracking: 0, MaxClients: 10000}); info.Clients != want {
		t.Errorf("Clients = %+v, want %+v", info.Clients, want)
	}
	mem := info.Memory
	if mem.Used != 1079624 || mem.UsedHuman != "1.03M" || mem.Peak != 1079624 || mem.Max != 67108864 ||
		mem.MaxHuman != "64.00M" || mem.MaxPolicy != "allkeys-lru" || mem.FragRatio != 13.87 ||
		mem.LuaUsed != 32768 || mem.RSS <= 0 || mem.PeakHuman == "" {
		t.Errorf("Memory = %+v", mem)
	}
	p := info.Persistence
	if !p.AOFEnabled || p.Loading || p.AOFLastWriteStatus != "ok" || p.RDBLastBgsaveStatus != "ok" ||
		p.AOFLastBgrewriteStatus != "ok" || p.RDBLastSaveTime <= 0 {
		t.Errorf("Persistence = %+v", p)
	}
	st := info.Stats
	if st.TotalCommands != 16 || st.KeyspaceHits != 1 || st.KeyspaceMisses != 1 || st.OpsPerSec != 0 ||
		st.ExpiredKeys != 0 || st.EvictedKeys != 0 || st.TotalConnections <= 0 {
		t.Errorf("Stats = %+v", st)
	}
	wantKS := map[int]KeyspaceDB{0: {Keys: 6, Expires: 1}, 3: {Keys: 3, Expires: 1}}
	if !reflect.DeepEqual(info.Keyspace, wantKS) {
		t.Errorf("Keyspace = %+v, want %+v", info.Keyspace, wantKS)
	}
	if n := countFieldLines(text); len(info.Fields) != n {
		t.Errorf("%d raw fields, want %d (one per name:value line)", len(info.Fields), n)
	}
	if info.Fields["db3"] != "keys=3,expires=1,avg_ttl=0" || info.Fields["redis_version"] != "7.0.15" {
		t.Errorf("raw fields: db3=%q redis_version=%q (CR left in?)", info.Fields["db3"], info.Fields["redis_version"])
	}
	lf := ParseInfo(strings.ReplaceAll(text, "\r\n", "\n"))
	if !reflect.DeepEqual(lf, info) {
		t.Error("LF and CRLF versions of the same INFO parse differently")
	}
}

func countFieldLines(text string) int {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			n++
		}
	}
	return n
}

func TestInfoServerStats(t *testing.T) {
	raw, err := os.ReadFile(infoTestdata)
	if err != nil {
		t.Fatal(err)
	}
	got := ParseInfo(string(raw)).ServerStats()
	got.UptimeSeconds = 0
	want := ServerStats{Name: "redis", Version: "7.0.15", Role: "master", UsedMemory: 1079624, UsedMemoryHuman: "1.03M",
		Maxmemory: 67108864, MaxmemoryPolicy: "allkeys-lru", MemFragmentationRatio: 13.87, ConnectedClients: 2,
		OpsPerSec: 0, AOFEnabled: true, KeyspaceHits: 1, KeyspaceMisses: 1, UsedMemoryPeak: 1079624,
		AOFLastWriteStatus: "ok", TotalCommands: 16, RDBLastSaveStatus: "ok", KeysInDB: 9,
		ScriptLatencyUs: map[string]Percentiles{}, Errors: map[string]int64{"ERR": 4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ServerStats =\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseInfoTolerant(t *testing.T) {
	text := strings.Join([]string{
		"# Server", "redis_version:7.2.4\r", "garbage without a colon", ":no name", "   ", "\x00\xff\x1b[2J",
		"role:slave", "used_memory:12abc", "maxmemory:-5", "mem_fragmentation_ratio:NaN",
		"connected_clients: 7 ", "instantaneous_ops_per_sec:99999999999999999999",
		"aof_enabled:yes", "loading:1",
		"# Keyspace", "db0:keys=10,expires=2,avg_ttl=1500", "db:keys=1", "dbx:keys=2", "db-1:keys=3",
		"db+4:keys=4", "db5:garbage", "db7:keys=x,expires=2", "db9:keys=3,expires=1,avg_ttl=0,subexpiry=0",
		"value:with:colons", "",
	}, "\n")
	info := ParseInfo(text)
	if info.Server.Version != "7.2.4" || info.Server.Role != "slave" {
		t.Errorf("version %q role %q", info.Server.Version, info.Server.Role)
	}
	if info.Memory.Used != 0 || info.Fields["used_memory"] != "12abc" {
		t.Errorf("used_memory %d raw %q: a garbled number must be 0, its raw text kept", info.Memory.Used, info.Fields["used_memory"])
	}
	if info.Memory.Max != -5 || info.Memory.FragRatio != 0 || info.Clients.Connected != 7 || info.Stats.OpsPerSec != 0 {
		t.Errorf("max %d frag %v clients %d ops %d", info.Memory.Max, info.Memory.FragRatio, info.Clients.Connected, info.Stats.OpsPerSec)
	}
	if info.Persistence.AOFEnabled || !info.Persistence.Loading {
		t.Errorf("aof_enabled:yes must not count as 1; loading:1 must: %+v", info.Persistence)
	}
	wantKS := map[int]KeyspaceDB{0: {10, 2, 1500}, 7: {0, 2, 0}, 9: {3, 1, 0}}
	if !reflect.DeepEqual(info.Keyspace, wantKS) {
		t.Errorf("Keyspace = %+v, want %+v", info.Keyspace, wantKS)
	}
	if info.Fields["value"] != "with:colons" {
		t.Errorf("value = %q", info.Fields["value"])
	}
	if _, ok := info.Fields[""]; ok {
		t.Error("a line with an empty name was kept")
	}
	if _, err := json.Marshal(info.ServerStats()); err != nil {
		t.Errorf("ServerStats of odd INFO is not JSON: %v", err)
	}
	for _, s := range []string{"", "\n\n\r\n", "#", ":", "db0:", "db0:keys=", "db99999999999999999999:keys=1"} {
		_ = ParseInfo(s) // must not panic
	}
}

// TestClientInfoLive checks Info against a live server, cross-checking the
// typed fields with CONFIG GET, DBSIZE and counters moved by the test.
// TestClientInfoLive: INFO as parsed agrees with the server itself (CONFIG
// GET, DBSIZE, its PID and port, and the version its binary prints), on
// Redis and on Valkey (whose redis_version is a compatibility 7.2.4: the
// name and version are Valkey's own).
func TestClientInfoLive(t *testing.T) {
	redistest.EachKind(t, testClientInfoLive)
}

func testClientInfoLive(t *testing.T, k redistest.Kind) {
	srv := k.Start(t, "--maxmemory", "50000000", "--maxmemory-policy", "volatile-ttl", "--appendonly", "yes")
	ctx := context.Background()
	rdb := srv.Client(t)
	c, err := New(Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	writeInfoKeys(t, srv, rdb) // 4 keys in db0, 1 in db2, 1 expired
	before, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		rdb.Get(ctx, "inventory:s1")
	}
	rdb.Get(ctx, "nope")
	rdb.Get(ctx, "nope2")
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := info.Stats.KeyspaceHits - before.Stats.KeyspaceHits; d != 3 {
		t.Errorf("keyspace_hits moved by %d, want 3", d)
	}
	if d := info.Stats.KeyspaceMisses - before.Stats.KeyspaceMisses; d != 2 {
		t.Errorf("keyspace_misses moved by %d, want 2", d)
	}
	if info.Stats.ExpiredKeys != 1 {
		t.Errorf("expired_keys = %d, want 1", info.Stats.ExpiredKeys)
	}
	checkInfoAgainstServer(t, srv, rdb, info)
	if ss := info.ServerStats(); ss.KeysInDB != 5 || ss.ConnectedClients < 2 || ss.UsedMemory <= 0 || ss.UsedMemoryHuman == "" ||
		ss.Name != k.Name() || ss.Version != info.Server.Version {
		t.Errorf("ServerStats %+v: want %s, keys 5, >= 2 clients, memory used", ss, k.Name())
	}
}

func writeInfoKeys(t *testing.T, srv *redistest.Server, rdb *redis.Client) {
	t.Helper()
	ctx := context.Background()
	for i := range 4 {
		rdb.Set(ctx, "inventory:s"+strconv.Itoa(i), i, 0)
	}
	db2 := redis.NewClient(&redis.Options{Addr: srv.Addr(), DB: 2})
	defer db2.Close()
	if err := db2.Set(ctx, "x", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "gone", "1", time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	for rdb.Exists(ctx, "gone").Val() == 1 { // expired on access: expired_keys 1
		time.Sleep(time.Millisecond)
	}
}

// checkInfoAgainstServer compares INFO with CONFIG GET, DBSIZE, the port,
// the PID and the version of the binary.
func checkInfoAgainstServer(t *testing.T, srv *redistest.Server, rdb *redis.Client, info Info) {
	t.Helper()
	ctx := context.Background()
	cfg := rdb.ConfigGet(ctx, "*").Val()
	if strconv.FormatInt(info.Memory.Max, 10) != cfg["maxmemory"] || info.Memory.MaxPolicy != cfg["maxmemory-policy"] {
		t.Errorf("maxmemory %d/%q, CONFIG GET says %q/%q", info.Memory.Max, info.Memory.MaxPolicy, cfg["maxmemory"], cfg["maxmemory-policy"])
	}
	if info.Persistence.AOFEnabled != (cfg["appendonly"] == "yes") || !info.Persistence.AOFEnabled {
		t.Errorf("aof_enabled %v, CONFIG GET appendonly %q", info.Persistence.AOFEnabled, cfg["appendonly"])
	}
	if mc, _ := strconv.ParseInt(cfg["maxclients"], 10, 64); info.Clients.MaxClients != mc {
		t.Errorf("maxclients %d, CONFIG GET says %d", info.Clients.MaxClients, mc)
	}
	if info.Server.TCPPort != int64(srv.Port) || info.Server.Role != "master" || info.Server.Mode != "standalone" {
		t.Errorf("server = %+v, want port %d master standalone", info.Server, srv.Port)
	}
	if want := srv.Kind.Version(t); info.Server.Version != want || info.Server.Name != srv.Kind.Name() {
		t.Errorf("server %q %q, %s --version says %q", info.Server.Name, info.Server.Version, srv.Kind.Kind, want)
	}
	if info.Server.ProcessID != int64(srv.PID()) {
		t.Errorf("process_id %d, redistest PID %d", info.Server.ProcessID, srv.PID())
	}
	if n := rdb.DBSize(ctx).Val(); info.Keyspace[0].Keys != n || info.Keyspace[2].Keys != 1 || len(info.Keyspace) != 2 {
		t.Errorf("keyspace %+v, DBSIZE db0 %d, want db2 1", info.Keyspace, n)
	}
}

func TestClientInfoUnreachable(t *testing.T) {
	srv := redistest.Start(t)
	c, err := New(Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv.Kill()
	if _, err := c.Info(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Info on a killed server: %v, want ErrUnreachable", err)
	}
}

// TestParseInfoValkey: INFO everything of valkey-server 8.0.1 (captured with
// valkey-cli from a server started with no persistence and one key)
// says redis_version:7.2.4 for compatibility; the name is valkey, the version
// its own 8.0.1, and the mode comes from server_mode (Valkey 8 has no
// redis_mode).
func TestParseInfoValkey(t *testing.T) {
	raw, err := os.ReadFile("testdata/info-valkey-8.0-standalone.txt")
	if err != nil {
		t.Fatal(err)
	}
	info := ParseInfo(string(raw))
	if info.Fields["redis_version"] != "7.2.4" || info.Fields["redis_mode"] != "" {
		t.Fatalf("testdata is not what this test is about: %q %q", info.Fields["redis_version"], info.Fields["redis_mode"])
	}
	if s := info.Server; s.Name != ServerValkey || s.Version != "8.0.1" || s.Mode != "standalone" || s.Role != "master" {
		t.Errorf("Server = %+v, want valkey 8.0.1 standalone master", s)
	}
	if ss := info.ServerStats(); ss.Name != "valkey" || ss.Version != "8.0.1" || ss.KeysInDB != 1 {
		t.Errorf("ServerStats %+v", ss)
	}
}

// TestHealthNotReportedIsNotZero: a server without the latencystats or
// errorstats section reports nothing (nil), a section without lines an
// empty map, and garbled lines are skipped.
func TestHealthNotReportedIsNotZero(t *testing.T) {
	none := ParseInfo("# Server\r\nredis_version:6.2.14\r\n")
	if none.ScriptLatency() != nil || none.ErrorCounts() != nil {
		t.Errorf("absent sections: %v %v, want nil (not reported)", none.ScriptLatency(), none.ErrorCounts())
	}
	empty := ParseInfo("# Errorstats\r\n\r\n# Latencystats\r\nlatency_percentiles_usec_get:p50=1,p99=2,p99.9=3\r\n")
	if l, e := empty.ScriptLatency(), empty.ErrorCounts(); l == nil || len(l) != 0 || e == nil || len(e) != 0 {
		t.Errorf("sections without scripts or errors: %v %v, want empty maps", l, e)
	}
	messy := ParseInfo("# Errorstats\r\nerrorstat_NOSCRIPT:count=3\r\nerrorstat_OOM:count=-1\r\nerrorstat_X:nope\r\n" +
		"errorstat_\x1b[2J:count=1\r\n# Latencystats\r\nlatency_percentiles_usec_evalsha:p50=16.063,p99=76.287,p99.9=80.1\r\n" +
		"latency_percentiles_usec_fcall:p50=1,p99=x,p99.9=3\r\n")
	if got, want := messy.ErrorCounts(), map[string]int64{"NOSCRIPT": 3, `\x1b[2J`: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
	if got, want := messy.ScriptLatency(), map[string]Percentiles{"evalsha": {16.063, 76.287, 80.1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("latency %v, want %v", got, want)
	}
}
