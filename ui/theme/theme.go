// Package theme is the only place flashtop's dashboard styles are built: one
// adaptive light/dark palette with explicit colours (never reverse video),
// turned into a Styles struct for a given lipgloss renderer. With a renderer
// whose colour profile is Ascii (tests, NO_COLOR) no style emits colour codes.
package theme

import "github.com/charmbracelet/lipgloss"

// Palette is the set of adaptive colours the styles are made of.
type Palette struct {
	Text, Muted, Accent, Good, Warn, Bad lipgloss.AdaptiveColor
	SoldOut                              lipgloss.AdaptiveColor // a sale whose stock is 0
	Border, BorderFocused                lipgloss.AdaptiveColor
	SelectedBg, SelectedFg, BlurBg       lipgloss.AdaptiveColor
	BannerBg, BannerFg, HeaderBg         lipgloss.AdaptiveColor
	AlertBg, AlertFg                     lipgloss.AdaptiveColor // a value past its alert threshold
}

// DefaultPalette returns flashtop's palette: each colour has a light- and a
// dark-background variant chosen for contrast.
func DefaultPalette() Palette {
	return Palette{
		Text:          lipgloss.AdaptiveColor{Light: "#1F2328", Dark: "#E6EDF3"},
		Muted:         lipgloss.AdaptiveColor{Light: "#6E7781", Dark: "#8B949E"},
		Accent:        lipgloss.AdaptiveColor{Light: "#0550AE", Dark: "#79C0FF"},
		Good:          lipgloss.AdaptiveColor{Light: "#116329", Dark: "#56D364"},
		Warn:          lipgloss.AdaptiveColor{Light: "#7D4E00", Dark: "#E3B341"},
		Bad:           lipgloss.AdaptiveColor{Light: "#B62324", Dark: "#FF7B72"},
		SoldOut:       lipgloss.AdaptiveColor{Light: "#8250DF", Dark: "#D2A8FF"},
		Border:        lipgloss.AdaptiveColor{Light: "#B1BAC4", Dark: "#484F58"},
		BorderFocused: lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#58A6FF"},
		SelectedBg:    lipgloss.AdaptiveColor{Light: "#0969DA", Dark: "#1F6FEB"},
		SelectedFg:    lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#FFFFFF"},
		BlurBg:        lipgloss.AdaptiveColor{Light: "#D0D7DE", Dark: "#30363D"},
		BannerBg:      lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#DA3633"},
		BannerFg:      lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#FFFFFF"},
		HeaderBg:      lipgloss.AdaptiveColor{Light: "#EAEEF2", Dark: "#161B22"},
		AlertBg:       lipgloss.AdaptiveColor{Light: "#BC4C00", Dark: "#F0883E"},
		AlertFg:       lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#0D1117"},
	}
}

// Styles are every style of the dashboard, built once by New. Components
// receive a Styles value and never build styles while rendering.
type Styles struct {
	// Header and modes (root model).
	Header, HeaderKey, HeaderValue lipgloss.Style
	Armed, ReadOnly, Paused, Demo  lipgloss.Style
	Banner                         lipgloss.Style // red "disconnected since …" bar
	StatusBar, StatusOK, StatusErr lipgloss.Style
	StatusInfo                     lipgloss.Style
	HoldsLive, HoldsNotLive        lipgloss.Style // status bar: the hold counts are live / not live
	Help, HelpKey, HelpDesc        lipgloss.Style
	Dialog, DialogTitle            lipgloss.Style
	FormLabel, FormInput           lipgloss.Style
	FormInputFocused, FormError    lipgloss.Style
	Dim                            lipgloss.Style
	Border, BorderFocused          lipgloss.Style // foreground of panel borders
	Title, TitleFocused            lipgloss.Style // panel titles
	// Panels.
	TableHeader     lipgloss.Style // column headings
	Selected        lipgloss.Style // cursor row of the focused panel
	SelectedBlur    lipgloss.Style // cursor row of a blurred panel
	Marked          lipgloss.Style // the selected sale's marker and id
	Good, Warn, Bad lipgloss.Style // OK / refusal or warning / error or danger
	Flag            lipgloss.Style // a flagged value (e.g. "no TTL")
	SoldOut         lipgloss.Style // a sold-out sale's stock and "SOLD OUT": a state, not an error or "no data"
	Spark           lipgloss.Style // sparklines
	Empty           lipgloss.Style // placeholder text ("no data yet")
	Stale           lipgloss.Style // "data 12s old"
	// Alert is a value past its alert threshold (flashtop/alerts): the
	// cell, the server line, the header's memory and "alerts N". A
	// background of its own, so it stands apart from danger (red text).
	Alert lipgloss.Style
}

// New builds the Styles for renderer r with the default palette. Colours are
// rendered in r's colour profile, so an Ascii profile renders none.
func New(r *lipgloss.Renderer) Styles {
	return NewWithPalette(r, DefaultPalette())
}

// NewWithPalette builds the Styles for renderer r from palette p.
func NewWithPalette(r *lipgloss.Renderer, p Palette) Styles {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return r.NewStyle().Foreground(c) }
	s := Styles{
		Header:      r.NewStyle().Foreground(p.Text).Background(p.HeaderBg),
		HeaderKey:   fg(p.Muted).Background(p.HeaderBg),
		HeaderValue: fg(p.Text).Background(p.HeaderBg).Bold(true),
		Armed:       fg(p.Warn).Background(p.HeaderBg).Bold(true),
		ReadOnly:    fg(p.Good).Background(p.HeaderBg).Bold(true),
		Paused:      fg(p.Warn).Background(p.HeaderBg).Bold(true),
		Demo:        fg(p.Accent).Background(p.HeaderBg).Bold(true),
		Banner:      r.NewStyle().Foreground(p.BannerFg).Background(p.BannerBg).Bold(true),
		StatusBar:   fg(p.Muted),
		StatusOK:    fg(p.Good),
		StatusErr:   fg(p.Bad).Bold(true),
		StatusInfo:  fg(p.Accent),
		Help:        fg(p.Muted),
		HelpKey:     fg(p.Accent).Bold(true),
		HelpDesc:    fg(p.Muted),
		Dialog: r.NewStyle().Border(lipgloss.RoundedBorder()).
			BorderForeground(p.BorderFocused).Padding(0, 1),
		DialogTitle:      fg(p.Accent).Bold(true),
		FormLabel:        fg(p.Muted),
		FormInput:        fg(p.Text),
		FormInputFocused: fg(p.Accent).Bold(true),
		FormError:        fg(p.Bad),
		Dim:              fg(p.Muted),
		Border:           fg(p.Border),
		BorderFocused:    fg(p.BorderFocused),
		Title:            fg(p.Muted).Bold(true),
		TitleFocused:     fg(p.BorderFocused).Bold(true),
		TableHeader:      fg(p.Muted).Bold(true),
		Selected:         r.NewStyle().Foreground(p.SelectedFg).Background(p.SelectedBg),
		SelectedBlur:     r.NewStyle().Foreground(p.Text).Background(p.BlurBg),
		Marked:           fg(p.Accent).Bold(true),
		Good:             fg(p.Good),
		Warn:             fg(p.Warn),
		Bad:              fg(p.Bad),
		Flag:             fg(p.Bad).Bold(true),
		SoldOut:          fg(p.SoldOut).Bold(true),
		Spark:            fg(p.Accent),
		Empty:            fg(p.Muted).Italic(true),
		Stale:            fg(p.Warn).Bold(true),
		HoldsLive:        fg(p.Good),
		HoldsNotLive:     fg(p.Warn).Bold(true),
		Alert:            fg(p.AlertFg).Background(p.AlertBg).Bold(true),
	}
	return s
}
