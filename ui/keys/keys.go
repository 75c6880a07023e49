// Package keys holds the dashboard's global and application key bindings
// (DESIGN.md §7) and the help built from them. The panels' tables keep
// their movement key map in ui/table; forms and confirms keep theirs in
// ui/forms.
package keys

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"flashtop/redisops"
)

// KeyMap is every global binding of the dashboard. Write bindings are
// disabled with SetArmed(false) when writes are not armed.
type KeyMap struct {
	Quit        key.Binding
	Interrupt   key.Binding // ctrl+c: quits from any mode, even while typing
	Help        key.Binding
	Close       key.Binding // esc: closes help, clears the filter
	NextPanel   key.Binding
	PrevPanel   key.Binding
	Select      key.Binding // enter: keeps the filter being typed (the Sales bar itself selects the sale)
	Filter      key.Binding
	Pause       key.Binding
	Refresh     key.Binding
	Faster      key.Binding
	Slower      key.Binding
	Sort        key.Binding
	ReverseSort key.Binding
	// Events switches keyspace notifications on (CONFIG SET, after a y/n);
	// enabled only when writes are armed.
	Events key.Binding

	Reserve  key.Binding
	Release  key.Binding
	Join     key.Binding
	Leave    key.Binding
	Admit    key.Binding
	Restock  key.Binding
	Take     key.Binding
	SetStock key.Binding
	Reclaim  key.Binding // give a sale's leaked units back (ui/leaks.go)

	// Demo-mode controls of the simulator (disabled outside --demo).
	SimFaster key.Binding
	SimSlower key.Binding
	SimPause  key.Binding
	Rush      key.Binding

	// Replay controls (enabled only by flashtop replay, SetReplay).
	ReplayPause   key.Binding
	ReplayBack    key.Binding
	ReplayForward key.Binding
	ReplayFaster  key.Binding
	ReplaySlower  key.Binding

	// Move documents the panels' movement keys in help; the panels match
	// their own bindings.
	Move key.Binding
}

// New returns the default key map with writes enabled.
func New() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := KeyMap{
		Quit:          b("q", "quit", "q", "ctrl+c"),
		Interrupt:     b("ctrl+c", "quit", "ctrl+c"),
		Help:          b("?", "help", "?"),
		Close:         b("esc", "close / clear filter", "esc"),
		NextPanel:     b("tab", "next panel", "tab"),
		PrevPanel:     b("shift+tab", "previous panel", "shift+tab"),
		Select:        b("enter", "keep the filter", "enter"),
		Filter:        b("/", "filter", "/"),
		Pause:         b("p", "pause", "p"),
		Refresh:       b("R", "refresh now", "R"),
		Faster:        b("]", "poll faster", "]"),
		Slower:        b("[", "poll slower", "["),
		Sort:          b("s", "cycle sort", "s"),
		ReverseSort:   b("S", "reverse sort", "S"),
		Events:        b("E", "events on", "E"),
		Reserve:       b("r", "reserve", "r"),
		Release:       b("x", "release hold", "x"),
		Join:          b("i", "join queue", "i"),
		Leave:         b("o", "leave queue", "o"),
		Admit:         b("A", "admit next N", "A"),
		Restock:       b("+", "restock", "+"),
		Take:          b("-", "take stock", "-"),
		SetStock:      b("=", "set stock", "="),
		Reclaim:       b("L", "reclaim leaked units", "L"),
		SimFaster:     b(">", "demo: buyers faster", ">"),
		SimSlower:     b("<", "demo: buyers slower", "<"),
		SimPause:      b("space", "demo: pause buyers", " "),
		Rush:          b("!", "demo: rush of 500 buyers", "!"),
		ReplayPause:   b("space", "replay: pause/play", " "),
		ReplayBack:    b("←/,", "replay: step back", "left", ","),
		ReplayForward: b("→/.", "replay: step forward", "right", "."),
		ReplayFaster:  b(">", "replay: faster", ">"),
		ReplaySlower:  b("<", "replay: slower", "<"),
		Move:          b("↑↓/jk", "move (Sales: select)", "up", "down", "j", "k"),
	}
	k.SetDemo(false)
	k.SetReplay(false)
	return k
}

// replays returns pointers to the replay bindings, in help order.
func (k *KeyMap) replays() []*key.Binding {
	return []*key.Binding{&k.ReplayPause, &k.ReplayBack, &k.ReplayForward, &k.ReplayFaster, &k.ReplaySlower}
}

// SetReplay enables the replay controls (only flashtop replay has a player).
func (k *KeyMap) SetReplay(on bool) {
	for _, b := range k.replays() {
		b.SetEnabled(on)
	}
}

// demos returns pointers to the demo-mode bindings, in help order.
func (k *KeyMap) demos() []*key.Binding {
	return []*key.Binding{&k.SimFaster, &k.SimSlower, &k.SimPause, &k.Rush}
}

// SetDemo enables the simulator controls (only --demo has a simulator).
func (k *KeyMap) SetDemo(on bool) {
	for _, b := range k.demos() {
		b.SetEnabled(on)
	}
}

// SetInProcess marks E (keyspace events) as not available on the demo's
// in-process Redis: its help says so, and pressing it tells why.
func (k *KeyMap) SetInProcess(on bool) {
	if on {
		k.Events.SetHelp("E", "events: n/a (in-process Redis)")
	}
}

// writeOp is a write binding and the operation it starts.
type writeOp struct {
	kind redisops.Kind
	b    *key.Binding
}

// writeOps returns the write bindings, in help order, with their operations.
func (k *KeyMap) writeOps() []writeOp {
	return []writeOp{{redisops.KindReserve, &k.Reserve}, {redisops.KindRelease, &k.Release}, {redisops.KindJoin, &k.Join},
		{redisops.KindLeave, &k.Leave}, {redisops.KindAdmit, &k.Admit}, {redisops.KindRestock, &k.Restock},
		{redisops.KindTake, &k.Take}, {redisops.KindSet, &k.SetStock}, {redisops.KindReclaim, &k.Reclaim}}
}

// writes returns pointers to the write bindings, in help order.
func (k *KeyMap) writes() []*key.Binding {
	ops := k.writeOps()
	out := make([]*key.Binding, len(ops))
	for i, o := range ops {
		out[i] = o.b
	}
	return out
}

// WriteKind finds the operation a key press starts, armed or not (a
// disabled binding does not match: enabled copies are matched), so that a
// write refused for not being armed can say why.
func (k KeyMap) WriteKind(msg tea.KeyMsg) (redisops.Kind, bool) {
	for _, o := range k.writeOps() {
		b := *o.b
		b.SetEnabled(true)
		if key.Matches(msg, b) {
			return o.kind, true
		}
	}
	return "", false
}

// SetArmed enables or disables every write binding (DESIGN.md §6).
func (k *KeyMap) SetArmed(armed bool) {
	for _, b := range k.writes() {
		b.SetEnabled(armed)
	}
	k.Events.SetEnabled(armed)
}

// WriteBindings returns enabled copies of the write bindings, so that a key
// press on a disabled write can be recognised and refused with a reason. The
// order is fixed: Reserve, Release, Join, Leave, Admit, Restock, Take,
// SetStock, Reclaim.
func (k KeyMap) WriteBindings() []key.Binding {
	ws := k.writes()
	out := make([]key.Binding, len(ws))
	for i, b := range ws {
		out[i] = *b
		out[i].SetEnabled(true)
	}
	return out
}

// ShortHelp is the one-line hint of the status bar (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.NextPanel, k.Reserve, k.Release, k.Pause, k.Filter}
}

// FullHelp is the help overlay's columns (help.KeyMap). Disabled bindings
// are left out by bubbles/help; DisabledHelp lists them.
func (k KeyMap) FullHelp() [][]key.Binding {
	ws := k.writes()
	writes := make([]key.Binding, len(ws))
	for i, b := range ws {
		writes[i] = *b
	}
	cols := [][]key.Binding{
		{k.Move, k.NextPanel, k.PrevPanel, k.Filter, k.Select, k.Close},
		{k.Pause, k.Refresh, k.Faster, k.Slower, k.Sort, k.ReverseSort, k.Events},
		writes,
		{k.Help, k.Quit},
	}
	if k.Rush.Enabled() {
		cols = append(cols, []key.Binding{k.SimFaster, k.SimSlower, k.SimPause, k.Rush})
	}
	if k.ReplayPause.Enabled() {
		cols = append(cols, []key.Binding{k.ReplayPause, k.ReplayBack, k.ReplayForward, k.ReplayFaster, k.ReplaySlower})
	}
	return cols
}

// All returns every binding, enabled or not, for documentation checks.
func (k KeyMap) All() []key.Binding {
	out := []key.Binding{k.Quit, k.Interrupt, k.Help, k.Close, k.NextPanel, k.PrevPanel, k.Select,
		k.Filter, k.Pause, k.Refresh, k.Faster, k.Slower, k.Sort, k.ReverseSort, k.Move}
	for _, b := range append(append(append(k.writes(), &k.Events), k.demos()...), k.replays()...) {
		c := *b
		c.SetEnabled(true)
		out = append(out, c)
	}
	return out
}

// DisabledHelp returns enabled copies of the disabled write bindings, for
// the help overlay to show them apart (dimmed) with the reason; they come in
// columns of at most four.
func (k KeyMap) DisabledHelp() [][]key.Binding {
	var off []key.Binding
	for _, b := range append(k.writes(), &k.Events) { // E writes too (CONFIG SET)
		if !b.Enabled() {
			c := *b
			c.SetEnabled(true)
			off = append(off, c)
		}
	}
	if len(off) == 0 {
		return nil
	}
	return columns(off, helpRows)
}

// helpRows is the height of the disabled-bindings columns.
const helpRows = 4

// columns splits bs into columns of at most n bindings.
func columns(bs []key.Binding, n int) [][]key.Binding {
	var out [][]key.Binding
	for len(bs) > n {
		out = append(out, bs[:n])
		bs = bs[n:]
	}
	return append(out, bs)
}

// MarkdownTable is the README's key table, built from the key map so that the
// two cannot drift apart (a test compares them).
func MarkdownTable() string {
	k := New()
	var b strings.Builder
	b.WriteString("| key | action | notes |\n|---|---|---|\n")
	row := func(bd key.Binding, note string) {
		names := make([]string, len(bd.Keys()))
		for i, n := range bd.Keys() {
			if n == " " {
				n = "space"
			}
			names[i] = "`" + n + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", strings.Join(names, " "), bd.Help().Desc, note)
	}
	for _, bd := range []key.Binding{k.Quit, k.Help, k.Close, k.NextPanel, k.PrevPanel} {
		row(bd, "")
	}
	row(k.Move, "in Sales the bar is the selected sale (●): Queue, Holds and the sale writes follow it")
	for _, bd := range []key.Binding{k.Filter, k.Select, k.Pause, k.Refresh, k.Faster, k.Slower, k.Sort, k.ReverseSort} {
		row(bd, "")
	}
	for _, o := range k.writeOps() { // where each write acts: DESIGN.md §6, ui.Model.followBar
		sp, _ := redisops.SpecOf(o.kind)
		switch sp.Subject {
		case redisops.SubjectHold:
			row(*o.b, "write (armed only): the highlighted hold, with the Holds panel focused only; y/n first")
		case redisops.SubjectMember:
			row(*o.b, "write (armed only): the highlighted member, with the Queue panel focused only; y/n first")
		default:
			row(*o.b, "write (armed only): the sale under the Sales bar; y/n first")
		}
	}
	row(k.Events, "runs CONFIG SET notify-keyspace-events after a y/n naming it and its undo (server-wide, outlives flashtop); only when writes are armed")
	for _, bd := range k.demos() {
		row(*bd, "only with --demo")
	}
	for _, bd := range k.replays() {
		row(*bd, "only in flashtop replay")
	}
	return b.String()
}
