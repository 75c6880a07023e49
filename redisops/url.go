package redisops

import (
	"flashtop/textsafe"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// maxShownURL is how much of a bad URL an error quotes, in bytes.
const maxShownURL = 200

// checkURLParts refuses the parts of a parsed Redis URL that go-redis would
// accept but that can never work, naming the bad part: a port outside 1 to
// 65535 (go-redis dials it and times out), a database below 0 (go-redis
// sends SELECT -1), a path that is not /DB, a bad db= or addr= query value.
// raw is the URL as given, quoted (redacted) in the error.
func checkURLParts(u *url.URL, raw string) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: --redis-url: %s: %s", ErrConfig, fmt.Sprintf(format, a...), shownURL(raw))
	}
	if p := u.Port(); p != "" { // "" (also "host:"): the default, 6379
		if err := checkPort(p); err != nil {
			return bad("%v", err)
		}
	}
	q := u.Query()
	for _, a := range q["addr"] { // extra cluster seed nodes: host:port
		_, p, err := net.SplitHostPort(a)
		if err == nil {
			err = checkPort(p)
		}
		if err != nil {
			return bad("addr=%q: want host:port with a port from 1 to 65535", a)
		}
	}
	if u.Scheme != "unix" {
		switch segs := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' }); len(segs) {
		case 0:
		case 1:
			if err := checkDB(segs[0]); err != nil {
				return bad("database %v", err)
			}
		default:
			return bad("the path must be /DB, one database number (got %q)", u.Path)
		}
	}
	if q.Has("db") {
		if err := checkDB(q.Get("db")); err != nil {
			return bad("db= %v", err)
		}
	}
	return nil
}

// checkPort checks a TCP port number: 1 to 65535.
func checkPort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a port number from 1 to 65535", p)
	}
	return nil
}

// checkDB checks a database number: a whole number, 0 or more.
func checkDB(s string) error {
	if n, err := strconv.Atoi(s); err != nil || n < 0 {
		return fmt.Errorf("%q is not a database number (a whole number, 0 or more)", s)
	}
	return nil
}

// shownURL is a URL as an error quotes it: password hidden, cut, quoted
// with Go's escapes (so no control character reaches a terminal).
func shownURL(raw string) string {
	s := RedactURL(raw)
	if len(s) > maxShownURL {
		s = s[:maxShownURL] + textsafe.Ellipsis
	}
	return strconv.Quote(s)
}

// The URL schemes of Valkey (what valkey-cli accepts): the same as redis://
// and rediss:// (TLS).
const (
	valkeyScheme  = "valkey://"
	valkeysScheme = "valkeys://"
)

// goRedisURL is raw with a valkey:// or valkeys:// scheme spelled redis://
// or rediss://, the only ones go-redis parses; other URLs are unchanged.
func goRedisURL(raw string) string {
	switch {
	case hasSchemeFold(raw, valkeyScheme):
		return "redis://" + raw[len(valkeyScheme):]
	case hasSchemeFold(raw, valkeysScheme):
		return "rediss://" + raw[len(valkeysScheme):]
	}
	return raw
}

// IsTLSURL reports whether a server URL asks for TLS: rediss:// or
// valkeys://.
func IsTLSURL(raw string) bool {
	return hasSchemeFold(raw, "rediss://") || hasSchemeFold(raw, valkeysScheme)
}

// hasSchemeFold reports whether raw starts with scheme, in any case (URL
// schemes are case-insensitive).
func hasSchemeFold(raw, scheme string) bool {
	return len(raw) >= len(scheme) && strings.EqualFold(raw[:len(scheme)], scheme)
}

// IsLoopback reports whether a host named by a Redis URL is this machine:
// localhost, any 127.0.0.0/8 address, ::1, or a unix socket (UnixSocketHost).
func IsLoopback(host string) bool {
	h := strings.Trim(strings.ToLower(host), "[]")
	if h == "localhost" || h == UnixSocketHost || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Arming is the outcome of the write-arming rule (DESIGN.md §6).
type Arming struct {
	Armed  bool
	Reason string // shown in the status bar and in refusals
}

// WriteArming applies DESIGN.md §6: writes are armed against loopback and demo
// servers; any other host needs allowWrites; readOnly always wins.
func WriteArming(hosts []string, readOnly, allowWrites, demo bool) Arming {
	switch {
	case readOnly:
		return Arming{false, "read-only (--read-only)"}
	case demo:
		return Arming{true, "writes armed (demo server)"}
	case allowWrites:
		return Arming{true, "writes armed (--allow-writes)"}
	}
	for _, h := range hosts {
		if !IsLoopback(h) {
			return Arming{false, "read-only: " + h + " is not a loopback host (pass --allow-writes to arm writes)"}
		}
	}
	return Arming{true, "writes armed (loopback server)"}
}

// encodeHint says how to write a password with URL delimiters in it.
const encodeHint = "a password with #, /, ?, @ or : in it must be percent-encoded: %23 %2F %3F %40 %3A"

// passwordParam matches a password= query value, up to & or #.
var passwordParam = regexp.MustCompile(`(?i)([?&]password=)([^&#]*)`)

// userInfo is the span of raw's user-info password, by its text: after the
// first ':' between "://" and the last '@'; ok false when there is none.
func userInfo(raw string) (from, to int, ok bool) {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	}
	at := strings.LastIndex(raw, "@")
	if at < start {
		return 0, 0, false
	}
	c := strings.Index(raw[start:at], ":")
	if c < 0 {
		return 0, 0, false
	}
	return start + c + 1, at, true
}

// maskURL is raw with its user-info password and password= values as ***.
func maskURL(raw string) string {
	out := raw
	if from, to, ok := userInfo(raw); ok {
		out = raw[:from] + "***" + raw[to:]
	}
	return passwordParam.ReplaceAllString(out, "${1}***")
}

// URLSecrets are the passwords a URL's text holds (the user info's, and
// every password= value), as written and percent-decoded, found by text so
// that a URL that does not parse is covered too.
func URLSecrets(raw string) []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		out = append(out, s)
		if dec, err := url.PathUnescape(s); err == nil && dec != s && dec != "" {
			out = append(out, dec)
		}
	}
	if from, to, ok := userInfo(raw); ok {
		add(raw[from:to])
	}
	for _, m := range passwordParam.FindAllStringSubmatch(raw, -1) {
		add(m[2])
	}
	return out
}

// misparsed reports a URL whose text has a user-info password that the
// parser did not see as one (an unencoded # or / in it moved the password
// into the host, path or fragment): it would dial the wrong place.
func misparsed(u *url.URL, raw string) bool {
	if _, _, ok := userInfo(raw); !ok {
		return false
	}
	pw, has := u.User.Password()
	if !has {
		return true
	}
	from, to, _ := userInfo(raw)
	dec, err := url.PathUnescape(raw[from:to])
	return err != nil || dec != pw
}
