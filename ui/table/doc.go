// Package table is the dashboard's table component, used by every panel of
// ui/panels that lists rows: columns with width rules (a minimum or fixed
// width, one flexible column, right alignment, and a drop order for when
// the width runs short), cells that each carry a tone (a style of ui/theme,
// named rather than held so rendering copies no style), a cursor over the
// rows moved by its own KeyMap, Focus/Blur, SetSize and View. A row's cells
// are asked for only when the row is drawn, so a long list costs what is on
// screen.
//
// It is not bubbles' table (github.com/charmbracelet/bubbles v1.0.0,
// table/table.go) because that one cannot give one cell its own style, nor
// cut a cell safely: a Row is []string, every cell is drawn in the one
// Styles.Cell (the cursor row in Styles.Selected), and a cell is cut with
// runewidth.Truncate, which does not know ANSI escape sequences — it counts
// their bytes as cells ("\x1b[31mhello\x1b[0m" measures 12) and cuts the
// closing reset off, so a cell styled beforehand would be cut short and its
// colour would run on into the next cells. It also cuts every cell at its
// end (an id here is cut in its middle: ids that share a prefix differ at
// the end), has no right alignment, flexible column or column dropping,
// marks the cursor by colour only, and builds a new lipgloss style for each
// cell it renders. Text from Redis is sanitized here as it is cut to its column
// (flashtop/textsafe).
package table
