package panels

import (
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/salerate"
	"flashtop/textsafe"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Server panel texts and bounds.
const (
	serverTitle   = "Server"
	labelWidth    = 9                // "evicted  "
	opsWindow     = 10 * time.Minute // ops/s history kept for the sparkline
	opsLimit      = 600              // samples kept
	percent       = 100
	fragHigh      = 1.5 // fragmentation drawn as a warning above this
	memFullWarn   = 0.9 // used/max drawn as a warning above this
	statusOK      = "ok"
	valueSep      = " · "
	hitRatioNoOps = dash
)

// Server shows the Redis server: memory (used, peak, max, policy),
// fragmentation, clients, ops/s with a sparkline over recent snapshots, hit
// ratio, evicted and expired keys, and persistence (AOF and its last write).
// Lines are ordered by importance: a short panel keeps the first ones.
type Server struct {
	frame
	data      Data
	ops       *series
	errs      *errorHistory // error counts of the last minute (server_health.go)
	lastTaken time.Time
}

// NewServer returns an empty server panel drawn with st.
func NewServer(st theme.Styles) Server {
	return Server{frame: frame{st: st},
		ops: &series{Series: salerate.Series{Window: opsWindow, Limit: opsLimit}}, errs: &errorHistory{}}
}

// Update does nothing: the server panel has no cursor.
func (m Server) Update(tea.Msg) (Server, tea.Cmd) { return m, nil }

// SetData takes new data: a new snapshot (by TakenAt) extends the ops/s history.
func (m *Server) SetData(d Data) {
	if m.ops == nil {
		m.ops = &series{Series: salerate.Series{Window: opsWindow, Limit: opsLimit}}
	}
	if m.errs == nil {
		m.errs = &errorHistory{}
	}
	if d.Snap != nil && !d.Snap.TakenAt.Equal(m.lastTaken) {
		m.lastTaken = d.Snap.TakenAt
		m.errs.add(d.Snap.TakenAt, d.Snap.Server.OthersErrors()) // flashtop's own replies left out
		m.ops.add(d.Snap.TakenAt, float64(d.Snap.Server.OpsPerSec))
	}
	m.data = d
}

// View draws the server panel in exactly the size set.
func (m Server) View() string {
	suffix := ""
	if m.data.Snap != nil {
		s := m.data.Snap.Server
		id := strings.TrimSpace(s.Program() + " " + s.Version + " " + s.Role)
		if m.data.InProcess {
			id = "in-process Redis"
		}
		if n := len(m.data.Snap.Nodes); n > 1 { // the node count first: a narrow title keeps it
			id = strconv.Itoa(n) + " nodes" + valueSep + id
		}
		suffix = m.st.Dim.Render(valueSep + textsafe.Cut(id, max(m.w/2, 1)))
	}
	suffix += m.st.Stale.Render(staleSuffix(m.data))
	if m.data.Snap == nil {
		return m.box(serverTitle, suffix, m.message(noData))
	}
	return m.box(serverTitle, suffix, m.lines())
}

// lines renders the label/value lines, most important first. With more
// than one node (a cluster) the figures are totals, and a table of the nodes
// follows memory and ops/s.
func (m Server) lines() []string {
	s := m.data.Snap.Server
	iw, _ := m.inner()
	vw := max(iw-labelWidth, 1) // room for values
	if m.data.InProcess {
		return m.inProcessLines(s)
	}
	if len(m.data.Snap.Nodes) > 1 {
		out := []string{m.line("memory", m.memory(s)), m.line("ops/s", m.opsLine(s, vw))}
		out = append(out, m.nodeTable(iw)...)
		return append(out, m.rest(s, vw)...)
	}
	return append([]string{m.line("memory", m.memory(s)), m.line("policy", textsafe.Cut(s.MaxmemoryPolicy, vw)),
		m.line("ops/s", m.opsLine(s, vw))}, m.rest(s, vw)[1:]...)
}

// rest is the lines after memory and ops/s: policy first.
func (m Server) rest(s redisops.ServerStats, vw int) []string {
	return []string{
		m.line("policy", textsafe.Cut(s.MaxmemoryPolicy, vw)),
		m.line("scripts", m.alerted(alerts.ScriptP99, m.scriptsLine(s, vw))),
		m.line("errors", m.errorsLine(s, vw)),
		m.line("clients", fmtCount(s.ConnectedClients)+valueSep+"blocked "+fmtCount(s.BlockedClients)),
		m.line("hits", m.hits(s, vw)),
		m.line("evicted", m.count(s.EvictedKeys, &m.st.Warn)),
		m.line("expired", fmtCount(s.ExpiredKeys)),
		m.line("frag", m.frag(s.MemFragmentationRatio)),
		m.line("AOF", m.aof(s, vw)),
		m.line("keys", fmtCount(s.KeysInDB)+valueSep+"sessions "+fmtCount(m.data.Snap.Sessions.Count)),
		m.line("uptime", fmtDuration(time.Duration(s.UptimeSeconds)*time.Second)),
	}
}

// NotAvailable is a figure the server cannot give (the demo's in-process
// Redis has no memory, ops/s or keyspace figures): never shown as 0.
const NotAvailable = "n/a"

// inProcessLines are the server panel of the demo's in-process Redis: what
// it measures (clients, and ping in the header), and n/a for the rest.
func (m Server) inProcessLines(s redisops.ServerStats) []string {
	na := m.st.Dim.Render(NotAvailable)
	return []string{
		m.line("server", m.st.Warn.Render("in-process (no redis-server)")),
		m.line("memory", na),
		m.line("ops/s", na),
		m.line("clients", fmtCount(s.ConnectedClients)),
		m.line("scripts", na),
		m.line("errors", na),
		m.line("keys", na+valueSep+"sessions "+fmtCount(m.data.Snap.Sessions.Count)),
		m.line("real one", m.st.Dim.Render("apt-get install redis-server")),
	}
}

// alerted draws value in the alert colour while rule is active for the
// server (ansi.Strip: the alert colour replaces the value's own).
func (m Server) alerted(rule alerts.Rule, value string) string {
	if !m.data.Alerts.Has(rule, "") {
		return value
	}
	return m.st.Alert.Render(ansi.Strip(value))
}

// line is one label and its (already safe) value.
func (m Server) line(label, value string) string {
	return m.st.Dim.Render(table.Align(label, labelWidth, false)) + value
}

// memory is "used / max · peak P", red-ish when nearly full, in the alert
// colour while the memory alert is active.
func (m Server) memory(s redisops.ServerStats) string {
	used := fmtBytes(s.UsedMemory)
	if s.Maxmemory > 0 {
		frac := float64(s.UsedMemory) / float64(s.Maxmemory)
		used += " / " + fmtBytes(s.Maxmemory) + " (" + strconv.FormatFloat(frac*percent, 'f', 0, 64) + "%)"
		switch {
		case m.data.Alerts.Has(alerts.Memory, ""):
			used = m.st.Alert.Render(used)
		case frac > memFullWarn:
			used = m.st.Bad.Render(used)
		}
	} else {
		used += " / no limit" // maxmemory 0, as the header says
	}
	if s.UsedMemoryPeak > 0 {
		used += m.st.Dim.Render(valueSep + "peak " + fmtBytes(s.UsedMemoryPeak))
	}
	return used
}

// opsLine is ops/s followed by its sparkline over recent snapshots.
func (m Server) opsLine(s redisops.ServerStats, vw int) string {
	v := fmtCount(s.OpsPerSec)
	if w := vw - len(v) - 1; w > 0 && len(m.ops.Samples()) > 1 {
		v += " " + m.st.Spark.Render(m.ops.spark(min(w, sparkWidth*2)))
	}
	return v
}

// hits is the keyspace hit ratio with the counts, in vw cells: the hits
// go first, then the misses, rather than a count be cut.
func (m Server) hits(s redisops.ServerStats, vw int) string {
	total := s.KeyspaceHits + s.KeyspaceMisses
	if total <= 0 {
		return m.st.Dim.Render(hitRatioNoOps)
	}
	r := float64(s.KeyspaceHits) / float64(total) * percent
	ratio := strconv.FormatFloat(r, 'f', 1, 64) + "%"
	misses := fmtCount(s.KeyspaceMisses) + " misses"
	if s.KeyspaceMisses == 1 {
		misses = "1 miss"
	}
	hits := valueSep + plural(s.KeyspaceHits, "hit") + " / " + misses
	for _, detail := range []string{hits, valueSep + misses} {
		if len(ratio)+ansi.StringWidth(detail) <= vw {
			return ratio + m.st.Dim.Render(detail)
		}
	}
	return ratio
}

// count draws n, in style st when it is not zero.
func (m Server) count(n int64, st *lipgloss.Style) string {
	if n != 0 {
		return st.Render(fmtCount(n))
	}
	return fmtCount(n)
}

// frag is the fragmentation ratio, a warning when high.
func (m Server) frag(r float64) string {
	v := strconv.FormatFloat(r, 'f', 2, 64)
	if r > fragHigh {
		return m.st.Warn.Render(v)
	}
	return v
}

// aof is "on · last write ok" or "off"; a failed last write is drawn red.
func (m Server) aof(s redisops.ServerStats, vw int) string {
	if !s.AOFEnabled {
		return m.st.Dim.Render("off")
	}
	st := s.AOFLastWriteStatus
	if st == "" {
		return "on"
	}
	w := textsafe.Cut(st, max(vw-len("on · last write "), 1))
	if st != statusOK {
		return "on" + valueSep + m.st.Bad.Render("last write "+w)
	}
	return "on" + valueSep + "last write " + m.st.Good.Render(w)
}
