package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/alerts"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// segment is one item of the header.
type segment struct {
	key, value string
	style      *lipgloss.Style // nil: key/value styles
	// give > 0 marks a long value (the URL, the demo's buyers) that gives
	// way on a line too wide, highest give first: moved whole to the second
	// line when it fits there, else cut (mid: in its middle), else dropped,
	// so the short items after it (the refresh interval, the anomaly
	// count) are never cut.
	give int
	mid  bool
	gone bool // dropped: no room left for it
}

// headerSegments lists the header items in two groups, most important
// first: the dashboard's own state, then the server's.
func (m Model) headerSegments() (app, server []segment) {
	name := "flashtop"
	if m.cfg.Version != "" {
		name += " " + m.cfg.Version
	}
	mode, modeStyle := "READ-ONLY", m.st.ReadOnly
	if m.cfg.Arming.Armed {
		mode, modeStyle = "WRITES ARMED", m.st.Armed
	}
	// Most important first: what is cut at the right edge matters least.
	app = []segment{{value: name}, {value: mode, style: &modeStyle}}
	if m.cfg.Demo {
		app = append(app, segment{value: "DEMO", style: &m.st.Demo})
	}
	if m.cfg.InProcess { // not a real Redis: its numbers are not a server's
		app = append(app, segment{value: inProcessLabel, style: &m.st.Demo})
	}
	if m.cfg.Sim != nil { // the demo's server is throwaway: its buyers matter more than its URL
		app = append(app, segment{key: "buyers", value: m.cfg.Sim.Summary(), give: 1})
	}
	if m.cfg.Backend != nil { // host and port/db both matter: cut in the middle
		app = append(app, segment{value: cutMiddle(textsafe.String(m.cfg.Backend.URL()), maxURLWidth), give: 2, mid: true})
	}
	if m.poll.paused {
		app = append(app, segment{value: "PAUSED", style: &m.st.Paused})
	}
	app = append(app, segment{key: "every", value: fmtInterval(m.poll.interval)})
	if sg, ok := m.anomalySegment(); ok {
		app = append(app, sg)
	}
	if sg, ok := m.alertSegment(); ok { // ui/alerts.go
		app = append(app, sg)
	}
	return app, m.serverSegments()
}

// anomalySegment counts the snapshot's anomalies, highlighted when there
// are any (none before the first snapshot).
func (m Model) anomalySegment() (segment, bool) {
	if m.snap == nil {
		return segment{}, false
	}
	n := len(m.snap.Anomalies)
	if n == 0 {
		return segment{key: "anomalies", value: "0"}, true
	}
	return segment{value: "anomalies " + panels.FormatCount(int64(n)), style: &m.st.Banner}, true
}

// maxURLWidth bounds the URL in the header.
const maxURLWidth = 60

// inProcessLabel marks the demo on an in-process Redis in the header.
const inProcessLabel = "IN-PROCESS REDIS"

// serverSegments are the server's numbers ("—" before the first snapshot),
// counts in exact digits with thousands separators (ops/s 12,345).
func (m Model) serverSegments() []segment {
	if m.snap == nil {
		return []segment{{key: "redis", value: "—"}}
	}
	if segs, ok := m.unreadServerSegments(); ok { // ui/unreadable.go
		return segs
	}
	s := m.snap.Server
	if m.cfg.InProcess {
		return []segment{{key: "server", value: "in-process (no redis-server on PATH)"},
			{key: "ping", value: fmt.Sprintf("%.2fms", s.PingMs)},
			{key: "mem", value: panels.NotAvailable}, {key: "ops/s", value: panels.NotAvailable},
			{key: "sessions", value: panels.FormatCount(m.snap.Sessions.Count)}}
	}
	mem := panels.FormatBytes(s.UsedMemory) + "/" // as the server panel writes it, and the max
	if s.Maxmemory > 0 {
		mem += panels.FormatBytes(s.Maxmemory)
	} else {
		mem += "no limit"
	}
	return []segment{
		{key: textsafe.Cut(s.Program(), 12), value: textsafe.Cut(s.Version+" "+s.Role, 30)},
		{key: "ping", value: fmt.Sprintf("%.2fms", s.PingMs)},
		m.memSegment(mem),
		{key: "ops/s", value: panels.FormatCount(s.OpsPerSec)},
		{key: "sessions", value: panels.FormatCount(m.snap.Sessions.Count)},
	}
}

// memSegment is the header's memory, in the alert colour while the memory
// alert is active.
func (m Model) memSegment(mem string) segment {
	if m.alerts.set.Has(alerts.Memory, "") {
		return segment{value: "mem " + mem, style: &m.st.Alert}
	}
	return segment{key: "mem", value: mem}
}

// headerLines draws the header: the dashboard's state on the first line and
// the server's on the second, or both on one line when there is one. A
// line too wide gives way by its long values first (segment.give); what
// still does not fit is cut.
func (m Model) headerLines() []string {
	app, server := m.headerSegments()
	groups := [][]segment{app, server}
	if m.lay.header == 1 {
		groups = [][]segment{append(app, server...)}
	} else {
		groups[0], groups[1] = moveOver(app, server, m.width)
	}
	lines := make([]string, 0, len(groups))
	gap := m.st.Header.Render(segmentGap)
	for _, g := range groups {
		g = giveWay(g, m.width)
		parts := make([]string, 0, len(g))
		for _, sg := range g {
			if !sg.gone {
				parts = append(parts, m.renderSegment(sg))
			}
		}
		line := cutLine(m.st.Header.Render(" ")+strings.Join(parts, gap), m.width)
		if pad := m.width - lipgloss.Width(line); pad > 0 {
			line += m.st.Header.Render(strings.Repeat(" ", pad))
		}
		lines = append(lines, line)
	}
	return lines
}

// segmentGap separates two header items; a line starts with one space.
const segmentGap = "  "

// minGiveWidth is the narrowest a giving value is cut to before it is dropped.
const minGiveWidth = 12

// lineWidth is the width of a header line of g.
func lineWidth(g []segment) int {
	w, n := 1, 0
	for _, sg := range g {
		if !sg.gone {
			w += segmentWidth(sg)
			n++
		}
	}
	return w + len(segmentGap)*max(n-1, 0)
}

// segmentWidth is the width of one item: its key, a space, its value.
func segmentWidth(sg segment) int {
	w := ansi.StringWidth(sg.value)
	if sg.key != "" {
		w += ansi.StringWidth(sg.key) + 1
	}
	return w
}

// givers are the indexes of g's giving items, highest give first.
func givers(g []segment) []int {
	var out []int
	for i, sg := range g {
		if sg.give > 0 {
			out = append(out, i)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int { return g[b].give - g[a].give })
	return out
}

// moveOver moves the first line's giving items, highest give first, to the
// end of the second line while the first is wider than w and the item fits
// whole on the second.
func moveOver(first, second []segment, w int) ([]segment, []segment) {
	first, second = slices.Clone(first), slices.Clone(second)
	for _, i := range givers(first) {
		if lineWidth(first) <= w {
			break
		}
		if lineWidth(second)+len(segmentGap)+segmentWidth(first[i]) <= w {
			second = append(second, first[i])
			first[i].gone = true
		}
	}
	return first, second
}

// giveWay fits g in w cells by its giving items, highest give first: cut
// to what the line lacks (no narrower than minGiveWidth), else dropped.
func giveWay(g []segment, w int) []segment {
	g = slices.Clone(g)
	for _, i := range givers(g) {
		excess := lineWidth(g) - w
		if excess <= 0 || g[i].gone {
			continue
		}
		vw := ansi.StringWidth(g[i].value)
		if vw-excess < minGiveWidth {
			g[i].gone = true
			continue
		}
		if g[i].mid {
			g[i].value = cutMiddle(g[i].value, vw-excess)
		} else {
			g[i].value = ansi.Truncate(g[i].value, vw-excess, textsafe.Ellipsis)
		}
	}
	return g
}

// cutMiddle cuts plain s to w cells, its middle replaced by an ellipsis.
func cutMiddle(s string, w int) string {
	n := ansi.StringWidth(s)
	if n <= w || w < 3 {
		return s
	}
	head := w / 2
	return ansi.Truncate(s, head, "") + textsafe.Ellipsis + ansi.TruncateLeft(s, n-(w-1-head), "")
}

func (m Model) renderSegment(sg segment) string {
	if sg.style != nil {
		return sg.style.Render(sg.value)
	}
	if sg.key == "" {
		return m.st.HeaderValue.Render(sg.value)
	}
	return m.st.HeaderKey.Render(sg.key+" ") + m.st.HeaderValue.Render(sg.value)
}

// fmtInterval writes a poll interval: 250ms, 1s, 1m.
func fmtInterval(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
