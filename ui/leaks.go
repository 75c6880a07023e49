package ui

import (
	"context"
	"fmt"

	"flashtop/leakwatch"
	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// The dashboard's side of the leak watch: the command-log lines of the
// leaks a snapshot brings and the reclaim key L (its prompt and call). The
// watch itself, and the Backend wrapper that feeds it each poll, are
// package leakwatch.

// leakStatus is the command log's status word of a leak.
const leakStatus = "leaked"

// logLeaks adds the leaks a snapshot reveals to the command log, one line
// per sale that grows over consecutive ticks (ui/leaklog.go), and its leak
// watch or recording errors. A leak already logged (a replay stepping back
// over it) is not logged again.
func (m *Model) logLeaks(s *redisops.Snapshot) {
	if s == nil {
		return
	}
	for _, g := range leakGroups(m.leaks.fresh(s.Leaks)) {
		m.logLeakGroup(g)
	}
	for _, e := range []string{s.LeakErr, s.RecordErr} {
		if e != "" {
			m.appendLogOnce(panels.LogEntry{At: s.TakenAt, Command: "leak watch", Err: textsafe.String(e)})
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
	row, _ := m.saleRow(req.sale) // ui/confirm.go
	sale := textsafe.Cut(req.sale, maxDialogWidth/2)
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
// may leak before the y), the stock key with its before → after (stock,
// e.g. "inventory:s1 97 → 98") and the unverified units it leaves.
func reclaimPrompt(r opRequest, stock string) string {
	p := fmt.Sprintf("Give the verified leaked units recorded in %s (%d now) back to the stock of sale %s (%s)?",
		textsafe.String(r.key), r.n, textsafe.String(r.sale), stock)
	if r.unverified == 0 {
		return p + " No unverified leak is waiting."
	}
	return p + fmt.Sprintf(" It leaves the %d unverified units (not seen to expire: they may have been sold); %s gives those back.",
		r.unverified, redisops.ReclaimUnverifiedCommand(r.sale))
}

// callReclaim runs a reclaim of the verified leaks on a backend that can
// (the leak watch's leakwatch.Backend).
func callReclaim(ctx context.Context, b Backend, sale string) (redisops.Result, error) {
	if r, ok := b.(leakwatch.Reclaimer); ok {
		return r.Reclaim(ctx, sale, nil, false)
	}
	return redisops.Result{}, leakwatch.ErrNoLedger
}
