package testenv

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces "Who may import whom" of ARCHITECTURE.md with
// `go list`: direct imports between our packages and the one home of each
// third-party package, and, with -deps, what may never be linked in.
func TestImportRules(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-tags", "ci", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "./...")
	cmd.Dir = Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "safetynet/"
	top := func(p string) string {
		p = strings.TrimPrefix(p, mod)
		first, _, _ := strings.Cut(p, "/")
		return first
	}
	allowed := map[string][]string{ // our top-level folders each may import
		"cmd":   {"ui", "data", "feeds", "geo", "icons"},
		"ui":    {"ui", "geo", "data", "feeds", "icons"},
		"data":  {"data", "geo"},
		"feeds": {"feeds", "geo", "data"},
		"geo":   {"geo"},
		"icons": {"icons"},
	}
	homes := map[string][]string{ // a third-party package -> where it may be imported
		"fyne.io/fyne/v2":                 {"ui", "icons", "cmd/safetynet"},
		"github.com/mattn/go-sqlite3":     {"data/store"},
		"github.com/gorilla/websocket":    {"feeds"},
		"github.com/flopp/go-staticmaps":  {"data/"},
		"github.com/paulmach/osm":         {"data/osmimport"},
		"database/sql":                    {"data/store", "feeds"},
		"github.com/paulmach/orb/geojson": {"data", "feeds"},
		"github.com/xuri/excelize/v2":     {"data/register"},
		"github.com/valyala/fastjson":     {"feeds/drill"},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(line, ":")
		rel := strings.TrimPrefix(pkg, mod)
		from := top(pkg)
		for _, imp := range strings.Fields(imps) {
			checked++
			if strings.HasPrefix(imp, mod) {
				if !contains(allowed[from], top(imp)) {
					t.Errorf("%s imports %s: %s/ may import only %v", pkg, imp, from, allowed[from])
				}
				continue
			}
			for lib, where := range homes {
				if imp == lib || strings.HasPrefix(imp, lib+"/") {
					ok := false
					for _, w := range where {
						if rel == w || strings.HasPrefix(rel, strings.TrimSuffix(w, "/")+"/") || (strings.HasSuffix(w, "/") && strings.HasPrefix(rel, w)) {
							ok = true
						}
					}
					if !ok {
						t.Errorf("%s imports %s, whose only home is %v", pkg, imp, where)
					}
				}
			}
			if from == "geo" && strings.Contains(imp, ".") && !strings.HasPrefix(imp, "github.com/paulmach/orb") {
				t.Errorf("%s imports %s: geo/ uses only orb and the standard library", pkg, imp)
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list listed no imports")
	}
	// What must never be linked in, directly or not.
	never := map[string][]string{
		"./cmd/safetynetctl": {"fyne.io/fyne/v2"},
		// net/url and net/netip come with orb/geojson and do no I/O.
		"./geo/...":  {"fyne.io/fyne/v2", "database/sql", "net", "net/http", "github.com/gorilla/websocket", "github.com/mattn/go-sqlite3"},
		"./data/...": {"fyne.io/fyne/v2", "github.com/gorilla/websocket"},
	}
	for pattern, banned := range never {
		cmd := exec.Command("go", "list", "-e", "-tags", "ci", "-deps", "-test=false", pattern)
		cmd.Dir = Root()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pattern, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if dep == b || (b != "net" && strings.HasPrefix(dep, b+"/")) {
					t.Errorf("%s links in %s", pattern, dep)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
