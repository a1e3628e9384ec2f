package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"safetynet/data/testenv"
)

// readToml reads the flat tables of a TOML file such as FyneApp.toml:
// "[Table]" headers and "key = value" lines, with strings unquoted and
// arrays kept as written; the keys are "Table.key".
func readToml(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	table := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			table = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s:%d: not key = value: %q", path, n, line)
			}
			v = strings.TrimSpace(v)
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
			out[table+"."+strings.TrimSpace(k)] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMetadataMatchesFyneAppToml: the metadata the app sets is the root
// FyneApp.toml's, every migration included, and the icon it names exists.
func TestMetadataMatchesFyneAppToml(t *testing.T) {
	toml := readToml(t, filepath.Join(testenv.Root(), "FyneApp.toml"))
	want := map[string]string{
		"Details.ID":      metadata.ID,
		"Details.Name":    metadata.Name,
		"Details.Version": metadata.Version,
		"Details.Build":   strconv.Itoa(metadata.Build),
	}
	for k, v := range want {
		if toml[k] != v {
			t.Errorf("FyneApp.toml %s = %q, the app sets %q", k, toml[k], v)
		}
	}
	migrations := 0
	for k, v := range toml {
		name, ok := strings.CutPrefix(k, "Migrations.")
		if !ok {
			continue
		}
		migrations++
		if got, set := metadata.Migrations[name]; !set || strconv.FormatBool(got) != v {
			t.Errorf("FyneApp.toml migration %s = %s, the app sets %v (set %v)", name, v, got, set)
		}
	}
	if migrations != len(metadata.Migrations) {
		t.Errorf("FyneApp.toml has %d migrations, the app sets %v", migrations, metadata.Migrations)
	}
	if _, err := os.Stat(filepath.Join(testenv.Root(), toml["Details.Icon"])); err != nil {
		t.Errorf("FyneApp.toml's icon: %v", err)
	}
}

// TestFyneDoInEffect: the app main creates carries the metadata, so
// Fyne, which decides from Metadata().Migrations["fyneDo"] whether to
// wrap calls in its thread checks, runs as migrated to fyne.Do.
func TestFyneDoInEffect(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := newApp()
	defer a.Quit()
	if fyne.CurrentApp() != a {
		t.Fatal("newApp did not make the current app")
	}
	m := fyne.CurrentApp().Metadata()
	if !m.Migrations["fyneDo"] {
		t.Errorf("Migrations = %v, want fyneDo true", m.Migrations)
	}
	if m.ID != "org.safetynet.app" || m.Name != "SafetyNet" || m.Icon == nil {
		t.Errorf("metadata %+v", m)
	}
	if a.UniqueID() != "org.safetynet.app" {
		t.Errorf("UniqueID = %q", a.UniqueID())
	}
}
