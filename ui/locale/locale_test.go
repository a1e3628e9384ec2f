package locale

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// isolate gives the test its own locale environment.
func isolate(t *testing.T) {
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(name, "")
	}
}

func TestUse(t *testing.T) {
	tests := []struct {
		name     string
		env      string // LANG before Use
		language string
		want     string // Current()
		layer    string // Layer("patrol_routes")
		cancel   string // one of Fyne's own strings
	}{
		{"chinese", "en_US.UTF-8", Chinese, "zh", "巡逻路线", "取消"},
		{"english", "zh_CN.UTF-8", English, "en", "Patrol routes", "Cancel"},
		{"chinese under C locale", "C", Chinese, "zh", "巡逻路线", "取消"},
		{"system chinese", "zh_CN.UTF-8", "", "zh", "巡逻路线", "取消"},
		{"system english", "en_GB.UTF-8", "", "en", "Patrol routes", "Cancel"},
		{"system unknown falls back to english", "fr_FR.UTF-8", "", "en", "Patrol routes", "Cancel"},
		{"system C falls back to english", "C", "", "en", "Patrol routes", "Cancel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			t.Setenv("LANG", tt.env)
			if err := Use(tt.language); err != nil {
				t.Fatal(err)
			}
			if got := Current(); got != tt.want {
				t.Errorf("Current() = %q, want %q", got, tt.want)
			}
			if got := Layer("patrol_routes"); got != tt.layer {
				t.Errorf("Layer(patrol_routes) = %q, want %q", got, tt.layer)
			}
			if got := lang.L("Cancel"); got != tt.cancel {
				t.Errorf("Fyne's own Cancel = %q, want %q", got, tt.cancel)
			}
		})
	}
}

func TestSystem(t *testing.T) {
	tests := []struct {
		name                        string
		language, all, messages, lc string
		want                        string
	}{
		{"nothing set", "", "", "", "", English},
		{"LANG chinese", "", "", "", "zh_CN.UTF-8", Chinese},
		{"LANG taiwan", "", "", "", "zh_TW.UTF-8", Chinese},
		{"LANG english", "", "", "", "en_GB.UTF-8", English},
		{"LANG german", "", "", "", "de_DE.UTF-8", English},
		{"LC_ALL wins over LANG", "", "zh_CN.UTF-8", "", "en_US.UTF-8", Chinese},
		{"LC_MESSAGES wins over LANG", "", "", "en_US.UTF-8", "zh_CN.UTF-8", English},
		{"LANGUAGE list, first match", "fr:zh_CN:en", "", "", "en_US.UTF-8", Chinese},
		{"LANGUAGE ignored under C", "zh_CN", "", "", "C", English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LANGUAGE", tt.language)
			t.Setenv("LC_ALL", tt.all)
			t.Setenv("LC_MESSAGES", tt.messages)
			t.Setenv("LANG", tt.lc)
			if got := System(); got != tt.want {
				t.Errorf("System() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUseRefusesUnknownLanguage(t *testing.T) {
	isolate(t)
	if err := Use("fr"); err == nil {
		t.Fatal("Use(fr) succeeded")
	}
}

func TestLayerWithoutTranslation(t *testing.T) {
	isolate(t)
	if err := Use(Chinese); err != nil {
		t.Fatal(err)
	}
	if got := Layer("no_such_layer"); got != "no_such_layer" {
		t.Errorf("Layer(no_such_layer) = %q", got)
	}
}

func readKeys(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/" + file)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

// TestTranslationsComplete checks that both files hold the same keys and
// that every literal lang.L string under ui/ and cmd/safetynet is translated: a string
// missing from the Chinese file would show in English and log an error.
func TestTranslationsComplete(t *testing.T) {
	en, zh := readKeys(t, "en.json"), readKeys(t, "zh_Hans.json")
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh_Hans.json lacks %q", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	call := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)
	var used []string
	walk := func(root string) error {
		return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".go" {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range call.FindAllStringSubmatch(string(b), -1) {
				used = append(used, m[1])
			}
			return nil
		})
	}
	for _, root := range []string{"..", filepath.Join("..", "..", "cmd", "safetynet")} {
		if err := walk(root); err != nil {
			t.Fatal(err)
		}
	}
	if len(used) == 0 {
		t.Fatal("found no lang.L calls under ui/")
	}
	sort.Strings(used)
	for _, k := range used {
		if k == "Cancel" { // Fyne's own, used by the test above
			continue
		}
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
		if _, ok := zh[k]; !ok {
			t.Errorf("zh_Hans.json lacks %q", k)
		}
	}
}

// TestKeysSharedWithFyneKeepItsMeaning: Fyne's own widgets (the file
// dialog, the form buttons) look their strings up by the same keys as
// ours, so a key of ours that is also one of Fyne's must translate as
// Fyne does, or the file dialog's "Open" button reads as a queue filter.
// Strings of ours whose meaning depends on where they are shown get
// keys of their own ("filter.status.open").
func TestKeysSharedWithFyneKeepItsMeaning(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("go list fyne: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lang", "translations")
	for _, pair := range [][2]string{{"en.json", "base.en.json"}, {"zh_Hans.json", "base.zh_Hans.json"}} {
		ours := readKeys(t, pair[0])
		b, err := os.ReadFile(filepath.Join(dir, pair[1]))
		if err != nil {
			t.Fatal(err)
		}
		var fynes map[string]any // a string, or plural forms
		if err := json.Unmarshal(b, &fynes); err != nil {
			t.Fatal(err)
		}
		for k, v := range ours {
			if f, ok := fynes[k].(string); ok && f != v {
				t.Errorf("%s: %q is %q here but %q in Fyne's %s: give our string its own key", pair[0], k, v, f, pair[1])
			}
		}
	}
}
