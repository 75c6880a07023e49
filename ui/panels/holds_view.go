package panels

import (
	"math"
	"strconv"
	"strings"
	"time"

	"flashtop/redisops"
)

// View draws the holds panel in exactly the size set.
func (m Holds) View() string {
	title := holdsTitle
	if m.data.Sale != "" {
		title += " · " + redisops.SanitizeCut(m.data.Sale, max(m.w/2, 1))
	}
	suffix := ""
	if m.data.Snap != nil {
		units := int64(0)
		for _, h := range m.holds {
			units += h.Quantity
		}
		suffix = m.st.Dim.Render(" · " + strconv.Itoa(len(m.holds)) + " holds, " + fmtCount(units) + " units")
	}
	if m.data.Filter != "" {
		suffix += m.st.Dim.Render(filterPrefix + redisops.SanitizeCut(m.data.Filter, m.w))
	}
	suffix += m.st.Stale.Render(staleSuffix(m.data))
	switch {
	case m.data.Snap == nil:
		return m.box(title, suffix, m.message(noData))
	case len(m.holds) == 0 && m.data.Filter != "":
		return m.box(title, suffix, m.message(noHoldMatch))
	case len(m.holds) == 0:
		return m.box(title, suffix, m.message(noHolds))
	}
	iw, _ := m.inner()
	t := newTable(holdsColumns(m.data.Sale == ""), iw, true)
	body := m.tableBody(t, len(m.holds), m.list.offset, m.list.cursor, func(i int) []cell {
		return m.cells(t, m.holds[i])
	})
	return m.box(title, suffix, body)
}

// cells returns the cells of one hold row.
func (m *Holds) cells(t table, h redisops.Hold) []cell {
	c := make([]cell, holdsColBar+1)
	c[holdsColUser] = cell{text: h.User, raw: true}
	c[holdsColSale] = cell{text: h.Sale, raw: true}
	c[holdsColQty] = cell{text: fmtCount(h.Quantity)}
	c[holdsColReserved] = cell{text: dash, tone: toneDim}
	if h.ReservedAt != nil {
		c[holdsColReserved] = cell{text: fmtClock(*h.ReservedAt, m.data.Now)}
	}
	if h.TTLMs < 0 {
		c[holdsColTTL] = cell{text: noTTL, tone: toneFlag}
		return c
	}
	deadline := m.data.Snap.TakenAt.Add(time.Duration(min(h.TTLMs, maxTTLMs)) * time.Millisecond)
	left := deadline.Sub(m.data.Now)
	total := defaultHoldTTL
	if h.ReservedAt != nil && deadline.After(*h.ReservedAt) {
		total = deadline.Sub(*h.ReservedAt)
	}
	if left <= 0 {
		c[holdsColTTL] = cell{text: expired, tone: toneBad}
		return c
	}
	st := ttlTone(left, total)
	c[holdsColTTL] = cell{text: fmtDuration(left.Truncate(time.Second)), tone: st}
	if left > maxShownTTL {
		c[holdsColTTL].text = longTTL
	}
	if t.has(holdsColBar) {
		c[holdsColBar] = cell{text: bar(left, total, t.width(holdsColBar)), tone: st}
	}
	return c
}

// ttlTone colours a countdown: danger in the last 30 s (the last fifth of a
// shorter hold), a warning in the last minute (the last half of a shorter
// hold), so that 30-second demo holds do not all look urgent.
func ttlTone(left, total time.Duration) tone {
	switch {
	case left < min(ttlUrgent, total/5):
		return toneBad
	case left < min(ttlSoon, total/2):
		return toneWarn
	}
	return toneGood
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
