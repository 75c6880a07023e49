package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// helpOf is the help of a topic ("" for everything).
func helpOf(t *testing.T, topic string) string {
	t.Helper()
	var out bytes.Buffer
	if err := printHelp(&out, topic); err != nil {
		t.Fatalf("help %q: %v", topic, err)
	}
	return out.String()
}

// describes reports whether help has the line of flag f: its name, then its
// usage (the first line of it).
func describes(help string, f *pflag.Flag) bool {
	usage, _, _ := strings.Cut(f.Usage, "\n")
	for _, line := range strings.Split(help, "\n") {
		name, about, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if ok && strings.Contains(name, "--"+f.Name) && strings.Contains(about, usage) {
			return true
		}
	}
	return false
}

// TestEveryFlagHasUsage: help is generated from the flags' usage text, so
// no flag may go without one, and a flag that takes a value names it.
func TestEveryFlagHasUsage(t *testing.T) {
	n := 0
	newFlagSet(&config{}, &rawFlags{}).VisitAll(func(f *pflag.Flag) {
		n++
		if strings.TrimSpace(f.Usage) == "" {
			t.Errorf("--%s has no usage text", f.Name)
		}
		if f.Value.Type() != "bool" && annotation(f, annValue) == "" {
			t.Errorf("--%s takes a value but does not name it for help", f.Name)
		}
	})
	if n < 40 {
		t.Errorf("only %d flags declared", n)
	}
}

// TestHelpListsEveryCommandAndFlag: the general help has every command of
// the table and every global flag with its usage; each command's help has
// every command flag it takes, with its usage, under "Command flags:".
func TestHelpListsEveryCommandAndFlag(t *testing.T) {
	fs := newFlagSet(&config{}, &rawFlags{})
	all := helpOf(t, "")
	cmdFlags := commandFlags(fs)
	fs.VisitAll(func(f *pflag.Flag) {
		if !contains(cmdFlags, f.Name) && !describes(all, f) {
			t.Errorf("help does not describe the global flag --%s with its usage %q", f.Name, f.Usage)
		}
	})
	for _, c := range commands() {
		if !strings.Contains(all, "\n  flashtop "+strings.TrimSpace(c.name+" "+c.args)+"\n      "+c.about+"\n") {
			t.Errorf("help does not list %q with its about", c.name)
		}
		for _, m := range c.modes {
			if fs.Lookup(m) == nil || !strings.Contains(all, "\n  flashtop --"+m+" ") {
				t.Errorf("help does not list the mode --%s of %q", m, c.name)
			}
		}
		if c.name == "" {
			continue
		}
		help := helpOf(t, c.name)
		if len(c.flags) > 0 || c.sales != pinSales {
			if !strings.Contains(help, "\nCommand flags:\n") {
				t.Errorf("help %s has no \"Command flags:\" section:\n%s", c.name, help)
			}
		}
		if c.sales != pinSales && !strings.Contains(help, "\n  --sale ID               "+c.sales.help()+"\n") {
			t.Errorf("help %s does not say what --sale is to it:\n%s", c.name, help)
		}
		for _, name := range c.flags {
			if f := fs.Lookup(name); f == nil || !describes(help, f) {
				t.Errorf("help %s does not describe --%s with its usage:\n%s", c.name, name, help)
			}
		}
		if c.write != strings.Contains(help, writeNote) {
			t.Errorf("help %s: write %v, but the note is %v", c.name, c.write, !c.write)
		}
	}
}

// TestCommandTable: every row is runnable and names only flags that exist;
// what it needs it takes; names are unique.
func TestCommandTable(t *testing.T) {
	fs := newFlagSet(&config{}, &rawFlags{})
	seen := map[string]bool{}
	for _, c := range commands() {
		if seen[c.name] {
			t.Errorf("command %q twice", c.name)
		}
		seen[c.name] = true
		if c.run == nil || c.about == "" {
			t.Errorf("command %q: run or about missing", c.name)
		}
		for _, f := range c.flags {
			if fs.Lookup(f) == nil {
				t.Errorf("command %q takes --%s, which is not declared", c.name, f)
			}
		}
		for _, f := range c.need {
			if !contains(c.flags, f) {
				t.Errorf("command %q needs --%s but does not take it", c.name, f)
			}
		}
	}
}

// TestHelpFlagLayout: a flag's line is its name and value, its environment
// fallback, its usage and its default; a usage of several lines goes on
// indented under the first.
func TestHelpFlagLayout(t *testing.T) {
	all := helpOf(t, "")
	for _, want := range []string{
		"\n  --redis-url URL         [REDIS_URL] redis:// or valkey://, rediss:// or valkeys:// (TLS), unix:// (default redis://localhost:6379/0)\n",
		"\n  --max-queue N           [REDIS_MAX_QUEUE_LENGTH] queue cap used by join (default 10000)\n",
		"\n  --interval D            dashboard refresh, 250ms to 1m (default 1s)\n",
		"\n  --sentinel-master NAME  connect through Sentinel to this master\n",
		"\n  --password PW           [REDIS_PASSWORD] password (or in the URL); never shown. On the command line\n" +
			"                          every local user can read it (warned): prefer REDIS_PASSWORD or --password-file\n",
		"\n  -h, --help              ",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("help lacks %q:\n%s", want, all)
		}
	}
	if reserve := helpOf(t, "reserve"); !strings.Contains(reserve, "\n  --ttl D                 hold time: 300, 300s, 5m, 2h or 1d; 1s to 30d (default 300s)\n") {
		t.Errorf("help reserve: --ttl without its default:\n%s", reserve)
	}
}
