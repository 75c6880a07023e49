package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/forms"
)

// Every write asks y/n before anything is sent (DESIGN.md §6): the confirm
// names the exact key, the amount, and the value before → after where the
// write changes one (its question is the operation's: redisops.Spec.Confirm).
// The before values are the current snapshot's (the rows the operator is
// looking at); when the data is stale (disconnected or paused) the prompt
// says as of when, and a value the snapshot lacks is "unknown". The confirm
// is built with the command it runs on y.

// openConfirm opens the y/n of req, asked from what the operator sees
// (seen), carrying the command that runs it.
func (m Model) openConfirm(req redisops.Request, seen redisops.Seen) Model {
	sp, _ := redisops.SpecOf(req.Kind)
	prompt := "Proceed?"
	if sp.Confirm != nil {
		prompt = sp.Confirm(m.cfg.Backend.Schema(), req, seen)
	}
	return m.ask(sp.Title+" · sale "+textsafe.Cut(req.Sale, maxDialogWidth), prompt, m.runOp(req))
}

// ask opens a y/n prompt: its question and the command y runs, in one
// value (pug's YesNoPrompt(prompt, action)); n or esc drops both. What the
// confirm means is in it, not in fields beside it.
func (m Model) ask(title, prompt string, action tea.Cmd) Model {
	m.confirm = forms.NewConfirm(title, prompt, action, m.fst)
	m.confirm.SetWidth(dialogWidth(m.width))
	m.mode = modeConfirm
	return m
}

// seen is what the current snapshot shows of the data req works on: the
// before values of its confirm.
func (m Model) seen(req redisops.Request) redisops.Seen {
	row, _ := m.saleRow(req.Sale)
	s := redisops.Seen{Stock: row.Inventory, QueueLength: m.queueLength(req.Sale), AsOf: m.asOf(),
		LeakedUnits: row.LeakedUnits, LeakedUnverifiedUnits: row.LeakedUnverifiedUnits}
	if h, ok := m.findHold(req.Sale, req.User); ok {
		s.Held = &h.Quantity
	}
	if pos, ok := m.queuePosition(req.Sale, req.User); ok {
		s.Position = &pos
	}
	return s
}

// asOf says how old the before values are when the data is stale.
func (m Model) asOf() string {
	if m.snap == nil || !m.disconnected() && !m.poll.paused {
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
