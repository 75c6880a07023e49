package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// The nearest-rank arithmetic, worked by hand: the p-th percentile of N
// waits is the member at rank N − ⌈p·N⌉ (0-based, ascending score).
func TestPercentileRank(t *testing.T) {
	cases := []struct{ n, p50, p90, p99 int64 }{
		{1, 0, 0, 0},
		{2, 1, 0, 0},     // ⌈1⌉=1, ⌈1.8⌉=2, ⌈1.98⌉=2
		{10, 5, 1, 0},    // ⌈5⌉, ⌈9⌉, ⌈9.9⌉=10
		{11, 5, 1, 0},    // ⌈5.5⌉=6, ⌈9.9⌉=10, ⌈10.89⌉=11
		{100, 50, 10, 1}, // ⌈50⌉, ⌈90⌉, ⌈99⌉
		{101, 50, 10, 1}, // ⌈50.5⌉=51, ⌈90.9⌉=91, ⌈99.99⌉=100
		{1000, 500, 100, 10},
	}
	for _, c := range cases {
		got := [3]int64{percentileRank(c.n, 500), percentileRank(c.n, 900), percentileRank(c.n, 990)}
		if want := [3]int64{c.p50, c.p90, c.p99}; got != want {
			t.Errorf("N=%d: ranks %v, want %v", c.n, got, want)
		}
	}
	if r := percentileRank(0, 500); r != -1 {
		t.Errorf("N=0: rank %d, want -1", r)
	}
}

// The poller's brackets cover the ranks of every length within the slack,
// leave out the head window and merge what overlaps.
func TestRankBrackets(t *testing.T) {
	cases := []struct {
		pred, slack, window int64
		want                [][2]int64
	}{
		{100, 2, 5, [][2]int64{{9, 10}, {49, 51}}},                 // p99's ranks 0..1 are in the window
		{100, 2, 20, [][2]int64{{49, 51}}},                         // p90's too
		{10, 2, 20, nil},                                           // all in the window
		{1000, 100, 5, [][2]int64{{9, 11}, {92, 107}, {492, 507}}}, // p50, p90 capped at 16 members, centred
		{0, 2, 5, nil},
	}
	for _, c := range cases {
		if got := rankBrackets(c.pred, c.slack, c.window); !slices.Equal(got, c.want) {
			t.Errorf("rankBrackets(%d, %d, %d) = %v, want %v", c.pred, c.slack, c.window, got, c.want)
		}
	}
}

// queueFixture mirrors a queue the test writes: its scores by rank.
type queueFixture struct {
	key    string
	scores []float64 // ascending: index = rank
}

// serverMs is the server's clock in ms (TIME).
func serverMs(t *testing.T, rdb redis.Cmdable) int64 {
	t.Helper()
	now, err := rdb.Time(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return now.UnixMilli()
}

// fillQueue writes n members u0…u(n-1) with scores base, base+step, …
func fillQueue(t *testing.T, rdb redis.Cmdable, key string, n int, base, step int64) *queueFixture {
	t.Helper()
	f := &queueFixture{key: key}
	var zs []redis.Z
	for i := range n {
		sc := float64(base + int64(i)*step)
		zs = append(zs, redis.Z{Score: sc, Member: fmt.Sprintf("u%d", i)})
		f.scores = append(f.scores, sc)
	}
	if n > 0 {
		if err := rdb.ZAdd(context.Background(), key, zs...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// join adds n members with scores from score on, one ms apart.
func (f *queueFixture) join(t *testing.T, rdb redis.Cmdable, prefix string, n int, score int64) {
	t.Helper()
	for i := range n {
		sc := float64(score + int64(i))
		if err := rdb.ZAdd(context.Background(), f.key, redis.Z{Score: sc, Member: fmt.Sprintf("%s%d", prefix, i)}).Err(); err != nil {
			t.Fatal(err)
		}
		f.scores = append(f.scores, sc)
	}
}

// admit pops the n first members (ZPOPMIN, the admit script's command).
func (f *queueFixture) admit(t *testing.T, rdb redis.Cmdable, n int) {
	t.Helper()
	if err := rdb.ZPopMin(context.Background(), f.key, int64(n)).Err(); err != nil {
		t.Fatal(err)
	}
	f.scores = f.scores[n:]
}

// wait is the wait of the member at rank r as of the snapshot's TIME.
func (f *queueFixture) wait(snap *redisops.Snapshot, r int64) int64 {
	return snap.TakenAt.UnixMilli() - int64(f.scores[r])
}

func saleStats(t *testing.T, snap *redisops.Snapshot, id string) redisops.SaleStats {
	t.Helper()
	for _, s := range snap.Sales {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("sale %s not in the snapshot", id)
	return redisops.SaleStats{}
}

func ptr(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// wantPercentiles checks a sale's p50/p90/p99 are the waits of the members
// at ranks (exact: rank off 0).
func wantPercentiles(t *testing.T, snap *redisops.Snapshot, sale string, f *queueFixture, ranks [3]int64) {
	t.Helper()
	q := saleStats(t, snap, sale).QueueStats
	if q == nil {
		t.Fatalf("%s: no queue stats", sale)
	}
	got := [3]*int64{q.WaitP50Ms, q.WaitP90Ms, q.WaitP99Ms}
	for i, r := range ranks {
		if want := f.wait(snap, r); got[i] == nil || *got[i] != want {
			t.Errorf("%s: percentile %d = %s ms, want %d (rank %d of %d)", sale, i, ptr(got[i]), want, r, len(f.scores))
		}
	}
	if q.Waiters != int64(len(f.scores)) || q.WaitRankOff != 0 {
		t.Errorf("%s: waiters %d, rank off %d; want %d, 0", sale, q.Waiters, q.WaitRankOff, len(f.scores))
	}
}

// noRates checks a sale's rates are unknown (nil), as after a single read.
func noRates(t *testing.T, q *redisops.QueueStats, sale string) {
	t.Helper()
	if q.ArrivalsPerMin != nil || q.AdmittedPerMin != nil || q.Arrivals != nil || q.Admitted != nil ||
		q.ExpectedWaitMs != nil || q.WindowMs != nil || q.AdmittedFrom != "" {
		t.Errorf("%s: rates after one read: %+v", sale, q)
	}
}

// queueSales writes the sales of the percentile tests: queues of 100, 10
// and 1 members 1 s apart (the oldest 1,000 s old), and a sale with stock
// and no queue.
func queueSales(t *testing.T, rdb *redis.Client, s redisops.Schema) map[string]*queueFixture {
	t.Helper()
	base := serverMs(t, rdb) - 1_000_000
	fs := map[string]*queueFixture{}
	for _, q := range []struct {
		sale string
		n    int
	}{{"s100", 100}, {"s10", 10}, {"s1", 1}} {
		fs[q.sale] = fillQueue(t, rdb, s.QueueKey(q.sale), q.n, base, 1000)
	}
	if err := rdb.Set(context.Background(), s.StockKey("empty"), 5, 0).Err(); err != nil {
		t.Fatal(err)
	}
	return fs
}

// The one-shot read gives exact percentiles of every queue (ranks beyond
// the head window read in a second batch) and no rates.
func TestFullQueuePercentiles(t *testing.T) { redistest.EachKind(t, testFullQueuePercentiles) }

func testFullQueuePercentiles(t *testing.T, k redistest.Kind) {
	srv, c := newTestServerClient(t, k, redisops.Options{})
	fs := queueSales(t, srv.Client(t), c.Schema())
	for _, window := range []int64{5, 20} { // N=10 by rank reads, then from the window
		snap, err := Full(context.Background(), c, redisops.SnapshotOptions{HeadWindow: window})
		if err != nil {
			t.Fatal(err)
		}
		wantPercentiles(t, snap, "s100", fs["s100"], [3]int64{50, 10, 1})
		wantPercentiles(t, snap, "s10", fs["s10"], [3]int64{5, 1, 0})
		wantPercentiles(t, snap, "s1", fs["s1"], [3]int64{0, 0, 0})
		for _, id := range []string{"s100", "s10", "s1"} {
			noRates(t, saleStats(t, snap, id).QueueStats, id)
		}
		e := saleStats(t, snap, "empty").QueueStats
		if e == nil || e.Waiters != 0 || e.WaitP50Ms != nil || e.WaitP90Ms != nil || e.WaitP99Ms != nil {
			t.Errorf("empty queue: %+v, want waiters 0 and every percentile nil", e)
		}
		noRates(t, e, "empty")
	}
}

// pollQueue ticks p once.
func pollQueue(t *testing.T, p *Poller, o redisops.SnapshotOptions) *redisops.Snapshot {
	t.Helper()
	snap, err := p.Snapshot(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// wantRates checks a sale's counts and rates over the window since first.
func wantRates(t *testing.T, snap, first *redisops.Snapshot, sale string, arrivals, admitted int64, from string) {
	t.Helper()
	q := saleStats(t, snap, sale).QueueStats
	span := snap.TakenAt.Sub(first.TakenAt)
	if q == nil || q.Arrivals == nil || q.Admitted == nil || q.ArrivalsPerMin == nil || q.AdmittedPerMin == nil || q.WindowMs == nil {
		t.Fatalf("%s: rates unknown: %+v", sale, q)
	}
	if *q.Arrivals != arrivals || *q.Admitted != admitted || q.AdmittedFrom != from || *q.WindowMs != span.Milliseconds() {
		t.Errorf("%s: arrivals %d, admitted %d (%s) over %d ms; want %d, %d (%s) over %d ms",
			sale, *q.Arrivals, *q.Admitted, q.AdmittedFrom, *q.WindowMs, arrivals, admitted, from, span.Milliseconds())
	}
	if in, out := float64(arrivals)/span.Minutes(), float64(admitted)/span.Minutes(); *q.ArrivalsPerMin != in || *q.AdmittedPerMin != out {
		t.Errorf("%s: %v in/min, %v admitted/min; want %v, %v", sale, *q.ArrivalsPerMin, *q.AdmittedPerMin, in, out)
	}
	switch {
	case admitted == 0 && q.ExpectedWaitMs != nil:
		t.Errorf("%s: expected wait %d ms with no admissions seen, want nil", sale, *q.ExpectedWaitMs)
	case admitted > 0:
		want := int64(math.Round(float64(q.Waiters) * float64(span.Milliseconds()) / float64(admitted)))
		if q.ExpectedWaitMs == nil || *q.ExpectedWaitMs != want {
			t.Errorf("%s: expected wait %s ms, want %d (length %d ÷ %v/min)", sale, ptr(q.ExpectedWaitMs), want, q.Waiters, *q.AdmittedPerMin)
		}
	}
}

// okOrNil checks that each percentile is either nil or within N/100 ranks
// of its definition (the rank it names off by WaitRankOff at most), as a
// tick after the queue moved beyond the poller's foresight gives.
func okOrNil(t *testing.T, snap *redisops.Snapshot, sale string, f *queueFixture) {
	t.Helper()
	q := saleStats(t, snap, sale).QueueStats
	n := int64(len(f.scores))
	for i, got := range []*int64{q.WaitP50Ms, q.WaitP90Ms, q.WaitP99Ms} {
		if got == nil {
			continue
		}
		want := percentileRank(n, queuePercentiles[i])
		ok := false
		for r := max(want-q.WaitRankOff, 0); r <= min(want+q.WaitRankOff, n-1); r++ {
			ok = ok || f.wait(snap, r) == *got
		}
		if !ok || q.WaitRankOff > n/100 {
			t.Errorf("%s: percentile %d = %d ms, not the wait within %d ranks of rank %d", sale, i, *got, q.WaitRankOff, want)
		}
	}
}

// The dashboard's poller: exact percentiles of the selected sale from the
// second tick on (the first does not know the length to read ranks at),
// arrivals counted exactly after joins between two ticks, admissions after
// ZPOPMIN (from the head windows, and from scores when more than the head
// window left), the expected wait = length ÷ admission rate; other sales get
// rates without percentiles; an empty queue has no percentiles and rates
// of 0 with no expected wait.
func TestPollerQueueStats(t *testing.T) { redistest.EachKind(t, testPollerQueueStats) }

func testPollerQueueStats(t *testing.T, k redistest.Kind) {
	srv, c := newTestServerClient(t, k, redisops.Options{})
	rdb := srv.Client(t)
	fs := queueSales(t, rdb, c.Schema())
	f := fs["s100"]
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now, QueueWindow: time.Hour})
	defer p.Close()
	o := redisops.SnapshotOptions{Sale: "s100", HeadWindow: 5}

	first := pollQueue(t, p, o)
	q := saleStats(t, first, "s100").QueueStats
	if q == nil || q.WaitP50Ms != nil || q.WaitP90Ms != nil || q.Waiters != 100 {
		t.Errorf("first tick: %+v, want 100 waiters and p50, p90 unknown (ranks beyond the head window need a length)", q)
	}
	for _, id := range []string{"s100", "s10", "s1", "empty"} {
		noRates(t, saleStats(t, first, id).QueueStats, id)
	}
	wantPercentiles(t, first, "s1", fs["s1"], [3]int64{0, 0, 0}) // the head window is the whole queue

	snap := pollQueue(t, p, o)
	wantPercentiles(t, snap, "s100", f, [3]int64{50, 10, 1})
	wantPercentiles(t, snap, "s1", fs["s1"], [3]int64{0, 0, 0})
	wantRates(t, snap, first, "s100", 0, 0, redisops.QueueCountHead)
	wantRates(t, snap, first, "empty", 0, 0, redisops.QueueCountHead)
	if e := saleStats(t, snap, "empty").QueueStats; e.WaitP50Ms != nil || e.Waiters != 0 {
		t.Errorf("empty queue: %+v", e)
	}
	if s10 := saleStats(t, snap, "s10").QueueStats; s10.WaitP50Ms != nil || s10.WaitP99Ms != nil {
		t.Errorf("s10 (not selected, 10 waiters, head window 1): percentiles %s %s, want nil", ptr(s10.WaitP50Ms), ptr(s10.WaitP99Ms))
	}

	// 7 join: counted at the next tick; the percentiles moved beyond the
	// bracket are exact or nil, then exact again.
	f.join(t, rdb, "new", 7, serverMs(t, rdb))
	fs["s10"].join(t, rdb, "new", 3, serverMs(t, rdb))
	snap = pollQueue(t, p, o)
	wantRates(t, snap, first, "s100", 7, 0, redisops.QueueCountHead)
	wantRates(t, snap, first, "s10", 3, 0, redisops.QueueCountHead)
	okOrNil(t, snap, "s100", f)
	snap = pollQueue(t, p, o)
	wantPercentiles(t, snap, "s100", f, [3]int64{53, 10, 1}) // N=107: ⌈53.5⌉=54, ⌈96.3⌉=97, ⌈105.93⌉=106

	// 4 admitted: the new head was 5th in the head window read before.
	f.admit(t, rdb, 4)
	snap = pollQueue(t, p, o)
	wantRates(t, snap, first, "s100", 7, 4, redisops.QueueCountHead)
	okOrNil(t, snap, "s100", f)
	// 10 admitted, more than the head window: counted from scores.
	f.admit(t, rdb, 10)
	fs["s10"].admit(t, rdb, 2) // s10's head window is its head alone
	snap = pollQueue(t, p, o)
	wantRates(t, snap, first, "s100", 7, 14, redisops.QueueCountScores)
	wantRates(t, snap, first, "s10", 3, 2, redisops.QueueCountScores)
	okOrNil(t, snap, "s100", f)
	snap = pollQueue(t, p, o)
	wantPercentiles(t, snap, "s100", f, [3]int64{46, 9, 0}) // N=93: ⌈46.5⌉=47, ⌈83.7⌉=84, ⌈92.07⌉=93
	wantRates(t, snap, first, "s100", 7, 14, redisops.QueueCountScores)

	// The whole queue leaves: its 93 count from scores (no head left).
	f.admit(t, rdb, 93)
	snap = pollQueue(t, p, o)
	wantRates(t, snap, first, "s100", 7, 107, redisops.QueueCountScores)
	if q := saleStats(t, snap, "s100").QueueStats; q.Waiters != 0 || q.WaitP50Ms != nil || q.ExpectedWaitMs == nil || *q.ExpectedWaitMs != 0 {
		t.Errorf("emptied queue: %+v, want no percentiles and an expected wait of 0 (nobody ahead)", q)
	}
}

// In a cluster each queue's reads go to its master, in that master's
// pipeline: the selected sale's percentiles are exact whichever master
// holds it, and every sale's arrivals and admissions count.
func TestPollerQueueStatsCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c, schema := clusterTestClient(t, cl.URL())
	rdb := cl.Client(t)
	sales := []string{"qa", "qb", "qc", "qd", "qe", "qf"}
	masters := map[string]bool{}
	fs := map[string]*queueFixture{}
	base := serverMs(t, rdb) - 1_000_000
	for _, sale := range sales {
		fs[sale] = fillQueue(t, rdb, schema.QueueKey(sale), 100, base, 1000)
		m, err := rdb.MasterForKey(context.Background(), schema.QueueKey(sale))
		if err != nil {
			t.Fatal(err)
		}
		masters[m.Options().Addr] = true
	}
	if len(masters) < 2 {
		t.Fatalf("the queues are on %d master(s): the test would not prove the routing", len(masters))
	}
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now, QueueWindow: time.Hour})
	defer p.Close()
	first := pollQueue(t, p, redisops.SnapshotOptions{Sale: sales[0], HeadWindow: 5})
	for _, sale := range sales {
		o := redisops.SnapshotOptions{Sale: sale, HeadWindow: 5}
		wantPercentiles(t, pollQueue(t, p, o), sale, fs[sale], [3]int64{50, 10, 1})
	}
	for i, sale := range sales {
		fs[sale].join(t, rdb, "new", i+1, serverMs(t, rdb))
		fs[sale].admit(t, rdb, 2)
	}
	snap := pollQueue(t, p, redisops.SnapshotOptions{Sale: sales[0], HeadWindow: 5})
	for i, sale := range sales {
		// The tick before was qf's (selected, its head window whole): the
		// others' head window was their head alone, so 2 gone counts from
		// scores.
		from := redisops.QueueCountScores
		if sale == sales[len(sales)-1] {
			from = redisops.QueueCountHead
		}
		wantRates(t, snap, first, sale, int64(i+1), 2, from)
	}
}

// A percentile read off its rank is given with how far off (WaitRankOff)
// while within N/100 ranks, and not at all beyond.
func TestWaitPercentilesRankOff(t *testing.T) {
	ranks := func(rs ...int64) []rankScore {
		out := make([]rankScore, 0, len(rs))
		for _, r := range rs {
			out = append(out, rankScore{rank: r, score: float64(1_000 * r)}) // rank r joined at r s
		}
		return out
	}
	const now = 1_000_000 // ms
	wait := func(r int64) int64 { return now - 1_000*r }
	// N=300: p50 is rank 150, p90 rank 30, p99 rank 3.
	got, off := waitPercentiles(300, ranks(0, 1, 2, 3, 4, 150), now)
	if got[0] == nil || *got[0] != wait(150) || got[1] != nil || got[2] == nil || *got[2] != wait(3) || off != 0 {
		t.Errorf("exact p50 and p99, p90 26 ranks off: %s %s %s off %d", ptr(got[0]), ptr(got[1]), ptr(got[2]), off)
	}
	got, off = waitPercentiles(300, ranks(0, 1, 2, 3, 4, 147), now)
	if got[0] == nil || *got[0] != wait(147) || off != 3 {
		t.Errorf("p50 3 ranks off (N/100 = 3): %s, off %d", ptr(got[0]), off)
	}
	got, _ = waitPercentiles(300, ranks(0, 1, 2, 3, 4, 146), now)
	if got[0] != nil {
		t.Errorf("p50 4 ranks off: %s, want nil", ptr(got[0]))
	}
	// A score after now (another node's clock) waits 0, never less.
	got, _ = waitPercentiles(1, []rankScore{{0, now + 5}}, now)
	if got[0] == nil || *got[0] != 0 {
		t.Errorf("a future score: %s, want 0", ptr(got[0]))
	}
	if got, off := waitPercentiles(0, nil, now); got != [3]*int64{} || off != 0 {
		t.Errorf("no waiters: %v %d", got, off)
	}
}
