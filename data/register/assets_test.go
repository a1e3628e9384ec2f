package register

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/crs"
)

func readShared(t *testing.T, file string, opt Options) *Preview {
	t.Helper()
	p, err := ReadFile(testenv.SharedData(t, "registers/"+file), opt)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return p
}

func problemRows(p *Preview) []int {
	var rows []int
	for _, pr := range p.Problems {
		if !slices.Contains(rows, pr.Row) {
			rows = append(rows, pr.Row)
		}
	}
	slices.Sort(rows)
	return rows
}

func tempStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "c.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The Toronto traffic cameras have no header row and give the latitude
// first.
func TestTorontoCamerasHeaderless(t *testing.T) {
	p := readShared(t, "cctv-toronto.csv", Options{Layer: store.Cameras})
	if !p.OK() || p.Total != 279 || len(p.Rows) != 279 {
		t.Fatalf("%s; problems %v", p.Summary(), p.Problems)
	}
	if p.Mapping[Lat] != "column 2" || p.Mapping[Lon] != "column 3" || p.Mapping["code"] != "column 1" {
		t.Errorf("mapping %s, want code=column 1, lat=column 2, lon=column 3", p.Mapping)
	}
	codes := map[string]bool{}
	for _, r := range p.Rows {
		pt := r.Record.Geom.(orb.Point)
		if pt[0] < -80 || pt[0] > -79 || pt[1] < 43.5 || pt[1] > 44 {
			t.Errorf("row %d at %v: not in Toronto", r.Row, pt)
		}
		code, _ := r.Record.Props["code"].(string)
		if !strings.HasPrefix(code, "Camera") || codes[code] {
			t.Errorf("row %d: code %q", r.Row, code)
		}
		codes[code] = true
		if r.Record.Props["estimated"] != true {
			t.Errorf("row %d: a camera without heading is not marked estimated", r.Row)
		}
	}
	// Road names and image links are kept as attributes.
	if a, _ := p.Rows[0].Record.Props["attributes"].(string); !strings.Contains(a, "YORK ST") || !strings.Contains(a, "loc8001n.jpg") {
		t.Errorf("attributes of row 1: %s", a)
	}
	s := tempStore(t)
	n, err := Commit(context.Background(), s, p)
	if err != nil || n != 279 {
		t.Fatalf("commit: %d, %v", n, err)
	}
	recs, err := s.Records(context.Background(), store.Cameras, store.World)
	if err != nil || len(recs) != 279 {
		t.Fatalf("stored %d, %v", len(recs), err)
	}
}

// The red-light cameras by their latitude and longitude: every row but
// the nine intersections listed a second time.
func TestTorontoRedLightByLatLon(t *testing.T) {
	p := readShared(t, "redlight-toronto.csv", Options{Layer: store.Cameras})
	if p.Total != 154 || p.Mapping[Lat] != "Latitude" || p.Mapping[Lon] != "Longitude" || p.Mapping["code"] != "PX" {
		t.Fatalf("%s", p.Summary())
	}
	var dups []string
	for _, pr := range p.Problems {
		if pr.Column != "PX" || !strings.Contains(pr.Text, "already on row") {
			t.Errorf("unexpected problem %v", pr)
			continue
		}
		code, _, _ := strings.Cut(strings.TrimPrefix(pr.Text, `code "`), `"`)
		dups = append(dups, code)
	}
	slices.Sort(dups)
	want := []string{"1001", "1287", "1568", "205", "223", "384", "428", "690", "912"}
	if !slices.Equal(dups, want) {
		t.Errorf("duplicate PX %v, want %v", dups, want)
	}
	if len(p.Rows) != 154-9 {
		t.Errorf("%d usable rows, want 145", len(p.Rows))
	}
	// The projected X and Y are kept beside the position.
	if a, _ := p.Rows[0].Record.Props["attributes"].(string); !strings.Contains(a, `"X":"314505.553"`) {
		t.Errorf("attributes of the first row: %s", a)
	}
}

// gdalTransform returns the transform from srs to WGS-84 of the points
// xy, computed by gdaltransform (GDAL's own PROJ pipeline, datum shift
// included) and looked up by the exact input; any other point is an
// error.
func gdalTransform(t *testing.T, srs string, xy []orb.Point) Transform {
	t.Helper()
	bin := testenv.Tool(t, "gdaltransform")
	var in strings.Builder
	for _, p := range xy {
		fmt.Fprintf(&in, "%s %s\n", formatNum(p[0]), formatNum(p[1]))
	}
	cmd := exec.Command(bin, "-s_srs", srs, "-t_srs", "EPSG:4326", "-output_xy")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(xy) {
		t.Fatalf("gdaltransform gave %d lines for %d points", len(lines), len(xy))
	}
	to := map[orb.Point]orb.Point{}
	for i, l := range lines {
		var lon, lat float64
		if _, err := fmt.Sscan(l, &lon, &lat); err != nil {
			t.Fatalf("gdaltransform line %q: %v", l, err)
		}
		to[xy[i]] = orb.Point{lon, lat}
	}
	return func(x, y float64) (float64, float64, error) {
		p, ok := to[orb.Point{x, y}]
		if !ok {
			return 0, 0, fmt.Errorf("%v was not transformed", orb.Point{x, y})
		}
		return p[0], p[1], nil
	}
}

// The red-light cameras by their projected X/Y (NAD27 / MTM zone 10,
// EPSG:2019) agree with their latitude/longitude in the first 76 rows;
// the last 75 rows, whose Y is rounded to whole kilometres, disagree
// (north or south of their lat/lon, at most 500 m), and the
// three rows with X=Y=0 are listed. Read as facilities (no code column),
// so that the nine repeated intersections are compared too.
// Both through geo/crs, as safetynetctl import --crs EPSG:2019 reads them,
// and through gdaltransform.
func TestTorontoRedLightByXY(t *testing.T) {
	var xy []orb.Point
	for _, l := range redlightLines(t)[1:] {
		f := strings.Split(l, ",")
		x, _ := store.TextNumber(f[4])
		y, _ := store.TextNumber(f[5])
		xy = append(xy, orb.Point{x, y})
	}
	t.Run("geo/crs", func(t *testing.T) { redLightByXY(t, crs.MTM10.ToWGS84) })
	t.Run("gdaltransform", func(t *testing.T) { redLightByXY(t, gdalTransform(t, "EPSG:2019", xy)) })
}

func redLightByXY(t *testing.T, tr Transform) {
	byLL := readShared(t, "redlight-toronto.csv", Options{Layer: store.Facilities})
	byXY := readShared(t, "redlight-toronto.csv", Options{Layer: store.Facilities, Transform: tr,
		Columns: Mapping{Lon: "X", Lat: "Y"}})
	if len(byLL.Rows) != 154 {
		t.Fatalf("by lat/lon: %s %v", byLL.Summary(), byLL.Problems)
	}
	if got := problemRows(byXY); len(got) != 3 {
		t.Errorf("by X/Y: problem rows %v, want the three X=Y=0 rows: %v", got, byXY.Problems)
	}
	at := map[int]orb.Point{}
	for _, r := range byXY.Rows {
		at[r.Row] = r.Record.Geom.(orb.Point)
	}
	var agree, disagree []int
	worst, northSouth := 0.0, 0
	for _, r := range byLL.Rows {
		q, ok := at[r.Row]
		if !ok {
			continue
		}
		if d := distance(q, r.Record.Geom.(orb.Point)); d <= 5 {
			agree = append(agree, r.Row)
			worst = max(worst, d)
		} else {
			disagree = append(disagree, r.Row)
			// A Y rounded to whole kilometres moves the point north or
			// south by at most 500 m, not east or west.
			ll := r.Record.Geom.(orb.Point)
			if ew := distance(q, orb.Point{ll[0], q[1]}); ew <= 5 && d <= 505 {
				northSouth++
			} else {
				t.Logf("row %d: X/Y at %v, lat/lon at %v: %.0f m apart, %.0f m east-west", r.Row, q, ll, d, ew)
			}
		}
	}
	if len(agree) != 76 || agree[0] != 2 || agree[75] != 77 || len(disagree) != 75 || northSouth < 70 {
		t.Errorf("%d rows agree (%v), %d disagree (%v), %d of them north or south only", len(agree), agree, len(disagree), disagree, northSouth)
	}
	t.Logf("%d rows agree within %.1f m; %d disagree; %d refused", len(agree), worst, len(disagree), len(byXY.Problems))
}

// The Freeport hydrants from CSV (Y latitude first, X longitude) and from
// KML give the same 176 positions.
func TestFreeportCSVAndKML(t *testing.T) {
	opt := Options{Layer: store.FireEquipment, Set: map[string]string{"kind": store.HydrantOutdoor}}
	c := readShared(t, "hydrants-gbpa.csv", opt)
	k := readShared(t, "hydrants-gbpa.kml", opt)
	if !c.OK() || !k.OK() || len(c.Rows) != 176 || len(k.Rows) != 176 {
		t.Fatalf("csv %s %v\nkml %s %v", c.Summary(), c.Problems, k.Summary(), k.Problems)
	}
	if c.Mapping[Lat] != "Y" || c.Mapping[Lon] != "X" {
		t.Errorf("csv mapping %s", c.Mapping)
	}
	for i := range c.Rows {
		a, b := c.Rows[i].Record.Geom.(orb.Point), k.Rows[i].Record.Geom.(orb.Point)
		if a != b {
			t.Errorf("hydrant %d: csv %v, kml %v", i+1, a, b)
		}
		if c.Rows[i].Record.Props["kind"] != store.HydrantOutdoor || c.Rows[i].Record.Props["name"] != k.Rows[i].Record.Props["name"] {
			t.Errorf("hydrant %d: csv %v, kml %v", i+1, c.Rows[i].Record.Props, k.Rows[i].Record.Props)
		}
	}
}

// The Kirchzarten hydrants: 309 Placemarks with SchemaData fields, some
// named with umlauts and ß.
func TestKirchzartenKML(t *testing.T) {
	p := readShared(t, "hydrants-kirchzarten.kml", Options{Layer: store.FireEquipment, Set: map[string]string{"kind": store.HydrantOutdoor}})
	if !p.OK() || len(p.Rows) != 309 {
		t.Fatalf("%s %v", p.Summary(), p.Problems)
	}
	for _, h := range []string{"STRAßENNAM", "BETRIEBSFÜ", "BAUART"} {
		if !slices.Contains(p.Headers, h) {
			t.Errorf("no column %q in %v", h, p.Headers)
		}
	}
	for _, r := range p.Rows {
		pt := r.Record.Geom.(orb.Point)
		if pt[0] < 7.8 || pt[0] > 8.1 || pt[1] < 47.9 || pt[1] > 48.05 {
			t.Errorf("Placemark %d at %v: not in Kirchzarten", r.Row, pt)
		}
	}
	s := tempStore(t)
	if n, err := Commit(context.Background(), s, p); err != nil || n != 309 {
		t.Fatalf("commit: %d, %v", n, err)
	}
}

// The Takamatsu AEDs: a sheet with a full-width Japanese name, latitude
// and longitude cells text in some rows and numbers in others, and five
// wrong coordinates, each listed by its row.
func TestTakamatsuAED(t *testing.T) {
	const sheet = "ＡＥＤ設置状況"
	for _, opt := range []Options{{Layer: store.FireEquipment}, {Layer: store.FireEquipment, Sheet: sheet}} {
		p := readShared(t, "aed-takamatsu.xlsx", opt)
		if p.Total != 487 {
			t.Errorf("%d rows, want 487 (the styled empty row left out)", p.Total)
		}
		// lon 133.02467 (a degree off), lat 34.64686 (out of the city),
		// and lon 1334.00556, 13408137.0, 13409898.0 (point lost).
		want := 5
		if got := problemRows(p); len(got) != want {
			t.Errorf("problem rows %v, want %d: %v", got, want, p.Problems)
		}
		for _, pr := range p.Problems {
			if pr.Sheet != sheet || pr.Row < 2 {
				t.Errorf("problem %v: no sheet or row", pr)
			}
		}
		if len(p.Rows) != 487-want {
			t.Errorf("%d usable rows", len(p.Rows))
		}
		for _, r := range p.Rows {
			pt := r.Record.Geom.(orb.Point)
			if pt[0] < 133.8 || pt[0] > 134.3 || pt[1] < 34.1 || pt[1] > 34.5 {
				t.Errorf("row %d at %v kept", r.Row, pt)
			}
		}
	}
	if _, err := ReadFile(testenv.SharedData(t, "registers/aed-takamatsu.xlsx"), Options{Layer: store.FireEquipment, Sheet: "Sheet1"}); err == nil || !strings.Contains(err.Error(), sheet) {
		t.Errorf("a missing sheet: %v, want the error to name the sheets", err)
	}
}

// The Takamatsu shelters: every cell a formula-result string.
func TestTakamatsuShelters(t *testing.T) {
	p := readShared(t, "shelters-takamatsu.xlsx", Options{Layer: store.Facilities, Set: map[string]string{"kind": "assembly_point"}})
	if !p.OK() || len(p.Rows) != 195 {
		t.Fatalf("%s %v", p.Summary(), p.Problems)
	}
	name, _ := p.Rows[0].Record.Props["name"].(string)
	if name == "" || !strings.ContainsFunc(name, func(r rune) bool { return r >= 0x3040 }) {
		t.Errorf("first shelter's name %q", name)
	}
}

// redlightLines returns the red-light register's lines.
func redlightLines(t *testing.T) []string {
	b, err := os.ReadFile(testenv.SharedData(t, "registers/redlight-toronto.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// A broken register lists every bad row: text in the longitude, a
// coordinate out of range, a duplicate code, a value the store refuses.
func TestBrokenRegister(t *testing.T) {
	lines := redlightLines(t)[:20]
	lines[0] += ",status,heading"
	for i := 1; i < len(lines); i++ {
		lines[i] += ",online,90"
	}
	cells := func(i int) []string { return strings.Split(lines[i], ",") }
	set := func(i, c int, v string) { f := cells(i); f[c] = v; lines[i] = strings.Join(f, ",") }
	set(3, 7, "west")       // row 4: text in the longitude
	set(5, 6, "143.7")      // row 6: latitude out of range
	set(8, 0, cells(2)[0])  // row 9: the code of row 3
	set(10, 8, "broken")    // row 11: a status the store refuses
	set(12, 9, "400")       // row 13: heading out of range
	set(14, 9, "north-ish") // row 15: text in a number column
	p, err := Read(strings.NewReader(strings.Join(lines, "\n")), "broken.csv", Options{Layer: store.Cameras})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := problemRows(p), []int{4, 6, 9, 11, 13, 15}; !slices.Equal(got, want) {
		t.Errorf("problem rows %v, want %v: %v", got, want, p.Problems)
	}
	cols := map[int]string{}
	for _, pr := range p.Problems {
		cols[pr.Row] = pr.Column
	}
	if cols[4] != "Longitude" || cols[6] != "Latitude" || cols[9] != "PX" || cols[11] != "status" || cols[13] != "heading" || cols[15] != "heading" {
		t.Errorf("problem columns %v", cols)
	}
	if len(p.Rows) != 19-6 {
		t.Errorf("%d usable rows, want 13", len(p.Rows))
	}

	// A missing required column is one problem for the file, naming it.
	var noLat []string
	for _, l := range redlightLines(t) {
		f := strings.Split(l, ",")
		noLat = append(noLat, strings.Join(append(f[:5:5], f[7:]...), ","))
	}
	p, err = Read(strings.NewReader(strings.Join(noLat, "\n")), "nolat.csv", Options{Layer: store.Cameras})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 1 || p.Problems[0].Row != 0 || !strings.Contains(p.Problems[0].Text, "latitude") || len(p.Rows) != 0 {
		t.Errorf("without latitude: %v, %d rows", p.Problems, len(p.Rows))
	}
	// Projected coordinates taken for degrees: every row out of range,
	// and one problem for the file saying what to do.
	p, err = Read(strings.NewReader(strings.Join(redlightLines(t), "\n")), "xy.csv", Options{Layer: store.Cameras, Columns: Mapping{Lon: "X", Lat: "Y"}})
	if err != nil || len(p.Rows) != 0 || p.Problems[0].Row != 0 || !strings.Contains(p.Problems[0].Text, "coordinate system") {
		t.Errorf("X/Y as degrees: %v, %v", p.Problems[:min(3, len(p.Problems))], err)
	}
	// A header named in --columns that the file lacks.
	p, err = Read(strings.NewReader(strings.Join(lines, "\n")), "x.csv", Options{Layer: store.Cameras, Columns: Mapping{"name": "名称"}})
	if err != nil || len(p.Problems) != 1 || !strings.Contains(p.Problems[0].Text, `"名称"`) {
		t.Errorf("a missing --columns header: %v, %v", p.Problems, err)
	}
}

// Registers saved by Chinese Excel or WPS in GBK or Big5 are decoded;
// bytes that read as no known encoding are refused, naming the encodings
// tried.
func TestLegacyChineseEncodings(t *testing.T) {
	simplified := "编号;名称;经度;纬度;灭火器类型;有效期\n" +
		"MHQ-001;一号楼大堂;121.4737;31.2304;干粉灭火器;2026/3/1\n" +
		"MHQ-002;地下车库入口;121.4741;31.2311;二氧化碳;2026年5月20日\n"
	traditional := "編號,名稱,經度,緯度,類型\n" +
		"TP-01,市政府消防栓,121.5645,25.0375,消防栓\n" +
		"TP-02,臺北車站東門,121.5170,25.0478,消防栓\n"
	for _, c := range []struct {
		name, text, enc, want string
		encode                func(string) (string, error)
	}{
		{"gbk.csv", simplified, "GB18030", "地下车库入口", simplifiedchinese.GBK.NewEncoder().String},
		{"gb18030.csv", simplified, "GB18030", "地下车库入口", simplifiedchinese.GB18030.NewEncoder().String},
		{"big5.csv", traditional, "Big5", "臺北車站東門", traditionalchinese.Big5.NewEncoder().String},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.encode(c.text)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Read(strings.NewReader(b), c.name, Options{Layer: store.FireEquipment})
			if err != nil {
				t.Fatal(err)
			}
			if p.Encoding != c.enc || !p.OK() || len(p.Rows) != 2 {
				t.Fatalf("%s: %v", p.Summary(), p.Problems)
			}
			if p.Rows[1].Record.Props["name"] != c.want {
				t.Errorf("name %q, want %q", p.Rows[1].Record.Props["name"], c.want)
			}
			if c.enc == "GB18030" && (p.Rows[0].Record.Props["kind"] != store.ExtinguisherHandheld || p.Rows[1].Record.Props["expiry"] != "2026-05-20") {
				t.Errorf("props %v", p.Rows[1].Record.Props)
			}
		})
	}
	// Shift_JIS, as Japanese Excel saves CSV.
	sj, err := japanese.ShiftJIS.NewEncoder().String("番号,名称,緯度,経度\n1,高松市役所,34.3401,134.0434\n2,サンポート高松,34.3508,134.0468\n")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := Read(strings.NewReader(sj), "sjis.csv", Options{Layer: store.Facilities}); err != nil || p.Encoding != "Shift_JIS" || len(p.Rows) != 2 || p.Rows[1].Record.Props["name"] != "サンポート高松" {
		t.Errorf("Shift_JIS: %v %v", p, err)
	}
	// UTF-16 with a byte-order mark, as Excel's "Unicode text".
	u16 := []byte{0xFF, 0xFE}
	for _, r := range "name\tlon\tlat\n名称一\t121.1\t31.1\n" {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	if p, err := Read(bytes.NewReader(u16), "u16.txt", Options{Layer: store.Facilities}); err != nil || p.Encoding != "UTF-16LE" || len(p.Rows) != 1 || p.Rows[0].Record.Props["name"] != "名称一" {
		t.Errorf("UTF-16: %v %v", p, err)
	}
	// Bytes no encoding reads as text.
	junk := []byte("name,lon,lat\n\x80\xff\xfe\x81\x00\x01,1,2\n")
	if _, err := Read(bytes.NewReader(junk), "junk.csv", Options{Layer: store.Facilities}); err == nil || !strings.Contains(err.Error(), "GBK") || !strings.Contains(err.Error(), "Big5") {
		t.Errorf("junk: %v, want a refusal naming GBK and Big5", err)
	}
}

func TestGuess(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers []string
		layer   string
		want    Mapping
	}{
		{"chinese camera list", []string{"序号", "编号", "名称", "经度", "纬度", "朝向", "安装高度（米）", "型号", "品牌"}, store.Cameras,
			Mapping{"code": "编号", "name": "名称", Lon: "经度", Lat: "纬度", "heading": "朝向", "mount_height": "安装高度（米）", "model": "型号"}},
		{"extinguishers", []string{"编号", "位置", "灭火器类型", "生产日期", "有效期", "地址", "lng", "lat"}, store.FireEquipment,
			Mapping{"code": "编号", "name": "位置", "kind": "灭火器类型", "manufactured": "生产日期", "expiry": "有效期", Lon: "lng", Lat: "lat"}},
		{"english, x/y beside lon/lat", []string{"ID", "Name", "X", "Y", "Longitude", "Latitude", "Status"}, store.Cameras,
			Mapping{"code": "ID", "name": "Name", Lon: "Longitude", Lat: "Latitude", "status": "Status"}},
		{"own column names", []string{"code", "mount_height", "lon", "lat", "hfov"}, store.Cameras,
			Mapping{"code": "code", "mount_height": "mount_height", Lon: "lon", Lat: "lat", "hfov": "hfov"}},
		{"japanese", []string{"番号", "名称", "緯度", "経度", "住所"}, store.Facilities,
			Mapping{"name": "名称", Lat: "緯度", Lon: "経度"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Guess(c.headers, c.layer); got.String() != c.want.String() {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// Every layer written as CSV, XLSX and KML reads back as the records it
// was written from.
func TestWriteRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := tempStore(t)
	p := readShared(t, "cctv-toronto.csv", Options{Layer: store.Cameras})
	if _, err := Commit(ctx, s, p); err != nil {
		t.Fatal(err)
	}
	hz, err := Read(strings.NewReader("code,name,wkt,severity,status,reported\n"+
		"H1,工地,\"POLYGON((121 31,121.001 31,121.001 31.001,121 31))\",high,open,2026-01-02\n"+
		"H2,充电桩,POINT(121.002 31.002),medium,mitigated,\n"), "hz.csv", Options{Layer: store.Hazards})
	if err != nil || !hz.OK() {
		t.Fatalf("hazards: %v %v", err, hz.Problems)
	}
	if _, err := Commit(ctx, s, hz); err != nil {
		t.Fatal(err)
	}
	for _, layer := range []string{store.Cameras, store.Hazards} {
		recs, err := s.Records(ctx, layer, store.World)
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %d, %v", layer, len(recs), err)
		}
		for _, w := range []struct {
			name  string
			write func(*bytes.Buffer) error
		}{
			{"x.csv", func(b *bytes.Buffer) error { return WriteCSV(b, layer, recs) }},
			{"x.xlsx", func(b *bytes.Buffer) error { return WriteXLSX(b, layer, recs) }},
			{"x.kml", func(b *bytes.Buffer) error { return WriteKML(b, layer, recs) }},
		} {
			t.Run(layer+"/"+w.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := w.write(&b); err != nil {
					t.Fatal(err)
				}
				back, err := Read(&b, w.name, Options{Layer: layer})
				if err != nil {
					t.Fatal(err)
				}
				if !back.OK() || len(back.Rows) != len(recs) {
					t.Fatalf("%s %v", back.Summary(), back.Problems)
				}
				for i, r := range back.Rows {
					if got, want := describeRecord(r.Record), describeRecord(recs[i]); got != want {
						t.Fatalf("feature %d:\ngot  %s\nwant %s", i+1, got, want)
					}
				}
			})
		}
	}
}

// describeRecord writes a record's geometry and non-empty properties.
func describeRecord(r store.Record) string {
	keys := make([]string, 0, len(r.Props))
	for k, v := range r.Props {
		if v != nil && v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%v", r.Geom)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, r.Props[k])
	}
	return b.String()
}

// A KMZ is a zip with doc.kml; a MultiGeometry of one point is a point,
// of polygons a multipolygon; Data elements are columns.
func TestKMZAndGeometries(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>A</name><description>gas</description><ExtendedData><Data name="severity"><value>high</value></Data></ExtendedData>
 <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>1,1 2,1 2,2 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon>
 <Polygon><outerBoundaryIs><LinearRing><coordinates>3,3 4,3 4,4</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>
<Placemark><name>B</name><MultiGeometry><Point><coordinates>5, 6, 0</coordinates></Point></MultiGeometry></Placemark>
<Placemark><name>C</name><LineString><coordinates>1,1 2,2</coordinates></LineString></Placemark>
<Placemark><name>D</name><Point><coordinates>1000,1</coordinates></Point></Placemark>
<Placemark><name>E</name><Point><coordinates>x,y</coordinates></Point></Placemark>
</Folder></Document></kml>`
	var zb bytes.Buffer
	if err := writeZip(&zb, "doc.kml", doc); err != nil {
		t.Fatal(err)
	}
	p, err := Read(&zb, "h.kmz", Options{Layer: store.Hazards, Spread: -1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != KMZ || len(p.Rows) != 3 {
		t.Fatalf("%s %v", p.Summary(), p.Problems)
	}
	if _, ok := p.Rows[0].Record.Geom.(orb.MultiPolygon); !ok || p.Rows[0].Record.Props["severity"] != "high" || p.Rows[0].Record.Props["note"] != "gas" {
		t.Errorf("A: %#v", p.Rows[0].Record)
	}
	if g, ok := p.Rows[1].Record.Geom.(orb.Point); !ok || g != (orb.Point{5, 6}) {
		t.Errorf("B: %v", p.Rows[1].Record.Geom)
	}
	if got := problemRows(p); !slices.Equal(got, []int{4, 5}) {
		t.Errorf("problem rows %v: %v", got, p.Problems)
	}
	// Points only in a point layer.
	p, err = Read(strings.NewReader(doc), "h.kml", Options{Layer: store.Cameras, Spread: -1})
	if err != nil || len(p.Rows) != 1 || !slices.Equal(problemRows(p), []int{1, 3, 4, 5}) {
		t.Errorf("cameras: %v %v", p.Problems, err)
	}
}

// XLSX with several sheets: every sheet with coordinates is read, the
// others are noted; text and number cells are read alike.
func TestXLSXSheets(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "本表为小区消防设施台账")
	f.NewSheet("消防栓")
	for i, row := range [][]any{{"编号", "名称", "经度", "纬度", "生产日期"}, {"XF-1", "东门", 121.47, "31.23", 45000}, {"XF-2", "西门", "121.46", 31.22, "2023-01-05"}} {
		f.SetSheetRow("消防栓", fmt.Sprintf("A%d", i+1), &row)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	p, err := Read(bytes.NewReader(raw), "f.xlsx", Options{Layer: store.FireEquipment})
	if err != nil || !p.OK() || len(p.Rows) != 2 {
		t.Fatalf("%v %v %v", p, err, p.Problems)
	}
	if p.Rows[0].Sheet != "消防栓" || p.Rows[0].Row != 2 || p.Rows[1].Record.Geom != (orb.Point{121.46, 31.22}) {
		t.Errorf("rows %+v", p.Rows)
	}
	if len(p.Notes) == 0 || !strings.Contains(strings.Join(p.Notes, " "), "Sheet1") {
		t.Errorf("notes %v", p.Notes)
	}
	if _, err := Read(bytes.NewReader(raw), "f.xlsx", Options{Layer: store.FireEquipment, Sheet: "nope"}); err == nil || !strings.Contains(err.Error(), "消防栓") {
		t.Errorf("a missing sheet: %v", err)
	}
	p, err = Read(bytes.NewReader(raw), "f.xlsx", Options{Layer: store.FireEquipment, Sheet: "Sheet1"})
	if err != nil || len(p.Problems) != 1 || p.Problems[0].Row != 0 {
		t.Errorf("the notes sheet chosen: %v %v", p.Problems, err)
	}
}

func writeZip(w io.Writer, name, text string) error {
	zw := zip.NewWriter(w)
	f, err := zw.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, text); err != nil {
		return err
	}
	return zw.Close()
}

// A European CSV: semicolons, decimal commas; codes the store already has
// are refused row by row.
func TestSemicolonsAndTakenCodes(t *testing.T) {
	text := "Nr;Bezeichnung;lon;lat;Hinweis\nH-1;Hydrant Ost;7,9248;47,9755;x\nH-2;Hydrant West;7,9151;47,9760;\n"
	taken := func(c string) bool { return c == "H-2" }
	p, err := Read(strings.NewReader(text), "h.csv", Options{Layer: store.FireEquipment, Taken: taken})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 1 || p.Rows[0].Record.Geom != (orb.Point{7.9248, 47.9755}) || p.Rows[0].Record.Props["code"] != "H-1" {
		t.Errorf("rows %+v", p.Rows)
	}
	if len(p.Problems) != 1 || p.Problems[0].Row != 3 || !strings.Contains(p.Problems[0].Text, "already in the store") {
		t.Errorf("problems %v", p.Problems)
	}
}
