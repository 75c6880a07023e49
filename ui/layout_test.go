package ui

import "testing"

// TestLayoutTilesTheScreen: for every size, header + banner + body + status
// is the height, the rows fill the body exactly and each row fills the width.
func TestLayoutTilesTheScreen(t *testing.T) {
	fr := frames{panel: panelFrame}
	for w := 1; w <= 300; w += 3 {
		for h := 1; h <= 100; h += 2 {
			for _, banner := range []bool{false, true} {
				l := computeLayout(w, h, fr, banner)
				if l.header+l.banner+l.body+l.status != h {
					t.Fatalf("%dx%d: %d+%d+%d+%d lines", w, h, l.header, l.banner, l.body, l.status)
				}
				sum := 0
				for _, r := range l.rows {
					sum += r.h
					width := 0
					for _, id := range r.ids {
						width += l.panels[id].w
					}
					if width != w {
						t.Fatalf("%dx%d: row %v is %d wide", w, h, r.ids, width)
					}
				}
				if sum != l.body {
					t.Fatalf("%dx%d: rows take %d of %d body lines", w, h, sum, l.body)
				}
				if !l.visible(pSales) && l.body > 0 {
					t.Fatalf("%dx%d: no sales table", w, h)
				}
			}
		}
	}
}

func TestLayoutUsesLargeTerminals(t *testing.T) {
	l := computeLayout(160, 48, frames{panel: panelFrame}, false)
	for id := range numPanels {
		if !l.visible(id) {
			t.Errorf("160x48: panel %d folded", id)
		}
	}
	if l.panels[pSales].w == 160 {
		t.Error("160 columns should put panels side by side")
	}
}
