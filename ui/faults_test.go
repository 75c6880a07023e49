package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

func TestRetryDelaySchedule(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		failures int
		interval time.Duration
		want     time.Duration
	}{
		{1, time.Minute, 250 * ms}, {2, time.Minute, 500 * ms}, {3, time.Minute, time.Second},
		{4, time.Minute, 2 * time.Second}, {5, time.Minute, 4 * time.Second}, {6, time.Minute, 5 * time.Second},
		{7, time.Minute, 5 * time.Second}, {1000, time.Minute, 5 * time.Second},
		{1, time.Second, 250 * ms}, {3, time.Second, time.Second}, {4, time.Second, time.Second}, {50, time.Second, time.Second},
		{1, 100 * ms, 100 * ms}, {9, 250 * ms, 250 * ms}, {5, 2 * time.Second, 2 * time.Second},
		{0, 0, 250 * ms}, {6, 0, 5 * time.Second},
	} {
		if got := retryDelay(c.failures, c.interval); got != c.want {
			t.Errorf("retryDelay(%d, %s) = %s, want %s", c.failures, c.interval, got, c.want)
		}
	}
	// Whatever the interval, retries are never more than 5s apart.
	for _, iv := range intervals() {
		for n := 1; n < 40; n++ {
			if d := retryDelay(n, iv); d > maxRetryDelay || d > iv || d <= 0 {
				t.Fatalf("retryDelay(%d, %s) = %s", n, iv, d)
			}
		}
	}
}

// lastRetryTick returns the latest scheduled backoff timer and its delay.
func (h *harness) lastRetryTick() (retryTickMsg, time.Duration, bool) {
	for i := len(h.ticks) - 1; i >= 0; i-- {
		if r, ok := h.ticks[i].msg.(retryTickMsg); ok {
			return r, h.ticks[i].d, true
		}
	}
	return retryTickMsg{}, 0, false
}

func TestBackoffRetriesWhileDisconnected(t *testing.T) {
	h := newHarness(t, true)
	h.press("[", "[", "[", "[") // 1s → 30s: slower than the backoff's cap, so the backoff is what retries
	if h.m.poll.interval != 30*time.Second {
		t.Fatalf("interval %s, want 30s", h.m.poll.interval)
	}
	h.fb.snapErr = errors.New("redisops: Redis unreachable: dial tcp 127.0.0.1:1: connect: connection refused")
	h.press("R")
	var delays []time.Duration
	for range 8 {
		r, d, ok := h.lastRetryTick()
		if !ok {
			t.Fatal("a failed poll schedules a retry")
		}
		delays = append(delays, d)
		n := h.fb.snapshots()
		h.send(r)
		if h.fb.snapshots() != n+1 {
			t.Fatalf("retry tick %d did not poll", len(delays))
		}
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second}
	if !slices.Equal(delays, want) {
		t.Fatalf("backoff %v, want %v", delays, want)
	}
	if v := h.m.View(); !strings.Contains(v, "disconnected since 12:00:00 — retrying in 5s: Redis unreachable") {
		t.Fatalf("banner:\n%s", v)
	}
	stale, _, _ := h.lastRetryTick()
	h.fb.snapErr = nil
	h.send(stale)
	if h.m.disconnected() || strings.Contains(h.m.View(), "disconnected") || h.m.poll.failures != 0 {
		t.Fatal("the retry after the server's return reconnects and clears the banner")
	}
	n := h.fb.snapshots()
	h.send(stale) // a timer of the finished outage does nothing
	if h.fb.snapshots() != n {
		t.Fatal("a stale retry tick polled")
	}
}

func TestBackoffStopsWhilePaused(t *testing.T) {
	h := newHarness(t, true)
	h.fb.snapErr = errors.New("redisops: Redis unreachable: EOF")
	h.press("R")
	r, _, _ := h.lastRetryTick()
	h.press("p")
	n := h.fb.snapshots()
	h.send(r)
	if h.fb.snapshots() != n {
		t.Fatal("a retry while paused must not poll")
	}
	if v := h.m.View(); !strings.Contains(v, "disconnected since") || !strings.Contains(v, "paused") {
		t.Fatalf("banner while paused:\n%s", v)
	}
	h.fb.snapErr = nil
	h.press("p") // resuming polls at once
	if h.m.disconnected() {
		t.Fatal("resuming reconnects")
	}
}

// blockingBackend's Snapshot blocks until release is closed (or its context
// ends), like a stalled server (DEBUG SLEEP) or a listener that never answers.
type blockingBackend struct {
	fakeBackend
	release  chan struct{}
	started  atomic.Int32
	returned atomic.Int32
}

func (b *blockingBackend) Snapshot(ctx context.Context, o redisops.SnapshotOptions) (*redisops.Snapshot, error) {
	b.started.Add(1)
	defer b.returned.Add(1)
	select {
	case <-b.release:
		return b.fakeBackend.Snapshot(ctx, o)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestKeysNeverWaitOnIO: while the first snapshot hangs, keys still open the
// help, pause and change the interval — their effects are on screen before
// the backend answers.
func TestKeysNeverWaitOnIO(t *testing.T) {
	b := &blockingBackend{release: make(chan struct{})}
	b.snap = testSnapshot(time.Now())
	var once sync.Once
	unblock := func() { once.Do(func() { close(b.release) }) }
	t.Cleanup(unblock)
	m := New(Config{Backend: b, Arming: redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"},
		Renderer: asciiRenderer(), Interval: time.Second, Version: "test"})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m.ctx = ctx
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	f := &flow{TestModel: tm}
	f.wait(t, "waiting for the first snapshot")
	tm.Type("?")
	f.wait(t, "flashtop — keys")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	tm.Type("p")
	f.wait(t, "PAUSED")
	tm.Type("]")
	f.wait(t, "polling every 500ms")
	if b.started.Load() != 1 || b.returned.Load() != 0 {
		t.Fatalf("snapshots started %d, returned %d: the keys were answered while the poll hung", b.started.Load(), b.returned.Load())
	}
	unblock()
	f.wait(t, "Sales (2)")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
}

func TestAnomaliesInHeaderAndPanel(t *testing.T) {
	h := newHarness(t, true)
	h.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	if v := h.m.View(); !strings.Contains(v, "anomalies 0") || !strings.Contains(v, "no anomalies") {
		t.Fatalf("no anomalies yet:\n%s", v)
	}
	s := testSnapshot(t0)
	s.Anomalies = []redisops.Anomaly{
		{Kind: redisops.AnomalyHoldWithoutTTL, Key: "reservation:e\x1b]52;c\a:s1", Detail: "hold has no TTL"},
		{Kind: redisops.AnomalyWrongType, Key: "queue:s1", Detail: "queue key is a list, not a zset"},
	}
	h.fb.snap = s
	h.press("R")
	v := h.m.View()
	for _, want := range []string{"anomalies 2", "Anomalies (2)", "hold_without_ttl", `reservation:e\x1b]52;c\x07:s1`, "wrong_type", "queue key is a list"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.ContainsAny(v, "\x1b\a") {
		t.Fatalf("raw escape bytes in the view: %q", v)
	}
	for range numPanels - 1 {
		h.press("tab")
	}
	if h.m.focus != pAnomalies {
		t.Fatalf("tab reaches the anomalies panel last, focus %d", h.m.focus)
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if h.m.lay.visible(pAnomalies) || !strings.Contains(h.m.View(), "anomalies 2") {
		t.Fatal("80x24 folds the anomalies panel but keeps the count in the header")
	}
}

// TestDashboardNeverShowsSecrets: with a wrong password the banner says
// authentication failed without the password; with the right one, a
// session's token is never drawn. The whole output stream is searched.
func TestDashboardNeverShowsSecrets(t *testing.T) {
	const pw = "Ui-Pa55word-plugh"
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1aS11c2VyIn0.VWlTaWduYXR1cmU"
	srv := redistest.Start(t, "--requirepass", pw)
	rc := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: pw, DisableIdentity: true})
	t.Cleanup(func() { _ = rc.Close() })
	ctx := context.Background()
	if err := rc.Set(ctx, "inventory:s1", 10, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Set(ctx, "session:ui-user", jwt, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url, want string
	}{
		{"redis://:" + pw + "-wrong@" + srv.Addr() + "/0", "authentication failed"},
		{"redis://default:" + pw + "@" + srv.Addr() + "/0", "sessions 1"},
	} {
		client, err := redisops.New(redisops.Options{URL: c.url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Close() })
		m := New(Config{Backend: fullRead{client}, Pins: []string{"s1"}, Renderer: asciiRenderer(), Interval: 250 * time.Millisecond})
		cctx, cancel := context.WithCancel(ctx)
		t.Cleanup(cancel)
		m.ctx = cctx
		tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 48))
		f := &flow{TestModel: tm}
		f.wait(t, c.want)
		f.wait(t, "redis://")
		tm.Type("q")
		final := tm.FinalModel(t, teatest.WithFinalTimeout(flowWait)).(Model)
		all := string(f.seen) + final.View()
		for _, secret := range []string{pw, jwt, jwt[:20]} {
			if strings.Contains(all, secret) {
				t.Fatalf("%s: secret %q drawn:\n%s", c.url[:8], secret, final.View())
			}
		}
	}
}

// stallServer runs DEBUG SLEEP secs on srv in the background and returns once
// the server has stopped answering; the channel closes when the sleep ends.
func stallServer(t *testing.T, srv *redistest.Server, secs string) <-chan struct{} {
	t.Helper()
	rc := srv.Client(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), flowWait)
		defer cancel()
		_ = rc.Do(ctx, "DEBUG", "SLEEP", secs).Err()
	}()
	t.Cleanup(func() { <-done })
	probe := redis.NewClient(&redis.Options{Addr: srv.Addr(), DisableIdentity: true, MaxRetries: -1,
		ReadTimeout: 200 * time.Millisecond})
	defer probe.Close()
	for end := time.Now().Add(flowWait); time.Now().Before(end); {
		if probe.Ping(context.Background()).Err() != nil {
			return done
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the server never stalled")
	return nil
}

// TestFlowStalledServer: a server stalled by DEBUG SLEEP leaves the keys
// working (help, pause) and the dashboard picks up fresh data afterwards.
func TestFlowStalledServer(t *testing.T) {
	srv := redistest.Start(t, "--enable-debug-command", "yes")
	rc := srv.Client(t)
	ctx := context.Background()
	if err := rc.Set(ctx, "inventory:s1", 10, 0).Err(); err != nil {
		t.Fatal(err)
	}
	f := startFlowOn(t, srv, redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"})
	f.wait(t, "Sales (1)")
	done := stallServer(t, srv, "3")
	f.Type("?")
	f.wait(t, "flashtop — keys")
	f.Send(tea.KeyMsg{Type: tea.KeyEsc})
	f.Type("p")
	f.wait(t, "PAUSED")
	f.Type("p")
	<-done
	if err := rc.Set(ctx, "inventory:s1", 7654, 0).Err(); err != nil {
		t.Fatal(err)
	}
	f.wait(t, "7,654") // exact, with a thousands separator
	f.Type("q")
	m := f.FinalModel(t, teatest.WithFinalTimeout(flowWait)).(Model)
	if m.disconnected() || m.snap == nil || *m.snap.Sales[0].Inventory != 7654 {
		t.Fatalf("after the stall: disconnected=%v", m.disconnected())
	}
}

// BenchmarkKeyToView is the cost of answering a key: Update plus the View
// that follows, at 160x48 with 50 holds and 200 queue members on screen.
func BenchmarkKeyToView(b *testing.B) {
	snap := bigSnapshot(t0, 50, 200)
	var m tea.Model = New(Config{Backend: &fakeBackend{snap: snap}, Renderer: asciiRenderer(),
		Clock: func() time.Time { return t0 }, Arming: redisops.Arming{Armed: true}})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	m, _ = m.Update(snapshotMsg{id: 1, snap: snap})
	keys := []tea.KeyMsg{keyMsg("j"), keyMsg("k"), keyMsg("tab"), keyMsg("s")}
	b.ResetTimer()
	for i := range b.N {
		m, _ = m.Update(keys[i%len(keys)])
		_ = m.View()
	}
}
