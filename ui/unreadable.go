package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// What the poller could not read is never drawn as data (CONVENTIONS.md 20):
// a panel that shows something the snapshot lists in Unreadable says
// "cannot read <what>: <reason>" on its bottom border; a panel made only of
// it (server, slowlog) shows that note instead of its zeros ("0B", "no slow
// commands"); the header says "cannot read INFO" instead of "0B". When
// nothing at all can be read the poller fails and the lost-connection banner
// shows instead.

// Border runes of the bottom edge of a panel box (as ui/panels draws it).
const (
	unreadCornerLeft  = "╰"
	unreadCornerRight = "╯"
	unreadEdge        = "─"
	unreadSide        = "│"
	// unreadMinWidth is the narrowest box that gets the note: the corners,
	// one edge cell each side and a few cells of text.
	unreadMinWidth = 12
)

// panelUnread lists the Unreadable kinds whose data panel id shows.
func panelUnread(id panelID) []string {
	switch id {
	case pSales:
		return []string{redisops.UnreadStock, redisops.UnreadQueues, redisops.UnreadHolds, redisops.UnreadActive}
	case pQueue:
		return []string{redisops.UnreadQueues}
	case pHolds:
		return []string{redisops.UnreadHolds}
	case pServer:
		return []string{redisops.UnreadServer}
	case pSlowlog:
		return []string{redisops.UnreadSlowlog}
	case pAnomalies, pEvents: // anomalies and sale events come from the keys
		return []string{redisops.UnreadStock, redisops.UnreadQueues, redisops.UnreadHolds}
	}
	return nil
}

// unreadNote is panel id's "cannot read …" text ("" when it read everything).
func (m Model) unreadNote(id panelID) string {
	if m.snap == nil {
		return ""
	}
	kinds := panelUnread(id)
	var parts []string
	for _, u := range m.snap.Unreadable {
		if !slices.Contains(kinds, u.What) {
			continue
		}
		what := textsafe.String(u.What)
		if u.Keys > 0 {
			what += fmt.Sprintf(" (%d keys)", u.Keys)
		}
		parts = append(parts, what+": "+textsafe.String(u.Reason))
	}
	if len(parts) == 0 {
		return ""
	}
	if m.cfg.InProcess && id == pSlowlog { // miniredis has no SLOWLOG: nothing is refused, there is none
		return inProcessNoSlowlog
	}
	return "cannot read " + strings.Join(parts, "; ")
}

// inProcessNoSlowlog is the slowlog panel's note on the demo's in-process
// Redis, which keeps no slowlog (its SLOWLOG GET is an unknown command).
const inProcessNoSlowlog = "n/a: the in-process Redis keeps no slowlog"

// withUnreadable draws panel id's "cannot read" note over the bottom border
// of its box (its last line), cut to fit: ╰─ cannot read holds: NOPERM … ─╯,
// or in place of the body of a panel made only of what could not be read.
// The box keeps its exact size; a box too narrow is left as it is.
func (m Model) withUnreadable(id panelID, box string) string {
	note := m.unreadNote(id)
	if note == "" {
		return box
	}
	cut := strings.LastIndexByte(box, '\n')
	last := box[cut+1:]
	w := ansi.StringWidth(last)
	if w < unreadMinWidth || !strings.Contains(last, unreadCornerLeft) {
		return box
	}
	bs := m.st.Border
	if m.focus == id {
		bs = m.st.BorderFocused
	}
	if wholly(id) {
		return m.noteBody(box[:cut+1], note, w, bs.Render(unreadSide)) + last
	}
	room := w - 4 // the corners and one edge cell each side
	text := ansi.Truncate(" "+note+" ", room, "… ")
	fill := max(room-ansi.StringWidth(text), 0)
	bottom := bs.Render(unreadCornerLeft+unreadEdge) + m.st.Bad.Render(text) +
		bs.Render(strings.Repeat(unreadEdge, fill+1)+unreadCornerRight)
	return box[:cut+1] + bottom
}

// wholly reports the panels made only of one kind of data: when it could
// not be read, their body is the note (and their border stays plain).
func wholly(id panelID) bool { return id == pServer || id == pSlowlog }

// noteBody replaces the inner lines of a box (its top border, then its
// lines, each ending in a newline) with note, wrapped to the inner width
// and styled as an error; the top border and the sides stay.
func (m Model) noteBody(top, note string, w int, side string) string {
	lines := strings.Split(strings.TrimSuffix(top, "\n"), "\n")
	inner := w - 2
	wrapped := strings.Split(ansi.Wrap(note, inner, ""), "\n")
	for i := 1; i < len(lines); i++ {
		text := ""
		if i-1 < len(wrapped) {
			text = wrapped[i-1]
		}
		pad := strings.Repeat(" ", max(inner-ansi.StringWidth(text), 0))
		lines[i] = side + m.st.Bad.Render(text) + pad + side
	}
	return strings.Join(lines, "\n") + "\n"
}

// unreadServerSegments are the header's server segments when INFO could not
// be read: the ping and the reason, never "0B/no limit" (ok false when INFO
// was read).
func (m Model) unreadServerSegments() ([]segment, bool) {
	if m.snap == nil {
		return nil, false
	}
	for _, u := range m.snap.Unreadable {
		if u.What == redisops.UnreadServer {
			return []segment{
				{key: "redis", value: "cannot read INFO: " + textsafe.Cut(u.Reason, 40), style: &m.st.Bad},
				{key: "ping", value: fmt.Sprintf("%.2fms", m.snap.Server.PingMs)},
				{key: "sessions", value: fmt.Sprint(m.snap.Sessions.Count)},
			}, true
		}
	}
	return nil, false
}
