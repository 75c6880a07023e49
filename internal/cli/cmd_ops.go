package cli

import (
	"context"
	"io"

	"flashtop/redisops"
)

// opCommands are the rows of the operation commands (reserve, release, and
// the actions of inventory and queue), made from the operation table
// (redisops.Specs) in its order: an operation's flags are its inputs, those
// with neither a default nor Optional are required, and its synopsis is
// written from them ("--sale S --user U [--qty N] [--ttl 300s]"). Reclaim,
// which has a confirm of its own, has its row in cmd_reclaim.go.
func opCommands() []command {
	var out []command
	for _, sp := range redisops.Specs() {
		if sp.Kind != redisops.KindReclaim {
			out = append(out, opCommand(sp))
		}
	}
	return out
}

// opCommand is the row of operation sp.
func opCommand(sp redisops.Spec) command {
	cmd := command{name: sp.Command, args: "--sale S", about: sp.About, sales: oneSale, write: sp.Write}
	for _, in := range sp.Inputs {
		f := string(in.Field)
		cmd.flags = append(cmd.flags, f)
		arg := "--" + f + " " + argName(in)
		if in.Required() {
			cmd.need = append(cmd.need, f)
			cmd.args += " " + arg
		} else {
			cmd.args += " [" + arg + "]"
		}
	}
	write := cmd.write
	cmd.run = func(ctx context.Context, cfg config, p printer, _ io.Reader) int {
		return runOp(ctx, cfg, p, write, sp)
	}
	return cmd
}

// argName is the synopsis' name of an input's value: U, N, or the TTL's
// default.
func argName(in redisops.Input) string {
	switch in.Field {
	case redisops.FieldUser:
		return "U"
	case redisops.FieldTTL:
		return in.Default
	}
	return "N"
}

// request is the command line's request of operation sp: its N is --count
// when sp takes one, --qty otherwise.
func (c config) request(sp redisops.Spec) redisops.Request {
	r := redisops.Request{Kind: sp.Kind, Sale: c.sale(), User: c.User, N: c.Qty, TTL: c.TTL, Max: c.Max}
	for _, in := range sp.Inputs {
		if in.Field == redisops.FieldCount {
			r.N = c.Count
		}
	}
	return r
}

// runOp runs one operation command (reserve, release, inventory …, queue …).
// Everything was validated by parseFlags, and a write is armed (Run).
func runOp(ctx context.Context, cfg config, p printer, write bool, sp redisops.Spec) int {
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
	r, err := client.Do(ctx, cfg.request(sp))
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
