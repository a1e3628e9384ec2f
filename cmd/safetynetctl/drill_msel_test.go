package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"safetynet/data/store"
)

func readScenario(t *testing.T, db, code string) store.Scenario {
	t.Helper()
	s, err := store.OpenWith(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, err := s.Scenario(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestDrillImportExportList(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	if out := mustCtl(t, "drill", "list", db); !regexp.MustCompile(`DR-FIRE-EBIKE\s+11\s+10\s+Night-time fire`).MatchString(out) {
		t.Errorf("list of the demo store, which ships its fire drill: %s", out)
	}
	out := mustCtl(t, "drill", "import", db, sharedData(t, "drills/msel-t3sf-example.xlsx"), "--code", "T3SF", "--name", "Ransomware tabletop")
	if !strings.Contains(out, "imported 12 injects (12 timed, 0 contingent)") || !strings.Contains(out, "problem: ") || !strings.Contains(out, "19:29:00") {
		t.Errorf("import T3SF:\n%s", out)
	}
	out = mustCtl(t, "drill", "import", db, sharedData(t, "drills/msel-coors-field-fse.xlsx"), "--sheet", "LAPD", "--code", "LAPD")
	if !strings.Contains(out, "imported 31 injects (31 timed, 2 contingent)") {
		t.Errorf("import the LAPD sheet:\n%s", out)
	}
	out = mustCtl(t, "drill", "list", db)
	if !regexp.MustCompile(`LAPD\s+31\s+31\s+msel-coors-field-fse / LAPD`).MatchString(out) ||
		!regexp.MustCompile(`T3SF\s+12\s+12\s+Ransomware tabletop`).MatchString(out) || strings.Index(out, "LAPD") > strings.Index(out, "T3SF") {
		t.Errorf("list:\n%s", out)
	}
	want := readScenario(t, db, "T3SF")
	for _, ext := range []string{"csv", "xlsx"} {
		file := filepath.Join(dir, "t3sf."+ext)
		if out := mustCtl(t, "drill", "export", db, "T3SF", file); !strings.Contains(out, "(12 injects)") {
			t.Errorf("export %s: %s", ext, out)
		}
		code := "BACK-" + strings.ToUpper(ext)
		out := mustCtl(t, "drill", "import", db, file, "--code", code)
		if !strings.Contains(out, "imported 12 injects") || !strings.Contains(out, "0 problems") {
			t.Errorf("import our own %s:\n%s", ext, out)
		}
		got := readScenario(t, db, code)
		got.Code, got.Created, got.Updated = want.Code, want.Created, want.Updated
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s round trip through the store differs:\n got %+v\nwant %+v", ext, got, want)
		}
	}
	// Importing the same code again replaces the scenario.
	out = mustCtl(t, "drill", "import", db, filepath.Join(dir, "t3sf.csv"), "--code", "BACK-CSV")
	if !strings.Contains(out, "replaced scenario BACK-CSV") {
		t.Errorf("second import: %s", out)
	}
}

func TestDrillImportRefusesBrokenFile(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	mustCtl(t, "drill", "import", db, sharedData(t, "drills/msel-t3sf-example.xlsx"), "--code", "T3SF")
	mustCtl(t, "drill", "export", db, "T3SF", good)
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// The export: 11 scenario rows, an empty row, the header in row 13,
	// inject k in row 13+k.
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 11+1+12 || recs[11][0] != "number" || recs[14][0] != "3" {
		t.Fatalf("unexpected export:\n%s", b)
	}
	col := map[string]int{}
	for i, h := range recs[11] {
		col[h] = i
	}
	before := sum(t, db)
	for _, c := range []struct {
		name, column, value, want string
	}{
		{"bad time", "time", "12:7x", `row 16, column "time": "12:7x" is not a time`},
		{"duplicate number", "number", "2", `row 16, column "number": 2 repeated (first in row 15)`},
		{"unknown location code", "location code", "GATE-99", `row 16, column "location code": location code "GATE-99" is not a feature of this community`},
		{"bad severity", "severity", "hot", `row 16, column "severity": "hot" is not one of`},
	} {
		t.Run(c.name, func(t *testing.T) {
			edited := make([][]string, len(recs))
			for i, r := range recs {
				edited[i] = append([]string(nil), r...)
			}
			edited[14][col[c.column]] = c.value
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			w.WriteAll(edited[:11])
			buf.WriteString("\n")
			w.WriteAll(edited[11:])
			bad := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".csv")
			if err := os.WriteFile(bad, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, code := ctl(t, "drill", "import", db, bad, "--code", "BROKEN")
			if code != 1 || !strings.Contains(out, c.want) || !strings.Contains(out, "unchanged") {
				t.Errorf("exit %d, want 1 with %q:\n%s", code, c.want, out)
			}
			if sum(t, db) != before {
				t.Error("a refused import changed the store")
			}
		})
	}
	if out := mustCtl(t, "drill", "list", db); strings.Contains(out, "BROKEN") {
		t.Errorf("a refused scenario is listed:\n%s", out)
	}
}

func TestDrillUsage(t *testing.T) {
	db := demoDB(t)
	for _, args := range [][]string{
		{"drill"}, {"drill", "nope"}, {"drill", "import", db}, {"drill", "export", db, "X"}, {"drill", "export", db, "X", "out.pdf"},
		{"drill", "list"}, {"drill", "import", db, "f.csv", "--bogus"},
	} {
		if out, code := ctl(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, out)
		}
	}
	missing := filepath.Join(t.TempDir(), "none.gpkg")
	for _, args := range [][]string{
		{"drill", "export", db, "NOPE", filepath.Join(t.TempDir(), "x.csv")},
		{"drill", "list", missing},
		{"drill", "import", missing, sharedData(t, "drills/msel-t3sf-example.xlsx")},
		{"drill", "import", db, filepath.Join(t.TempDir(), "absent.csv")},
		{"drill", "import", db, sharedData(t, "drills/msel-coors-field-fse.xlsx"), "--sheet", "ACTORS"},
	} {
		if out, code := ctl(t, args...); code != 1 {
			t.Errorf("%v: exit %d, want 1\n%s", args, code, out)
		}
	}
	if fileExists(missing) {
		t.Error("a drill command created a store")
	}
	out := mustCtl(t, "drill", "sheets", sharedData(t, "drills/msel-coors-field-fse.xlsx"))
	for _, re := range []string{`Iteration #1\s+79\s*\n`, `Iteration #2\s+80\s+hidden`, `ACTORS\s+0\s+no MSEL header`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("sheets lacks %s:\n%s", re, out)
		}
	}
	if out := mustCtl(t, "drill", "help"); !strings.Contains(out, "drill import STORE.gpkg") {
		t.Errorf("help: %s", out)
	}
}
