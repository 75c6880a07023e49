package panels

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Slowlog panel texts and widths.
const (
	slowlogTitle  = "Slowlog"
	noSlow        = "no slow commands"
	durWidth      = 8
	minArgsWidth  = 10
	clientWidth   = 21 // "255.255.255.255:65535"
	argsByteSlack = 64 // raw bytes read past 4 per cell before cutting
	argsBytesCell = 4  // raw bytes read per cell of the column
)

// Slowlog columns. As width shrinks the client goes first, then the time.
const (
	slowColTime = iota
	slowColDur
	slowColArgs
	slowColClient
)

// slowColumns returns the column set of the slowlog table.
func slowColumns() []table.Column {
	return []table.Column{
		{Title: "TIME", Width: clockWidth, Drop: 2},
		{Title: "DURATION", Width: durWidth, Right: true},
		{Title: "COMMAND", Width: minArgsWidth, Flex: true},
		{Title: "CLIENT", Width: clientWidth, Drop: 3},
	}
}

// Slowlog lists SLOWLOG entries newest first: time, duration, the command's
// arguments (sanitized and cut to the column) and the client.
type Slowlog struct {
	tableFrame
	data    Data
	entries []redisops.SlowEntry
}

// NewSlowlog returns an empty slowlog panel drawn with st.
func NewSlowlog(st theme.Styles) Slowlog {
	return Slowlog{tableFrame: newTableFrame(st, table.Browsing)}
}

// Update moves the cursor on movement keys when focused.
func (m Slowlog) Update(msg tea.Msg) (Slowlog, tea.Cmd) {
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(msg)
	return m, cmd
}

// SetData takes new data; entries are sorted newest first.
func (m *Slowlog) SetData(d Data) {
	changed := d.Snap != m.data.Snap || d.Filter != m.data.Filter
	m.data = d
	if !changed && m.entries != nil {
		return
	}
	m.entries = nil
	if d.Snap != nil {
		m.entries = slices.DeleteFunc(slices.Clone(d.Snap.Slowlog), func(e redisops.SlowEntry) bool {
			return !matches(d.Filter, strings.Join(e.Args, " "), e.ClientAddr, e.ClientName)
		})
		slices.SortStableFunc(m.entries, func(a, b redisops.SlowEntry) int {
			if c := b.Time.Compare(a.Time); c != 0 {
				return c
			}
			return cmp.Compare(b.ID, a.ID)
		})
	}
	m.table.SetRows(len(m.entries), -1)
}

// View draws the slowlog panel in exactly the size set.
func (m Slowlog) View() string {
	suffix := m.filterSuffix(m.data.Filter) + m.st.Stale.Render(staleSuffix(m.data))
	switch {
	case m.data.Snap == nil:
		return m.box(slowlogTitle, suffix, m.message(noData))
	case len(m.entries) == 0 && m.data.Filter != "":
		return m.box(slowlogTitle, suffix, m.message(noRowMatch))
	case len(m.entries) == 0:
		return m.box(slowlogTitle, suffix, m.message(noSlow))
	}
	body := m.tableBody(slowColumns(), func(l table.Layout, i int) []table.Cell {
		e := m.entries[i]
		aw := l.Width(slowColArgs)
		client := e.ClientAddr
		if e.ClientName != "" {
			client = e.ClientName + " " + client
		}
		return []table.Cell{
			slowColTime:   {Text: fmtClock(e.Time, m.data.Now), Tone: table.Dim},
			slowColDur:    {Text: fmtMicros(e.DurationUs), Tone: table.Warn},
			slowColArgs:   {Text: joinArgs(e.Args, aw*argsBytesCell+argsByteSlack), Raw: true},
			slowColClient: {Text: client, Raw: true, ID: true, Tone: table.Dim},
		}
	})
	return m.box(slowlogTitle, suffix, body)
}

// joinArgs joins raw arguments with spaces, reading at most limit bytes (cut
// at a rune boundary) so a huge argument costs no more than the column.
func joinArgs(args []string, limit int) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if room := limit - b.Len(); len(a) > room {
			a = a[:max(room, 0)]
			// Drop a rune the cut split (at most utf8.UTFMax-1 bytes).
			for k := 1; k < utf8.UTFMax && len(a) > 0; k++ {
				if r, size := utf8.DecodeLastRuneInString(a); r != utf8.RuneError || size != 1 {
					break
				}
				a = a[:len(a)-1]
			}
			b.WriteString(a)
			b.WriteString(textsafe.Ellipsis)
			break
		}
		b.WriteString(a)
	}
	return b.String()
}
