package main

import (
	"context"
	"strings"

	"github.com/spf13/pflag"

	"flashtop/redisops"
)

// runOp runs one operation command (reserve, release, inventory …, queue …).
// Everything was validated by parseFlags; a write is refused here, before any
// connection, unless writes are armed (DESIGN.md §6).
func runOp(ctx context.Context, cfg config, p printer) int {
	sp, ok := lookupSpec(cfg.name())
	if !ok {
		return p.fail(cfg, usagef("unknown command %q", cfg.name()))
	}
	if sp.write {
		if err := checkArmed(cfg); err != nil {
			return p.fail(cfg, err)
		}
	}
	// A write pings first: a server that cannot be reached fails there, known
	// not to have run it, and the write then goes over a connection already
	// set up, so that a failure during it is one of its own outcome unknown.
	client, err := connect(ctx, cfg, sp.write)
	if err != nil {
		return p.fail(cfg, err)
	}
	defer client.Close()
	// Each call is bounded by --timeout inside redisops; this bounds retries too.
	ctx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout)
	defer cancel()
	r, err := doOp(ctx, client, cfg)
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

// doOp runs the command's operation of the table (redisops.Client.Do).
func doOp(ctx context.Context, c *redisops.Client, cfg config) (redisops.Result, error) {
	sp, ok := redisops.SpecByCommand(cfg.name())
	if !ok {
		return redisops.Result{}, usagef("unknown command %q", cfg.name())
	}
	return c.Do(ctx, cfg.request(sp))
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

// spec describes one command: its usage, the command flags it takes and
// whether it writes. Help text and flag validation both come from it.
type spec struct {
	name  string   // "reserve", "inventory set"
	usage string   // synopsis after "flashtop "
	about string   // one line
	flags []string // command flags it takes: user, qty, ttl, max, count
	need  []string // command flags it requires
	sale  bool     // needs exactly one --sale
	sales bool     // needs one or more --sale
	write bool     // needs writes armed
}

// commandFlags are the flags that belong to commands rather than globally.
func commandFlags() []string {
	return []string{"user", "qty", "ttl", "max", "count", "rate", "duration", "stock", "buyers", "attempts", "force", "watch",
		"include-unverified", "yes", "hold-limit"}
}

// specs lists the commands of this build (built afresh: no shared state):
// the operations of the table (redisops.Specs, opSpec) after snapshot,
// reclaim after bench.
func specs() []spec {
	out := []spec{
		{name: "snapshot", usage: "snapshot [--sale S]... [--hold-limit N] [--json]", about: "print one complete snapshot (full discovery, every hold), then exit",
			flags: []string{"hold-limit"}},
	}
	for _, sp := range redisops.Specs() {
		if sp.Kind != redisops.KindReclaim {
			out = append(out, opSpec(sp))
		}
	}
	reclaim, _ := redisops.SpecOf(redisops.KindReclaim)
	return append(out, []spec{
		{name: "simulate", usage: "simulate --sale S [--sale S2]... [--rate N/s] [--duration D] [--seed N]",
			about: "simulated buyers on existing sales: join, admission, reserve, checkout/release/expire; ctrl+c stops",
			flags: []string{"rate", "duration"}, sales: true, write: true},
		{name: "bench", usage: "bench --sale S --stock N --attempts A [--buyers 50] [--qty 1] [--ttl 300s] [--force]",
			about: "set stock N, race A reserve attempts from concurrent buyers, read Redis back; exit 1 if oversold",
			flags: []string{"stock", "buyers", "attempts", "qty", "ttl", "force"}, need: []string{"stock", "attempts"}, sale: true, write: true},
		opSpec(reclaim),
		{name: "audit", usage: "audit [--watch D] [--json]", about: "anomalies now, or anomalies and the leaks of holds that expire while watching for D; exit 1 when something is found",
			flags: []string{"watch"}},
		{name: "replay", usage: "replay FILE", about: "the dashboard over a recording made with --record FILE, read-only (space, ←/→, </>)"},
		{name: "ping", usage: "ping", about: "PING the server and print the round trip"},
		{name: "version", usage: "version", about: "print the version of flashtop and of Go"},
	}...)
}

// opSpec is the command of an operation of the table: its inputs are its
// flags, those with neither a default nor Optional are required, and the
// usage line is written from them ("reserve --sale S --user U [--qty N]
// [--ttl 300s]"). Reclaim adds the flags of its confirm (cmd_reclaim.go).
func opSpec(sp redisops.Spec) spec {
	s := spec{name: sp.Command, usage: sp.Command + " --sale S", about: sp.About, sale: true, write: sp.Write}
	for _, in := range sp.Inputs {
		f := string(in.Field)
		arg := "--" + f + " " + argName(in)
		s.flags = append(s.flags, f)
		if in.Required() {
			s.need = append(s.need, f)
			s.usage += " " + arg
		} else {
			s.usage += " [" + arg + "]"
		}
	}
	if sp.Kind == redisops.KindReclaim {
		s.usage += " [--include-unverified [--yes]]"
		s.flags = append(s.flags, "include-unverified", "yes")
	}
	return s
}

// argName is the usage line's name of an input's value: U, N, or the TTL's
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

// lookupSpec finds the spec of a command name such as "queue admit".
func lookupSpec(name string) (spec, bool) {
	for _, s := range specs() {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}

// isCommand reports whether name is a command of this build.
func isCommand(name string) bool {
	if name == "inventory" || name == "queue" {
		return true
	}
	_, ok := lookupSpec(name)
	return ok
}

// actions lists the actions of the inventory and queue commands.
func actions(cmd string) []string {
	var out []string
	for _, s := range specs() {
		if a, ok := strings.CutPrefix(s.name, cmd+" "); ok {
			out = append(out, a)
		}
	}
	return out
}

// setCommandFlags checks the command flags against the command's spec and
// parses them; the sales are checked here too.
func (c *config) setCommandFlags(fs *pflag.FlagSet, r rawFlags) error {
	sp, _ := lookupSpec(c.name()) // the dashboard has the zero spec
	label := "the dashboard"
	if c.Command != "" {
		label = "'" + c.name() + "'"
	}
	for _, f := range commandFlags() {
		if fs.Changed(f) && !contains(sp.flags, f) {
			return usagef("--%s: not used by %s", f, label)
		}
	}
	for _, f := range sp.need {
		if !fs.Changed(f) {
			return usagef("%s: missing --%s", c.name(), f)
		}
	}
	if c.Demo && c.Command != "" {
		return usagef("--demo: runs the dashboard on a throwaway server; it does not go with %s", label)
	}
	if c.Record != "" && c.Command != "" {
		return usagef("--record: records the dashboard's snapshots; it does not go with %s", label)
	}
	if sp.sales && len(c.Sales) == 0 {
		return usagef("%s: missing --sale", c.name())
	}
	if sp.sale && len(c.Sales) != 1 {
		if len(c.Sales) == 0 {
			return usagef("%s: missing --sale", c.name())
		}
		return usagef("--sale: %s takes exactly one sale (got %d)", label, len(c.Sales))
	}
	for _, s := range c.Sales {
		if err := redisops.ValidateID("--sale", s); err != nil {
			return usageFrom("", err)
		}
	}
	if fs.Changed("user") {
		if err := redisops.ValidateID("--user", c.User); err != nil {
			return usageFrom("", err)
		}
	}
	if err := c.setNumbers(fs, r); err != nil {
		return usageFrom("", err)
	}
	if err := c.setWatch(fs, r); err != nil { // cmd_audit.go
		return usageFrom("", err)
	}
	return nil
}

// setNumbers parses --qty, --ttl, --max and --count (defaults 1, 300s, none, 10).
func (c *config) setNumbers(fs *pflag.FlagSet, r rawFlags) error {
	var err error
	c.Qty, c.TTL, c.Count = 1, redisops.DefaultTTL, defaultCount
	switch {
	case fs.Changed("qty") && c.name() == "inventory set":
		c.Qty, err = redisops.ParseIntIn("--qty", r.qty, 0, redisops.MaxStockSet)
	case fs.Changed("qty"):
		c.Qty, err = redisops.ParseQuantity("--qty", r.qty)
	}
	if err != nil {
		return err
	}
	if fs.Changed("ttl") {
		if c.TTL, err = redisops.ParseTTL("--ttl", r.ttl); err != nil {
			return err
		}
	}
	if fs.Changed("max") {
		n, err := redisops.ParseMax("--max", r.max)
		if err != nil {
			return err
		}
		c.Max = &n
	}
	if fs.Changed("count") {
		if c.Count, err = redisops.ParseCount("--count", r.count); err != nil {
			return err
		}
	}
	if fs.Changed("hold-limit") {
		n, err := redisops.ParseIntIn("--hold-limit", r.holdLimit, 0, maxHoldLimit)
		if err != nil {
			return err
		}
		c.HoldLimit = int(n)
	}
	if err := c.setSimulate(fs, r); err != nil {
		return err
	}
	return c.setBench(fs, r)
}
