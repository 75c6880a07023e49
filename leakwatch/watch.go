package leakwatch

import (
	"context"
	"errors"
	"fmt"

	"flashtop/redisops"
)

// Watch ties a Tracker to a Ledger: each observation is classified, each
// new leak recorded. It is what the dashboard (Backend) and audit --watch
// run per poll.
type Watch struct {
	Tracker *Tracker
	Ledger  Ledger
	// Indexed says a hold index feeds the tracker (Poller.SetHoldObserver):
	// Feed then only records what the tracker saw, without reading the
	// snapshot's holds again (one clock, one source).
	Indexed bool
}

// Feed observes a snapshot (unless Indexed) and records the leaks it
// reveals and any other leak the tracker saw since (from Gone or Settle). A
// leak whose record failed is returned with the error and kept for the next
// Feed.
func (w Watch) Feed(ctx context.Context, s *redisops.Snapshot) ([]redisops.WatchedLeak, error) {
	if !w.Indexed {
		w.Tracker.ObserveSnapshot(s)
	}
	leaks := w.Tracker.Drain()
	out := make([]redisops.WatchedLeak, 0, len(leaks))
	for i, l := range leaks {
		rec, err := w.Ledger.RecordLeak(ctx, l)
		if errors.Is(err, redisops.ErrInput) {
			continue // a sale id no command could name (read from a key): shown, never recorded
		}
		if err != nil {
			w.Tracker.requeue(leaks[i:])
			return out, fmt.Errorf("recording the leak of %s: %w", l.Key, err)
		}
		out = append(out, redisops.WatchedLeak{Leak: l, Recorded: rec})
	}
	return out, nil
}

// FillLeaks sets each sale row's LeakedUnits, LeakedHolds and
// LeakedUnverifiedUnits from the ledger's totals.
func (w Watch) FillLeaks(ctx context.Context, s *redisops.Snapshot) error {
	if s == nil || len(s.Sales) == 0 {
		return nil
	}
	ids := make([]string, len(s.Sales))
	for i, r := range s.Sales {
		ids[i] = r.ID
	}
	totals, err := w.Ledger.LedgerTotals(ctx, ids)
	if err != nil {
		return err
	}
	outcomes := w.Tracker.Outcomes()
	for i := range s.Sales {
		t := totals[s.Sales[i].ID]
		s.Sales[i].LeakedUnits, s.Sales[i].LeakedHolds = t.Units, t.Holds
		s.Sales[i].LeakedUnverifiedUnits = t.UnverifiedUnits
		o := outcomes[s.Sales[i].ID]
		s.Sales[i].HoldOutcomes = &o
	}
	return nil
}
