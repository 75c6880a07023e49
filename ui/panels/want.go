package panels

// Want is the content lines a panel would show at its current data: a
// table's header and rows, a message's one line, or 0 when the panel has
// nothing to show (the layout then collapses it to its title line). The
// layout sizes panels from these and recomputes only when one changes.

// Want is the sales table's header and rows (one line for a message: the
// sales table never collapses, "no sales found" must be seen).
func (m Sales) Want() int {
	if len(m.rows) == 0 {
		return 1
	}
	return len(m.rows) + 1
}

// Want is the server panel's lines (one for "no data yet").
func (m Server) Want() int {
	if m.data.Snap == nil {
		return 1
	}
	return len(m.lines())
}

// Want is the holds table's header and rows; 0 without holds.
func (m Holds) Want() int { return tableWant(len(m.holds)) }

// Want is the queue table's header and rows; 0 with an empty queue or no sale.
func (m Queue) Want() int { return tableWant(len(m.entries)) }

// Want is the slowlog table's header and rows; 0 without entries.
func (m Slowlog) Want() int { return tableWant(len(m.entries)) }

// Want is the command log's header and entries; 0 before the first command.
func (m CmdLog) Want() int { return tableWant(len(m.rows)) }

// Want is the event feed's header and rows; 0 without events.
func (m Events) Want() int { return tableWant(len(m.rows)) }

// Want is the anomalies table's header and rows; 0 without anomalies.
func (m Anomalies) Want() int { return tableWant(m.count()) }

// tableWant is a table of n rows and its header; 0 for no rows.
func tableWant(n int) int {
	if n == 0 {
		return 0
	}
	return n + 1
}
