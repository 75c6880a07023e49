package demo

import (
	"context"
	"fmt"
	"time"

	"flashtop/redisops"
)

// handle runs one event.
func (s *Sim) handle(ctx context.Context, e event) {
	switch e.kind {
	case evOpen:
		s.open(ctx, e)
	case evArrival:
		s.arrive(ctx, e)
	case evAdmit:
		s.admit(ctx, e)
	case evLeave:
		s.leave(ctx, e)
	case evReserve:
		s.reserve(ctx, e)
	case evCheckout:
		s.checkout(ctx, e)
	case evRelease:
		s.release(ctx, e)
	}
}

// open writes a late sale as the backend would and starts its buyers.
func (s *Sim) open(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	err := openSale(ctx, s.c, p, time.Now())
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "open", Sale: p.Sale, Qty: p.Stock, Status: redisops.StatusSet, Err: err}, nil)
	s.startBuyers(e.sale)
}

// arrive: a new buyer joins the queue; some will lose patience and leave.
func (s *Sim) arrive(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	if e.chain {
		s.schedule(event{at: s.now + s.exp(p.Rate), kind: evArrival, sale: e.sale, chain: true})
	}
	s.users++
	user := fmt.Sprintf("%s%07d", s.cfg.UserPrefix, s.users) // zero-padded: ties in join time pop in arrival order
	leaves := s.rng.Float64() < s.cfg.LeaveProb
	patience := s.between(3*time.Second, 20*time.Second)
	r, err := s.c.Join(ctx, p.Sale, user)
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "join", Sale: p.Sale, User: user, Status: r.Status, Err: err}, func(st *Stats) {
		st.Arrivals++
		switch r.Status {
		case redisops.StatusJoined:
			st.Joined++
		case redisops.StatusQueueFull:
			st.QueueFull++
		}
	})
	if err == nil && r.Status == redisops.StatusJoined && leaves {
		s.schedule(event{at: s.now + patience, kind: evLeave, sale: e.sale, user: user})
	}
}

// admit pops the sale's next batch; each admitted buyer reserves shortly.
func (s *Sim) admit(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	s.schedule(event{at: s.now + p.AdmitEvery, kind: evAdmit, sale: e.sale})
	s.maybeRestock(ctx, e.sale)
	r, err := s.c.Admit(ctx, p.Sale, p.AdmitBatch)
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "admit", Sale: p.Sale, Qty: p.AdmitBatch, Users: len(r.Users), Status: r.Status, Err: err},
		func(st *Stats) { st.Admitted += int64(len(r.Users)) })
	for _, u := range r.Users {
		qty := 1 + s.rng.Int64N(3)
		s.schedule(event{at: s.now + s.between(200*time.Millisecond, 2*time.Second), kind: evReserve, sale: e.sale, user: u, qty: qty})
	}
}

// leave: an impatient buyer leaves (not_queued when admitted meanwhile).
func (s *Sim) leave(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	r, err := s.c.Leave(ctx, p.Sale, e.user)
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "leave", Sale: p.Sale, User: e.user, Status: r.Status, Err: err}, func(st *Stats) {
		if r.Status == redisops.StatusLeft {
			st.Left++
		}
	})
}

// reserve: an admitted buyer reserves 1–3 units, then checks out, releases,
// or walks away and lets the hold expire.
func (s *Sim) reserve(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	fate := s.rng.Float64()
	after := s.between(2*time.Second, s.cfg.HoldTTL*6/10)
	r, err := s.c.Reserve(ctx, p.Sale, e.user, e.qty, s.cfg.HoldTTL)
	if errCanceled(ctx, err) {
		return
	}
	ok := err == nil && r.Status == redisops.StatusReserved
	s.record(Op{Name: "reserve", Sale: p.Sale, User: e.user, Qty: e.qty, Status: r.Status, Err: err}, func(st *Stats) {
		if ok {
			st.Reserved++
		} else {
			st.Refused++
		}
	})
	s.noteStock(e.sale, r)
	if !ok {
		return
	}
	checkout, release := s.cfg.Checkout, s.cfg.Release
	if p.NoRelease { // the releasers check out instead
		checkout, release = checkout+release, 0
	}
	switch {
	case fate < checkout:
		s.schedule(event{at: s.now + after, kind: evCheckout, sale: e.sale, user: e.user, qty: e.qty})
	case fate < checkout+release:
		s.schedule(event{at: s.now + after, kind: evRelease, sale: e.sale, user: e.user, qty: e.qty})
	default:
		s.mu.Lock()
		s.stats.Expired++
		s.stats.AbandonedUnits += e.qty
		s.mu.Unlock()
	}
}

// checkout deletes the hold, as the backend's order confirmation does.
func (s *Sim) checkout(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	key := s.c.Schema().HoldKey(e.user, p.Sale)
	cctx, cancel := context.WithTimeout(ctx, s.c.Timeout())
	n, err := s.c.Redis().Del(cctx, key).Result()
	cancel()
	if errCanceled(ctx, err) {
		return
	}
	status := "checked_out"
	if n == 0 {
		status = redisops.StatusNotFound
	}
	s.record(Op{Name: "checkout", Sale: p.Sale, User: e.user, Qty: e.qty, Status: status, Err: redisops.Classify(err)}, func(st *Stats) {
		if n == 1 {
			st.CheckedOut++
			st.CheckedOutUnits += e.qty
		}
	})
}

// release gives the hold back through the release script.
func (s *Sim) release(ctx context.Context, e event) {
	p := s.cfg.Profiles[e.sale]
	r, err := s.c.Release(ctx, p.Sale, e.user, nil)
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "release", Sale: p.Sale, User: e.user, Qty: e.qty, Status: r.Status, Err: err}, func(st *Stats) {
		if r.Status == redisops.StatusReleased {
			st.Released++
		}
	})
}

// noteStock remembers when a sale first sold out (since its last restock),
// from a reserve reply.
func (s *Sim) noteStock(sale int, r redisops.Result) {
	var stock *int64
	switch r.Status {
	case redisops.StatusReserved:
		stock = r.Remaining
	case redisops.StatusInsufficientStock:
		stock = r.Stock
	}
	if stock != nil && *stock <= 0 && s.soldOut[sale] < 0 {
		s.soldOut[sale] = s.now // the first sell-out: units released later do not reset it
	}
}

// maybeRestock drops a new batch RestockAfter the sale first sold out, so a
// long-running demo keeps moving (and the dashboard shows a restock).
func (s *Sim) maybeRestock(ctx context.Context, sale int) {
	p := s.cfg.Profiles[sale]
	if p.RestockAfter <= 0 || s.soldOut[sale] < 0 || s.now-s.soldOut[sale] < p.RestockAfter {
		return
	}
	s.soldOut[sale] = -1
	r, err := s.c.Restock(ctx, p.Sale, p.Stock, nil)
	if errCanceled(ctx, err) {
		return
	}
	s.record(Op{Name: "restock", Sale: p.Sale, Qty: p.Stock, Status: r.Status, Err: err}, func(st *Stats) {
		if r.Status == redisops.StatusRestocked {
			st.RestockedUnits += p.Stock
		}
	})
}
