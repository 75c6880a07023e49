package ui

// The sizer: how tall each node of the layout tree is (its least and most
// height, its share of spare rows) and where it is placed.

import "slices"

// sizer measures and places nodes for one set of wants; with comfort, the
// panels' minimums are their comfortLines.
type sizer struct {
	fr      frames
	wt      wants
	comfort bool
}

// min is the least height of a node: one line for an empty panel, else its
// border and its minimum content (less when a fitted panel has less); the
// tallest of panels side by side; the sum of a stack.
func (s sizer) min(n node) int {
	if n.isLeaf() {
		sp := spec(n.id)
		lines := sp.minLines
		if s.comfort {
			lines = sp.comfortLines
		}
		switch {
		case s.wt[n.id] == 0:
			return collapsedLines
		case sp.fit:
			return s.fr.panel + min(lines, s.wt[n.id])
		}
		return s.fr.panel + lines
	}
	t := 0
	for _, k := range n.kids {
		if n.across {
			t = max(t, s.min(k))
		} else {
			t += s.min(k)
		}
	}
	return t
}

// max is the most height a node uses; 0 means no limit (a list that
// scrolls is in it).
func (s sizer) max(n node) int {
	if n.isLeaf() {
		switch {
		case s.wt[n.id] == 0:
			return collapsedLines
		case spec(n.id).fit:
			return s.fr.panel + s.wt[n.id]
		}
		return 0
	}
	t := 0
	for _, k := range n.kids {
		m := s.max(k)
		if m == 0 {
			return 0
		}
		if n.across {
			t = max(t, m)
		} else {
			t += m
		}
	}
	return t
}

// weight is a node's share of spare rows: its heaviest panel's.
func weight(n node) int {
	if n.isLeaf() {
		return spec(n.id).weight
	}
	w := 0
	for _, k := range n.kids {
		w = max(w, weight(k))
	}
	return w
}

// stretches reports whether a node holds a panel that takes what is left.
func stretches(n node) bool {
	if n.isLeaf() {
		return !spec(n.id).fit
	}
	return slices.ContainsFunc(n.kids, stretches)
}

// place puts node n in r: a panel takes r; panels side by side split its
// width by ratio; a stack shares its height out (distribute).
func (s sizer) place(n node, r rect, out *[numPanels]rect) {
	switch {
	case n.isLeaf():
		out[n.id] = r
	case n.across:
		x := r.x
		for i, w := range split(r.w, n.ratio) {
			s.place(n.kids[i], rect{x: x, y: r.y, w: w, h: r.h}, out)
			x += w
		}
	default:
		y := r.y
		for i, h := range s.distribute(n.kids, r.h) {
			s.place(n.kids[i], rect{x: r.x, y: y, w: r.w, h: h}, out)
			y += h
		}
	}
}

// distribute shares body lines among stacked nodes: each gets its minimum,
// then the rows left go by weight to those below their maximum; what none
// can use goes to the first that stretches (an empty list opens up before a
// fitted panel gets blank rows), else to the last. The heights add up to
// body exactly; when the minimums do not fit, the first node takes body
// (only the sales table is left then: the others folded).
func (s sizer) distribute(kids []node, body int) []int {
	hs := make([]int, len(kids))
	if len(kids) == 0 {
		return hs
	}
	total := 0
	for i, k := range kids {
		hs[i] = s.min(k)
		total += hs[i]
	}
	if len(kids) == 1 || total > body {
		clear(hs)
		hs[0] = body
		return hs
	}
	extra := body - total
	for extra > 0 {
		var open []int
		weights := 0
		for i, k := range kids {
			if m := s.max(k); m == 0 || hs[i] < m {
				open = append(open, i)
				weights += weight(k)
			}
		}
		if len(open) == 0 {
			break
		}
		given := 0
		for _, i := range open {
			add := extra * weight(kids[i]) / max(weights, 1)
			if m := s.max(kids[i]); m > 0 {
				add = min(add, m-hs[i])
			}
			hs[i] += add
			given += add
		}
		if given == 0 { // less than a row each: the first open node takes one
			hs[open[0]]++
			given = 1
		}
		extra -= given
	}
	if extra > 0 {
		i := slices.IndexFunc(kids, stretches)
		if i < 0 {
			i = len(kids) - 1
		}
		hs[i] += extra
	}
	return hs
}
