package ui

import (
	"slices"
	"testing"
)

// TestPanelListIsScreenOrder: the panel list (panelID order) is the
// layout's reading order at every width, so iterating the list, the tab
// order and the screen agree.
func TestPanelListIsScreenOrder(t *testing.T) {
	many := wants{pSales: 500, pQueue: 500, pHolds: 500, pServer: 30, pSlowlog: 30, pCmdLog: 500, pAnomalies: 500}
	for _, w := range []int{40, pairMinWidth, 120, wideWidth, 230} {
		l := computeLayout(w, 200, frames{panel: panelFrame}, false, many)
		if len(l.order) != int(numPanels) || !slices.IsSorted(l.order) {
			t.Errorf("width %d: reading order %v, want every panel in panelID order", w, l.order)
		}
	}
	h := newHarness(t, true)
	if len(h.m.p.list) != int(numPanels) || h.m.p.list[pHolds].panel != h.m.p.holds || h.m.p.list[pAnomalies].panel != h.m.p.anomalies {
		t.Fatal("the panel list is not indexed by panelID")
	}
}
