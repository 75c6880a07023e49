package leakwatch

import (
	"context"
	"sync"

	"flashtop/redisops"
)

// Ledger is where leaks are recorded: the Redis ledger of a
// *redisops.Client (writes armed) or a MemLedger (not armed). recorded is
// false when the leak was recorded before (by this or another watcher).
type Ledger interface {
	RecordLeak(ctx context.Context, l redisops.Leak) (recorded bool, err error)
	LedgerTotals(ctx context.Context, sales []string) (map[string]redisops.LeakTotals, error)
}

// The Redis ledger's operations are the Client's (redisops/leak.go).
var (
	_ Ledger = (*redisops.Client)(nil)
	_ Ledger = (*MemLedger)(nil)
)

// MemLedger is the leak ledger of a flashtop that may not write: leaks are
// kept in memory for this process only (nothing to reclaim from). Safe for
// concurrent use.
type MemLedger struct {
	mu     sync.Mutex
	seen   map[string]bool
	totals map[string]redisops.LeakTotals
}

// NewMemLedger returns an empty in-memory ledger.
func NewMemLedger() *MemLedger {
	return &MemLedger{seen: map[string]bool{}, totals: map[string]redisops.LeakTotals{}}
}

// RecordLeak records l once per hold key and stamp, under its class (a
// Class other than redisops.LeakVerified counts as unverified, as in
// Redis). It refuses what the Redis ledger refuses (redisops.ValidateLeak).
func (m *MemLedger) RecordLeak(_ context.Context, l redisops.Leak) (bool, error) {
	if err := redisops.ValidateLeak(l); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	id := l.Key + "@" + l.Stamp
	if m.seen[id] {
		return false, nil
	}
	m.seen[id] = true
	t := m.totals[l.Sale]
	t.Units = redisops.AddSaturating(t.Units, l.Quantity)
	t.Holds++
	if !l.Verified() {
		t.UnverifiedUnits = redisops.AddSaturating(t.UnverifiedUnits, l.Quantity)
		t.UnverifiedHolds++
	}
	m.totals[l.Sale] = t
	return true, nil
}

// LedgerTotals returns the totals of each sale.
func (m *MemLedger) LedgerTotals(_ context.Context, sales []string) (map[string]redisops.LeakTotals, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]redisops.LeakTotals, len(sales))
	for _, s := range sales {
		out[s] = m.totals[s]
	}
	return out, nil
}
