package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/ui/panels"
	"flashtop/ui/theme"
)

// panelID names a panel: its place in the panel list, which is screen order
// (the layout's reading order at every width, so also the tab order).
type panelID int

const (
	pSales panelID = iota
	pHolds
	pQueue
	pServer
	pEvents
	pSlowlog
	pCmdLog
	pAnomalies
	numPanels
)

// panelFrame is the cells a panel's border takes on each axis (panels draw
// a one-cell box around their content).
const panelFrame = 2

// panel is what the root model asks of every panel. The components of
// ui/panels satisfy it through their pointers; their Update returns their
// own type (the bubbles shape), so a slot carries it.
type panel interface {
	SetSize(w, h int)
	SetData(panels.Data)
	Focus()
	Blur()
	Want() int // content lines, for the layout (panels.Want)
	View() string
}

// slot is one panel of the list: the component, and its Update storing the
// component it returns back in place.
type slot struct {
	panel
	update func(tea.Msg) tea.Cmd
}

// slotOf puts component p in a slot.
func slotOf[M any, P interface {
	*M
	panel
	Update(tea.Msg) (M, tea.Cmd)
}](p P) slot {
	return slot{panel: p, update: func(msg tea.Msg) tea.Cmd {
		var cmd tea.Cmd
		*p, cmd = p.Update(msg)
		return cmd
	}}
}

// panelSet is the dashboard's panels. list holds every one, indexed by
// panelID (screen order): sizing, data, focus, routing and drawing iterate
// it. The named fields point at the same components, for what the root asks
// of one of them (the Sales bar, the highlighted hold or queue member).
// Update copies the Model, and the copies share these components: only the
// Model that Update returns is used again, as Bubble Tea does.
type panelSet struct {
	list      []slot
	sales     *panels.Sales
	holds     *panels.Holds
	queue     *panels.Queue
	server    *panels.Server
	slowlog   *panels.Slowlog
	cmdlog    *panels.CmdLog
	events    *panels.Events
	anomalies *panels.Anomalies
}

// newPanels builds every panel drawn with st.
func newPanels(st theme.Styles) panelSet {
	p := panelSet{
		sales: ptr(panels.NewSales(st)), holds: ptr(panels.NewHolds(st)), queue: ptr(panels.NewQueue(st)),
		server: ptr(panels.NewServer(st)), slowlog: ptr(panels.NewSlowlog(st)), cmdlog: ptr(panels.NewCmdLog(st)),
		events: ptr(panels.NewEvents(st)), anomalies: ptr(panels.NewAnomalies(st)),
	}
	p.list = make([]slot, numPanels)
	p.list[pSales], p.list[pHolds], p.list[pQueue] = slotOf(p.sales), slotOf(p.holds), slotOf(p.queue)
	p.list[pServer], p.list[pSlowlog] = slotOf(p.server), slotOf(p.slowlog)
	p.list[pCmdLog], p.list[pEvents], p.list[pAnomalies] = slotOf(p.cmdlog), slotOf(p.events), slotOf(p.anomalies)
	return p
}

// ptr is a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// setData hands d to every panel with that panel's filter.
func (p panelSet) setData(d panels.Data, f filters) {
	for id, s := range p.list {
		d.Filter = f[id]
		s.SetData(d)
	}
}

// wants is what each panel's content asks of the layout (panels.Want).
func (p panelSet) wants() wants {
	var w wants
	for id, s := range p.list {
		w[id] = s.Want()
	}
	return w
}

// focus focuses panel id and blurs the others.
func (p panelSet) focus(id panelID) {
	for i, s := range p.list {
		if panelID(i) == id {
			s.Focus()
		} else {
			s.Blur()
		}
	}
}
