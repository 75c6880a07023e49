package redisops

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Ids are bytes (DESIGN.md §5): the JSON of a snapshot, an audit and an
// operation must give them back exactly, while encoding/json replaces every
// byte that is not valid UTF-8 with U+FFFD. The encoding, for every id, user,
// key, queue member and slowlog argument:
//
//   - a string that is valid UTF-8 is a JSON string, as before (control
//     characters come out as \u001b and the like, and decode to the same bytes);
//   - any other string is the object {"base64": "<standard base64 of its
//     bytes>"}, which no JSON string can be mistaken for;
//   - a map key (the sale ids of "queues") that is not valid UTF-8, or that
//     starts with "base64:", is the string "base64:<standard base64>" (sale
//     ids never hold a ':', so in practice only the first case occurs).
//
// The types below encode and decode it; UnmarshalJSON accepts both forms.

// base64Field is the member name of the object form.
const base64Field = "base64"

// base64KeyPrefix starts a map key written in base64.
const base64KeyPrefix = "base64:"

// ByteString is a string of bytes whose JSON is lossless: a JSON string when
// it is valid UTF-8, else {"base64": "…"}.
type ByteString string

// ByteStrings converts ss to ByteStrings (nil stays nil).
func ByteStrings(ss []string) []ByteString {
	if ss == nil {
		return nil
	}
	out := make([]ByteString, len(ss))
	for i, s := range ss {
		out[i] = ByteString(s)
	}
	return out
}

// MarshalJSON writes s as a JSON string, or as {"base64": …} when it is not
// valid UTF-8.
func (s ByteString) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(s)) {
		return json.Marshal(string(s))
	}
	return json.Marshal(map[string]string{base64Field: base64.StdEncoding.EncodeToString([]byte(s))})
}

// UnmarshalJSON reads a JSON string, {"base64": …} or null (the empty string).
func (s *ByteString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = ByteString(v)
		return nil
	}
	var obj map[string]string
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("redisops: a byte string is a JSON string or {%q: …}: %w", base64Field, err)
	}
	enc, ok := obj[base64Field]
	if !ok || len(obj) != 1 {
		return fmt.Errorf("redisops: a byte string object holds only %q", base64Field)
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return fmt.Errorf("redisops: byte string: %w", err)
	}
	*s = ByteString(raw)
	return nil
}

// JSONMapKey is how a map key (a sale id) is written in JSON: as it is when
// valid UTF-8 and not starting with "base64:", else "base64:" and its
// standard base64. ParseJSONMapKey reverses it exactly.
func JSONMapKey(k string) string {
	if utf8.ValidString(k) && !strings.HasPrefix(k, base64KeyPrefix) {
		return k
	}
	return base64KeyPrefix + base64.StdEncoding.EncodeToString([]byte(k))
}

// ParseJSONMapKey reverses JSONMapKey (a "base64:" key whose rest is not
// base64 is kept as it is).
func ParseJSONMapKey(k string) string {
	if enc, ok := strings.CutPrefix(k, base64KeyPrefix); ok {
		if raw, err := base64.StdEncoding.DecodeString(enc); err == nil {
			return string(raw)
		}
	}
	return k
}

// allValid reports whether every string is valid UTF-8 (the JSON fast path:
// encoding/json then writes them exactly).
func allValid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// The MarshalJSON methods below write the type as encoding/json would when
// its ids are valid UTF-8 (the same bytes as before), else with the ids as
// ByteStrings (those fields then come after the others). The UnmarshalJSON
// methods read both.

type salePlain SaleStats

// MarshalJSON writes the sale row with a lossless id.
func (s SaleStats) MarshalJSON() ([]byte, error) {
	if allValid(s.ID) {
		return json.Marshal(salePlain(s))
	}
	return json.Marshal(struct {
		salePlain
		ID ByteString `json:"id"`
	}{salePlain(s), ByteString(s.ID)})
}

// UnmarshalJSON reads a sale row with either form of id.
func (s *SaleStats) UnmarshalJSON(b []byte) error {
	aux := struct {
		*salePlain
		ID ByteString `json:"id"`
	}{salePlain: (*salePlain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.ID = string(aux.ID)
	return nil
}

type holdPlain Hold

type holdWire struct {
	*holdPlain
	Sale ByteString `json:"sale"`
	User ByteString `json:"user"`
	Key  ByteString `json:"key"`
}

// MarshalJSON writes the hold with lossless sale, user and key.
func (h Hold) MarshalJSON() ([]byte, error) {
	p := holdPlain(h)
	if allValid(h.Sale, h.User, h.Key) {
		return json.Marshal(p)
	}
	return json.Marshal(holdWire{&p, ByteString(h.Sale), ByteString(h.User), ByteString(h.Key)})
}

// UnmarshalJSON reads a hold with either form of ids.
func (h *Hold) UnmarshalJSON(b []byte) error {
	aux := holdWire{holdPlain: (*holdPlain)(h)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	h.Sale, h.User, h.Key = string(aux.Sale), string(aux.User), string(aux.Key)
	return nil
}

type queuePlain QueueEntry

// MarshalJSON writes the queue entry with a lossless user (member).
func (q QueueEntry) MarshalJSON() ([]byte, error) {
	if allValid(q.User) {
		return json.Marshal(queuePlain(q))
	}
	return json.Marshal(struct {
		queuePlain
		User ByteString `json:"user"`
	}{queuePlain(q), ByteString(q.User)})
}

// UnmarshalJSON reads a queue entry with either form of user.
func (q *QueueEntry) UnmarshalJSON(b []byte) error {
	aux := struct {
		*queuePlain
		User ByteString `json:"user"`
	}{queuePlain: (*queuePlain)(q)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	q.User = string(aux.User)
	return nil
}

type anomalyPlain Anomaly

// MarshalJSON writes the anomaly with a lossless key and detail.
func (a Anomaly) MarshalJSON() ([]byte, error) {
	if allValid(a.Key, a.Detail) {
		return json.Marshal(anomalyPlain(a))
	}
	return json.Marshal(struct {
		anomalyPlain
		Key    ByteString `json:"key"`
		Detail ByteString `json:"detail"`
	}{anomalyPlain(a), ByteString(a.Key), ByteString(a.Detail)})
}

// UnmarshalJSON reads an anomaly with either form of key and detail.
func (a *Anomaly) UnmarshalJSON(b []byte) error {
	aux := struct {
		*anomalyPlain
		Key    ByteString `json:"key"`
		Detail ByteString `json:"detail"`
	}{anomalyPlain: (*anomalyPlain)(a)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a.Key, a.Detail = string(aux.Key), string(aux.Detail)
	return nil
}

type slowPlain SlowEntry

// MarshalJSON writes the slowlog entry with lossless arguments.
func (e SlowEntry) MarshalJSON() ([]byte, error) {
	if allValid(e.Args...) {
		return json.Marshal(slowPlain(e))
	}
	return json.Marshal(struct {
		slowPlain
		Args []ByteString `json:"args"`
	}{slowPlain(e), ByteStrings(e.Args)})
}

// UnmarshalJSON reads a slowlog entry with either form of arguments.
func (e *SlowEntry) UnmarshalJSON(b []byte) error {
	aux := struct {
		*slowPlain
		Args []ByteString `json:"args"`
	}{slowPlain: (*slowPlain)(e)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	e.Args = nil
	if aux.Args != nil {
		e.Args = make([]string, len(aux.Args))
		for i, a := range aux.Args {
			e.Args[i] = string(a)
		}
	}
	return nil
}

type leakPlain Leak

type leakWire struct {
	*leakPlain
	Sale ByteString `json:"sale"`
	User ByteString `json:"user"`
	Key  ByteString `json:"key"`
}

// MarshalJSON writes the leak with lossless sale, user and key.
func (l Leak) MarshalJSON() ([]byte, error) {
	p := leakPlain(l)
	if allValid(l.Sale, l.User, l.Key) {
		return json.Marshal(p)
	}
	return json.Marshal(leakWire{&p, ByteString(l.Sale), ByteString(l.User), ByteString(l.Key)})
}

// UnmarshalJSON reads a leak with either form of ids.
func (l *Leak) UnmarshalJSON(b []byte) error {
	aux := leakWire{leakPlain: (*leakPlain)(l)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	l.Sale, l.User, l.Key = string(aux.Sale), string(aux.User), string(aux.Key)
	return nil
}

// MarshalJSON writes the leak and whether this watcher recorded it (without
// it, Leak's method, promoted, would drop "recorded").
func (w WatchedLeak) MarshalJSON() ([]byte, error) {
	p := leakPlain(w.Leak)
	if allValid(w.Sale, w.User, w.Key) {
		return json.Marshal(struct {
			leakPlain
			Recorded bool `json:"recorded"`
		}{p, w.Recorded})
	}
	return json.Marshal(struct {
		leakWire
		Recorded bool `json:"recorded"`
	}{leakWire{&p, ByteString(w.Sale), ByteString(w.User), ByteString(w.Key)}, w.Recorded})
}

// UnmarshalJSON reads a watched leak.
func (w *WatchedLeak) UnmarshalJSON(b []byte) error {
	if err := w.Leak.UnmarshalJSON(b); err != nil {
		return err
	}
	var r struct {
		Recorded bool `json:"recorded"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	w.Recorded = r.Recorded
	return nil
}

type snapPlain Snapshot

// MarshalJSON writes the snapshot; "queues" is keyed by JSONMapKey.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	plain := true
	for k := range s.Queues {
		plain = plain && JSONMapKey(k) == k
	}
	if plain {
		return json.Marshal(snapPlain(s))
	}
	var queues map[string][]QueueEntry
	if s.Queues != nil {
		queues = make(map[string][]QueueEntry, len(s.Queues))
		for k, v := range s.Queues {
			queues[JSONMapKey(k)] = v
		}
	}
	return json.Marshal(struct {
		snapPlain
		Queues map[string][]QueueEntry `json:"queues"`
	}{snapPlain(s), queues})
}

// UnmarshalJSON reads a snapshot, its "queues" keys through ParseJSONMapKey.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	aux := struct {
		*snapPlain
		Queues map[string][]QueueEntry `json:"queues"`
	}{snapPlain: (*snapPlain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.Queues = nil
	if aux.Queues != nil {
		s.Queues = make(map[string][]QueueEntry, len(aux.Queues))
		for k, v := range aux.Queues {
			s.Queues[ParseJSONMapKey(k)] = v
		}
	}
	return nil
}
