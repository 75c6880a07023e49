package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

// TestCLISaysWhichServer: ping, snapshot (text and JSON) name the server
// program and its own version, on Redis and on Valkey (whose redis_version
// is a compatibility 7.2.4), and the valkey:// spelling of the URL reaches
// the same server as redis://.
func TestCLISaysWhichServer(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		want := k.Version(t)
		urls := []string{srv.URL()}
		if k == redistest.Valkey {
			urls = append(urls, "valkey://"+srv.Addr()+"/0")
		}
		for _, u := range urls {
			env := map[string]string{envURL: u}
			o := runCLI(t, env, "ping")
			if o.code != 0 || !strings.HasPrefix(o.stdout, "pong: "+u+" answered in ") ||
				!strings.HasSuffix(o.stdout, " ms ("+k.Name()+" "+want+")\n") {
				t.Errorf("%s ping: %+v", u, o)
			}
			var pj pingJSON
			if o := runCLI(t, env, "ping", "--json"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &pj) != nil ||
				pj.Server == nil || pj.Server.Name != k.Name() || pj.Server.Version != want {
				t.Errorf("%s ping --json: %+v", u, o)
			}
			var snap struct {
				Server struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"server"`
			}
			if o := runCLI(t, env, "snapshot", "--json"); o.code != 0 || json.Unmarshal([]byte(o.stdout), &snap) != nil ||
				snap.Server.Name != k.Name() || snap.Server.Version != want {
				t.Errorf("%s snapshot --json: server %+v, %+v", u, snap.Server, o)
			}
			if o := runCLI(t, env, "snapshot"); o.code != 0 || !strings.Contains(o.stdout, "server  "+k.Name()+" "+want+" master") {
				t.Errorf("%s snapshot: %+v", u, o)
			}
		}
	})
}

// TestCLIValkeyURLEveryCommand: every command takes a valkey:// URL (the
// same as redis://) against a real valkey-server, and valkeys:// reaches a
// TLS-only one (the same as rediss://).
func TestCLIValkeyURLEveryCommand(t *testing.T) {
	srv := redistest.Valkey.Start(t)
	env := map[string]string{envURL: "valkey://" + srv.Addr() + "/0"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"inventory", "set", "--sale", "v1", "--qty", "10"}, "set: sale v1 has 10"},
		{[]string{"inventory", "restock", "--sale", "v1", "--qty", "5"}, "restocked: sale v1 has 15"},
		{[]string{"inventory", "take", "--sale", "v1", "--qty", "1"}, "taken: sale v1 has 14"},
		{[]string{"inventory", "get", "--sale", "v1"}, "stock: sale v1 has 14"},
		{[]string{"reserve", "--sale", "v1", "--user", "u1", "--qty", "2"}, "reserved: 2 units of sale v1 for user u1 (remaining 12)"},
		{[]string{"release", "--sale", "v1", "--user", "u1"}, "released: 2 units of sale v1 from user u1 (stock 14)"},
		{[]string{"queue", "join", "--sale", "v1", "--user", "u2"}, "joined: user u2 is at position 1"},
		{[]string{"queue", "position", "--sale", "v1", "--user", "u2"}, "queued: user u2 is at position 1"},
		{[]string{"queue", "length", "--sale", "v1"}, "length: the queue of sale v1 holds 1"},
		{[]string{"queue", "admit", "--sale", "v1", "--count", "1"}, "admitted"},
		{[]string{"queue", "leave", "--sale", "v1", "--user", "u3"}, "not_queued"},
		{[]string{"snapshot", "--sale", "v1"}, "server  valkey "},
		{[]string{"audit", "--backend-scripts", "none"}, "clean"},
		{[]string{"reclaim", "--sale", "v1"}, "nothing_to_reclaim"},
		{[]string{"ping"}, "(valkey "},
		{[]string{"bench", "--sale", "vb", "--stock", "20", "--attempts", "40", "--buyers", "4"}, "oversold        0"},
		{[]string{"simulate", "--sale", "v1", "--duration", "1s", "--rate", "5"}, "simulated"},
	} {
		o := runCLI(t, env, c.args...)
		if !strings.Contains(o.stdout+o.stderr, c.want) || strings.Contains(o.stderr, "must start with") {
			t.Errorf("%v over valkey://: exit %d, stdout %q, stderr %q; want %q", c.args, o.code, o.stdout, o.stderr, c.want)
		}
	}
	tls, certs := redistest.Valkey.StartTLS(t, false)
	o := runCLI(t, nil, "ping", "--redis-url", "valkeys://"+tls.Addr()+"/0", "--tls-ca", certs.CA)
	if o.code != 0 || !strings.Contains(o.stdout, "(valkey ") {
		t.Errorf("ping over valkeys://: %+v", o)
	}
}
