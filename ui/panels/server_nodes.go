package panels

import (
	"strconv"

	"flashtop/redisops"
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
func nodeColumns() []column {
	return []column{
		{title: "node", width: 15, flex: true},
		{title: "role", width: 6, drop: 3},
		{title: "memory", width: 7, right: true},
		{title: "ops/s", width: 7, right: true},
		{title: "clients", width: 7, right: true, drop: 2},
		{title: "keys", width: 8, right: true, drop: 4},
		{title: "ping", width: 7, right: true, drop: 5},
	}
}

// nodeTable is a header and one row per node of the snapshot.
func (m Server) nodeTable(iw int) []string {
	nodes := m.data.Snap.Nodes
	t := newTable(nodeColumns(), iw, false)
	out := make([]string, 0, len(nodes)+1)
	out = append(out, t.header(m.st.TableHeader))
	for _, n := range nodes {
		out = append(out, t.row(&m.st, m.nodeCells(n), nil))
	}
	return out
}

// nodeCells are one node's cells; a node's address and role come from
// Redis and are sanitized at the column width.
func (m Server) nodeCells(n redisops.NodeStats) []cell {
	mem := cell{text: fmtBytes(n.UsedMemory)}
	if n.Maxmemory > 0 && float64(n.UsedMemory) > memFullWarn*float64(n.Maxmemory) {
		mem.tone = toneBad
	}
	cols := nodeColumns() // counts in exact digits when they fit their column, else marked "≈"
	return []cell{
		nodeColAddr:    {text: n.Addr, raw: true, id: true},
		nodeColRole:    {text: n.Role, raw: true, tone: toneDim},
		nodeColMemory:  mem,
		nodeColOps:     {text: fmtCountFit(n.OpsPerSec, cols[nodeColOps].width)},
		nodeColClients: {text: fmtCountFit(n.ConnectedClients, cols[nodeColClients].width)},
		nodeColKeys:    {text: fmtCountFit(n.KeysInDB, cols[nodeColKeys].width)},
		nodeColPing:    {text: strconv.FormatFloat(n.PingMs, 'f', 1, 64) + "ms", tone: toneDim},
	}
}
