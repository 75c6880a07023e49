package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/textsafe"
)

// renderFPS is the most redraws per second: the data changes once per poll
// and a key's effect still shows within 50 ms.
const renderFPS = 20

// Backend is everything the dashboard asks of Redis: snapshots, and the
// operations of redisops' table through one Do. The poller (*read.Poller of
// flashtop/redisops/read, wrapping a *redisops.Client) satisfies it; UI
// tests use a fake that records what was asked. The leak watch's
// wrapper (leakwatch.Backend) wraps one through leakwatch.Inner, which has
// the same method set: a method added here is added there too (main then
// fails to build until it is).
type Backend interface {
	Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error)
	Do(ctx context.Context, r redisops.Request) (redisops.Result, error)
	Schema() redisops.Schema
	URL() string
}

// Config is what the dashboard needs to run.
type Config struct {
	Backend Backend
	Pins    []string // --sale: pinned sales; the first is selected at start
	// StartSale is selected at start when no sale is pinned (the demo's
	// story sale); "" selects the first row.
	StartSale string
	Interval  time.Duration // poll interval; 1s when zero
	Arming    redisops.Arming
	Demo      bool
	// InProcess: the demo runs on an in-process Redis (no redis-server on
	// PATH): the header and the server panel say so, the figures it cannot
	// measure read "n/a", and E (keyspace events) is refused with the reason.
	InProcess bool
	Sim       Simulator          // the demo's simulator (nil outside --demo)
	Player    Player             // flashtop replay's player (nil otherwise; ui/replay.go)
	Clock     func() time.Time   // time.Now when nil
	Renderer  *lipgloss.Renderer // lipgloss.DefaultRenderer() when nil
	Version   string
	// Alerts are the alert thresholds (flashtop/alerts; the zero value
	// turns every alert off), and Bell, when not nil, is where a BEL is
	// written on each newly raised alert (the program's output; nil: no
	// bell, the default).
	Alerts alerts.Thresholds
	Bell   io.Writer
	Debug  io.Writer // debug log (nil = off); written from commands, so safe for concurrent use (an *os.File is)
}

// Run runs the dashboard full-screen until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends pending ticks and I/O once the program is done
	m := New(cfg)
	m.ctx = ctx
	// The caller's ctx ends on SIGINT/SIGTERM (main's signal.NotifyContext).
	// Bubble Tea's own handler is off: when both catch SIGTERM, its handler
	// can block forever sending QuitMsg to an event loop that already left on
	// ctx, and Run never returns (bubbletea v1.3.10, shutdown waits for it).
	// renderFPS caps the redraws (Bubble Tea's default is 60 per second): its
	// renderer wakes and copies the whole screen every frame, even when
	// nothing changed (about a sixth of the steady dashboard's CPU).
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler(), tea.WithFPS(renderFPS))
	_, err := p.Run()
	if err != nil && ctx.Err() == nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("ui: %w", err)
	}
	return nil
}

// debugCmd is a command that writes one line to the debug log (nil when
// there is none): the line is formatted now, written off the event loop, so
// that a slow --debug file never blocks Update. The line is escaped
// (textsafe.String): a `cat` or `tail -f` of the log is as safe as the screen.
func (m Model) debugCmd(format string, a ...any) tea.Cmd {
	w := m.cfg.Debug
	if w == nil {
		return nil
	}
	line := m.now.Format("15:04:05.000") + " " + textsafe.String(fmt.Sprintf(format, a...)) + "\n" // Redis' bytes and error texts, escaped
	return func() tea.Msg {
		_, _ = io.WriteString(w, line) // best effort: the debug log has nowhere to report its own failure
		return nil
	}
}
