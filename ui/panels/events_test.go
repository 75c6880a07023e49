package panels

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"flashtop/salelog"
)

func feedData(now time.Time) Data {
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	return Data{Now: now, EventsSince: at(-60), Events: []salelog.Event{ // newest first
		{Kind: salelog.SoldOut, Sale: "sneaker-drop", First: at(-5), At: at(-5), From: 3},
		{Kind: salelog.Admitted, Sale: "sneaker-drop", First: at(-40), At: at(-8), N: 64, Pops: 8},
		{Kind: salelog.Expired, Sale: "evil\x1b[2Jsale", First: at(-45), At: at(-45), N: 3, Units: 7, Pops: 1},
		{Kind: salelog.Opened, Sale: "console-drop", First: at(-52), At: at(-52), To: 400},
	}}
}

// The feed lists its events newest first with their times, sanitizes sale
// ids, says how long a growing line has run, colours sold out in its own
// colour, and filters.
func TestEventsFeed(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	m := NewEvents(asciiStyles())
	m.SetSize(70, 8)
	m.SetData(feedData(now))
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 8:\n%s", len(lines), v)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 70 {
			t.Fatalf("line %q is %d wide", l, w)
		}
	}
	if !strings.Contains(lines[0], "Events · since 11:59:00") {
		t.Errorf("title %q", lines[0])
	}
	want := []string{
		"11:59:55 sneaker-drop SOLD OUT: stock 3 → 0",
		"11:59:20 sneaker-drop 64 admitted in 8 pops · over 32s",
		`11:59:15 evil\x1b[2Jsale 3 holds expired → 7 units lost`,
		"11:59:08 console-drop opened: 400 in stock",
	}
	for i, w := range want {
		if got := strings.Join(strings.Fields(strings.Trim(lines[2+i], "│ ▸")), " "); !strings.HasPrefix(got, w) {
			t.Errorf("row %d = %q, want %q", i, got, w)
		}
	}
	if strings.Contains(v, "\x1b") {
		t.Errorf("an escape from a sale id reached the view: %q", v)
	}

	st := colourStyles()
	c := NewEvents(st)
	c.SetSize(70, 8)
	c.SetData(feedData(now))
	on, _, _ := strings.Cut(st.SoldOut.Render("X"), "X") // the colour's escape
	if cv := c.View(); !strings.Contains(cv, on+"SOLD OUT: stock 3 → 0") {
		t.Errorf("sold out is not in the SOLD OUT colour:\n%s", cv)
	}

	d := feedData(now)
	d.Filter = "console"
	m.SetData(d)
	if v := m.View(); !strings.Contains(v, "opened: 400") || strings.Contains(v, "SOLD OUT") {
		t.Errorf("filter console:\n%s", v)
	}
	m.SetData(Data{Now: now})
	if v := m.View(); !strings.Contains(v, noEventsYet) || m.Want() != 0 {
		t.Errorf("empty feed (want %d):\n%s", m.Want(), v)
	}
}
