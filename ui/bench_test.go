package ui

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
)

// benchPoller is a real Poller over 10 sales of 10,000 holds each (half
// hashes, half JSON strings) and queues of 1,000 members, its first walk
// done.
func benchPoller(b *testing.B) *read.Poller {
	b.Helper()
	srv := redistest.Start(b)
	rdb := srv.Client(b)
	ctx := context.Background()
	c, err := redisops.New(redisops.Options{URL: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	s := c.Schema()
	pipe := rdb.Pipeline()
	for i := range 10 {
		sale := fmt.Sprintf("sale%d", i)
		pipe.Set(ctx, s.StockKey(sale), 100_000, 0)
		for j := range 10_000 {
			user, key := fmt.Sprintf("u%d", j), s.HoldKey(fmt.Sprintf("u%d", j), sale)
			if j%2 == 0 {
				pipe.Set(ctx, key, fmt.Sprintf(`{"saleId":%q,"userId":%q,"quantity":%d}`, sale, user, j%3+1), 2*time.Hour)
			} else {
				pipe.HSet(ctx, key, "quantity", j%3+1, "reserved_at", time.Now().Unix(), "user_id", user)
				pipe.Expire(ctx, key, 2*time.Hour)
			}
			if j < 1000 {
				pipe.ZAdd(ctx, s.QueueKey(sale), redis.Z{Score: float64(time.Now().UnixMilli() + int64(j)), Member: user})
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	p := read.NewPoller(c, read.PollerOptions{})
	b.Cleanup(func() { _ = p.Close() })
	for range 100 {
		snap, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if snap.Cost.WalksDone > 0 {
			return p
		}
	}
	b.Fatal("the first walk did not complete")
	return nil
}

// BenchmarkDashboardSecond is one second of the dashboard's UI work in its
// steady state at 160x48 with 256 colours: the poll tick, the snapshot's
// arrival and the clock tick, each followed by a View as Bubble Tea does.
// The snapshot is a real Poller's (taken once: this measures the UI only,
// BenchmarkPollerTick* the poller), moved one second on per iteration.
func BenchmarkDashboardSecond(b *testing.B) {
	p := benchPoller(b)
	snap, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{Sale: "sale0", HoldRows: 96, HeadWindow: queueWindow})
	if err != nil {
		b.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	now := snap.TakenAt
	m := New(Config{Backend: p, Clock: func() time.Time { return now }, Renderer: r,
		Arming: redisops.Arming{Reason: "read-only (--read-only)"}, Version: "bench"})
	m.tick = func(context.Context, time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	step := func(msg tea.Msg) {
		mm, _ := m.Update(msg)
		m = mm.(Model)
		_ = m.View()
	}
	step(tea.WindowSizeMsg{Width: 160, Height: 48})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		now = now.Add(time.Second)
		s := *snap
		s.TakenAt = now
		step(pollTickMsg{gen: m.poll.gen})
		step(snapshotMsg{id: m.poll.reqID, snap: &s})
		step(clockTickMsg{})
	}
}
