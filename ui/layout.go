package ui

// Layout is a pure function of the terminal size and the style frame sizes:
// computeLayout runs on resize and on mode or connection changes only.

// frames are the frame sizes (border plus padding) the layout depends on.
type frames struct {
	panel int // cells a panel's border takes on each axis
}

// Size thresholds, in terminal cells.
const (
	wideWidth      = 120 // from here, panels go side by side in pairs
	pairMinWidth   = 60  // below this, paired panels stack instead
	tallHeader     = 12  // from this height the header takes two lines
	tallStatus     = 20  // from this height the status bar takes two lines
	minStatusLines = 3   // below this height there is no status bar
	maxDialogWidth = 64
)

// panelSpec is a panel's minimum content height and its share of extra rows.
type panelSpec struct{ minLines, weight int }

func spec(id panelID) panelSpec {
	switch id {
	case pSales:
		return panelSpec{4, 3}
	case pQueue, pHolds:
		return panelSpec{3, 3}
	case pServer, pSlowlog:
		return panelSpec{2, 2}
	case pAnomalies:
		return panelSpec{2, 1}
	}
	return panelSpec{1, 2}
}

// foldOrder is the order in which panels give way when the terminal is too
// small: the sales table always stays. The anomalies panel goes first (the
// header still counts them).
func foldOrder() []panelID {
	return []panelID{pAnomalies, pCmdLog, pSlowlog, pServer, pQueue, pHolds}
}

// rect is a panel's size; zero means folded away.
type rect struct{ w, h int }

// row is one band of the body: one panel, or two side by side.
type row struct {
	ids   []panelID
	ratio []int // relative widths
	h     int
}

// layout is where everything goes.
type layout struct {
	w, h                         int
	header, banner, status, body int // line counts
	rows                         []row
	panels                       [numPanels]rect
}

func (l layout) visible(id panelID) bool { return l.panels[id].w > 0 && l.panels[id].h > 0 }

// computeLayout lays out a w×h terminal; banner says whether the
// disconnected banner needs a line.
func computeLayout(w, h int, fr frames, banner bool) layout {
	l := layout{w: max(w, 0), h: max(h, 0)}
	if l.w == 0 || l.h == 0 {
		return l
	}
	l.header = 1
	if h >= tallHeader {
		l.header = 2
	}
	switch {
	case h >= tallStatus:
		l.status = 2
	case h >= minStatusLines:
		l.status = 1
	}
	if banner && h-l.header-l.status >= 2 {
		l.banner = 1
	}
	l.body = max(h-l.header-l.status-l.banner, 0)
	var shown [numPanels]bool
	for i := range shown {
		shown[i] = true
	}
	rows := arrange(w, shown)
	for _, id := range foldOrder() {
		if minHeight(rows, fr) <= l.body {
			break
		}
		shown[id] = false
		rows = arrange(w, shown)
	}
	l.rows = distribute(rows, l.body, fr)
	for _, r := range l.rows {
		ws := split(w, r.ratio)
		for i, id := range r.ids {
			l.panels[id] = rect{ws[i], r.h}
		}
	}
	return l
}

// arrange groups the shown panels into rows for width w.
func arrange(w int, shown [numPanels]bool) []row {
	var groups [][]panelID
	var ratios [][]int
	switch {
	case w >= wideWidth:
		groups = [][]panelID{{pSales, pServer}, {pHolds, pQueue}, {pSlowlog, pCmdLog}, {pAnomalies}}
		ratios = [][]int{{2, 1}, {3, 2}, {1, 1}, {1}} // the sales table needs the room most
	case w >= pairMinWidth:
		groups = [][]panelID{{pSales}, {pHolds, pQueue}, {pServer, pSlowlog}, {pCmdLog}, {pAnomalies}}
		ratios = [][]int{{1}, {1, 1}, {1, 1}, {1}, {1}}
	default:
		groups = [][]panelID{{pSales}, {pHolds}, {pQueue}, {pServer}, {pSlowlog}, {pCmdLog}, {pAnomalies}}
		ratios = [][]int{{1}, {1}, {1}, {1}, {1}, {1}, {1}}
	}
	var rows []row
	for gi, g := range groups {
		var r row
		for i, id := range g {
			if shown[id] {
				r.ids = append(r.ids, id)
				r.ratio = append(r.ratio, ratios[gi][i])
			}
		}
		if len(r.ids) > 0 {
			rows = append(rows, r)
		}
	}
	return rows
}

// rowMin is the least height of a row: its tallest panel's minimum.
func rowMin(r row, fr frames) int {
	n := 0
	for _, id := range r.ids {
		n = max(n, spec(id).minLines+fr.panel)
	}
	return n
}

func rowWeight(r row) int {
	n := 0
	for _, id := range r.ids {
		n = max(n, spec(id).weight)
	}
	return n
}

func minHeight(rows []row, fr frames) int {
	n := 0
	for _, r := range rows {
		n += rowMin(r, fr)
	}
	return n
}

// distribute gives each row its minimum and shares what is left by weight
// (the remainder goes to the first row). A lone row takes the whole body.
func distribute(rows []row, body int, fr frames) []row {
	if len(rows) == 1 {
		rows[0].h = body
		return rows
	}
	extra := body - minHeight(rows, fr)
	weights := 0
	for _, r := range rows {
		weights += rowWeight(r)
	}
	given := 0
	for i := range rows {
		add := extra * rowWeight(rows[i]) / max(weights, 1)
		rows[i].h = rowMin(rows[i], fr) + add
		given += add
	}
	if len(rows) > 0 {
		rows[0].h += extra - given
	}
	return rows
}

// split divides w cells by ratio; the last part takes the rounding.
func split(w int, ratio []int) []int {
	total := 0
	for _, r := range ratio {
		total += r
	}
	out := make([]int, len(ratio))
	used := 0
	for i, r := range ratio {
		out[i] = w * r / max(total, 1)
		used += out[i]
	}
	out[len(out)-1] += w - used
	return out
}

// dialogWidth is the outer width of forms and confirms on a w-wide screen.
func dialogWidth(w int) int { return max(min(w-2, maxDialogWidth), 1) }
