package recording

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
)

// FuzzRecordingReader: any bytes either load, every frame then serving a
// snapshot with the time the line was indexed with, or are refused with an
// ErrRecording error; the stream reader (New) and the file reader (Load)
// agree on which, and on the frames.
func FuzzRecordingReader(f *testing.F) {
	t0 := time.Unix(1_800_000_000, 0).UTC()
	rec := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(`{"taken_at":"` + t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339) +
				`","server":{},"sales":[],"reservations":null,"queues":{},"sessions":{},"slowlog":[],"anomalies":[]}` + "\n")
		}
		return b.String()
	}
	for _, seed := range []string{rec(1), rec(3), "\n" + rec(2) + "  \n", "null\n", "{}\n", "[]", `{"taken_at":"x"}`,
		rec(1) + "\x00\x00", strings.Repeat(" ", 100) + "\r\n" + rec(1), rec(1)[:50]} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		schema := redisops.DefaultSchema()
		ps, errS := New(bytes.NewReader(data), "r", schema, nil)
		pl, errL := Load(context.Background(), bytes.NewReader(data), "r", schema, nil)
		if (errS == nil) != (errL == nil) || (errS != nil && errS.Error() != errL.Error()) {
			t.Fatalf("stream and file readers disagree: %v / %v", errS, errL)
		}
		if errS != nil {
			if !strings.HasPrefix(errS.Error(), ErrRecording.Error()+": ") {
				t.Fatalf("not an ErrRecording error: %v", errS)
			}
			return
		}
		_, n := ps.Position()
		if _, nl := pl.Position(); nl != n || n > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d and %d frames from %d lines", n, nl, bytes.Count(data, []byte("\n"))+1)
		}
		for i := range n {
			for _, p := range []*Player{ps, pl} {
				s, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{})
				if err != nil || !s.TakenAt.Equal(p.times[i]) {
					t.Fatalf("frame %d: %v (taken at %v, indexed at %v)", i, err, s, p.times[i])
				}
				p.Step(1)
			}
		}
	})
}
