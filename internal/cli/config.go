package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"flashtop/alerts"
	"flashtop/redisops"
)

// config is everything the command line says, validated: a command runs from
// it without checking anything again.
type config struct {
	Command string // "" for the dashboard; "help" for usage
	Action  string // the action of inventory and queue
	Help    bool   // print usage of Topic and exit 0
	Topic   string // command the help is about ("" for all)

	RedisURL, Username, Password string
	PasswordFile                 string // --password-file: where Password was read from
	Cluster                      bool
	SentinelMaster               string
	TLSCA, TLSCert, TLSKey       string
	TLSInsecure                  bool

	Sales                                              []string
	InventoryKey, QueueKey, ReservationKey, SessionKey string
	Schema                                             redisops.Schema
	MaxQueue                                           int64
	BackendScripts                                     []redisops.BackendScript // nil: the default three
	Interval, ScanBudget, Timeout                      time.Duration
	ReadOnly, AllowWrites, JSON                        bool
	Record, Debug                                      string
	Demo                                               bool
	Alerts                                             alerts.Thresholds // the dashboard and audit (cli/alerts.go)
	Bell                                               bool              // the dashboard: BEL on a new alert
	Seed                                               int64
	SeedSet                                            bool

	// Command flags (meaningful only for the command that takes them).
	User  string
	Qty   int64
	TTL   time.Duration
	Max   *int64 // nil: no --max
	Count int64
	// simulate
	Rate     float64       // buyer arrivals per second per sale
	Duration time.Duration // 0: until interrupted
	// bench
	Stock    int64
	Buyers   int
	Attempts int64
	Force    bool
	// snapshot: holds listed (0: every hold)
	HoldLimit int
	// audit, replay (cmd_audit.go, cmd_replay.go)
	Watch time.Duration // audit --watch: 0 for one snapshot
	File  string        // replay FILE
	// reclaim (cmd_reclaim.go)
	IncludeUnverified bool // also give back the leaks not seen to expire (they may have been sold)
	Yes               bool // confirm --include-unverified without asking
}

// options are the redisops connection options of a config.
func (c config) options() redisops.Options {
	return redisops.Options{URL: c.RedisURL, Username: c.Username, Password: c.Password,
		Cluster: c.Cluster, SentinelMaster: c.SentinelMaster, TLSCA: c.TLSCA, TLSCert: c.TLSCert,
		TLSKey: c.TLSKey, TLSInsecure: c.TLSInsecure, Timeout: c.Timeout, Schema: c.Schema,
		MaxQueue: c.MaxQueue, BackendScripts: c.BackendScripts}
}

// sale is the one sale of a command.
func (c config) sale() string {
	if len(c.Sales) == 0 {
		return ""
	}
	return c.Sales[0]
}

// parseFlags parses the command line (without the program name) into a
// validated config. Global flags may come before or after the command name.
// getenv supplies the environment fallbacks; stderr receives warnings.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	var r rawFlags
	fs := newFlagSet(&c, &r)
	if err := fs.Parse(args); err != nil {
		return c, &usageError{msg: err.Error(), cause: err}
	}
	if err := c.setCommand(fs.Args()); err != nil {
		return c, err
	}
	if c.Help {
		return c, nil
	}
	if err := c.setGlobals(fs, r, getenv); err != nil {
		return c, err
	}
	if err := c.setCommandFlags(fs, r); err != nil {
		return c, err
	}
	if c.TLSInsecure {
		fmt.Fprintln(stderr, "flashtop: warning: --tls-insecure: the server's TLS certificate is not verified")
	}
	if w := passwordWarning(fs, c); w != "" {
		fmt.Fprintln(stderr, w)
	}
	return c, nil
}

// setCommand reads the command and its action from the positional
// arguments, as the command table says.
func (c *config) setCommand(pos []string) error {
	if len(pos) == 0 {
		return nil
	}
	c.Command, pos = pos[0], pos[1:]
	if isGroup(c.Command) {
		if len(pos) == 0 {
			if c.Help {
				c.Topic = c.Command
				return nil
			}
			return usagef("%s needs an action: %s", c.Command, strings.Join(actions(c.Command), ", "))
		}
		c.Action, pos = pos[0], pos[1:]
		if !contains(actions(c.Command), c.Action) {
			return usagef("unknown %s action %q (want %s)", c.Command, c.Action, strings.Join(actions(c.Command), ", "))
		}
	}
	cmd, ok := lookupCommand(c.name())
	if !ok || cmd.name == "" { // "" is the dashboard's row, not a name to type
		return usagef("unknown command %q", c.Command)
	}
	c.Topic = c.name()
	if cmd.operands != nil {
		var err error
		if pos, err = cmd.operands(c, pos); err != nil {
			return err
		}
	}
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", c.name(), pos[0])
	}
	return nil
}

// name is the command with its action, e.g. "inventory set".
func (c config) name() string {
	if c.Action != "" {
		return c.Command + " " + c.Action
	}
	return c.Command
}

// setCommandFlags makes the checks every command shares, from its row of
// the command table: the command flags it takes and needs, its sales, the
// ids and the shared numbers; then the row's own check.
func (c *config) setCommandFlags(fs *pflag.FlagSet, r rawFlags) error {
	cmd, _ := lookupCommand(c.name()) // "" is the dashboard's row
	label := "the dashboard"
	if c.Command != "" {
		label = "'" + c.name() + "'"
	}
	for _, f := range commandFlags(fs) {
		if fs.Changed(f) && !contains(cmd.flags, f) {
			return usagef("--%s: not used by %s", f, label)
		}
	}
	for _, f := range cmd.need {
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
	if cmd.sales == someSales && len(c.Sales) == 0 {
		return usagef("%s: missing --sale", c.name())
	}
	if cmd.sales == oneSale && len(c.Sales) != 1 {
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
	if cmd.check != nil {
		if err := cmd.check(c, fs, r); err != nil {
			return usageFrom("", err)
		}
	}
	return nil
}

// setNumbers parses the numbers several commands share: --qty, --ttl, --max
// and --count (defaults 1, 300s, none, 10).
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
	return nil
}
