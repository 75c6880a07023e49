package redisops

// A sale's row of a snapshot: its stock, queue and hold figures, the
// analytics of its queue and how its watched holds ended.

import "encoding/json"

// HoldOutcomes counts a sale's holds by how they ended, as one watcher saw
// them since it started: Converted ended before their deadline (released or
// checked out; a DEL), Expired were leaks (verified or not: the ledger has
// them).
type HoldOutcomes struct {
	Converted int64 `json:"converted"`
	Expired   int64 `json:"expired"`
}

// ConvertedPct is the share of the ended holds that converted, in percent;
// false before any ended.
func (o HoldOutcomes) ConvertedPct() (float64, bool) {
	n := o.Converted + o.Expired
	if n == 0 {
		return 0, false
	}
	return float64(o.Converted) * 100 / float64(n), true
}

// MarshalJSON adds converted_pct (ConvertedPct, rounded to 0.1; null
// before any hold ended) to the counts.
func (o HoldOutcomes) MarshalJSON() ([]byte, error) {
	type counts HoldOutcomes
	return json.Marshal(struct {
		counts
		ConvertedPct *float64 `json:"converted_pct"`
	}{counts(o), o.PctJSON()})
}

// PctJSON is ConvertedPct as JSON writes it: rounded to 0.1, nil when
// unknown (also for reports that list the counts themselves).
func (o HoldOutcomes) PctJSON() *float64 {
	p, ok := o.ConvertedPct()
	if !ok {
		return nil
	}
	p = float64(int64(p*10+0.5)) / 10
	return &p
}

// SaleStats is one row of the sales table.
type SaleStats struct {
	ID             string `json:"id"`
	Inventory      *int64 `json:"inventory"`         // nil: no stock key (or not an integer)
	QueueLength    int64  `json:"queue_length"`      // ZCARD of the core queue
	QueueHeadAgeMs *int64 `json:"queue_head_age_ms"` // nil: empty queue
	Reservations   int64  `json:"reservations"`      // holds (both shapes)
	ReservedUnits  int64  `json:"reserved_units"`    // units those holds hold
	// Additive.
	Active bool `json:"active"` // listed in flash_sales:active
	Pinned bool `json:"pinned"` // named with --sale
	// Additive, filled by the leak watch (leakwatch.Watch.FillLeaks): units and holds
	// lost to expired holds and not reclaimed yet.
	LeakedUnits int64 `json:"leaked_units"`
	LeakedHolds int64 `json:"leaked_holds"`
	// LeakedUnverifiedUnits is the part of LeakedUnits not seen to expire
	// (LeakUnverified): never reclaimed by default.
	LeakedUnverifiedUnits int64 `json:"leaked_unverified_units"`
	// HoldOutcomes are how the holds this flashtop watched end since it
	// started (the dashboard's leak watch: leakwatch.Watch.FillLeaks); nil
	// (absent) without a watch, as in a one-shot snapshot.
	HoldOutcomes *HoldOutcomes `json:"hold_outcomes,omitempty"`
	// QueueStats are the queue's analytics (wait percentiles, arrival and
	// admission rates, a new joiner's expected wait: QueueStats); nil when
	// the queue could not be read.
	QueueStats *QueueStats `json:"queue_stats,omitempty"`
}

// QueueStats are the analytics of one sale's queue (docs/queue-analytics.md).
// Every pointer is nil (JSON null) when the number is not known: a rate
// needs two reads (the one-shot snapshot has none), a percentile needs
// waiters. None is ever 0 for "unknown".
//
// Wait percentiles are nearest-rank over the ascending waits of the current
// waiters (wait = the server's TIME of the read − the member's score, at
// least 0): the p-th percentile is the ⌈p·N⌉-th shortest wait, i.e. the
// member at 0-based rank N − ⌈p·N⌉ (the shortest wait is the tail, rank
// N−1). They are read by rank (ZRANGE key r r WITHSCORES), never the whole
// queue.
type QueueStats struct {
	// Waiters is N, the queue length (ZCARD) the percentiles are of.
	Waiters   int64  `json:"waiters"`
	WaitP50Ms *int64 `json:"wait_p50_ms"`
	WaitP90Ms *int64 `json:"wait_p90_ms"`
	WaitP99Ms *int64 `json:"wait_p99_ms"`
	// WaitRankOff is 0 (omitted) when the percentiles are exact; otherwise
	// the most ranks any of them is from its definition's rank (the
	// dashboard reads ranks chosen from the previous tick's length, and the
	// queue moved more than it foresaw). A percentile more than 1% of the
	// queue (N/100 ranks, rounded down) off is not given at all.
	WaitRankOff int64 `json:"wait_rank_off,omitempty"`
	// ArrivalsPerMin is the joins per minute over WindowMs: per tick, the
	// members with a score after the previous tick's tail score (joins
	// since then still waiting: a lower bound, a member who joined and left
	// between two ticks is not seen).
	ArrivalsPerMin *float64 `json:"arrivals_per_min"`
	// AdmittedPerMin is the members leaving the queue's head per minute
	// over WindowMs (AdmittedFrom says how each tick counted them).
	AdmittedPerMin *float64 `json:"admitted_per_min"`
	// Arrivals and Admitted are the counts the rates are of.
	Arrivals *int64 `json:"arrivals"`
	Admitted *int64 `json:"admitted"`
	// AdmittedFrom is QueueCountHead when every tick of the window counted
	// its departures from the head windows (exact: the members that were
	// ahead of the current head), QueueCountScores when some counted them
	// from scores (previous length − members still present with a score up
	// to the previous tail: every departure, from anywhere in the queue).
	AdmittedFrom string `json:"admitted_from,omitempty"`
	// ExpectedWaitMs is a new joiner's expected wait: QueueLength ÷
	// AdmittedPerMin; nil when the admission rate is unknown or 0 (no
	// admissions seen).
	ExpectedWaitMs *int64 `json:"expected_wait_ms"`
	// WindowMs is the span of server time the rates cover (nil: no rates).
	WindowMs *int64 `json:"window_ms"`
	// Departed is the members that left the queue since the poller's
	// previous tick (at DepartedSinceMs, server ms: that tick's TakenAt),
	// counted as DepartedFrom says (head: those ahead of the current head
	// in the previous head window; scores: every departure, from
	// anywhere); nil when this tick could not count them (a first tick, a
	// full read). The event feed's admissions (package salelog) are these
	// when its previous snapshot is that tick.
	Departed        *int64 `json:"departed"`
	DepartedSinceMs *int64 `json:"departed_since_ms"`
	DepartedFrom    string `json:"departed_from,omitempty"`
}

// How QueueStats.Admitted was counted.
const (
	QueueCountHead   = "head"
	QueueCountScores = "scores"
)

// QueueEntry is one member of a queue's head window.
type QueueEntry struct {
	User       string `json:"user"`
	Position   int64  `json:"position"` // 1-based
	JoinedAtMs int64  `json:"joined_at_ms"`
}
