package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"flashtop/demo"
	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/ui"
)

// dashboardCommand is the row of the dashboard (no command name); --demo
// is a mode of it.
func dashboardCommand() command {
	return command{args: "[flags]", about: "the dashboard", modes: []string{"demo"},
		run: func(ctx context.Context, cfg config, p printer, _ io.Reader) int {
			return runDashboard(ctx, cfg, p.stdout, p.stderr)
		}}
}

// runDashboard runs the terminal dashboard. The client is built like every
// other command's (config.options, redisops.New) without touching the
// network: an unreachable server opens the dashboard anyway, with the
// disconnected banner, and every poll retries. --demo runs it on a
// throwaway server with simulated buyers instead (runDemo, below).
func runDashboard(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	p := printer{stdout: stdout, stderr: stderr}
	if cfg.Demo {
		return runDemo(ctx, cfg, p)
	}
	client, err := connect(ctx, cfg, false)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	poller := read.NewPoller(client, read.PollerOptions{ScanBudget: cfg.ScanBudget}) // incremental: cost independent of the keyspace
	defer poller.Close()
	return showDashboard(ctx, cfg, p, ui.Config{
		Backend: poller,
		Arming:  redisops.WriteArming(client.Hosts(), cfg.ReadOnly, cfg.AllowWrites, false),
	})
}

// showDashboard fills the common fields of uc from cfg and runs the UI until
// the user quits or ctx ends. --debug FILE appends a log there, because the
// dashboard owns the terminal; like --record FILE it must be a regular file
// (openRegular: never a FIFO that would block before the UI starts).
func showDashboard(ctx context.Context, cfg config, p printer, uc ui.Config) int {
	uc.Pins, uc.Interval, uc.Version = cfg.Sales, cfg.Interval, version
	uc.Alerts = cfg.Alerts
	if cfg.Bell { // off by default: the BEL goes to the terminal the dashboard draws on
		uc.Bell = p.stdout
	}
	if uc.Player == nil { // a live server: the leak watch and --record (cmd_leakwatch.go)
		closeRec, err := watchLeaks(cfg, &uc)
		if err != nil {
			return p.fail(cfg, err)
		}
		defer closeRec()
	}
	if cfg.Debug != "" {
		f, err := openRegular(cfg.Debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND)
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

// seedTimeout bounds seeding the demo server.
const seedTimeout = 5 * time.Second

// runDemo starts a throwaway Redis, seeds the three demo sales, runs the
// simulator and opens the dashboard on it with writes armed. Whatever ends the
// dashboard (q, ctrl+c, SIGTERM) stops the simulator and the server and
// removes the server's directory before it returns.
func runDemo(ctx context.Context, cfg config, p printer) int {
	srv, err := demo.StartServer()
	if err != nil {
		return p.fail(cfg, fmt.Errorf("demo: %w", err))
	}
	defer srv.Close()
	cfg = demoConfig(cfg, srv.URL)
	client, err := connect(ctx, cfg, false)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	sctx, cancel := context.WithTimeout(ctx, seedTimeout)
	err = demo.Seed(sctx, client, demo.Profiles(), time.Now())
	cancel()
	if err != nil {
		return p.fail(cfg, err)
	}
	seed := uint64(time.Now().UnixNano())
	if cfg.SeedSet {
		seed = uint64(cfg.Seed)
	}
	sim := demo.New(client, demo.DefaultConfig(seed), nil)
	simCtx, stopSim := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sim.Run(simCtx)
	}()
	defer func() { stopSim(); <-done }() // before the client and the server close
	poller := read.NewPoller(client, read.PollerOptions{ScanBudget: cfg.ScanBudget})
	defer poller.Close()
	return showDashboard(ctx, cfg, p, ui.Config{
		Backend:   poller,
		Arming:    redisops.WriteArming(client.Hosts(), cfg.ReadOnly, cfg.AllowWrites, true),
		Demo:      true,
		InProcess: srv.Kind == demo.KindInProcess,
		Sim:       sim,
		StartSale: demo.StorySale, // the sale whose story the first minute tells
	})
}

// demoConfig points the config at the demo server: no credentials, TLS,
// cluster or sentinel from the command line apply to it, and the backend's
// scripts are not checked (the demo has no backend: its buyers run
// flashtop's own scripts).
func demoConfig(cfg config, url string) config {
	cfg.BackendScripts = []redisops.BackendScript{}
	cfg.RedisURL, cfg.Username, cfg.Password = url, "", ""
	cfg.Cluster, cfg.SentinelMaster = false, ""
	cfg.TLSCA, cfg.TLSCert, cfg.TLSKey, cfg.TLSInsecure = "", "", "", false
	return cfg
}
