package main

import (
	"context"
	"fmt"

	"flashtop/redisops"
)

// runReclaim gives every unreclaimed leaked unit of a sale's leak ledger
// (flashtop:leaks:{sale}) back to its stock, in one script: reclaimed (exit
// 0), nothing_to_reclaim or max_exceeded (exit 1). Concurrent calls reclaim
// once. A write: refused unless writes are armed.
func runReclaim(ctx context.Context, cfg config, p printer) int {
	if err := checkArmed(cfg); err != nil {
		return p.fail(cfg, err)
	}
	client, err := connect(ctx, cfg, false)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	r, err := client.Reclaim(ctx, cfg.sale(), cfg.Max)
	if err != nil {
		return p.fail(cfg, err)
	}
	if p.json {
		return p.result(cfg, r)
	}
	fmt.Fprintln(p.stdout, reclaimText(cfg, r))
	if r.OK {
		return exitOK
	}
	return exitRefused
}

// reclaimText is the text line of a reclaim result.
func reclaimText(cfg config, r redisops.Result) string {
	sale := redisops.Sanitize(cfg.sale())
	ledger := redisops.Sanitize(redisops.LedgerKey(cfg.sale()))
	switch r.Status {
	case redisops.StatusReclaimed:
		return fmt.Sprintf("%s: %s leaked units back to the stock of sale %s (stock %s; ledger %s)",
			r.Status, num(r.Units), sale, num(r.Stock), ledger)
	case redisops.StatusNothingToReclaim:
		return fmt.Sprintf("%s: the ledger %s holds no unreclaimed leak", r.Status, ledger)
	}
	return resultText(cfg, r)
}
