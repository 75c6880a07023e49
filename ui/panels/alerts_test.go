package panels

import (
	"strings"
	"testing"

	"flashtop/alerts"
	"flashtop/ui/table"
)

// An active alert gives its cell the alert colour, and only its cell: the
// sales table's ETA, HEAD and LEAKED, the server's scripts and memory. The
// text is the same with and without it (an ASCII view cannot tell them
// apart: the header's "alerts N" counts them).
func TestAlertedCellsTakeTheAlertColour(t *testing.T) {
	st := colourStyles()
	snap := fixture(t0)
	snap.Sales[0].LeakedUnits, snap.Sales[0].LeakedHolds = 12, 3
	active := alerts.Set{{Rule: alerts.HeadAge, Sale: "sale-b"}: true, {Rule: alerts.LeakRate, Sale: "sale-b"}: true}
	view := func(set alerts.Set, styles bool) string {
		s := asciiStyles()
		if styles {
			s = st
		}
		m := NewSales(s)
		m.SetData(Data{Snap: snap, Now: t0, Alerts: set})
		m.SetSize(120, 8) // the cursor row is sale-a's (by id): sale-b's cells show their own tones
		return m.View()
	}
	on, off := view(active, true), view(nil, true)
	head := table.Align("1m05s", smallNumWidth, true)
	leaked := table.Align("12u/3h", leakedWidth, true)
	for _, cell := range []string{head, leaked} {
		if !strings.Contains(on, st.Alert.Render(cell)) {
			t.Errorf("alerted %q is not in the alert colour:\n%q", cell, on)
		}
		if strings.Contains(off, st.Alert.Render(cell)) {
			t.Errorf("%q in the alert colour without an alert", cell)
		}
	}
	if !strings.Contains(off, st.Warn.Render(head)) {
		t.Errorf("without the alert HEAD keeps its warning tone:\n%q", off)
	}
	if a, b := view(active, false), view(nil, false); a != b {
		t.Errorf("the alert changed the text:\n%s\n%s", a, b)
	}

	srv := NewServer(st)
	srv.SetData(Data{Snap: snap, Now: t0, Alerts: alerts.Set{{Rule: alerts.ScriptP99}: true, {Rule: alerts.Memory}: true}})
	srv.SetSize(80, 14)
	v := srv.View()
	for _, want := range []string{"since start evalsha p99 76µs · p50 16µs · p99.9 80µs", "3.0M / 1.0G (0%)"} {
		if !strings.Contains(v, st.Alert.Render(want)) {
			t.Errorf("server %q not in the alert colour:\n%q", want, v)
		}
	}
}
