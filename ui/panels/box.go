package panels

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

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

// frame is the common state of every panel: size, focus and styles.
type frame struct {
	st      theme.Styles
	w, h    int
	focused bool
}

// inner returns the size inside the border (never negative).
func (f frame) inner() (w, h int) {
	return max(f.w-boxFrame, 0), max(f.h-boxFrame, 0)
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
