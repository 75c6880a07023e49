package redisops

import (
	"net"
	"strings"
)

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
