package cli

import (
	"context"
	"fmt"
	"time"

	"flashtop/demo"
	"flashtop/redisops"
	"flashtop/ui"
)

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
	err = demo.Seed(sctx, client, demo.DemoProfiles(), time.Now())
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
	poller := redisops.NewPoller(client, redisops.PollerOptions{ScanBudget: cfg.ScanBudget})
	defer poller.Close()
	return showDashboard(ctx, cfg, p, ui.Config{
		Backend: poller,
		Arming:  redisops.WriteArming(client.Hosts(), cfg.ReadOnly, cfg.AllowWrites, true),
		Demo:    true,
		Sim:     sim,
	})
}

// demoConfig points the config at the demo server: no credentials, TLS,
// cluster or sentinel from the command line apply to it.
func demoConfig(cfg config, url string) config {
	cfg.RedisURL, cfg.Username, cfg.Password = url, "", ""
	cfg.Cluster, cfg.SentinelMaster = false, ""
	cfg.TLSCA, cfg.TLSCert, cfg.TLSKey, cfg.TLSInsecure = "", "", "", false
	return cfg
}
