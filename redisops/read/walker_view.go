package read

import (
	"flashtop/redisops"
	"slices"
)

// record keeps what the current walk found of key (w.mu held). A clean key
// is recorded only when it overrides an anomaly (of this walk or the last),
// so the maps hold the anomalous keys, not every key walked.
func (w *walker) record(key string, an []redisops.Anomaly) {
	if len(an) == 0 {
		_, now := w.anomalies[key]
		if !now && len(w.doneAnomalies[key]) == 0 {
			return
		}
		if now && len(w.anomalies[key]) == 0 {
			return
		}
	}
	w.anomalies[key] = an
	w.merged = nil
}

// salesView is the sales the walk knows: the last complete walk's and the
// current one's so far.
func (w *walker) salesView() map[string]bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	sales := make(map[string]bool, len(w.doneSales)+len(w.sales))
	for _, m := range []map[string]bool{w.doneSales, w.sales} {
		for s := range m {
			sales[s] = true
		}
	}
	return sales
}

// view is the walk's picture for a snapshot: the sessions counted and the
// anomalies of the last complete walk joined with what the current one found
// so far (merged again only after a change; the caller gets its own copy).
func (w *walker) view() (sessions int64, anomalies []redisops.Anomaly) {
	w.mu.Lock()
	defer w.mu.Unlock()
	sessions = w.doneSessions
	if w.walksDone == 0 {
		sessions = int64(len(w.sessions)) // the first walk, so far
	}
	if w.merged == nil {
		merged := []redisops.Anomaly{}
		for k, a := range w.doneAnomalies {
			if _, over := w.anomalies[k]; !over {
				merged = append(merged, a...)
			}
		}
		for _, a := range w.anomalies {
			merged = append(merged, a...)
		}
		w.merged = merged
	}
	if len(w.merged) == 0 {
		return sessions, nil
	}
	return sessions, slices.Clone(w.merged)
}

// unreadView is what the walk could not read: the last complete walk's
// and the current one's so far (per kind, the most keys of the two).
func (w *walker) unreadView() []redisops.Unreadable {
	w.mu.Lock()
	defer w.mu.Unlock()
	return redisops.MergeUnreadable(w.doneUnread, w.unread.list())
}

// noteSale adds a sale a keyspace event showed (its stock or queue key was
// written) before the walk reaches it.
func (w *walker) noteSale(sale string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sales[sale] = true
}
