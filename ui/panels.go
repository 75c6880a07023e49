package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/ui/panels"
	"flashtop/ui/theme"
)

// panelID names a panel; the order is the tab order.
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

func (p *panelSet) setData(d panels.Data) {
	p.sales.SetData(d)
	p.queue.SetData(d)
	p.holds.SetData(d)
	p.server.SetData(d)
	p.slowlog.SetData(d)
	p.cmdlog.SetData(d)
	p.anomalies.SetData(d)
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
