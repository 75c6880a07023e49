package panels

import (
	"cmp"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
	"flashtop/salerate"
	"flashtop/textsafe"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// History bounds of the sales panel: about ten minutes of stock per sale.
const (
	historyWindow = salerate.HistoryWindow // the stall rule reads the whole history: salerate's bounds
	historyLimit  = salerate.HistoryLimit  // samples per sale (10 min at 2 polls/s)
	saleMarker    = "●"                    // marks the selected sale
	minIDWidth    = 8                      // narrowest id column
	maxIDWidth    = 24                     // ids wider than this are cut before other columns go
	sparkWidth    = 12                     // sparkline column
	numWidth      = 7                      // stock and Δ columns (wider when a value needs it)
	etaWidth      = 8                      // ETA column: "SOLD OUT", "OVERSOLD"
	smallNumWidth = 6                      // queue, head age and held columns (wider when a count needs it)
	holdsWidth    = 6                      // holds column: "24,960" (wider when a count needs it)
	leakedWidth   = 10                     // leaked column: "12u(5?)/3h"
	markerWidth   = 1                      // selected-sale marker column
	sortUp        = "↑"                    // ascending sort indicator
	sortDown      = "↓"                    // descending sort indicator
	filterPrefix  = " · filter: "          // title part naming the filter
	sortPrefix    = " · sort: "            // title part naming the sort
	salesTitle    = "Sales"                // panel title
	noSales       = "no sales found"       // body without sales
	noMatch       = "no sale matches"      // body when the filter hides every sale
	noData        = "no data yet"          // body before the first snapshot
)

// Sales table columns, in display order. As width shrinks they are dropped in
// this order: trend (sparkline), leaked, Δ/min, head age, held units, holds,
// queue, ETA; the marker, id and stock always stay.
const (
	salesColMarker = iota
	salesColID
	salesColStock
	salesColDelta
	salesColETA
	salesColQueue
	salesColHead
	salesColHolds
	salesColHeld
	salesColLeaked
	salesColTrend
)

// salesColumns returns the column set of the sales table.
func salesColumns() []table.Column {
	return []table.Column{
		{Width: markerWidth},
		{Title: "SALE", Width: minIDWidth, Flex: true},
		{Title: "STOCK", Width: numWidth, Right: true},
		{Title: "Δ/MIN", Width: numWidth, Right: true, Drop: 7},
		{Title: "ETA", Width: etaWidth, Right: true, Drop: 2},
		{Title: "QUEUE", Width: smallNumWidth, Right: true, Drop: 3},
		{Title: "HEAD", Width: smallNumWidth, Right: true, Drop: 6},
		{Title: "HOLDS", Width: holdsWidth, Right: true, Drop: 4},
		{Title: "HELD", Width: smallNumWidth, Right: true, Drop: 5},
		{Title: "LEAKED", Width: leakedWidth, Right: true, Drop: 8},
		{Title: "TREND", Width: sparkWidth, Drop: 9},
	}
}

// Sort keys of the sales table, in CycleSort order.
const (
	sortID = iota
	sortStock
	sortDelta
	sortQueue
	sortHolds
	sortKeys
)

// saleRow is one row of the sales table with its derived values.
type saleRow struct {
	s    redisops.SaleStats
	rate saleRate // sales of the last rateWindow (rate.OK: Δ/MIN known)
	hist *series
}

// Sales is the sales table: stock, Δ per minute from sales, sell-out ETA
// (rules in rate.go), queue length and head age, holds, held units and a
// sparkline of stock per sale, every number in exact digits (format.go). It
// keeps the stock history itself (about ten minutes, appended when a new
// snapshot arrives). Filtered by Data.Filter on the id; the selected sale is
// marked.
type Sales struct {
	tableFrame
	data      Data
	hist      map[string]*series
	lastTaken time.Time
	rows      []saleRow
	sortKey   int
	reverse   bool
	cursorID  string
	idWidth   int // the id column's minimum: the widest id shown, within minIDWidth..maxIDWidth
	// numWidth is, per column, the widest exact value of any row (0: the
	// column's own width will do), so that no stock or count is cut or
	// rounded to fit.
	numWidth [salesColTrend + 1]int
}

// NewSales returns an empty sales table drawn with st.
func NewSales(st theme.Styles) Sales {
	return Sales{tableFrame: newTableFrame(st, table.Selecting), hist: map[string]*series{}}
}

// Update moves the cursor on movement keys when focused.
func (m Sales) Update(msg tea.Msg) (Sales, tea.Cmd) {
	if !m.table.Moves(msg) {
		return m, nil
	}
	m.table, _ = m.table.Update(msg)
	if len(m.rows) > 0 {
		m.cursorID = m.rows[m.table.Cursor()].s.ID
	}
	return m, nil
}

// SetData takes new data: a new snapshot (by TakenAt) extends the history.
func (m *Sales) SetData(d Data) {
	if m.hist == nil {
		m.hist = map[string]*series{}
	}
	same := m.data.Snap == d.Snap && m.data.Filter == d.Filter && m.rows != nil
	if d.Snap != nil && !d.Snap.TakenAt.Equal(m.lastTaken) {
		m.record(d.Snap)
		same = false
	}
	m.data = d
	if !same { // a clock tick alone changes no row
		m.rebuild()
	}
}

// record appends a snapshot's stock to the history and forgets sales not
// seen for a whole window.
func (m *Sales) record(s *redisops.Snapshot) {
	m.lastTaken = s.TakenAt
	for _, sale := range s.Sales {
		if sale.Inventory == nil {
			continue
		}
		h := m.hist[sale.ID]
		if h == nil {
			h = &series{Series: salerate.Series{Window: historyWindow, Limit: historyLimit}}
			m.hist[sale.ID] = h
		}
		h.add(s.TakenAt, float64(*sale.Inventory))
	}
	for id, h := range m.hist {
		if last, ok := h.Last(); !ok || s.TakenAt.Sub(last.At) > historyWindow {
			delete(m.hist, id)
		}
	}
}

// rebuild filters and sorts the rows and keeps the cursor on its sale.
func (m *Sales) rebuild() {
	m.rows = nil // fresh: copies of the model must not share rows
	if m.data.Snap != nil {
		m.rows = make([]saleRow, 0, len(m.data.Snap.Sales))
		for _, s := range m.data.Snap.Sales {
			if m.data.Filter != "" && !strings.Contains(s.ID, m.data.Filter) {
				continue
			}
			r := saleRow{s: s, hist: m.hist[s.ID]}
			if r.hist != nil && s.Inventory != nil {
				r.rate = r.hist.Rate(rateWindow)
			}
			m.rows = append(m.rows, r)
		}
	}
	m.idWidth = minIDWidth
	m.numWidth = [salesColTrend + 1]int{}
	for _, r := range m.rows {
		m.idWidth = max(m.idWidth, min(ansi.StringWidth(textsafe.String(r.s.ID)), maxIDWidth))
		m.measure(r)
	}
	slices.SortStableFunc(m.rows, m.compare)
	m.table.SetRows(len(m.rows), slices.IndexFunc(m.rows, func(r saleRow) bool { return r.s.ID == m.cursorID }))
	if len(m.rows) > 0 {
		m.cursorID = m.rows[m.table.Cursor()].s.ID
	}
}

// compare orders two rows by the sort key (ties by id).
func (m *Sales) compare(a, b saleRow) int {
	c := 0
	switch m.sortKey {
	case sortStock:
		c = cmp.Compare(stockOf(a.s), stockOf(b.s)) // lowest first
	case sortDelta:
		c = cmp.Compare(deltaOf(a), deltaOf(b)) // falling fastest first
	case sortQueue:
		c = cmp.Compare(b.s.QueueLength, a.s.QueueLength) // longest first
	case sortHolds:
		c = cmp.Compare(b.s.Reservations, a.s.Reservations) // most first
	}
	if c == 0 {
		c = strings.Compare(a.s.ID, b.s.ID)
	}
	if m.reverse {
		c = -c
	}
	return c
}

// stockOf sorts a sale without a stock key after every number.
func stockOf(s redisops.SaleStats) int64 {
	if s.Inventory == nil {
		return 1<<63 - 1
	}
	return *s.Inventory
}

// deltaOf sorts a row without a Δ after every number.
func deltaOf(r saleRow) float64 {
	if !r.rate.OK {
		return 1e300
	}
	return -r.rate.PerMin
}

// CycleSort switches to the next sort key: id, stock, Δ, queue, holds.
func (m *Sales) CycleSort() {
	m.sortKey = (m.sortKey + 1) % sortKeys
	m.rebuild()
}

// ReverseSort flips the sort order.
func (m *Sales) ReverseSort() {
	m.reverse = !m.reverse
	m.rebuild()
}

// SortName names the sort key: "id", "stock", "Δ/min", "queue" or "holds",
// followed by "↑" or "↓" for the order shown (↑: smallest first).
func (m Sales) SortName() string {
	names := [sortKeys]string{"id", "stock", "Δ/min", "queue", "holds"}
	up := m.sortKey != sortQueue && m.sortKey != sortHolds
	if m.reverse {
		up = !up
	}
	if up {
		return names[m.sortKey] + " " + sortUp
	}
	return names[m.sortKey] + " " + sortDown
}

// CursorSale returns the id of the sale under the cursor ("" when none).
func (m Sales) CursorSale() string {
	if c := m.table.Cursor(); c < len(m.rows) {
		return m.rows[c].s.ID
	}
	return ""
}

// SelectSale puts the bar on sale id. The dashboard's selected sale is the
// one under the bar (ui: followBar), so this is how a selection made
// elsewhere (the first --sale at start) reaches the table. When id is not a
// row yet (no snapshot so far) the bar goes there once the rows hold it.
func (m *Sales) SelectSale(id string) {
	m.cursorID = id
	if i := slices.IndexFunc(m.rows, func(r saleRow) bool { return r.s.ID == id }); i >= 0 {
		m.table.SetRows(len(m.rows), i)
	}
}
