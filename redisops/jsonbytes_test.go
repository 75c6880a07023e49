package redisops

import (
	"bytes"
	"encoding/json"
	"flashtop/textsafe"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hostileIDs are ids as Redis may hold them: valid and invalid UTF-8, NUL,
// control sequences, C1 controls, bidi overrides, and strings that look like
// the encoding itself.
var hostileIDs = []string{"", "s1", "é-ünïcode", "u\xff\xfe", "\xff", "u\x00nul", "u\x1b[2J\x07", "u\u009b31m",
	"u\u202eevil", "\x7f", "base64:/w==", `{"base64":"/w=="}`, "a\xe2\x80", "\xed\xa0\x80", strings.Repeat("\xc0", 600)}

func TestByteStringRoundTrip(t *testing.T) {
	for _, id := range hostileIDs {
		b, err := json.Marshal(ByteString(id))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) || !json.Valid(b) {
			t.Errorf("%q: %s is not valid JSON text", id, b)
		}
		var back ByteString
		if err := json.Unmarshal(b, &back); err != nil || string(back) != id {
			t.Errorf("%q -> %s -> %q (%v)", id, b, back, err)
		}
		if utf8.ValidString(id) {
			plain, _ := json.Marshal(id)
			if !bytes.Equal(b, plain) {
				t.Errorf("%q: valid UTF-8 must stay a plain string: %s, want %s", id, b, plain)
			}
		} else if !bytes.HasPrefix(b, []byte(`{"base64":"`)) {
			t.Errorf("%q: %s, want the base64 object", id, b)
		}
		if back := ParseJSONMapKey(JSONMapKey(id)); back != id {
			t.Errorf("map key %q -> %q -> %q", id, JSONMapKey(id), back)
		}
	}
	for _, bad := range []string{`{"base64":"%%"}`, `{"base64":"/w==","x":"1"}`, `{"other":"1"}`, `7`, `[]`} {
		var s ByteString
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("%s decoded as %q; want an error", bad, s)
		}
	}
}

// A snapshot with hostile ids everywhere comes back exactly, and one with
// plain ids is written byte for byte as before (encoding/json's own form).
func TestSnapshotJSONRoundTripsIDs(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	snap := Snapshot{TakenAt: at, Sales: []SaleStats{}, Reservations: []Hold{}, Queues: map[string][]QueueEntry{},
		Slowlog: []SlowEntry{}, Anomalies: []Anomaly{}}
	for i, id := range hostileIDs {
		if id == "" {
			continue
		}
		key := "reservation:" + id + ":" + id
		snap.Sales = append(snap.Sales, SaleStats{ID: id, Reservations: int64(i)})
		snap.Reservations = append(snap.Reservations, Hold{Sale: id, User: id, Quantity: int64(i), Key: key, Shape: HoldShapeHash, ReservedAt: &at})
		snap.Queues[id] = []QueueEntry{{User: id, Position: 1, JoinedAtMs: 7}}
		snap.Slowlog = append(snap.Slowlog, SlowEntry{ID: int64(i), Time: at, Args: []string{"GET", key}})
		snap.Anomalies = append(snap.Anomalies, Anomaly{Kind: AnomalyOddID, Key: key, Detail: "d " + id})
		snap.Leaks = append(snap.Leaks, WatchedLeak{Leak: Leak{Sale: id, User: id, Key: key, Quantity: 2, Stamp: NoStamp,
			Deadline: at, At: at, Class: LeakVerified}, Recorded: i%2 == 0})
	}
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(b) || bytes.Contains(b, []byte("\ufffd")) {
		t.Fatalf("the JSON is not valid UTF-8 or replaced a byte: %s", b)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, snap) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, snap)
	}
	plain := Snapshot{TakenAt: at, Sales: []SaleStats{{ID: "s1"}}, Reservations: []Hold{{Sale: "s1", User: "u\x1b", Key: "k"}},
		Queues: map[string][]QueueEntry{"s1": {{User: "u"}}}, Leaks: []WatchedLeak{{Leak: Leak{Sale: "s1"}, Recorded: true}}}
	got, _ := json.Marshal(plain)
	want, _ := json.Marshal(snapPlain(plain))
	if !bytes.Equal(got, want) || !bytes.Contains(got, []byte(`"recorded":true`)) {
		t.Errorf("plain ids: %s\nwant %s", got, want)
	}
}

// FuzzByteStringRoundTrip: every byte string survives its JSON, and the
// JSON is valid, terminal-safe text that decodes to the same bytes.
func FuzzByteStringRoundTrip(f *testing.F) {
	for _, id := range hostileIDs {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		b, err := json.Marshal([]ByteString{ByteString(id)})
		if err != nil {
			t.Fatal(err)
		}
		b = textsafe.JSON(b)
		if !json.Valid(b) || !utf8.Valid(b) {
			t.Fatalf("%q: invalid JSON %s", id, b)
		}
		var back []ByteString
		if err := json.Unmarshal(b, &back); err != nil || len(back) != 1 || string(back[0]) != id {
			t.Fatalf("%q -> %s -> %q (%v)", id, b, back, err)
		}
		if key := JSONMapKey(id); !utf8.ValidString(key) || ParseJSONMapKey(key) != id {
			t.Fatalf("map key %q -> %q", id, key)
		}
	})
}

// TestFeedAsOfOmittedWhileZero: a feed status with no finished walk has no
// as_of (it used to say 0001-01-01T00:00:00Z), and one with a walk says when.
func TestFeedAsOfOmittedWhileZero(t *testing.T) {
	b, _ := json.Marshal(FeedStatus{State: FeedVerifying})
	if bytes.Contains(b, []byte("as_of")) {
		t.Errorf("zero as_of written: %s", b)
	}
	b, _ = json.Marshal(FeedStatus{State: FeedOff, AsOf: time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)})
	if !bytes.Contains(b, []byte(`"as_of":"2026-12-02T01:00:00Z"`)) {
		t.Errorf("as_of missing: %s", b)
	}
}
