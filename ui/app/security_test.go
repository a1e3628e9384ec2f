package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"safetynet/ui/locale"
)

// recordingApp is a test app that records the URLs it is asked to open
// instead of handing them to the system.
type recordingApp struct {
	fyne.App
	opened []string
}

func (a *recordingApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

// objects returns o and everything drawn inside it, walking the renderers
// the canvas uses.
func objects(o fyne.CanvasObject) []fyne.CanvasObject {
	out := []fyne.CanvasObject{o}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	case *fyne.Container:
		kids = c.Objects
	}
	for _, k := range kids {
		out = append(out, objects(k)...)
	}
	return out
}

// TestOpenLinkSchemes: "open the camera's view" opens only http, https and
// rtsp links; anything else the data may hold is refused with a message.
func TestOpenLinkSchemes(t *testing.T) {
	useLanguage(t, locale.English)
	a := &recordingApp{App: test.NewTempApp(t)}
	w := a.NewWindow("links")
	w.Resize(fyne.NewSize(800, 600))
	w.Show()
	defer w.Close()
	tests := []struct {
		name, link string
		opened     string // "" when refused
	}{
		{"http", "http://cams.example/CAM-1/live", "http://cams.example/CAM-1/live"},
		{"https", "https://nvr.example:8443/view?cam=3", "https://nvr.example:8443/view?cam=3"},
		{"rtsp", "rtsp://192.0.2.10:554/Streaming/Channels/101", "rtsp://192.0.2.10:554/Streaming/Channels/101"},
		{"upper-case scheme, spaces", "  RTSP://cams.example/s1 ", "rtsp://cams.example/s1"},
		{"file", "file:///etc/passwd", ""},
		{"javascript", "javascript:alert(document.cookie)", ""},
		{"smb share", "smb://fileserver/share/run.exe", ""},
		{"data", "data:text/html,<script>alert(1)</script>", ""},
		{"a command", "xdg-open /etc/shadow; rm -rf ~", ""},
		{"a path", "/usr/bin/gnome-calculator", ""},
		{"a Windows path", `C:\Windows\System32\calc.exe`, ""},
		{"ftp", "ftp://cams.example/clip.mp4", ""},
		{"http without host", "http:/local/file", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a.opened = nil
			for w.Canvas().Overlays().Top() != nil {
				w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
			}
			openCameraLink(a, tc.link)
			top := w.Canvas().Overlays().Top()
			if tc.opened != "" {
				if len(a.opened) != 1 || a.opened[0] != tc.opened {
					t.Errorf("opened %q, want %q", a.opened, tc.opened)
				}
				if top != nil {
					t.Errorf("a dialog appeared for a link that may be opened: %q", labels(top))
				}
				return
			}
			if len(a.opened) != 0 {
				t.Errorf("opened %q: only http, https and rtsp may be opened", a.opened)
			}
			if top == nil {
				t.Fatal("refused without a message")
			}
			if text := strings.Join(labels(top), " "); !strings.Contains(text, "Only http, https and rtsp links are opened") {
				t.Errorf("the message says %q", text)
			}
		})
	}
}

// useTokenFile points the token file at a temporary folder for the test.
func useTokenFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config", "safetynet", "hub-token.json")
	old := tokenFile
	tokenFile = func() (string, error) { return path, nil }
	t.Cleanup(func() { tokenFile = old })
	return path
}

// mode returns the permission bits of path.
func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestTokenOutOfPreferences runs the app's own preferences file (Fyne's
// preferences.json, which the headless driver keeps under $TMPDIR) and the
// user's config folder in temporary folders: a token already in the
// preferences moves to a file of its own, mode 0600; a token saved in
// Settings never reaches preferences.json; and it is given only for the
// hub it was saved for.
func TestTokenOutOfPreferences(t *testing.T) {
	// Fyne may write its files for a moment after the test: not in a
	// t.TempDir, whose removal would fail.
	dir, err := os.MkdirTemp("", "safetynet-prefs-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		time.Sleep(300 * time.Millisecond)
		os.RemoveAll(dir)
	})
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
	tokPath, err := tokenFile()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "config", "safetynet", "hub-token.json"); tokPath != want {
		t.Fatalf("token file %s, want %s", tokPath, want)
	}
	// Preferences as an older version wrote them, readable by anyone.
	const id = "org.safetynet.test-token"
	prefsPath := filepath.Join(dir, "tmp", "fyne-test", id, "preferences.json")
	const oldToken, newToken = "snt_OldTokenInPreferences01", "snt_NewTokenFromSettings02"
	os.MkdirAll(filepath.Dir(prefsPath), 0o755)
	if err := os.WriteFile(prefsPath, []byte(`{"hub_url":"https://hub.example:8480","hub_token":"`+oldToken+`","operator":"Wang"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	prev := fyne.CurrentApp()
	a := fyneapp.NewWithID(id)
	t.Cleanup(func() {
		a.Quit()
		if prev != nil {
			fyne.SetCurrentApp(prev)
		}
	})
	p := a.Preferences()
	if p.String(prefOperator) != "Wang" {
		t.Fatalf("the preferences were not read from %s", prefsPath)
	}
	prefsHold := func(secret string) bool {
		b, err := os.ReadFile(prefsPath)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(b), secret)
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}

	s := LoadSettings(p)
	if s.HubToken != oldToken || s.HubURL != "https://hub.example:8480" {
		t.Fatalf("loaded hub %q token %q, want the stored ones", s.HubURL, s.HubToken)
	}
	if m := mode(t, tokPath); m != 0o600 {
		t.Errorf("the token file has mode %v, want 0600", m)
	}
	eventually("the old token is still in preferences.json", func() bool { return !prefsHold(oldToken) })

	s.HubToken, s.Operator = newToken, "Li"
	if err := saveSettings(p, s); err != nil {
		t.Fatal(err)
	}
	eventually("the settings were not saved", func() bool {
		b, _ := os.ReadFile(prefsPath)
		return strings.Contains(string(b), `"Li"`)
	})
	time.Sleep(300 * time.Millisecond) // Fyne saves again after a burst of changes
	if prefsHold(newToken) || prefsHold(oldToken) {
		t.Error("preferences.json holds the token")
	}
	if m := mode(t, tokPath); m != 0o600 {
		t.Errorf("after saving, the token file has mode %v, want 0600", m)
	}
	if b, _ := os.ReadFile(tokPath); !strings.Contains(string(b), newToken) {
		t.Errorf("the token file holds %s, want the new token", b)
	}
	if got := LoadSettings(p).HubToken; got != newToken {
		t.Errorf("loaded token %q, want the saved one", got)
	}

	// The token is for its hub only.
	p.SetString(prefHubURL, "https://other-hub.example")
	if got := LoadSettings(p).HubToken; got != "" {
		t.Errorf("the token of https://hub.example:8480 was given for another hub: %q", got)
	}
	p.SetString(prefHubURL, "https://hub.example:8480/")
	if got := LoadSettings(p).HubToken; got != newToken {
		t.Errorf("with a trailing slash the token is %q", got)
	}

	// A token file made readable by others is made owner-only again.
	os.Chmod(tokPath, 0o644)
	LoadSettings(p)
	if m := mode(t, tokPath); m != 0o600 {
		t.Errorf("a token file left at 0644 stays %v, want 0600", m)
	}
	// An empty token removes the file.
	s.HubToken = ""
	if err := saveSettings(p, s); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tokPath); !os.IsNotExist(err) {
		t.Errorf("the token file is still there after clearing the token: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(tokPath))
	for _, e := range entries {
		t.Errorf("left in the token's folder: %s", e.Name())
	}
}

// TestTokenFileUnwritable: when the token cannot be stored the error says
// where, the rest of the settings is saved, and the token does not fall
// back into the preferences.
func TestTokenFileUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "safetynet")
	os.WriteFile(blocker, []byte("a file where the folder should be"), 0o600)
	old := tokenFile
	tokenFile = func() (string, error) { return filepath.Join(blocker, "hub-token.json"), nil }
	t.Cleanup(func() { tokenFile = old })
	p := test.NewTempApp(t).Preferences()
	err := saveSettings(p, Settings{HubURL: "https://hub.example", HubToken: "snt_x", Operator: "Wang", Theme: "dark"})
	if err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("error %v, want one naming %s", err, blocker)
	}
	if p.String(prefOperator) != "Wang" || p.String(prefHubURL) != "https://hub.example" {
		t.Error("the other settings were not saved")
	}
	if p.String(prefHubToken) != "" {
		t.Error("the token went into the preferences")
	}
	// A token still in the preferences that cannot be moved stays there.
	p.SetString(prefHubToken, "snt_old")
	if got := LoadSettings(p).HubToken; got != "snt_old" || p.String(prefHubToken) != "snt_old" {
		t.Errorf("token %q, in preferences %q: a token that cannot be moved was lost", got, p.String(prefHubToken))
	}
}

// TestSettingsPlainHTTPCheckbox: the Settings dialog offers "Send the token
// over plain HTTP to this host" only for an http:// hub elsewhere; ticked
// and saved, it holds for that host only, and the token stays out of the
// preferences.
func TestSettingsPlainHTTPCheckbox(t *testing.T) {
	useLanguage(t, locale.English)
	tokPath := useTokenFile(t)
	a := test.NewTempApp(t)
	p := a.Preferences()
	w := a.NewWindow("settings")
	w.Resize(fyne.NewSize(1000, 900))
	w.Show()
	defer w.Close()
	var applied []Settings
	showSettings(w, p, "", "", func(s Settings) { applied = append(applied, s) }, nil)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no settings dialog")
	}
	var hub, token *formEntry
	var check *widget.Check
	var save *widget.Button
	for _, o := range objects(top) {
		switch x := o.(type) {
		case *formEntry:
			if x.PlaceHolder == "http://localhost:8740" {
				hub = x
			} else if x.Password {
				token = x
			}
		case *widget.Check:
			if x.Text == "Send the token over plain HTTP to this host" {
				check = x
			}
		case *widget.Button:
			if x.Text == "Save" {
				save = x
			}
		}
	}
	if hub == nil || token == nil || check == nil || save == nil {
		t.Fatalf("the dialog lacks a field: hub %v token %v checkbox %v save %v", hub != nil, token != nil, check != nil, save != nil)
	}
	for _, tc := range []struct {
		url     string
		enabled bool
	}{{"", false}, {"https://hub.example", false}, {"http://localhost:8480", false}, {"http://192.0.2.7:8480", true}} {
		hub.SetText(tc.url)
		if check.Disabled() == tc.enabled {
			t.Errorf("hub %q: the checkbox is enabled %v, want %v", tc.url, !check.Disabled(), tc.enabled)
		}
	}
	check.SetChecked(true)
	token.SetText("snt_FromTheDialog")
	test.Tap(save)
	if len(applied) != 1 || !applied[0].HubAllowInsecure || applied[0].HubToken != "snt_FromTheDialog" {
		t.Fatalf("applied %+v, want the hub with plain HTTP allowed and the token", applied)
	}
	if p.String(prefHubToken) != "" {
		t.Error("the dialog saved the token in the preferences")
	}
	if b, err := os.ReadFile(tokPath); err != nil || !strings.Contains(string(b), "snt_FromTheDialog") {
		t.Errorf("the token file: %s %v", b, err)
	}
	if s := LoadSettings(p); !s.HubAllowInsecure || s.HubToken != "snt_FromTheDialog" {
		t.Errorf("loaded %+v, want plain HTTP allowed and the token", s)
	}
	p.SetString(prefHubURL, "http://192.0.2.8:8480")
	if LoadSettings(p).HubAllowInsecure {
		t.Error("plain HTTP allowed for 192.0.2.7 holds for another host")
	}
}
