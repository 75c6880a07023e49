package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// segment is one item of the header.
type segment struct {
	key, value string
	style      *lipgloss.Style // nil: key/value styles
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
	if m.cfg.Sim != nil { // the demo's server is throwaway: its buyers matter more than its URL
		app = append(app, segment{key: "buyers", value: m.cfg.Sim.Summary()})
	}
	if m.cfg.Backend != nil {
		app = append(app, segment{value: textsafe.Cut(m.cfg.Backend.URL(), maxURLWidth)})
	}
	if m.poll.paused {
		app = append(app, segment{value: "PAUSED", style: &m.st.Paused})
	}
	app = append(app, segment{key: "every", value: fmtInterval(m.poll.interval)})
	if sg, ok := m.anomalySegment(); ok {
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
	mem := panels.FormatBytes(s.UsedMemory) + "/" // as the server panel writes it, and the max
	if s.Maxmemory > 0 {
		mem += panels.FormatBytes(s.Maxmemory)
	} else {
		mem += "no limit"
	}
	return []segment{
		{key: "redis", value: textsafe.Cut(s.Version+" "+s.Role, 30)},
		{key: "ping", value: fmt.Sprintf("%.2fms", s.PingMs)},
		{key: "mem", value: mem},
		{key: "ops/s", value: panels.FormatCount(s.OpsPerSec)},
		{key: "sessions", value: panels.FormatCount(m.snap.Sessions.Count)},
	}
}

// headerLines draws the header: the dashboard's state on the first line and
// the server's on the second, or both on one line when there is one.
// Whatever does not fit is cut.
func (m Model) headerLines() []string {
	app, server := m.headerSegments()
	groups := [][]segment{app, server}
	if m.lay.header == 1 {
		groups = [][]segment{append(app, server...)}
	}
	lines := make([]string, 0, len(groups))
	gap := m.st.Header.Render("  ")
	for _, g := range groups {
		parts := make([]string, len(g))
		for i, sg := range g {
			parts[i] = m.renderSegment(sg)
		}
		line := cutLine(m.st.Header.Render(" ")+strings.Join(parts, gap), m.width)
		if pad := m.width - lipgloss.Width(line); pad > 0 {
			line += m.st.Header.Render(strings.Repeat(" ", pad))
		}
		lines = append(lines, line)
	}
	return lines
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
