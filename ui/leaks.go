package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"flashtop/redisops"
	"flashtop/ui/panels"
)

// Reclaimer is what the reclaim key (L) calls (redisops.Client.Reclaim); a
// backend that has no Redis ledger to reclaim from does not implement it.
// includeUnverified also gives back the leaks not seen to expire; the
// dashboard never asks for it.
type Reclaimer interface {
	Reclaim(ctx context.Context, sale string, max *int64, includeUnverified bool) (redisops.Result, error)
}

// LeakBackend is a Backend with the leak watch and the recorder around it.
// Each Snapshot (run in the dashboard's poll command, never in Update) is
// fed to the leak watch, whose new leaks ride along in Snapshot.Leaks and
// whose ledger totals fill each sale's LeakedUnits and LeakedHolds; then the
// snapshot is appended to the recording as one JSON line. Releases go
// through the tracker's Own/Settle, so flashtop's own releases never count
// as leaks.
type LeakBackend struct {
	Backend
	watch     *redisops.LeakWatch // nil: no leak watch
	reclaimer Reclaimer           // nil: nothing to reclaim from (the ledger is in memory)
	rec       *recorder           // nil: no recording
}

// NewLeakBackend wraps inner. watch, reclaimer and record may each be nil.
func NewLeakBackend(inner Backend, watch *redisops.LeakWatch, reclaimer Reclaimer, record io.Writer) *LeakBackend {
	b := &LeakBackend{Backend: inner, watch: watch, reclaimer: reclaimer}
	if record != nil {
		b.rec = &recorder{w: record}
	}
	return b
}

// Snapshot reads the inner snapshot, then watches, fills and records it.
// A ledger or recording failure is reported in the snapshot (LeakErr,
// RecordErr), never as a failed poll.
func (b *LeakBackend) Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	s, err := b.Backend.Snapshot(ctx, o)
	if err != nil || s == nil {
		return s, err
	}
	if b.watch != nil {
		leaks, err := b.watch.Feed(ctx, s)
		if err == nil {
			err = b.watch.FillLeaks(ctx, s)
		}
		s.Leaks = leaks
		if err != nil {
			s.LeakErr = "leak watch: " + err.Error()
		}
	}
	if b.rec != nil {
		if err := b.rec.write(s); err != nil {
			s.RecordErr = err.Error()
		}
	}
	return s, nil
}

// Release releases a hold as flashtop's own: it never counts as a leak.
func (b *LeakBackend) Release(ctx context.Context, sale, user string, max *int64) (redisops.Result, error) {
	if b.watch == nil {
		return b.Backend.Release(ctx, sale, user, max)
	}
	key := b.Schema().HoldKey(user, sale)
	b.watch.Tracker.Own(key)
	r, err := b.Backend.Release(ctx, sale, user, max)
	b.watch.Tracker.Settle(key, err == nil && r.Status == redisops.StatusReleased)
	return r, err
}

// errNoLedger refuses a reclaim when leaks are only kept in memory.
var errNoLedger = errors.New("ui: reclaim: leaks are kept in memory only (writes not armed): nothing to give back")

// Reclaim gives a sale's leaked units back (the Redis ledger's reclaim).
func (b *LeakBackend) Reclaim(ctx context.Context, sale string, max *int64, includeUnverified bool) (redisops.Result, error) {
	if b.reclaimer == nil {
		return redisops.Result{}, errNoLedger
	}
	return b.reclaimer.Reclaim(ctx, sale, max, includeUnverified)
}

// recorder appends snapshots to a recording, one JSON line each. After a
// failed write it stops and reports that error once.
type recorder struct {
	mu     sync.Mutex
	w      io.Writer
	failed bool
}

func (r *recorder) write(s *redisops.Snapshot) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed {
		return nil // reported when it failed
	}
	line, err := json.Marshal(s)
	if err == nil {
		_, err = r.w.Write(append(line, '\n'))
	}
	if err != nil {
		r.failed = true
		return fmt.Errorf("--record: %w (recording stopped)", err)
	}
	return nil
}

// leakStatus is the command log's status word of a leak.
const leakStatus = "leaked"

// logLeaks adds the leaks a snapshot reveals, one line per sale (and its
// leak watch or recording errors), to the command log. A leak already logged (a replay
// stepping back over it) is not logged again.
func (m *Model) logLeaks(s *redisops.Snapshot) {
	if s == nil {
		return
	}
	for _, e := range leakEntries(s.Leaks) { // one line per sale (ui/leaklog.go)
		m.appendLogOnce(e)
	}
	for _, e := range []string{s.LeakErr, s.RecordErr} {
		if e != "" {
			m.appendLogOnce(panels.LogEntry{At: s.TakenAt, Command: "leak watch", Err: redisops.Sanitize(e)})
		}
	}
}

// appendLogOnce appends e unless the log's last entries already hold it
// (same time and command; an error: same text as the last entry).
func (m *Model) appendLogOnce(e panels.LogEntry) {
	for i := len(m.log) - 1; i >= 0 && i >= len(m.log)-maxLog; i-- {
		old := m.log[i]
		if old.Command == e.Command && (old.At.Equal(e.At) || (e.Err != "" && old.Err == e.Err && i == len(m.log)-1)) {
			return
		}
	}
	m.appendLog(e)
}

// appendLog appends e to the command log, which keeps the last maxLog entries.
func (m *Model) appendLog(e panels.LogEntry) {
	m.log = append(m.log, e)
	if len(m.log) > maxLog {
		m.log = append([]panels.LogEntry(nil), m.log[len(m.log)-maxLog:]...)
	}
}

// reclaimRequest prepares the reclaim of the selected sale's verified leaks:
// its confirm names the ledger key, the verified units it gives back and the
// unverified units it leaves. ok is false (with a status message) when
// nothing verified is waiting: the dashboard never gives back a leak that
// was not seen to expire (it may have been sold: DESIGN.md §6).
func (m *Model) reclaimRequest(req opRequest) (opRequest, bool) {
	var row redisops.SaleStats
	if m.snap != nil {
		for _, s := range m.snap.Sales {
			if s.ID == req.sale {
				row = s
			}
		}
	}
	sale := redisops.SanitizeCut(req.sale, maxDialogWidth/2)
	verified := row.LeakedUnits - row.LeakedUnverifiedUnits
	switch {
	case row.LeakedUnits == 0:
		m.setStatus(statusInfo, "nothing to reclaim: no leaked units recorded for sale "+sale)
		return req, false
	case verified <= 0:
		m.setStatus(statusInfo, fmt.Sprintf("nothing verified to reclaim: %d unverified units in sale %s (may have been sold): %s",
			row.LeakedUnverifiedUnits, sale, redisops.ReclaimUnverifiedCommand(req.sale)))
		return req, false
	}
	req.n, req.unverified, req.key = verified, row.LeakedUnverifiedUnits, redisops.LedgerKey(req.sale)
	return req, true
}

// reclaimPrompt is the reclaim confirm: the ledger key, the verified units
// (the reclaim gives back every verified leak unreclaimed when it runs: more
// may leak before the y) and the unverified units it leaves.
func reclaimPrompt(r opRequest) string {
	p := fmt.Sprintf("Give the verified leaked units recorded in %s (%d now) back to the stock of sale %s?",
		redisops.Sanitize(r.key), r.n, redisops.Sanitize(r.sale))
	if r.unverified == 0 {
		return p + " No unverified leak is waiting."
	}
	return p + fmt.Sprintf(" It leaves the %d unverified units (not seen to expire: they may have been sold); %s gives those back.",
		r.unverified, redisops.ReclaimUnverifiedCommand(r.sale))
}

// callReclaim runs a reclaim of the verified leaks on a backend that can (a
// LeakBackend).
func callReclaim(ctx context.Context, b Backend, sale string) (redisops.Result, error) {
	if r, ok := b.(Reclaimer); ok {
		return r.Reclaim(ctx, sale, nil, false)
	}
	return redisops.Result{}, errNoLedger
}
