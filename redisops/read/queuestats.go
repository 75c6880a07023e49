package read

import (
	"context"
	"flashtop/redisops"
	"math"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// Queue analytics (redisops.QueueStats, docs/queue-analytics.md): the wait
// percentiles of the current waiters, read by rank; and, in the poller, the
// arrival and admission rates from consecutive reads, and a new joiner's
// expected wait.
//
// Percentiles are nearest-rank over the ascending waits: the p-th is the
// ⌈p·N⌉-th shortest wait, the member at 0-based rank N − ⌈p·N⌉ (ascending
// score; the tail, rank N−1, has waited least). The full read knows N
// before it reads the ranks (a second batch); the poller, whose tick is one
// round trip, reads small brackets of ranks around those of the length it
// foresees from the previous ticks, and says how far off a rank is when the
// queue moved more (QueueStats.WaitRankOff).

// queuePercentiles are the percentiles read, in per mille (p50, p90, p99).
var queuePercentiles = [3]int64{500, 900, 990}

const (
	// queueRateWindow is the span of ticks the poller's rates sum over by
	// default (PollerOptions.QueueWindow).
	queueRateWindow = time.Minute
	// maxBracket is the most members one rank read of the poller returns.
	maxBracket = 16
	// minSlack is the least change of length a bracket covers either way.
	minSlack = 2
)

// percentileRank is the 0-based rank, by ascending score, of the member
// whose wait is the nearest-rank pm/1000-th percentile of n waits:
// n − ⌈pm·n/1000⌉ (-1 when n ≤ 0). Integer arithmetic: no float rounding.
func percentileRank(n, pm int64) int64 {
	if n <= 0 {
		return -1
	}
	return n - (pm*n+999)/1000
}

// rankScore is one member's score known by its rank.
type rankScore struct {
	rank  int64
	score float64
}

// rankRead is one ZRANGE key lo hi WITHSCORES read of a queue's ranks.
type rankRead struct {
	lo  int64
	cmd *redis.ZSliceCmd
}

// knownRanks gathers the scores a read has by rank: the head window
// (ranks 0…) and the rank reads (errors and missing replies skipped).
func knownRanks(head []redis.Z, ranks []rankRead) []rankScore {
	out := make([]rankScore, 0, len(head))
	for i, z := range head {
		out = append(out, rankScore{int64(i), z.Score})
	}
	for _, rr := range ranks {
		zs, err := rr.cmd.Result()
		if err != nil {
			continue
		}
		for i, z := range zs {
			out = append(out, rankScore{rr.lo + int64(i), z.Score})
		}
	}
	return out
}

// waitPercentiles are the p50, p90 and p99 waits of n waiters (ms, nil
// when unknown) at server time nowMs from the scores known by rank, and
// the most ranks one of them is off its definition's rank. A percentile
// whose nearest known rank is more than n/100 ranks off is nil.
func waitPercentiles(n int64, known []rankScore, nowMs int64) (out [3]*int64, off int64) {
	for i, pm := range queuePercentiles {
		want := percentileRank(n, pm)
		if want < 0 {
			continue
		}
		best, bestOff := rankScore{}, int64(-1)
		for _, k := range known {
			if k.rank >= n {
				continue
			}
			d := k.rank - want
			if d < 0 {
				d = -d
			}
			if bestOff < 0 || d < bestOff {
				best, bestOff = k, d
			}
		}
		if bestOff < 0 || bestOff > n/100 {
			continue
		}
		w := max(clampInt64(float64(nowMs)-best.score), 0)
		out[i] = &w
		off = max(off, bestOff)
	}
	return out, off
}

// rankBrackets returns the rank ranges [lo, hi] to read for the
// percentiles of a queue foreseen to hold pred members, give or take
// slack: for each percentile the ranks of every length in that span (at
// most maxBracket, centred on pred's rank), less the head window's ranks
// 0…window−1, overlapping ranges merged. None when pred < 1.
func rankBrackets(pred, slack, window int64) [][2]int64 {
	if pred < 1 {
		return nil
	}
	var out [][2]int64
	for _, pm := range queuePercentiles {
		lo, hi := percentileRank(max(pred-slack, 1), pm), percentileRank(pred+slack, pm)
		if hi-lo+1 > maxBracket {
			lo = max(percentileRank(pred, pm)-maxBracket/2, 0)
			hi = lo + maxBracket - 1
		}
		if lo = max(lo, window); lo <= hi {
			out = append(out, [2]int64{lo, hi})
		}
	}
	slices.SortFunc(out, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && r[0] <= merged[n-1][1]+1 {
			merged[n-1][1] = max(merged[n-1][1], r[1])
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// queueOK reports whether the read's queue replies all came back (an
// error reply, WRONGTYPE or NOPERM, leaves the analytics unknown).
func (sr saleRead) queueOK() bool {
	errs := []error{sr.card.Err(), sr.head.Err()}
	if sr.tail != nil {
		errs = append(errs, sr.tail.Err())
	}
	if sr.old != nil {
		errs = append(errs, sr.old.Err())
	}
	if sr.card2 != nil {
		errs = append(errs, sr.card2.Err())
	}
	for _, err := range errs {
		if err != nil {
			return false
		}
	}
	return true
}

// percentileStats is a read's QueueStats without rates: the one-shot read's.
func percentileStats(n int64, known []rankScore, nowMs int64) *redisops.QueueStats {
	ps, off := waitPercentiles(n, known, nowMs)
	return &redisops.QueueStats{Waiters: n, WaitP50Ms: ps[0], WaitP90Ms: ps[1], WaitP99Ms: ps[2], WaitRankOff: off}
}

// queueTrack is the poller's memory of one sale's queue between ticks.
type queueTrack struct {
	at      time.Time // server time of the last read
	n       int64     // its length
	delta   int64     // its length minus the one before (0 after one read)
	tail    float64   // its tail's score (meaningful when n > 0)
	head    []redis.Z // its head window
	samples []queueSample
}

// queueSample is what one tick saw change since the previous one.
type queueSample struct {
	from, to             time.Time // server times of the two reads
	arrivals, departures int64
	fromScores           bool // departures counted from scores, not the head windows
}

// queueTracker keeps the poller's queueTrack per sale (guarded by the
// poller's tick lock) and the span its rates sum over.
type queueTracker struct {
	window time.Duration
	m      map[string]*queueTrack
}

// brackets are the rank ranges the next read of sale should add to its
// head window of window members (none before a first read).
func (qt *queueTracker) brackets(sale string, window int64) [][2]int64 {
	tr := qt.m[sale]
	if tr == nil {
		return nil
	}
	slack := max(minSlack, tr.delta, -tr.delta)
	return rankBrackets(tr.n+tr.delta, slack, window)
}

// prevTail is the tail score the next read counts arrivals after (ok false
// when the last read saw no waiter, or there was none).
func (qt *queueTracker) prevTail(sale string) (float64, bool) {
	tr := qt.m[sale]
	if tr == nil || tr.n == 0 {
		return 0, false
	}
	return tr.tail, true
}

// observe takes a tick's read of sale's queue at server time now and
// returns its stats: the percentiles (when withPercentiles) and the rates
// over the window. A read whose replies failed forgets the sale.
func (qt *queueTracker) observe(sale string, sr saleRead, now time.Time, withPercentiles bool) *redisops.QueueStats {
	if !sr.queueOK() {
		delete(qt.m, sale)
		return nil
	}
	n, head := sr.card.Val(), sr.head.Val()
	st := &redisops.QueueStats{Waiters: n}
	if withPercentiles || int64(len(head)) >= n {
		st = percentileStats(n, knownRanks(head, sr.ranks), now.UnixMilli())
	}
	tail := 0.0
	if zs := sr.tail.Val(); len(zs) > 0 {
		tail = zs[0].Score
	}
	tr := qt.m[sale]
	next := &queueTrack{at: now, n: n, tail: tail, head: head}
	if tr != nil {
		next.delta = n - tr.n
		// A tick that cannot count (the server clock went back) starts the
		// window over: a gap without counts would lower the rates.
		if s, ok := tr.sample(n, head, sr.old, now); ok {
			next.samples = tr.samples
			next.samples = append(next.samples, s)
			since := tr.at.UnixMilli()
			st.Departed, st.DepartedFrom, st.DepartedSinceMs = &s.departures, redisops.QueueCountHead, &since
			if s.fromScores {
				st.DepartedFrom = redisops.QueueCountScores
			}
		}
		for len(next.samples) > 1 && now.Sub(next.samples[0].from) > qt.window {
			next.samples = next.samples[1:]
		}
	}
	qt.m[sale] = next
	next.rates(st)
	return st
}

// sample is what changed since tr was read: arrivals are the members with
// a score after tr's tail (n − ZCOUNT -inf tail); departures the members
// that were ahead of the current head in tr's head window when it is
// there (same member, same score), else tr's length less the members
// still present with a score up to its tail (from scores).
func (tr *queueTrack) sample(n int64, head []redis.Z, old *redis.IntCmd, now time.Time) (queueSample, bool) {
	s := queueSample{from: tr.at, to: now}
	if !now.After(tr.at) {
		return s, false
	}
	if tr.n == 0 { // nobody was waiting: everyone is new, nobody left
		s.arrivals = n
		return s, true
	}
	if old == nil {
		return s, false
	}
	stillOld := old.Val()
	s.arrivals = max(n-stillOld, 0)
	if len(head) > 0 {
		if r := slices.IndexFunc(tr.head, func(z redis.Z) bool { return z.Member == head[0].Member && z.Score == head[0].Score }); r >= 0 {
			s.departures = int64(r)
			return s, true
		}
	}
	s.departures, s.fromScores = max(tr.n-stillOld, 0), true
	return s, true
}

// rates fills st's rates from tr's samples (nil without one), and the
// expected wait of a new joiner: st.Waiters ÷ the admission rate.
func (tr *queueTrack) rates(st *redisops.QueueStats) {
	if len(tr.samples) == 0 {
		return
	}
	span := tr.at.Sub(tr.samples[0].from)
	if span <= 0 {
		return
	}
	var in, out int64
	from := redisops.QueueCountHead
	for _, s := range tr.samples {
		in += s.arrivals
		out += s.departures
		if s.fromScores {
			from = redisops.QueueCountScores
		}
	}
	mins := span.Minutes()
	inRate, outRate, spanMs := float64(in)/mins, float64(out)/mins, span.Milliseconds()
	st.Arrivals, st.Admitted, st.ArrivalsPerMin, st.AdmittedPerMin = &in, &out, &inRate, &outRate
	st.WindowMs, st.AdmittedFrom = &spanMs, from
	if out > 0 {
		ms := int64(math.Round(float64(st.Waiters) * float64(spanMs) / float64(out)))
		st.ExpectedWaitMs = &ms
	}
}

// keep forgets the sales not in ids.
func (qt *queueTracker) keep(ids map[string]bool) {
	for id := range qt.m {
		if !ids[id] {
			delete(qt.m, id)
		}
	}
}

// readRanks reads, for each queue longer than its head window, the members
// at the ranks of its wait percentiles (queuestats.go), now that ZCARD gave
// their length, with ZCARD again: the percentiles are of that length.
func (r *reads) readRanks(ctx context.Context, b *batcher) error {
	s := b.c.Schema()
	for i := range r.sales {
		sr := &r.sales[i]
		n, err := sr.card.Result()
		if err != nil || sr.head.Err() != nil || n <= int64(len(sr.head.Val())) {
			continue
		}
		key := s.QueueKey(sr.row.id)
		var ranks []int64
		for _, pm := range queuePercentiles {
			if rank := percentileRank(n, pm); rank >= int64(len(sr.head.Val())) && !slices.Contains(ranks, rank) {
				ranks = append(ranks, rank)
			}
		}
		if err := b.add(1+len(ranks), func(p redis.Pipeliner) {
			sr.card2 = p.ZCard(ctx, key)
			for _, rank := range ranks {
				sr.ranks = append(sr.ranks, rankRead{lo: rank, cmd: p.ZRangeWithScores(ctx, key, rank, rank)})
			}
		}); err != nil {
			return err
		}
	}
	return b.flush()
}
