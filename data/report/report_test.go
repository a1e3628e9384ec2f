package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/image/font/sfnt"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/data/testenv"
)

// demoReport analyses the demo community once for the tests that only
// read the result.
var demoReport = sync.OnceValues(func() (*Report, error) {
	dir, err := os.MkdirTemp("", "report-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := demo.Write(context.Background(), s); err != nil {
		return nil, err
	}
	return Analyse(context.Background(), s, Options{Suggest: 2})
})

func mustDemo(t testing.TB) *Report {
	t.Helper()
	r, err := demoReport()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAnalyseDemo(t *testing.T) {
	r := mustDemo(t)
	if r.Title != "安和苑 Anhe Garden" || r.TitleEn != "Anhe Garden" {
		t.Errorf("title %q, %q; want the residential area's names", r.Title, r.TitleEn)
	}
	if len(r.Areas) != 24 {
		t.Fatalf("%d key areas, want 24", len(r.Areas))
	}
	for _, a := range r.Areas {
		if a.NameZh == "" || a.NameEn == "" || a.Kind == "" || len(a.Outline) == 0 {
			t.Errorf("key area %s lacks names, kind or outline: %+v", a.Code, a)
		}
		if sum := a.Camera + a.CameraBelow + a.Unseen; math.Abs(sum-1) > 1e-9 {
			t.Errorf("key area %s: camera shares add up to %v", a.Code, sum)
		}
	}
	if r.Cameras.Total != 103 || r.Cameras.Counted != 103 || r.Cameras.Skipped != 0 {
		t.Errorf("cameras %+v, want 103 counted", r.Cameras)
	}
	if len(r.Suggestions) != 2 || !(r.After > r.Before) {
		t.Errorf("%d suggestions, coverage %.1f%% -> %.1f%%; want 2 that add coverage", len(r.Suggestions), r.Before, r.After)
	}
	// Suggestions are taken out of the model again.
	for _, id := range r.Model.CameraIDs() {
		if strings.HasPrefix(id, "PLAN-") {
			t.Errorf("suggested camera %s left in the model", id)
		}
	}
	if got := coveredShare(r.Model.KeyAreas()); math.Abs(got-r.Before) > 1e-9 {
		t.Errorf("coverage after suggesting is %.3f%%, want %.3f%% as before", got, r.Before)
	}
}

func TestAnalyseOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"unknown rules", Options{Rules: "nfpa1"}, "rule set"},
		{"negative suggestions", Options{Suggest: -1}, "suggestions"},
		{"negative budget", Options{Budget: -5}, "budget"},
		{"budget without prices", Options{Suggest: 1, Budget: 1000}, "prices"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Analyse(context.Background(), nil, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Analyse(%+v) = %v, want an error about %s", tc.opt, err, tc.want)
			}
		})
	}
}

func TestWriteFilesDemo(t *testing.T) {
	r := mustDemo(t)
	dir := t.TempDir()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range Files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("%s starts with a byte order mark", name)
		}
		if strings.HasSuffix(name, ".geojson") {
			checkGeoJSON(t, name, b, r.Extent.Pad(0.01))
		}
	}
	rows := readCSV(t, filepath.Join(dir, "key_areas.csv"))
	if !slices.Equal(rows[0], KeyAreaColumns) || len(rows) != 25 {
		t.Fatalf("key_areas.csv: header %v and %d rows, want %v and 24 rows", rows[0], len(rows)-1, KeyAreaColumns)
	}
	if rows[1][0] != "KA-GATE-S" || rows[1][1] != "南门" || rows[1][2] != "South Gate" || rows[1][3] != "gate" || rows[1][4] != "identify" {
		t.Errorf("first row %v", rows[1])
	}
	// Writing again gives the same bytes.
	again := t.TempDir()
	if err := r.WriteFiles(again); err != nil {
		t.Fatal(err)
	}
	for _, name := range Files {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes", name)
		}
	}
}

// checkGeoJSON parses a FeatureCollection with encoding/json and checks
// that every ring is closed, outer rings counter-clockwise and every
// coordinate inside bound.
func checkGeoJSON(t *testing.T, name string, b []byte, bound orb.Bound) int {
	t.Helper()
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			Geometry *struct {
				Type        string
				Coordinates [][][][2]float64
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("%s: type %q", name, fc.Type)
	}
	rings := 0
	for i, f := range fc.Features {
		if f.Geometry == nil {
			continue
		}
		if f.Geometry.Type != "MultiPolygon" {
			t.Fatalf("%s: feature %d is a %s, want MultiPolygon", name, i, f.Geometry.Type)
		}
		for _, poly := range f.Geometry.Coordinates {
			for k, ring := range poly {
				rings++
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Fatalf("%s: feature %d: ring of %d points not closed", name, i, len(ring))
				}
				r := make(orb.Ring, len(ring))
				for j, q := range ring {
					r[j] = orb.Point(q)
					if !bound.Contains(r[j]) {
						t.Fatalf("%s: feature %d: point %v outside %v", name, i, q, bound)
					}
				}
				if (planar.Area(orb.Ring(r)) > 0) != (k == 0) {
					t.Fatalf("%s: feature %d: ring %d wound the wrong way for RFC 7946", name, i, k)
				}
			}
		}
	}
	return rings
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestCleanPolygon(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Polygon
		want orb.Polygon
	}{
		{"open clockwise ring is closed and turned",
			orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}}},
			orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}},
		{"counter-clockwise hole is turned",
			orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 1}}},
			orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 2}, {2, 1}, {1, 1}}}},
		{"repeated points are dropped",
			orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 0}}},
			orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
		{"degenerate outer ring", orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, nil},
		{"degenerate hole is left out",
			orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, {{0.5, 0.5}, {0.5, 0.5}}},
			orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanPolygon(tc.in); !orb.Equal(got, tc.want) && !(got == nil && tc.want == nil) {
				t.Errorf("cleanPolygon = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFeatureWriter(t *testing.T) {
	var b bytes.Buffer
	fw := &featureWriter{w: &b}
	if err := fw.feature(orb.Polygon{{{1, 2}, {3, 2}, {3, 4}}}, map[string]any{"name": "<南门>", "b": nil, "a": 1.5}); err != nil {
		t.Fatal(err)
	}
	if err := fw.feature(orb.MultiPolygon{}, map[string]any{"n": 2}); err != nil {
		t.Fatal(err)
	}
	if err := fw.close(); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[1,2],[3,2],[3,4],[1,2]]]]},"properties":{"a":1.5,"b":null,"name":"<南门>"}},
{"type":"Feature","geometry":null,"properties":{"n":2}}
]}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	fw = &featureWriter{w: &b}
	fw.close()
	if b.String() != `{"type":"FeatureCollection","features":[]}`+"\n" {
		t.Errorf("empty collection: %s", b.String())
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{num(12.345, 2), "12.35"},
		{num(-0.001, 2), "0.00"},
		{num(math.NaN(), 1), ""},
		{thousands(1234567.8, 0), "1,234,568"},
		{thousands(999, 0), "999"},
		{thousands(-12345.5, 1), "-12,345.5"},
		{area(459218), "45.9 ha"},
		{area(12345), "12,345 m²"},
		{compass(0), "N"},
		{compass(359), "N"},
		{compass(100), "E"},
		{compass(-135), "SW"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestReadCatalogue(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		err      string
	}{
		{"full", "name,sensor_width_mm,focal_length_mm,resolution_h,resolution_v,range_m,price\n4MP 6 mm,5.6,6,2560,1440,50,1200\n8MP 12 mm,5.6,12,3840,2160,100,2500\n", 2, ""},
		{"any order, BOM, no price", "\ufeffresolution_h,name,focal_length_mm,sensor_width_mm\n1920,2MP,4,5.6\n", 1, ""},
		{"empty", "", 0, "empty"},
		{"no focal length", "name,sensor_width_mm,resolution_h\nx,5.6,1920\n", 0, "focal_length_mm"},
		{"bad number", "name,sensor_width_mm,focal_length_mm,resolution_h,price\nx,5.6,4,1920,cheap\n", 0, "line 2: price"},
		{"negative", "name,sensor_width_mm,focal_length_mm,resolution_h\nx,5.6,-4,1920\n", 0, "line 2"},
		{"no models", "name,sensor_width_mm,focal_length_mm,resolution_h\n", 0, "no models"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCatalogue(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want one about %q", err, tc.err)
				}
				return
			}
			if err != nil || len(got) != tc.want {
				t.Fatalf("got %d models, %v; want %d", len(got), err, tc.want)
			}
		})
	}
	got, _ := ReadCatalogue(strings.NewReader("name,sensor_width_mm,focal_length_mm,resolution_h,resolution_v,range_m,price\n4MP 6 mm,5.6,6,2560,1440,50,1200\n"))
	if m := got[0]; m.Name != "4MP 6 mm" || m.SensorWidth != 5.6 || m.FocalLength != 6 || m.ResolutionH != 2560 || m.ResolutionV != 1440 || m.Range != 50 || m.Price != 1200 {
		t.Errorf("model %+v", m)
	}
}

func FuzzReadCatalogue(f *testing.F) {
	f.Add("name,sensor_width_mm,focal_length_mm,resolution_h,resolution_v,range_m,price\n4MP,5.6,6,2560,1440,50,1200\n")
	f.Add("name,sensor_width_mm,focal_length_mm,resolution_h\n\"a\"\"b\",1e308,1e-308,99999999999\n")
	f.Fuzz(func(t *testing.T, in string) {
		ms, err := ReadCatalogue(strings.NewReader(in))
		if err == nil && len(ms) == 0 {
			t.Fatal("no error and no models")
		}
		for _, m := range ms {
			if m.HFOV() == 0 || m.ResolutionH <= 0 || m.Price < 0 {
				t.Fatalf("accepted unusable model %+v", m)
			}
		}
	})
}

// cjkFont returns a TrueType font with Chinese characters, or skips.
func cjkFont(t *testing.T) *Fonts {
	t.Helper()
	fs, err := LoadFonts("")
	if err != nil {
		t.Fatal(err)
	}
	if !fs.CJK {
		testenv.Missing(t, "no Chinese TrueType font installed (go run ./cmd/dev deps test installs fonts-wqy-microhei)")
	}
	return fs
}

func TestLoadFonts(t *testing.T) {
	fs := cjkFont(t)
	var sb sfnt.Buffer
	for _, r := range "安和苑 Anhe Garden ≥ m² °" {
		found := false
		for _, f := range fs.faces {
			if f.has(r, &sb) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no face has %q (fonts %v)", r, fs.Paths)
		}
	}
	if last := fs.faces[len(fs.faces)-1]; last.font != nil {
		t.Errorf("the last face is not the built-in Helvetica")
	}
	// Noto CJK is an OpenType collection with CFF outlines: refused with a
	// message that says what to use.
	noto := "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	if _, err := os.Stat(noto); err == nil {
		if _, err := LoadFonts(noto); err == nil || !strings.Contains(err.Error(), "TrueType") {
			t.Errorf("LoadFonts(%s) = %v, want an error about TrueType outlines", noto, err)
		}
	}
	if _, err := LoadFonts(filepath.Join(t.TempDir(), "none.ttf")); err == nil {
		t.Error("LoadFonts of a missing file gave no error")
	}
}

func TestCollectionFace(t *testing.T) {
	const wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
	data, err := os.ReadFile(testenv.Font(t, wqy))
	if err != nil {
		t.Fatal(err)
	}
	face, err := collectionFace(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTrueType(face, 0); err != nil {
		t.Fatal(err)
	}
	f, err := faceOf(face)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := f.font.Name(nil, 1)
	if strings.Contains(strings.ToLower(name), "mono") {
		t.Errorf("took the monospaced face %q", name)
	}
}

func FuzzCollectionFace(f *testing.F) {
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00glyf\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("ttcf\x00\x01\x00\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := collectionFace(data)
		if err == nil && checkTrueType(out, 0) != nil {
			t.Fatal("returned a face without TrueType outlines")
		}
	})
}

func TestWrap(t *testing.T) {
	fs := cjkFont(t)
	d := newDoc(fs)
	d.font(10, false, inkText)
	tests := []string{
		"东门人行入口 East pedestrian gate 一个很长很长的中文句子需要自动换行来测试分行是否正常工作",
		"hydrants FE-032 and FE-066: 312 m apart along road roads/25, more than 120 m",
		"Averyveryveryverylongwordwithoutanyspacesthatmustbecut",
		"",
	}
	for _, s := range tests {
		lines := d.wrap(s, 40)
		for _, l := range lines {
			if w := d.width(l); w > 40+1e-9 {
				t.Errorf("line %q is %.1f mm wide, more than 40", l, w)
			}
		}
		// No character is lost (the bug of fpdf's MultiCell with CJK).
		join := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
		if want := strings.ReplaceAll(s, " ", ""); join != want {
			t.Errorf("wrap lost text:\n%q\n%q", join, want)
		}
	}
	if got := d.fit("电动自行车充电棚 E-bike Charging Shed", 20); !strings.HasSuffix(got, "…") || d.width(got) > 20 {
		t.Errorf("fit = %q (%.1f mm)", got, d.width(got))
	}
}

// pdfText writes the report as PDF and returns pdftotext's text of it.
func pdfText(t *testing.T, r *Report, opt PDFOptions) (string, []byte) {
	t.Helper()
	pdftotext := testenv.Tool(t, "pdftotext")
	var b bytes.Buffer
	if err := r.WritePDF(&b, opt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out), b.Bytes()
}

func TestWritePDF(t *testing.T) {
	r := mustDemo(t)
	fs := cjkFont(t)
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	text, pdf := pdfText(t, r, PDFOptions{Date: date, Fonts: fs})
	for _, want := range []string{"安和苑 Anhe Garden", "2026-03-01", "电动自行车充电棚", "东北角围墙（南段）", "Suggested cameras", "GB 50140-2005"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	for _, a := range r.Areas {
		if !strings.Contains(text, a.Code) {
			t.Errorf("the PDF's text lacks key area %s", a.Code)
		}
	}
	if strings.Contains(text, "?") {
		t.Errorf("the PDF shows characters its fonts lack as ?")
	}
	// The same report, date and fonts give the same bytes.
	_, again := pdfText(t, r, PDFOptions{Date: date, Fonts: fs})
	if !bytes.Equal(pdf, again) {
		t.Error("two PDFs of the same report differ")
	}
}

func TestWritePDFWithoutChineseFont(t *testing.T) {
	r := mustDemo(t)
	fs, err := loadFonts("", nil, LatinFonts)
	if err != nil {
		t.Fatal(err)
	}
	if fs.CJK {
		t.Fatal("Latin fonts claim Chinese characters")
	}
	text, _ := pdfText(t, r, PDFOptions{Fonts: fs})
	for _, want := range []string{"Anhe Garden", "E-bike Charging Shed", "KA-EBIKE", "Key areas"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English-only PDF's text lacks %q", want)
		}
	}
	for _, r := range text {
		if wide(r) {
			t.Fatalf("the English-only PDF has Chinese text %q", string(r))
		}
	}
	if strings.Contains(text, "?") {
		i := strings.Index(text, "?")
		t.Errorf("the English-only PDF shows ? for missing characters: %q", text[max(0, i-40):min(len(text), i+40)])
	}
}

func TestTitle(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	land := []store.Land{
		{Geom: sq(0, 0, 10, 10), Class: "residential", Names: store.Names{NameZh: "大区", NameEn: "Big"}},
		{Geom: sq(20, 0, 22, 2), Class: "residential", Names: store.Names{NameZh: "小区", NameEn: "Small"}},
		{Geom: sq(0, 0, 50, 50), Class: "park", Names: store.Names{Name: "Park"}},
	}
	key := store.KeyArea{Geom: orb.Polygon{{{21, 1}, {21.5, 1}, {21.5, 1.5}, {21, 1}}}}
	tests := []struct {
		name     string
		land     []store.Land
		keys     []store.KeyArea
		want, en string
	}{
		{"no key areas: the one at the centre", land, nil, "大区 Big", "Big"},
		{"the one with key areas", land, []store.KeyArea{key}, "小区 Small", "Small"},
		{"none: the file name", land[2:], nil, "demo", "demo"},
		{"local name only", []store.Land{{Geom: sq(0, 0, 10, 10), Class: "residential", Names: store.Names{Name: "Kamppi"}}}, nil, "Kamppi", ""},
		{"none at the centre", []store.Land{{Geom: sq(20, 20, 30, 30), Class: "residential", Names: store.Names{Name: "Kamppi"}}}, nil, "demo", "demo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, en := title(tc.land, tc.keys, "/x/demo.gpkg", orb.Point{5, 5})
			if got != tc.want || en != tc.en {
				t.Errorf("title = %q, %q; want %q, %q", got, en, tc.want, tc.en)
			}
		})
	}
}

func TestLabelPoint(t *testing.T) {
	// A 7 m x 7 m square at the demo's longitude and latitude: the
	// centroid must not drown in rounding.
	const d = 0.00007
	x, y := 121.6012345, 31.1987654
	for _, ring := range []orb.Ring{
		{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}},
		{{x, y}, {x, y + d}, {x + d, y + d}, {x + d, y}}, // clockwise, open
	} {
		got := labelPoint(orb.Polygon{ring})
		if math.Abs(got[0]-(x+d/2)) > 1e-9 || math.Abs(got[1]-(y+d/2)) > 1e-9 {
			t.Errorf("labelPoint(%v) = %v, want the middle", ring, got)
		}
	}
}

func TestFitAspect(t *testing.T) {
	b := orb.Bound{Min: orb.Point{121.59, 31.19}, Max: orb.Point{121.61, 31.20}}
	for _, asp := range []float64{0.5, 1, 2.5} {
		g := fitAspect(b, asp)
		x0, y0 := mercator(g.Min)
		x1, y1 := mercator(g.Max)
		if got := (x1 - x0) / (y0 - y1); math.Abs(got-asp) > 1e-9 {
			t.Errorf("aspect %v: got %v", asp, got)
		}
		if gp := g.Pad(1e-9); !gp.Contains(b.Min) || !gp.Contains(b.Max) {
			t.Errorf("aspect %v: %v does not hold %v", asp, g, b)
		}
	}
	// Round trip of the projection.
	for _, lat := range []float64{-60, 0, 31.2, 60.17} {
		_, y := mercator(orb.Point{0, lat})
		if got := unmercatorLat(y); math.Abs(got-lat) > 1e-9 {
			t.Errorf("latitude %v -> %v", lat, got)
		}
	}
}

func TestMapImage(t *testing.T) {
	r := mustDemo(t)
	m, err := r.overviewMap(800, 700)
	if err != nil {
		t.Fatal(err)
	}
	b := m.img.Bounds()
	if b.Dx() > 800 || b.Dy() > 700 || b.Dx() < 300 {
		t.Fatalf("map of %v, want at most 800 x 700 and not tiny", b)
	}
	// A building's middle is drawn in the building colour, the site's
	// corners lie inside the image.
	for _, p := range []orb.Point{r.Extent.Min, r.Extent.Max} {
		x, y := m.toPx(p)
		if x < 0 || y < 0 || x > float64(b.Dx()) || y > float64(b.Dy()) {
			t.Errorf("extent corner %v at pixel %.0f,%.0f, outside the image", p, x, y)
		}
	}
	if !(m.mPerPx > 0.2 && m.mPerPx < 5) {
		t.Errorf("%.2f m per pixel", m.mPerPx)
	}
	counts := map[[3]uint8]int{}
	for i := 0; i < len(m.img.Pix); i += 4 {
		counts[[3]uint8{m.img.Pix[i], m.img.Pix[i+1], m.img.Pix[i+2]}]++
	}
	if len(counts) < 50 {
		t.Errorf("the map has %d colours: nothing drawn?", len(counts))
	}
}
