package read

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flashtop/redisops"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Limits on what is read from a hold.
const (
	// HoldJSONMaxBytes is the most flashtop reads of a JSON-string hold
	// (GETRANGE 0 4095); a longer value is not decoded.
	HoldJSONMaxBytes = 4096
	// jsonHoldLifetime is how long the backend's order path keeps a JSON hold
	// (SETEX 300, backend-contract.md): its reserved time is expiresAt − 300 s.
	jsonHoldLifetime = 300 * time.Second
	// detailValueMax bounds how much of an untrusted value an anomaly quotes.
	detailValueMax = 40
)

// Plausible reserved/expiry times, in unix seconds: 2000-01-01 to 9999-12-31
// (time.Time's JSON encoding fails past the year 9999).
const (
	minPlausibleUnix = 946_684_800
	maxPlausibleUnix = 253_402_214_400
)

// holdRef is a hold key found by discovery, with the ids its key names.
type holdRef struct {
	Key, Sale, User string
	Shape           string // HoldShapeHash or HoldShapeJSON
}

// holdFromHash builds a hold from HMGET quantity reserved_at user_id and its
// PTTL in ms (-1: no TTL). It returns the anomalies the hold shows.
func holdFromHash(ref holdRef, fields []any, pttlMs int64) (redisops.Hold, []redisops.Anomaly) {
	h := redisops.Hold{Sale: ref.Sale, User: ref.User, Key: ref.Key, Shape: redisops.HoldShapeHash, TTLMs: pttlMs}
	var anomalies []redisops.Anomaly
	qty, present := redisops.ReplyField(fields, 0)
	if q, ok := positiveInt(qty); ok && q <= redisops.MaxScriptInt {
		h.Quantity = q
	} else {
		anomalies = append(anomalies, badQuantity(ref.Key, qty, present))
	}
	if at, ok := redisops.ReplyField(fields, 1); ok {
		if n, ok := redisops.RedisInt(at); ok {
			h.ReservedAt = unixTime(float64(n))
		}
	}
	anomalies = append(anomalies, oddHoldAnomaly(ref, redisops.HoldShapeHash)...)
	return h, appendTTLAnomaly(anomalies, ref.Key, pttlMs)
}

// holdFromJSON builds a hold from the first HoldJSONMaxBytes of a JSON string
// hold, its full length and its PTTL in ms. It never decodes a longer value.
func holdFromJSON(ref holdRef, head string, length, pttlMs int64) (redisops.Hold, []redisops.Anomaly) {
	h := redisops.Hold{Sale: ref.Sale, User: ref.User, Key: ref.Key, Shape: redisops.HoldShapeJSON, TTLMs: pttlMs}
	var anomalies []redisops.Anomaly
	var doc struct {
		Quantity  json.RawMessage `json:"quantity"`
		ExpiresAt json.RawMessage `json:"expiresAt"`
	}
	switch {
	case length > HoldJSONMaxBytes:
		anomalies = append(anomalies, redisops.Anomaly{Kind: redisops.AnomalyHoldBadQuantity, Key: ref.Key,
			Detail: fmt.Sprintf("JSON hold is %d bytes, over the %d-byte limit: not decoded", length, HoldJSONMaxBytes)})
	case json.Unmarshal([]byte(head), &doc) != nil:
		anomalies = append(anomalies, redisops.Anomaly{Kind: redisops.AnomalyHoldBadQuantity, Key: ref.Key,
			Detail: "string hold is not a JSON object"}) // its text is not quoted: it could be anything
	default:
		if q, ok := jsonPositiveInt(doc.Quantity); ok && q <= redisops.MaxScriptInt {
			h.Quantity = q
		} else {
			anomalies = append(anomalies, badQuantity(ref.Key, string(doc.Quantity), len(doc.Quantity) > 0 && string(doc.Quantity) != "null"))
		}
		if exp := jsonTime(doc.ExpiresAt); exp != nil {
			at := exp.Add(-jsonHoldLifetime)
			if plausible(at) {
				h.ReservedAt = &at
			}
		}
	}
	anomalies = append(anomalies, oddHoldAnomaly(ref, redisops.HoldShapeJSON)...)
	return h, appendTTLAnomaly(anomalies, ref.Key, pttlMs)
}

// badQuantity is the anomaly of a hold whose quantity is missing, not a
// positive integer, or over MaxScriptInt (release refuses all three; the
// hold then counts with 0 units).
func badQuantity(key, raw string, present bool) redisops.Anomaly {
	detail := "hold has no quantity"
	q, ok := positiveInt(raw) // a hash field
	if !ok {
		q, ok = jsonPositiveInt(json.RawMessage(raw)) // a JSON value
	}
	switch {
	case present && ok && q > redisops.MaxScriptInt:
		detail = fmt.Sprintf("hold quantity %d is over %d, the scripts' limit: release refuses it (counts 0 units)",
			q, int64(redisops.MaxScriptInt))
	case present:
		detail = fmt.Sprintf("hold quantity %s is not a positive integer", quoteCut(raw))
	}
	return redisops.Anomaly{Kind: redisops.AnomalyHoldBadQuantity, Key: key, Detail: detail}
}

func appendTTLAnomaly(anomalies []redisops.Anomaly, key string, pttlMs int64) []redisops.Anomaly {
	if pttlMs == -1 {
		anomalies = append(anomalies, redisops.Anomaly{Kind: redisops.AnomalyHoldWithoutTTL, Key: key,
			Detail: "hold has no TTL: its units stay held until someone releases it"})
	}
	return anomalies
}

func positiveInt(s string) (int64, bool) {
	n, ok := redisops.RedisInt(s)
	return n, ok && n > 0
}

// jsonPositiveInt accepts a JSON number that is a whole positive integer
// (2 or 2.0) or a string holding one ("2"), as the backend's JavaScript might
// write either.
func jsonPositiveInt(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return positiveInt(s)
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || f != math.Trunc(f) || f < 1 || f > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// jsonTime reads a time written as ms since the epoch (a number or a numeric
// string; small values are taken as seconds) or as an ISO 8601 string. It
// returns nil when the value is missing or not a plausible time.
func jsonTime(raw json.RawMessage) *time.Time {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil && plausible(t) {
				t = t.UTC()
				return &t
			}
		}
		raw = json.RawMessage(s)
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	return unixTime(f)
}

// unixTime turns a number of seconds or ms since the epoch (values over 1e11
// are taken as ms) into a time, nil when it is not plausible.
func unixTime(n float64) *time.Time {
	if math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 || n > 1e15 {
		return nil
	}
	ms := n * 1000
	if n > 1e11 {
		ms = n
	}
	t := time.UnixMilli(int64(ms)).UTC()
	if !plausible(t) {
		return nil
	}
	return &t
}

func plausible(t time.Time) bool {
	u := t.Unix()
	return u >= minPlausibleUnix && u <= maxPlausibleUnix
}

// quoteCut quotes an untrusted value for an anomaly detail, cut to a few
// dozen bytes.
func quoteCut(s string) string {
	if len(s) > detailValueMax {
		return strconv.Quote(s[:detailValueMax]) + "…"
	}
	return strconv.Quote(s)
}

// collectHolds parses the holds read so far that are still present (a key
// that vanished or changed TYPE since the SCAN is left out) into r.got, with
// their anomalies and per sale [count, units], and lets go of their
// commands. It runs after each pipeline of the full read.
func (r *reads) collectHolds() {
	g := &r.got
	for _, hr := range r.holds {
		if r.unread.noteCmds(redisops.UnreadHolds, hr.cmds()...) {
			continue // NOPERM and the like: unreadable, never zero
		}
		pttl, err := hr.pttl.Result()
		if err != nil || pttl == -2 {
			continue
		}
		ttlMs := int64(pttl)
		if pttl >= 0 {
			ttlMs = pttl.Milliseconds()
		}
		var h redisops.Hold
		var anomalies []redisops.Anomaly
		if hr.fields != nil {
			fields, err := hr.fields.Result()
			if err != nil {
				continue
			}
			h, anomalies = holdFromHash(hr.ref, fields, ttlMs)
		} else {
			head, err1 := hr.head.Result()
			length, err2 := hr.length.Result()
			if err1 != nil || err2 != nil {
				continue
			}
			h, anomalies = holdFromJSON(hr.ref, head, length, ttlMs)
		}
		g.holds = append(g.holds, h)
		agg := g.perSale[h.Sale]
		g.perSale[h.Sale] = [2]int64{agg[0] + 1, redisops.AddSaturating(agg[1], h.Quantity)}
		g.anomalies = append(g.anomalies, anomalies...)
	}
	clear(r.holds) // the commands go now
	r.holds = r.holds[:0]
}

// compareHolds orders holds soonest-expiring first, holds without a TTL last,
// then by sale, user and key.
func compareHolds(a, b redisops.Hold) int {
	ta, tb := a.TTLMs, b.TTLMs
	if ta < 0 {
		ta = math.MaxInt64
	}
	if tb < 0 {
		tb = math.MaxInt64
	}
	return cmp.Or(cmp.Compare(ta, tb), cmp.Compare(a.Sale, b.Sale), cmp.Compare(a.User, b.User), cmp.Compare(a.Key, b.Key))
}
