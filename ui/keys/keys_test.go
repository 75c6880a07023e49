package keys

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestContractBindings(t *testing.T) {
	k := New()
	for _, tc := range []struct {
		msg tea.KeyMsg
		b   key.Binding
	}{
		{press("q"), k.Quit}, {tea.KeyMsg{Type: tea.KeyCtrlC}, k.Quit}, {press("?"), k.Help},
		{tea.KeyMsg{Type: tea.KeyTab}, k.NextPanel}, {tea.KeyMsg{Type: tea.KeyShiftTab}, k.PrevPanel},
		{press("r"), k.Reserve}, {press("x"), k.Release}, {press("p"), k.Pause}, {press("/"), k.Filter},
		{press("i"), k.Join}, {press("o"), k.Leave}, {press("A"), k.Admit}, {press("+"), k.Restock},
		{press("-"), k.Take}, {press("="), k.SetStock}, {press("R"), k.Refresh}, {press("]"), k.Faster},
		{press("["), k.Slower}, {press("s"), k.Sort}, {press("S"), k.ReverseSort},
		{tea.KeyMsg{Type: tea.KeyEnter}, k.Select}, {tea.KeyMsg{Type: tea.KeyEsc}, k.Close},
	} {
		if !key.Matches(tc.msg, tc.b) {
			t.Errorf("%q does not match %q", tc.msg.String(), tc.b.Help().Key)
		}
	}
}

func TestSetArmedDisablesWritesOnly(t *testing.T) {
	k := New()
	k.SetArmed(false)
	if key.Matches(press("r"), k.Reserve) || key.Matches(press("="), k.SetStock) {
		t.Fatal("disabled write binding still matches")
	}
	if !key.Matches(press("p"), k.Pause) {
		t.Fatal("read binding disabled")
	}
	if !key.Matches(press("x"), k.WriteBindings()...) {
		t.Fatal("WriteBindings must recognise a disabled write key")
	}
	n := 0
	for _, col := range k.DisabledHelp() {
		n += len(col)
	}
	if n != 10 {
		t.Fatalf("DisabledHelp lists %d bindings, want the 9 writes and E", n)
	}
	k.SetArmed(true)
	if !key.Matches(press("r"), k.Reserve) || k.DisabledHelp() != nil {
		t.Fatal("re-arming failed")
	}
}

func TestFullHelpListsEveryBinding(t *testing.T) {
	n := 0
	for _, col := range New().FullHelp() {
		n += len(col)
	}
	if n != 24 { // with E (keyspace events) and L (reclaim)
		t.Fatalf("FullHelp lists %d bindings, want 24", n)
	}
}
