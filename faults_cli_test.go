package main

import (
	"strings"
	"testing"
)

// noRawControl fails the test when out holds a raw ESC or BEL byte (an
// escape sequence or a bell that would reach the operator's terminal).
func noRawControl(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("%s: a raw ESC or BEL reached the output: %q", what, out)
	}
}

// TestCLIBadURLParts: a URL go-redis would take but that cannot work is bad
// usage (exit 2, nothing sent), naming the part and quoting what was given;
// from REDIS_URL the message says so.
func TestCLIBadURLParts(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"ping", "--redis-url", "redis://localhost:99999/0"},
			`flashtop: --redis-url: port "99999" is not a port number from 1 to 65535: "redis://localhost:99999/0"`},
		{nil, []string{"snapshot", "--redis-url", "redis://:pw@localhost:6379/-1"},
			`flashtop: --redis-url: database "-1" is not a database number (a whole number, 0 or more): "redis://:***@localhost:6379/-1"`},
		{nil, []string{"ping", "--redis-url", "garbage"},
			`flashtop: --redis-url must start with redis://, rediss:// or unix:// (got "garbage")`},
		{map[string]string{envURL: "redis://localhost:99999"}, []string{"ping"},
			`flashtop: REDIS_URL: --redis-url: port "99999" is not a port number from 1 to 65535: "redis://localhost:99999"`},
		{nil, []string{"ping", "--redis-url", "redis://\x1b]0;pwned\x07h:1/0"},
			`flashtop: --redis-url: net/url: invalid control character in URL: "redis://\x1b]0;pwned\ah:1/0"`},
	} {
		o := runCLI(t, c.env, c.args...)
		if want := c.want + "\n" + usageHint + "\n"; o.code != 2 || o.stderr != want || o.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, o.code, o.stderr, want)
		}
		noRawControl(t, strings.Join(c.args, " "), o.stderr)
		if strings.Contains(o.stderr, ":pw@") {
			t.Errorf("%q: the password shown: %q", c.args, o.stderr)
		}
	}
	o := runCLI(t, nil, "ping", "--json", "--redis-url", "redis://localhost:99999/0")
	if o.code != 2 || o.stdout != `{"ok":false,"status":"error","error":"--redis-url: port \"99999\" is not a port number from 1 to 65535: \"redis://localhost:99999/0\""}`+"\n" {
		t.Errorf("--json: %+v", o)
	}
}
