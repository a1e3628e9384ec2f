package geojsonio

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/data/report"
	"safetynet/data/store"
	"safetynet/data/testenv"
)

// torontoRegister reads the City of Toronto's traffic camera register (no
// header; id, latitude, longitude, main road, cross road, ...) and writes
// it as a GeoJSON file with only what many registers have: an id, a
// location name, and the position.
func torontoRegister(t *testing.T) (path string, rows [][]string) {
	t.Helper()
	f, err := os.Open(testenv.SharedData(t, "registers/cctv-toronto.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err = csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	var fc struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}
	fc.Type = "FeatureCollection"
	for _, r := range rows {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry:   map[string]any{"type": "Point", "coordinates": []json.RawMessage{json.RawMessage(r[2]), json.RawMessage(r[1])}},
			Properties: map[string]any{"ID": r[0], "LOCATION_NAME": r[3] + " / " + r[4]}})
	}
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "cctv.geojson")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, rows
}

// A real council register with only id, location name and position keeps
// its ids and names, and every camera is counted in coverage with its
// estimates listed.
func TestImportCameraRegister(t *testing.T) {
	ctx := context.Background()
	path, rows := torontoRegister(t)
	s := openStore(t)
	n, warnings, err := Import(ctx, s, path, store.Cameras)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(rows) || len(rows) != 279 {
		t.Fatalf("imported %d of %d cameras, want all 279 rows", n, len(rows))
	}
	cs, err := s.Cameras(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		want := rows[i][3] + " / " + rows[i][4]
		if c.Code != rows[i][0] || c.Name != want || !c.Estimated {
			t.Fatalf("camera %d: code %q, name %q, estimated %v; want %q, %q, true", i, c.Code, c.Name, c.Estimated, rows[i][0], want)
		}
	}
	// The import output lists each estimate.
	listed := 0
	for _, w := range warnings {
		if strings.HasPrefix(w, "cctv.geojson: camera Camera") && strings.Contains(w, "heading estimated") && strings.Contains(w, "no field of view: 60° assumed") {
			listed++
		}
	}
	if listed < len(rows)-10 {
		t.Errorf("%d of %d estimates listed in the import output; first lines %q", listed, len(rows), warnings[:min(3, len(warnings))])
	}

	// Coverage counts every camera, with its estimates, but those of the
	// few places far from the rest of the city, which a store of one
	// community leaves out and says so.
	r, err := report.Analyse(ctx, s, report.Options{Cell: 10})
	if err != nil {
		t.Fatal(err)
	}
	left := r.Scene.Left
	if left > 10 || r.Cameras.Total != len(rows) || r.Cameras.Counted != len(rows)-left || r.Cameras.Skipped != 0 || r.Cameras.Estimated != len(rows)-left {
		t.Errorf("coverage cameras %+v with %d left out, want all %d counted and estimated", r.Cameras, left, len(rows)-left)
	}
	estimated := 0
	for _, p := range r.Problems {
		if p.Kind == "camera" && !p.Skipped && strings.Contains(p.Msg, "heading estimated") {
			estimated++
		}
	}
	if estimated != r.Cameras.Counted {
		t.Errorf("%d estimates in the problems, want one for each of the %d cameras counted", estimated, r.Cameras.Counted)
	}
}

// Values the store's rules refuse are refused at import, naming the
// layer, the feature and the property, and nothing is stored.
func TestImportRefusesBadValues(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		layer, props, want string
	}{
		{store.Cameras, `{"code":"C2","mount_height":1e308}`, `import into cameras, nothing imported: bad.geojson: feature 1 (id "c2"): property "mount_height": camera mount_height 1e+308 m is out of range: use 0 to 500 m`},
		{store.Cameras, `{"Status":"exploded"}`, `feature 1 (id "c2"): property "Status": camera status "exploded": use online, offline, maintenance, planned`},
		{store.Cameras, `{"direction":"sideways"}`, `feature 1 (id "c2"): property "direction": got the text "sideways", want degrees clockwise from north or a compass direction`},
		{store.KeyAreas, `{"required_level":"superb"}`, `feature 1 (id "c2"): property "required_level": key area required_level "superb": use monitor, detect, observe`},
	} {
		geom := `{"type":"Point","coordinates":[121.45,31.22]}`
		if tt.layer == store.KeyAreas {
			geom = `{"type":"Polygon","coordinates":[[[121.45,31.22],[121.46,31.22],[121.46,31.23],[121.45,31.22]]]}`
		}
		doc := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"c1","geometry":` + geom + `,"properties":{"code":"C1"}},
{"type":"Feature","id":"c2","geometry":` + geom + `,"properties":` + tt.props + `}]}`
		path := filepath.Join(t.TempDir(), "bad.geojson")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		s := openStore(t)
		_, _, err := Import(ctx, s, path, tt.layer)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s: err = %v, want %q", tt.layer, tt.props, err, tt.want)
		}
		if n, _ := s.Count(ctx, tt.layer); n != 0 {
			t.Errorf("%s %s: %d features stored by a refused import", tt.layer, tt.props, n)
		}
	}
}

// Register columns map to ours whatever their case or name, and the rest
// is kept.
func TestDecodeRegisterColumns(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"OBJECTID":7,"Camera_ID":"K-1","Location":"Main St","DESCRIPTION":"by the bank","Direction":"NE","FOV":"75","Type":"dome","Heading_Src":null}},
{"type":"Feature","id":"K-2","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"Gate","heading":90,"hfov":80}}]}`
	recs, warnings, err := Decode(strings.NewReader(doc), "reg.geojson", store.Cameras)
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	p := recs[0].Props
	if p["code"] != "K-1" || p["name"] != "Main St" || p["heading"] != 45.0 || p["hfov"] != 75.0 || p["estimated"] != nil {
		t.Errorf("props %v", p)
	}
	var attrs map[string]any
	if err := json.Unmarshal([]byte(p["attributes"].(string)), &attrs); err != nil || len(attrs) != 3 ||
		attrs["OBJECTID"] != 7.0 || attrs["DESCRIPTION"] != "by the bank" || attrs["Type"] != "dome" {
		t.Errorf("attributes %v (%v)", p["attributes"], err)
	}
	if q := recs[1].Props; q["code"] != "K-2" || q["name"] != "Gate" || q["estimated"] != nil {
		t.Errorf("second camera %v", q)
	}
}

// The same register as a GeoPackage made by GDAL, with its own columns
// in a cameras table, keeps its ids and names when copied in, and a text
// direction reads as a heading.
func TestCopyCameraRegisterGeoPackage(t *testing.T) {
	ctx := context.Background()
	ogr2ogr := testenv.Tool(t, "ogr2ogr")
	path, rows := torontoRegister(t)
	gpkg := filepath.Join(t.TempDir(), "register.gpkg")
	if out, err := exec.Command(ogr2ogr, "-f", "GPKG", "-nln", store.Cameras, gpkg, path).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	// One camera says where it looks, in words.
	db, err := sql.Open("sqlite3_gpkg", gpkg) // the store's driver: GDAL's triggers call ST_IsEmpty
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE cameras ADD COLUMN "Direction" TEXT`, `UPDATE cameras SET "Direction" = 'north-east' WHERE "ID" = 'Camera8001'`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	src, err := store.OpenWith(gpkg, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := openStore(t)
	var counts map[string]int
	if err := s.Update(ctx, func(tx *store.Tx) (err error) {
		counts, err = tx.CopyFrom(src)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if counts[store.Cameras] != len(rows) {
		t.Fatalf("copied %v, want %d cameras", counts, len(rows))
	}
	cs, err := s.Cameras(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		want := rows[i][3] + " / " + rows[i][4]
		if c.Code != rows[i][0] || c.Name != want || !c.Estimated {
			t.Fatalf("camera %d: code %q, name %q, estimated %v; want %q, %q, true", i, c.Code, c.Name, c.Estimated, rows[i][0], want)
		}
	}
	if cs[0].Heading != 45 {
		t.Errorf("camera %s heading %g, want 45 from \"north-east\"", cs[0].Code, cs[0].Heading)
	}
	r, err := report.Analyse(ctx, s, report.Options{Cell: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cameras.Skipped != 0 || r.Cameras.Counted != len(rows)-r.Scene.Left {
		t.Errorf("coverage cameras %+v, %d left out; want every camera of the community counted", r.Cameras, r.Scene.Left)
	}
}

// A refused copy leaves the store as it was, naming the layer, the
// feature and the column.
func TestCopyRefusesBadValues(t *testing.T) {
	ctx := context.Background()
	ogr2ogr := testenv.Tool(t, "ogr2ogr")
	doc := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[121.45,31.22]},"properties":{"code":"C1","status":"online"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[121.45,31.22]},"properties":{"code":"C2","status":"exploded"}}]}`
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.geojson")
	if err := os.WriteFile(in, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	gpkg := filepath.Join(dir, "bad.gpkg")
	if out, err := exec.Command(ogr2ogr, "-f", "GPKG", "-nln", store.Cameras, gpkg, in).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	src, err := store.OpenWith(gpkg, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := openStore(t)
	err = s.Update(ctx, func(tx *store.Tx) error { _, err := tx.CopyFrom(src); return err })
	if err == nil || !strings.Contains(err.Error(), `cameras feature 2: camera status "exploded": use online`) {
		t.Errorf("err = %v, want the layer, feature and status named", err)
	}
	if n, _ := s.Count(ctx, store.Cameras); n != 0 {
		t.Errorf("%d cameras stored by a refused copy", n)
	}
}
