package main

import (
	"context"

	"flashtop/redisops"
	"flashtop/replay"
	"flashtop/ui"
)

// runReplay opens the dashboard over a recording made with --record FILE:
// read-only, its clock the recorded time, with the replay keys (space
// pause/play, ←/, and →/. step, > and < speed). A file that cannot be read
// or holds no snapshot is bad input (exit 2).
func runReplay(ctx context.Context, cfg config, p printer) int {
	player, err := replay.Open(cfg.File, cfg.Schema, nil)
	if err != nil {
		return p.fail(cfg, usageFrom("", err))
	}
	return showDashboard(ctx, cfg, p, ui.Config{
		Backend: player,
		Player:  player,
		Clock:   player.Now,
		Arming:  redisops.Arming{Armed: false, Reason: "read-only (replay of " + redisops.Sanitize(cfg.File) + ")"},
	})
}
