package panels

import (
	"strings"
	"testing"
	"time"

	"flashtop/redisops"
)

// Sale ids are what an operator reads first: they stay whole (up to
// maxIDWidth) and the trend and ETA columns give way instead.
func TestSalesKeepsIDsWholeBeforeTrends(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	snap := &redisops.Snapshot{TakenAt: at, Sales: []redisops.SaleStats{
		{ID: "coffee-slow-burn", Inventory: i64(1974)},
		{ID: "console-instant", Inventory: i64(0)},
		{ID: "a-sale-id-far-too-long-to-show-whole", Inventory: i64(3)},
	}}
	m := NewSales(asciiStyles())
	m.SetSize(84, 8)
	m.SetData(Data{Snap: snap, Now: at})
	v := m.View()
	checkBounds(t, "sales", v, 84, 8)
	for _, id := range []string{"coffee-slow-burn", "console-instant"} {
		if !strings.Contains(v, id) {
			t.Errorf("id %q is cut at 84 columns:\n%s", id, v)
		}
	}
	if strings.Contains(v, "TREND") {
		t.Errorf("the trend column stayed while ids would be cut:\n%s", v)
	}
	if strings.Contains(v, "a-sale-id-far-too-long-to-show-whole") {
		t.Errorf("an id over %d cells was not cut:\n%s", maxIDWidth, v)
	}
}
