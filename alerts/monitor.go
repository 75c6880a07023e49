package alerts

import (
	"time"

	"flashtop/redisops"
	"flashtop/salerate"
)

// LeakWindow is the window of the leak rate: the units lost in the last
// minute (while a watch is younger than that, the units lost since it
// started: a count that only grows as the window fills, so an alert is never
// raised on a guess).
const LeakWindow = time.Minute

// leakEvent is the units of one sale a snapshot's leaks lost.
type leakEvent struct {
	at    time.Time
	units int64
}

// Monitor is the Trend of a run of snapshots (the dashboard's, or audit
// --watch's): the stock of every sale (salerate.History, the sales table's
// rules) and, when leaks are watched, the units each sale lost to expired
// holds within LeakWindow of the newest snapshot. Not safe for concurrent
// use.
type Monitor struct {
	stock    *salerate.History
	rates    map[string]salerate.Rate // computed since the last stock sample (the dashboard judges every clock tick)
	leaks    map[string][]leakEvent
	watched  bool
	lastLeak time.Time
}

// NewMonitor returns a monitor that has seen nothing.
func NewMonitor() *Monitor {
	return &Monitor{stock: salerate.NewHistory(), rates: map[string]salerate.Rate{}, leaks: map[string][]leakEvent{}}
}

// Observe records snapshot s: its stock and, when watched, leaks (the leaks
// this poll revealed, counted at s.TakenAt). watched false (no leak watch)
// leaves the leak rate unknown; the same snapshot again adds no leaks, and
// an older one (a replay stepping back) starts the history over.
func (m *Monitor) Observe(s *redisops.Snapshot, leaks []redisops.WatchedLeak, watched bool) {
	if s == nil {
		return
	}
	if !m.lastLeak.IsZero() && s.TakenAt.Before(m.lastLeak) { // a replay stepping back: what came later is not history
		*m = *NewMonitor()
	}
	if m.stock.Record(s) {
		clear(m.rates)
	}
	m.watched = watched
	if !s.TakenAt.After(m.lastLeak) {
		return
	}
	m.lastLeak = s.TakenAt
	for _, l := range leaks {
		if l.Quantity > 0 {
			m.leaks[l.Sale] = append(m.leaks[l.Sale], leakEvent{at: s.TakenAt, units: l.Quantity})
		}
	}
	for sale, evs := range m.leaks {
		cut := 0
		for cut < len(evs) && s.TakenAt.Sub(evs[cut].at) >= LeakWindow {
			cut++
		}
		if cut == len(evs) {
			delete(m.leaks, sale)
		} else if cut > 0 {
			m.leaks[sale] = append(evs[:0], evs[cut:]...)
		}
	}
}

// Rate is sale's selling rate over the last salerate.RateWindow.
func (m *Monitor) Rate(sale string) salerate.Rate {
	r, ok := m.rates[sale]
	if !ok {
		r = m.stock.Rate(sale)
		m.rates[sale] = r
	}
	return r
}

// LeakedLastMinute is the units sale lost to expired holds within
// LeakWindow of the newest snapshot, and false when leaks are not watched.
func (m *Monitor) LeakedLastMinute(sale string) (float64, bool) {
	if !m.watched {
		return 0, false
	}
	n := int64(0)
	for _, e := range m.leaks[sale] {
		n = redisops.AddSaturating(n, e.units)
	}
	return float64(n), true
}

// LeakWatched reports whether a snapshot comes with the dashboard's leak
// watch (leakwatch.Watch.FillLeaks gives every sale its hold outcomes).
func LeakWatched(s *redisops.Snapshot) bool {
	for _, sale := range s.Sales {
		if sale.HoldOutcomes != nil {
			return true
		}
	}
	return false
}
