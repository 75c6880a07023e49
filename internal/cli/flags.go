package cli

import (
	"io"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"flashtop/redisops"
)

// rawFlags holds flag values as typed, before validation.
type rawFlags struct {
	maxQueue, interval, scanBudget, timeout, seed string
	qty, ttl, max, count, rate, duration          string
	stock, buyers, attempts                       string
	watch, holdLimit                              string
	backendScripts                                string
	alertSellOut, alertHeadAge, alertLeakRate     string // cli/alerts.go
	alertScriptP99, alertMemory                   string
}

// Annotations of a flag that help shows beyond its pflag usage.
const (
	annValue = "flashtop.value" // the name of its value: URL, N, D
	annEnv   = "flashtop.env"   // its environment fallback
)

// newFlagSet declares every flag, global and per command, once, with its
// usage text: help (help.go) is generated from this set. Which command takes
// which command flag is the command table's (commands.go); the flags no
// command lists are the global ones. A flag's help default is its pflag
// default; a command flag whose value is checked only when given keeps its
// raw default unused.
func newFlagSet(c *config, r *rawFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("flashtop", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	d := declarer{fs}
	d.str(&c.RedisURL, "redis-url", "URL", redisops.DefaultURL, "redis:// or valkey://, rediss:// or valkeys:// (TLS), unix://").env(envURL)
	d.str(&c.Username, "username", "NAME", "", "ACL user (or in the URL)")
	d.str(&c.Password, "password", "PW", "", "password (or in the URL); never shown. On the command line\n"+
		"every local user can read it (warned): prefer REDIS_PASSWORD or --password-file").env(envPassword)
	d.str(&c.PasswordFile, "password-file", "FILE", "", "the password, read from FILE (one line; a file or a pipe such as <(pass show redis))")
	d.boolean(&c.Cluster, "cluster", "Redis Cluster (key templates must make the sale the hash tag: {{sale}})")
	d.str(&c.SentinelMaster, "sentinel-master", "NAME", "", "connect through Sentinel to this master")
	d.str(&c.TLSCA, "tls-ca", "FILE", "", "TLS: trust this CA (PEM) for the server's certificate")
	d.str(&c.TLSCert, "tls-cert", "FILE", "", "TLS: present this client certificate (PEM), with --tls-key")
	d.str(&c.TLSKey, "tls-key", "FILE", "", "TLS: the key of --tls-cert (PEM)")
	d.boolean(&c.TLSInsecure, "tls-insecure", "TLS: no certificate check (warned)")
	d.strs(&c.Sales, "sale", "ID", "the dashboard and snapshot: pin this sale (repeatable); commands: the sale")
	d.str(&c.InventoryKey, "inventory-key", "T", redisops.DefaultStockTemplate, "key template of the stock")
	d.str(&c.QueueKey, "queue-key", "T", redisops.DefaultQueueTemplate, "key template of the queues")
	d.str(&c.ReservationKey, "reservation-key", "T", redisops.DefaultHoldTemplate, "key template of the holds")
	d.str(&c.SessionKey, "session-key", "T", redisops.DefaultSessionTemplate, "key template of the sessions")
	d.str(&r.maxQueue, "max-queue", "N", strconv.Itoa(redisops.DefaultMaxQueue), "queue cap used by join").env(envMaxQueue)
	d.str(&r.interval, "interval", "D", defaultInterval.String(), "dashboard refresh, 250ms to 1m")
	d.str(&r.scanBudget, "scan-budget", "D", defaultScanBudget.String(), "server time per second (per node) the dashboard may spend discovering keys")
	d.str(&r.timeout, "timeout", "D", redisops.DefaultTimeout.String(), "per Redis call, 100ms to 1m")
	d.str(&r.backendScripts, "backend-scripts", "LIST", "",
		"the backend's scripts each snapshot checks are loaded (SCRIPT EXISTS): name=sha1,... or\n"+
			"none (default: its decrement, reserve and release, by their SHA1s)")
	d.boolean(&c.ReadOnly, "read-only", "never write (wins over --allow-writes)")
	d.boolean(&c.AllowWrites, "allow-writes", "arm writes against a non-loopback host")
	d.boolean(&c.JSON, "json", "print one JSON object")
	d.str(&c.Record, "record", "FILE", "", "the dashboard: append every snapshot to FILE (see flashtop replay)")
	d.str(&c.Debug, "debug", "FILE", "", "the dashboard: append a debug log to FILE (it owns the terminal)")
	declareAlerts(d, c, r) // cli/alerts.go
	d.boolean(&c.Demo, "demo", "the dashboard on a throwaway Redis with simulated buyers")
	d.str(&r.seed, "seed", "N", "", "the demo and simulate: the buyers' random seed, for a repeatable run (default: the clock)")

	// Command flags (the command table says which command takes which).
	d.str(&c.User, "user", "ID", "", "the user (no ':', '{', '}'; at most 512 bytes)")
	d.str(&r.qty, "qty", "N", "", "units: 1 to 1000000 (inventory set: 0 to 1000000000)")
	d.str(&r.ttl, "ttl", "D", strconv.Itoa(int(redisops.DefaultTTL/time.Second))+"s", "hold time: 300, 300s, 5m, 2h or 1d; 1s to 30d")
	d.str(&r.max, "max", "N", "", "refuse when the stock would pass N (0 to 1000000000)")
	d.str(&r.count, "count", "N", strconv.Itoa(defaultCount), "how many users to admit: 1 to 10000")
	d.str(&r.rate, "rate", "N", strconv.FormatFloat(defaultRate, 'g', -1, 64),
		"simulate: buyer arrivals per second per sale, 0.1 to 1000, like 5 or 5/s")
	d.str(&r.duration, "duration", "D", "", "simulate: stop after D, 1s to 24h (default: until interrupted)")
	d.str(&r.stock, "stock", "N", "", "bench: the stock set before the run, 0 to 1000000000")
	d.str(&r.buyers, "buyers", "N", strconv.Itoa(defaultBuyers), "bench: concurrent buyers (connections), 1 to 10000")
	d.str(&r.attempts, "attempts", "N", "", "bench: reserve attempts in total, each by a user of its own")
	d.boolean(&c.Force, "force", "bench: run on a sale that has a stock or queue key (resets its stock)")
	d.str(&r.watch, "watch", "D", "", "audit: poll every --interval for D (1s to 24h) and report the holds that expire")
	d.boolean(&c.IncludeUnverified, "include-unverified", "reclaim: also give back the leaks not seen to expire (they may have been\n"+
		"released and sold: an oversell); asks y/N on a terminal")
	d.boolean(&c.Yes, "yes", "reclaim --include-unverified: confirm without asking (needed when stdin is\nnot a terminal)")
	d.str(&r.holdLimit, "hold-limit", "N", "", "snapshot: list only the N holds soonest to expire (0, the default: every hold);\n"+
		"the counts still cover every hold, and the output says how many were left out")

	fs.BoolVarP(&c.Help, "help", "h", false, "this help, or the command's")
	return fs
}

// declarer declares flags on a set, each with its usage and, for help, the
// name of its value.
type declarer struct{ fs *pflag.FlagSet }

// declared is a flag just declared, to add its environment fallback to.
type declared struct {
	fs   *pflag.FlagSet
	name string
}

func (d declarer) str(p *string, name, value, def, usage string) declared {
	d.fs.StringVar(p, name, def, usage)
	_ = d.fs.SetAnnotation(name, annValue, []string{value})
	return declared{d.fs, name}
}

func (d declarer) strs(p *[]string, name, value, usage string) {
	d.fs.StringArrayVar(p, name, nil, usage)
	_ = d.fs.SetAnnotation(name, annValue, []string{value})
}

func (d declarer) boolean(p *bool, name, usage string) {
	d.fs.BoolVar(p, name, false, usage)
}

// env names the environment variable the flag falls back to (the fallback
// itself is setGlobals').
func (f declared) env(variable string) {
	_ = f.fs.SetAnnotation(f.name, annEnv, []string{variable})
}

// annotation is the one value of a flag's annotation key ("" when none).
func annotation(f *pflag.Flag, key string) string {
	if v := f.Annotations[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
