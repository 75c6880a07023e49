package redisops

import (
	"flashtop/textsafe"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The server's own health numbers: the latency of the scripts (INFO
// latencystats, Redis 7.0+ and Valkey) and the error replies by kind (INFO
// errorstats). Both are counted by the server since it started (or since
// CONFIG RESETSTAT); the dashboard shows the change of the error counts per
// minute from successive polls.

// Percentiles are one command's latency percentiles in microseconds, as
// INFO latencystats gives them (p50, p99 and p99.9 of every call since the
// server started or CONFIG RESETSTAT).
type Percentiles struct {
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
}

// scriptCommands are the commands that run scripts, as latencystats names
// them.
var scriptCommands = map[string]bool{
	"eval": true, "evalsha": true, "eval_ro": true, "evalsha_ro": true, "fcall": true, "fcall_ro": true,
}

// Limits of what is kept from errorstats: a server (or a hostile proxy)
// cannot make a snapshot grow without bound.
const (
	maxErrorKinds   = 64
	maxErrorKindLen = 64
)

// ScriptLatency returns the latency percentiles of each script command that
// ran (eval, evalsha, fcall and their _ro forms), or nil when the server did
// not send the latencystats section ("not reported", never 0). A section
// with no script command gives an empty, non-nil map.
func (i Info) ScriptLatency() map[string]Percentiles {
	if !i.Sections["latencystats"] {
		return nil
	}
	out := map[string]Percentiles{}
	for cmd := range scriptCommands {
		v, ok := i.Fields["latency_percentiles_usec_"+cmd]
		if !ok {
			continue
		}
		if p, ok := parsePercentiles(v); ok {
			out[cmd] = p
		}
	}
	return out
}

// parsePercentiles parses "p50=16.063,p99=76.287,p99.9=76.287".
func parsePercentiles(v string) (Percentiles, bool) {
	var p Percentiles
	seen := 0
	for part := range strings.SplitSeq(v, ",") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || f < 0 || f > 1e15 {
			continue
		}
		switch strings.TrimSpace(k) {
		case "p50":
			p.P50, seen = f, seen|1
		case "p99":
			p.P99, seen = f, seen|2
		case "p99.9":
			p.P999, seen = f, seen|4
		}
	}
	return p, seen == 7
}

// ErrorCounts returns the error replies by kind (errorstat_NOSCRIPT:count=3
// as "NOSCRIPT": 3), or nil when the server did not send the errorstats
// section. A section without lines (no error since start) gives an empty,
// non-nil map. At most 64 kinds are kept, each name escaped and cut to 64
// cells (textsafe.Cut).
func (i Info) ErrorCounts() map[string]int64 {
	if !i.Sections["errorstats"] {
		return nil
	}
	out := map[string]int64{}
	for _, name := range slices.Sorted(maps.Keys(i.Fields)) { // sorted: the same kinds are kept every poll
		v := i.Fields[name]
		kind, ok := strings.CutPrefix(name, "errorstat_")
		if !ok || kind == "" || len(out) >= maxErrorKinds {
			continue
		}
		c, ok := strings.CutPrefix(v, "count=")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(c), 10, 64)
		if err != nil || n < 0 {
			continue
		}
		kind = textsafe.Cut(kind, maxErrorKindLen) // a name, not an id: shown, never addressed
		out[kind] = AddSaturating(out[kind], n)
	}
	return out
}

// OthersErrors is Errors less FlashtopErrors (never below 0: a restarted
// server counts afresh): the error replies of every client but this
// flashtop; nil when Errors is not reported.
func (s ServerStats) OthersErrors() map[string]int64 {
	if s.Errors == nil {
		return nil
	}
	out := make(map[string]int64, len(s.Errors))
	for k, v := range s.Errors {
		out[k] = max(v-s.FlashtopErrors[k], 0)
	}
	return out
}
