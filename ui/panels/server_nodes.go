package panels

import (
	"strconv"

	"flashtop/redisops"
	"flashtop/ui/table"
)

// Columns of the server panel's node table (a cluster's masters).
const (
	nodeColAddr = iota
	nodeColRole
	nodeColMemory
	nodeColOps
	nodeColClients
	nodeColKeys
	nodeColPing
)

// nodeColumns are the node table's columns; keys, ping, role and clients
// go first as the panel narrows.
func nodeColumns() []table.Column {
	return []table.Column{
		{Title: "node", Width: 15, Flex: true},
		{Title: "role", Width: 6, Drop: 3},
		{Title: "memory", Width: 7, Right: true},
		{Title: "ops/s", Width: 7, Right: true},
		{Title: "clients", Width: 7, Right: true, Drop: 2},
		{Title: "keys", Width: 8, Right: true, Drop: 4},
		{Title: "ping", Width: 7, Right: true, Drop: 5},
	}
}

// nodeTable is a header and one row per node of the snapshot.
func (m Server) nodeTable(iw int) []string {
	nodes := m.data.Snap.Nodes
	l := table.Fit(nodeColumns(), iw, false)
	out := make([]string, 0, len(nodes)+1)
	out = append(out, l.Header(m.st.TableHeader))
	for _, n := range nodes {
		out = append(out, l.Row(&m.st, m.nodeCells(n), nil))
	}
	return out
}

// nodeCells are one node's cells; a node's address and role come from
// Redis and are sanitized at the column width.
func (m Server) nodeCells(n redisops.NodeStats) []table.Cell {
	mem := table.Cell{Text: fmtBytes(n.UsedMemory)}
	if n.Maxmemory > 0 && float64(n.UsedMemory) > memFullWarn*float64(n.Maxmemory) {
		mem.Tone = table.Bad
	}
	cols := nodeColumns() // counts in exact digits when they fit their column, else marked "≈"
	return []table.Cell{
		nodeColAddr:    {Text: n.Addr, Raw: true, ID: true},
		nodeColRole:    {Text: n.Role, Raw: true, Tone: table.Dim},
		nodeColMemory:  mem,
		nodeColOps:     {Text: fmtCountFit(n.OpsPerSec, cols[nodeColOps].Width)},
		nodeColClients: {Text: fmtCountFit(n.ConnectedClients, cols[nodeColClients].Width)},
		nodeColKeys:    {Text: fmtCountFit(n.KeysInDB, cols[nodeColKeys].Width)},
		nodeColPing:    {Text: strconv.FormatFloat(n.PingMs, 'f', 1, 64) + "ms", Tone: table.Dim},
	}
}
