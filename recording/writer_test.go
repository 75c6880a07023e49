package recording

import (
	"bytes"
	"context"
	"testing"
	"time"

	"flashtop/redisops"
)

// TestWriterRoundTrip: what Writer writes, New reads back frame by frame,
// ids with terminal escapes and bytes that are not UTF-8 included.
func TestWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	users := []string{"plain", "u\x1b]0;x\a\xff"}
	for i, u := range users {
		s := &redisops.Snapshot{TakenAt: t0.Add(time.Duration(i) * time.Second), Sales: []redisops.SaleStats{{ID: "s1"}},
			Reservations: []redisops.Hold{{Sale: "s1", User: u, Quantity: 1}}, Queues: map[string][]redisops.QueueEntry{},
			Slowlog: []redisops.SlowEntry{}, Anomalies: []redisops.Anomaly{}}
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	p, err := New(&buf, "rec.jsonl", redisops.DefaultSchema(), func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	p.SetPaused(true)
	for i, u := range users {
		s, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{})
		if err != nil || len(s.Reservations) != 1 || s.Reservations[0].User != u {
			t.Fatalf("frame %d: %v %+v, want user %q", i, err, s, u)
		}
		p.Step(1)
	}
}
