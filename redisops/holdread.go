package redisops

import (
	"context"
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
)

// pendingHold is one queued read of a hold key. When the index knows the
// key's shape it costs two (hash: HMGET, PTTL) or three (string: STRLEN,
// GETRANGE, PTTL) commands; otherwise TYPE is sent too, with both reads (the
// one of the other shape fails with WRONGTYPE, cheaply), so that one round
// trip is enough whatever the key is.
type pendingHold struct {
	ref    holdRef // Shape "" when unknown
	readAt time.Time
	typ    *redis.StatusCmd
	fields *redis.SliceCmd
	length *redis.IntCmd
	head   *redis.StringCmd
	pttl   *redis.DurationCmd
}

// queueHoldRead queues the read of ref on p.
func queueHoldRead(ctx context.Context, p redis.Pipeliner, ref holdRef, at time.Time) *pendingHold {
	ph := &pendingHold{ref: ref, readAt: at}
	if ref.Shape == "" {
		ph.typ = p.Type(ctx, ref.Key)
	}
	if ref.Shape != HoldShapeJSON {
		ph.fields = p.HMGet(ctx, ref.Key, "quantity", "reserved_at", "user_id")
	}
	if ref.Shape != HoldShapeHash {
		ph.length = p.StrLen(ctx, ref.Key)
		ph.head = p.GetRange(ctx, ref.Key, 0, HoldJSONMaxBytes-1)
	}
	ph.pttl = p.PTTL(ctx, ref.Key)
	return ph
}

// result turns the replies into a hold and its anomalies.
func (ph *pendingHold) result() (Hold, []Anomaly, holdOutcome) {
	shape := ph.ref.Shape
	if ph.typ != nil {
		typ, err := ph.typ.Result()
		if err != nil {
			return Hold{}, nil, holdUnknown
		}
		switch typ {
		case "none":
			return Hold{}, nil, holdGone
		case "hash":
			shape = HoldShapeHash
		case "string":
			shape = HoldShapeJSON
		default:
			a, _ := wrongTypeAnomaly(familyHold, ph.ref.Key, typ)
			return Hold{}, []Anomaly{a}, holdWrongType
		}
	}
	pttl, err := ph.pttl.Result()
	if err != nil {
		return Hold{}, nil, holdUnknown
	}
	if pttl == -2 {
		return Hold{}, nil, holdGone
	}
	ttlMs := int64(pttl)
	if pttl >= 0 {
		ttlMs = pttl.Milliseconds()
	}
	ref := ph.ref
	ref.Shape = shape
	if shape == HoldShapeHash {
		fields, err := ph.fields.Result()
		if err != nil {
			return Hold{}, nil, holdUnknown
		}
		h, an := holdFromHash(ref, fields, ttlMs)
		return h, an, holdFound
	}
	head, err1 := ph.head.Result()
	length, err2 := ph.length.Result()
	if err1 != nil || err2 != nil {
		return Hold{}, nil, holdUnknown
	}
	h, an := holdFromJSON(ref, head, length, ttlMs)
	return h, an, holdFound
}

// applyHoldRead records a read in the index: a found hold is learned, a gone
// one removed, an unreadable one marked to be read again (typeless).
func applyHoldRead(idx *holdIndex, ph *pendingHold, walk int64) (Hold, []Anomaly, holdOutcome) {
	h, an, out := ph.result()
	switch out {
	case holdFound:
		idx.learn(h, ph.readAt, walk)
	case holdGone, holdWrongType:
		idx.remove(ph.ref.Key, ph.readAt, false)
	case holdUnknown:
		idx.forgetShape(ph.ref.Key)
		idx.markDirty(ph.ref.Key)
	}
	return h, an, out
}
