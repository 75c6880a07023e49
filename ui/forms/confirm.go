package forms

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Confirm is a y/n question naming exactly what will happen. It is built
// with the command it runs on yes, so that what is asked and what runs
// cannot drift apart (the prompt carries its action: nothing is decoded
// later from side fields).
type Confirm struct {
	title  string
	prompt string
	action tea.Cmd
	state  State
	keys   KeyMap
	st     Styles
	width  int
}

// NewConfirm builds a confirm dialog asking prompt; action is the command
// that Update returns when the answer is yes.
func NewConfirm(title, prompt string, action tea.Cmd, st Styles) Confirm {
	return Confirm{title: title, prompt: prompt, action: action, keys: DefaultKeyMap(), st: st, width: 40}
}

// SetWidth sets the dialog's outer width.
func (c *Confirm) SetWidth(w int) { c.width = w }

// State is Accepted after y, Cancelled after n or esc.
func (c Confirm) State() State { return c.state }

// Title is the dialog's title (the operation's name).
func (c Confirm) Title() string { return c.title }

// Prompt is the question asked.
func (c Confirm) Prompt() string { return c.prompt }

// Update answers the question on y (returning the action, once), n or esc;
// other keys are ignored.
func (c Confirm) Update(msg tea.Msg) (Confirm, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || c.state != Open {
		return c, nil
	}
	switch {
	case key.Matches(k, c.keys.Yes):
		c.state = Accepted
		return c, c.action
	case key.Matches(k, c.keys.No):
		c.state = Cancelled
	}
	return c, nil
}

// View renders the box: title, the wrapped question and the y/n hint.
func (c Confirm) View() string {
	w := innerWidth(c.st, c.width)
	body := strings.Join([]string{
		c.st.Title.Width(w).Render(c.title),
		"",
		c.st.Label.Width(w).Render(c.prompt),
		"",
		c.st.Dim.Width(w).Render("y yes · n/esc no"),
	}, "\n")
	return box(c.st, w, body)
}
