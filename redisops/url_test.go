package redisops

import (
	"errors"
	"testing"
)

// TestURLHostsNamesTheBadPart: every URL go-redis would accept but that can
// never work is refused with ErrConfig, naming the bad part and quoting the
// URL as given (password hidden, control characters escaped).
func TestURLHostsNamesTheBadPart(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"redis://localhost:99999/0", `--redis-url: port "99999" is not a port number from 1 to 65535: "redis://localhost:99999/0"`},
		{"redis://localhost:0/0", `--redis-url: port "0" is not a port number from 1 to 65535: "redis://localhost:0/0"`},
		{"redis://:pw@localhost:70000", `--redis-url: port "70000" is not a port number from 1 to 65535: "redis://:***@localhost:70000"`},
		{"redis://localhost:6379/-1", `--redis-url: database "-1" is not a database number (a whole number, 0 or more): "redis://localhost:6379/-1"`},
		{"rediss://localhost:6379/x", `--redis-url: database "x" is not a database number (a whole number, 0 or more): "rediss://localhost:6379/x"`},
		{"redis://localhost:6379/0/1", `--redis-url: the path must be /DB, one database number (got "/0/1"): "redis://localhost:6379/0/1"`},
		{"redis://localhost/0?db=-2", `--redis-url: db= "-2" is not a database number (a whole number, 0 or more): "redis://localhost/0?db=-2"`},
		{"unix:///tmp/redis.sock?db=-1", `--redis-url: db= "-1" is not a database number (a whole number, 0 or more): "unix:///tmp/redis.sock?db=-1"`},
		{"redis://h:1/0?addr=h2:99999", `--redis-url: addr="h2:99999": want host:port with a port from 1 to 65535: "redis://h:1/0?addr=h2:99999"`},
		{"garbage", `--redis-url must start with redis://, rediss://, valkey://, valkeys:// or unix:// (got "garbage")`},
		{"localhost:6379", `--redis-url must start with redis://, rediss://, valkey://, valkeys:// or unix:// (got "localhost:6379")`},
		{"http://u:pw@x", `--redis-url must start with redis://, rediss://, valkey://, valkeys:// or unix:// (got "http://u:***@x")`},
		{"redis://localhost:abc/0", `--redis-url is not a URL (invalid port ":abc" after host): "redis://localhost:abc/0"`},
		{"redis://h\x1b]0;x\x07:1/0", `--redis-url is not a URL (net/url: invalid control character in URL): "redis://h\x1b]0;x\a:1/0"`},
	} {
		_, err := URLHosts(c.url)
		if !errors.Is(err, ErrConfig) || err.Error() != ErrConfig.Error()+": "+c.want {
			t.Errorf("URLHosts(%q) = %v\nwant %s", c.url, err, c.want)
		}
	}
	for _, ok := range []string{"redis://localhost", "redis://localhost:/0", "redis://h:65535/15", "rediss://u:p@h:1/0?db=3",
		"unix:///tmp/redis.sock", "redis://h:1?addr=h2:2&addr=h3:3"} {
		if _, err := URLHosts(ok); err != nil {
			t.Errorf("URLHosts(%q): %v", ok, err)
		}
	}
}

// TestRedactURLByText: passwords are hidden by the URL's text, also when it
// does not parse or parses into something else.
func TestRedactURLByText(t *testing.T) {
	for in, want := range map[string]string{
		"redis://default:pw@h:6379/0":             "redis://default:***@h:6379/0",
		"redis://:Sup3r#x@db:6379/0":              "redis://:***@db:6379/0",
		"redis://:1234/5678@db:6379":              "redis://:***@db:6379",
		"redis://db:63a9/0?password=hunter2&db=1": "redis://db:63a9/0?password=***&db=1",
		"rediss://u:a@b@h/0?x=1&PASSWORD=q#frag":  "rediss://u:***@h/0?x=1&PASSWORD=***#frag",
		"redis://user@h:6379/0":                   "redis://user@h:6379/0",
		"unix:///tmp/redis.sock":                  "unix:///tmp/redis.sock",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := URLSecrets("redis://u:p%2Fss@h/0?password=q"); len(got) != 3 || got[0] != "p%2Fss" || got[1] != "p/ss" || got[2] != "q" {
		t.Errorf("URLSecrets = %q", got)
	}
}
