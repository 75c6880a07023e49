package cli

import (
	"context"
	"fmt"
	"os"

	"flashtop/recording"
	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui"
)

// replayCommand is the row of replay: its one operand is the FILE.
func replayCommand() command {
	return command{name: "replay", args: "FILE",
		about:    "the dashboard over a recording made with --record FILE, read-only (space, ←/→, </>)",
		operands: replayFile, run: noStdin(runReplay)}
}

// replayFile takes replay's FILE; --help needs none.
func replayFile(c *config, pos []string) ([]string, error) {
	if len(pos) != 1 && !c.Help {
		return nil, usagef("replay needs one FILE: a recording made with --record FILE")
	}
	if len(pos) == 1 {
		c.File, pos = pos[0], nil
	}
	return pos, nil
}

// runReplay opens the dashboard over a recording made with --record FILE:
// read-only, its clock the recorded time, with the replay keys (space
// pause/play, ←/, and →/. step, > and < speed). A file that cannot be read
// or holds no snapshot is bad input (exit 2), and so is any line that is not
// a snapshot (its number named), a line longer than recording.MaxLine and a
// file that is not a regular one (a FIFO, a device, a directory: never
// opened in a way that could block, never read whole).
func runReplay(ctx context.Context, cfg config, p printer) int {
	f, err := openRegular(cfg.File, os.O_RDONLY)
	if err != nil {
		return p.fail(cfg, usageFrom("", fmt.Errorf("%w: %w", recording.ErrRecording, err)))
	}
	defer f.Close()
	player, err := recording.Load(ctx, f, cfg.File, cfg.Schema, nil)
	if err != nil {
		return p.fail(cfg, usageFrom("", err))
	}
	return showDashboard(ctx, cfg, p, ui.Config{
		Backend: player,
		Player:  player,
		Clock:   player.Now,
		Arming:  redisops.Arming{Armed: false, Reason: "read-only (replay of " + textsafe.String(cfg.File) + ")"},
	})
}
