package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Player is a recording played back as the dashboard's backend
// (*recording.Player satisfies it): `flashtop replay FILE`. Every method returns
// at once; the dashboard polls it like a server.
type Player interface {
	Paused() bool
	SetPaused(p bool)
	Step(n int)
	Speed() float64
	SetSpeed(f float64)
	Position() (frame, frames int)
}

// handleReplayKey handles the replay keys; ok is false for any other key
// (and always outside a replay). A step shows its frame at once.
func (m Model) handleReplayKey(msg tea.KeyMsg) (Model, tea.Cmd, bool) {
	p := m.cfg.Player
	if p == nil {
		return m, nil, false
	}
	switch {
	case key.Matches(msg, m.keys.ReplayPause):
		p.SetPaused(!p.Paused())
	case key.Matches(msg, m.keys.ReplayBack):
		p.Step(-1)
	case key.Matches(msg, m.keys.ReplayForward):
		p.Step(1)
	case key.Matches(msg, m.keys.ReplayFaster):
		p.SetSpeed(p.Speed() * 2)
	case key.Matches(msg, m.keys.ReplaySlower):
		p.SetSpeed(p.Speed() / 2)
	default:
		return m, nil, false
	}
	m.now = m.cfg.Clock() // a replay's clock is the recorded time of its frame
	m.setStatus(statusInfo, replayStatus(p))
	return m, m.requestPoll(), true
}

// replayStatus is "replay: frame 3/20 · 2× · paused".
func replayStatus(p Player) string {
	i, n := p.Position()
	state := "playing"
	if p.Paused() {
		state = "paused"
	}
	return fmt.Sprintf("replay: frame %d/%d · %g× · %s", i, n, p.Speed(), state)
}
