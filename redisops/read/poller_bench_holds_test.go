package read

import (
	"context"
	"flashtop/redisops"
	"syscall"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// processCPU is the CPU time (user and system) this process used so far:
// every goroutine's, including the pipelines' and the GC's.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU per iteration since start (one tick per
// second: cpu-ms/op ÷ 10 is the share of a core in percent).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// benchHoldsPoller is a poller whose first walk is done over 10 sales of
// 10,000 holds each (100,000 holds indexed), with the fake clock it earns
// its walk budget by.
func benchHoldsPoller(b *testing.B) (*Poller, *fakeClock, redisops.SnapshotOptions) {
	b.Helper()
	srv, c := newTestServerClient(b, redistest.Redis, redisops.Options{})
	seedSales(b, srv.Client(b), c.Schema(), 10, 10_000)
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now})
	b.Cleanup(func() { _ = p.Close() })
	o := redisops.SnapshotOptions{Sale: "sale1", HoldRows: 96, HeadWindow: 100} // a 160x48 dashboard asks for 96 rows
	for range 1000 {
		snap, err := p.Snapshot(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if snap.Cost.WalksDone > 0 {
			if snap.Cost.HoldsIndexed != 100_000 {
				b.Fatalf("indexed %d holds, want 100000", snap.Cost.HoldsIndexed)
			}
			return p, clock, o
		}
	}
	b.Fatal("the first walk did not complete")
	return nil, nil, o
}

// BenchmarkPollerTickHolds100k is one steady tick with no walk budget
// earned (the poll plan alone) while the index holds 100,000 holds: what
// the index costs per tick (counts, the visible rows, the walk's view).
func BenchmarkPollerTickHolds100k(b *testing.B) {
	p, _, o := benchHoldsPoller(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU(b)
	defer reportCPU(b, cpu)
	for b.Loop() {
		snap, err := p.Snapshot(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Reservations) != 96 {
			b.Fatalf("%d visible holds, want 96", len(snap.Reservations))
		}
	}
}

// BenchmarkPollerTickWalking100k is the dashboard's steady tick: one second
// of walk budget earned per tick (so the walk re-reads holds as it goes)
// plus the poll plan, with 100,000 holds indexed.
func BenchmarkPollerTickWalking100k(b *testing.B) {
	p, clock, o := benchHoldsPoller(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU(b)
	defer reportCPU(b, cpu)
	for b.Loop() {
		clock.add(time.Second)
		if _, err := p.Snapshot(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
}
