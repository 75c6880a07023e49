package panels

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
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
func queueColumns() []column {
	return []column{
		{title: "POS", width: posWidth, right: true},
		{title: "USER", width: userWidth, flex: true},
		{title: "WAITED", width: waitedWidth, right: true, drop: 1},
		{title: "JOINED", width: clockWidth, right: true, drop: 2},
	}
}

// Queue is the head window of the selected sale's queue: position, user, time
// waited (Data.Now − joined_at, coloured like the sales table's HEAD) and
// the time of joining. Its title gives the sale's whole queue length and how
// much of it is listed, and warns when buyers queue on a sold-out sale.
type Queue struct {
	frame
	// KeyMap is the panel's movement bindings.
	KeyMap   KeyMap
	data     Data
	entries  []redisops.QueueEntry
	list     list
	cursorID string
}

// NewQueue returns an empty queue panel drawn with st.
func NewQueue(st theme.Styles) Queue {
	return Queue{frame: frame{st: st}, KeyMap: DefaultKeyMap()}
}

// SetSize sets the outer size, border included.
func (m *Queue) SetSize(w, h int) { m.w, m.h = w, h; m.list.clamp(len(m.entries), m.page()) }

// Focus focuses the panel: it takes movement keys and highlights its border.
func (m *Queue) Focus() { m.focused = true }

// Blur blurs the panel: it ignores keys.
func (m *Queue) Blur() { m.focused = false }

// Focused reports whether the panel has focus.
func (m Queue) Focused() bool { return m.focused }

// Update moves the cursor on movement keys when focused.
func (m Queue) Update(msg tea.Msg) (Queue, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	if m.list.handleKey(m.KeyMap, msg, len(m.entries), m.page()) && len(m.entries) > 0 {
		m.cursorID = m.entries[m.list.cursor].User
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
	m.list.track(i, len(m.entries), m.page())
	if len(m.entries) > 0 {
		m.cursorID = m.entries[m.list.cursor].User
	}
}

// SelectedEntry returns the queue member under the cursor.
func (m Queue) SelectedEntry() (redisops.QueueEntry, bool) {
	if m.list.cursor < 0 || m.list.cursor >= len(m.entries) {
		return redisops.QueueEntry{}, false
	}
	return m.entries[m.list.cursor], true
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
		return m.box(title, suffix, m.message(emptyQueue))
	}
	iw, _ := m.inner()
	cols := queueColumns()
	for _, e := range m.entries {
		cols[queueColPos].width = max(cols[queueColPos].width, len(fmtCount(e.Position)))
	}
	t := newTable(cols, iw, true)
	body := m.tableBody(t, len(m.entries), m.list.offset, m.list.cursor, func(i int) []cell {
		return m.cells(m.entries[i])
	})
	return m.box(title, suffix, body)
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
func (m *Queue) cells(e redisops.QueueEntry) []cell {
	c := make([]cell, queueColJoined+1)
	c[queueColPos] = cell{text: fmtCount(e.Position)}
	c[queueColUser] = cell{text: e.User, raw: true, id: true}
	if e.JoinedAtMs <= 0 {
		c[queueColWaited] = cell{text: dash, tone: toneDim}
		c[queueColJoined] = cell{text: dash, tone: toneDim}
		return c
	}
	joined := time.UnixMilli(e.JoinedAtMs)
	waited := m.data.Now.Sub(joined)
	c[queueColWaited] = cell{text: fmtDuration(waited), tone: waitTone(waited)}
	c[queueColJoined] = cell{text: fmtClock(joined, m.data.Now), tone: toneDim}
	return c
}
