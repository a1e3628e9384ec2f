package app

import (
	"net/url"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"safetynet/feeds/client"
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
	prefHubToken    = "hub_token"    // where older versions kept the token; moved to tokenFile
	prefHubInsecure = "hub_insecure" // the host the token may go to over plain HTTP, or ""
	prefOperator    = "operator"     // who acts, as written in the event log
	prefSound       = "sound"        // sound for new severe alerts
	prefSoundFile   = "sound_file"   // a WAV file, or "" for the built-in tone
	prefRemoveAfter = "remove_after" // minutes a stale patrol unit stays greyed
	prefRules       = "rules"        // the rules as JSON, or "" for the defaults
	prefPlanCell    = "plan_cell"    // plan mode's raster cell, metres; 0: automatic
)

// maxRecent is how many files File › Open Recent lists.
const maxRecent = 8

// Settings are the user's choices, kept in the app's preferences.
type Settings struct {
	Language string // "" follows the system
	Theme    string
	TileURL  string

	// HubToken is kept in a file of its own, readable by its owner only,
	// for HubURL alone (see tokenFile), never in the preferences.
	HubURL, HubToken string
	// HubAllowInsecure lets the token go over plain http:// to HubURL's
	// host although it is not this computer (client.Options.AllowInsecure).
	// It is saved for that host only: another hub URL needs it again.
	HubAllowInsecure bool
	Operator         string
	Sound            bool
	SoundFile        string
	RemoveAfter      float64 // minutes
	Rules            string  // JSON; "" for the community's default rules
	// PlanCell is the raster cell of plan mode, metres; 0 chooses it
	// (0.5 m, larger for a large community).
	PlanCell float64
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

// LoadSettings reads the settings from p, and the hub token from its own
// file. A token still in p, where older versions kept it, is moved to that
// file.
func LoadSettings(p fyne.Preferences) Settings {
	hubURL := p.String(prefHubURL)
	s := Settings{
		Language: p.String(prefLanguage),
		Theme:    p.StringWithFallback(prefTheme, theme.System),
		TileURL:  p.String(prefTileURL),

		HubURL:      hubURL,
		HubToken:    hubToken(p, hubURL),
		Operator:    p.String(prefOperator),
		Sound:       p.BoolWithFallback(prefSound, true),
		SoundFile:   p.String(prefSoundFile),
		RemoveAfter: p.FloatWithFallback(prefRemoveAfter, 5),
		Rules:       p.String(prefRules),
		PlanCell:    p.FloatWithFallback(prefPlanCell, 0),
	}
	s.HubAllowInsecure = insecureAllowed(p, hubURL)
	return s
}

// hubToken returns the token stored for hubURL, moving one still in p to
// the token file. A token that cannot be moved stays where it is, so that
// it is not lost.
func hubToken(p fyne.Preferences, hubURL string) string {
	if old := p.String(prefHubToken); old != "" {
		if err := writeHubToken(hubURL, old); err != nil {
			fyne.LogError("moving the hub token out of the preferences", err)
			return old
		}
		p.RemoveValue(prefHubToken)
		return old
	}
	tok, err := readHubToken(hubURL)
	if err != nil {
		fyne.LogError("reading the hub token", err)
	}
	return tok
}

// hubHost returns the host hubURL names, in lower case ("" when none).
func hubHost(hubURL string) string {
	u, err := url.Parse(strings.TrimSpace(hubURL))
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// insecureAllowed reports whether the user allowed the token to go over
// plain HTTP to the host of hubURL.
func insecureAllowed(p fyne.Preferences, hubURL string) bool {
	h := p.String(prefHubInsecure)
	return h != "" && h == hubHost(hubURL) && client.PlainHTTP(hubURL)
}

// saveSettings writes s to p, and the hub token to its own file (see
// tokenFile), never to p. When the token cannot be stored everything else
// is saved all the same and the error says where and why.
func saveSettings(p fyne.Preferences, s Settings) error {
	p.SetString(prefLanguage, s.Language)
	p.SetString(prefTheme, s.Theme)
	p.SetString(prefTileURL, s.TileURL)
	p.SetString(prefHubURL, s.HubURL)
	host := ""
	if s.HubAllowInsecure && client.PlainHTTP(s.HubURL) {
		host = hubHost(s.HubURL)
	}
	p.SetString(prefHubInsecure, host)
	p.SetString(prefOperator, s.Operator)
	p.SetBool(prefSound, s.Sound)
	p.SetString(prefSoundFile, s.SoundFile)
	p.SetFloat(prefRemoveAfter, s.RemoveAfter)
	p.SetString(prefRules, s.Rules)
	p.SetFloat(prefPlanCell, s.PlanCell)
	if err := writeHubToken(s.HubURL, s.HubToken); err != nil {
		return err
	}
	p.RemoveValue(prefHubToken)
	return nil
}

// insecureHubText is the short status-bar text for a hub connection
// refused with client.ErrInsecure, in the interface language.
func insecureHubText() string {
	return lang.L("Hub: not connected. Use https://, or allow plain HTTP to this host in Settings.")
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

// checkCell reports what is wrong with a plan cell size in metres, or
// nil; empty means automatic.
func checkCell(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v >= 0.05 && v <= 10) {
		return errorf("Enter a cell size from 0.05 to 10 metres, or leave it empty for automatic.")
	}
	return nil
}

// cellText is the plan cell size as the settings show it: "" for
// automatic.
func cellText(v float64) string {
	if !(v > 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
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
	insecure := widget.NewCheck(lang.L("Send the token over plain HTTP to this host"), nil)
	insecure.SetChecked(cur.HubAllowInsecure)
	plainOnly := func(s string) { // only a plain-HTTP hub elsewhere needs it
		if client.PlainHTTP(s) {
			insecure.Enable()
		} else {
			insecure.Disable()
		}
	}
	plainOnly(cur.HubURL)
	hub.OnChanged = plainOnly
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
	cell := newFormEntry()
	cell.SetText(cellText(cur.PlanCell))
	cell.SetPlaceHolder(lang.L("automatic"))
	cell.Validator = checkCell
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
		{Text: "", Widget: insecure, HintText: lang.L("Only for a hub on a network you trust: anyone on the way can read a token sent over http://. Prefer https://.")},
		{Text: lang.L("Operator"), Widget: operator},
		{Text: lang.L("Sound"), Widget: container.NewBorder(nil, nil, sound, nil, soundFile)},
		{Text: lang.L("Remove stale units after (min)"), Widget: remove},
		{Text: lang.L("Plan cell size (m)"), Widget: cell, HintText: lang.L("Empty: automatic, 0.5 m, or larger for a large community.")},
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
		s.HubAllowInsecure = insecure.Checked && client.PlainHTTP(s.HubURL)
		if s.Rules == strings.TrimSpace(currentRules) {
			s.Rules = cur.Rules // unchanged defaults stay the defaults
		}
		s.RemoveAfter, _ = strconv.ParseFloat(strings.TrimSpace(remove.Text), 64)
		s.PlanCell, _ = strconv.ParseFloat(strings.TrimSpace(cell.Text), 64) // empty: 0, automatic
		if err := saveSettings(p, s); err != nil {
			dialog.ShowError(textError(lang.L("The token could not be stored ({{.Error}}). It is used until SafetyNet quits; enter it again at the next start.",
				map[string]any{"Error": err.Error()})), win)
		}
		apply(s)
	}, fyne.NewSize(640, 720), after)
}

// hubHint is the hint under the hub's URL: what an empty one means, and
// with override (a hub given on the command line) that this run follows
// that one whatever is saved here.
func hubHint(override string) string {
	if override != "" {
		return lang.L("This run follows {{.URL}}, given on the command line; the hub saved here is for runs without -hub.", map[string]any{"URL": client.RedactURL(override)})
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
