package salerate

import (
	"time"

	"flashtop/redisops"
)

// History keeps the stock series of every sale a run of snapshots shows
// (HistoryWindow, HistoryLimit), as the dashboard's sales table does: a new
// snapshot (by TakenAt) adds one sample per sale with a stock key, and a
// sale not seen for a whole window is forgotten. Not safe for concurrent
// use.
type History struct {
	last  time.Time
	sales map[string]*Series
}

// NewHistory returns an empty history.
func NewHistory() *History { return &History{sales: map[string]*Series{}} }

// Record adds the stock of s's sales unless s was taken at the same time as
// the last snapshot recorded (a sample not after a series' newest is
// ignored by the series); it reports whether s was recorded.
func (h *History) Record(s *redisops.Snapshot) bool {
	if s == nil || s.TakenAt.Equal(h.last) {
		return false
	}
	h.last = s.TakenAt
	for _, sale := range s.Sales {
		if sale.Inventory == nil {
			continue
		}
		r := h.sales[sale.ID]
		if r == nil {
			r = &Series{Window: HistoryWindow, Limit: HistoryLimit}
			h.sales[sale.ID] = r
		}
		r.Add(s.TakenAt, float64(*sale.Inventory))
	}
	for id, r := range h.sales {
		if last, ok := r.Last(); !ok || s.TakenAt.Sub(last.At) > HistoryWindow {
			delete(h.sales, id)
		}
	}
	return true
}

// Rate is sale's rate over the last RateWindow (Rate.OK false when there is
// no history of it).
func (h *History) Rate(sale string) Rate {
	if r := h.sales[sale]; r != nil {
		return r.Rate(RateWindow)
	}
	return Rate{}
}
