package panels

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Border runes of a panel box (rounded).
const (
	boxTopLeft     = "╭"
	boxTopRight    = "╮"
	boxBottomLeft  = "╰"
	boxBottomRight = "╯"
	boxHorizontal  = "─"
	boxVertical    = "│"
	// boxFrame is the cells the border takes on each axis (one per side).
	boxFrame = 2
)

// frame is the common state of every panel: size, focus and styles. Its
// SetSize, Focus, Blur and Focused are every panel's.
type frame struct {
	st      theme.Styles
	w, h    int
	focused bool
}

// SetSize sets the outer size, border included.
func (f *frame) SetSize(w, h int) { f.w, f.h = w, h }

// Focus focuses the panel: it takes movement keys and highlights its border.
func (f *frame) Focus() { f.focused = true }

// Blur blurs the panel: it ignores keys.
func (f *frame) Blur() { f.focused = false }

// Focused reports whether the panel has focus.
func (f frame) Focused() bool { return f.focused }

// inner returns the size inside the border (never negative).
func (f frame) inner() (w, h int) {
	return max(f.w-boxFrame, 0), max(f.h-boxFrame, 0)
}

// tableFrame is a panel that lists rows: its frame and a table (ui/table)
// filling the inside of the box, sized and focused with it.
type tableFrame struct {
	frame
	table table.Model
}

// newTableFrame is a panel drawn with st whose table shows its cursor per mode.
func newTableFrame(st theme.Styles, mode table.CursorMode) tableFrame {
	return tableFrame{frame: frame{st: st}, table: table.New(&st, mode)}
}

// SetSize sets the outer size, border included; the table takes the inside.
func (f *tableFrame) SetSize(w, h int) {
	f.frame.SetSize(w, h)
	f.table.SetSize(f.inner())
}

// Focus focuses the panel: its table takes movement keys, its border is highlighted.
func (f *tableFrame) Focus() { f.frame.Focus(); f.table.Focus() }

// Blur blurs the panel: its table ignores keys.
func (f *tableFrame) Blur() { f.frame.Blur(); f.table.Blur() }

// tableBody is the table's lines with the columns cols, cells(i) giving row
// i's cells: the body of the panel's box.
func (f tableFrame) tableBody(cols []table.Column, cells func(l table.Layout, i int) []table.Cell) []string {
	t := f.table
	t.SetColumns(cols)
	l := t.Layout()
	return t.Lines(func(i int) []table.Cell { return cells(l, i) })
}

// box draws a bordered box of exactly f.w×f.h cells with title on its top
// border and body lines inside, cut or padded to fit. title and suffix may be
// styled already; title is drawn in the (focused) title style. A box too small
// for a border is blank.
func (f frame) box(title, suffix string, body []string) string {
	w, h := f.w, f.h
	if h <= 0 {
		return ""
	}
	if w < boxFrame+1 || (h < boxFrame && h != collapsedHeight) {
		return blank(w, h)
	}
	bs, ts := f.st.Border, f.st.Title
	if f.focused {
		bs, ts = f.st.BorderFocused, f.st.TitleFocused
	}
	if h == collapsedHeight {
		return f.titleLine(title, suffix, body, bs, ts)
	}
	iw := w - boxFrame
	// Top border: ╭─ Title suffix ───╮
	var top string
	if iw < 4 {
		top = bs.Render(boxTopLeft + strings.Repeat(boxHorizontal, iw) + boxTopRight)
	} else {
		head := ansi.Truncate(" "+ts.Render(title)+suffix+" ", iw-1, "…")
		fill := max(iw-1-ansi.StringWidth(head), 0)
		top = bs.Render(boxTopLeft+boxHorizontal) + head + bs.Render(strings.Repeat(boxHorizontal, fill)+boxTopRight)
	}
	side := bs.Render(boxVertical)
	bottom := bs.Render(boxBottomLeft + strings.Repeat(boxHorizontal, iw) + boxBottomRight)
	lines := make([]string, h-boxFrame)
	size := len(top) + len(bottom) + h*(2*len(side)+1)
	for i := range lines {
		if i < len(body) {
			lines[i] = fit(body[i], iw)
		} else {
			lines[i] = strings.Repeat(" ", iw)
		}
		size += len(lines[i])
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(top)
	for _, l := range lines {
		b.WriteByte('\n')
		b.WriteString(side)
		b.WriteString(l)
		b.WriteString(side)
	}
	b.WriteByte('\n')
	b.WriteString(bottom)
	return b.String()
}

// collapsedHeight is the height of a collapsed panel: its title line.
const collapsedHeight = 1

// titleLine is a panel collapsed to one line, "─ Title suffix · message ───":
// the layout collapses a panel with nothing to show. A one-line body (a
// message such as "no holds") follows the title; a table has no room.
func (f frame) titleLine(title, suffix string, body []string, bs, ts lipgloss.Style) string {
	head := " " + ts.Render(title) + suffix
	if len(body) == 1 {
		head += f.st.Dim.Render(collapsedSep) + body[0]
	}
	head = ansi.Truncate(head+" ", f.w-1, "…")
	return bs.Render(boxHorizontal) + head + bs.Render(strings.Repeat(boxHorizontal, max(f.w-1-ansi.StringWidth(head), 0)))
}

// collapsedSep separates a collapsed panel's title from its message.
const collapsedSep = " · "

// blank is h lines of w spaces.
func blank(w, h int) string {
	if h <= 0 {
		return ""
	}
	line := strings.Repeat(" ", max(w, 0))
	return strings.Repeat(line+"\n", h-1) + line
}

// fit cuts a (possibly styled) line to w cells and pads it with spaces to
// exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// message is a body of one dim line, e.g. "no data yet".
func (f frame) message(text string) []string {
	return []string{f.st.Empty.Render(text)}
}
