package panels

import (
	"cmp"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Holds panel texts, widths and thresholds.
const (
	holdsTitle     = "Holds"
	noHolds        = "no holds"
	noHoldMatch    = "no hold matches"
	holdsPickSale  = "select a sale (enter) to list its holds"
	holdsNotListed = "none of them listed yet"
	noTTL          = "no TTL"
	expired        = "expired"
	defaultHoldTTL = 300 * time.Second // the backend's hold TTL, the bar's scale when reserved_at is unknown
	ttlUrgent      = 30 * time.Second  // countdown drawn as danger below this
	ttlSoon        = time.Minute       // countdown drawn as a warning below this
	saleWidth      = 12
	qtyWidth       = 5
	ttlWidth       = 7 // "expired"
	barWidth       = 10
	barFull        = "█"
	barEmpty       = "░"
	maxShownTTL    = 99 * 24 * time.Hour // longer countdowns show as ">99d"
	longTTL        = ">99d"
	maxTTLMs       = int64(100 * 365 * 24 * time.Hour / time.Millisecond) // TTLs beyond are drawn as 100 years
)

// Holds columns. As width shrinks the bar goes first, then reserved-at, then
// the sale (shown only when no sale is selected); user, quantity and the TTL
// countdown always stay.
const (
	holdsColUser = iota
	holdsColSale
	holdsColQty
	holdsColReserved
	holdsColTTL
	holdsColBar
)

// holdsColumns returns the column set; the sale column only when all sales'
// holds are shown.
func holdsColumns(withSale bool) []table.Column {
	sale := table.Column{Title: "SALE", Width: saleWidth, Drop: 3}
	if !withSale {
		sale = table.Column{}
	}
	return []table.Column{
		{Title: "USER", Width: userWidth, Flex: true},
		sale,
		{Title: "QTY", Width: qtyWidth, Right: true},
		{Title: "RESERVED", Width: clockWidth, Right: true, Drop: 2},
		{Title: "TTL", Width: ttlWidth, Right: true},
		{Title: "", Width: barWidth, Drop: 4},
	}
}

// Holds lists the holds of the selected sale (of every sale when none is
// selected), soonest to expire first, holds without TTL last and flagged. The
// countdown is each hold's deadline (Snap.TakenAt + TTLMs) minus Data.Now, so
// it moves with the clock between polls. Filtered by Data.Filter on the user.
type Holds struct {
	tableFrame
	data      Data
	holds     []redisops.Hold
	read      int // the selected sale's holds in the snapshot, before the filter
	cursorKey string
}

// NewHolds returns an empty holds panel drawn with st.
func NewHolds(st theme.Styles) Holds {
	return Holds{tableFrame: newTableFrame(st, table.Selecting)}
}

// Update moves the cursor on movement keys when focused.
func (m Holds) Update(msg tea.Msg) (Holds, tea.Cmd) {
	if !m.table.Moves(msg) {
		return m, nil
	}
	m.table, _ = m.table.Update(msg)
	if len(m.holds) > 0 {
		m.cursorKey = holdKey(m.holds[m.table.Cursor()])
	}
	return m, nil
}

// holdKey identifies a hold for the cursor.
func holdKey(h redisops.Hold) string {
	if h.Key != "" {
		return h.Key
	}
	return h.User + "\x00" + h.Sale
}

// SetData takes new data. The list is rebuilt only when the snapshot, the
// sale or the filter changed: the order does not depend on the clock.
func (m *Holds) SetData(d Data) {
	same := m.data.Snap == d.Snap && m.data.Sale == d.Sale && m.data.Filter == d.Filter
	m.data = d
	if same && (d.Snap != nil || m.holds == nil) {
		return
	}
	m.holds, m.read = nil, 0
	if d.Snap != nil {
		for _, h := range d.Snap.Reservations {
			if d.Sale != "" && h.Sale != d.Sale {
				continue
			}
			m.read++
			if d.Filter == "" || strings.Contains(h.User, d.Filter) {
				m.holds = append(m.holds, h)
			}
		}
	}
	slices.SortStableFunc(m.holds, compareHolds)
	i := slices.IndexFunc(m.holds, func(h redisops.Hold) bool { return holdKey(h) == m.cursorKey })
	m.table.SetRows(len(m.holds), i)
	if len(m.holds) > 0 {
		m.cursorKey = holdKey(m.holds[m.table.Cursor()])
	}
}

// compareHolds orders holds soonest deadline first, holds without TTL last;
// ties by user then sale.
func compareHolds(a, b redisops.Hold) int {
	an, bn := a.TTLMs < 0, b.TTLMs < 0
	switch {
	case an != bn && an:
		return 1
	case an != bn:
		return -1
	}
	if c := cmp.Compare(a.TTLMs, b.TTLMs); c != 0 && !an {
		return c
	}
	if c := strings.Compare(a.User, b.User); c != 0 {
		return c
	}
	return strings.Compare(a.Sale, b.Sale)
}

// SelectedHold returns the hold under the cursor.
func (m Holds) SelectedHold() (redisops.Hold, bool) {
	if c := m.table.Cursor(); c < len(m.holds) {
		return m.holds[c], true
	}
	return redisops.Hold{}, false
}
