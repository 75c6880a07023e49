package ui

import (
	"flashtop/textsafe"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Simulator is the demo's traffic simulator as the dashboard drives it
// (*demo.Sim satisfies it). Every method returns at once: the simulator runs
// in its own goroutine and these only set or read its controls.
type Simulator interface {
	SetSpeed(f float64)
	Speed() float64
	SetPaused(p bool)
	Paused() bool
	Rush(sale string) error
	Summary() string
}

// handleSimKey handles the demo keys; ok is false for any other key.
func (m Model) handleSimKey(msg tea.KeyMsg) (Model, bool) {
	sim := m.cfg.Sim
	if sim == nil {
		return m, false
	}
	switch {
	case key.Matches(msg, m.keys.SimFaster):
		sim.SetSpeed(sim.Speed() * 2)
		m.setStatus(statusInfo, fmt.Sprintf("demo buyers at %g×", sim.Speed()))
	case key.Matches(msg, m.keys.SimSlower):
		sim.SetSpeed(sim.Speed() / 2)
		m.setStatus(statusInfo, fmt.Sprintf("demo buyers at %g×", sim.Speed()))
	case key.Matches(msg, m.keys.SimPause):
		sim.SetPaused(!sim.Paused())
		state := "resumed"
		if sim.Paused() {
			state = "paused"
		}
		m.setStatus(statusInfo, "demo buyers "+state)
	case key.Matches(msg, m.keys.Rush):
		m.rush()
	default:
		return m, false
	}
	return m, true
}

// rush brings a crowd of buyers to the sale under the Sales bar.
func (m *Model) rush() {
	sale, ok := m.highlightedSale()
	if !ok {
		m.setStatus(statusErr, noSaleHighlighted)
		return
	}
	if err := m.cfg.Sim.Rush(sale); err != nil {
		m.setStatus(statusErr, textsafe.String(err.Error()))
		return
	}
	m.setStatus(statusInfo, "rush: a crowd of buyers is joining "+textsafe.Cut(sale, maxDialogWidth))
}
