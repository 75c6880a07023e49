package cli

import (
	"fmt"
	"io"
	"strings"
)

// usageHint follows every usage error on stderr.
const usageHint = "Run 'flashtop help' for usage."

const globalHelp = `Global flags (environment fallback in brackets):
  --redis-url URL         [REDIS_URL] redis://, rediss:// (TLS) or unix:// (default redis://localhost:6379/0)
  --username NAME         ACL user (or in the URL)
  --password PW           [REDIS_PASSWORD] password (or in the URL); never shown. On the command line
                          every local user can read it (warned): prefer REDIS_PASSWORD or
  --password-file FILE    the password, read from FILE (one line; a file or a pipe such as <(pass show redis))
  --cluster               Redis Cluster (key templates must make the sale the hash tag: {{sale}})
  --sentinel-master NAME  connect through Sentinel to this master
  --tls-ca FILE, --tls-cert FILE, --tls-key FILE, --tls-insecure (no certificate check: warned)
  --sale ID               the dashboard and snapshot: pin this sale (repeatable); commands: the sale
  --inventory-key T, --queue-key T, --reservation-key T, --session-key T
                          key templates (defaults inventory:{sale}, queue:{sale},
                          reservation:{user}:{sale}, session:{user})
  --max-queue N           [REDIS_MAX_QUEUE_LENGTH] queue cap used by join (default 10000)
  --interval D            dashboard refresh, 250ms to 1m (default 1s)
  --scan-budget D         server time per second (per node) the dashboard may spend discovering keys (default 10ms)
  --timeout D             per Redis call, 100ms to 1m (default 2s)
  --read-only             never write; --allow-writes arms writes against a non-loopback host
  --json                  print one JSON object
  --record FILE, --debug FILE, --demo, --seed N   (the dashboard)
`

const exitHelp = `Exit codes: 0 done · 1 refused by a business rule · 2 bad usage or input (nothing sent) ·
3 Redis unreachable, authentication or permission denied, or a server error.
`

// printHelp writes the usage of a topic ("" for everything) to w. It returns
// an error for an unknown topic.
func printHelp(w io.Writer, topic string) error {
	if topic == "" {
		fmt.Fprintln(w, "flashtop: a terminal dashboard and command line for the Redis of a flash sale.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Usage:")
		line := func(usage, about string) { fmt.Fprintf(w, "  flashtop %s\n      %s\n", usage, about) }
		line("[flags]", "the dashboard")
		line("--demo [flags]", "the dashboard on a throwaway Redis with simulated buyers")
		for _, s := range specs() {
			line(s.usage, s.about)
		}
		line("help [command]", "this help, or a command's")
		fmt.Fprintln(w)
		fmt.Fprint(w, globalHelp, "\n", exitHelp)
		return nil
	}
	var found []spec
	for _, s := range specs() {
		if s.name == topic || strings.HasPrefix(s.name, topic+" ") {
			found = append(found, s)
		}
	}
	if len(found) == 0 {
		return usagef("help: unknown command %q", topic)
	}
	fmt.Fprintln(w, "Usage:")
	for _, s := range found {
		fmt.Fprintf(w, "  flashtop %s\n      %s\n", s.usage, s.about)
		if s.write {
			fmt.Fprintln(w, "      a write: armed against loopback servers, elsewhere only with --allow-writes")
		}
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, commandFlagHelp(found), globalHelp, "\n", exitHelp)
	return nil
}

// commandFlagHelp describes the command flags the given commands take.
func commandFlagHelp(found []spec) string {
	about := map[string]string{
		"user":     "  --user ID               the user (no ':', '{', '}'; at most 512 bytes)\n",
		"qty":      "  --qty N                 units: 1 to 1000000 (inventory set: 0 to 1000000000)\n",
		"ttl":      "  --ttl D                 hold time: 300, 300s, 5m, 2h or 1d; 1s to 30d (default 300s)\n",
		"max":      "  --max N                 refuse when the stock would pass N (0 to 1000000000)\n",
		"count":    "  --count N               how many users to admit: 1 to 10000 (default 10)\n",
		"rate":     "  --rate N                simulate: buyer arrivals per second per sale, 0.1 to 1000, like 5 or 5/s (default 5)\n",
		"duration": "  --duration D            simulate: stop after D, 1s to 24h (default: until interrupted)\n",
		"stock":    "  --stock N               bench: the stock set before the run, 0 to 1000000000\n",
		"buyers":   "  --buyers N              bench: concurrent buyers (connections), 1 to 10000 (default 50)\n",
		"attempts": "  --attempts N            bench: reserve attempts in total, each by a user of its own\n",
		"force":    "  --force                 bench: run on a sale that has a stock or queue key (resets its stock)\n",
		"watch":    "  --watch D               audit: poll every --interval for D (1s to 24h) and report the holds that expire\n",
		"hold-limit": "  --hold-limit N          snapshot: list only the N holds soonest to expire (0, the default: every hold);\n" +
			"                          the counts still cover every hold, and the output says how many were left out\n",
		"include-unverified": "  --include-unverified    reclaim: also give back the leaks not seen to expire (they may have been\n" +
			"                          released and sold: an oversell); asks y/N on a terminal\n",
		"yes": "  --yes                   reclaim --include-unverified: confirm without asking (needed when stdin is\n" +
			"                          not a terminal)\n",
	}
	var b strings.Builder
	for _, s := range found {
		if s.sale {
			b.WriteString("  --sale ID               the sale (exactly one)\n")
			break
		}
		if s.sales {
			b.WriteString("  --sale ID               a sale (repeatable: one or more)\n")
			break
		}
	}
	for _, f := range commandFlags() {
		for _, s := range found {
			if contains(s.flags, f) {
				b.WriteString(about[f])
				break
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "Command flags:\n" + b.String() + "\n"
}
