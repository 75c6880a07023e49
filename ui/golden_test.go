package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/ui/panels"
)

// The sale ids of the busy golden: a real backend's UUIDs beside debug ids.
const (
	uuidSale = "3f2a8c1e-5b7d-4e9a-9c21-7d9e01b4a6f3"
	uuidUser = "b71c2d40-8e5f-4a3b-9d6c-1e2f3a4b5c6d"
)

// busySnapshot is a sale under load at at: uuidSale selling 2 units a
// second from stock (952 holds, 1,431 units, of which the 40 soonest are
// read; a 538-buyer queue whose head window is read), two debug sales and a
// sold-out one with a queue.
func busySnapshot(at time.Time, stock int64) *redisops.Snapshot {
	s := testSnapshot(at)
	head := int64((4*time.Minute + 41*time.Second) / time.Millisecond) // the queue head waited 4m41s
	arrivals, admitted := 42.0, 36.0                                   // per minute, over the last minute
	s.Sales = []redisops.SaleStats{
		{ID: uuidSale, Inventory: i64(stock), QueueLength: 538, QueueHeadAgeMs: &head, Reservations: 952, ReservedUnits: 1431,
			QueueStats: &redisops.QueueStats{Waiters: 538, WaitP50Ms: i64(130_000), WaitP90Ms: i64(242_000), WaitP99Ms: &head,
				ArrivalsPerMin: &arrivals, AdmittedPerMin: &admitted, Arrivals: i64(42), Admitted: i64(36),
				AdmittedFrom: redisops.QueueCountHead, ExpectedWaitMs: i64(538 * 60_000 / 36), WindowMs: i64(60_000)}},
		{ID: "bb-two", Inventory: i64(500), QueueLength: 3, Reservations: 1, ReservedUnits: 2},
		{ID: "coffee-slow-burn", Inventory: i64(24960)},
		{ID: "sneaker-drop", Inventory: i64(0), QueueLength: 41, LeakedUnits: 7, LeakedHolds: 3, LeakedUnverifiedUnits: 2},
	}
	s.Reservations = nil
	for i := range 40 {
		reserved := at.Add(-time.Duration(300-i*5) * time.Second)
		s.Reservations = append(s.Reservations, redisops.Hold{Sale: uuidSale, User: fmt.Sprintf("buyer-%04d", i), Quantity: int64(i%3 + 1),
			ReservedAt: &reserved, TTLMs: int64(i*5000 + 800), Key: fmt.Sprintf("reservation:buyer-%04d:%s", i, uuidSale), Shape: redisops.HoldShapeHash})
	}
	q := make([]redisops.QueueEntry, 0, 20)
	for i := range 20 {
		q = append(q, redisops.QueueEntry{User: fmt.Sprintf("waiting-%04d", i), Position: int64(i + 1),
			JoinedAtMs: at.UnixMilli() - head + int64(i)*1000})
	}
	s.Queues = map[string][]redisops.QueueEntry{uuidSale: q}
	s.Anomalies = []redisops.Anomaly{{Kind: redisops.AnomalyHoldWithoutTTL, Key: "reservation:u7:sneaker-drop", Detail: "hold has no TTL"}}
	return s
}

// busyHarness is the dashboard at w×h, with the default alert thresholds,
// after three minutes of polls every five seconds of busySnapshot, the UUID sale selected, and in the command
// log one tick's leaks, a refused take and (newest) a reserve by a UUID user.
// In the event feed: the four sales open (the first poll had two others),
// the UUID sale admits 3 a poll and sneaker-drop sells out 30 s before the end.
func busyHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := newHarness(t, true, uuidSale)
	hs.m.cfg.Alerts = alerts.Defaults() // as the command line runs it: the head of 4m41s is an alert
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	const polls, every, perSecond = 37, 5 * time.Second, 2
	for i := range polls {
		at := t0.Add(time.Duration(i) * every)
		*hs.now = at
		snap := busySnapshot(at, 2000-int64(i)*int64(every/time.Second)*perSecond)
		if i < polls-6 { // sneaker-drop sells out half a minute before the end
			snap.Sales[3].Inventory = i64(4)
		}
		for k := range snap.Queues[uuidSale] { // the head moves by 3 a poll: admissions
			snap.Queues[uuidSale][k].User = fmt.Sprintf("waiting-%04d", 3*i+k)
		}
		hs.fb.snap = snap
		hs.press("R")
	}
	end := *hs.now
	leaks := []redisops.WatchedLeak{
		{Leak: redisops.Leak{Sale: "sneaker-drop", Key: "reservation:u1:sneaker-drop", Quantity: 3, At: end.Add(-20 * time.Second), Class: redisops.LeakVerified}, Recorded: true},
		{Leak: redisops.Leak{Sale: "sneaker-drop", Key: "reservation:u2:sneaker-drop", Quantity: 2, At: end.Add(-20 * time.Second), Class: redisops.LeakUnverified}, Recorded: true},
		{Leak: redisops.Leak{Sale: "sneaker-drop", Key: "reservation:u3:sneaker-drop", Quantity: 2, At: end.Add(-20 * time.Second), Class: redisops.LeakVerified}, Recorded: true},
	}
	for _, e := range leakEntries(leaks) {
		hs.m.appendLog(e)
	}
	hs.m.appendLog(panels.LogEntry{At: end.Add(-10 * time.Second), Command: "inventory take --sale bb-two --qty 900", Status: redisops.StatusInsufficientStock})
	hs.m.appendLog(panels.LogEntry{At: end, Command: "reserve --sale " + uuidSale + " --user " + uuidUser + " --qty 2 --ttl 300s",
		Status: redisops.StatusReserved, OK: true})
	hs.m.pushData()
	*hs.now = end.Add(time.Second)
	hs.send(clockTickMsg{})
	return hs
}

// TestGoldenDashboard: the whole dashboard of a busy sale at the sizes
// operators use. The sales table is as tall as its rows, the ETA shows at
// 120 columns, the holds title gives the sale's totals, UUIDs are whole
// where they fit and the command log keeps every user in view.
func TestGoldenDashboard(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 36}, {160, 45}, {230, 70}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := busyHarness(t, sz[0], sz[1])
			v := h.m.View()
			checkBounds(t, v, sz[0], sz[1], "golden")
			want := []string{"Sales (4)", "Holds", "952", "Queue", "538", "Command log", "--user"}
			if sz[0] >= wideWidth {
				want = append(want, "ETA", uuidSale, "Server", "Slowlog", "Anomalies", "sneaker-drop: 3 holds expired, 7 units lost (2 unverified)")
			}
			for _, s := range want {
				if !strings.Contains(v, s) {
					t.Errorf("%dx%d lacks %q:\n%s", sz[0], sz[1], s, v)
				}
			}
			if got, want := h.m.lay.panels[pSales].h, 1+4+panelFrame; got != want { // header, 4 sales, border
				t.Errorf("%dx%d: the sales panel is %d high, want %d (its rows)", sz[0], sz[1], got, want)
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// TestGoldenDemoHelp80x24: the help of --demo at 80 columns wraps its
// columns: quit and every demo key are on screen.
func TestGoldenDemoHelp80x24(t *testing.T) {
	h := newDemoHarness(t, &fakeSim{speed: 1}, nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("?")
	v := h.m.View()
	checkBounds(t, v, 80, 24, "help")
	for _, s := range []string{"q quit", "demo: buyers faster", "demo: buyers slower", "demo: pause buyers", "demo: rush", "? or esc closes"} {
		if !strings.Contains(v, s) {
			t.Errorf("demo help at 80x24 lacks %q:\n%s", s, v)
		}
	}
	golden.RequireEqual(t, []byte(v))
}
