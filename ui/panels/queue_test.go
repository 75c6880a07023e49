package panels

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
)

func TestQueueWaitedMovesWithNow(t *testing.T) {
	m := NewQueue(asciiStyles())
	m.SetSize(60, 8)
	m.SetData(Data{Snap: fixture(t0), Now: t0, Sale: "sale-b"})
	v := m.View()
	if !strings.Contains(v, "1 q-first") || !strings.Contains(v, "1m05s") || !strings.Contains(v, "3 waiting") {
		t.Fatalf("queue view:\n%s", v)
	}
	m.SetData(Data{Snap: fixture(t0), Now: t0.Add(10 * time.Second), Sale: "sale-b"})
	if v := m.View(); !strings.Contains(v, "1m15s") || !strings.Contains(v, "40s") {
		t.Fatalf("waited did not move with Now:\n%s", v)
	}
}

func TestQueueStates(t *testing.T) {
	m := NewQueue(asciiStyles())
	m.SetSize(60, 6)
	for _, c := range []struct {
		d    Data
		want string
	}{
		{Data{Now: t0, Sale: "sale-b"}, noData},
		{Data{Snap: fixture(t0), Now: t0}, noSale},
		{Data{Snap: fixture(t0), Now: t0, Sale: "sale-a"}, emptyQueue},
	} {
		m.SetData(c.d)
		if v := m.View(); !strings.Contains(v, c.want) {
			t.Fatalf("want %q in:\n%s", c.want, v)
		}
		if _, ok := m.SelectedEntry(); ok {
			t.Fatal("selected entry in an empty queue")
		}
	}
}

func TestQueueSelectionAndScroll(t *testing.T) {
	s := fixture(t0)
	var q []redisops.QueueEntry
	for i := range 1000 {
		q = append(q, redisops.QueueEntry{User: fmt.Sprintf("user-%04d", i), Position: int64(i + 1), JoinedAtMs: t0.UnixMilli()})
	}
	s.Queues["sale-b"] = q
	m := NewQueue(asciiStyles())
	m.SetSize(50, 8) // 5 rows
	m.SetData(Data{Snap: s, Now: t0, Sale: "sale-b"})
	m.Focus()
	for range 7 {
		m, _ = m.Update(keyDown)
	}
	e, ok := m.SelectedEntry()
	if !ok || e.User != "user-0007" {
		t.Fatalf("selected %q", e.User)
	}
	v := m.View()
	if !strings.Contains(v, gutterCursor+"     8 user-0007") || strings.Contains(v, "user-0002") {
		t.Fatalf("cursor row not scrolled into view:\n%s", v)
	}
	checkBounds(t, "queue", v, 50, 8)
	m, _ = m.Update(keyEnd)
	if e, _ := m.SelectedEntry(); e.User != "user-0999" {
		t.Fatalf("end: %q", e.User)
	}
	// The member is admitted: the cursor stays in range.
	s2 := fixture(t0)
	s2.Queues["sale-b"] = q[:10]
	m.SetData(Data{Snap: s2, Now: t0, Sale: "sale-b"})
	if e, ok := m.SelectedEntry(); !ok || e.User != "user-0009" {
		t.Fatalf("after shrink: %q %v", e.User, ok)
	}
}
