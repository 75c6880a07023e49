package ui

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// flowWait bounds each wait for the dashboard to show something; it is a
// safety net against a hung test, not a speed requirement.
const flowWait = 20 * time.Second

// startFlow runs the dashboard in teatest against a real redis-server
// seeded with sale s1 (stock 10).
func startFlow(t *testing.T, arming redisops.Arming) (*flow, *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	rc := srv.Client(t)
	if err := rc.Set(context.Background(), "inventory:s1", 10, 0).Err(); err != nil {
		t.Fatal(err)
	}
	f := startFlowOn(t, srv, arming)
	f.wait(t, "Sales (1)")
	return f, rc
}

// startFlowOn starts the dashboard against srv without waiting for data.
func startFlowOn(t *testing.T, srv *redistest.Server, arming redisops.Arming) *flow {
	t.Helper()
	client, err := redisops.New(redisops.Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	m := New(Config{Backend: fullRead{client}, Pins: []string{"s1"}, Arming: arming, Renderer: asciiRenderer(),
		Interval: 250 * time.Millisecond, Version: "test"})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // as Run does: pending ticks end with the test
	m.ctx = ctx
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	return &flow{TestModel: tm}
}

// flow is a teatest model plus everything it has printed so far.
type flow struct {
	*teatest.TestModel
	seen []byte
}

// wait waits until the program's output (since it started) shows want.
func (f *flow) wait(t *testing.T, want string) {
	t.Helper()
	teatest.WaitFor(t, f.Output(), func(b []byte) bool {
		all := slices.Concat(f.seen, b)
		if !bytes.Contains(all, []byte(want)) {
			return false
		}
		f.seen = all
		return true
	}, teatest.WithDuration(flowWait), teatest.WithCheckInterval(20*time.Millisecond))
}

func special(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

func quit(t *testing.T, tm *flow) {
	t.Helper()
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(flowWait))
}

func TestFlowReserveAndReleaseChangeRedis(t *testing.T) {
	tm, rc := startFlow(t, redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"})
	ctx := context.Background()

	tm.Type("r")
	tm.wait(t, "Reserve · sale s1")
	tm.Type("erin")
	tm.Send(special(tea.KeyTab))
	tm.Send(special(tea.KeyBackspace))
	tm.Type("3")
	tm.Send(special(tea.KeyEnter))
	tm.wait(t, "Reserve 3 for user erin")
	tm.Type("y")
	tm.wait(t, "reserved remaining=7")
	hold, err := rc.HGetAll(ctx, "reservation:erin:s1").Result()
	if err != nil || hold["quantity"] != "3" || hold["user_id"] != "erin" {
		t.Fatalf("HGETALL reservation:erin:s1 = %v, %v", hold, err)
	}
	if stock, _ := rc.Get(ctx, "inventory:s1").Int(); stock != 7 {
		t.Fatalf("stock %d after reserving 3 of 10", stock)
	}

	tm.wait(t, "1 hold, 3 units") // the holds title: the sale's count, singular
	tm.Send(special(tea.KeyTab))  // holds panel: under the sales table (tab follows the screen)
	tm.Type("x")
	tm.wait(t, "Release hold reservation:erin:s1 (3 units")
	tm.Type("y")
	tm.wait(t, "released quantity=3 stock=10")
	if n, _ := rc.Exists(ctx, "reservation:erin:s1").Result(); n != 0 {
		t.Fatal("the hold is still there after release")
	}
	if stock, _ := rc.Get(ctx, "inventory:s1").Int(); stock != 10 {
		t.Fatalf("stock %d after release, want 10", stock)
	}
	quit(t, tm)
}

func TestFlowReadOnlyWritesNothing(t *testing.T) {
	tm, rc := startFlow(t, redisops.Arming{Armed: false, Reason: "read-only (--read-only)"})
	ctx := context.Background()
	before := dump(t, rc)
	for _, k := range []string{"r", "i", "A", "+", "-", "="} {
		tm.Type(k)
		tm.Type("5")
		tm.Send(special(tea.KeyEnter))
		tm.Type("y")
	}
	tm.Type("r") // the last status: enter above selected the sale
	tm.wait(t, "refused: read-only (--read-only)")
	tm.Type("?") // keys are handled in order: once help shows, all the above were
	tm.wait(t, "disabled — read-only (--read-only)")
	quit(t, tm)
	if after := dump(t, rc); !slices.Equal(before, after) {
		t.Fatalf("read-only dashboard changed Redis:\nbefore %q\nafter  %q", before, after)
	}
	if n, _ := rc.DBSize(ctx).Result(); n != 1 {
		t.Fatalf("DBSIZE %d, want only inventory:s1", n)
	}
}

// dump lists every key with its type and value, for before/after checks.
func dump(t *testing.T, rc *redis.Client) []string {
	t.Helper()
	ctx := context.Background()
	keys, err := rc.Keys(ctx, "*").Result() // a test server of a handful of keys
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		v, _ := rc.Dump(ctx, k).Result()
		out = append(out, k+"="+v)
	}
	return out
}

func TestFlowStartsDisconnectedAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	srv.Client(t).Set(context.Background(), "inventory:s1", 10, 0)
	srv.Kill()
	tm := startFlowOn(t, srv, redisops.Arming{Armed: true, Reason: "writes armed (loopback server)"})
	tm.wait(t, "disconnected since")
	tm.wait(t, "retrying")
	srv.Restart()
	tm.wait(t, "Sales (1)") // the next tick retried and got data
	tm.Type("q")
	m := tm.FinalModel(t, teatest.WithFinalTimeout(flowWait)).(Model)
	if m.disconnected() || m.snap == nil {
		t.Fatalf("after the restart: disconnected=%v snap=%v", m.disconnected(), m.snap != nil)
	}
}
