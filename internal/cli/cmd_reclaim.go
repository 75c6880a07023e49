package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// statusNotConfirmed is reclaim's outcome when the operator does not answer
// y to the --include-unverified confirm: nothing was written (exit 1).
const statusNotConfirmed = "not_confirmed"

// reclaimCommand is the row of reclaim.
func reclaimCommand() command {
	return command{name: "reclaim", args: "--sale S [--max N] [--include-unverified [--yes]]",
		about: "give the verified leaked units of the sale's ledger (flashtop:leaks:{S}) back to its stock, once; " +
			"--include-unverified: the unverified ones too, after a confirm",
		flags: []string{"max", "include-unverified", "yes"}, sales: oneSale, write: true, run: runReclaim}
}

// runReclaim gives the verified leaked units of a sale's leak ledger
// (flashtop:leaks:{sale}) back to its stock, in one script: reclaimed (exit
// 0), nothing_to_reclaim or max_exceeded (exit 1). Concurrent calls reclaim
// once. With --include-unverified it gives back the unverified leaks too
// (they may have been released and sold: DESIGN.md §6), after a y on a
// terminal or with --yes; without a terminal and without --yes it is a usage
// error (exit 2) before anything is sent. A write: Run has refused it unless
// writes are armed.
func runReclaim(ctx context.Context, cfg config, p printer, stdin io.Reader) int {
	ask := cfg.IncludeUnverified && !cfg.Yes
	if ask && !isTerminal(stdin) {
		return p.fail(cfg, usagef("reclaim --include-unverified: not sent: stdin is not a terminal, so the give-back of "+
			"leaks not seen to expire (they may have been sold) cannot be confirmed; add --yes to confirm it"))
	}
	client, err := connect(ctx, cfg, false)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	all := cfg.IncludeUnverified
	if ask {
		var ok bool
		if all, ok, err = confirmUnverified(ctx, cfg, client, stdin, p.stderr); err != nil {
			return p.fail(cfg, err)
		} else if !ok {
			return notConfirmed(cfg, p)
		}
	}
	rctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	r, err := client.Reclaim(rctx, cfg.sale(), cfg.Max, all)
	if err != nil {
		return p.fail(cfg, err)
	}
	if p.json {
		return p.result(cfg, r)
	}
	line := reclaimText(cfg, r, all)
	if r.Status == redisops.StatusReclaimed && !all {
		line += unverifiedLeft(rctx, cfg, client)
	}
	fmt.Fprintln(p.stdout, line)
	if r.OK {
		return exitOK
	}
	return exitRefused
}

// isTerminal reports whether r is a terminal (an *os.File on a tty).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// confirmUnverified reads the sale's ledger totals, then asks on out whether
// to give back its leaks, naming the units and how many were not seen to
// expire, and reads the answer from in: include and ok only on y or yes;
// neither on anything else, on end of input or on ctrl+c (ctx). With no
// unverified leak waiting there is nothing to confirm: ok without include,
// so that the reclaim gives back the verified ones only (an unverified leak
// recorded meanwhile is not given back unasked).
func confirmUnverified(ctx context.Context, cfg config, c *redisops.Client, in io.Reader, out io.Writer) (include, ok bool, err error) {
	tctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	tot, err := c.LedgerTotals(tctx, []string{cfg.sale()})
	cancel()
	if err != nil {
		return false, false, fmt.Errorf("reading the ledger before the confirm: %w", err)
	}
	t := tot[cfg.sale()]
	if t.UnverifiedUnits <= 0 {
		fmt.Fprintf(out, "flashtop: no unverified leak is waiting in %s: reclaiming the verified ones only\n",
			textsafe.String(redisops.LedgerKey(cfg.sale())))
		return false, true, nil
	}
	fmt.Fprintf(out, "Give back %d units to %s (ledger %s), of which %d were not seen to expire (they may have been sold)? [y/N] ",
		t.Units, textsafe.String(cfg.Schema.StockKey(cfg.sale())), textsafe.String(redisops.LedgerKey(cfg.sale())), t.UnverifiedUnits)
	answer := make(chan string, 1)
	go func() { // abandoned on ctrl+c: the process is about to exit
		line, _ := bufio.NewReader(in).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(out)
		return false, false, nil
	case line := <-answer:
		a := strings.ToLower(strings.TrimSpace(line))
		yes := a == "y" || a == "yes"
		return yes, yes, nil
	}
}

// notConfirmed reports a declined confirm: nothing was written (exit 1).
func notConfirmed(cfg config, p printer) int {
	if p.json {
		p.emit(redisops.Result{Status: statusNotConfirmed})
	} else {
		fmt.Fprintf(p.stdout, "%s: nothing given back; the ledger %s is unchanged\n", statusNotConfirmed,
			textsafe.String(redisops.LedgerKey(cfg.sale())))
	}
	return exitRefused
}

// unverifiedLeft is what the text of a reclaim without --include-unverified
// adds: the unverified units still in the ledger (read after the reclaim)
// and the command that gives them back.
func unverifiedLeft(ctx context.Context, cfg config, c *redisops.Client) string {
	tot, err := c.LedgerTotals(ctx, []string{cfg.sale()})
	if err != nil {
		return "; unverified units left: unknown (" + textsafe.String(err.Error()) + ")"
	}
	if n := tot[cfg.sale()].UnverifiedUnits; n > 0 {
		return fmt.Sprintf("; %d unverified units left (not seen to expire: they may have been sold): %s gives them back",
			n, redisops.ReclaimUnverifiedCommand(cfg.sale()))
	}
	return "; no unverified leak left"
}

// reclaimText is the text line of a reclaim result; all says whether it
// included the unverified leaks.
func reclaimText(cfg config, r redisops.Result, all bool) string {
	sale := textsafe.String(cfg.sale())
	ledger := textsafe.String(redisops.LedgerKey(cfg.sale()))
	unverified := int64(0)
	if r.UnverifiedUnits != nil {
		unverified = *r.UnverifiedUnits
	}
	switch {
	case r.Status == redisops.StatusReclaimed && all:
		return fmt.Sprintf("%s: %s leaked units back to the stock of sale %s (stock %s; ledger %s), %d of them unverified (not seen to expire)",
			r.Status, num(r.Units), sale, num(r.Stock), ledger, unverified)
	case r.Status == redisops.StatusReclaimed:
		return fmt.Sprintf("%s: %s verified leaked units back to the stock of sale %s (stock %s; ledger %s)",
			r.Status, num(r.Units), sale, num(r.Stock), ledger)
	case r.Status == redisops.StatusNothingToReclaim && unverified > 0:
		return fmt.Sprintf("%s: the ledger %s holds no verified leak; %d unverified units wait (not seen to expire: they may have been sold): %s gives them back",
			r.Status, ledger, unverified, redisops.ReclaimUnverifiedCommand(cfg.sale()))
	case r.Status == redisops.StatusNothingToReclaim:
		return fmt.Sprintf("%s: the ledger %s holds no unreclaimed leak", r.Status, ledger)
	}
	return resultText(cfg, r)
}
