package read

import (
	"context"
	"flashtop/redisops"
	"fmt"
	"maps"
	"time"

	"github.com/redis/go-redis/v9"
)

// activeRead is the poller's read of flash_sales:active: one SSCAN page
// (COUNT 1000) a tick, its cursor carried from tick to tick, so that a set
// of any size is read whole within a tick per thousand ids while each tick
// stays one round trip. A small set (most are) comes back whole every tick.
// The ids shown are those of the last whole pass and those seen in the
// current one; an id removed from the set goes when a pass ends without it.
// Sales rows are queued before a tick's page arrives, so the first page is
// read on its own at the first tick (prime): a small set shows at once.
type activeRead struct {
	cursor uint64
	last   map[string]bool // the last whole pass
	pass   map[string]bool // the current pass so far
	whole  bool            // a pass has ended: last is the whole set as of then
	primed bool
}

func newActiveRead() activeRead {
	return activeRead{last: map[string]bool{}, pass: map[string]bool{}}
}

// ids are the active sale ids to show: the last whole pass and the current.
func (a *activeRead) ids() map[string]bool {
	if len(a.pass) == 0 {
		return a.last
	}
	out := maps.Clone(a.last)
	maps.Copy(out, a.pass)
	return out
}

// prime reads the first page at the first tick, in a round trip of its own
// (counted in the tick's cost).
func (a *activeRead) prime(ctx context.Context, rdb redis.UniversalClient, acct *tickCost, isID func(string) bool) error {
	if a.primed {
		return nil
	}
	pipe := rdb.Pipeline()
	page := pipe.SScan(ctx, redisops.ActiveSalesKey, 0, "", scanCount)
	start := time.Now()
	cmds, err := pipe.Exec(ctx)
	acct.add(cmds, time.Since(start), false)
	if err != nil && !redisops.IsReplyError(err) {
		return redisops.Classify(err)
	}
	a.primed = true
	a.update(page, nil, isID)
	return nil
}

// update takes this tick's page (and SCARD while no pass has ended). It
// says in a Truncation how many ids of how many the tick's sales rows came
// from, while no pass had ended before the tick (nil once the rows come
// from a whole set). An error reply
// (WRONGTYPE: the key is not a set) means no active sales.
func (a *activeRead) update(page *redis.ScanCmd, card *redis.IntCmd, isID func(string) bool) *redisops.Truncation {
	wasWhole, shownIDs := a.whole, len(a.ids())
	ids, next, err := page.Result()
	if err != nil {
		primed := a.primed
		*a = newActiveRead()
		a.whole, a.primed = true, primed
		return nil
	}
	for _, id := range ids {
		if isID(id) {
			a.pass[id] = true
		}
	}
	a.cursor = next
	if next == 0 {
		a.last, a.pass, a.whole = a.pass, map[string]bool{}, true
	}
	if wasWhole || card == nil {
		return nil
	}
	total := int64(-1)
	if n, err := card.Result(); err == nil {
		total = n
	}
	return &redisops.Truncation{ActiveSales: &redisops.Cut{Shown: int64(shownIDs), Total: total,
		How: fmt.Sprintf("the dashboard reads %s %d ids a tick; the rest come within a few ticks (flashtop snapshot reads it whole)", redisops.ActiveSalesKey, scanCount)}}
}
