package app

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/ui/locale"
	"safetynet/ui/theme"
)

// Preference keys.
const (
	prefLanguage = "language" // "", "zh" or "en"
	prefTheme    = "theme"    // "system", "light" or "dark"
	prefTileURL  = "tile_url" // XYZ template, or ""
	prefRecent   = "recent"   // GeoPackages opened, newest first
)

// maxRecent is how many files File › Open Recent lists.
const maxRecent = 8

// Settings are the user's choices, kept in the app's preferences.
type Settings struct {
	Language string // "" follows the system
	Theme    string
	TileURL  string
}

// LoadSettings reads the settings from p.
func LoadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language: p.String(prefLanguage),
		Theme:    p.StringWithFallback(prefTheme, theme.System),
		TileURL:  p.String(prefTileURL),
	}
}

// checkTileURL reports what is wrong with an XYZ tile URL template, or nil.
func checkTileURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf("The tile URL must start with http:// or https:// and name a server.")
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(s, p) {
			return errorf("The tile URL must contain {z}, {x} and {y}.")
		}
	}
	return nil
}

// showSettings opens the settings dialog; apply is called with the new
// settings when the user saves them.
func showSettings(win fyne.Window, p fyne.Preferences, apply func(Settings)) {
	cur := LoadSettings(p)
	langs := []string{lang.L("Follow the system"), "中文", "English"}
	langCodes := []string{"", locale.Chinese, locale.English}
	langSel := widget.NewSelect(langs, nil)
	langSel.SetSelectedIndex(indexOf(langCodes, cur.Language))
	themes := []string{lang.L("Follow the system"), lang.L("Light"), lang.L("Dark")}
	themeCodes := []string{theme.System, theme.Light, theme.Dark}
	themeSel := widget.NewSelect(themes, nil)
	themeSel.SetSelectedIndex(indexOf(themeCodes, cur.Theme))
	tile := widget.NewEntry()
	tile.SetText(cur.TileURL)
	tile.SetPlaceHolder("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	tile.Validator = checkTileURL
	items := []*widget.FormItem{
		{Text: lang.L("Language"), Widget: langSel, HintText: lang.L("Takes effect at the next start.")},
		{Text: lang.L("Theme"), Widget: themeSel},
		{Text: lang.L("Tile server"), Widget: tile, HintText: lang.L("Optional. Empty: the map is drawn from the GeoPackage's own layers.")},
	}
	d := dialog.NewForm(lang.L("Settings"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		s := Settings{
			Language: langCodes[max(langSel.SelectedIndex(), 0)],
			Theme:    themeCodes[max(themeSel.SelectedIndex(), 0)],
			TileURL:  strings.TrimSpace(tile.Text),
		}
		p.SetString(prefLanguage, s.Language)
		p.SetString(prefTheme, s.Theme)
		p.SetString(prefTileURL, s.TileURL)
		apply(s)
	}, win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}

// addRecent puts path first in the recent files, without duplicates.
func addRecent(p fyne.Preferences, path string) {
	list := []string{path}
	for _, x := range p.StringList(prefRecent) {
		if x != path && len(list) < maxRecent {
			list = append(list, x)
		}
	}
	p.SetStringList(prefRecent, list)
}

type textError string

func (e textError) Error() string { return string(e) }

func errorf(key string) error { return textError(lang.L(key)) }
