package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// shownCount is a number as the dashboard draws it: exact ("500",
// "20,000") or compact ("20.0k", "1.2M"), which rounds to its last digit,
// either followed by the not-live mark "~" ("500~", "100k~": the push feed
// does not keep the count current; it is as old as the status bar says).
type shownCount struct {
	n       int64  // the value the text stands for ("20.0k" → 20,000)
	approx  bool   // compact: the true count is within half a unit of the last digit
	unit    int64  // compact: the value of the last digit ("20.0k" → 100)
	notLive bool   // drawn with the not-live mark
	text    string // as drawn
}

// notLiveMark is the dashboard's mark after a hold count that is not live.
const notLiveMark = "~"

// span is the range of true counts the display is drawn for: "20.0k" is
// 19,950 to 20,049 (rounded half up); an exact display is its own value.
func (c shownCount) span() (lo, hi int64) {
	if !c.approx {
		return c.n, c.n
	}
	return max(c.n-c.unit/2, 0), c.n + (c.unit+1)/2 - 1
}

// errNoCount is returned when the screen has no readable count for the sale
// (no sales table yet, the row is missing, the cell is empty or a dash).
var errNoCount = errors.New("harness: no holds count on screen")

// atLeast reports whether the display means a count of at least want. A
// compact display counts by the value it stands for: "20.0k" means 20,000.
// The not-live mark is not looked at (the caller decides).
func (c shownCount) atLeast(want int64) bool { return c.n >= want }

// exactly reports whether the display is the exact count want ("0", "500"),
// the not-live mark not looked at.
func (c shownCount) exactly(want int64) bool { return !c.approx && c.n == want }

// parseCount reads a count as the dashboard draws it: digits, with ","
// between groups of three when there are thousands separators ("20,000"),
// or a decimal with a k, M or G suffix ("20.0k"); then maybe "~".
func parseCount(text string) (shownCount, error) {
	c := shownCount{text: text}
	bad := fmt.Errorf("%w: %q", errNoCount, text)
	s, notLive := strings.CutSuffix(text, notLiveMark)
	c.notLive = notLive
	if mult, ok := map[byte]float64{'k': 1e3, 'M': 1e6, 'G': 1e9}[lastByte(s)]; ok {
		num := s[:len(s)-1]
		whole, frac, _ := strings.Cut(num, ".")
		if !allDigits(whole) || (strings.Contains(num, ".") && !allDigits(frac)) {
			return c, bad
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return c, bad
		}
		c.n, c.approx = int64(math.Round(f*mult)), true
		c.unit = int64(math.Round(mult / math.Pow(10, float64(len(frac)))))
		return c, nil
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !allDigits(g) || (len(groups) > 1 && (len(g) > 3 || (i > 0 && len(g) != 3))) {
			return c, bad
		}
	}
	n, err := strconv.ParseInt(strings.Join(groups, ""), 10, 64)
	if err != nil {
		return c, bad
	}
	c.n = n
	return c, nil
}

// lastByte is s's last byte, 0 for "".
func lastByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[len(s)-1]
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// cell is one run of non-blank characters of a screen line, with the display
// columns it covers: [from, to).
type cell struct {
	text     string
	from, to int
}

// cells splits a line into runs of characters other than blanks and the box
// border "│", by display column (a wide character takes two).
func cells(line string) []cell {
	var out []cell
	col, start := 0, -1
	var b strings.Builder
	flush := func() {
		if start >= 0 {
			out = append(out, cell{text: b.String(), from: start, to: col})
			b.Reset()
			start = -1
		}
	}
	for _, r := range line {
		w := ansi.StringWidth(string(r))
		if r == ' ' || r == '│' || r == '\t' {
			flush()
		} else {
			if start < 0 {
				start = col
			}
			b.WriteRune(r)
		}
		col += w
	}
	flush()
	return out
}

// salesHeader finds the sales table's header line: the first line with the
// words SALE and HOLDS. It returns the line's index and the HOLDS cell.
func salesHeader(lines []string) (int, cell, bool) {
	for i, line := range lines {
		var sale, holds *cell
		cs := cells(line)
		for j := range cs {
			switch cs[j].text {
			case "SALE":
				sale = &cs[j]
			case "HOLDS":
				holds = &cs[j]
			}
		}
		if sale != nil && holds != nil && sale.from < holds.from {
			return i, *holds, true
		}
	}
	return 0, cell{}, false
}

// holdsOnScreen reads the HOLDS column of the sale's row in the sales table
// of a captured pane (tmux capture-pane -p). The column is found by the
// header's position: the value is the one run of characters on the sale's
// row that overlaps the header word (numbers are right-aligned under it, or
// left-aligned from it). The sale's row is the first row below the header,
// inside the table, whose first word (after the cursor and selection
// markers) is the sale's id.
func holdsOnScreen(pane, sale string) (shownCount, error) {
	lines := strings.Split(strings.ReplaceAll(pane, "\r", ""), "\n")
	hi, head, ok := salesHeader(lines)
	if !ok {
		return shownCount{}, fmt.Errorf("%w: no sales table header (SALE … HOLDS)", errNoCount)
	}
	for _, line := range lines[hi+1:] {
		cs := cells(line)
		if len(cs) == 0 || strings.HasPrefix(cs[0].text, "╰") {
			break // the table's bottom border
		}
		if rowID(cs, head.from) != sale {
			continue
		}
		var hits []cell
		for _, c := range cs {
			if c.from < head.to && c.to > head.from {
				hits = append(hits, c)
			}
		}
		if len(hits) != 1 {
			return shownCount{}, fmt.Errorf("%w: %d values under HOLDS on the row of %s", errNoCount, len(hits), sale)
		}
		return parseCount(hits[0].text)
	}
	return shownCount{}, fmt.Errorf("%w: no row for sale %s", errNoCount, sale)
}

// rowID is a table row's first word left of column limit, without the cursor
// and selection markers ("▸", "●") drawn before the id.
func rowID(cs []cell, limit int) string {
	for _, c := range cs {
		if c.from >= limit {
			break
		}
		if id := strings.TrimLeft(c.text, "▸●▶>*"); id != "" {
			return id
		}
	}
	return ""
}
