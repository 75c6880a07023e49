package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"flashtop/redisops"
	"flashtop/ui"
)

// runDashboard runs the terminal dashboard. The client is built like every
// other command's (config.options, redisops.New) without touching the
// network: an unreachable server opens the dashboard anyway, with the
// disconnected banner, and every poll retries. --debug FILE appends a log
// there, because the dashboard owns the terminal.
func runDashboard(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	p := printer{stdout: stdout, stderr: stderr}
	client, err := redisops.New(cfg.options())
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	uc := ui.Config{
		Backend:  client,
		Pins:     cfg.Sales,
		Interval: cfg.Interval,
		Arming:   redisops.WriteArming(client.Hosts(), cfg.ReadOnly, cfg.AllowWrites, cfg.Demo),
		Demo:     cfg.Demo,
		Version:  version,
	}
	if cfg.Debug != "" {
		f, err := os.OpenFile(cfg.Debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return p.fail(cfg, usagef("--debug: %v", err))
		}
		defer f.Close()
		uc.Debug = f
	}
	if err := ui.Run(ctx, uc); err != nil {
		return p.fail(cfg, fmt.Errorf("dashboard: %w", err))
	}
	return exitOK
}
