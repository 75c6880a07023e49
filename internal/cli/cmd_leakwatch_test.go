package cli

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
	"flashtop/ui"
)

// TestDashboardLeakWatchOutcomes wires the dashboard's backend exactly as
// runDashboard does (poller, then watchLeaks) and polls it once a second
// while another client releases holds 600…40 ms before their deadlines and
// lets two expire, with keyspace events off and on: the snapshots carry exactly the two verified leaks, and
// the Redis ledger (writes armed on loopback) counts them.
func TestDashboardLeakWatchOutcomes(t *testing.T) {
	for _, events := range []string{"", "Kgx$he"} {
		t.Run("events="+events, func(t *testing.T) { dashboardLeakWatch(t, events) })
	}
}

func dashboardLeakWatch(t *testing.T, events string) {
	srv := redistest.StartLazyExpiry(t, redistest.EventsArgs(events)...)
	rdb := srv.Client(t)
	ctx := context.Background()
	cfg, err := parseFlags([]string{"--redis-url", srv.URL()}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	client, err := connect(ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	poller := read.NewPoller(client, read.PollerOptions{})
	defer poller.Close()
	uc := ui.Config{Backend: poller, Arming: redisops.WriteArming(client.Hosts(), false, false, false)}
	closeRec, err := watchLeaks(cfg, &uc)
	if err != nil {
		t.Fatal(err)
	}
	defer closeRec()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	poll := func() *redisops.Snapshot {
		s, err := uc.Backend.Snapshot(ctx, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for s := poll(); s.Feed.State != redisops.FeedLive; s = poll() {
		time.Sleep(50 * time.Millisecond)
	}
	wait := startReleases(t, rdb)
	var leaks []string
	var last *redisops.Snapshot
	for end := time.Now().Add(4 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		last = poll()
		for _, l := range last.Leaks {
			leaks = append(leaks, l.User+":"+l.Class)
		}
	}
	wait()
	slices.Sort(leaks)
	if got := strings.Join(leaks, " "); got != "exp1:verified exp2:verified" {
		t.Fatalf("the dashboard's leak watch saw %q, want the two expired holds, verified", got)
	}
	for _, row := range last.Sales {
		if row.ID == "s1" && (row.LeakedUnits != 4 || row.LeakedHolds != 2 || row.LeakedUnverifiedUnits != 0) {
			t.Fatalf("LEAKED of s1 from the ledger: %+v", row)
		}
	}
}
