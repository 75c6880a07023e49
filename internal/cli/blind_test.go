package cli

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// nopermKeys is Redis 7's reply to a read of a key the user may not touch.
const nopermKeys = "NOPERM this user has no permissions to access one of the keys used as arguments"

// snapshot and audit never report what they could not read as data: they
// list it in "unreadable" (JSON) or say "cannot read" (text), and exit 3;
// audit is never "clean" unseen.
// noBackend turns the backend-scripts check off where a test writes the
// backend's keys (its active set) without running the backend: its scripts
// are never loaded there (TestBackendScriptsWatched covers the check).
const noBackend = "--backend-scripts=none"

func TestCLIBlindUsers(t *testing.T) {
	srv := redistest.Start(t)
	redistest.WriteSale(t, srv.Client(t), "s1", 10, 2, 7)
	holds7 := redisops.Unreadable{What: redisops.UnreadHolds, Reason: nopermKeys, Keys: 7}
	active := redisops.Unreadable{What: redisops.UnreadActive, Reason: nopermKeys}
	for _, c := range []struct {
		name       string
		rules      []string
		snapUnread []redisops.Unreadable
		row        string // s1's row of the text snapshot, without its HEAD AGE
		auditCode  int
		audit      string // the audit's verdict line
	}{
		{"keys-only", []string{"~inventory:*", "~queue:*", "&*", "+@all"}, []redisops.Unreadable{active, holds7},
			"s1 10 2 0? 0?", 3,
			"unreadable: cannot read holds (7 keys): " + nopermKeys + "; in what could be read: 0 leaked holds (0 units) in 0 sales, 0 anomalies"},
		{"no-keys", []string{"&*", "+@all"}, []redisops.Unreadable{active, holds7,
			{What: redisops.UnreadQueues, Reason: nopermKeys, Keys: 1}, {What: redisops.UnreadStock, Reason: nopermKeys, Keys: 1}},
			"s1 -? 0? 0? 0?", 3,
			"unreadable: cannot read holds (7 keys): " + nopermKeys + "; queues (1 key): " + nopermKeys + "; stock (1 key): " +
				nopermKeys + "; in what could be read: 0 leaked holds (0 units) in 0 sales, 0 anomalies"},
		{"no-info-slowlog", []string{"~*", "&*", "+@all", "-info", "-slowlog"}, []redisops.Unreadable{
			{What: redisops.UnreadServer, Reason: "NOPERM this user has no permissions to run the 'info' command"},
			{What: redisops.UnreadSlowlog, Reason: "NOPERM this user has no permissions to run the 'slowlog|get' command"}},
			"s1 10 2 7 7", 0, "clean: 0 leaked holds (0 units) in 0 sales, 0 anomalies"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{envURL: srv.SetUser(t, c.name, "pw", c.rules...)}
			o := runGuarded(t, env, "snapshot", "--json")
			var snap redisops.Snapshot
			if err := json.Unmarshal([]byte(o.stdout), &snap); err != nil || o.code != 3 || !reflect.DeepEqual(snap.Unreadable, c.snapUnread) {
				t.Errorf("snapshot --json: exit %d, unreadable %+v (%v); want exit 3 and %+v", o.code, snap.Unreadable, err, c.snapUnread)
			}
			if want := "flashtop: snapshot incomplete: cannot read " + unreadText(c.snapUnread) + "\n"; o.stderr != want {
				t.Errorf("stderr %q, want %q", o.stderr, want)
			}
			o = runGuarded(t, env, "snapshot")
			if o.code != 3 || saleRow(o.stdout, "s1") != c.row ||
				!strings.Contains(o.stdout, "CANNOT READ ("+fmt.Sprint(len(c.snapUnread))+"): "+unreadText(c.snapUnread)) {
				t.Errorf("snapshot: exit %d\n%s\nwant exit 3, the row %q and the CANNOT READ line", o.code, o.stdout, c.row)
			}
			if c.name == "keys-only" && !strings.Contains(o.stdout, "\nHOLDS (0; cannot read 7 more: "+nopermKeys+")\n") {
				t.Errorf("the holds section must say 7 could not be read:\n%s", o.stdout)
			}
			if c.name == "no-info-slowlog" && (strings.Contains(o.stdout, "memory 0B") || strings.Contains(o.stdout, "SLOWLOG (0)") ||
				!strings.Contains(o.stdout, "server  cannot read INFO: NOPERM") || !strings.Contains(o.stdout, "SLOWLOG cannot read: NOPERM")) {
				t.Errorf("an unread INFO or SLOWLOG shown as data:\n%s", o.stdout)
			}
			o = runGuarded(t, env, "audit", noBackend)
			if o.code != c.auditCode || !strings.HasPrefix(o.stdout, c.audit+"\n") {
				t.Errorf("audit: exit %d %q (stderr %q), want exit %d %q", o.code, o.stdout, o.stderr, c.auditCode, c.audit)
			}
			o = runGuarded(t, env, "audit", "--json", noBackend)
			var a struct {
				OK         bool                  `json:"ok"`
				Status     string                `json:"status"`
				Unreadable []redisops.Unreadable `json:"unreadable"`
			}
			var want []redisops.Unreadable
			for _, u := range c.snapUnread {
				if u.KeyFamily() {
					want = append(want, u)
				}
			}
			if err := json.Unmarshal([]byte(o.stdout), &a); err != nil || o.code != c.auditCode || a.OK != (c.auditCode == 0) ||
				a.Status != strings.SplitN(c.audit, ":", 2)[0] || !reflect.DeepEqual(a.Unreadable, want) {
				t.Errorf("audit --json: exit %d %s (%v); want exit %d, unreadable %+v", o.code, o.stdout, err, c.auditCode, want)
			}
		})
	}
}

// saleRow is the row of sale of a text snapshot, its fields joined by one
// space, without the HEAD AGE column (it moves with the clock).
func saleRow(out, sale string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 6 && f[0] == sale {
			return strings.Join(append(f[:3:3], f[4:]...), " ")
		}
	}
	return ""
}

// A proxy answering -ERR to everything (here with an escape sequence in
// its text) makes every read command exit 3 with its reply, escaped: never
// an empty snapshot or a clean audit.
func TestCLIRefusingProxyExits3(t *testing.T) {
	url := "redis://" + redistest.StartErrServer(t, "ERR proxy says no \x1b]0;pwned\x07") + "/0"
	for _, args := range [][]string{{"snapshot"}, {"snapshot", "--json"}, {"audit"}, {"audit", "--json"}, {"inventory", "get", "--sale", "s1"}} {
		o := runGuarded(t, nil, append(args, "--redis-url", url)...)
		checkRedisError(t, o, "flashtop: server error at "+url+`: ERR proxy says no \x1b]0;pwned\x07`, "")
		checkTerminalSafe(t, strings.Join(args, " "), o.stdout+o.stderr)
	}
}
