package app

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
	"safetynet/ui/theme"
)

// newStore writes a GeoPackage with 3 buildings, 2 cameras and 1 hazard
// and returns it open.
func newStore(t *testing.T, name string) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sq := func(x, y float64) orb.Polygon {
		d := 0.0002
		return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
	}
	err = s.Update(context.Background(), func(tx *store.Tx) error {
		for _, f := range []store.Feature{
			store.Building{Geom: orb.MultiPolygon{sq(121.45, 31.22)}, Use: "residential"},
			store.Building{Geom: orb.MultiPolygon{sq(121.451, 31.221)}, Use: "residential"},
			store.Building{Geom: orb.MultiPolygon{sq(121.452, 31.222)}, Use: "school"},
			store.Camera{Geom: orb.Point{121.4505, 31.2205}, MountHeight: 4, ResolutionH: 2560, MaxRange: 40, Status: store.CameraOnline},
			store.Camera{Geom: orb.Point{121.4515, 31.2215}, MountHeight: 4, ResolutionH: 1920, MaxRange: 30, Status: store.CameraOffline},
			store.Hazard{Geom: orb.Point{121.451, 31.2209}, Category: "ebike_charging", Severity: "high", Status: store.HazardOpen},
		} {
			if _, err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// useLanguage gives the test its own locale environment and language.
func useLanguage(t *testing.T, language string) {
	t.Helper()
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(name, "")
	}
	t.Setenv("LANG", "en_US.UTF-8")
	if err := locale.Use(language); err != nil {
		t.Fatal(err)
	}
}

// start builds the window of s in a test app and returns it with a
// channel that receives each time a background read or open settles.
func start(t *testing.T, s *store.Store) (*App, <-chan struct{}) {
	t.Helper()
	a := test.NewTempApp(t)
	ch := make(chan struct{}, 8)
	settled = func() { ch <- struct{}{} }
	// The closure keeps its own queue: a goroutine of an earlier test that
	// hands work over late must not touch this test's.
	q := make(chan func(), 1024)
	queue = q
	do = func(fn func()) { q <- fn }
	mapview.TestHandOff(true)
	t.Cleanup(func() { settled, do = nil, fyne.Do; mapview.TestHandOff(false) })
	x := New(a, s)
	t.Cleanup(x.win.Close)
	x.win.Resize(fyne.NewSize(900, 600))
	return x, ch
}

// queue holds what the window's goroutines hand to the Fyne goroutine;
// wait runs it on the test's goroutine.
var queue chan func()

func wait(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case fn := <-queue:
			fn()
		case <-ch:
			return
		case <-timeout:
			t.Fatal("the background read did not finish in 10 s")
		}
	}
}

// labels returns the texts of the visible labels drawn in o, walking the
// renderers the canvas uses (test.LaidOutObjects builds new ones, which a
// table has not filled).
func labels(o fyne.CanvasObject) []string {
	if !o.Visible() {
		return nil
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case *widget.Label:
		return []string{c.Text}
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	case *fyne.Container:
		kids = c.Objects
	}
	var out []string
	for _, k := range kids {
		out = append(out, labels(k)...)
	}
	return out
}

// cells returns the layer panel as drawn: layer title -> count text.
func cells(x *App) map[string]string {
	out := map[string]string{}
	for key, c := range x.layers.checks {
		out[c.Text] = x.layers.counts[key].Text
	}
	return out
}

func TestLayerPanelShowsCounts(t *testing.T) {
	tests := []struct {
		language string
		want     map[string]string
		extent   string
	}{
		{locale.Chinese,
			map[string]string{"建筑": "3", "摄像机": "2", "隐患": "1", "道路": "0", "巡逻路线": "0", "出入口": "0"},
			"范围：121.45000, 31.22000 – 121.45220, 31.22220（经度, 纬度）"},
		{locale.English,
			map[string]string{"Buildings": "3", "Cameras": "2", "Hazards": "1", "Roads": "0", "Patrol routes": "0", "Access points": "0"},
			"Extent: 121.45000, 31.22000 – 121.45220, 31.22220 (lon, lat)"},
	}
	for _, tt := range tests {
		t.Run(tt.language, func(t *testing.T) {
			useLanguage(t, tt.language)
			s := newStore(t, "a.gpkg")
			x, ch := start(t, s)
			wait(t, ch)
			got := cells(x)
			if len(got) != len(store.LayerNames())+1 { // +1: the fields of view
				t.Errorf("panel shows %d rows, want %d layers and the fields of view: %v", len(got), len(store.LayerNames()), got)
			}
			for layer, n := range tt.want {
				if got[layer] != n {
					t.Errorf("%s: table shows %q, want %q", layer, got[layer], n)
				}
			}
			if x.extent.Text != tt.extent {
				t.Errorf("extent = %q, want %q", x.extent.Text, tt.extent)
			}
			if want := absolute(s.Path()); x.path.Text != want {
				t.Errorf("path = %q, want %q", x.path.Text, want)
			}
			if want := "SafetyNet 安全网 — a.gpkg"; x.win.Title() != want {
				t.Errorf("title = %q, want %q", x.win.Title(), want)
			}
		})
	}
}

func TestOpenNotGeoPackageKeepsStore(t *testing.T) {
	tests := []struct {
		name    string
		content string // "" for no file
		message string
	}{
		{"text file", "layer,count\nbuildings,3\n", "无法打开 notes.gpkg：它不是 GeoPackage 文件"},
		{"empty SQLite-looking name", "SQLite format 3\x00 but then nothing", "无法打开 notes.gpkg：它不是 GeoPackage 文件"},
		{"missing file", "", "无法打开 notes.gpkg：文件不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			useLanguage(t, locale.Chinese)
			s := newStore(t, "a.gpkg")
			x, ch := start(t, s)
			wait(t, ch)

			bad := filepath.Join(t.TempDir(), "notes.gpkg")
			if tt.content != "" {
				if err := os.WriteFile(bad, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			x.Open(bad)
			wait(t, ch)

			if x.store != s {
				t.Error("the open store was replaced")
			}
			if want := "SafetyNet 安全网 — a.gpkg"; x.win.Title() != want {
				t.Errorf("title = %q, want %q", x.win.Title(), want)
			}
			if got := cells(x)["建筑"]; got != "3" {
				t.Errorf("buildings show %q after the failed open, want 3", got)
			}
			top := x.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no error dialog")
			}
			text := strings.Join(labels(top), "\n")
			if !strings.Contains(text, tt.message) {
				t.Errorf("dialog says %q, want it to contain %q", text, tt.message)
			}
			if tt.content == "" {
				if _, err := os.Stat(bad); err == nil {
					t.Error("opening a missing file created it")
				}
			}
		})
	}
}

func TestOpenReplacesStore(t *testing.T) {
	useLanguage(t, locale.English)
	x, ch := start(t, newStore(t, "a.gpkg"))
	wait(t, ch)

	other, err := store.Open(filepath.Join(t.TempDir(), "b.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	path := other.Path()
	other.Close()
	x.Open(path)
	wait(t, ch)

	if x.store == nil || x.store.Path() != path {
		t.Fatalf("store is %v, want %s", x.store, path)
	}
	if got := cells(x)["Buildings"]; got != "0" {
		t.Errorf("buildings = %q, want 0", got)
	}
	if x.extent.Text != "Extent: no features yet" {
		t.Errorf("extent = %q", x.extent.Text)
	}
	if want := "SafetyNet 安全网 — b.gpkg"; x.win.Title() != want {
		t.Errorf("title = %q, want %q", x.win.Title(), want)
	}
}

func TestNoStore(t *testing.T) {
	useLanguage(t, locale.English)
	x, _ := start(t, nil)
	for layer, n := range cells(x) {
		if n != "" {
			t.Errorf("%s shows count %q with no store", layer, n)
		}
	}
	if !strings.HasPrefix(x.path.Text, "No GeoPackage open.") {
		t.Errorf("status = %q", x.path.Text)
	}
	if x.win.Title() != Title {
		t.Errorf("title = %q", x.win.Title())
	}
}

func TestNoChineseFontFallsBackToEnglish(t *testing.T) {
	useLanguage(t, locale.Chinese)
	old := loadTheme
	loadTheme = func() (*theme.Theme, error) { return nil, theme.ErrNoCJKFont }
	t.Cleanup(func() { loadTheme = old })
	x, ch := start(t, newStore(t, "a.gpkg"))
	wait(t, ch)
	if got := locale.Current(); got != locale.English {
		t.Errorf("language = %q, want English", got)
	}
	if !x.notice.Visible() || !strings.HasPrefix(x.notice.Text, "No Chinese font found") {
		t.Errorf("notice = %q (visible %v)", x.notice.Text, x.notice.Visible())
	}
	if got := cells(x)["Buildings"]; got != "3" {
		t.Errorf("buildings = %q, want 3", got)
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {12345, "12,345"},
		{1234567, "1,234,567"}, {-1234, "-1,234"},
	}
	for _, tt := range tests {
		if got := thousands(tt.n); got != tt.want {
			t.Errorf("thousands(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestOpenMenuShowsFileDialog(t *testing.T) {
	useLanguage(t, locale.Chinese)
	x, ch := start(t, newStore(t, "a.gpkg"))
	wait(t, ch)
	menu := x.win.MainMenu()
	if menu == nil || len(menu.Items) < 1 || menu.Items[0].Label != "文件" {
		t.Fatalf("main menu = %+v, want one File menu", menu)
	}
	var open, quit *fyne.MenuItem
	for _, it := range menu.Items[0].Items {
		switch it.Label {
		case "打开…":
			open = it
		case "退出":
			quit = it
		}
	}
	if open == nil || quit == nil || !quit.IsQuit {
		t.Fatalf("File menu items = %+v, want 打开… and 退出", menu.Items[0].Items)
	}
	open.Action()
	if x.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Open… showed no file dialog")
	}
}

func TestSearchFliesToAndSelects(t *testing.T) {
	useLanguage(t, locale.English)
	s := newStore(t, "a.gpkg")
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Insert(store.Camera{Geom: orb.Point{121.4512, 31.2212}, Names: store.Names{Name: "南门", NameEn: "South Gate"},
			Code: "CAM-077", MountHeight: 3, Heading: 90, HFOV: 70, ResolutionH: 2560, MaxRange: 25, Status: store.CameraOnline})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	x, ch := start(t, s)
	wait(t, ch)
	x.search.entry.SetText("cam-077")
	x.search.run()
	deadline := time.Now().Add(5 * time.Second)
	for len(x.search.hits) == 0 && time.Now().Before(deadline) {
		select {
		case fn := <-queue:
			fn()
		case <-time.After(10 * time.Millisecond):
		}
	}
	if len(x.search.hits) != 1 || x.search.hits[0].FID != 3 || x.search.hits[0].Layer != store.Cameras {
		t.Fatalf("hits = %+v, want cameras/3", x.search.hits)
	}
	x.search.entry.OnSubmitted("cam-077") // Enter takes the first hit
	wait(t, ch)
	if sel := x.m.Selected(); sel.Layer != store.Cameras || sel.FID != 3 {
		t.Errorf("map selection = %s/%d, want cameras/3", sel.Layer, sel.FID)
	}
	if c := x.m.View().Center; math.Abs(c[0]-121.4512) > 1e-6 || math.Abs(c[1]-31.2212) > 1e-6 {
		t.Errorf("map centre = %v, want the camera", c)
	}
	if want := "Cameras · South Gate"; x.info.title.Text != want {
		t.Errorf("info title = %q, want %q", x.info.title.Text, want)
	}
	text := strings.Join(labels(x.info.form), "\n")
	for _, want := range []string{"cameras/3", "CAM-077", "2560", "90 °", "online"} {
		if !strings.Contains(text, want) {
			t.Errorf("info panel lacks %q:\n%s", want, text)
		}
	}
}

func TestScaleAndMeasureText(t *testing.T) {
	for _, tc := range []struct {
		d    float64
		want float64
	}{{42, 42}, {1234, 1200}, {11046, 11000}, {987654, 990000}} {
		if got := roundScale(tc.d); got != tc.want {
			t.Errorf("roundScale(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
	if got := length(1234.5); got != "1.23 km" {
		t.Errorf("length = %q", got)
	}
	if got := area(2500); got != "2,500 m²" {
		t.Errorf("area = %q", got)
	}
}
