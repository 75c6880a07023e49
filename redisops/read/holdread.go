package read

import (
	"context"
	"flashtop/redisops"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// holdOutcome is what reading a hold key found.
type holdOutcome int

const (
	holdFound     holdOutcome = iota // a hold (hash or JSON string)
	holdGone                         // no such key (any more)
	holdWrongType                    // a key of another TYPE: a wrong_type anomaly
	holdUnknown                      // an error reply (e.g. the shape changed): read again typeless
	holdBlind                        // refused (NOPERM, a proxy's -ERR): unreadable, not read again until the walk comes back
)

// pendingHold is one queued read of a hold key. When the index knows the
// key's shape it costs two (hash: HMGET, PEXPIRETIME) or three (string:
// STRLEN, GETRANGE, PEXPIRETIME) commands; otherwise TYPE is sent too, with
// both reads (the one of the other shape fails with WRONGTYPE, cheaply), so
// that one round trip is enough whatever the key is. The deadline comes from
// PEXPIRETIME (the server's own absolute deadline, Redis 7.0+ and Valkey),
// or on older servers from PTTL counted from when the reply arrived (late by
// at most the round trip: the safe side, a hold then looks released rather
// than expired).
type pendingHold struct {
	ref    holdRef // Shape "" when unknown
	readAt time.Time
	doneAt *time.Time // when the reply arrived (the pipeline's, set after it ran)
	clk    *serverClock
	mark   *dirtyMark // a dirty read: why the key was read again
	typ    *redis.StatusCmd
	fields *redis.SliceCmd
	length *redis.IntCmd
	head   *redis.StringCmd
	pttl   *redis.DurationCmd // servers without PEXPIRETIME
	expire *redis.DurationCmd // PEXPIRETIME (go-redis keeps -1 and -2 as they are)
}

// queueHoldRead queues the read of ref on p (expireTime: the server has
// PEXPIRETIME).
func queueHoldRead(ctx context.Context, p redis.Pipeliner, ref holdRef, at time.Time, expireTime bool) *pendingHold {
	ph := &pendingHold{ref: ref, readAt: at, doneAt: new(time.Time)}
	if ref.Shape == "" {
		ph.typ = p.Type(ctx, ref.Key)
	}
	if ref.Shape != redisops.HoldShapeJSON {
		ph.fields = p.HMGet(ctx, ref.Key, "quantity", "reserved_at", "user_id")
	}
	if ref.Shape != redisops.HoldShapeHash {
		ph.length = p.StrLen(ctx, ref.Key)
		ph.head = p.GetRange(ctx, ref.Key, 0, HoldJSONMaxBytes-1)
	}
	if expireTime {
		ph.expire = p.PExpireTime(ctx, ref.Key)
	} else {
		ph.pttl = p.PTTL(ctx, ref.Key)
	}
	return ph
}

// unknownCommand reports an error reply saying the server lacks a command
// (PEXPIRETIME before Redis 7.0).
func unknownCommand(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "unknown command")
}

// now is when the reply arrived, in server time.
func (ph *pendingHold) now() time.Time {
	done := time.Now()
	if ph.doneAt != nil && !ph.doneAt.IsZero() {
		done = *ph.doneAt
	}
	if ph.clk == nil {
		return done
	}
	return ph.clk.toServer(done)
}

// deadline reads the TTL replies: the deadline in server time (zero: none),
// the TTL in ms as of the reply (-1: none), and whether the key exists.
func (ph *pendingHold) deadline() (time.Time, int64, bool, error) {
	now := ph.now()
	if ph.expire != nil {
		v, err := ph.expire.Result()
		switch {
		case err != nil:
			return time.Time{}, 0, false, err
		case v == -2:
			return time.Time{}, 0, false, nil
		case v < 0:
			return time.Time{}, -1, true, nil
		}
		d := time.UnixMilli(v.Milliseconds())
		return d, max(d.Sub(now).Milliseconds(), 0), true, nil
	}
	pttl, err := ph.pttl.Result()
	switch {
	case err != nil:
		return time.Time{}, 0, false, err
	case pttl == -2:
		return time.Time{}, 0, false, nil
	case pttl < 0:
		return time.Time{}, -1, true, nil
	}
	return now.Add(pttl), pttl.Milliseconds(), true, nil
}

// result turns the replies into a hold and its anomalies.
func (ph *pendingHold) result() (redisops.Hold, []redisops.Anomaly, holdOutcome) {
	if ph.blindHold() != nil {
		return redisops.Hold{}, nil, holdBlind
	}
	shape := ph.ref.Shape
	if ph.typ != nil {
		typ, err := ph.typ.Result()
		if err != nil {
			return redisops.Hold{}, nil, holdUnknown
		}
		switch typ {
		case "none":
			return redisops.Hold{}, nil, holdGone
		case "hash":
			shape = redisops.HoldShapeHash
		case "string":
			shape = redisops.HoldShapeJSON
		default:
			a, _ := wrongTypeAnomaly(familyHold, ph.ref.Key, typ)
			return redisops.Hold{}, []redisops.Anomaly{a}, holdWrongType
		}
	}
	deadline, ttlMs, exists, err := ph.deadline()
	if err != nil {
		return redisops.Hold{}, nil, holdUnknown
	}
	if !exists {
		return redisops.Hold{}, nil, holdGone
	}
	ref := ph.ref
	ref.Shape = shape
	var h redisops.Hold
	var an []redisops.Anomaly
	if shape == redisops.HoldShapeHash {
		fields, err := ph.fields.Result()
		if err != nil {
			return redisops.Hold{}, nil, holdUnknown
		}
		h, an = holdFromHash(ref, fields, ttlMs)
	} else {
		head, err1 := ph.head.Result()
		length, err2 := ph.length.Result()
		if err1 != nil || err2 != nil {
			return redisops.Hold{}, nil, holdUnknown
		}
		h, an = holdFromJSON(ref, head, length, ttlMs)
	}
	h.Deadline = deadline
	return h, an, holdFound
}

// applyHoldRead records a read in the index: a found hold is learned, a gone
// one removed (a dirty read with the push's time), an unreadable one marked
// to be read again (typeless); a refused one is left alone (the caller notes
// it as unreadable).
func applyHoldRead(idx *holdIndex, ph *pendingHold, walk int64) (redisops.Hold, []redisops.Anomaly, holdOutcome) {
	h, an, out := ph.result()
	switch out {
	case holdFound:
		idx.learnPushed(h, ph.readAt, ph.clockAt(ph.readAt), walk, ph.mark)
	case holdGone, holdWrongType:
		if ph.mark != nil {
			idx.goneDirty(ph.ref.Key, *ph.mark, ph.readAt, ph.now())
		} else {
			idx.vanished(ph.ref.Key, ph.readAt, ph.now())
		}
	case holdUnknown:
		idx.forgetShape(ph.ref.Key)
		if ph.mark != nil {
			m := *ph.mark
			m.typeless = true
			idx.remark(ph.ref.Key, m)
		} else {
			idx.markDirty(ph.ref.Key)
		}
	}
	return h, an, out
}

// clockAt converts a local time to server time with the read's clock.
func (ph *pendingHold) clockAt(local time.Time) time.Time {
	if ph.clk == nil {
		return local
	}
	return ph.clk.toServer(local)
}
