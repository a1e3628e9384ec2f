// Package theme is SafetyNet's Fyne theme: Fyne's default look, with text
// drawn in a font that has Chinese glyphs, which Fyne's own font lacks.
package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Fyne's default theme with its text fonts replaced by a CJK font.
// Monospaced and symbol text keep Fyne's fonts. It is safe for concurrent
// use.
type Theme struct {
	regular, bold fyne.Resource
	variant       *fyne.ThemeVariant // nil: follow the system
}

// Variants a user can choose in the settings.
const (
	System = "system"
	Light  = "light"
	Dark   = "dark"
)

// WithVariant returns a copy of t that is always light or dark ("light",
// "dark"), or follows the system ("system" or anything else).
func (t *Theme) WithVariant(name string) *Theme {
	c := *t
	c.variant = nil
	switch name {
	case Light:
		v := theme.VariantLight
		c.variant = &v
	case Dark:
		v := theme.VariantDark
		c.variant = &v
	}
	return &c
}

// ForcedVariant returns the variant the theme draws in whatever the
// system's, and whether it fixes one (false: it follows the system). The
// map widget asks it to draw its own layers to match.
func (t *Theme) ForcedVariant() (fyne.ThemeVariant, bool) {
	if t.variant == nil {
		return 0, false
	}
	return *t.variant, true
}

// New returns a theme drawing regular text in regular and bold text in
// bold; a nil bold uses regular for bold text too.
func New(regular, bold fyne.Resource) *Theme {
	if bold == nil {
		bold = regular
	}
	return &Theme{regular: regular, bold: bold}
}

// Load finds an installed CJK font (FindCJKFont), with its bold companion
// when there is one, and returns a theme that draws text with it. It reads
// tens of megabytes; call it once at start-up. The error is ErrNoCJKFont
// when no such font is installed.
func Load() (*Theme, error) {
	path, err := FindCJKFont()
	if err != nil {
		return nil, err
	}
	regular, err := LoadFont(path)
	if err != nil {
		return nil, err
	}
	var bold fyne.Resource
	if p := BoldOf(path); p != "" {
		bold, _ = LoadFont(p) // without it bold text is drawn regular
	}
	return New(regular, bold), nil
}

// Font returns the CJK font for text, Fyne's own for monospaced and symbol
// text.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case t.regular == nil:
		return theme.DefaultTheme().Font(s)
	case s.Monospace, s.Symbol:
		return theme.DefaultTheme().Font(s)
	case s.Bold:
		return t.bold
	}
	return t.regular
}

// Color returns the default theme's colour.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return theme.DefaultTheme().Color(n, v)
}

// Icon returns the default theme's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Size returns the default theme's size.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
}
