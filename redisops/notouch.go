package redisops

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// CLIENT NO-TOUCH (Redis 7.2+, every Valkey): the commands of a connection
// in no-touch mode leave the LRU/LFU data of the keys they read alone, so a
// watcher that reads the stock key every second does not make it look hot
// to an allkeys-lru or allkeys-lfu eviction policy. flashtop turns it on for
// each of its connections where the server supports it. Support is learned
// once per client from INFO server on its first connection (so that a
// server without it never sees the command, which would count as an error
// in its errorstats); a refusal (an ACL without client|no-touch) turns the
// attempt off for good.

// No-touch states.
const (
	noTouchUnknown int32 = iota
	noTouchOn
	noTouchOff // not supported, or refused
)

// noTouch turns CLIENT NO-TOUCH on for the connections of one client.
// Through Sentinel (sentinel), the client's connections go to Sentinels as
// well as to the master: each new one is asked what it is.
type noTouch struct {
	state    atomic.Int32
	sentinel bool
}

// onConnect is go-redis's OnConnect: it never fails a connection.
func (n *noTouch) onConnect(ctx context.Context, cn *redis.Conn) error {
	if n.state.Load() == noTouchOff {
		return nil
	}
	if n.state.Load() == noTouchUnknown || n.sentinel {
		text, err := cn.Info(ctx, "server").Result()
		if err != nil {
			return nil // unknown server: never send it blind (Redis 7.0 would count an ERR); the next connection asks again
		}
		s := ParseInfo(text).Server
		if s.Mode == "sentinel" {
			return nil // a Sentinel connection says nothing of the master
		}
		if !supportsNoTouch(s) {
			n.state.Store(noTouchOff)
			return nil
		}
	}
	if err := cn.Do(ctx, "CLIENT", "NO-TOUCH", "ON").Err(); err != nil {
		if msg := err.Error(); strings.HasPrefix(msg, "NOPERM") || strings.Contains(msg, "unknown subcommand") {
			n.state.Store(noTouchOff) // refused for good; LOADING, BUSY and the like are tried again
		}
		return nil
	}
	n.state.Store(noTouchOn)
	return nil
}

// On reports whether flashtop's reads are in no-touch mode (false until a
// connection learned it, and on servers without CLIENT NO-TOUCH).
func (n *noTouch) On() bool { return n != nil && n.state.Load() == noTouchOn }

// supportsNoTouch reports whether a server has CLIENT NO-TOUCH: every
// Valkey, Redis from 7.2.
func supportsNoTouch(s InfoServer) bool {
	if s.Name == ServerValkey {
		return true
	}
	major, minor, ok := versionOf(s.Version)
	return ok && (major > 7 || major == 7 && minor >= 2)
}

// versionOf reads "7.2.4" as 7, 2.
func versionOf(v string) (major, minor int, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	return a, b, err1 == nil && err2 == nil
}
