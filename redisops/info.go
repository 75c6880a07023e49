package redisops

import (
	"context"
	"math"
	"strconv"
	"strings"
)

// Info is the parsed reply of INFO: typed copies of the fields flashtop shows,
// grouped by INFO section, plus every raw "name:value" field in Fields (keyed
// by the field name, e.g. "used_memory", "db0", "cmdstat_get").
//
// A field that is missing or not a number leaves its typed copy at the zero
// value; Fields still holds its raw text when it was present.
type Info struct {
	Server      InfoServer
	Clients     InfoClients
	Memory      InfoMemory
	Persistence InfoPersistence
	Stats       InfoStats
	// Keyspace maps a database number (0 for "db0") to its counts.
	Keyspace map[int]KeyspaceDB
	// Fields holds every field of every section, raw and untrusted.
	Fields map[string]string
	// Sections are the section headers seen ("# Latencystats" as
	// "latencystats"): a section that is absent is not reported, which is
	// not the same as a section without lines.
	Sections map[string]bool
}

// The server programs, as ServerStats.Name and InfoServer.Name say them.
const (
	ServerRedis  = "redis"
	ServerValkey = "valkey"
)

// InfoServer holds fields of the "server" section, and the replication role.
type InfoServer struct {
	// Name is the server program: ServerValkey when server_name says so
	// (or only valkey_version is given), else ServerRedis (Redis 7.0 has no
	// server_name field).
	Name string
	// Version is the server's own version: valkey_version on Valkey (which
	// reports redis_version:7.2.4 for compatibility), redis_version on
	// Redis.
	Version       string
	Mode          string // server_mode (Valkey 8), else redis_mode: standalone, cluster or sentinel
	OS            string // os
	ArchBits      int64  // arch_bits
	ProcessID     int64  // process_id
	RunID         string // run_id
	TCPPort       int64  // tcp_port
	UptimeSeconds int64  // uptime_in_seconds
	ConfigFile    string // config_file
	// Role is "role" of the "replication" section: master or slave.
	Role string
	// ConnectedReplicas is connected_slaves of the "replication" section.
	ConnectedReplicas int64
}

// InfoClients holds fields of the "clients" section.
type InfoClients struct {
	Connected  int64 // connected_clients
	Blocked    int64 // blocked_clients
	Tracking   int64 // tracking_clients
	MaxClients int64 // maxclients (Redis 7+)
}

// InfoMemory holds fields of the "memory" section (bytes unless named Human).
type InfoMemory struct {
	Used      int64   // used_memory
	UsedHuman string  // used_memory_human, e.g. "1.02M"
	RSS       int64   // used_memory_rss
	Peak      int64   // used_memory_peak
	PeakHuman string  // used_memory_peak_human
	Max       int64   // maxmemory (0: no limit)
	MaxHuman  string  // maxmemory_human
	MaxPolicy string  // maxmemory_policy, e.g. "noeviction"
	FragRatio float64 // mem_fragmentation_ratio (0 when absent or not finite)
	LuaUsed   int64   // used_memory_lua (Redis 6) or used_memory_vm_eval (Redis 7+)
}

// InfoPersistence holds fields of the "persistence" section.
type InfoPersistence struct {
	Loading                bool   // loading:1
	RDBChangesSinceSave    int64  // rdb_changes_since_last_save
	RDBBgsaveInProgress    bool   // rdb_bgsave_in_progress:1
	RDBLastSaveTime        int64  // rdb_last_save_time (unix seconds)
	RDBLastBgsaveStatus    string // rdb_last_bgsave_status: ok or err
	AOFEnabled             bool   // aof_enabled:1
	AOFRewriteInProgress   bool   // aof_rewrite_in_progress:1
	AOFLastBgrewriteStatus string // aof_last_bgrewrite_status: ok or err
	AOFLastWriteStatus     string // aof_last_write_status: ok or err
}

// InfoStats holds fields of the "stats" section.
type InfoStats struct {
	TotalConnections    int64 // total_connections_received
	TotalCommands       int64 // total_commands_processed
	OpsPerSec           int64 // instantaneous_ops_per_sec
	RejectedConnections int64 // rejected_connections
	ExpiredKeys         int64 // expired_keys
	EvictedKeys         int64 // evicted_keys
	KeyspaceHits        int64 // keyspace_hits
	KeyspaceMisses      int64 // keyspace_misses
	PubsubChannels      int64 // pubsub_channels
}

// KeyspaceDB is one line of the "keyspace" section, e.g.
// "db0:keys=12,expires=3,avg_ttl=29000".
type KeyspaceDB struct {
	Keys    int64 // keys
	Expires int64 // expires: keys with a TTL
	AvgTTL  int64 // avg_ttl, in milliseconds (an estimate by Redis)
}

// ParseInfo parses the text of an INFO reply. It is tolerant: CRLF or LF line
// ends, section headers ("# Memory"), blank, unknown and garbled lines are all
// accepted, and it never panics. Fields are read whatever section they are in.
func ParseInfo(text string) Info {
	info := Info{Keyspace: map[int]KeyspaceDB{}, Fields: map[string]string{}, Sections: map[string]bool{}}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if line[0] == '#' {
			if name := strings.ToLower(strings.TrimSpace(line[1:])); name != "" && len(name) <= 64 {
				info.Sections[name] = true
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			continue
		}
		info.Fields[name] = value
		if db, ok := parseKeyspaceLine(name, value); ok {
			info.Keyspace[db.num] = db.KeyspaceDB
		}
	}
	f := info.Fields
	info.Server = infoServer(f)
	info.Clients = InfoClients{
		Connected: infoInt(f, "connected_clients"), Blocked: infoInt(f, "blocked_clients"),
		Tracking: infoInt(f, "tracking_clients"), MaxClients: infoInt(f, "maxclients"),
	}
	info.Memory = infoMemory(f)
	info.Persistence = InfoPersistence{
		Loading: f["loading"] == "1", RDBChangesSinceSave: infoInt(f, "rdb_changes_since_last_save"),
		RDBBgsaveInProgress: f["rdb_bgsave_in_progress"] == "1", RDBLastSaveTime: infoInt(f, "rdb_last_save_time"),
		RDBLastBgsaveStatus: f["rdb_last_bgsave_status"], AOFEnabled: f["aof_enabled"] == "1",
		AOFRewriteInProgress:   f["aof_rewrite_in_progress"] == "1",
		AOFLastBgrewriteStatus: f["aof_last_bgrewrite_status"], AOFLastWriteStatus: f["aof_last_write_status"],
	}
	info.Stats = InfoStats{
		TotalConnections: infoInt(f, "total_connections_received"), TotalCommands: infoInt(f, "total_commands_processed"),
		OpsPerSec: infoInt(f, "instantaneous_ops_per_sec"), RejectedConnections: infoInt(f, "rejected_connections"),
		ExpiredKeys: infoInt(f, "expired_keys"), EvictedKeys: infoInt(f, "evicted_keys"),
		KeyspaceHits: infoInt(f, "keyspace_hits"), KeyspaceMisses: infoInt(f, "keyspace_misses"),
		PubsubChannels: infoInt(f, "pubsub_channels"),
	}
	return info
}

func infoServer(f map[string]string) InfoServer {
	s := InfoServer{
		Version: f["redis_version"], Mode: f["redis_mode"], OS: f["os"],
		ArchBits: infoInt(f, "arch_bits"), ProcessID: infoInt(f, "process_id"), RunID: f["run_id"],
		TCPPort: infoInt(f, "tcp_port"), UptimeSeconds: infoInt(f, "uptime_in_seconds"),
		ConfigFile: f["config_file"], Role: f["role"], ConnectedReplicas: infoInt(f, "connected_slaves"),
	}
	s.Name = ServerRedis
	if strings.EqualFold(f["server_name"], ServerValkey) || f["redis_version"] == "" && f["valkey_version"] != "" {
		s.Name = ServerValkey
	}
	if v := f["valkey_version"]; s.Name == ServerValkey && v != "" {
		s.Version = v
	}
	if m := f["server_mode"]; m != "" {
		s.Mode = m
	}
	return s
}

func infoMemory(f map[string]string) InfoMemory {
	m := InfoMemory{
		Used: infoInt(f, "used_memory"), UsedHuman: f["used_memory_human"], RSS: infoInt(f, "used_memory_rss"),
		Peak: infoInt(f, "used_memory_peak"), PeakHuman: f["used_memory_peak_human"],
		Max: infoInt(f, "maxmemory"), MaxHuman: f["maxmemory_human"], MaxPolicy: f["maxmemory_policy"],
		FragRatio: infoFloat(f, "mem_fragmentation_ratio"), LuaUsed: infoInt(f, "used_memory_lua"),
	}
	if v := infoInt(f, "used_memory_vm_eval"); v != 0 {
		m.LuaUsed = v
	}
	return m
}

type numberedDB struct {
	KeyspaceDB
	num int
}

// parseKeyspaceLine reads "db<N>" / "keys=..,expires=..,avg_ttl=..".
func parseKeyspaceLine(name, value string) (numberedDB, bool) {
	rest, ok := strings.CutPrefix(name, "db")
	if !ok || rest == "" || !strings.Contains(value, "keys=") {
		return numberedDB{}, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || rest[0] == '+' {
		return numberedDB{}, false
	}
	db := numberedDB{num: n}
	for kv := range strings.SplitSeq(value, ",") {
		k, v, _ := strings.Cut(kv, "=")
		x, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		switch strings.TrimSpace(k) {
		case "keys":
			db.Keys = x
		case "expires":
			db.Expires = x
		case "avg_ttl":
			db.AvgTTL = x
		}
	}
	return db, true
}

// infoInt reads an integer field; 0 when absent or not an integer.
func infoInt(f map[string]string, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(f[name]), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// infoFloat reads a finite number; 0 when absent, not a number, NaN or
// infinite (a NaN would make the snapshot JSON unencodable).
func infoFloat(f map[string]string, name string) float64 {
	x, err := strconv.ParseFloat(strings.TrimSpace(f[name]), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// ServerStats returns the server fields of a snapshot. PingMs is left at 0
// (INFO does not measure it) and so is NotifyKeyspaceEvent (a CONFIG value,
// not an INFO field). KeysInDB is the sum of the keys of every database.
func (i Info) ServerStats() ServerStats {
	var keys int64
	for _, db := range i.Keyspace {
		keys += db.Keys
	}
	return ServerStats{
		ScriptLatencyUs:       i.ScriptLatency(),
		Errors:                i.ErrorCounts(),
		Name:                  i.Server.Name,
		Version:               i.Server.Version,
		Role:                  i.Server.Role,
		UsedMemory:            i.Memory.Used,
		UsedMemoryHuman:       i.Memory.UsedHuman,
		Maxmemory:             i.Memory.Max,
		MaxmemoryPolicy:       i.Memory.MaxPolicy,
		MemFragmentationRatio: i.Memory.FragRatio,
		ConnectedClients:      i.Clients.Connected,
		OpsPerSec:             i.Stats.OpsPerSec,
		AOFEnabled:            i.Persistence.AOFEnabled,
		KeyspaceHits:          i.Stats.KeyspaceHits,
		KeyspaceMisses:        i.Stats.KeyspaceMisses,
		EvictedKeys:           i.Stats.EvictedKeys,
		ExpiredKeys:           i.Stats.ExpiredKeys,
		UsedMemoryPeak:        i.Memory.Peak,
		AOFLastWriteStatus:    i.Persistence.AOFLastWriteStatus,
		UptimeSeconds:         i.Server.UptimeSeconds,
		TotalCommands:         i.Stats.TotalCommands,
		BlockedClients:        i.Clients.Blocked,
		RDBLastSaveStatus:     i.Persistence.RDBLastBgsaveStatus,
		KeysInDB:              keys,
	}
}

// Info runs INFO everything and parses the reply. Errors wrap one of the
// error kinds of errors.go.
func (c *Client) Info(ctx context.Context) (Info, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	text, err := c.rdb.Info(ctx, "everything").Result()
	if err != nil {
		return Info{}, Classify(err)
	}
	return ParseInfo(text), nil
}
