package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"flashtop/redisops"
)

// Limits of the global flags that redisops does not define.
const (
	defaultInterval   = time.Second
	minInterval       = 250 * time.Millisecond
	maxInterval       = time.Minute
	defaultScanBudget = 10 * time.Millisecond
	minScanBudget     = time.Millisecond
	maxScanBudget     = time.Second
	minTimeout        = 100 * time.Millisecond
	maxTimeout        = time.Minute
	maxMaxQueue       = 1_000_000_000
	defaultCount      = 10
)

// Environment variables read as fallbacks of flags (DESIGN.md §5).
const (
	envURL      = "REDIS_URL"
	envPassword = "REDIS_PASSWORD"
	envMaxQueue = "REDIS_MAX_QUEUE_LENGTH"
)

// errUsage is wrapped by every command-line error (exit code 2).
var errUsage = errors.New("flashtop: bad usage")

// usageError is a command-line error: Error() is the message shown after
// "flashtop: " and it unwraps to errUsage and to the cause, if any.
type usageError struct {
	msg   string
	cause error
}

func (e *usageError) Error() string { return e.msg }

func (e *usageError) Unwrap() []error { return []error{errUsage, e.cause} }

// usagef builds a usageError.
func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// usageFrom turns a redisops error into a usageError whose message starts
// with the flag: an input error (redisops.InputError) is "<flag>: <problem>",
// other errors drop their "redisops: ...: " sentinel prefix.
func usageFrom(prefix string, err error) error {
	msg := err.Error()
	var ie *redisops.InputError
	if errors.As(err, &ie) {
		msg = flagName(ie.Field) + ": " + ie.Problem
	}
	for _, s := range []error{redisops.ErrConfig, redisops.ErrTemplate} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
	}
	return &usageError{msg: prefix + msg, cause: err}
}

// flagName is the command line's name of an input: a field redisops names
// (redisops.FieldSale: "sale") is its flag, "--sale"; a name the command
// line gave a parser itself ("--hold-limit", REDIS_MAX_QUEUE_LENGTH) stays.
func flagName(f redisops.Field) string {
	if s := string(f); strings.HasPrefix(s, "-") || strings.ToUpper(s) == s {
		return s
	}
	return "--" + string(f)
}

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
	Interval, ScanBudget, Timeout                      time.Duration
	ReadOnly, AllowWrites, JSON                        bool
	Record, Debug                                      string
	Demo                                               bool
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

// rawFlags holds flag values as typed, before validation.
type rawFlags struct {
	maxQueue, interval, scanBudget, timeout, seed string
	qty, ttl, max, count, rate, duration          string
	stock, buyers, attempts                       string
	watch, holdLimit                              string
}

// options are the redisops connection options of a config.
func (c config) options() redisops.Options {
	return redisops.Options{URL: c.RedisURL, Username: c.Username, Password: c.Password,
		Cluster: c.Cluster, SentinelMaster: c.SentinelMaster, TLSCA: c.TLSCA, TLSCert: c.TLSCert,
		TLSKey: c.TLSKey, TLSInsecure: c.TLSInsecure, Timeout: c.Timeout, Schema: c.Schema,
		MaxQueue: c.MaxQueue}
}

// sale is the one sale of a command.
func (c config) sale() string {
	if len(c.Sales) == 0 {
		return ""
	}
	return c.Sales[0]
}

// newFlagSet defines every flag, global and per command, on a fresh set.
func newFlagSet(c *config, r *rawFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("flashtop", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	fs.StringVar(&c.RedisURL, "redis-url", redisops.DefaultURL, "")
	fs.StringVar(&c.Username, "username", "", "")
	fs.StringVar(&c.Password, "password", "", "")
	fs.StringVar(&c.PasswordFile, "password-file", "", "")
	fs.BoolVar(&c.Cluster, "cluster", false, "")
	fs.StringVar(&c.SentinelMaster, "sentinel-master", "", "")
	fs.StringVar(&c.TLSCA, "tls-ca", "", "")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "")
	fs.StringVar(&c.TLSKey, "tls-key", "", "")
	fs.BoolVar(&c.TLSInsecure, "tls-insecure", false, "")
	fs.StringArrayVar(&c.Sales, "sale", nil, "")
	fs.StringVar(&c.InventoryKey, "inventory-key", redisops.DefaultStockTemplate, "")
	fs.StringVar(&c.QueueKey, "queue-key", redisops.DefaultQueueTemplate, "")
	fs.StringVar(&c.ReservationKey, "reservation-key", redisops.DefaultHoldTemplate, "")
	fs.StringVar(&c.SessionKey, "session-key", redisops.DefaultSessionTemplate, "")
	fs.StringVar(&r.maxQueue, "max-queue", strconv.Itoa(redisops.DefaultMaxQueue), "")
	fs.StringVar(&r.interval, "interval", defaultInterval.String(), "")
	fs.StringVar(&r.scanBudget, "scan-budget", defaultScanBudget.String(), "")
	fs.StringVar(&r.timeout, "timeout", redisops.DefaultTimeout.String(), "")
	fs.BoolVar(&c.ReadOnly, "read-only", false, "")
	fs.BoolVar(&c.AllowWrites, "allow-writes", false, "")
	fs.BoolVar(&c.JSON, "json", false, "")
	fs.StringVar(&c.Record, "record", "", "")
	fs.StringVar(&c.Debug, "debug", "", "")
	fs.BoolVar(&c.Demo, "demo", false, "")
	fs.StringVar(&r.seed, "seed", "", "")
	fs.StringVar(&c.User, "user", "", "")
	fs.StringVar(&r.qty, "qty", "", "")
	fs.StringVar(&r.ttl, "ttl", "", "")
	fs.StringVar(&r.max, "max", "", "")
	fs.StringVar(&r.count, "count", "", "")
	fs.StringVar(&r.rate, "rate", "", "")
	fs.StringVar(&r.duration, "duration", "", "")
	fs.StringVar(&r.stock, "stock", "", "")
	fs.StringVar(&r.buyers, "buyers", "", "")
	fs.StringVar(&r.attempts, "attempts", "", "")
	fs.BoolVar(&c.Force, "force", false, "")
	fs.StringVar(&r.watch, "watch", "", "")
	fs.StringVar(&r.holdLimit, "hold-limit", "", "")
	fs.BoolVar(&c.IncludeUnverified, "include-unverified", false, "")
	fs.BoolVar(&c.Yes, "yes", false, "")
	fs.BoolVarP(&c.Help, "help", "h", false, "")
	return fs
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

// passwordWarning is the warning for a password given on the command line
// (--password, or in a --redis-url flag), "" when there is none: every local
// user can read a command line in the process list (ps, /proc), while the
// environment and a file are the user's own. It never quotes the password.
func passwordWarning(fs *pflag.FlagSet, c config) string {
	where := ""
	switch {
	case fs.Changed("password") && c.Password != "":
		where = "--password"
	case fs.Changed("redis-url") && urlHasPassword(c.RedisURL):
		where = "--redis-url"
	default:
		return ""
	}
	return "flashtop: warning: the password given in " + where + " is visible to every local user in the process list;" +
		" give it in REDIS_PASSWORD or with --password-file FILE instead"
}

// urlHasPassword reports whether a Redis URL carries a password (user info
// or ?password=).
func urlHasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	pw, _ := u.User.Password()
	return pw != "" || u.Query().Get("password") != ""
}

// setCommand reads the command and its action from the positional arguments.
func (c *config) setCommand(pos []string) error {
	if len(pos) == 0 {
		return nil
	}
	c.Command, pos = pos[0], pos[1:]
	switch {
	case c.Command == "help":
		c.Help = true
		c.Topic = strings.Join(pos, " ")
		return nil
	case c.Command == "replay": // cmd_replay.go
		if len(pos) != 1 && !c.Help {
			return usagef("replay needs one FILE: a recording made with --record FILE")
		}
		if len(pos) == 1 {
			c.File, pos = pos[0], nil
		}
	case c.Command == "inventory" || c.Command == "queue":
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
	case !isCommand(c.Command):
		return usagef("unknown command %q", c.Command)
	}
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", c.name(), pos[0])
	}
	c.Topic = c.name()
	return nil
}

// name is the command with its action, e.g. "inventory set".
func (c config) name() string {
	if c.Action != "" {
		return c.Command + " " + c.Action
	}
	return c.Command
}

// setGlobals validates the global flags and applies the environment fallbacks.
func (c *config) setGlobals(fs *pflag.FlagSet, r rawFlags, getenv func(string) string) error {
	if !fs.Changed("redis-url") && getenv(envURL) != "" {
		c.RedisURL = getenv(envURL)
	}
	if !fs.Changed("password") && getenv(envPassword) != "" {
		c.Password = getenv(envPassword)
	}
	if fs.Changed("password-file") {
		if fs.Changed("password") {
			return usagef("--password and --password-file exclude each other")
		}
		pw, err := readPasswordFile(c.PasswordFile)
		if err != nil {
			return usagef("--password-file: %v", err)
		}
		c.Password = pw
	}
	if _, err := redisops.URLHosts(c.RedisURL); err != nil {
		if !fs.Changed("redis-url") && getenv(envURL) != "" {
			return usageFrom(envURL+": ", err) // the URL came from the environment
		}
		return usageFrom("", err)
	}
	var err error
	switch {
	case !fs.Changed("max-queue") && getenv(envMaxQueue) != "":
		c.MaxQueue, err = redisops.ParseIntIn(envMaxQueue, getenv(envMaxQueue), 1, maxMaxQueue)
	default:
		c.MaxQueue, err = redisops.ParseIntIn("--max-queue", r.maxQueue, 1, maxMaxQueue)
	}
	if err != nil {
		return usageFrom("", err)
	}
	if c.Interval, err = parseDuration("--interval", r.interval, minInterval, maxInterval); err != nil {
		return err
	}
	if c.ScanBudget, err = parseDuration("--scan-budget", r.scanBudget, minScanBudget, maxScanBudget); err != nil {
		return err
	}
	if c.Timeout, err = parseDuration("--timeout", r.timeout, minTimeout, maxTimeout); err != nil {
		return err
	}
	if fs.Changed("seed") {
		if c.Seed, err = strconv.ParseInt(r.seed, 10, 64); err != nil {
			return usagef("--seed: must be a whole number (got %q)", r.seed)
		}
		c.SeedSet = true
	}
	return c.setConnection()
}

// setConnection checks the connection flags and parses the key templates.
func (c *config) setConnection() error {
	if c.Cluster && c.SentinelMaster != "" {
		return usagef("--cluster and --sentinel-master exclude each other")
	}
	if c.TLSCA != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSInsecure {
		if !strings.HasPrefix(c.RedisURL, "rediss://") {
			return usagef("--tls-* flags need a rediss:// URL (got %s)", redisops.RedactURL(c.RedisURL))
		}
		if (c.TLSCert == "") != (c.TLSKey == "") {
			return usagef("--tls-cert and --tls-key go together")
		}
	}
	for _, t := range []struct {
		flag, raw string
		want      []string
	}{
		{"--inventory-key", c.InventoryKey, []string{"sale"}},
		{"--queue-key", c.QueueKey, []string{"sale"}},
		{"--reservation-key", c.ReservationKey, []string{"user", "sale"}},
		{"--session-key", c.SessionKey, []string{"user"}},
	} {
		if _, err := redisops.ParseTemplate(t.raw, t.want...); err != nil {
			return usageFrom(t.flag+": ", err)
		}
	}
	s, err := redisops.NewSchema(c.InventoryKey, c.QueueKey, c.ReservationKey, c.SessionKey)
	if err != nil {
		return usageFrom("", err)
	}
	if c.Cluster {
		if err := s.ClusterSafe(); err != nil {
			return usageFrom("--cluster: ", err)
		}
	}
	c.Schema = s
	return nil
}

// parseDuration parses a Go duration ("1s", "250ms") within [lo, hi].
func parseDuration(flag, s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, usagef("%s: must be a duration like %s (got %q)", flag, lo, s)
	}
	if d < lo || d > hi {
		return 0, usagef("%s: must be from %s to %s (got %s)", flag, lo, hi, s)
	}
	return d, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
