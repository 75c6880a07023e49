package panels

import (
	"fmt"
	"testing"
	"time"

	"flashtop/redisops"
)

// benchSnapshot has 50 sales, 500 holds of one sale and a 1,000-member queue
// window.
func benchSnapshot(at time.Time) *redisops.Snapshot {
	s := fixture(at)
	for i := range 50 {
		s.Sales = append(s.Sales, redisops.SaleStats{ID: fmt.Sprintf("sale-%03d", i), Inventory: i64(int64(1000 - i)), QueueLength: int64(i)})
	}
	s.Reservations = nil
	for i := range 500 {
		s.Reservations = append(s.Reservations, redisops.Hold{Sale: "sale-b", User: fmt.Sprintf("user-%04d", i), Quantity: 1,
			ReservedAt: tp(at.Add(-time.Duration(i) * time.Second)), TTLMs: int64(300_000 - i*500), Key: fmt.Sprintf("reservation:user-%04d:sale-b", i)})
	}
	q := make([]redisops.QueueEntry, 1000)
	for i := range q {
		q[i] = redisops.QueueEntry{User: fmt.Sprintf("buyer-%04d", i), Position: int64(i + 1), JoinedAtMs: at.Add(-time.Duration(1000-i) * time.Second).UnixMilli()}
	}
	s.Queues["sale-b"] = q
	for i := range 128 {
		s.Slowlog = append(s.Slowlog, redisops.SlowEntry{ID: int64(100 + i), Time: at, DurationUs: int64(i * 100), Args: []string{"EVALSHA", "0123456789abcdef", "2", "inventory:sale-b", "reservation:u:sale-b"}})
	}
	return s
}

// BenchmarkPanelsView renders every panel of a 200x60 layout (sales and
// server across the top, queue and holds in the middle, slowlog and command
// log at the bottom) with 500 holds and a 1,000-member queue window, after a
// clock tick (SetData) as the root model does every second.
func BenchmarkPanelsView(b *testing.B) {
	d := newDashboard(colourStyles())
	for i := range 600 { // ten minutes of history
		s := benchSnapshot(t0.Add(time.Duration(i-600) * time.Second))
		d.setData(Data{Snap: s, Now: s.TakenAt, Sale: "sale-b"})
	}
	snap := benchSnapshot(t0)
	var log []LogEntry
	for i := range 500 {
		log = append(log, LogEntry{At: t0, Command: fmt.Sprintf("reserve sale-b user-%d 1 300s", i), Status: "reserved", OK: i%3 != 0})
	}
	d.sales.SetSize(130, 20)
	d.server.SetSize(70, 20)
	d.queue.SetSize(100, 25)
	d.holds.SetSize(100, 25)
	d.slowlog.SetSize(100, 15)
	d.cmdlog.SetSize(100, 15)
	d.sales.Focus()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.setData(Data{Snap: snap, Now: t0.Add(time.Duration(i%300) * time.Second), Sale: "sale-b", Log: log})
		_, _, _ = d.sales.View(), d.server.View(), d.queue.View()
		_, _, _ = d.holds.View(), d.slowlog.View(), d.cmdlog.View()
	}
}
