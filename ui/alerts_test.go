package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"flashtop/alerts"
	"flashtop/salelog"
)

// header is the header's text.
func (h *harness) header() string { return strings.Join(h.m.headerLines(), "\n") }

// A queue head past --alert-head-age: the header counts the alert, and the
// bell rings once when it is raised, not again while it stays, and again
// when it is raised anew after clearing. The head ages with the clock
// between polls.
func TestAlertsHeaderCountAndBell(t *testing.T) {
	h := newHarness(t, true)
	var bell bytes.Buffer
	h.m.cfg.Alerts = alerts.Thresholds{HeadAge: 45 * time.Second}
	h.m.cfg.Bell = &bell
	h.send(clockTickMsg{}) // s1's head is 30 s old: no alert
	if head := h.header(); strings.Contains(head, "alerts") || bell.Len() != 0 {
		t.Fatalf("an alert at 30 s (bell %q):\n%s", bell.String(), head)
	}
	*h.now = t0.Add(15 * time.Second) // 45 s: at the threshold
	h.send(clockTickMsg{})
	if head := h.header(); !strings.Contains(head, "alerts 1") {
		t.Fatalf("no alert count at 45 s:\n%s", head)
	}
	if bell.String() != "\a" {
		t.Fatalf("bell %q, want one BEL", bell.String())
	}
	if row := salesLine(t, h.m.View(), "s1"); !strings.Contains(row, "45s") {
		t.Errorf("HEAD of s1: %q", row)
	}
	*h.now = t0.Add(20 * time.Second)
	h.send(clockTickMsg{})
	snap := testSnapshot(t0.Add(20 * time.Second))
	snap.Sales[0].QueueHeadAgeMs = i64(50_000) // the same head, 20 s later
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	if bell.String() != "\a" || !strings.Contains(h.header(), "alerts 1") {
		t.Fatalf("still active: bell %q, header:\n%s", bell.String(), h.header())
	}
	// Admitted: a fresh head clears the alert and the count.
	snap = testSnapshot(t0.Add(21 * time.Second))
	snap.Sales[0].QueueHeadAgeMs = i64(1000)
	*h.now = t0.Add(21 * time.Second)
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	if head := h.header(); strings.Contains(head, "alerts") {
		t.Fatalf("cleared, still counted:\n%s", head)
	}
	// A second sale past the threshold, with memory: two new alerts, two BELs.
	snap = testSnapshot(t0.Add(22 * time.Second))
	snap.Sales[1].QueueHeadAgeMs, snap.Sales[1].QueueLength = i64(60_000), 1
	snap.Server.UsedMemory = snap.Server.Maxmemory
	h.m.cfg.Alerts.MemoryPct = 90
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	if head := h.header(); !strings.Contains(head, "alerts 2") {
		t.Fatalf("two alerts:\n%s", head)
	}
	if bell.String() != "\a\a\a" {
		t.Fatalf("bell %q, want three BELs in all", bell.String())
	}
	// Each raising is a line of the event feed, newest first, without the
	// sale repeated; one that stays active is not written again.
	var feed []string
	for _, e := range h.m.events {
		if e.Kind == salelog.Alert {
			feed = append(feed, e.Sale+" | "+e.Text())
		}
	}
	want := []string{ // the last two raised in one judgement, in the order judged (server first)
		"s2 | ALERT: queue head has waited 1m00s (alert at 45s)",
		" | ALERT: memory at 100% of maxmemory (alert at 90%)",
		"s1 | ALERT: queue head has waited 45s (alert at 45s)",
	}
	if len(feed) != len(want) {
		t.Fatalf("alerts in the feed %q, want %q", feed, want)
	}
	for i := range want {
		if feed[i] != want[i] {
			t.Errorf("feed alert %d = %q, want %q", i, feed[i], want[i])
		}
	}
}

// Without --bell no BEL is written anywhere, and thresholds of 0 raise
// nothing.
func TestAlertsNoBellByDefault(t *testing.T) {
	h := newHarness(t, true)
	h.m.cfg.Alerts = alerts.Thresholds{HeadAge: time.Second}
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: testSnapshot(t0.Add(time.Second))})
	if !strings.Contains(h.header(), "alerts 1") {
		t.Fatalf("no count:\n%s", h.header())
	}
	if h.m.cfg.Bell != nil {
		t.Fatal("a bell by default")
	}
	h.m.cfg.Alerts = alerts.Thresholds{}
	h.send(clockTickMsg{})
	if strings.Contains(h.header(), "alerts") {
		t.Fatalf("alerts with every threshold 0:\n%s", h.header())
	}
}

// The header's memory takes the alert colour's segment while the memory
// alert is active (the text stays "mem used/max").
func TestAlertsHeaderMemory(t *testing.T) {
	h := newHarness(t, true)
	h.m.cfg.Alerts = alerts.Thresholds{MemoryPct: 50}
	snap := testSnapshot(t0.Add(time.Second))
	snap.Server.UsedMemory = snap.Server.Maxmemory / 2
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	if !h.m.alerts.set.Has(alerts.Memory, "") || !strings.Contains(h.header(), "mem 128.0M/256.0M") {
		t.Fatalf("memory alert %v:\n%s", h.m.alerts.active, h.header())
	}
	seg := h.m.memSegment("x")
	if seg.style == nil || seg.style.Render("x") != h.m.st.Alert.Render("x") {
		t.Errorf("the memory segment is not in the alert style")
	}
}

// salesLine is the line of the sales table of sale id in view.
func salesLine(t *testing.T, view, id string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if f := strings.Fields(strings.Trim(l, "│▸● ")); len(f) > 0 && f[0] == id {
			return l
		}
	}
	t.Fatalf("no row %q:\n%s", id, view)
	return ""
}

// The sell-out alert judges the ETA the sales table shows. s2 starts at 5
// (the first poll), jumps to 99 (a rise: no sale) and then sells one a
// second: 19 units in the 20 s window, 57/min, 80 left → 84.2 s, "1m24s" in
// the ETA column and in the alert.
func TestAlertsSellOutIsTheTablesETA(t *testing.T) {
	h := newHarness(t, true)
	h.m.cfg.Alerts = alerts.Thresholds{SellOut: 2 * time.Minute}
	for s := 0; s <= 20; s++ {
		at := t0.Add(time.Duration(s) * time.Second)
		snap := testSnapshot(at)
		snap.Sales[1].Inventory = i64(int64(100 - s))
		*h.now = at
		h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	}
	if row := salesLine(t, h.m.View(), "s2"); !strings.Contains(row, " 1m24s ") {
		t.Fatalf("ETA of s2: %q", row)
	}
	if a := h.m.alerts.active; len(a) != 1 || a[0].Rule != alerts.SellOut || a[0].Text != "s2 sells out in 1m24s (alert under 2m00s)" {
		t.Fatalf("alerts %+v", a)
	}
}

// A server clock 40 s behind flashtop's: the queue head, the holds'
// countdowns and the head-age alert age from the snapshot in the server's
// time (the poller's clock offset), not by the 40 s difference.
func TestServerClockOffsetDoesNotAgeTheData(t *testing.T) {
	h := newHarness(t, true)
	h.m.cfg.Alerts = alerts.Thresholds{HeadAge: 45 * time.Second}
	server := t0.Add(-40 * time.Second) // the server's clock when flashtop's reads t0
	snap := testSnapshot(server)        // s1's head has waited 30 s; dave's hold has 120 s left
	off := -40_000.0
	snap.ClockOffsetMs = &off
	h.send(snapshotMsg{id: h.m.poll.reqID, snap: snap})
	*h.now = t0.Add(10 * time.Second)
	h.send(clockTickMsg{})
	v := h.m.View()
	if row := salesLine(t, v, "s1"); !strings.Contains(row, "40s") {
		t.Errorf("s1's head after 10 s more: %q, want 40s", row)
	}
	if strings.Contains(h.header(), "alerts") {
		t.Errorf("a 40 s head alerted at 45 s: the clocks' difference was counted:\n%s", h.header())
	}
	if !strings.Contains(v, "1m50s") { // dave: 120 s left at the read, 10 s later
		t.Errorf("dave's countdown is not 1m50s:\n%s", v)
	}
}
