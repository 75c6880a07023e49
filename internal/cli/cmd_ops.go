package cli

import (
	"context"
	"io"

	"flashtop/redisops"
)

// opFunc is the redisops call of an operation command, given its validated
// config.
type opFunc func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error)

// opCommands are the rows of the operation commands: reserve, release, and
// the actions of inventory and queue.
func opCommands() []command {
	return []command{
		op(command{name: "reserve", args: "--sale S --user U [--qty N] [--ttl 300s]",
			about: "hold N units (default 1) of a sale for a user for --ttl (default 300s)",
			flags: []string{"user", "qty", "ttl"}, need: []string{"user"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Reserve(ctx, cfg.sale(), cfg.User, cfg.Qty, cfg.TTL)
			}),
		op(command{name: "release", args: "--sale S --user U [--max N]",
			about: "return a user's held units to stock (refused past --max) and delete the hold",
			flags: []string{"user", "max"}, need: []string{"user"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Release(ctx, cfg.sale(), cfg.User, cfg.Max)
			}),
		op(command{name: "inventory get", args: "--sale S", about: "print the stock of a sale", sales: oneSale},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.GetStock(ctx, cfg.sale())
			}),
		op(command{name: "inventory set", args: "--sale S --qty N", about: "set the stock of a sale to N (0 or more)",
			flags: []string{"qty"}, need: []string{"qty"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.SetStock(ctx, cfg.sale(), cfg.Qty)
			}),
		op(command{name: "inventory restock", args: "--sale S --qty N [--max N]", about: "add N units to the stock (refused past --max)",
			flags: []string{"qty", "max"}, need: []string{"qty"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Restock(ctx, cfg.sale(), cfg.Qty, cfg.Max)
			}),
		op(command{name: "inventory take", args: "--sale S --qty N", about: "remove N units from the stock when it holds that many",
			flags: []string{"qty"}, need: []string{"qty"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Take(ctx, cfg.sale(), cfg.Qty)
			}),
		op(command{name: "queue join", args: "--sale S --user U",
			about: "put a user in the queue of a sale (refused when the queue holds --max-queue)",
			flags: []string{"user"}, need: []string{"user"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Join(ctx, cfg.sale(), cfg.User)
			}),
		op(command{name: "queue leave", args: "--sale S --user U", about: "take a user out of the queue",
			flags: []string{"user"}, need: []string{"user"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Leave(ctx, cfg.sale(), cfg.User)
			}),
		op(command{name: "queue position", args: "--sale S --user U", about: "print a user's position in the queue (1 is the head)",
			flags: []string{"user"}, need: []string{"user"}, sales: oneSale},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Position(ctx, cfg.sale(), cfg.User)
			}),
		op(command{name: "queue length", args: "--sale S", about: "print how many users the queue holds", sales: oneSale},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Length(ctx, cfg.sale())
			}),
		op(command{name: "queue admit", args: "--sale S [--count N]", about: "admit the first N users (default 10) of the queue, in order",
			flags: []string{"count"}, sales: oneSale, write: true},
			func(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
				return c.Admit(ctx, cfg.sale(), cfg.Count)
			}),
	}
}

// op makes a row run its operation: runOp with do.
func op(cmd command, do opFunc) command {
	write := cmd.write
	cmd.run = func(ctx context.Context, cfg config, p printer, _ io.Reader) int {
		return runOp(ctx, cfg, p, write, do)
	}
	return cmd
}

// runOp runs one operation command (reserve, release, inventory …, queue …).
// Everything was validated by parseFlags, and a write is armed (Run).
func runOp(ctx context.Context, cfg config, p printer, write bool, do opFunc) int {
	// A write pings first: a server that cannot be reached fails there, known
	// not to have run it, and the write then goes over a connection already
	// set up, so that a failure during it is one of its own outcome unknown.
	client, err := connect(ctx, cfg, write)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	// Each call is bounded by --timeout inside redisops; this bounds retries too.
	ctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	r, err := do(ctx, client, cfg)
	if err != nil {
		return p.fail(cfg, err)
	}
	return p.result(cfg, r)
}

// checkArmed refuses a write command, before any connection, unless writes
// are armed (DESIGN.md §6).
func checkArmed(cfg config) error {
	hosts, err := redisops.URLHosts(cfg.RedisURL)
	if err != nil {
		return err
	}
	if a := redisops.WriteArming(hosts, cfg.ReadOnly, cfg.AllowWrites, cfg.Demo); !a.Armed {
		return usagef("%s: not sent: %s", cfg.name(), a.Reason)
	}
	return nil
}

// connect builds the client of cfg. With ping it sends one PING first, so
// that an unreachable server fails fast (exit 3 within twice --timeout)
// rather than after a longer read.
func connect(ctx context.Context, cfg config, ping bool) (*redisops.Client, error) {
	client, err := redisops.New(cfg.options())
	if err != nil || !ping {
		return client, err
	}
	pctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	if _, err := client.Ping(pctx); err != nil {
		_ = client.Close()
		return nil, err
	}
	return client, nil
}
