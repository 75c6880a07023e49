package panels

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/textsafe"
	"flashtop/ui/theme"
)

// column describes one table column.
type column struct {
	title string
	width int  // fixed width, or the minimum width of the flex column; 0: absent
	right bool // right-aligned
	flex  bool // takes the width left over (one per table)
	drop  int  // 0: never dropped; as width shrinks the highest is dropped first
}

// tone names the style of a cell. Cells carry a tone rather than a style so
// that rendering allocates no copy of the panel.
type tone uint8

// Cell tones.
const (
	tonePlain tone = iota
	toneDim
	toneGood
	toneWarn
	toneBad
	toneFlag
	toneMarked
	toneSpark
	toneSoldOut
)

// styleOf returns the style of tone t (nil for plain).
func styleOf(st *theme.Styles, t tone) *lipgloss.Style {
	switch t {
	case toneDim:
		return &st.Dim
	case toneGood:
		return &st.Good
	case toneWarn:
		return &st.Warn
	case toneBad:
		return &st.Bad
	case toneFlag:
		return &st.Flag
	case toneMarked:
		return &st.Marked
	case toneSpark:
		return &st.Spark
	case toneSoldOut:
		return &st.SoldOut
	}
	return nil
}

// cell is one table cell.
type cell struct {
	text string
	tone tone
	raw  bool // text came from Redis: sanitize it at the column width
	id   bool // with raw: an id or a key, cut in its middle (the end tells ids apart: buyer-…0359)
}

// colGap is the space between two columns.
const colGap = 1

// layout picks the columns that fit in w cells and their widths: columns are
// dropped in decreasing drop order until the rest fit; the flex column takes
// what is left.
func layout(cols []column, w int) (vis []int, widths []int) {
	vis = make([]int, 0, len(cols))
	for i := range cols {
		if cols[i].width > 0 { // a zero-width column is absent
			vis = append(vis, i)
		}
	}
	total := func() int {
		t := 0
		for _, i := range vis {
			t += cols[i].width
		}
		return t + colGap*max(len(vis)-1, 0)
	}
	for total() > w {
		worst := -1
		for k, i := range vis {
			if cols[i].drop > 0 && (worst < 0 || cols[i].drop > cols[vis[worst]].drop) {
				worst = k
			}
		}
		if worst < 0 {
			break
		}
		vis = append(vis[:worst], vis[worst+1:]...)
	}
	extra := max(w-total(), 0)
	widths = make([]int, len(vis))
	for k, i := range vis {
		widths[k] = cols[i].width
		if cols[i].flex {
			widths[k] += extra
		}
	}
	return vis, widths
}

// Cursor gutter: a one-cell column before the rows of a table with a cursor,
// so the cursor shows without colour too (NO_COLOR, Ascii).
const (
	gutterWidth  = 1
	gutterCursor = "▸"
)

// table is the column layout of one render.
type table struct {
	cols   []column
	vis    []int
	widths []int
	gutter bool // rows start with the cursor gutter
}

// newTable lays cols out in w cells, after a cursor gutter when gutter is set.
func newTable(cols []column, w int, gutter bool) table {
	if gutter {
		w -= gutterWidth
	}
	vis, widths := layout(cols, w)
	return table{cols: cols, vis: vis, widths: widths, gutter: gutter}
}

// has reports whether column i is shown.
func (t table) has(i int) bool {
	for _, v := range t.vis {
		if v == i {
			return true
		}
	}
	return false
}

// width returns the width of column i (0 when hidden).
func (t table) width(i int) int {
	for k, v := range t.vis {
		if v == i {
			return t.widths[k]
		}
	}
	return 0
}

// header renders the column titles in style hs.
func (t table) header(hs lipgloss.Style) string {
	var b strings.Builder
	if t.gutter {
		b.WriteString(strings.Repeat(" ", gutterWidth))
	}
	for k, i := range t.vis {
		if k > 0 {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		b.WriteString(align(ansi.Truncate(t.cols[i].title, t.widths[k], ""), t.widths[k], t.cols[i].right))
	}
	return hs.Render(b.String())
}

// row renders cells (one per column, indexed like cols). With rowStyle set
// (the cursor row) the whole line takes that style and cell styles are unused.
func (t table) row(st *theme.Styles, cells []cell, rowStyle *lipgloss.Style) string {
	var b strings.Builder
	for k, i := range t.vis {
		if k > 0 {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		var c cell
		if i < len(cells) {
			c = cells[i]
		}
		w := t.widths[k]
		text := c.text
		if c.raw && c.id {
			text = cutID(text, w)
		} else if c.raw {
			text = textsafe.Cut(text, w)
		} else if ansi.StringWidth(text) > w {
			text = ansi.Truncate(text, w, textsafe.Ellipsis)
		}
		text = align(text, w, t.cols[i].right)
		if cs := styleOf(st, c.tone); cs != nil && rowStyle == nil {
			text = cs.Render(text)
		}
		b.WriteString(text)
	}
	if rowStyle != nil {
		return rowStyle.Render(b.String())
	}
	return b.String()
}

// minMidCut is the narrowest column an id is cut in the middle for; a
// narrower one keeps the id's start.
const minMidCut = 6

// cutID sanitizes an id (or key) and fits it in w cells by replacing its
// middle with an ellipsis: "buyer-00…0359", not "buyer-00003…" (ids that
// share a prefix differ at the end).
func cutID(s string, w int) string {
	t := textsafe.String(s)
	if ansi.StringWidth(t) <= w {
		return t
	}
	if w < minMidCut {
		return textsafe.Cut(s, w)
	}
	return cutMiddle(t, w)
}

// align pads plain text s to w cells, on the left when right is set.
func align(s string, w int, right bool) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

// tableBody renders a table body: the header then the rows of [offset,
// offset+page) produced by cellsOf; the cursor row (when cursor >= 0) is marked
// in the gutter and drawn in the selected style.
func (f frame) tableBody(t table, n, offset, cursor int, cellsOf func(i int) []cell) []string {
	_, ih := f.inner()
	if ih == 0 { // no room inside (a panel collapsed to its title line)
		return nil
	}
	out := make([]string, 0, ih)
	out = append(out, t.header(f.st.TableHeader))
	sel := f.st.SelectedBlur
	if f.focused {
		sel = f.st.Selected
	}
	for i := offset; i < n && len(out) < ih; i++ {
		var rs *lipgloss.Style
		g := ""
		if t.gutter {
			g = " "
		}
		if i == cursor {
			rs = &sel
			if t.gutter {
				g = f.st.Marked.Render(gutterCursor)
			}
		}
		out = append(out, g+t.row(&f.st, cellsOf(i), rs))
	}
	return out
}

// page is the number of table rows visible inside the box (header excluded).
func (f frame) page() int {
	_, ih := f.inner()
	return max(ih-1, 0)
}
