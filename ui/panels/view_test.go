package panels

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"flashtop/redisops"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// viewer is what every panel offers for rendering tests.
type viewer interface {
	View() string
}

// dashboard is one of each panel, sized and fed alike.
type dashboard struct {
	sales   Sales
	queue   Queue
	holds   Holds
	server  Server
	slowlog Slowlog
	cmdlog  CmdLog
}

func newDashboard(st theme.Styles) *dashboard {
	return &dashboard{NewSales(st), NewQueue(st), NewHolds(st), NewServer(st), NewSlowlog(st), NewCmdLog(st)}
}

func (b *dashboard) setSize(w, h int) {
	b.sales.SetSize(w, h)
	b.queue.SetSize(w, h)
	b.holds.SetSize(w, h)
	b.server.SetSize(w, h)
	b.slowlog.SetSize(w, h)
	b.cmdlog.SetSize(w, h)
}

func (b *dashboard) setData(d Data) {
	b.sales.SetData(d)
	b.queue.SetData(d)
	b.holds.SetData(d)
	b.server.SetData(d)
	b.slowlog.SetData(d)
	b.cmdlog.SetData(d)
}

func (b *dashboard) panels() map[string]viewer {
	return map[string]viewer{
		"sales": b.sales, "queue": b.queue, "holds": b.holds,
		"server": b.server, "slowlog": b.slowlog, "cmdlog": b.cmdlog,
	}
}

// fedDashboard has seen two snapshots a minute apart (stock of sale-b fell
// from 100 to 40) and shows sale-b at t0+2s.
func fedDashboard(st theme.Styles) *dashboard {
	b := newDashboard(st)
	old := fixture(t0.Add(-time.Minute))
	*old.Sales[0].Inventory = 100
	old.Server.OpsPerSec = 200
	b.setData(Data{Snap: old, Now: t0.Add(-time.Minute)})
	b.setData(Data{Snap: fixture(t0), Now: t0.Add(2 * time.Second), Sale: "sale-b", Log: fixtureLog()})
	return b
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{100, 12}, {44, 8}} {
		b := fedDashboard(asciiStyles())
		b.setSize(size[0], size[1])
		b.sales.Focus()
		for name, p := range b.panels() {
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				v := p.View()
				checkBounds(t, name, v, size[0], size[1])
				golden.RequireEqual(t, v)
			})
		}
	}
}

func TestGoldenNoData(t *testing.T) {
	b := newDashboard(asciiStyles())
	b.setSize(40, 5)
	b.setData(Data{Now: t0})
	var all strings.Builder
	for _, name := range []string{"sales", "queue", "holds", "server", "slowlog", "cmdlog"} {
		v := b.panels()[name].View()
		checkBounds(t, name, v, 40, 5)
		all.WriteString(v + "\n")
	}
	golden.RequireEqual(t, all.String())
}

// hostile returns a snapshot whose every Redis string is an attack.
func hostile(at time.Time) *redisops.Snapshot {
	evil := []string{"\x1b[2J", "\x1b]52;c;AAAA\a", "bad\xff\xfeutf8", strings.Repeat("x", 10_000), "\u202eevil", "tab\there\r\n", "日本語のセール販売", "e\u0301\U0001F469\u200d\U0001F4BB", "\x9b31m"}
	s := fixture(at)
	for i, e := range evil {
		id := e + fmt.Sprint(i)
		s.Sales = append(s.Sales, redisops.SaleStats{ID: id, Inventory: i64(int64(i))})
		s.Reservations = append(s.Reservations, redisops.Hold{Sale: "sale-b", User: e, Quantity: 1, TTLMs: 1000})
		s.Queues["sale-b"] = append(s.Queues["sale-b"], redisops.QueueEntry{User: e, Position: int64(4 + i), JoinedAtMs: at.UnixMilli()})
		s.Slowlog = append(s.Slowlog, redisops.SlowEntry{ID: int64(10 + i), Time: at, Args: []string{"SET", e, e}, ClientName: e, ClientAddr: e})
	}
	s.Server.Version, s.Server.Role = evil[0], evil[1]
	s.Server.MaxmemoryPolicy, s.Server.AOFLastWriteStatus = evil[2], evil[3]
	return s
}

// assertSafe fails when a view carries a control character (other than the
// line breaks) or invalid UTF-8.
func assertSafe(t testing.TB, name, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Fatalf("%s: invalid UTF-8 in view: %q", name, v)
	}
	for _, r := range v {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
			t.Fatalf("%s: control %U reached the view: %q", name, r, v)
		}
	}
}

func TestHostileStringsNeverRaw(t *testing.T) {
	st := asciiStyles()
	b := newDashboard(st)
	snap := hostile(t0)
	log := append(fixtureLog(), LogEntry{At: t0, Command: "reserve \x1b[2J", Status: "\x1b]52;c;AAAA\a", Err: "\x9b31m"})
	for _, sale := range []string{"sale-b", "", snap.Sales[3].ID, snap.Sales[4].ID} {
		b.setData(Data{Snap: snap, Now: t0, Sale: sale, Filter: "", Log: log})
		for _, w := range []int{30, 120, 300} {
			b.setSize(w, 30)
			for name, p := range b.panels() {
				v := p.View()
				checkBounds(t, name, v, w, 30)
				assertSafe(t, name, v)
			}
		}
	}
	// The escapes are shown, escaped, rather than dropped.
	b.setSize(200, 30)
	b.setData(Data{Snap: snap, Now: t0, Sale: "sale-b", Log: log})
	if v := b.holds.View(); !strings.Contains(v, `\x1b[2J`) {
		t.Fatalf("holds view does not show the escaped ESC:\n%s", v)
	}
	if v := b.sales.View(); !strings.Contains(v, `bad\xff\xfeutf8`) {
		t.Fatalf("sales view does not show the escaped bytes:\n%s", v)
	}
}

func TestSizeGrid(t *testing.T) {
	widths := []int{0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 20, 25, 30, 40, 50, 60, 75, 80, 100, 120, 160, 200, 250, 300}
	heights := []int{0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60, 80, 100}
	st := asciiStyles()
	cases := map[string]Data{
		"empty":   {Now: t0},
		"fixture": {Snap: fixture(t0), Now: t0, Sale: "sale-b", Log: fixtureLog(), Stale: true},
		"hostile": {Snap: hostile(t0), Now: t0, Sale: "", Filter: "\x1b", Log: fixtureLog()},
	}
	for cname, d := range cases {
		b := newDashboard(st)
		b.setData(d)
		b.sales.Focus()
		b.holds.Focus()
		for _, w := range widths {
			for _, h := range heights {
				b.setSize(w, h)
				for name, p := range b.panels() {
					checkBounds(t, cname+"/"+name, p.View(), w, h)
				}
			}
		}
	}
}

func TestAsciiRendererEmitsNoEscapes(t *testing.T) {
	b := fedDashboard(asciiStyles())
	b.setSize(120, 20)
	b.sales.Focus()
	for name, p := range b.panels() {
		if v := p.View(); strings.Contains(v, "\x1b") {
			t.Fatalf("%s: escape code with an Ascii renderer: %q", name, v)
		}
	}
}

func TestColourRendererColours(t *testing.T) {
	st := colourStyles()
	b := fedDashboard(st)
	b.setSize(120, 20)
	b.sales.Focus()
	v := b.cmdlog.View()
	for _, want := range []string{
		st.Good.Render(table.Align("reserved", maxStatusWidth, false)),
		st.Warn.Render(table.Align("insufficient_stock", maxStatusWidth, false)),
		st.Bad.Render(table.Align("error", maxStatusWidth, false)),
	} {
		if !strings.Contains(want, "\x1b[") || !strings.Contains(v, want) {
			t.Fatalf("command log lacks the coloured status %q:\n%q", want, v)
		}
	}
	if !strings.Contains(b.sales.View(), st.BorderFocused.Render(boxTopLeft+boxHorizontal)) {
		t.Fatal("focused sales panel does not draw the focused border")
	}
	if !strings.Contains(b.holds.View(), st.Border.Render(boxTopLeft+boxHorizontal)) {
		t.Fatal("blurred holds panel does not draw the plain border")
	}
}
