package ui

import (
	"fmt"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// The dashboard's side of the leak watch: the command-log lines of the
// leaks a snapshot brings and the reclaim key L (when it may start; its
// confirm and call are the operation table's, redisops.KindReclaim). The
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

// reclaimReady reports whether sale has verified leaks to reclaim, the
// precondition of the reclaim key: its confirm (redisops, KindReclaim) then
// names the ledger key, the verified units it gives back and the unverified
// units it leaves. When nothing verified is waiting it says so in the status
// bar: the dashboard never gives back a leak that was not seen to expire (it
// may have been sold: DESIGN.md §6).
func (m *Model) reclaimReady(saleID string) bool {
	row, _ := m.saleRow(saleID) // ui/confirm.go
	sale := textsafe.Cut(saleID, maxDialogWidth/2)
	verified := row.LeakedUnits - row.LeakedUnverifiedUnits
	switch {
	case row.LeakedUnits == 0:
		m.setStatus(statusInfo, "nothing to reclaim: no leaked units recorded for sale "+sale)
		return false
	case verified <= 0:
		m.setStatus(statusInfo, fmt.Sprintf("nothing verified to reclaim: %d unverified units in sale %s (may have been sold): %s",
			row.LeakedUnverifiedUnits, sale, redisops.ReclaimUnverifiedCommand(saleID)))
		return false
	}
	return true
}
