package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/ui/panels"
	"flashtop/ui/theme"
)

// panelID names a panel (the tab order is the layout's reading order).
type panelID int

const (
	pSales panelID = iota
	pQueue
	pHolds
	pServer
	pSlowlog
	pCmdLog
	pAnomalies
	numPanels
)

// panelFrame is the cells a panel's border takes on each axis (panels draw
// a one-cell box around their content).
const panelFrame = 2

// panelSet holds the seven panels.
type panelSet struct {
	sales     panels.Sales
	queue     panels.Queue
	holds     panels.Holds
	server    panels.Server
	slowlog   panels.Slowlog
	cmdlog    panels.CmdLog
	anomalies panels.Anomalies
}

func newPanels(st theme.Styles) panelSet {
	return panelSet{sales: panels.NewSales(st), queue: panels.NewQueue(st), holds: panels.NewHolds(st),
		server: panels.NewServer(st), slowlog: panels.NewSlowlog(st), cmdlog: panels.NewCmdLog(st),
		anomalies: panels.NewAnomalies(st)}
}

func (p *panelSet) setSize(id panelID, w, h int) {
	switch id {
	case pSales:
		p.sales.SetSize(w, h)
	case pQueue:
		p.queue.SetSize(w, h)
	case pHolds:
		p.holds.SetSize(w, h)
	case pServer:
		p.server.SetSize(w, h)
	case pSlowlog:
		p.slowlog.SetSize(w, h)
	case pCmdLog:
		p.cmdlog.SetSize(w, h)
	case pAnomalies:
		p.anomalies.SetSize(w, h)
	}
}

// setData hands d to every panel with that panel's filter.
func (p *panelSet) setData(d panels.Data, f filters) {
	with := func(id panelID) panels.Data { d.Filter = f[id]; return d }
	p.sales.SetData(with(pSales))
	p.queue.SetData(with(pQueue))
	p.holds.SetData(with(pHolds))
	p.server.SetData(with(pServer))
	p.slowlog.SetData(with(pSlowlog))
	p.cmdlog.SetData(with(pCmdLog))
	p.anomalies.SetData(with(pAnomalies))
}

// wants is what each panel's content asks of the layout (panels.Want).
func (p *panelSet) wants() wants {
	return wants{pSales: p.sales.Want(), pQueue: p.queue.Want(), pHolds: p.holds.Want(), pServer: p.server.Want(),
		pSlowlog: p.slowlog.Want(), pCmdLog: p.cmdlog.Want(), pAnomalies: p.anomalies.Want()}
}

// focus focuses panel id and blurs the others.
func (p *panelSet) focus(id panelID) {
	p.sales.Blur()
	p.queue.Blur()
	p.holds.Blur()
	p.server.Blur()
	p.slowlog.Blur()
	p.cmdlog.Blur()
	p.anomalies.Blur()
	switch id {
	case pSales:
		p.sales.Focus()
	case pQueue:
		p.queue.Focus()
	case pHolds:
		p.holds.Focus()
	case pServer:
		p.server.Focus()
	case pSlowlog:
		p.slowlog.Focus()
	case pCmdLog:
		p.cmdlog.Focus()
	case pAnomalies:
		p.anomalies.Focus()
	}
}

// update hands msg to panel id (the focused one).
func (p *panelSet) update(id panelID, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch id {
	case pSales:
		p.sales, cmd = p.sales.Update(msg)
	case pQueue:
		p.queue, cmd = p.queue.Update(msg)
	case pHolds:
		p.holds, cmd = p.holds.Update(msg)
	case pServer:
		p.server, cmd = p.server.Update(msg)
	case pSlowlog:
		p.slowlog, cmd = p.slowlog.Update(msg)
	case pCmdLog:
		p.cmdlog, cmd = p.cmdlog.Update(msg)
	case pAnomalies:
		p.anomalies, cmd = p.anomalies.Update(msg)
	}
	return cmd
}

// view renders panel id.
func (p panelSet) view(id panelID) string {
	switch id {
	case pSales:
		return p.sales.View()
	case pQueue:
		return p.queue.View()
	case pHolds:
		return p.holds.View()
	case pServer:
		return p.server.View()
	case pSlowlog:
		return p.slowlog.View()
	case pCmdLog:
		return p.cmdlog.View()
	case pAnomalies:
		return p.anomalies.View()
	}
	return ""
}
