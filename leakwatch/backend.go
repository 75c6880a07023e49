package leakwatch

import (
	"context"
	"errors"
	"io"

	"flashtop/recording"
	"flashtop/redisops"
)

// Inner is the backend the dashboard's leak watch wraps. Its method set is
// ui.Backend's: Go interfaces are structural, so every ui.Backend is an
// Inner and a *Backend, which embeds it, is a ui.Backend again (without
// this package importing ui). The watch uses Snapshot, Do (for releases)
// and Schema; it passes the other operations on unchanged.
type Inner interface {
	Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error)
	Do(ctx context.Context, r redisops.Request) (redisops.Result, error)
	Schema() redisops.Schema
	URL() string
}

// Reclaimer gives a sale's leaked units back to its stock (the reclaim key
// L of the dashboard; redisops.Client.Reclaim). A backend that has no Redis
// ledger to reclaim from does not implement it. includeUnverified also
// gives back the leaks not seen to expire; the dashboard never asks for it.
type Reclaimer interface {
	Reclaim(ctx context.Context, sale string, limit *int64, includeUnverified bool) (redisops.Result, error)
}

// ErrNoLedger refuses a reclaim when leaks are only kept in memory.
var ErrNoLedger = errors.New("leakwatch: reclaim: leaks are kept in memory only (writes not armed): nothing to give back")

// Backend is the dashboard's backend with the leak watch and the recorder
// around it. Each Snapshot (run in the dashboard's poll command, never in
// Update) is fed to the Watch, whose new leaks ride along in Snapshot.Leaks
// and whose ledger totals fill each sale's LeakedUnits and LeakedHolds; then
// the snapshot is appended to the recording as one JSON line. Releases go
// through the tracker's Own/Settle, so flashtop's own releases never count
// as leaks.
type Backend struct {
	Inner
	watch     *Watch            // nil: no leak watch
	reclaimer Reclaimer         // nil: nothing to reclaim from (the ledger is in memory)
	rec       *recording.Writer // nil: no recording
}

// NewBackend wraps inner. watch, reclaimer and record may each be nil.
func NewBackend(inner Inner, watch *Watch, reclaimer Reclaimer, record io.Writer) *Backend {
	b := &Backend{Inner: inner, watch: watch, reclaimer: reclaimer}
	if record != nil {
		b.rec = recording.NewWriter(record)
	}
	return b
}

// Snapshot reads the inner snapshot, then watches, fills and records it.
// A ledger or recording failure is reported in the snapshot (LeakErr,
// RecordErr), never as a failed poll.
func (b *Backend) Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	s, err := b.Inner.Snapshot(ctx, o)
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
		if err := b.rec.Write(s); err != nil {
			s.RecordErr = err.Error()
		}
	}
	return s, nil
}

// Do runs an operation of the table on the inner backend, with two of the
// watch's own: a release is flashtop's own (Tracker.Own/Settle: it never
// counts as a leak), and a reclaim gives back the verified leaks of the
// Redis ledger (Reclaim; ErrNoLedger when the leaks are kept in memory).
func (b *Backend) Do(ctx context.Context, r redisops.Request) (redisops.Result, error) {
	switch {
	case r.Kind == redisops.KindReclaim:
		return b.Reclaim(ctx, r.Sale, r.Max, false)
	case r.Kind != redisops.KindRelease || b.watch == nil:
		return b.Inner.Do(ctx, r)
	}
	key := r.Key(b.Schema())
	b.watch.Tracker.Own(key)
	res, err := b.Inner.Do(ctx, r)
	b.watch.Tracker.Settle(key, err == nil && res.Status == redisops.StatusReleased)
	return res, err
}

// Reclaim gives a sale's leaked units back (the Redis ledger's reclaim), or
// refuses with ErrNoLedger when the leaks are kept in memory.
func (b *Backend) Reclaim(ctx context.Context, sale string, limit *int64, includeUnverified bool) (redisops.Result, error) {
	if b.reclaimer == nil {
		return redisops.Result{}, ErrNoLedger
	}
	return b.reclaimer.Reclaim(ctx, sale, limit, includeUnverified)
}

// Wake passes the inner backend's wake on (nil when it has none): the push
// feed's signal that something changed (ui.Waker), so that the dashboard
// polls sooner through the watch as well.
func (b *Backend) Wake() <-chan struct{} {
	if w, ok := b.Inner.(interface{ Wake() <-chan struct{} }); ok {
		return w.Wake()
	}
	return nil
}
