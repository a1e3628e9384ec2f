package app

import (
	"net/url"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/rules"
	"safetynet/ui/locale"
	"safetynet/ui/theme"
)

// Preference keys.
const (
	prefLanguage = "language" // "", "zh" or "en"
	prefTheme    = "theme"    // "system", "light" or "dark"
	prefTileURL  = "tile_url" // XYZ template, or ""
	prefRecent   = "recent"   // GeoPackages opened, newest first

	prefHubURL      = "hub_url"      // the alert hub, http(s)://host:port, or ""
	prefHubToken    = "hub_token"    // the console's token (role operator)
	prefOperator    = "operator"     // who acts, as written in the event log
	prefSound       = "sound"        // sound for new severe alerts
	prefSoundFile   = "sound_file"   // a WAV file, or "" for the built-in tone
	prefRemoveAfter = "remove_after" // minutes a stale patrol unit stays greyed
	prefRules       = "rules"        // the rules as JSON, or "" for the defaults
)

// maxRecent is how many files File › Open Recent lists.
const maxRecent = 8

// Settings are the user's choices, kept in the app's preferences.
type Settings struct {
	Language string // "" follows the system
	Theme    string
	TileURL  string

	HubURL, HubToken string
	Operator         string
	Sound            bool
	SoundFile        string
	RemoveAfter      float64 // minutes
	Rules            string  // JSON; "" for the community's default rules
}

// operator is who acts: the name set, else the user's login name.
func (s Settings) operator() string {
	if s.Operator != "" {
		return s.Operator
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "operator"
}

// LoadSettings reads the settings from p.
func LoadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language: p.String(prefLanguage),
		Theme:    p.StringWithFallback(prefTheme, theme.System),
		TileURL:  p.String(prefTileURL),

		HubURL:      p.String(prefHubURL),
		HubToken:    p.String(prefHubToken),
		Operator:    p.String(prefOperator),
		Sound:       p.BoolWithFallback(prefSound, true),
		SoundFile:   p.String(prefSoundFile),
		RemoveAfter: p.FloatWithFallback(prefRemoveAfter, 5),
		Rules:       p.String(prefRules),
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

// checkHubURL reports what is wrong with a hub URL, or nil.
func checkHubURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf("The hub URL must start with http:// or https:// and name a server, e.g. http://localhost:8740.")
	}
	return nil
}

// checkMinutes reports what is wrong with a number of minutes, or nil.
func checkMinutes(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v >= 0 && v <= 1440) {
		return errorf("Enter minutes from 0 to 1440.")
	}
	return nil
}

// checkRules reports what is wrong with the rules' JSON, or nil.
func checkRules(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := rules.Parse([]byte(s))
	return err
}

// showSettings opens the settings dialog; apply is called with the new
// settings when the user saves them. currentRules is the JSON of the rules
// in force, shown for editing when the settings hold none of their own.
// With override set (a hub given on the command line) the dialog says that
// this run follows it. Focus goes to after when the dialog closes.
func showSettings(win fyne.Window, p fyne.Preferences, currentRules, override string, apply func(Settings), after fyne.Focusable) {
	cur := LoadSettings(p)
	langs := []string{lang.L("Follow the system"), "中文", "English"}
	langCodes := []string{"", locale.Chinese, locale.English}
	langSel := widget.NewSelect(langs, nil)
	langSel.SetSelectedIndex(indexOf(langCodes, cur.Language))
	themes := []string{lang.L("Follow the system"), lang.L("Light"), lang.L("Dark")}
	themeCodes := []string{theme.System, theme.Light, theme.Dark}
	themeSel := widget.NewSelect(themes, nil)
	themeSel.SetSelectedIndex(indexOf(themeCodes, cur.Theme))
	tile := newFormEntry()
	tile.SetText(cur.TileURL)
	tile.SetPlaceHolder("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	tile.Validator = checkTileURL
	hub := newFormEntry()
	hub.SetText(cur.HubURL)
	hub.SetPlaceHolder("http://localhost:8740")
	hub.Validator = checkHubURL
	token := newFormEntry()
	token.Password = true
	token.SetText(cur.HubToken)
	operator := newFormEntry()
	operator.SetText(cur.Operator)
	operator.SetPlaceHolder(cur.operator())
	sound := widget.NewCheck(lang.L("Sound for new severe alerts"), nil)
	sound.SetChecked(cur.Sound)
	soundFile := newFormEntry()
	soundFile.SetText(cur.SoundFile)
	soundFile.SetPlaceHolder(lang.L("built-in tone"))
	remove := newFormEntry()
	remove.SetText(strconv.FormatFloat(cur.RemoveAfter, 'f', -1, 64))
	remove.Validator = checkMinutes
	rulesText := newFormEntry()
	rulesText.MultiLine = true
	rulesText.Wrapping = fyne.TextWrapWord
	rulesText.SetText(cur.Rules)
	if cur.Rules == "" {
		rulesText.SetText(currentRules) // the defaults in force, to edit
	}
	rulesText.SetPlaceHolder(lang.L("Empty: the community's default rules."))
	rulesText.SetMinRowsVisible(6)
	rulesText.Validator = checkRules
	items := []*widget.FormItem{
		{Text: lang.L("Language"), Widget: langSel, HintText: lang.L("Takes effect at the next start.")},
		{Text: lang.L("Theme"), Widget: themeSel},
		{Text: lang.L("Tile server"), Widget: tile, HintText: lang.L("Optional. Empty: the map is drawn from the GeoPackage's own layers.")},
		{Text: lang.L("Alert hub"), Widget: hub, HintText: hubHint(override)},
		{Text: lang.L("Token"), Widget: token, HintText: lang.L("A token with the operator role (safetynet-hub token add).")},
		{Text: lang.L("Operator"), Widget: operator},
		{Text: lang.L("Sound"), Widget: container.NewBorder(nil, nil, sound, nil, soundFile)},
		{Text: lang.L("Remove stale units after (min)"), Widget: remove},
		{Text: lang.L("Rules (JSON)"), Widget: rulesText, HintText: lang.L("Kinds: enter, leave, absence, camera_coverage, checkpoint.")},
	}
	showForm(win, lang.L("Settings"), lang.L("Save"), items, func() {
		s := Settings{
			Language: langCodes[max(langSel.SelectedIndex(), 0)],
			Theme:    themeCodes[max(themeSel.SelectedIndex(), 0)],
			TileURL:  strings.TrimSpace(tile.Text),

			HubURL:    strings.TrimSpace(hub.Text),
			HubToken:  strings.TrimSpace(token.Text),
			Operator:  strings.TrimSpace(operator.Text),
			Sound:     sound.Checked,
			SoundFile: strings.TrimSpace(soundFile.Text),
			Rules:     strings.TrimSpace(rulesText.Text),
		}
		if s.Rules == strings.TrimSpace(currentRules) {
			s.Rules = cur.Rules // unchanged defaults stay the defaults
		}
		s.RemoveAfter, _ = strconv.ParseFloat(strings.TrimSpace(remove.Text), 64)
		p.SetString(prefLanguage, s.Language)
		p.SetString(prefTheme, s.Theme)
		p.SetString(prefTileURL, s.TileURL)
		p.SetString(prefHubURL, s.HubURL)
		p.SetString(prefHubToken, s.HubToken)
		p.SetString(prefOperator, s.Operator)
		p.SetBool(prefSound, s.Sound)
		p.SetString(prefSoundFile, s.SoundFile)
		p.SetFloat(prefRemoveAfter, s.RemoveAfter)
		p.SetString(prefRules, s.Rules)
		apply(s)
	}, fyne.NewSize(640, 720), after)
}

// hubHint is the hint under the hub's URL: what an empty one means, and
// with override (a hub given on the command line) that this run follows
// that one whatever is saved here.
func hubHint(override string) string {
	if override != "" {
		return lang.L("This run follows {{.URL}}, given on the command line; the hub saved here is for runs without -hub.", map[string]any{"URL": override})
	}
	return lang.L("Optional. Empty: the console shows what is stored.")
}

// StartLanguage is the language the interface starts in: flag (from the
// command line) when set, else the one saved in Settings, else "" (the
// system's).
func StartLanguage(p fyne.Preferences, flag string) string {
	if flag != "" {
		return flag
	}
	return p.String(prefLanguage)
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
