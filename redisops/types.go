package redisops

import (
	"time"
)

// Status words of the scripts and commands (DESIGN.md §4–5). They are part of
// the contract: tests and users match them word for word.
const (
	StatusReserved          = "reserved"
	StatusAlreadyReserved   = "already_reserved"
	StatusInsufficientStock = "insufficient_stock"
	StatusNoInventory       = "no_inventory"
	StatusReleased          = "released"
	StatusNotFound          = "not_found"
	StatusMaxExceeded       = "max_exceeded"
	StatusSet               = "set"
	StatusRestocked         = "restocked"
	StatusTaken             = "taken"
	StatusJoined            = "joined"
	StatusAlreadyQueued     = "already_queued"
	StatusQueueFull         = "queue_full"
	StatusLeft              = "left"
	StatusNotQueued         = "not_queued"
	StatusAdmitted          = "admitted"
	StatusHead              = "head" // queue head: the first users, none removed
	// Read-only commands.
	StatusStock    = "stock"    // inventory get
	StatusQueued   = "queued"   // queue position
	StatusLength   = "length"   // queue length
	StatusPong     = "pong"     // ping
	StatusSnapshot = "snapshot" // snapshot (text mode only)
)

// Result is the outcome of one operation: a status word and the numbers of
// the reply. Its JSON is the operation object of DESIGN.md §5.
type Result struct {
	OK        bool     `json:"ok"`
	Status    string   `json:"status"`
	Remaining *int64   `json:"remaining,omitempty"`
	Quantity  *int64   `json:"quantity,omitempty"`
	Stock     *int64   `json:"stock,omitempty"`
	Position  *int64   `json:"position,omitempty"`
	Length    *int64   `json:"length,omitempty"`
	Users     []string `json:"users,omitempty"`
	Units     *int64   `json:"units,omitempty"` // reclaim: the units given back
	// UnverifiedUnits is, for reclaim, the part of Units that was not seen
	// to expire (reclaimed) or the unverified units left in the ledger.
	UnverifiedUnits *int64 `json:"unverified_units,omitempty"`
	// Key is the key the operation worked on (for the command log; not in JSON).
	Key string `json:"-"`
}

// SnapshotOptions tune a read of a Snapshot (package flashtop/redisops/read:
// the full read and the dashboard's poller). Zero values take the defaults.
type SnapshotOptions struct {
	Pins       []string // --sale ids, in order; always shown, even with no keys
	HeadWindow int64    // queue members read per sale (default 20 when 0)
	HoldLimit  int      // holds listed in Reservations, soonest to expire first (0: every hold); counts and units are always complete
	SlowlogN   int64    // slowlog entries (default 20 when 0)
	// Additive, read by the Poller only: the selected sale (its queue gets the
	// whole head window, its holds are read) and how many of its holds show
	// (default DefaultHoldRows when 0).
	Sale     string
	HoldRows int
}

// Snapshot defaults.
const (
	DefaultHeadWindow = 20 // queue members read per sale
	DefaultSlowlogN   = 20 // SLOWLOG entries
	// DefaultHoldRows is how many holds of the selected sale a poll reads
	// when SnapshotOptions.HoldRows is 0.
	DefaultHoldRows = 50
)

// HoldLimitHow is how to list every hold when a snapshot's were limited.
const HoldLimitHow = "--hold-limit 0 (the default) lists every hold"

// WithDefaults returns o with its zero values replaced by the defaults.
func (o SnapshotOptions) WithDefaults() SnapshotOptions {
	if o.HeadWindow <= 0 {
		o.HeadWindow = DefaultHeadWindow
	}
	if o.SlowlogN <= 0 {
		o.SlowlogN = DefaultSlowlogN
	}
	if o.HoldRows <= 0 {
		o.HoldRows = DefaultHoldRows
	}
	return o
}

// Snapshot is everything flashtop shows, read at one moment. Its JSON is the
// snapshot object of DESIGN.md §5 (fields beyond the contract are additive).
type Snapshot struct {
	TakenAt      time.Time               `json:"taken_at"`
	Server       ServerStats             `json:"server"`
	Sales        []SaleStats             `json:"sales"`
	Reservations []Hold                  `json:"reservations"`
	Queues       map[string][]QueueEntry `json:"queues"`
	Sessions     SessionStats            `json:"sessions"`
	Slowlog      []SlowEntry             `json:"slowlog"`
	Anomalies    []Anomaly               `json:"anomalies"`
	// Additive.
	Nodes []NodeStats `json:"nodes,omitempty"` // per master in a cluster (Server holds the totals)
	Cost  *PollCost   `json:"cost,omitempty"`  // what reading this snapshot cost (the dashboard's poller)
	// Additive, from the dashboard's leak watch (leakwatch.Backend): the leaks
	// this poll revealed, and why the watch or the recording failed (not in JSON).
	Leaks     []WatchedLeak `json:"leaks,omitempty"`
	LeakErr   string        `json:"-"`
	RecordErr string        `json:"-"`
	// Additive, from the dashboard's poller: how current the hold counts
	// are (nil from the full read, whose counts are exact as of TakenAt).
	Feed *FeedStatus `json:"feed,omitempty"`
	// Additive, from the dashboard's poller: the server's clock minus
	// flashtop's (the first master's, from TIME round trips: clock.go), in
	// ms. TakenAt and every deadline are server times: the dashboard ages
	// them against its own clock plus this, so a server clock that is off
	// does not age a queue head or count a hold down by the difference.
	ClockOffsetMs *float64 `json:"clock_offset_ms,omitempty"`
	// Additive: what this snapshot left out and how to get it all (nil:
	// nothing; a snapshot is never cut silently).
	Truncated *Truncation `json:"truncated,omitempty"`
	// Additive: what could not be read, and why (an ACL refusal, a proxy's
	// error reply), by kind (redisops/unreadable.go); empty when everything
	// was read. A blind read is never reported as empty data: what is listed
	// is left at zero or null above.
	Unreadable []Unreadable `json:"unreadable"`
}

// Truncation says which lists of a snapshot are cut (each nil when whole).
type Truncation struct {
	// Reservations: the holds listed were limited (snapshot --hold-limit);
	// the sales' counts and units still cover every hold.
	Reservations *Cut `json:"reservations,omitempty"`
	// ActiveSales: flash_sales:active is not read whole yet (the dashboard
	// reads one SSCAN page a tick; a full snapshot reads it all).
	ActiveSales *Cut `json:"active_sales,omitempty"`
}

// Cut is one cut list: how many items are in the snapshot, how many there
// are (-1 when not known) and how to get them all.
type Cut struct {
	Shown int64  `json:"shown"`
	Total int64  `json:"total"`
	How   string `json:"how"`
}

// Unreadable is one kind of data a snapshot could not read, and why.
type Unreadable struct {
	What   string `json:"what"`           // UnreadServer, UnreadSlowlog, UnreadActive, UnreadStock, UnreadQueues or UnreadHolds
	Reason string `json:"reason"`         // the server's error reply (sanitized, cut), e.g. "NOPERM this user has no permissions to access one of the keys used as arguments"
	Keys   int64  `json:"keys,omitempty"` // for a key family: how many keys could not be read
}

// Feed states (FeedStatus.State).
const (
	FeedLive         = "live"         // every master's push feed is armed and the index verified
	FeedVerifying    = "verifying"    // the feed is armed, but a repair walk must pass before counts are exact
	FeedReconnecting = "reconnecting" // a feed connection was lost: re-arming
	FeedOff          = "off"          // no push feed (refused, unsupported): the walk alone keeps the counts
)

// FeedStatus says whether the poller's hold counts are live: kept current by
// the push feed (CLIENT TRACKING BCAST on every master, redisops/feed.go)
// within one tick, or only as good as the last discovery walk.
type FeedStatus struct {
	State  string `json:"state"`            // FeedLive, FeedVerifying, FeedReconnecting or FeedOff
	Reason string `json:"reason,omitempty"` // why it is not live (an ACL refusal, a server too old, a lost connection)
	// AsOf is when the counts were last known complete: the end of the last
	// discovery walk (zero: no walk has finished yet). Meaningful when State is not FeedLive.
	AsOf time.Time `json:"as_of,omitzero"` // omitted while zero (omitempty never omits a time)
	// PushedPerSec is the rate of key names the feed pushed (all masters),
	// over the last few seconds; Pushed is their total since start.
	PushedPerSec float64 `json:"pushed_per_sec"`
	Pushed       int64   `json:"pushed"`
	// Gaps counts the feed's gaps since start (a lost connection, a broken
	// redirect): each one re-arms the feed and starts a repair walk.
	Gaps int64 `json:"gaps"`
	// Masters and Armed count the masters and those whose feed is armed.
	Masters int `json:"masters"`
	Armed   int `json:"armed"`
	// MarginMs is the clock margin leak classification uses now (the
	// uncertainty of the server clock estimate), in milliseconds.
	MarginMs float64 `json:"margin_ms"`
}

// Live reports whether the hold counts are live (f may be nil: a full read).
func (f *FeedStatus) Live() bool { return f == nil || f.State == FeedLive }

// NodeStats are one node's server figures (in a cluster, one per master).
type NodeStats struct {
	Addr string `json:"addr"`
	ServerStats
}

// PollCost is what one poll cost the server and the network, and how far the
// incremental discovery has come.
type PollCost struct {
	Commands     int     `json:"commands"`        // commands sent by this poll
	RoundTrips   int     `json:"round_trips"`     // pipelines (per node) sent by this poll
	BytesOut     int64   `json:"bytes_out"`       // request bytes (estimated from the arguments)
	BytesIn      int64   `json:"bytes_in"`        // reply bytes (estimated)
	RTTMs        float64 `json:"rtt_ms"`          // wall time of the poll's round trips
	ScanProgress float64 `json:"scan_progress"`   // share of the keyspace the current walk has covered (0..1)
	WalksDone    int64   `json:"walks_done"`      // complete discovery walks so far
	HoldsIndexed int64   `json:"holds_indexed"`   // holds in the in-memory index
	Events       bool    `json:"keyspace_events"` // index updated from keyspace notifications
	FeedCommands int     `json:"feed_commands"`   // of Commands, those on the push feed's tracking connections
}

// ServerStats are the server fields of a snapshot, from INFO and PING.
type ServerStats struct {
	// Name is the server program, "redis" or "valkey" (additive, DESIGN
	// §5); Version is that program's own version.
	Name                  string  `json:"name"`
	Version               string  `json:"version"`
	Role                  string  `json:"role"`
	UsedMemory            int64   `json:"used_memory"`
	UsedMemoryHuman       string  `json:"used_memory_human"`
	Maxmemory             int64   `json:"maxmemory"`
	MaxmemoryPolicy       string  `json:"maxmemory_policy"`
	MemFragmentationRatio float64 `json:"mem_fragmentation_ratio"`
	ConnectedClients      int64   `json:"connected_clients"`
	OpsPerSec             int64   `json:"ops_per_sec"`
	PingMs                float64 `json:"ping_ms"`
	AOFEnabled            bool    `json:"aof_enabled"`
	KeyspaceHits          int64   `json:"keyspace_hits"`
	KeyspaceMisses        int64   `json:"keyspace_misses"`
	EvictedKeys           int64   `json:"evicted_keys"`
	ExpiredKeys           int64   `json:"expired_keys"`
	// Additive fields for the server panel.
	UsedMemoryPeak      int64  `json:"used_memory_peak"`
	AOFLastWriteStatus  string `json:"aof_last_write_status"`
	UptimeSeconds       int64  `json:"uptime_in_seconds"`
	TotalCommands       int64  `json:"total_commands_processed"`
	BlockedClients      int64  `json:"blocked_clients"`
	RDBLastSaveStatus   string `json:"rdb_last_bgsave_status"`
	KeysInDB            int64  `json:"keys"`
	NotifyKeyspaceEvent string `json:"-"`
	// ScriptLatencyUs is, per script command that ran (eval, evalsha,
	// fcall, their _ro forms), its latency percentiles in µs since the
	// server started (INFO latencystats); null when the server does not
	// report them. In a cluster's totals: the worst node's figures.
	ScriptLatencyUs map[string]Percentiles `json:"script_latency_us"`
	// Errors are the error replies by kind since the server started (INFO
	// errorstats: "NOSCRIPT": 3); null when not reported, {} when none. In
	// a cluster's totals: summed over the nodes.
	Errors map[string]int64 `json:"errors"`
	// FlashtopErrors are, of Errors, the error replies this flashtop's own
	// polls drew since it started, by kind (a typeless hold read's
	// other-shape read is a WRONGTYPE by design): Errors less these are the
	// others' (the backend's). Omitted when none, and in a one-shot
	// snapshot.
	FlashtopErrors map[string]int64 `json:"flashtop_errors,omitempty"`
}

// Program is the server program, Name or, when it was not read (a recording
// made before flashtop read it), "redis".
func (s ServerStats) Program() string {
	if s.Name == "" {
		return ServerRedis
	}
	return s.Name
}

// Hold is one reservation hold, in either shape the backend writes.
type Hold struct {
	Sale       string     `json:"sale"`
	User       string     `json:"user"`
	Quantity   int64      `json:"quantity"`
	ReservedAt *time.Time `json:"reserved_at"` // nil when the hold does not say
	TTLMs      int64      `json:"ttl_ms"`      // -1: no TTL
	// Additive.
	Key   string `json:"key"`
	Shape string `json:"shape"` // HoldShapeHash or HoldShapeJSON
	// Deadline is when the hold expires in server time (PEXPIRETIME, or the
	// PTTL read at a server instant); zero when unknown or no TTL. Not in JSON
	// (ttl_ms says it).
	Deadline time.Time `json:"-"`
}

// Hold shapes.
const (
	HoldShapeHash = "hash"
	HoldShapeJSON = "json"
)

// SessionStats counts sessions; their values (bearer tokens) are never read.
type SessionStats struct {
	Count int64 `json:"count"`
}

// SlowEntry is one SLOWLOG entry, with secret arguments redacted.
type SlowEntry struct {
	ID         int64     `json:"id"`
	Time       time.Time `json:"time"`
	DurationUs int64     `json:"duration_us"`
	Args       []string  `json:"args"`
	ClientAddr string    `json:"client_addr,omitempty"`
	ClientName string    `json:"client_name,omitempty"`
}

// Anomaly is something wrong in the data (DESIGN.md §1, job 4).
type Anomaly struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Detail string `json:"detail"`
}

// Anomaly kinds. The strings are a contract (the dashboard, `flashtop audit`
// and its --json output match them word for word).
const (
	// AnomalyHoldWithoutTTL: a hold key has no TTL (PTTL -1), so its units are
	// held until someone releases it by hand.
	AnomalyHoldWithoutTTL = "hold_without_ttl"
	// AnomalyHoldBadQuantity: a hold's quantity is missing, not a positive
	// integer or over MaxScriptInt (including a string hold that is not
	// JSON, or JSON over read.HoldJSONMaxBytes, which is not decoded). Release
	// cannot return its units; the hold counts with 0 units.
	AnomalyHoldBadQuantity = "hold_bad_quantity"
	// AnomalyHoldReplaced: a hold key was rewritten before its deadline with
	// another quantity, stamp, shape or a later deadline (the backend's double
	// reserve takes stock again and overwrites the hold; its order path's
	// SETEX over a hash does the same): the old quantity may be orphaned.
	// Never reclaimed automatically: a release followed by a new reserve
	// within one server event loop looks the same.
	AnomalyHoldReplaced = "hold_replaced"
	// AnomalyWrongType: a key has the shape of a family's template (Parse
	// accepts it) but another TYPE: stock not a string, queue not a sorted
	// set, hold neither a hash nor a string. The backend's commands fail on it.
	AnomalyWrongType = "wrong_type"
	// AnomalyStockInvalid: a stock key is negative, not an integer, or over
	// MaxScriptInt (every write refuses it).
	AnomalyStockInvalid = "stock_invalid"
	// AnomalyQueueOverCap: a queue holds more members than the cap
	// (--max-queue, the backend's REDIS_MAX_QUEUE_LENGTH).
	AnomalyQueueOverCap = "queue_over_cap"
	// AnomalyQueueBadScore: a member of a queue's head window has a score that
	// is not a plausible join time in ms (before the year 2000, or more than a
	// day ahead of the server's clock).
	AnomalyQueueBadScore = "queue_bad_score"
	// AnomalyOddID: a sale or hold is counted (ids are data), but its sale
	// or user id is one flashtop's own commands refuse as input
	// (ValidateID: more than 512 bytes, not valid UTF-8, a NUL or another
	// control character, '{' or '}'), so --sale or --user cannot name it.
	// The detail says why and gives a redis-cli command line that reads the
	// key byte for byte (redisops/read/anomaly.go).
	AnomalyOddID = "odd_id"
	// AnomalyBackendScriptsMissing: one of the backend's scripts (its
	// decrement, reserve or release, by SHA1: Options.BackendScripts) is not
	// loaded on a node, though it was earlier, or though the backend's
	// flash_sales:active set shows it running. The backend calls EVALSHA
	// with no NOSCRIPT retry: its reserve and release answer HTTP 500 until
	// it restarts or the script is loaded again with its exact bytes
	// (checked in redisops/read/server.go; the client remembers when each
	// was seen loaded: backendscripts.go).
	AnomalyBackendScriptsMissing = "backend_scripts_missing"
)
