package cli

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// command is one row of the command table: everything the command line
// knows of one command. Parsing (config.go), help (help.go) and dispatch
// (Run) all read it; each command's row sits in its file, beside its run.
type command struct {
	name  string   // "reserve", "inventory set"; "" for the dashboard
	args  string   // its synopsis after the name: "--sale S --user U [--qty N]"
	about string   // one line
	modes []string // flags that make a mode of it (the dashboard's --demo): one more usage line each
	flags []string // the command flags it takes (flags.go declares them, with their usage)
	need  []string // of those, the ones it requires
	sales saleRule // how many --sale it needs
	write bool     // a write: refused, before any connection, unless writes are armed (DESIGN.md §6)
	// operands reads its positional arguments and returns those it did
	// not take (an "unexpected argument"); nil: it takes none.
	operands func(c *config, pos []string) ([]string, error)
	// check validates its own flags, after the checks every command shares
	// (setCommandFlags); nil: none.
	check func(c *config, fs *pflag.FlagSet, r rawFlags) error
	run   runFunc
}

// runFunc runs a command from its validated config; stdin is read only by a
// confirm on a terminal (reclaim --include-unverified).
type runFunc func(ctx context.Context, cfg config, p printer, stdin io.Reader) int

// saleRule is how many --sale a command needs.
type saleRule int

const (
	pinSales  saleRule = iota // any number: the sales to pin (the dashboard, snapshot, audit)
	oneSale                   // exactly one: the sale it acts on
	someSales                 // one or more
)

// commands is the command table, in the order help lists it (built afresh:
// no shared state).
func commands() []command {
	cmds := []command{dashboardCommand(), snapshotCommand()}
	cmds = append(cmds, opCommands()...)
	return append(cmds, simulateCommand(), benchCommand(), reclaimCommand(), auditCommand(), replayCommand(),
		pingCommand(), versionCommand(), helpCommand())
}

// lookupCommand finds the row of a command name such as "queue admit" (""
// is the dashboard).
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// isGroup reports whether name is a command of actions (inventory, queue).
func isGroup(name string) bool { return len(actions(name)) > 0 }

// actions lists the actions of a group command such as inventory.
func actions(group string) []string {
	var out []string
	for _, c := range commands() {
		if a, ok := strings.CutPrefix(c.name, group+" "); ok {
			out = append(out, a)
		}
	}
	return out
}

// commandFlags are the flags that belong to commands rather than globally:
// every flag a row of the table lists, in the order of the flag set.
func commandFlags(fs *pflag.FlagSet) []string {
	taken := map[string]bool{}
	for _, c := range commands() {
		for _, f := range c.flags {
			taken[f] = true
		}
	}
	var out []string
	fs.VisitAll(func(f *pflag.Flag) {
		if taken[f.Name] {
			out = append(out, f.Name)
		}
	})
	return out
}

// helpCommand is the row of help: its operands are the topic ("" for
// everything). Run prints help for --help too.
func helpCommand() command {
	return command{name: "help", args: "[command]", about: "this help, or a command's",
		operands: func(c *config, pos []string) ([]string, error) {
			c.Help, c.Topic = true, strings.Join(pos, " ")
			return nil, nil
		},
		run: func(_ context.Context, cfg config, p printer, _ io.Reader) int { return runHelp(cfg, p) }}
}

// noStdin makes a runFunc of a command that never reads stdin.
func noStdin(run func(ctx context.Context, cfg config, p printer) int) runFunc {
	return func(ctx context.Context, cfg config, p printer, _ io.Reader) int { return run(ctx, cfg, p) }
}
