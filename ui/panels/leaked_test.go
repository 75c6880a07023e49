package panels

import (
	"strings"
	"testing"
)

// TestSalesLeakedColumn: a sale's unreclaimed leaks show as units and
// holds; none shows a dash; the column goes before held units as the panel
// narrows.
func TestSalesLeakedColumn(t *testing.T) {
	m := NewSales(asciiStyles())
	s := fixture(t0)
	s.Sales[0].LeakedUnits, s.Sales[0].LeakedHolds = 12, 3
	m.SetData(Data{Snap: s, Now: t0})
	m.SetSize(120, 8)
	v := m.View()
	if !strings.Contains(v, "LEAKED") || !strings.Contains(v, "12u/3h") || strings.Count(v, "—") < 2 {
		t.Fatalf("wide view:\n%s", v)
	}
	between := false
	for w := 30; w <= 120; w++ {
		m.SetSize(w, 8)
		v := m.View()
		leaked, held := strings.Contains(v, "LEAKED"), strings.Contains(v, "HELD")
		if leaked && !held {
			t.Fatalf("at %d columns LEAKED stays but HELD went:\n%s", w, v)
		}
		between = between || (held && !leaked)
	}
	if !between {
		t.Fatal("no width drops LEAKED before HELD")
	}
}
