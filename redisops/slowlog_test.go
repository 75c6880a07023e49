package redisops

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

func TestRedactArgs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, []string{}},
		{"empty", []string{}, []string{}},
		{"plain", []string{"GET", "auth"}, []string{"GET", "auth"}},
		{"auth pass", []string{"AUTH", "pw"}, []string{"AUTH", "***"}},
		{"auth lower", []string{"auth", "pw"}, []string{"auth", "***"}},
		{"auth user pass", []string{"Auth", "alice", "pw"}, []string{"Auth", "alice", "***"}},
		{"auth malformed", []string{"AUTH", "a", "b", "c"}, []string{"AUTH", "***", "***", "***"}},
		{"auth bare", []string{"AUTH"}, []string{"AUTH"}},
		{"hello auth", []string{"HELLO", "3", "AUTH", "alice", "pw"}, []string{"HELLO", "3", "AUTH", "alice", "***"}},
		{"hello auth setname", []string{"hello", "3", "auth", "alice", "pw", "setname", "auth"},
			[]string{"hello", "3", "auth", "alice", "***", "setname", "auth"}},
		{"hello setname auth", []string{"HELLO", "2", "SETNAME", "auth", "AUTH", "u", "p"},
			[]string{"HELLO", "2", "SETNAME", "auth", "AUTH", "u", "***"}},
		{"hello auth cut", []string{"HELLO", "3", "AUTH", "alice"}, []string{"HELLO", "3", "AUTH", "***"}},
		{"hello plain", []string{"HELLO", "3"}, []string{"HELLO", "3"}},
		{"acl setuser", []string{"ACL", "SETUSER", ">alice", "on", ">pw1", "<pw2", "#ab12", "!cd34", "~*", "+@all", "nopass", ""},
			[]string{"ACL", "SETUSER", ">alice", "on", ">***", "<***", "#***", "!***", "~*", "+@all", "nopass", ""}},
		{"acl setuser lower", []string{"acl", "setuser", "bob", ">Secret"}, []string{"acl", "setuser", "bob", ">***"}},
		{"acl getuser", []string{"ACL", "GETUSER", ">x"}, []string{"ACL", "GETUSER", ">x"}},
		{"config set requirepass", []string{"CONFIG", "SET", "requirepass", "pw"}, []string{"CONFIG", "SET", "requirepass", "***"}},
		{"config set many", []string{"config", "set", "maxmemory", "1mb", "MasterAuth", "pw", "masteruser", "rep", "requirepass"},
			[]string{"config", "set", "maxmemory", "1mb", "MasterAuth", "***", "masteruser", "***", "requirepass"}},
		{"config set tls pass", []string{"CONFIG", "SET", "tls-key-file-pass", "pw"}, []string{"CONFIG", "SET", "tls-key-file-pass", "***"}},
		{"config get", []string{"CONFIG", "GET", "requirepass"}, []string{"CONFIG", "GET", "requirepass"}},
		{"migrate auth", []string{"MIGRATE", "h", "6379", "", "0", "5000", "COPY", "AUTH", "pw", "KEYS", "a", "b"},
			[]string{"MIGRATE", "h", "6379", "", "0", "5000", "COPY", "AUTH", "***", "KEYS", "a", "b"}},
		{"migrate auth2", []string{"migrate", "h", "6379", "", "0", "5000", "auth2", "user", "pw", "keys", "auth", "x"},
			[]string{"migrate", "h", "6379", "", "0", "5000", "auth2", "user", "***", "keys", "auth", "x"}},
		{"migrate key named auth", []string{"MIGRATE", "h", "6379", "auth", "0", "5000"},
			[]string{"MIGRATE", "h", "6379", "auth", "0", "5000"}},
		{"migrate auth2 cut", []string{"MIGRATE", "h", "1", "k", "0", "9", "AUTH2", "u"},
			[]string{"MIGRATE", "h", "1", "k", "0", "9", "AUTH2", "***"}},
		{"truncated by slowlog", []string{"AUTH", "pw-long... (30 more bytes)"}, []string{"AUTH", "***"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got := RedactArgs(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("RedactArgs(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !reflect.DeepEqual(in, tc.in) {
				t.Errorf("RedactArgs mutated its input: %q, was %q", tc.in, in)
			}
		})
	}
}

func TestSlowEntries(t *testing.T) {
	at := time.Unix(1700000000, 0)
	logs := []redis.SlowLog{
		{ID: 9, Time: at, Duration: 1500 * time.Microsecond, Args: []string{"AUTH", "pw"}, ClientAddr: "127.0.0.1:5", ClientName: "app"},
		{ID: 8, Time: at.Add(-time.Second), Duration: 3 * time.Microsecond, Args: []string{"GET", "k"}},
	}
	got := SlowEntries(logs, DefaultSchema().Session)
	want := []SlowEntry{
		{ID: 9, Time: at, DurationUs: 1500, Args: []string{"AUTH", "***"}, ClientAddr: "127.0.0.1:5", ClientName: "app"},
		{ID: 8, Time: at.Add(-time.Second), DurationUs: 3, Args: []string{"GET", "k"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SlowEntries = %+v\nwant %+v", got, want)
	}
	if logs[0].Args[1] != "pw" {
		t.Error("SlowEntries mutated the go-redis entries")
	}
	if got := SlowEntries(nil, DefaultSchema().Session); got == nil || len(got) != 0 {
		t.Errorf("SlowEntries(nil) = %#v, want an empty (JSON []) slice", got)
	}
}

// TestSlowlogLive logs every command on a real server, including secrets
// sent by AUTH, CONFIG SET, ACL SETUSER, HELLO and MIGRATE, and checks that
// Slowlog returns them newest first with no secret left.
func TestSlowlogLive(t *testing.T) {
	srv := redistest.Start(t, "--slowlog-log-slower-than", "0", "--slowlog-max-len", "1000")
	ctx := context.Background()
	secrets := []string{"req-S3cret", "master-S3cret", "alice-S3cret", "migrate-S3cret"}
	runSecretCommands(t, srv, secrets)
	c, err := New(Options{URL: srv.URL(), Password: secrets[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	entries, err := c.Slowlog(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		for _, a := range e.Args {
			for _, s := range secrets {
				if strings.Contains(a, s) {
					t.Errorf("entry %d %q leaks a secret", e.ID, e.Args)
				}
			}
		}
		if i > 0 && e.ID >= entries[i-1].ID {
			t.Errorf("entry %d after %d: not newest first", e.ID, entries[i-1].ID)
		}
		if e.Time.IsZero() || e.DurationUs < 0 {
			t.Errorf("entry %+v: no time or a negative duration", e)
		}
	}
	checkSlowlogOrder(t, entries)
	two, err := c.Slowlog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The newest two: the first SLOWLOG GET itself, then the newest entry it returned.
	if len(two) != 2 || !strings.EqualFold(two[0].Args[0], "slowlog") || two[0].ClientName != ClientName ||
		two[1].ID != entries[0].ID || !reflect.DeepEqual(two[1].Args, entries[0].Args) {
		t.Errorf("Slowlog(2) = %+v\nafter %+v", two, entries[0])
	}
}

// runSecretCommands sends commands carrying the secrets on one connection.
func runSecretCommands(t *testing.T, srv *redistest.Server, secrets []string) {
	t.Helper()
	ctx := context.Background()
	conn := srv.Client(t).Conn()
	defer conn.Close()
	cmds := [][]any{
		{"SET", "inventory:s1", "10"},
		{"CONFIG", "SET", "requirepass", secrets[0]},
		{"AUTH", secrets[0]},
		{"config", "set", "masterauth", secrets[1]},
		{"ACL", "SETUSER", "alice", "on", ">" + secrets[2], "~*", "+@all"},
		{"HELLO", "2", "AUTH", "alice", secrets[2]},
		{"MIGRATE", "127.0.0.1", "1", "", "0", "10", "AUTH", secrets[3], "KEYS", "nokey"},
		{"GET", "inventory:s1"},
	}
	for _, cmd := range cmds {
		if err := conn.Do(ctx, cmd...).Err(); err != nil && !errors.Is(err, redis.Nil) {
			t.Fatalf("%v: %v", cmd[0], err)
		}
	}
}

// checkSlowlogOrder finds the commands of runSecretCommands, redacted and in
// order, in the entries (newest first).
func checkSlowlogOrder(t *testing.T, entries []SlowEntry) {
	t.Helper()
	var seen []string
	for _, e := range slices.Backward(entries) {
		seen = append(seen, strings.ToLower(strings.Join(e.Args, " ")))
	}
	want := []string{
		"set inventory:s1 10",
		"config set requirepass ***",
		"auth ***",
		"config set masterauth ***",
		"acl setuser", // Redis 7 itself hides the rules
		"hello 2 auth",
		"migrate 127.0.0.1 1  0 10 auth *** keys nokey",
		"get inventory:s1",
	}
	j := 0
	for _, s := range seen {
		if j < len(want) && strings.HasPrefix(s, want[j]) {
			j++
		}
	}
	if j != len(want) {
		t.Errorf("slowlog (oldest first) %q\nlacks, in order, %q", seen, want[j:])
	}
}
