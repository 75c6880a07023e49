package panels

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// anomalyFixture is a snapshot with one anomaly of each kind, two of them on
// hostile keys.
func anomalyFixture() *redisops.Snapshot {
	s := fixture(t0)
	s.Anomalies = []redisops.Anomaly{
		{Kind: redisops.AnomalyHoldBadQuantity, Key: "reservation:u\x1b[2J:sale-b", Detail: "quantity \"-3\" is not a positive integer"},
		{Kind: redisops.AnomalyHoldWithoutTTL, Key: "reservation:u-forever:sale-b", Detail: "hold has no TTL"},
		{Kind: redisops.AnomalyQueueBadScore, Key: "queue:sale-c", Detail: "1 of the first 1 members have a score that is not a join time in ms"},
		{Kind: redisops.AnomalyQueueOverCap, Key: "queue:sale-b", Detail: "queue holds 12 members, over the cap of 10"},
		{Kind: redisops.AnomalyStockInvalid, Key: "inventory:\xff\xfe" + strings.Repeat("x", 500), Detail: "stock is negative (-1)"},
		{Kind: redisops.AnomalyWrongType, Key: "inventory:sale-z", Detail: "stock key is a list, not a string"},
	}
	return s
}

func TestAnomaliesPanelListsEveryKind(t *testing.T) {
	m := NewAnomalies(asciiStyles())
	m.SetSize(120, 10)
	m.SetData(Data{Snap: anomalyFixture(), Now: t0})
	v := m.View()
	checkBounds(t, "anomalies", v, 120, 10)
	for _, want := range []string{"Anomalies (6)", "KIND", "KEY", "DETAIL", "hold_bad_quantity", "hold_without_ttl",
		"queue_bad_score", "queue_over_cap", "stock_invalid", "wrong_type", `reservation:u\x1b[2J:sale-b`,
		`inventory:\xff\x`, "xxxxxxxxxx", "stock key is a list"} { // a long key loses its middle
		if !strings.Contains(v, want) {
			t.Errorf("anomalies view lacks %q:\n%s", want, v)
		}
	}
	if strings.IndexByte(v, 0x1b) >= 0 || strings.IndexByte(v, 0xff) >= 0 {
		t.Fatalf("raw control or invalid bytes reached the view: %q", v)
	}
}

func TestAnomaliesPanelEmptyStaleAndSmall(t *testing.T) {
	m := NewAnomalies(asciiStyles())
	m.SetSize(60, 5)
	if v := m.View(); !strings.Contains(v, noData) {
		t.Fatalf("before data:\n%s", v)
	}
	s := fixture(t0)
	m.SetData(Data{Snap: s, Now: t0})
	if v := m.View(); !strings.Contains(v, noAnomalies) {
		t.Fatalf("no anomalies:\n%s", v)
	}
	m.SetData(Data{Snap: anomalyFixture(), Now: t0.Add(12e9), Stale: true})
	if v := m.View(); !strings.Contains(v, "data 12s old") {
		t.Fatalf("stale data shows no age:\n%s", v)
	}
	for w := 0; w <= 130; w += 7 {
		for h := 0; h <= 12; h++ {
			m.SetSize(w, h)
			checkBounds(t, "anomalies", m.View(), w, h)
		}
	}
}

func TestAnomaliesPanelScrollsWhenFocused(t *testing.T) {
	m := NewAnomalies(asciiStyles())
	m.SetSize(100, 5) // 3 inner lines: header + 2 rows
	m.SetData(Data{Snap: anomalyFixture(), Now: t0})
	down := tea.KeyMsg{Type: tea.KeyDown}
	m, _ = m.Update(down)
	if m.table.Cursor() != 0 {
		t.Fatal("a blurred panel ignores keys")
	}
	m.Focus()
	for range 5 {
		m, _ = m.Update(down)
	}
	if m.table.Cursor() != 5 || !strings.Contains(m.View(), "wrong_type") {
		t.Fatalf("cursor %d; view:\n%s", m.table.Cursor(), m.View())
	}
	m, _ = m.Update(down)
	if m.table.Cursor() != 5 {
		t.Fatalf("the cursor stops at the last anomaly, got %d", m.table.Cursor())
	}
}

// When not every anomaly is in view, the title counts them per kind, most
// first, shortening to the top kind, then to nothing.
func TestAnomaliesTitleCountsKinds(t *testing.T) {
	s := fixture(t0)
	s.Anomalies = nil
	for i := range 10 {
		s.Anomalies = append(s.Anomalies, redisops.Anomaly{Kind: redisops.AnomalyOddID, Key: fmt.Sprintf("reservation:u%d:\x1b", i), Detail: "odd"})
	}
	s.Anomalies = append(s.Anomalies, redisops.Anomaly{Kind: redisops.AnomalyWrongType, Key: "inventory:z", Detail: "a list"},
		redisops.Anomaly{Kind: redisops.AnomalyWrongType, Key: "inventory:y", Detail: "a set"})
	for w, want := range map[int]string{
		80: "Anomalies (12) · odd_id 10 · wrong_type 2 ─",
		46: "Anomalies (12) · odd_id 10 · 1 more kind ─",
		30: "Anomalies (12) ─",
	} {
		m := NewAnomalies(asciiStyles())
		m.SetSize(w, 6)
		m.SetData(Data{Snap: s, Now: t0})
		if title := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(title, want) {
			t.Errorf("%d wide: title %s, want %q", w, title, want)
		}
	}
	m := NewAnomalies(asciiStyles())
	m.SetSize(80, 20) // every row in view: no breakdown
	m.SetData(Data{Snap: s, Now: t0})
	if title := strings.SplitN(m.View(), "\n", 2)[0]; strings.Contains(title, "odd_id") {
		t.Errorf("all in view, title %s", title)
	}
}
