package table

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/textsafe"
	"flashtop/ui/theme"
)

// Column describes one table column.
type Column struct {
	Title string
	Width int  // fixed width, or the minimum width of the flex column; 0: absent
	Right bool // right-aligned
	Flex  bool // takes the width left over (one per table)
	Drop  int  // 0: never dropped; as width shrinks the highest is dropped first
}

// Tone names the style of a cell. Cells carry a tone rather than a style so
// that rendering copies no style.
type Tone uint8

// Cell tones, each a style of theme.Styles.
const (
	Plain   Tone = iota // no style
	Dim                 // Styles.Dim
	Good                // Styles.Good
	Warn                // Styles.Warn
	Bad                 // Styles.Bad
	Flag                // Styles.Flag
	Marked              // Styles.Marked
	Spark               // Styles.Spark
	SoldOut             // Styles.SoldOut
	Alert               // Styles.Alert: past an alert threshold
)

// styleOf returns the style of tone t (nil for plain).
func styleOf(st *theme.Styles, t Tone) *lipgloss.Style {
	switch t {
	case Dim:
		return &st.Dim
	case Good:
		return &st.Good
	case Warn:
		return &st.Warn
	case Bad:
		return &st.Bad
	case Flag:
		return &st.Flag
	case Marked:
		return &st.Marked
	case Spark:
		return &st.Spark
	case SoldOut:
		return &st.SoldOut
	case Alert:
		return &st.Alert
	}
	return nil
}

// Cell is one table cell.
type Cell struct {
	Text string
	Tone Tone
	Raw  bool // Text came from Redis: sanitize it at the column width
	ID   bool // with Raw: an id or a key, cut in its middle (the end tells ids apart: buyer-…0359)
}

// ColGap is the space between two columns.
const ColGap = 1

// Cursor gutter: a one-cell column before the rows of a table that shows a
// cursor, so the cursor shows without colour too (NO_COLOR, Ascii).
const (
	GutterWidth = 1
	CursorMark  = "▸"
)

// Layout is the columns of one render laid out in a width: which are shown
// and how wide.
type Layout struct {
	cols   []Column
	vis    []int
	widths []int
	gutter bool // rows start with the cursor gutter
}

// Fit lays cols out in w cells, after a cursor gutter when gutter is set:
// columns are dropped in decreasing Drop order until the rest fit; the flex
// column takes what is left.
func Fit(cols []Column, w int, gutter bool) Layout {
	if gutter {
		w -= GutterWidth
	}
	vis := make([]int, 0, len(cols))
	for i := range cols {
		if cols[i].Width > 0 { // a zero-width column is absent
			vis = append(vis, i)
		}
	}
	total := func() int {
		t := 0
		for _, i := range vis {
			t += cols[i].Width
		}
		return t + ColGap*max(len(vis)-1, 0)
	}
	for total() > w {
		worst := -1
		for k, i := range vis {
			if cols[i].Drop > 0 && (worst < 0 || cols[i].Drop > cols[vis[worst]].Drop) {
				worst = k
			}
		}
		if worst < 0 {
			break
		}
		vis = append(vis[:worst], vis[worst+1:]...)
	}
	extra := max(w-total(), 0)
	widths := make([]int, len(vis))
	for k, i := range vis {
		widths[k] = cols[i].Width
		if cols[i].Flex {
			widths[k] += extra
		}
	}
	return Layout{cols: cols, vis: vis, widths: widths, gutter: gutter}
}

// Has reports whether column i is shown.
func (l Layout) Has(i int) bool {
	for _, v := range l.vis {
		if v == i {
			return true
		}
	}
	return false
}

// Width returns the width of column i (0 when hidden).
func (l Layout) Width(i int) int {
	for k, v := range l.vis {
		if v == i {
			return l.widths[k]
		}
	}
	return 0
}

// Header renders the column titles in style hs.
func (l Layout) Header(hs lipgloss.Style) string {
	var b strings.Builder
	if l.gutter {
		b.WriteString(strings.Repeat(" ", GutterWidth))
	}
	for k, i := range l.vis {
		if k > 0 {
			b.WriteString(strings.Repeat(" ", ColGap))
		}
		b.WriteString(Align(ansi.Truncate(l.cols[i].Title, l.widths[k], ""), l.widths[k], l.cols[i].Right))
	}
	return hs.Render(b.String())
}

// Row renders cells (one per column, indexed like the columns; missing ones
// are blank), each cut to its column and drawn in its tone. With rowStyle
// set (the cursor row) the whole line takes that style and the tones are
// unused, but for Alert: a value past its alert threshold keeps the alert
// style on the cursor row too. The gutter is not part of it.
func (l Layout) Row(st *theme.Styles, cells []Cell, rowStyle *lipgloss.Style) string {
	var b, out strings.Builder // b: the part of the row not written to out yet
	flush := func() {
		if rowStyle != nil && b.Len() > 0 {
			out.WriteString(rowStyle.Render(b.String()))
		} else {
			out.WriteString(b.String())
		}
		b.Reset()
	}
	for k, i := range l.vis {
		if k > 0 {
			b.WriteString(strings.Repeat(" ", ColGap))
		}
		var c Cell
		if i < len(cells) {
			c = cells[i]
		}
		w := l.widths[k]
		text := c.Text
		switch {
		case c.Raw && c.ID:
			text = cutID(text, w)
		case c.Raw:
			text = textsafe.Cut(text, w)
		case ansi.StringWidth(text) > w:
			text = ansi.Truncate(text, w, textsafe.Ellipsis)
		}
		text = Align(text, w, l.cols[i].Right)
		switch cs := styleOf(st, c.Tone); {
		case c.Tone == Alert && rowStyle != nil: // an alert shows on the cursor row too
			flush()
			out.WriteString(cs.Render(text))
			continue
		case cs != nil && rowStyle == nil:
			text = cs.Render(text)
		}
		b.WriteString(text)
	}
	flush()
	return out.String()
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
	return CutMiddle(t, w)
}

// CutMiddle cuts plain (sanitized) text s to w cells by replacing its middle
// with an ellipsis, keeping a little more of the start than of the end. It
// is how an id cell is cut; the command log cuts long tokens with it too.
func CutMiddle(s string, w int) string {
	n := ansi.StringWidth(s)
	if n <= w || w < 3 {
		return s
	}
	head := (w - 1 + 1) / 2
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + textsafe.Ellipsis + ansi.TruncateLeft(s, n-tail, "")
}

// Align pads plain text s to w cells, on the left when right is set.
func Align(s string, w int, right bool) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}
