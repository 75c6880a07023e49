package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"

	"flashtop/ui/theme"
)

// statusKind picks the status bar style.
type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// status is the status bar's message; it expires at until.
type status struct {
	kind  statusKind
	text  string
	until time.Time
}

// setStatus shows text in the status bar for statusTTL.
func (m *Model) setStatus(kind statusKind, text string) {
	m.status = status{kind: kind, text: text, until: m.now.Add(statusTTL)}
}

// newHelp builds the help model in the theme's styles.
func newHelp(st theme.Styles) help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis: st.Help, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.Help,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.Help,
	}
	return h
}

// dimHelp is h drawn entirely dim, for the disabled bindings.
func dimHelp(h help.Model, st theme.Styles) help.Model {
	h.Styles = help.Styles{
		Ellipsis: st.Dim, ShortKey: st.Dim, ShortDesc: st.Dim, ShortSeparator: st.Dim,
		FullKey: st.Dim, FullDesc: st.Dim, FullSeparator: st.Dim,
	}
	return h
}
