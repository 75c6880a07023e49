package panels

import "slices"

// SelectSale puts the bar on sale id. The dashboard's selected sale is the
// one under the bar (ui: followBar), so this is how a selection made
// elsewhere (the first --sale at start) reaches the table. When id is not a
// row yet (no snapshot so far) the bar goes there once the rows hold it.
func (m *Sales) SelectSale(id string) {
	m.cursorID = id
	if i := slices.IndexFunc(m.rows, func(r saleRow) bool { return r.s.ID == id }); i >= 0 {
		m.list.track(i, len(m.rows), m.page())
	}
}
