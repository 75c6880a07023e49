// Package forms holds the dashboard's modal dialogs: a small generic form of
// text fields with per-field validation (submit is refused while any field is
// invalid) and a y/n confirm. Both follow the bubbles shape: New, Update
// returning the concrete type, View, SetWidth; the caller reads State after
// each Update to learn whether the dialog was submitted or cancelled.
package forms

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// State is where a dialog stands.
type State int

// Dialog states.
const (
	Open      State = iota // still taking input
	Accepted               // form submitted with valid values, or confirm answered yes
	Cancelled              // esc, or confirm answered no
)

// Styles are the dialog styles; the root fills them from ui/theme.
type Styles struct {
	Dialog       lipgloss.Style // the box
	Title        lipgloss.Style
	Label        lipgloss.Style
	Input        lipgloss.Style
	InputFocused lipgloss.Style
	Error        lipgloss.Style
	Dim          lipgloss.Style
}

// KeyMap is the dialogs' bindings.
type KeyMap struct {
	Next   key.Binding
	Prev   key.Binding
	Submit key.Binding
	Cancel key.Binding
	Yes    key.Binding
	No     key.Binding
}

// DefaultKeyMap returns the bindings of DESIGN.md §7: tab next field, enter
// submit, esc cancel; y/n answer a confirm.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// minInner is the narrowest content width a dialog draws.
const minInner = 8

// innerWidth is the content width of a dialog of outer width w.
func innerWidth(st Styles, w int) int {
	return max(minInner, w-st.Dialog.GetHorizontalFrameSize())
}

// box draws body in the dialog style, content inner cells wide.
func box(st Styles, inner int, body string) string {
	return st.Dialog.Width(inner + st.Dialog.GetHorizontalPadding()).Render(body)
}
