package ui

import (
	"slices"
	"testing"
)

// busy is what a running sale asks for: two sales, long lists, a server
// panel of 11 lines.
var busy = wants{pSales: 3, pQueue: 21, pHolds: 41, pServer: 11, pSlowlog: 6, pCmdLog: 30, pAnomalies: 3}

// quiet is a fresh dashboard: two sales, nothing else to list.
var quiet = wants{pSales: 3, pServer: 11}

// TestLayoutTilesTheScreen: for every size and several wants, header +
// banner + body + status is the height, and every body line is covered by
// visible panels side by side, without gaps or overlaps, exactly w wide.
func TestLayoutTilesTheScreen(t *testing.T) {
	fr := frames{panel: panelFrame}
	many := wants{pSales: 500, pQueue: 500, pHolds: 500, pServer: 30, pSlowlog: 30, pCmdLog: 500, pAnomalies: 500}
	for _, wt := range []wants{{}, quiet, busy, many} {
		for w := 1; w <= 300; w += 3 {
			for h := 1; h <= 100; h += 2 {
				for _, banner := range []bool{false, true} {
					l := computeLayout(w, h, fr, banner, wt)
					if l.header+l.banner+l.body+l.status != h {
						t.Fatalf("%dx%d: %d+%d+%d+%d lines", w, h, l.header, l.banner, l.body, l.status)
					}
					checkTiles(t, l, w, h)
					if !l.visible(pSales) && l.body > 0 {
						t.Fatalf("%dx%d: no sales table", w, h)
					}
				}
			}
		}
	}
}

// checkTiles checks that the visible panels tile the body exactly.
func checkTiles(t *testing.T, l layout, w, h int) {
	t.Helper()
	for y := range l.body {
		var xs [][2]int
		for _, id := range l.order {
			if r := l.panels[id]; y >= r.y && y < r.y+r.h {
				xs = append(xs, [2]int{r.x, r.w})
			}
		}
		slices.SortFunc(xs, func(a, b [2]int) int { return a[0] - b[0] })
		x := 0
		for _, p := range xs {
			if p[0] != x {
				t.Fatalf("%dx%d: line %d: a panel at x=%d, want %d (%+v)", w, h, y, p[0], x, l.panels)
			}
			x += p[1]
		}
		if x != w {
			t.Fatalf("%dx%d: line %d is %d wide (%+v)", w, h, y, x, l.panels)
		}
	}
}

func TestLayoutUsesLargeTerminals(t *testing.T) {
	l := computeLayout(160, 48, frames{panel: panelFrame}, false, busy)
	for id := range numPanels {
		if !l.visible(id) {
			t.Errorf("160x48: panel %d folded", id)
		}
	}
	if l.panels[pSales].w == 160 {
		t.Error("160 columns should put panels side by side")
	}
}

// The sales table is as tall as its rows (no blank rows under the last
// sale), fitted panels never get blank rows, and holds and queue take what
// is left.
func TestLayoutSalesSizedToRows(t *testing.T) {
	fr := frames{panel: panelFrame}
	for _, sz := range [][2]int{{80, 24}, {120, 36}, {160, 45}, {230, 70}} {
		for _, wt := range []wants{quiet, busy} {
			l := computeLayout(sz[0], sz[1], fr, false, wt)
			if got, want := l.panels[pSales].h, wt[pSales]+fr.panel; got != want {
				t.Errorf("%dx%d %v: sales is %d high, want %d (its rows)", sz[0], sz[1], wt, got, want)
			}
			if sz[0] >= wideWidth && l.panels[pServer].h > wt[pServer]+fr.panel {
				t.Errorf("%dx%d %v: server is %d high for %d lines", sz[0], sz[1], wt, l.panels[pServer].h, wt[pServer])
			}
		}
	}
	l := computeLayout(80, 24, fr, false, busy)
	if h := l.panels[pHolds].h; h < 7 {
		t.Errorf("80x24: holds get %d rows, want at least 7 (5 holds) while sales has 2 rows", h)
	}
}

// An empty panel collapses to its title line, and its rows go to the lists.
func TestLayoutCollapsesEmptyPanels(t *testing.T) {
	fr := frames{panel: panelFrame}
	l := computeLayout(80, 24, fr, false, wants{pSales: 3, pHolds: 10, pQueue: 10, pServer: 11, pSlowlog: 3})
	// The command log and the anomalies are empty: one line each, or
	// folded (the anomalies fold first); the slowlog folds before the
	// lists lose rows; the empty event feed beside the server takes its height.
	collapsed := 0
	for _, id := range []panelID{pCmdLog, pAnomalies} {
		switch r := l.panels[id]; {
		case r.h == collapsedLines:
			collapsed++
		case id == pAnomalies && r.h == 0:
		default:
			t.Errorf("80x24: empty panel %d is %d high, want %d", id, r.h, collapsedLines)
		}
	}
	if l.panels[pSlowlog].h != 0 || l.panels[pEvents].h != l.panels[pServer].h {
		t.Errorf("80x24: slowlog %+v (want folded), events %+v beside server %+v", l.panels[pSlowlog], l.panels[pEvents], l.panels[pServer])
	}
	if got, want := l.panels[pHolds].h+l.panels[pServer].h, l.body-l.panels[pSales].h-collapsed*collapsedLines; got != want {
		t.Errorf("80x24: holds and server rows %d, want the %d the collapsed panels left", got, want)
	}
	// Holds and queue both empty: they share one collapsed line while the
	// server uses the rows; with room to spare, the empty lists open up
	// rather than leave blank rows under the sales table or the server.
	l = computeLayout(80, 24, fr, false, quiet)
	if l.panels[pHolds].h != collapsedLines || l.panels[pHolds].y != l.panels[pQueue].y {
		t.Errorf("80x24 quiet: holds %+v queue %+v", l.panels[pHolds], l.panels[pQueue])
	}
	l = computeLayout(160, 45, fr, false, quiet)
	if l.panels[pSales].h != quiet[pSales]+fr.panel || l.panels[pServer].h != quiet[pServer]+fr.panel || l.panels[pHolds].h <= collapsedLines {
		t.Errorf("160x45 quiet: sales %+v server %+v holds %+v", l.panels[pSales], l.panels[pServer], l.panels[pHolds])
	}
}

// Tab follows the screen: the panels as the layout reads them, side by side
// left to right and stacked top to bottom, a column to its end first; the
// same sequence at every width.
func TestLayoutReadingOrder(t *testing.T) {
	fr := frames{panel: panelFrame}
	want := []panelID{pSales, pHolds, pQueue, pServer, pEvents, pSlowlog, pCmdLog, pAnomalies}
	for _, w := range []int{50, 80, 120, 160, 230} {
		l := computeLayout(w, 60, fr, false, busy)
		if !slices.Equal(l.order, want) {
			t.Errorf("%d wide: order %v, want %v", w, l.order, want)
		}
		for i := 1; i < len(l.order); i++ {
			a, b := l.panels[l.order[i-1]], l.panels[l.order[i]]
			if b.y < a.y && b.x <= a.x || b.y == a.y && b.x <= a.x {
				t.Errorf("%d wide: panel %d (%+v) comes after %d (%+v): up or left of it", w, l.order[i], b, l.order[i-1], a)
			}
		}
	}
	l := computeLayout(80, 8, fr, false, busy)
	if !slices.Equal(l.order, []panelID{pSales}) {
		t.Errorf("80x8: order %v: only the sales table fits", l.order)
	}
}
