package cli

import (
	"strconv"
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
func urlHasPassword(raw string) bool { return len(redisops.URLSecrets(raw)) > 0 }

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
	if fs.Changed("backend-scripts") {
		if c.BackendScripts, err = redisops.ParseBackendScripts(r.backendScripts); err != nil {
			return usageFrom("", err)
		}
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
	if c.Alerts, err = parseAlerts(r); err != nil {
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
		if !redisops.IsTLSURL(c.RedisURL) {
			return usagef("--tls-* flags need a rediss:// (or valkeys://) URL (got %s)", redisops.RedactURL(c.RedisURL))
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
