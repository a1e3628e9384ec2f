package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/osmimport"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

// menuBar is about the height of the menu bar the desktop driver draws
// at the top of the window (the test driver draws none).
const menuBar = 40

// absPos returns the position of o in the window.
func absPos(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// TestPlanFits1280x800 lays plan mode out in a 1280×800 window (less the
// desktop menu bar) and measures it: the map keeps at least 60 % of the
// window's width and height, and the key-area table shows at least 6 rows
// whole.
func TestPlanFits1280x800(t *testing.T) {
	for _, language := range []string{locale.English, locale.Chinese} {
		t.Run(language, func(t *testing.T) {
			useLanguage(t, language)
			s := planStore(t)
			err := s.Update(context.Background(), func(tx *store.Tx) error {
				for i := 0; i < 9; i++ { // ten key areas in all
					x, y, d := 121.4505+float64(i)*0.0002, 31.2212, 0.00005
					if _, err := tx.Insert(store.KeyArea{Geom: orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}},
						Code: fmt.Sprintf("KA-%02d", i+2), Kind: "playground", RequiredLevel: "detect"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			x, ch := start(t, s)
			win := fyne.NewSize(1280, 800)
			x.win.Resize(fyne.NewSize(win.Width, win.Height-menuBar))
			wait(t, ch)
			x.plan.toggle.SetChecked(true)
			until(t, ch, "plan", func() bool { return x.planRes != nil })
			if len(x.plan.rows) != 10 {
				t.Fatalf("%d rows, want 10", len(x.plan.rows))
			}

			m := x.m.Size()
			t.Logf("map %.0f × %.0f px, table %.0f × %.0f", m.Width, m.Height, x.plan.table.Size().Width, x.plan.table.Size().Height)
			if m.Width < 0.6*win.Width || m.Height < 0.6*win.Height {
				t.Errorf("map %.0f × %.0f px, want at least %.0f × %.0f (60 %% of 1280 × 800)", m.Width, m.Height, 0.6*win.Width, 0.6*win.Height)
			}

			// Rows whole in sight below the header.
			tb := x.plan.table
			if !tb.Visible() {
				t.Fatal("the table is hidden")
			}
			// Rows are as high as the tallest template and a padding apart.
			pitch := max(tb.CreateHeader().MinSize().Height, tb.CreateCell().MinSize().Height) + theme.Padding()
			shown := int((tb.Size().Height+theme.Padding())/pitch) - 1 // less the header
			row := pitch
			if shown < planRowsShown {
				t.Errorf("the table shows %d rows (%.0f px high, rows of %.0f px), want at least %d", shown, tb.Size().Height, row, planRowsShown)
			}
			top := absPos(tb).Y
			if bottom := top + tb.Size().Height; bottom > win.Height-menuBar {
				t.Errorf("the table ends at %.0f px, below the window", bottom)
			}

			// The alert queue gave way; it comes back with plan mode off.
			if len(x.tabs.Items) != 1 || x.tabs.Items[0] != x.infoTab {
				t.Errorf("right-hand tabs = %d in plan mode, want the feature panel only", len(x.tabs.Items))
			}
			x.plan.toggle.SetChecked(false)
			if len(x.tabs.Items) != 2 || x.tabs.Items[0] != x.alertsTab {
				t.Error("the alert queue did not come back with plan mode off")
			}
			if x.plan.legendBox.Visible() || x.plan.suggest.Visible() {
				t.Error("plan legend or Suggest still shown with plan mode off")
			}
		})
	}
}

// TestFitText cuts table text to its column.
func TestFitText(t *testing.T) {
	size := float32(14)
	tests := []struct {
		name, s string
		w       float32
		cut     bool
	}{
		{"fits", "KA-01", 200, false},
		{"too long", "Children's playground beside the north garden", 100, true},
		{"Chinese", "北门行人出入口与快递柜区域", 80, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fitText(tc.s, tc.w, size, fyne.TextStyle{})
			if cut := got != tc.s; cut != tc.cut {
				t.Fatalf("fitText = %q, cut %v, want cut %v", got, cut, tc.cut)
			}
			if tc.cut && (!strings.HasSuffix(got, "…") || fyne.MeasureText(got, size, fyne.TextStyle{}).Width > tc.w) {
				t.Errorf("fitText = %q, want an ellipsis within %v px", got, tc.w)
			}
		})
	}
}

// infoText returns the feature panel's attributes as shown.
func infoText(x *App) string { return strings.Join(labels(x.info.form), "\n") }

// attr returns the value the feature panel shows for the attribute
// named name ("Heading"), or "": as drawn, checked against its item.
func attr(x *App, name string) string {
	drawn := map[fyne.CanvasObject]bool{}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		drawn[o] = true
		switch c := o.(type) {
		case *widget.Label:
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(c).Objects() {
				walk(k)
			}
		case *fyne.Container:
			for _, k := range c.Objects {
				walk(k)
			}
		}
	}
	walk(x.info.form)
	for _, it := range x.info.form.Items {
		if l, ok := it.Widget.(*widget.Label); ok && it.Text == name {
			if !drawn[l] {
				return "(not drawn)"
			}
			return l.Text
		}
	}
	return ""
}

// TestFeaturePanelCurrent checks that the feature panel shows the
// selected feature as stored after each kind of change.
func TestFeaturePanelCurrent(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store)
		attr   string // shown in the panel after the change
		want   string
	}{
		{"a slider edit", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			x.camEdit.heading.Value = 135
			x.camEdit.heading.OnChanged(135)
			x.camEdit.heading.OnChangeEnded(135)
			until(t, ch, "save", func() bool { return len(x.undo) == 1 })
		}, "Heading", "135 °"},
		{"a new selection after a slider moved", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			x.camEdit.heading.Value = 200
			x.camEdit.heading.OnChanged(200) // no OnChangeEnded: the user clicks elsewhere
			x.selected(mapview.Selection{Layer: store.Buildings, FID: 1})
			until(t, ch, "building", func() bool { return strings.HasPrefix(x.info.title.Text, "Buildings") })
			x.selected(mapview.Selection{Layer: store.Cameras, FID: planCameraFID})
			until(t, ch, "camera", func() bool { return strings.HasPrefix(x.info.title.Text, "Cameras") })
		}, "Heading", "200 °"},
		{"another feature selected", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			x.selected(mapview.Selection{Layer: store.Buildings, FID: 1})
			until(t, ch, "building", func() bool { return strings.HasPrefix(x.info.title.Text, "Buildings") })
		}, "Feature id", "buildings/1"},
		{"a drag", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			to := orb.Point{planCameraAt[0] + 0.0001, planCameraAt[1]}
			drag(t, x, ch, planCameraAt, to, 3, nil)
			until(t, ch, "save", func() bool { return len(x.undo) == 1 })
		}, "Location", fmt.Sprintf("%.6f, %.6f", planCameraAt[0]+0.0001, planCameraAt[1])},
		{"an undo", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			x.camEdit.heading.Value = 90
			x.camEdit.heading.OnChanged(90)
			x.camEdit.heading.OnChangeEnded(90)
			until(t, ch, "save", func() bool { return len(x.undo) == 1 })
			until(t, ch, "shown", func() bool { return attr(x, "Heading") == "90 °" })
			x.undoCamera()
			until(t, ch, "undo", func() bool { return storedCamera(t, s.Path(), planCameraFID).Heading == 0 })
		}, "Heading", "0 °"},
		{"an import", func(t *testing.T, x *App, ch <-chan struct{}, s *store.Store) {
			// Another program renames the camera; an import re-reads it.
			other, err := store.Open(s.Path())
			if err != nil {
				t.Fatal(err)
			}
			err = other.Update(context.Background(), func(tx *store.Tx) error {
				return tx.UpdateRecord(store.Cameras, planCameraFID, store.Record{Props: map[string]any{"name": "East Gate camera"}})
			})
			other.Close()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "hazards.geojson")
			if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[121.4536,31.2206]},"properties":{"category":"blocked_exit","severity":"low","status":"open"}}]}`), 0o644); err != nil {
				t.Fatal(err)
			}
			x.importInto(path)
		}, "Name", "East Gate camera"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, ch, s := planOn(t)
			x.m.Select(store.Cameras, planCameraFID)
			x.selected(mapview.Selection{Layer: store.Cameras, FID: planCameraFID})
			until(t, ch, "editor", func() bool { return x.camEdit.id == "CAM-P1" })
			if got := attr(x, "Heading"); got != "0 °" {
				t.Fatalf("heading %q before the change:\n%s", got, infoText(x))
			}
			tc.change(t, x, ch, s)
			var got string
			until(t, ch, "panel", func() bool { got = attr(x, tc.attr); return got == tc.want })
		})
	}
}

// button finds the button labelled text in o.
func button(o fyne.CanvasObject, text string) *widget.Button {
	switch c := o.(type) {
	case *widget.Button:
		if c.Text == text {
			return c
		}
		return nil
	case fyne.Widget:
		for _, k := range test.WidgetRenderer(c).Objects() {
			if b := button(k, text); b != nil {
				return b
			}
		}
	case *fyne.Container:
		for _, k := range c.Objects {
			if b := button(k, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// radio finds the first radio group in o.
func radio(o fyne.CanvasObject) *widget.RadioGroup {
	switch c := o.(type) {
	case *widget.RadioGroup:
		return c
	case fyne.Widget:
		for _, k := range test.WidgetRenderer(c).Objects() {
			if r := radio(k); r != nil {
				return r
			}
		}
	case *fyne.Container:
		for _, k := range c.Objects {
			if r := radio(k); r != nil {
				return r
			}
		}
	}
	return nil
}

// topButton taps the button labelled text in the topmost dialog.
func topButton(t *testing.T, x *App, text string) {
	t.Helper()
	top := x.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog with %q", text)
	}
	b := button(top, text)
	if b == nil {
		t.Fatalf("no %q button in the dialog: %q", text, labels(top))
	}
	b.OnTapped()
}

// demoStore writes the demo community to a new GeoPackage.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Write(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportFarAsks imports the Helsinki extract into the Shanghai demo:
// the import says how far away the data lies and asks; Cancel changes
// nothing, Merge anyway writes it in one go, and plan mode then plans the
// community rather than failing over both cities.
func TestImportFarAsks(t *testing.T) {
	useLanguage(t, locale.English)
	hel := testenv.SharedData(t, "osm/helsinki-centre.osm.pbf")
	s := demoStore(t)
	x, ch := start(t, s)
	wait(t, ch)
	before, err := s.Count(context.Background(), store.Buildings)
	if err != nil {
		t.Fatal(err)
	}

	// The import dialog asks which file the data goes into.
	x.askImportTarget(hel)
	choice := radio(x.win.Canvas().Overlays().Top())
	if choice == nil || strings.Join(choice.Options, "|") != "The open community (demo.gpkg)|A new GeoPackage…" || choice.Selected != choice.Options[0] {
		t.Fatalf("import dialog choice = %+v, want the open community (chosen) or a new GeoPackage", choice)
	}
	topButton(t, x, "Import") // the open community is chosen first
	farDialog := func() string {
		top := x.win.Canvas().Overlays().Top()
		if top == nil {
			return ""
		}
		return strings.Join(labels(top), "\n")
	}
	until(t, ch, "the question", func() bool { return strings.Contains(farDialog(), "km from the community") })
	msg := farDialog()
	if !strings.Contains(msg, "7,") || !strings.Contains(msg, "helsinki-centre.osm.pbf") || !strings.Contains(msg, "demo.gpkg") {
		t.Errorf("question = %q, want the distance (about 7,400 km) and both files", msg)
	}
	topButton(t, x, "Cancel")
	if n, _ := s.Count(context.Background(), store.Buildings); n != before {
		t.Fatalf("buildings %d after Cancel, want %d", n, before)
	}

	x.importInto(hel)
	until(t, ch, "the question", func() bool { return strings.Contains(farDialog(), "km from the community") })
	topButton(t, x, "Merge anyway")
	until(t, ch, "merge", func() bool { n, _ := s.Count(context.Background(), store.Buildings); return n > before })
	f, err := os.Open(hel)
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := osmimport.Read(context.Background(), f, hel, nil)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(context.Background(), store.Buildings); n != before+st.Built[store.Buildings] {
		t.Errorf("buildings %d after the merge, want %d + %d", n, before, st.Built[store.Buildings])
	}

	// Plan mode over the merged file plans Shanghai.
	x.plan.toggle.SetChecked(true)
	until(t, ch, "plan", func() bool { return x.planRes != nil || x.plan.empty.Visible() && !x.plan.progress.Visible() })
	if x.planRes == nil {
		t.Fatalf("plan failed: %s", x.plan.empty.Text)
	}
	if len(x.plan.rows) == 0 {
		t.Error("no key areas in the plan")
	}
	if !strings.Contains(x.plan.status.Text, "features far from the community were left out") {
		t.Errorf("plan status = %q, want it to say what was left out", x.plan.status.Text)
	}
}

// TestImportNearDoesNotAsk: data near the community goes in at once.
func TestImportNearDoesNotAsk(t *testing.T) {
	useLanguage(t, locale.English)
	s := newStore(t, "a.gpkg")
	x, ch := start(t, s)
	wait(t, ch)
	path := filepath.Join(t.TempDir(), "hazards.geojson")
	if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[121.46,31.23]},"properties":{"category":"blocked_exit","severity":"low","status":"open"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	x.importInto(path)
	until(t, ch, "import", func() bool { n, _ := s.Count(context.Background(), store.Hazards); return n == 2 })
	until(t, ch, "summary", func() bool {
		top := x.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(strings.Join(labels(top), "\n"), "Imported 1 features")
	})
}

// TestNewCommunity drives File › New community's function: empty, from an
// OSM extract, over an existing file, and from a file that is not OSM.
func TestNewCommunity(t *testing.T) {
	taipei := testenv.SharedData(t, "osm/taipei-xinyi.osm")
	notOSM := filepath.Join(t.TempDir(), "notes.osm")
	if err := os.WriteFile(notOSM, []byte("not an OSM file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		extract   string
		exists    bool
		opened    bool
		buildings int    // at least
		message   string // in the dialog shown
	}{
		{"empty", "", false, true, 0, ""},
		{"from an OSM extract", taipei, false, true, 10, "Imported"},
		{"over an existing file", "", true, false, 0, "already exists"},
		{"from a file that is not OSM", notOSM, false, false, 0, "not an OpenStreetMap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			useLanguage(t, locale.English)
			old := newStore(t, "old.gpkg")
			x, ch := start(t, old)
			wait(t, ch)
			path := filepath.Join(t.TempDir(), "new.gpkg")
			if tc.exists {
				if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			x.NewCommunity(path, tc.extract)
			if tc.opened {
				until(t, ch, "open", func() bool { return x.store != old })
				if got := x.store.Path(); got != path {
					t.Fatalf("open file %s, want %s", got, path)
				}
				until(t, ch, "counts", func() bool { return cells(x)["Buildings"] != "…" })
				n, err := x.store.Count(context.Background(), store.Buildings)
				if err != nil || n < tc.buildings {
					t.Errorf("buildings = %d (%v), want at least %d", n, err, tc.buildings)
				}
			} else {
				until(t, ch, "dialog", func() bool { return x.win.Canvas().Overlays().Top() != nil })
				if x.store != old {
					t.Error("the open community was replaced")
				}
			}
			if tc.message != "" {
				until(t, ch, "message", func() bool {
					top := x.win.Canvas().Overlays().Top()
					return top != nil && strings.Contains(strings.Join(labels(top), "\n"), tc.message)
				})
			}
			switch data, err := os.ReadFile(path); {
			case tc.exists && string(data) != "precious":
				t.Error("the existing file was changed")
			case !tc.exists && !tc.opened && err == nil:
				t.Error("a failed new community left its file behind")
			}
		})
	}
}

// TestCreateCommunityCancelled: a cancelled creation leaves no file.
func TestCreateCommunityCancelled(t *testing.T) {
	useLanguage(t, locale.English)
	taipei := testenv.SharedData(t, "osm/taipei-xinyi.osm")
	path := filepath.Join(t.TempDir(), "new.gpkg")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := createCommunity(ctx, path, taipei, nil)
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("err = %v, want the import cancelled", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a cancelled new community left its file behind")
	}
}
