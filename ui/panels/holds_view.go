package panels

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/table"
)

// View draws the holds panel in exactly the size set.
func (m Holds) View() string {
	after := ""
	if m.data.Filter != "" {
		after += m.st.Dim.Render(filterPrefix + textsafe.Cut(m.data.Filter, m.w))
	}
	after += m.st.Stale.Render(staleSuffix(m.data))
	var forms []string
	if m.data.Snap != nil {
		forms = m.summary()
	}
	title := holdsTitle
	if m.data.Sale != "" {
		title = saleInTitle(m.frame, holdsTitle, m.data.Sale, after, forms)
	}
	suffix := after
	if forms != nil {
		suffix = m.st.Dim.Render(fitTitle(m.frame, title, after, forms...)) + after
	}
	switch {
	case m.data.Snap == nil:
		return m.box(title, suffix, m.message(noData))
	case len(m.holds) == 0 && m.data.Filter != "" && m.read > 0:
		return m.box(title, suffix, m.message(noHoldMatch))
	case len(m.holds) == 0 && m.total().holds > 0 && m.data.Sale == "":
		return m.box(title, suffix, m.message(holdsPickSale))
	case len(m.holds) == 0 && m.total().holds > 0:
		return m.box(title, suffix, m.message(holdsNotListed))
	case len(m.holds) == 0:
		return m.box(title, suffix, m.message(noHolds))
	}
	cols := holdsColumns(m.data.Sale == "")
	for _, h := range m.holds {
		cols[holdsColQty].Width = max(cols[holdsColQty].Width, len(fmtCount(h.Quantity)))
	}
	body := m.tableBody(cols, func(l table.Layout, i int) []table.Cell { return m.cells(l, m.holds[i]) })
	return m.box(title, suffix, body)
}

// holdTotals are a sale's (or every sale's) true hold counts.
type holdTotals struct {
	holds, units int64
	sales        int  // sales added up (no sale selected)
	known        bool // the selected sale has a row in the snapshot
}

// total is the selected sale's hold count and units from its row of the
// snapshot — the poller's complete count, not the rows read — or every
// sale's when none is selected.
func (m Holds) total() holdTotals {
	var t holdTotals
	for _, s := range m.data.Snap.Sales {
		if m.data.Sale == "" || s.ID == m.data.Sale {
			t.holds += s.Reservations
			t.units += s.ReservedUnits
			t.sales++
		}
	}
	t.known = t.sales > 0
	return t
}

// summary is the title's count, in forms from the longest to the shortest:
// the true totals, then what the list shows of them — " · 952 holds, 1,431
// units · showing the 40 soonest" (nothing more when every hold is listed,
// or when the totals alone just fit: they are never cut for it),
// " · 3 of the 40 soonest match" with a filter. While the counts are not
// live they carry the not-live mark, as in the sales table. A selected sale
// missing from the snapshot has only its listed holds: " · 3 holds listed".
func (m Holds) summary() []string {
	t := m.total()
	if m.data.Sale != "" && !t.known {
		return []string{" · " + plural(int64(m.read), "hold") + " listed"}
	}
	mark := ""
	if !m.data.Snap.Feed.Live() {
		mark = notLiveMark
	}
	out := " · " + fmtCount(t.holds) + mark + " " + noun(t.holds, "hold") + ", " +
		fmtCount(t.units) + mark + " " + noun(t.units, "unit")
	if m.data.Sale == "" {
		out += " in " + plural(int64(t.sales), "sale")
	}
	all := int64(m.read) >= t.holds
	shown, read := fmtCount(int64(len(m.holds))), fmtCount(int64(m.read))
	forms := m.countForms(out, all, shown, read)
	if o := m.outcomes(); o != "" { // the longest form first: how the sale's holds ended
		forms = append([]string{forms[0] + o}, forms...)
	}
	return forms
}

// outcomes is " · ended: 120 in time, 14 expired (90%)": how the selected
// sale's holds ended since this flashtop started watching (its leak watch),
// "" without a watch or before any ended.
func (m Holds) outcomes() string {
	for _, s := range m.data.Snap.Sales {
		if s.ID != m.data.Sale || s.HoldOutcomes == nil {
			continue
		}
		o := *s.HoldOutcomes
		pct, ok := o.ConvertedPct()
		if !ok {
			return ""
		}
		return fmt.Sprintf(" · ended since start: %s in time, %s expired (%.0f%% converted)",
			fmtCount(o.Converted), fmtCount(o.Expired), pct)
	}
	return ""
}

// countForms are the forms of the count (summary) without the outcomes.
func (m Holds) countForms(out string, all bool, shown, read string) []string {
	switch {
	case m.data.Filter != "" && all:
		return []string{out + " · " + shown + " of " + read + " match", out + " · " + shown + " match", out}
	case m.data.Filter != "":
		return []string{out + " · " + shown + " of the " + read + " soonest match", out + " · " + shown + " of " + read + " match",
			out + " · " + shown + " match", out}
	case !all && m.read > 0:
		return []string{out + " · showing the " + read + " soonest", out + " · " + read + " soonest listed", out + " · " + read + " listed", out}
	}
	return []string{out}
}

// saleInTitle is a panel title naming a sale, the id cut (to no fewer than
// titleSaleMin cells) so that the shortest of the count forms after it that
// still says how much is listed (the last form is the bare count, which
// fitTitle falls back to only when even that does not fit) and the after
// part fit on the top border: the sale's whole id is in the sales table,
// marked, and its counts are the title's news. Without room for titleSaleMin
// cells of the id beside the bare count, the title names no sale.
func saleInTitle(f frame, prefix, sale, after string, forms []string) string {
	iw, _ := f.inner()
	shortest := ""
	switch n := len(forms); {
	case n >= 2:
		shortest = forms[n-2]
	case n == 1:
		shortest = forms[0]
	}
	room := func(form string) int {
		return iw - titleChrome - ansi.StringWidth(prefix+titleSep) - ansi.StringWidth(form) - ansi.StringWidth(after)
	}
	r := room(shortest)
	if r < titleSaleMin && len(forms) > 0 {
		r = room(forms[len(forms)-1])
		if r < titleSaleMin {
			return prefix // no room for the sale beside its counts: the counts stay
		}
	}
	return prefix + titleSep + textsafe.Cut(sale, r)
}

// titleSaleMin is the fewest cells a sale id is cut to in a panel title.
const titleSaleMin = 6

// titleChrome is the top border's cells around a title: "─ " before, " "
// after and one "─" at least, so the title never meets the corner.
const titleChrome = 4

// titleSep separates the parts of a panel title.
const titleSep = " · "

// fitTitle returns the first of forms (a title part, longest first) that
// fits on f's top border between title and after, else the last (the
// border cuts it).
func fitTitle(f frame, title, after string, forms ...string) string {
	iw, _ := f.inner()
	room := iw - titleChrome - ansi.StringWidth(title) - ansi.StringWidth(after)
	for _, s := range forms {
		if ansi.StringWidth(s) <= room {
			return s
		}
	}
	return forms[len(forms)-1]
}

// noun is word, with an "s" unless n is 1.
func noun(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// plural is n in exact digits and its noun: "1 hold", "1,431 units".
func plural(n int64, word string) string { return fmtCount(n) + " " + noun(n, word) }

// cells returns the cells of one hold row.
func (m *Holds) cells(l table.Layout, h redisops.Hold) []table.Cell {
	c := make([]table.Cell, holdsColBar+1)
	c[holdsColUser] = table.Cell{Text: h.User, Raw: true, ID: true}
	c[holdsColSale] = table.Cell{Text: h.Sale, Raw: true, ID: true}
	c[holdsColQty] = table.Cell{Text: fmtCount(h.Quantity)}
	c[holdsColReserved] = table.Cell{Text: dash, Tone: table.Dim}
	if h.ReservedAt != nil {
		c[holdsColReserved] = table.Cell{Text: fmtClock(*h.ReservedAt, m.data.Now)}
	}
	if h.TTLMs < 0 {
		c[holdsColTTL] = table.Cell{Text: noTTL, Tone: table.Flag}
		return c
	}
	deadline := m.data.Snap.TakenAt.Add(time.Duration(min(h.TTLMs, maxTTLMs)) * time.Millisecond)
	left := deadline.Sub(m.data.Now)
	total := defaultHoldTTL
	if h.ReservedAt != nil && deadline.After(*h.ReservedAt) {
		total = deadline.Sub(*h.ReservedAt)
	}
	if left <= 0 {
		c[holdsColTTL] = table.Cell{Text: expired, Tone: table.Bad}
		return c
	}
	st := ttlTone(left, total)
	c[holdsColTTL] = table.Cell{Text: fmtDuration(left.Truncate(time.Second)), Tone: st}
	if left > maxShownTTL {
		c[holdsColTTL].Text = longTTL
	}
	if l.Has(holdsColBar) {
		c[holdsColBar] = table.Cell{Text: bar(left, total, l.Width(holdsColBar)), Tone: st}
	}
	return c
}

// ttlTone colours a countdown: danger in the last 30 s (the last fifth of a
// shorter hold), a warning in the last minute (the last half of a shorter
// hold), so that 30-second demo holds do not all look urgent.
func ttlTone(left, total time.Duration) table.Tone {
	switch {
	case left < min(ttlUrgent, total/5):
		return table.Bad
	case left < min(ttlSoon, total/2):
		return table.Warn
	}
	return table.Good
}

// bar draws left/total as w cells, full cells first (at least one while any
// time is left).
func bar(left, total time.Duration, w int) string {
	if w <= 0 || total <= 0 {
		return ""
	}
	full := int(math.Ceil(float64(left) / float64(total) * float64(w)))
	full = min(max(full, 0), w)
	return strings.Repeat(barFull, full) + strings.Repeat(barEmpty, w-full)
}
