package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// usageHint follows every usage error on stderr.
const usageHint = "Run 'flashtop help' for usage."

const exitHelp = `Exit codes: 0 done · 1 refused by a business rule · 2 bad usage or input (nothing sent) ·
3 Redis unreachable, authentication or permission denied, or a server error.
`

// writeNote is the line help adds under a write command.
const writeNote = "a write: armed against loopback servers, elsewhere only with --allow-writes"

// runHelp prints the help of cfg.Topic: exit 0, or 2 for an unknown topic.
func runHelp(cfg config, p printer) int {
	if err := printHelp(p.stdout, cfg.Topic); err != nil {
		code := p.fail(cfg, err)
		fmt.Fprintln(p.stderr, usageHint)
		return code
	}
	return exitOK
}

// printHelp writes the usage of a topic ("" for everything, "queue" for
// every queue action) to w, generated from the command table and the usage
// text of the flags. It returns an error for an unknown topic.
func printHelp(w io.Writer, topic string) error {
	fs := newFlagSet(&config{}, &rawFlags{})
	if topic == "" {
		fmt.Fprintln(w, "flashtop: a terminal dashboard and command line for the Redis of a flash sale.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Usage:")
		for _, c := range commands() {
			writeUsage(w, fs, c, false)
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, globalFlagHelp(fs), "\n", exitHelp)
		return nil
	}
	var found []command
	for _, c := range commands() {
		if c.name != "" && (c.name == topic || strings.HasPrefix(c.name, topic+" ")) {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return usagef("help: unknown command %q", topic)
	}
	fmt.Fprintln(w, "Usage:")
	for _, c := range found {
		writeUsage(w, fs, c, true)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, commandFlagHelp(fs, found), globalFlagHelp(fs), "\n", exitHelp)
	return nil
}

// writeUsage writes the synopsis lines of a command, each with its one-line
// about; notes adds whether it writes.
func writeUsage(w io.Writer, fs *pflag.FlagSet, c command, notes bool) {
	line := func(synopsis, about string) { fmt.Fprintf(w, "  flashtop %s\n      %s\n", synopsis, about) }
	line(strings.TrimSpace(c.name+" "+c.args), c.about)
	for _, m := range c.modes {
		line(strings.TrimSpace("--"+m+" "+c.args), fs.Lookup(m).Usage)
	}
	if notes && c.write {
		fmt.Fprintln(w, "      "+writeNote)
	}
}

// globalFlagHelp describes every flag that no command claims.
func globalFlagHelp(fs *pflag.FlagSet) string {
	cmdFlags := commandFlags(fs)
	var b strings.Builder
	b.WriteString("Global flags (environment fallback in brackets):\n")
	fs.VisitAll(func(f *pflag.Flag) {
		if !contains(cmdFlags, f.Name) {
			b.WriteString(flagHelp(f))
		}
	})
	return b.String()
}

// commandFlagHelp describes the command flags the given commands take:
// --sale when they act on sales, then the flags of their rows.
func commandFlagHelp(fs *pflag.FlagSet, found []command) string {
	var b strings.Builder
	for _, c := range found {
		if about := c.sales.help(); about != "" {
			b.WriteString(flagLine("--sale "+annotation(fs.Lookup("sale"), annValue), about))
			break
		}
	}
	for _, f := range commandFlags(fs) {
		for _, c := range found {
			if contains(c.flags, f) {
				b.WriteString(flagHelp(fs.Lookup(f)))
				break
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "Command flags:\n" + b.String() + "\n"
}

// help is what --sale means to a command of this rule ("" for the pins,
// which the global --sale describes).
func (r saleRule) help() string {
	switch r {
	case oneSale:
		return "the sale (exactly one)"
	case someSales:
		return "a sale (repeatable: one or more)"
	}
	return ""
}

// flagHelp is the help of one flag: its name and value, then its
// environment fallback, its pflag usage and its default.
func flagHelp(f *pflag.Flag) string {
	left := "--" + f.Name
	if f.Shorthand != "" {
		left = "-" + f.Shorthand + ", " + left
	}
	if v := annotation(f, annValue); v != "" {
		left += " " + v
	}
	about := f.Usage
	if env := annotation(f, annEnv); env != "" {
		about = "[" + env + "] " + about
	}
	if f.Value.Type() == "string" && f.DefValue != "" {
		about += " (default " + f.DefValue + ")"
	}
	return flagLine(left, about)
}

// flagLine lays out one flag: the name in a column of its own, the about
// beside it; each line after the first of a multi-line about is indented
// under the first.
func flagLine(left, about string) string {
	const indent = "                          " // 2 + 22 + 2: under the about
	lines := strings.Split(about, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "  %-22s  %s\n", left, lines[0])
	for _, l := range lines[1:] {
		b.WriteString(indent + l + "\n")
	}
	return b.String()
}
