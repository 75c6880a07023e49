package theme

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func renderer(p termenv.Profile, dark bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(dark)
	return r
}

// styles returns every lipgloss.Style field of s by name.
func styles(s Styles) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if st, ok := v.Field(i).Interface().(lipgloss.Style); ok {
			out[v.Type().Field(i).Name] = st
		}
	}
	return out
}

func TestAsciiRendersNoEscapes(t *testing.T) {
	all := styles(New(renderer(termenv.Ascii, true)))
	if len(all) != reflect.TypeFor[Styles]().NumField() {
		t.Fatalf("only %d styles found", len(all))
	}
	for name, st := range all {
		if out := st.Render("text"); strings.Contains(out, "\x1b") {
			t.Errorf("%s renders escape codes with Ascii: %q", name, out)
		}
	}
}

func TestColoursAreExplicitAndAdaptive(t *testing.T) {
	dark := styles(New(renderer(termenv.TrueColor, true)))
	light := styles(New(renderer(termenv.TrueColor, false)))
	for name, st := range dark {
		if st.GetReverse() {
			t.Errorf("%s uses reverse video", name)
		}
		if _, ok := st.GetForeground().(lipgloss.AdaptiveColor); !ok && name != "Dialog" {
			t.Errorf("%s has no adaptive foreground colour", name)
		}
		d, l := st.Render("x"), light[name].Render("x")
		if !strings.Contains(d, "\x1b[") {
			t.Errorf("%s renders no colour with TrueColor: %q", name, d)
		}
		if d == l && name != "Banner" && name != "Selected" && name != "Dialog" {
			t.Errorf("%s is the same on light and dark backgrounds: %q", name, d)
		}
	}
}

func TestPaletteHasContrastingVariants(t *testing.T) {
	p := reflect.ValueOf(DefaultPalette())
	for i := range p.NumField() {
		c := p.Field(i).Interface().(lipgloss.AdaptiveColor)
		if c.Light == "" || c.Dark == "" {
			t.Errorf("%s lacks a variant: %+v", p.Type().Field(i).Name, c)
		}
	}
}
