package ui

import (
	"fmt"
	"strconv"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/forms"
)

// Every write asks y/n before anything is sent (DESIGN.md §6): the confirm
// names the exact key, the amount, and the value before → after where the
// write changes one. The before values are the current snapshot's (the
// rows the operator is looking at); when the data is stale (disconnected or
// paused) the prompt says as of when, and a value the snapshot lacks is
// "unknown". The confirm is built with the command it runs on y.

// openConfirm opens the y/n of req, carrying the command that runs it.
func (m Model) openConfirm(req opRequest) Model {
	m.confirm = forms.NewConfirm(opName(req.kind)+" · sale "+textsafe.Cut(req.sale, maxDialogWidth),
		m.confirmPrompt(req), m.runOp(req), m.fst)
	m.confirm.SetWidth(dialogWidth(m.width))
	m.mode = modeConfirm
	return m
}

// confirmPrompt is the question of req's confirm.
func (m Model) confirmPrompt(r opRequest) string {
	sch := m.cfg.Backend.Schema()
	k, u := textsafe.String(r.key), textsafe.String(r.user)
	stockKey := textsafe.String(sch.StockKey(r.sale))
	stock := m.saleStock(r.sale)
	switch r.kind {
	case opReserve:
		p := fmt.Sprintf("Reserve %d for user %s on %s (hold %s, ttl %s): ", r.n, u, stockKey, k, fmtTTL(r))
		if h, ok := m.findHold(r.sale, r.user); ok {
			return p + fmt.Sprintf("%s already holds %s, nothing changes (Redis will answer %s)?", u, units(h.Quantity),
				redisops.StatusAlreadyReserved)
		}
		return p + m.stockChange(stock, -r.n, redisops.StatusInsufficientStock) + "?"
	case opRelease:
		return fmt.Sprintf("Release hold %s (%s) back to %s: %s?", k, units(r.n), stockKey, m.stockChange(stock, r.n, ""))
	case opRestock:
		p := fmt.Sprintf("Restock %s by %d: %s", k, r.n, m.valueChange(stock, r.n))
		if r.max != nil {
			p = fmt.Sprintf("Restock %s by %d (refused past max %d): %s", k, r.n, *r.max, m.valueChange(stock, r.n))
			if stock != nil && *stock+r.n > *r.max {
				p += fmt.Sprintf(", past max %d: Redis will answer %s", *r.max, redisops.StatusMaxExceeded)
			}
		}
		return p + "?"
	case opTake:
		return fmt.Sprintf("Take %d from %s: %s?", r.n, k, m.change(stock, -r.n, redisops.StatusInsufficientStock, ""))
	case opSet:
		before := "unknown"
		if stock != nil {
			before = strconv.FormatInt(*stock, 10)
		}
		return fmt.Sprintf("Set %s to %d (overwrites the current stock): %s → %d%s?", k, r.n, before, r.n, m.asOf())
	case opJoin, opLeave, opAdmit:
		return m.queuePrompt(r)
	case opReclaim:
		return reclaimPrompt(r, stockKey+" "+m.valueChange(stock, r.n))
	}
	return "Proceed?"
}

// queuePrompt is the confirm of join, leave and admit: the queue key and its
// length before → after.
func (m Model) queuePrompt(r opRequest) string {
	k, u := textsafe.String(r.key), textsafe.String(r.user)
	length := m.queueLength(r.sale)
	switch r.kind {
	case opJoin:
		p := fmt.Sprintf("Add user %s to %s: ", u, k)
		if pos, ok := m.queuePosition(r.sale, r.user); ok {
			return p + fmt.Sprintf("%s is already queued at position %d, nothing changes (Redis will answer %s)?", u, pos,
				redisops.StatusAlreadyQueued)
		}
		return p + m.lengthChange(length, 1) + "?"
	case opLeave:
		return fmt.Sprintf("Remove user %s from %s: %s?", u, k, m.lengthChange(length, -1))
	}
	p := fmt.Sprintf("Admit the next %d members of %s (removes them from the queue): %s", r.n, k,
		m.lengthChange(length, -r.n))
	if length != nil && *length < r.n {
		p += fmt.Sprintf(" (only %d waiting)", *length)
	}
	return p + "?"
}

// stockChange is "stock 12 → 10", "stock unknown", or, when the stock is
// too low for the change, why Redis will refuse it (refusal: the status
// word; "" when the change cannot be refused for it).
func (m Model) stockChange(stock *int64, delta int64, refusal string) string {
	return m.change(stock, delta, refusal, "stock ")
}

// valueChange is "500 → 505" or "stock unknown".
func (m Model) valueChange(stock *int64, delta int64) string {
	return m.change(stock, delta, "", "")
}

// change writes before → after of a value changed by delta, prefixed by
// label; a negative after is refused by Redis with the refusal status word.
func (m Model) change(v *int64, delta int64, refusal, label string) string {
	if v == nil {
		return "stock unknown" + m.asOf()
	}
	if after := *v + delta; after < 0 && refusal != "" {
		return fmt.Sprintf("%s%d, less than %d: Redis will answer %s%s", label, *v, -delta, refusal, m.asOf())
	}
	return fmt.Sprintf("%s%d → %d%s", label, *v, *v+delta, m.asOf())
}

// lengthChange is "length 2 → 3" (never below 0) or "length unknown".
func (m Model) lengthChange(length *int64, delta int64) string {
	if length == nil {
		return "length unknown" + m.asOf()
	}
	return fmt.Sprintf("length %d → %d%s", *length, max(*length+delta, 0), m.asOf())
}

// asOf says how old the before values are when the data is stale.
func (m Model) asOf() string {
	if m.snap == nil || !(m.disconnected() || m.poll.paused) {
		return ""
	}
	return " (as of " + m.snap.TakenAt.In(m.now.Location()).Format("15:04:05") + ")"
}

// saleRow is sale's row of the snapshot.
func (m Model) saleRow(sale string) (redisops.SaleStats, bool) {
	if m.snap != nil {
		for _, s := range m.snap.Sales {
			if s.ID == sale {
				return s, true
			}
		}
	}
	return redisops.SaleStats{}, false
}

// saleStock is sale's stock in the snapshot (nil: unknown).
func (m Model) saleStock(sale string) *int64 {
	s, _ := m.saleRow(sale)
	return s.Inventory
}

// queueLength is sale's queue length in the snapshot (nil: unknown).
func (m Model) queueLength(sale string) *int64 {
	if s, ok := m.saleRow(sale); ok {
		return &s.QueueLength
	}
	return nil
}

// queuePosition finds user in the snapshot's head window of sale's queue.
func (m Model) queuePosition(sale, user string) (int64, bool) {
	if m.snap != nil {
		for _, e := range m.snap.Queues[sale] {
			if e.User == user {
				return e.Position, true
			}
		}
	}
	return 0, false
}

// findHold finds user's hold on sale among the snapshot's holds.
func (m Model) findHold(sale, user string) (redisops.Hold, bool) {
	if m.snap != nil {
		for _, h := range m.snap.Reservations {
			if h.Sale == sale && h.User == user {
				return h, true
			}
		}
	}
	return redisops.Hold{}, false
}

// units is "1 unit" or "n units".
func units(n int64) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.FormatInt(n, 10) + " units"
}
