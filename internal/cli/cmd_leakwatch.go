package cli

import (
	"io"
	"os"

	"flashtop/leakwatch"
	"flashtop/redisops"
	"flashtop/ui"
)

// holdObserved is a backend whose hold index can report every hold it
// learns and loses (the dashboard's poller): the leak tracker then sees the
// holds of every sale, not only those a snapshot lists.
type holdObserved interface {
	SetHoldObserver(o redisops.HoldObserver)
}

// watchLeaks wraps the dashboard's backend in the leak watch and, with
// --record FILE, the recorder (leakwatch.Backend). With writes armed, leaks are
// recorded in the Redis ledger (flashtop:leaks:{sale}) and the reclaim key
// works; otherwise they are kept in memory. It returns what closes the
// recording. The recording must be a regular file (created when missing): a
// FIFO, a device or a directory is bad usage.
func watchLeaks(cfg config, uc *ui.Config) (func(), error) {
	var rec io.Writer
	closeRec := func() {}
	if cfg.Record != "" {
		f, err := openRegular(cfg.Record, os.O_CREATE|os.O_WRONLY|os.O_APPEND) // a FIFO would block the dashboard
		if err != nil {
			return nil, usagef("--record: %v", err)
		}
		rec, closeRec = f, func() { _ = f.Close() }
	}
	w := &leakwatch.Watch{Tracker: leakwatch.NewTracker(redisops.DefaultLeakSkew), Ledger: leakwatch.NewMemLedger()}
	var reclaimer leakwatch.Reclaimer
	if uc.Arming.Armed {
		if l, ok := uc.Backend.(leakwatch.Ledger); ok {
			w.Ledger = l
		}
		if r, ok := uc.Backend.(leakwatch.Reclaimer); ok {
			reclaimer = r
		}
	}
	if o, ok := uc.Backend.(holdObserved); ok {
		o.SetHoldObserver(w.Tracker)
		w.Indexed = true
	}
	uc.Backend = leakwatch.NewBackend(uc.Backend, w, reclaimer, rec)
	return closeRec, nil
}
