package ui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"flashtop/redisops"
	"flashtop/ui/theme"
)

// feedSnapshot is testSnapshot with feed status f and, when scan >= 0, a
// cost meter whose walk has covered scan of the keyspace.
func feedSnapshot(f *redisops.FeedStatus, scan float64) *redisops.Snapshot {
	s := testSnapshot(t0)
	s.Feed = f
	if scan >= 0 {
		s.Cost = &redisops.PollCost{Commands: 12, RoundTrips: 1, ScanProgress: scan, WalksDone: 1, HoldsIndexed: 2}
	}
	return s
}

// showSnapshot makes s the fake's answer and polls it now.
func showSnapshot(h *harness, s *redisops.Snapshot) {
	h.t.Helper()
	h.fb.mu.Lock()
	h.fb.snap = s
	h.fb.mu.Unlock()
	h.press("R")
}

// barOf returns the view's last line (the arming line), its padding trimmed.
func barOf(v string) string {
	lines := strings.Split(v, "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// rowOf returns the sales table row of sale id, split into its cells:
// SALE STOCK Δ/MIN ETA QUEUE HEAD HOLDS HELD LEAKED … (every cell is one word).
func rowOf(t *testing.T, v, id string) []string {
	t.Helper()
	for _, l := range strings.Split(v, "\n") {
		l, _, _ = strings.Cut(strings.TrimPrefix(l, "│"), "│") // the sales panel only
		if f := strings.Fields(strings.Trim(l, "▸● ")); len(f) >= 9 && f[0] == id {
			return f
		}
	}
	t.Fatalf("no sales row %q in:\n%s", id, v)
	return nil
}

// The arming line says, after the arming reason, whether the hold counts are
// live: the exact words of each feed state, with its reason where it fits,
// and the HOLDS and HELD cells of every row marked "~" whenever they are not.
func TestStatusBarSaysWhetherHoldsAreLive(t *testing.T) {
	asOf := t0.Add(-29*time.Second - 500*time.Millisecond) // shown to the second: 11:59:30
	const arming = "writes armed (loopback server)  "
	cases := []struct {
		name   string
		snap   *redisops.Snapshot
		wide   string // at 160 columns
		narrow string // at 80 columns: the reason goes first
		live   bool
	}{
		{"full read (no feed status)", feedSnapshot(nil, -1), "holds live", "holds live", true},
		{"live", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedLive, AsOf: asOf, PushedPerSec: 3}, 0.5),
			"holds live", "holds live", true},
		{"verifying", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedVerifying, Reason: "feed armed: the repair walk runs", AsOf: asOf}, 0.42),
			"holds verifying (repair walk 42%) · feed armed: the repair walk runs", "holds verifying (repair walk 42%)", false},
		{"verifying without a cost meter", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedVerifying, AsOf: asOf}, -1),
			"holds verifying", "holds verifying", false},
		{"reconnecting", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedReconnecting, Reason: "feed connection lost", AsOf: asOf}, 0.1),
			"holds as of 11:59:30 · feed reconnecting: feed connection lost", "holds as of 11:59:30 · feed reconnecting", false},
		{"off, ACL", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedOff, Reason: "ACL refused CLIENT TRACKING", AsOf: asOf}, 0.3),
			"holds as of 11:59:30 · walk only: ACL refused CLIENT TRACKING", "holds as of 11:59:30 · walk only", false},
		{"off, no walk finished yet", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedOff, Reason: "server too old"}, 0.375),
			"holds incomplete (walk 37%) · walk only: server too old", "holds incomplete (walk 37%) · walk only", false},
		{"off, hostile reason", feedSnapshot(&redisops.FeedStatus{State: redisops.FeedOff, Reason: "\x1b[2Jgone", AsOf: asOf}, 0),
			`holds as of 11:59:30 · walk only: \x1b[2Jgone`, `holds as of 11:59:30 · walk only: \x1b[2Jgone`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := goldenHarness(t, 160, 48)
			showSnapshot(h, c.snap)
			v := h.m.View()
			checkBounds(t, v, 160, 48, c.name)
			if bar := barOf(v); !strings.HasPrefix(bar, arming+c.wide+"  ? help") {
				t.Errorf("160 columns: bar\n %q\nwant it to start with\n %q", bar, arming+c.wide+"  ? help")
			}
			for _, id := range []string{"s1", "s2"} {
				cells := rowOf(t, v, id)
				holds, held := cells[6], cells[7]
				if marked := strings.HasSuffix(holds, "~") && strings.HasSuffix(held, "~"); marked == c.live ||
					strings.HasSuffix(holds, "~") != strings.HasSuffix(held, "~") {
					t.Errorf("row %s: HOLDS %q HELD %q (counts live: %v)", id, holds, held, c.live)
				}
			}
			want := "2~ 3~"
			if c.live {
				want = "2 3"
			}
			if got := strings.Join(rowOf(t, v, "s1")[6:8], " "); got != want {
				t.Errorf("row s1: HOLDS HELD %q, want %q", got, want)
			}
			h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			v = h.m.View()
			checkBounds(t, v, 80, 24, c.name)
			if bar := barOf(v); !strings.HasPrefix(bar, arming+c.narrow+"  ") {
				t.Errorf("80 columns: bar\n %q\nwant it to start with\n %q", bar, arming+c.narrow+"  ")
			}
		})
	}
}

// Paused or disconnected, even live counts are only as good as the last
// snapshot: the bar gives its time instead of "live".
func TestStatusBarHoldsAsOfTheSnapshotWhenStale(t *testing.T) {
	h := goldenHarness(t, 160, 48)
	showSnapshot(h, feedSnapshot(&redisops.FeedStatus{State: redisops.FeedLive}, 0))
	h.press("p")
	if bar := barOf(h.m.View()); !strings.Contains(bar, "  holds as of 12:00:00  ") || strings.Contains(bar, "holds live") {
		t.Fatalf("paused: %q", bar)
	}
	h.press("p")
	if bar := barOf(h.m.View()); !strings.Contains(bar, "  holds live  ") {
		t.Fatalf("resumed: %q", bar)
	}
}

// As the terminal narrows the freshness drops its reason, then its state,
// and is cut last; the arming reason stays whole.
func TestFreshnessDegradesReasonFirst(t *testing.T) {
	f := holdsFreshness(feedSnapshot(&redisops.FeedStatus{State: redisops.FeedOff, Reason: "ACL refused CLIENT TRACKING",
		AsOf: t0.Add(-time.Minute)}, 0.5), false, time.UTC)
	for _, c := range []struct {
		w    int
		want string
	}{
		{80, "holds as of 11:59:00 · walk only: ACL refused CLIENT TRACKING"},
		{61, "holds as of 11:59:00 · walk only: ACL refused CLIENT TRACKING"},
		{60, "holds as of 11:59:00 · walk only"},
		{32, "holds as of 11:59:00 · walk only"},
		{31, "holds as of 11:59:00"},
		{20, "holds as of 11:59:00"},
		{10, "holds as …"},
		{0, ""},
	} {
		if got := f.pick(c.w); got != c.want || ansi.StringWidth(got) > c.w {
			t.Errorf("pick(%d) = %q, want %q", c.w, got, c.want)
		}
	}
	if f.live {
		t.Error("walk only counts reported live")
	}
	for _, w := range []int{40, 50, 60, 70} {
		h := goldenHarness(t, w, 24)
		showSnapshot(h, feedSnapshot(&redisops.FeedStatus{State: redisops.FeedOff, Reason: "ACL refused CLIENT TRACKING",
			AsOf: t0.Add(-time.Minute)}, 0.5))
		v := h.m.View()
		checkBounds(t, v, w, 24, "narrow bar")
		if bar := barOf(v); !strings.HasPrefix(bar, "writes armed (loopback server)") {
			t.Errorf("%d columns: the arming reason was cut: %q", w, bar)
		}
	}
}

// The cost meter shows the push feed: keys pushed per second, and armed
// over masters in a cluster; nothing without a feed status.
func TestCostMeterShowsTheFeed(t *testing.T) {
	for _, c := range []struct {
		f    *redisops.FeedStatus
		want string
	}{
		{nil, ""},
		{&redisops.FeedStatus{State: redisops.FeedLive, PushedPerSec: 120.4, Masters: 1, Armed: 1}, "feed 120 keys/s"},
		{&redisops.FeedStatus{State: redisops.FeedLive, PushedPerSec: 0.44, Masters: 1, Armed: 1}, "feed 0.4 keys/s"},
		{&redisops.FeedStatus{State: redisops.FeedVerifying, PushedPerSec: 0, Masters: 1, Armed: 1}, "feed 0 keys/s"},
		{&redisops.FeedStatus{State: redisops.FeedReconnecting, PushedPerSec: 15230, Masters: 3, Armed: 2}, "feed 2/3 armed · 15.2k keys/s"},
		{&redisops.FeedStatus{State: redisops.FeedOff, Reason: "server too old", Masters: 3}, "feed off"},
	} {
		if got := feedText(c.f); got != c.want {
			t.Errorf("feedText(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
	h := goldenHarness(t, 200, 48)
	showSnapshot(h, feedSnapshot(&redisops.FeedStatus{State: redisops.FeedLive, PushedPerSec: 120, Masters: 3, Armed: 3}, 0.5))
	want := "data from 12:00:00  ·  tick 12 cmd · 1 trip · 0B↑ 0B↓ · rtt 0ms │ scan 50% · 1 walk · 2 holds · events off · feed 3/3 armed · 120 keys/s"
	lines := strings.Split(h.m.View(), "\n")
	if got := strings.TrimRight(lines[len(lines)-2], " "); got != want {
		t.Fatalf("data line\n %q\nwant\n %q", got, want)
	}
}

// Live counts are drawn in the good tone, every other state in the warning
// tone (styles from ui/theme).
func TestFreshnessTone(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	h := goldenHarness(t, 160, 48)
	h.m.st = theme.New(r)
	if got, want := h.m.freshnessText(100), h.m.st.HoldsLive.Render("holds live"); got != want {
		t.Errorf("live: %q, want %q", got, want)
	}
	showSnapshot(h, feedSnapshot(&redisops.FeedStatus{State: redisops.FeedReconnecting, AsOf: t0}, 0))
	want := h.m.st.HoldsNotLive.Render("holds as of 12:00:00 · feed reconnecting")
	if got := h.m.freshnessText(100); got != want || want == h.m.st.HoldsLive.Render("holds as of 12:00:00 · feed reconnecting") {
		t.Errorf("reconnecting: %q, want %q", got, want)
	}
	if fg := h.m.st.HoldsNotLive.GetForeground(); fg != theme.DefaultPalette().Warn {
		t.Errorf("not live is drawn in %v, not the warning colour", fg)
	}
}
