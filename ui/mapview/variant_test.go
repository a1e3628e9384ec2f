package mapview

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"safetynet/ui/theme"
)

// TestMapFollowsTheThemesVariant: the map is drawn dark exactly when the
// app's theme is, including a theme that fixes its variant against the
// system's (the user's light or dark choice in Settings).
func TestMapFollowsTheThemesVariant(t *testing.T) {
	a := test.NewTempApp(t)
	m := New(nil)
	t.Cleanup(m.Close)
	for _, tt := range []struct {
		variant string
		dark    bool
	}{{theme.Dark, true}, {theme.Light, false}, {theme.Dark, true}} {
		a.Settings().SetTheme(theme.New(nil, nil).WithVariant(tt.variant))
		m.mu.Lock()
		got := m.isDark()
		m.mu.Unlock()
		if got != tt.dark {
			t.Errorf("theme %s: map dark %v, want %v", tt.variant, got, tt.dark)
		}
	}
}
