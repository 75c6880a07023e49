package ui

// Layout is a pure function of the terminal size, the style frame sizes and
// what the panels' contents ask for (wants: each panel's content lines, 0
// when it has nothing to show). computeLayout runs on resize, on mode or
// connection changes and when a want changes (a sale appears, a panel
// empties or fills up to its share); never per frame, never with I/O.

// frames are the frame sizes (border plus padding) the layout depends on.
type frames struct {
	panel int // cells a panel's border takes on each axis
}

// Size thresholds, in terminal cells.
const (
	wideWidth      = 160 // from here, the sales table and lists take the left three quarters, the server the right
	pairMinWidth   = 60  // below this, paired panels stack instead
	tallHeader     = 12  // from this height the header takes two lines
	tallStatus     = 20  // from this height the status bar takes two lines
	minStatusLines = 3   // below this height there is no status bar
	maxDialogWidth = 64
	collapsedLines = 1 // an empty panel is one line: its title and what it would show
)

// panelSpec is how a panel's height follows its content: at least minLines
// of content (fewer when it has fewer; a table's are its header and rows),
// comfortLines when the panels after it in foldOrder can make room, a share
// of the spare rows by weight, and with fit at most its content (sales,
// server: no blank rows under the last line); a panel without fit takes
// what is left (the lists that scroll).
type panelSpec struct {
	minLines, comfortLines, weight int
	fit                            bool
}

func spec(id panelID) panelSpec {
	switch id {
	case pSales:
		return panelSpec{minLines: 4, comfortLines: salesComfort, weight: 3, fit: true}
	case pQueue, pHolds:
		return panelSpec{minLines: 3, comfortLines: 6, weight: 3}
	case pServer:
		return panelSpec{minLines: 2, comfortLines: 2, weight: 2, fit: true}
	case pSlowlog:
		return panelSpec{minLines: 2, comfortLines: 2, weight: 2}
	case pCmdLog:
		return panelSpec{minLines: 2, comfortLines: 2, weight: 2, fit: true}
	case pEvents:
		return panelSpec{minLines: 2, comfortLines: 6, weight: 3}
	case pAnomalies:
		return panelSpec{minLines: 2, comfortLines: 2, weight: 1, fit: true}
	}
	return panelSpec{minLines: 2, comfortLines: 2, weight: 1}
}

// foldOrder is the order in which panels give way when the terminal is too
// small: the sales table always stays. The anomalies panel goes first (the
// header still counts them), then the slowlog and the server (the header
// keeps ping, memory and ops/s), the event feed (the sales table still says
// SOLD OUT), then the command log (the status bar keeps the last result),
// the queue and the holds.
func foldOrder() []panelID {
	return []panelID{pAnomalies, pSlowlog, pServer, pEvents, pCmdLog, pQueue, pHolds}
}

// salesComfort is the sales table's comfortLines: its header and up to 7
// rows come before the panels that fold (a sold-out row must not be the one
// scrolled out of view to make room for the slowlog).
const salesComfort = 8

// comfortFolds is how many panels of foldOrder may go so that holds and
// queue keep comfortLines: all but the queue and the holds.
const comfortFolds = 5

// wants are the content lines each panel asks for (a table: its header and
// rows); 0 means empty: the panel collapses to one line.
type wants [numPanels]int

// rect is a panel's place in the body (x, y from the body's top left); zero
// w or h means folded away.
type rect struct{ x, y, w, h int }

// node is a piece of the layout: a panel (a leaf), panels side by side
// (across, widths by ratio, one height) or stacked (heights shared out by
// distribute).
type node struct {
	id     panelID
	across bool
	kids   []node
	ratio  []int
}

func leaf(id panelID) node { return node{id: id} }

func stacked(kids ...node) node { return node{kids: kids} }

func across(ratio []int, kids ...node) node { return node{across: true, kids: kids, ratio: ratio} }

func (n node) isLeaf() bool { return n.kids == nil }

// layout is where everything goes.
type layout struct {
	w, h                         int
	header, banner, status, body int // line counts
	panels                       [numPanels]rect
	order                        []panelID // the visible panels in the layout's reading order: the tab order
	wants                        wants     // what the panels asked for when this layout was made
}

func (l layout) visible(id panelID) bool { return l.panels[id].w > 0 && l.panels[id].h > 0 }

// computeLayout lays out a w×h terminal for panels that want wt; banner says
// whether the disconnected banner needs a line.
func computeLayout(w, h int, fr frames, banner bool, wt wants) layout {
	l := layout{w: max(w, 0), h: max(h, 0), wants: wt}
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
	root, sz := fold(arrange(w), l.body, fr, wt)
	sz.place(root, rect{w: l.w, h: l.body}, &l.panels)
	l.order = root.order(l.panels)
	return l
}

// arrange is the layout tree for width w. From wideWidth: the sales table
// over holds and queue on the left three quarters (whole UUIDs and every
// sales column at 160), the server over the event feed on the right, then
// the slowlog, the command log and the anomalies across the whole width
// (their lines are long). Narrower: one column of pairs (the server beside
// the event feed; the slowlog, command log and anomalies each across the
// width), then of single panels.
func arrange(w int) node {
	pair := func(a, b panelID) node { return across([]int{1, 1}, leaf(a), leaf(b)) }
	switch {
	case w >= wideWidth:
		left := stacked(leaf(pSales), pair(pHolds, pQueue))
		right := stacked(leaf(pServer), leaf(pEvents))
		return stacked(across([]int{3, 1}, left, right), leaf(pSlowlog), leaf(pCmdLog), leaf(pAnomalies))
	case w >= pairMinWidth:
		return stacked(leaf(pSales), pair(pHolds, pQueue), pair(pServer, pEvents), leaf(pSlowlog), leaf(pCmdLog), leaf(pAnomalies))
	}
	return stacked(leaf(pSales), leaf(pHolds), leaf(pQueue), leaf(pServer), leaf(pEvents), leaf(pSlowlog), leaf(pCmdLog), leaf(pAnomalies))
}

// fold drops panels in foldOrder until the rest fit in body: first so that
// holds and queue keep their comfortLines (dropping only the panels before
// them), else down to the minimums. Shrinking the terminal folds panels in
// foldOrder and never brings one back.
func fold(root node, body int, fr frames, wt wants) (node, sizer) {
	order := foldOrder()
	comfort := sizer{fr: fr, wt: wt, comfort: true}
	n := root
	for i := 0; ; i++ {
		if comfort.min(n) <= body {
			return n, comfort
		}
		if i == comfortFolds {
			break
		}
		n, _ = n.without(order[i])
	}
	hard := sizer{fr: fr, wt: wt}
	for _, id := range order[comfortFolds:] {
		if hard.min(n) <= body {
			break
		}
		n, _ = n.without(id)
	}
	return n, hard
}

// without returns n without panel id; ok is false when nothing is left.
func (n node) without(id panelID) (node, bool) {
	if n.isLeaf() {
		return n, n.id != id
	}
	out := node{across: n.across}
	for i, k := range n.kids {
		if k, ok := k.without(id); ok {
			out.kids = append(out.kids, k)
			if n.across {
				out.ratio = append(out.ratio, n.ratio[i])
			}
		}
	}
	return out, len(out.kids) > 0
}

// order lists the visible panels as the layout reads: panels side by side
// left to right, stacked ones top to bottom, a column to its end before the
// next. The tab order, the same at every width: sales, holds, queue,
// server, slowlog, command log, anomalies.
func (n node) order(ps [numPanels]rect) []panelID {
	if n.isLeaf() {
		if ps[n.id].w > 0 && ps[n.id].h > 0 {
			return []panelID{n.id}
		}
		return nil
	}
	var out []panelID
	for _, k := range n.kids {
		out = append(out, k.order(ps)...)
	}
	return out
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
