package read

import (
	"context"
	"flashtop/redisops"
	"time"
)

// The poller's side of the push feed (feed.go): arming and checking it at
// each tick, the walk's pace that follows from its state, and the FeedStatus
// every snapshot carries.

// feedTick runs the feed's part of a tick and sets the walk's pace: while
// the feed keeps the index live, the walk is a slow repair pass
// (RepairBudget); after the feed was (re)armed the walk starts over (at the
// cold-start speed, at most once per repairColdEvery) so that its end
// verifies the index; with no feed it walks within --scan-budget as before.
func (p *Poller) feedTick(ctx context.Context, nodes []pnode, acct *tickCost) feedState {
	p.feed.tick(ctx, nodes, acct)
	if len(nodes) > 0 {
		p.clk0.Store(p.clocks.of(nodes[0].addr))
	}
	fs := p.feed.state(len(nodes))
	p.idx.setFeed(fs.epoch, fs.healthy, p.clocks.margin())
	p.idx.expireAwaiting(time.Now())
	if fs.healthy {
		now := p.serverNow(time.Now())
		p.feed.schedulePings(p.idx.upcomingDeadlines(now, now.Add(pingMaxAhead)))
	}
	if !fs.armedAll.IsZero() && !fs.armedAll.Equal(p.armedAll) {
		now := time.Now()
		p.repairing = p.w.walksDone > 0 && now.Sub(p.lastRepair) >= repairColdEvery
		if p.repairing {
			p.lastRepair = now
		}
		p.w.reset(now)
	}
	p.armedAll = fs.armedAll
	switch {
	case p.verified(fs):
		p.w.budget, p.w.fast, p.repairing = min(RepairBudget, p.o.ScanBudget), false, false
	case fs.healthy:
		p.w.budget, p.w.fast = p.o.ScanBudget, p.repairing
	default:
		p.w.budget, p.w.fast = p.o.ScanBudget, false
	}
	return fs
}

// verified reports whether the index is exact: the feed has been armed on
// every master since before the start of the last complete walk.
func (p *Poller) verified(fs feedState) bool {
	return fs.healthy && !fs.armedAll.IsZero() && p.w.walksDone > 0 && !p.w.doneStarted.Before(fs.armedAll)
}

// feedStatus is the snapshot's FeedStatus.
func (p *Poller) feedStatus(fs feedState) *redisops.FeedStatus {
	st := &redisops.FeedStatus{State: fs.state, Reason: fs.reason, PushedPerSec: fs.rate, Pushed: fs.pushed,
		Masters: fs.masters, Armed: fs.armed, Gaps: fs.gaps, MarginMs: float64(p.clocks.margin().Microseconds()) / 1000}
	if st.State == redisops.FeedLive && !p.verified(fs) {
		st.State = redisops.FeedVerifying
		st.Reason = "the feed was armed after the last complete walk: a repair walk must pass"
		if p.w.walksDone == 0 {
			st.Reason = "first discovery walk"
		}
	}
	if st.State != redisops.FeedLive && p.w.walksDone > 0 {
		st.AsOf = p.serverNow(p.w.doneAt)
	}
	return st
}

// wake tells a waiting dashboard that the feed pushed something (never
// blocks).
func (p *Poller) wake() {
	select {
	case p.wakeCh <- struct{}{}:
	default:
	}
}

// Wake is signalled (without blocking, coalesced) when the feed pushes a
// change, so that a dashboard can poll sooner than its interval.
func (p *Poller) Wake() <-chan struct{} { return p.wakeCh }

// FeedPrefixes are the BCAST prefixes the feed tracks (none when a template
// starts with a placeholder).
func (p *Poller) FeedPrefixes() []string { return append([]string(nil), p.feed.prefixes...) }
