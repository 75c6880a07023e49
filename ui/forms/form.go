package forms

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Field describes one text field of a form.
type Field struct {
	Label    string
	Value    string             // initial value
	Hint     string             // placeholder shown while empty
	Validate func(string) error // nil: anything goes
}

type field struct {
	Field
	in      Input
	err     error // the validator's verdict on the current value
	touched bool  // edited, or submitted: only then is err shown
	refusal error // why the last key's text was refused (shown until the next key)
}

// Form is a titled list of validated text fields.
type Form struct {
	title  string
	fields []field
	focus  int
	state  State
	keys   KeyMap
	st     Styles
	width  int
}

// maxValueLen bounds what a field accepts (ids are at most 512 bytes).
const maxValueLen = 512

// New builds a form; the first field has the focus.
func New(title string, st Styles, fields ...Field) Form {
	f := Form{title: title, keys: DefaultKeyMap(), st: st, width: 40}
	for _, fd := range fields {
		in := NewInput(maxValueLen)
		in.SetValue(fd.Value)
		fl := field{Field: fd, in: in}
		fl.err = fl.check()
		f.fields = append(f.fields, fl)
	}
	if len(f.fields) > 0 {
		f.fields[0].in.Focus()
	}
	f.SetWidth(f.width)
	return f
}

func (fl field) check() error {
	if fl.Validate == nil {
		return nil
	}
	return fl.Validate(fl.in.Value())
}

// SetWidth sets the dialog's outer width.
func (f *Form) SetWidth(w int) {
	f.width = w
}

// State tells whether the form is open, submitted or cancelled.
func (f Form) State() State { return f.state }

// Valid reports whether every field passes its validator.
func (f Form) Valid() bool {
	for _, fl := range f.fields {
		if fl.err != nil {
			return false
		}
	}
	return true
}

// Values returns the fields' current text, in order.
func (f Form) Values() []string {
	out := make([]string, len(f.fields))
	for i, fl := range f.fields {
		out[i] = fl.in.Value()
	}
	return out
}

// Err returns field i's validation error (nil when valid).
func (f Form) Err(i int) error { return f.fields[i].err }

// Focused returns the index of the focused field.
func (f Form) Focused() int { return f.focus }

// Update handles keys: tab/shift+tab move between fields, enter submits when
// every field is valid (else it shows every error and moves to the first
// invalid field), esc cancels; anything else edits the focused field.
// Values are validated all along (Valid, Err), but a field shows its error
// only once it has been edited or a submit was refused: a form never opens
// in red.
func (f Form) Update(msg tea.Msg) (Form, tea.Cmd) {
	if f.state != Open || len(f.fields) == 0 {
		return f, nil
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, f.keys.Cancel):
			f.state = Cancelled
			return f, nil
		case key.Matches(k, f.keys.Submit):
			if f.Valid() {
				f.state = Accepted
				return f, nil
			}
			for i := range f.fields {
				f.fields[i].touched = true
			}
			for i, fl := range f.fields {
				if fl.err != nil {
					f.setFocus(i)
					return f, nil
				}
			}
		case key.Matches(k, f.keys.Next):
			f.setFocus((f.focus + 1) % len(f.fields))
			return f, nil
		case key.Matches(k, f.keys.Prev):
			f.setFocus((f.focus + len(f.fields) - 1) % len(f.fields))
			return f, nil
		}
	}
	fl := &f.fields[f.focus]
	before := fl.in.Value()
	var cmd tea.Cmd
	fl.in, cmd = fl.in.Update(msg)
	fl.refusal = fl.in.Err()
	if fl.in.Value() != before {
		fl.touched = true
	}
	fl.err = fl.check()
	return f, cmd
}

// shownErr is the error the field shows: a refused key's, else the
// validator's once the field was edited or submitted.
func (fl field) shownErr() error {
	if fl.refusal != nil {
		return fl.refusal
	}
	if fl.touched {
		return fl.err
	}
	return nil
}

// showsErr reports whether any field shows an error.
func (f Form) showsErr() bool {
	for _, fl := range f.fields {
		if fl.shownErr() != nil {
			return true
		}
	}
	return false
}

// Shown returns the error field i shows (nil while it shows none).
func (f Form) Shown(i int) error { return f.fields[i].shownErr() }

func (f *Form) setFocus(i int) {
	f.fields[f.focus].in.Blur()
	f.focus = i
	f.fields[i].in.Focus()
}

// View renders the dialog box: title, one labelled input per field with its
// error under it, and the key hint (submit shown dimmed while invalid).
func (f Form) View() string {
	w := innerWidth(f.st, f.width)
	cut := func(s string) string { return ansi.Truncate(s, w, "…") }
	lines := []string{f.st.Title.Render(cut(f.title)), ""}
	for i, fl := range f.fields {
		lines = append(lines, f.st.Label.Render(cut(fl.Label)))
		in := f.st.Input
		if i == f.focus {
			in = f.st.InputFocused
		}
		text := fl.in.View(w - in.GetHorizontalFrameSize())
		if text == "" && !fl.in.Focused() {
			text = f.st.Dim.Render(fl.Hint)
		}
		lines = append(lines, cut(in.Render(text)))
		if e := fl.shownErr(); e != nil {
			lines = append(lines, f.st.Error.Render(cut(e.Error())))
		} else {
			lines = append(lines, "")
		}
	}
	submit := "enter submit"
	if f.showsErr() {
		submit = f.st.Dim.Render("enter submit (fix the fields first)")
	}
	lines = append(lines, cut(submit+" · tab next · esc cancel"))
	body := strings.Join(lines, "\n")
	return box(f.st, w, body)
}
