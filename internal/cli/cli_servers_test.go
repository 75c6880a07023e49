package cli

import (
	"encoding/json"
	"os/exec"
	"regexp"
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
		want := binaryVersion(t, k)
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

// binaryVersion is the version the server binary of k prints (v=8.0.1).
func binaryVersion(t *testing.T, k redistest.Kind) string {
	t.Helper()
	bin, err := k.Binary()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`v=(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no version in %q", out)
	}
	return string(m[1])
}
