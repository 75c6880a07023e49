package panels

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Queue panel texts and column widths.
const (
	queueTitle  = "Queue"
	noSale      = "no sale selected (move the bar in Sales onto one)"
	emptyQueue  = "queue is empty"
	headNotRead = "head not read yet"
	posWidth    = 3 // "POS"; wider for longer positions
	userWidth   = 8 // narrowest user column
	waitedWidth = 8
	clockWidth  = 8 // "15:04:05"
)

// Queue columns. As width shrinks the joined-at clock goes first, then the
// wait; position and user always stay.
const (
	queueColPos = iota
	queueColUser
	queueColWaited
	queueColJoined
)

// queueColumns returns the column set of the queue table.
func queueColumns() []table.Column {
	return []table.Column{
		{Title: "POS", Width: posWidth, Right: true},
		{Title: "USER", Width: userWidth, Flex: true},
		{Title: "WAITED", Width: waitedWidth, Right: true, Drop: 1},
		{Title: "JOINED", Width: clockWidth, Right: true, Drop: 2},
	}
}

// Queue is the head window of the selected sale's queue: position, user, time
// waited (Data.Now − joined_at, coloured like the sales table's HEAD) and
// the time of joining, under a line of the queue's analytics when there is
// room (queue_stats.go: wait percentiles, arrival and admission rates, a new
// joiner's expected wait). Its title gives the sale's whole queue length and how
// much of it is listed, and warns when buyers queue on a sold-out sale.
type Queue struct {
	tableFrame
	data     Data
	entries  []redisops.QueueEntry
	cursorID string
}

// NewQueue returns an empty queue panel drawn with st.
func NewQueue(st theme.Styles) Queue {
	return Queue{tableFrame: newTableFrame(st, table.Selecting)}
}

// Update moves the cursor on movement keys when focused.
func (m Queue) Update(msg tea.Msg) (Queue, tea.Cmd) {
	if !m.table.Moves(msg) {
		return m, nil
	}
	m.table, _ = m.table.Update(msg)
	if len(m.entries) > 0 {
		m.cursorID = m.entries[m.table.Cursor()].User
	}
	return m, nil
}

// SetData takes new data; the cursor stays on its member while it is queued.
func (m *Queue) SetData(d Data) {
	m.data = d
	m.entries = nil
	if d.Snap != nil && d.Sale != "" {
		m.entries = d.Snap.Queues[d.Sale]
	}
	if d.Filter != "" { // by user; positions stay the queue's
		m.entries = slices.DeleteFunc(slices.Clone(m.entries), func(e redisops.QueueEntry) bool { return !matches(d.Filter, e.User) })
	}
	i := slices.IndexFunc(m.entries, func(e redisops.QueueEntry) bool { return e.User == m.cursorID })
	m.table.SetRows(len(m.entries), i)
	if len(m.entries) > 0 {
		m.cursorID = m.entries[m.table.Cursor()].User
	}
}

// SelectedEntry returns the queue member under the cursor.
func (m Queue) SelectedEntry() (redisops.QueueEntry, bool) {
	if c := m.table.Cursor(); c < len(m.entries) {
		return m.entries[c], true
	}
	return redisops.QueueEntry{}, false
}

// View draws the queue panel in exactly the size set.
func (m Queue) View() string {
	s := m.saleStats()
	title, suffix := m.title(s)
	switch {
	case m.data.Snap == nil:
		return m.box(title, suffix, m.message(noData))
	case m.data.Sale == "":
		return m.box(title, suffix, m.message(noSale))
	case len(m.entries) == 0 && m.data.Filter != "":
		return m.box(title, suffix, m.message(noRowMatch))
	case len(m.entries) == 0 && s != nil && s.QueueLength > 0:
		return m.box(title, suffix, m.message(headNotRead))
	case len(m.entries) == 0:
		return m.box(title, suffix, m.withStats(s, m.message(emptyQueue)))
	}
	cols := queueColumns()
	for _, e := range m.entries {
		cols[queueColPos].Width = max(cols[queueColPos].Width, len(fmtCount(e.Position)))
	}
	body := m.tableBody(cols, func(_ table.Layout, i int) []table.Cell { return m.cells(m.entries[i]) })
	return m.box(title, suffix, m.withStats(s, body))
}

// title returns the panel's title and suffix for the selected sale's row s
// (nil when there is none): the sale, its queue length, the sold-out alarm,
// how much is listed, the data's age.
func (m Queue) title(s *redisops.SaleStats) (title, suffix string) {
	after := m.st.Stale.Render(staleSuffix(m.data))
	var head string
	var forms []string
	if s != nil {
		head, forms = m.summary(*s)
		head = m.st.Dim.Render(head)
		if s.QueueLength > 0 && s.Inventory != nil && *s.Inventory <= 0 {
			head += m.st.Bad.Render(queueSoldOut)
		}
	}
	after = m.filterSuffix(m.data.Filter) + after
	title = queueTitle
	if m.data.Sale != "" {
		withHead := []string{head}
		for _, f := range forms {
			withHead = append(withHead, head+f)
		}
		title = saleInTitle(m.frame, queueTitle, m.data.Sale, after, withHead[min(len(forms), 1):])
	}
	suffix = head
	if len(forms) > 0 {
		suffix += m.st.Dim.Render(fitTitle(m.frame, title+suffix, after, forms...))
	}
	return title, suffix + after
}

// queueSoldOut is the queue title's alarm when buyers wait on a sale with no
// stock left: they wait for nothing (danger).
const queueSoldOut = " · sale sold out"

// summary is the title's count: the sale's true queue length (" · 538
// waiting"), then how much of it the panel lists, longest form first
// (" · showing the first 20", " · first 20 listed", " · 20 listed", then
// nothing rather than cut the length; none when all are listed).
func (m Queue) summary(s redisops.SaleStats) (head string, forms []string) {
	head = " · " + fmtCount(s.QueueLength) + " waiting"
	if n := int64(len(m.entries)); n > 0 && n < s.QueueLength {
		c := fmtCount(n)
		forms = []string{" · showing the first " + c, " · first " + c + " listed", " · " + c + " listed", ""}
	}
	return head, forms
}

// saleStats finds the selected sale's row in the snapshot.
func (m Queue) saleStats() *redisops.SaleStats {
	if m.data.Snap == nil || m.data.Sale == "" {
		return nil
	}
	for i := range m.data.Snap.Sales {
		if m.data.Snap.Sales[i].ID == m.data.Sale {
			return &m.data.Snap.Sales[i]
		}
	}
	return nil
}

// cells returns the cells of one queue row.
func (m *Queue) cells(e redisops.QueueEntry) []table.Cell {
	c := make([]table.Cell, queueColJoined+1)
	c[queueColPos] = table.Cell{Text: fmtCount(e.Position)}
	c[queueColUser] = table.Cell{Text: e.User, Raw: true, ID: true}
	if e.JoinedAtMs <= 0 {
		c[queueColWaited] = table.Cell{Text: dash, Tone: table.Dim}
		c[queueColJoined] = table.Cell{Text: dash, Tone: table.Dim}
		return c
	}
	joined := time.UnixMilli(e.JoinedAtMs)
	waited := m.data.Now.Sub(joined)
	c[queueColWaited] = table.Cell{Text: fmtDuration(waited), Tone: waitTone(waited)}
	c[queueColJoined] = table.Cell{Text: fmtClock(joined, m.data.Now), Tone: table.Dim}
	return c
}
