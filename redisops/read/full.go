package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxBatch caps the commands of one pipeline, so that a huge keyspace never
// builds a giant pipeline.
const maxBatch = 1000

// Full reads everything flashtop shows, completely (the snapshot command,
// audit): PING (timed), the active sales, a SCAN of every key family (see
// discover), then one pipelined read, in batches of at most 1,000 commands,
// of TIME, INFO, SLOWLOG, each sale's stock, queue length and head window,
// each hold and the TYPE of each suspect key. Each round trip has the
// client's timeout; ctx bounds the whole. Session values are never read.
// Pins must be valid ids (redisops.ErrInput, nothing sent). Other errors wrap
// one of the error kinds of redisops/errors.go.
func Full(ctx context.Context, c *redisops.Client, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	o = o.WithDefaults()
	for _, p := range o.Pins {
		if err := redisops.ValidateID(string(redisops.FieldSale), p); err != nil {
			return nil, err
		}
	}
	ping, err := c.Ping(ctx)
	if err != nil {
		return nil, err
	}
	u := newUnreadSet() // what could not be read (unreadable.go)
	active, err := activeSales(ctx, c, u)
	if err != nil {
		return nil, err
	}
	d, err := discover(ctx, c)
	if err != nil {
		return nil, err
	}
	sales := orderSales(o.Pins, active, d.sales)
	r, err := readAll(ctx, c, o, sales, d, u) // holds are collected as the pipelines come back: u first
	if err != nil {
		return nil, err
	}
	snap, err := r.assemble(c, o, d)
	if err != nil {
		return nil, err
	}
	snap.Server.PingMs = float64(ping.Microseconds()) / 1000
	if err := fanOutServer(ctx, c, snap, o.SlowlogN); err != nil { // a cluster: INFO and SLOWLOG of every master
		return nil, err
	}
	if err := checkScripts(ctx, c, snap, len(active) > 0); err != nil { // the backend's scripts, on every master
		return nil, err
	}
	return snap, nil
}

// activeSales reads every id of flash_sales:active that the stock template
// can name (isSaleID) with SSCAN (COUNT 1000) to the end: a small set
// comes back whole in one round trip, a huge one in a round trip per
// thousand ids. A key that is not a set is ignored (WRONGTYPE: nothing is
// read); a refusal (NOPERM) is noted in u.
func activeSales(ctx context.Context, c *redisops.Client, u *unreadSet) (map[string]bool, error) {
	active := map[string]bool{}
	var cursor uint64
	for {
		rctx, cancel := withTimeout(ctx, c)
		ids, next, err := c.Redis().SScan(rctx, redisops.ActiveSalesKey, cursor, "", scanCount).Result()
		cancel()
		if err != nil {
			if redisops.IsReplyError(err) {
				u.note(redisops.UnreadActive, err)
				return active, nil
			}
			return nil, redisops.Classify(err)
		}
		for _, id := range ids {
			if isSaleID(c.Schema(), id) {
				active[id] = true
			}
		}
		if cursor = next; cursor == 0 {
			return active, nil
		}
	}
}

// withTimeout derives the context of one round trip: the client's timeout.
func withTimeout(ctx context.Context, c *redisops.Client) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.Timeout())
}

// saleRow is one sale to read, with why it is listed.
type saleRow struct {
	id             string
	pinned, active bool
}

// orderSales lists pins first (in order), then active sales, then scanned
// sales, the last two sorted by id; each sale once.
func orderSales(pins []string, active, scanned map[string]bool) []saleRow {
	var rows []saleRow
	seen := map[string]bool{}
	for _, p := range pins {
		if !seen[p] {
			seen[p] = true
			rows = append(rows, saleRow{id: p, pinned: true, active: active[p]})
		}
	}
	for _, group := range []map[string]bool{active, scanned} {
		ids := make([]string, 0, len(group))
		for id := range group {
			if !seen[id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			seen[id] = true
			rows = append(rows, saleRow{id: id, active: active[id]})
		}
	}
	return rows
}

// batcher queues commands into pipelines of at most maxBatch commands, each
// executed with its own timeout. Error replies stay on their commands; a
// connection error ends the read.
type batcher struct {
	c      *redisops.Client
	ctx    context.Context
	pipe   redis.Pipeliner
	queued int
	done   func() // after each pipeline: take its replies (nil: keep them)
}

func (b *batcher) add(n int, queue func(p redis.Pipeliner)) error {
	if b.queued > 0 && b.queued+n > maxBatch {
		if err := b.flush(); err != nil {
			return err
		}
	}
	if b.pipe == nil {
		b.pipe = b.c.Redis().Pipeline()
	}
	queue(b.pipe)
	b.queued += n
	return nil
}

func (b *batcher) flush() error {
	if b.queued == 0 {
		return nil
	}
	rctx, cancel := withTimeout(b.ctx, b.c)
	defer cancel()
	cmds, err := b.pipe.Exec(rctx)
	b.pipe, b.queued = nil, 0
	if err := redisops.PipelineErr(cmds, err); err != nil {
		return err
	}
	if b.done != nil {
		b.done()
	}
	return nil
}

// reads are the queued commands of one snapshot, filled in by the pipelines.
// Hold replies are turned into holds after each pipeline (collectHolds), so
// that the commands of a million holds are never all kept at once.
type reads struct {
	time     *redis.TimeCmd
	info     *redis.StringCmd
	latency  *redis.StringCmd // INFO latencystats (not a default section)
	slowlog  *redis.SlowLogCmd
	sales    []saleRead
	holds    []holdRead // queued, not yet collected
	suspects []*redis.StatusCmd
	got      collected
	unread   *unreadSet // what could not be read (unreadable.go)
}

// collected is what the hold replies gave so far.
type collected struct {
	holds     []redisops.Hold
	perSale   map[string][2]int64 // sale -> [count, units]
	anomalies []redisops.Anomaly
}

type saleRead struct {
	row   saleRow
	stock redisops.StockRead
	card  *redis.IntCmd
	head  *redis.ZSliceCmd
	// Queue analytics (queuestats.go): the rank reads of the percentiles;
	// the full read's second ZCARD, sent with them (nil: not sent); the
	// poller's tail read and ZCOUNT -inf of the previous tail (nil: none).
	ranks []rankRead
	card2 *redis.IntCmd
	tail  *redis.ZSliceCmd
	old   *redis.IntCmd
}

type holdRead struct {
	ref    holdRef
	fields *redis.SliceCmd    // hash: HMGET quantity reserved_at user_id
	length *redis.IntCmd      // json: STRLEN
	head   *redis.StringCmd   // json: GETRANGE 0 4095
	pttl   *redis.DurationCmd // both
}

// readAll queues and runs every read of a snapshot.
func readAll(ctx context.Context, c *redisops.Client, o redisops.SnapshotOptions, sales []saleRow, d discovered, u *unreadSet) (*reads, error) {
	r := &reads{got: collected{holds: make([]redisops.Hold, 0, len(d.holds)), perSale: map[string][2]int64{}}, unread: u}
	b := &batcher{c: c, ctx: ctx, done: r.collectHolds}
	s := c.Schema()
	if err := b.add(4, func(p redis.Pipeliner) {
		r.time = p.Time(ctx)
		r.info = p.Info(ctx) // the default sections: everything shown, without commandstats
		r.latency = p.Info(ctx, "latencystats")
		r.slowlog = p.SlowLogGet(ctx, o.SlowlogN)
	}); err != nil {
		return nil, err
	}
	for _, row := range sales {
		sr := saleRead{row: row}
		if err := b.add(4, func(p redis.Pipeliner) {
			sr.stock = redisops.QueueStockRead(ctx, p, s.StockKey(row.id))
			sr.card = p.ZCard(ctx, s.QueueKey(row.id))
			sr.head = p.ZRangeWithScores(ctx, s.QueueKey(row.id), 0, o.HeadWindow-1)
		}); err != nil {
			return nil, err
		}
		r.sales = append(r.sales, sr)
	}
	for _, ref := range d.holds {
		hr := holdRead{ref: ref}
		if err := b.add(3, func(p redis.Pipeliner) {
			if ref.Shape == redisops.HoldShapeHash {
				hr.fields = p.HMGet(ctx, ref.Key, "quantity", "reserved_at", "user_id")
			} else {
				hr.length = p.StrLen(ctx, ref.Key)
				hr.head = p.GetRange(ctx, ref.Key, 0, HoldJSONMaxBytes-1)
			}
			hr.pttl = p.PTTL(ctx, ref.Key)
		}); err != nil {
			return nil, err
		}
		r.holds = append(r.holds, hr)
	}
	for _, sus := range d.suspects {
		if err := b.add(1, func(p redis.Pipeliner) {
			r.suspects = append(r.suspects, p.Type(ctx, sus.key))
		}); err != nil {
			return nil, err
		}
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	if err := r.readRanks(ctx, b); err != nil {
		return nil, err
	}
	return r, nil
}

// assemble builds the snapshot from the replies.
func (r *reads) assemble(c *redisops.Client, o redisops.SnapshotOptions, d discovered) (*redisops.Snapshot, error) {
	now, err := r.time.Result()
	if err != nil && !redisops.IsReplyError(err) {
		return nil, redisops.Classify(err)
	}
	if err != nil { // an ACL without TIME (e.g. -@all +@read): the local clock stands in
		now = time.Now()
	}
	info, err := r.info.Result()
	if err != nil && !redisops.IsReplyError(err) {
		return nil, redisops.Classify(err)
	} // an error reply (an ACL without +info, a server without INFO sections) leaves the server fields empty
	r.unread.note(redisops.UnreadServer, err)
	snap := &redisops.Snapshot{TakenAt: now, Server: redisops.ParseInfo(withLatency(info, r.latency)).ServerStats(), Sales: []redisops.SaleStats{},
		Reservations: []redisops.Hold{}, Queues: map[string][]redisops.QueueEntry{}, Sessions: redisops.SessionStats{Count: d.sessions},
		Slowlog: []redisops.SlowEntry{}, Anomalies: []redisops.Anomaly{}}
	if logs, err := r.slowlog.Result(); err == nil { // an ACL may forbid SLOWLOG: unreadable
		snap.Slowlog = append(snap.Slowlog, redisops.SlowEntries(logs, c.Schema().Session)...)
	} else {
		r.unread.note(redisops.UnreadSlowlog, err)
	}
	holds, perSale := r.got.holds, r.got.perSale
	snap.Anomalies = append(snap.Anomalies, r.got.anomalies...)
	for _, sr := range r.sales {
		row, head, anomalies := sr.build(c, now.UnixMilli())
		r.unread.noteSale(sr)
		row.Reservations, row.ReservedUnits = perSale[row.ID][0], perSale[row.ID][1]
		if sr.queueOK() { // percentiles only: rates need two reads
			n := sr.card.Val()
			if sr.card2 != nil {
				n = sr.card2.Val()
			}
			row.QueueStats = percentileStats(n, knownRanks(sr.head.Val(), sr.ranks), now.UnixMilli())
		}
		snap.Sales = append(snap.Sales, row)
		snap.Queues[row.ID] = head
		snap.Anomalies = append(snap.Anomalies, anomalies...)
	}
	slices.SortFunc(holds, compareHolds)
	snap.Reservations = holds
	if o.HoldLimit > 0 && len(holds) > o.HoldLimit {
		snap.Reservations = holds[:o.HoldLimit]
		snap.Truncated = &redisops.Truncation{Reservations: &redisops.Cut{Shown: int64(o.HoldLimit), Total: int64(len(holds)), How: redisops.HoldLimitHow}}
	}
	for i, cmd := range r.suspects {
		if a, ok := wrongTypeAnomaly(d.suspects[i].family, d.suspects[i].key, cmd.Val()); ok {
			snap.Anomalies = append(snap.Anomalies, a)
		}
		r.unread.note(unreadFamily(d.suspects[i].family), cmd.Err())
	}
	sortAnomalies(snap.Anomalies)
	snap.Unreadable = r.unread.list()
	return snap, nil
}

// build turns one sale's replies into its row, head window and anomalies.
func (sr saleRead) build(c *redisops.Client, nowMs int64) (redisops.SaleStats, []redisops.QueueEntry, []redisops.Anomaly) {
	s := c.Schema()
	row := redisops.SaleStats{ID: sr.row.id, Pinned: sr.row.pinned, Active: sr.row.active}
	var anomalies []redisops.Anomaly
	if raw, ok := sr.stock.Value(); ok { // absent, or not a string (wrong_type): no inventory
		row.Inventory, anomalies = checkStock(s.StockKey(row.ID), raw)
	}
	row.QueueLength = sr.card.Val()
	anomalies = append(anomalies, checkQueueCap(s.QueueKey(row.ID), row.QueueLength, c.MaxQueue())...)
	zs := sr.head.Val()
	head := make([]redisops.QueueEntry, 0, len(zs))
	scores := make([]float64, 0, len(zs))
	for i, z := range zs {
		head = append(head, redisops.QueueEntry{User: memberString(z.Member), Position: int64(i) + 1, JoinedAtMs: clampInt64(z.Score)})
		scores = append(scores, z.Score)
	}
	if len(zs) > 0 {
		age := clampInt64(float64(nowMs) - zs[0].Score)
		row.QueueHeadAgeMs = &age
	}
	anomalies = append(anomalies, checkQueueScores(s.QueueKey(row.ID), head, scores, nowMs)...)
	return row, head, append(anomalies, sr.oddSale(s)...)
}

func memberString(m any) string {
	if s, ok := m.(string); ok {
		return s
	}
	return fmt.Sprint(m)
}

// clampInt64 converts a score to int64 without the undefined results of an
// out-of-range conversion (scores may be ±inf).
func clampInt64(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}
