package register

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"golang.org/x/text/width"

	"safetynet/data/store"
)

// Transform converts a position read from a register (x east or
// longitude, y north or latitude, in the register's own coordinate
// system) to WGS-84 longitude and latitude in degrees (EPSG:4326). A nil
// Transform means the register is in WGS-84 longitude and latitude
// already. It must be safe to call from one goroutine at a time.
type Transform func(x, y float64) (lon, lat float64, err error)

// Position targets of a Mapping besides the layer's own columns.
const (
	// Lon is the column holding the longitude or easting.
	Lon = "lon"
	// Lat is the column holding the latitude or northing.
	Lat = "lat"
	// WKT is a column holding the whole geometry as WKT (lines, polygons).
	WKT = "wkt"
)

// Mapping says which column of a register fills what: the key is a column
// of the store's layer (see store.Columns) or Lon, Lat or WKT; the value
// is the register's header as the file writes it (for a file without a
// header row "column 1", "column 2", ...). Columns of the register in no
// value are kept as extra attributes where the layer has an "attributes"
// column.
type Mapping map[string]string

// String writes m as the --columns flag takes it: "code=编号,lat=纬度",
// keys sorted.
func (m Mapping) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

// ParseMapping reads a mapping written as "code=编号,name=名称,lon=经度":
// comma-separated key=header pairs.
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("columns %q: %q is not column=header", s, part)
		}
		m[k] = v
	}
	return m, nil
}

// synonym ranks: a lower rank wins when several headers name one column.
type synonym struct {
	col  string
	rank int
}

// assetSynonyms are the headers registers use for each column, in
// Chinese (simplified and traditional), English and Japanese, normalised
// as by normHeader. The rank orders the headers of one column: "longitude"
// before "x", "name" before "address".
var assetSynonyms = map[string]synonym{}

func init() {
	add := func(col string, rank int, names ...string) {
		for _, n := range names {
			if _, dup := assetSynonyms[n]; !dup {
				assetSynonyms[n] = synonym{col, rank}
			}
		}
	}
	add(Lon, 0, "lon", "lng", "long", "longitude", "经度", "經度", "経度", "东经", "東經", "東経", "wgs84 lon", "wgs84 longitude", "gps lon", "gps longitude")
	add(Lon, 1, "x", "point x", "x coordinate", "easting", "east", "x坐标", "横坐标", "东坐标", "x座標")
	add(Lat, 0, "lat", "latitude", "纬度", "緯度", "北纬", "北緯", "wgs84 lat", "wgs84 latitude", "gps lat", "gps latitude")
	add(Lat, 1, "y", "point y", "y coordinate", "northing", "north", "y坐标", "纵坐标", "北坐标", "y座標")
	add(WKT, 0, "wkt", "geometry", "geom", "the geom", "shape", "几何")
	add("code", 0, "code", "编号", "編號", "编码", "編碼", "设备编号", "設備編號", "点位编号", "资产编号", "番号", "管理番号", "id", "asset id", "camera id", "hydrant id", "equipment id", "ref")
	add("code", 1, "no", "no.", "nr", "nummer", "number", "#", "序号", "px", "objectid", "object id", "fid", "#property")
	add("name", 0, "name", "bezeichnung", "名称", "名稱", "名前", "施設名", "设备名称", "点位名称", "location name", "site name", "title")
	add("name", 1, "位置", "location", "site", "label", "所在位置", "安装位置", "設置場所")
	add("name", 2, "地址", "address", "住所", "所在地", "street")
	add("name_zh", 0, "name zh", "中文名", "中文名称")
	add("name_en", 0, "name en", "英文名", "英文名称", "english name")
	add("heading", 0, "heading", "朝向", "方向", "方位", "方位角", "direction", "bearing", "azimuth", "orientation", "camera:direction")
	add("mount_height", 0, "mount height", "mounting height", "安装高度", "安裝高度", "设置高さ", "height", "高度")
	add("tilt", 0, "tilt", "俯仰角", "俯角", "倾角")
	add("hfov", 0, "hfov", "fov", "field of view", "视角", "水平视角", "视场角")
	add("resolution_h", 0, "resolution h", "resolution", "分辨率", "水平分辨率")
	add("max_range", 0, "max range", "range", "监控距离", "最大距离")
	add("ptz", 0, "ptz", "云台", "球机")
	add("stream_url", 0, "stream url", "rtsp", "视频流", "流地址")
	add("snapshot_url", 0, "snapshot url", "image url", "image", "抓图地址")
	add("watches", 0, "watches", "监控区域")
	add("model", 0, "model", "型号", "型號", "型式", "規格型号", "规格型号", "camera model")
	add("status", 0, "status", "状态", "狀態", "状態", "state", "运行状态")
	add("kind", 0, "kind", "type", "灭火器类型", "滅火器類型", "设备类型", "设施类型", "类型", "類型", "类别", "類別", "種別", "種類")
	add("fire_class", 0, "fire class", "适用火灾", "灭火级别", "class")
	add("hazard_level", 0, "hazard level", "危险等级", "危险级别")
	add("capacity", 0, "capacity", "容量", "规格", "充装量", "収容人数")
	add("capacity_unit", 0, "capacity unit", "unit", "单位")
	add("last_inspection", 0, "last inspection", "inspected", "inspection date", "检查日期", "最近检查", "巡检日期", "点检日")
	add("manufactured", 0, "manufactured", "manufacture date", "date of manufacture", "production date", "生产日期", "生產日期", "出厂日期", "出廠日期", "制造日期", "製造年月日", "製造年月", "製造日")
	add("expiry", 0, "expiry", "expiry date", "expires", "valid until", "有效期", "有效期至", "到期日期", "过期日期", "有効期限")
	add("category", 0, "category", "隐患类型", "隐患类别", "风险类型")
	add("severity", 0, "severity", "level", "等级", "级别", "严重程度")
	add("reported", 0, "reported", "report date", "上报日期", "发现日期")
	add("mitigated", 0, "mitigated", "整改日期")
	add("closed", 0, "closed", "销号日期", "关闭日期")
	add("responsible", 0, "responsible", "owner", "责任人", "負責人", "负责人", "管理者")
	add("note", 0, "note", "notes", "remarks", "comment", "comments", "备注", "備註", "说明", "備考", "description")
	add("route_code", 0, "route code", "route", "路线", "路线编号", "巡逻路线")
	add("seq", 0, "seq", "sequence", "order", "顺序", "次序")
	add("controlled", 0, "controlled", "门禁", "受控")
	add("hours", 0, "hours", "opening hours", "开放时间", "開放時間", "利用可能時間")
	add("attributes", 0, "attributes")
}

// Guess maps the headers of a register to the columns of layer (a
// store layer name such as store.Cameras) by their names in Chinese,
// English and Japanese (名称/name, 编号/code/id, 经度/lon/longitude/x,
// 纬度/lat/latitude/y, 朝向/heading/方向, 安装高度/mount height,
// 型号/model, 灭火器类型/type, 有效期/expiry, status, ...), ignoring case,
// spaces, underscores and text in parentheses. Each column is filled from
// one header, the best-ranked one ("longitude" before "x", "name" before
// "address"); each header fills one column. Columns the layer does not
// have are not mapped.
func Guess(headers []string, layer string) Mapping {
	has := map[string]bool{Lon: true, Lat: true, WKT: true}
	for _, c := range store.Columns(layer) {
		has[c.Name] = true
	}
	type cand struct {
		header string
		rank   int
		idx    int
	}
	best := map[string]cand{}
	for i, h := range headers {
		col, rank, ok := headerColumn(h)
		if own := strings.ReplaceAll(normHeader(h), " ", "_"); has[own] {
			col, rank, ok = own, -1, true
		}
		if !ok || !has[col] {
			continue
		}
		if b, ok := best[col]; !ok || rank < b.rank {
			best[col] = cand{h, rank, i}
		}
	}
	m := Mapping{}
	for col, c := range best {
		m[col] = c.header
	}
	return m
}

// headerColumn returns the column a header names and its rank.
func headerColumn(h string) (string, int, bool) {
	n := normHeader(width.Fold.String(h))
	if n == "" {
		return "", 0, false
	}
	if s, ok := assetSynonyms[n]; ok {
		return s.col, s.rank, true
	}
	if p := strings.TrimSpace(parens.ReplaceAllString(n, " ")); p != n && p != "" {
		if s, ok := assetSynonyms[p]; ok {
			return s.col, s.rank, true
		}
	}
	return "", 0, false
}

// Format is a register's file format.
type Format string

// Register file formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	KML  Format = "kml"
	KMZ  Format = "kmz"
)

// FormatOf tells a register's format from its first bytes, then its name:
// a ZIP holding doc.kml or named .kmz is KMZ, another ZIP XLSX, XML with
// a <kml element KML, anything else CSV. ok is false for none of them
// (a GeoJSON, GeoPackage or OSM file, an .xls workbook).
func FormatOf(head []byte, name string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if ext == ".kmz" || bytes.Contains(head, []byte(".kml")) {
			return KMZ, true
		}
		return XLSX, true
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")), bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", false
	case bytes.HasPrefix(t, []byte("<")):
		if bytes.Contains(head, []byte("<kml")) || ext == ".kml" {
			return KML, true
		}
		return "", false
	case bytes.HasPrefix(t, []byte("{")), bytes.HasPrefix(t, []byte("[")):
		return "", false
	}
	switch ext {
	case ".pbf", ".osm", ".geojson", ".json", ".gpkg", ".xls":
		return "", false
	}
	return CSV, true
}

// Options tune Read. Layer is required; the zero value of the rest reads
// every sheet, guesses the columns and takes coordinates as WGS-84.
type Options struct {
	// Layer is the store layer the register goes into (store.Cameras,
	// store.FireEquipment, store.Hazards, store.Checkpoints,
	// store.AccessPoints, store.Facilities, ...).
	Layer string
	// Columns override what Guess finds, column by column.
	Columns Mapping
	// Set gives columns a value where the register has none, such as
	// kind=hydrant_outdoor for a hydrant list; text as in a cell.
	Set map[string]string
	// Transform converts the register's coordinates; nil for WGS-84.
	Transform Transform
	// Sheet is the worksheet of an XLSX file to read; "" reads every sheet
	// whose header names the coordinates.
	Sheet string
	// Taken tells whether a code is already used by a feature of the
	// layer in the store, so that a register imported twice is refused
	// row by row; nil checks codes only within the file.
	Taken func(code string) bool
	// Spread, in metres, lists a row lying farther than this from the
	// median position of the register's rows as a problem (a digit lost,
	// a degree off). 0 means DefaultSpread; negative turns it off.
	Spread float64
}

// DefaultSpread is the distance from the register's median position
// beyond which a row is taken for a wrong coordinate: a community's
// register, even a city's, fits in a circle of 30 km.
const DefaultSpread = 30000

// Row is one row of a register that can be stored.
type Row struct {
	// Sheet is the worksheet ("" for CSV and KML), Row the row number as a
	// spreadsheet shows it (a KML file's rows are its Placemarks, 1 the
	// first).
	Sheet  string
	Row    int
	Record store.Record
}

// Preview is what Read found in a register: the rows that can be stored
// and a Problem for every row that cannot. Nothing is stored until Insert
// or Commit.
type Preview struct {
	// Name is the file's name, Format its format, Encoding the text
	// encoding a CSV file was read in ("UTF-8", "GB18030", "Big5", ...).
	Name     string
	Format   Format
	Encoding string
	Layer    string
	// Headers are the register's column headers (of the first sheet read);
	// Mapping what fills each store column; Unused the headers kept only
	// as extra attributes (Kept) or not at all.
	Headers []string
	Mapping Mapping
	Unused  []string
	Kept    bool
	// Sample holds the first rows' cells as read, under Headers, for a
	// preview table (at most 20).
	Sample [][]string
	// Rows are the usable rows; Problems each row that is not usable
	// (and file-level ones with Row 0); Notes say how the file was read.
	Rows     []Row
	Problems []Problem
	Notes    []string
	// Total is the number of data rows read (blank rows not counted).
	Total int
}

// OK reports whether every row of the register is usable.
func (p *Preview) OK() bool { return len(p.Problems) == 0 && p.Total > 0 }

// Records returns the usable rows' records.
func (p *Preview) Records() []store.Record {
	out := make([]store.Record, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = r.Record
	}
	return out
}

// BadRows returns the number of distinct rows with a problem.
func (p *Preview) BadRows() int {
	seen := map[[2]any]bool{}
	for _, pr := range p.Problems {
		if pr.Row > 0 {
			seen[[2]any{pr.Sheet, pr.Row}] = true
		}
	}
	return len(seen)
}

// Summary is one line saying what the preview holds.
func (p *Preview) Summary() string {
	return fmt.Sprintf("%s (%s%s): %d rows, %d usable, %d with problems, into %s; columns %s",
		p.Name, p.Format, map[bool]string{true: ", " + p.Encoding, false: ""}[p.Encoding != ""],
		p.Total, len(p.Rows), p.BadRows(), p.Layer, p.Mapping)
}

// ReadFile reads the register at path (see Read).
func ReadFile(path string, opt Options) (*Preview, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, filepath.Base(path), opt)
}

// Read reads a register of assets (CSV, XLSX, KML or KMZ, told by its
// content and then its name) for the layer opt.Layer, and returns every
// row as a record of that layer or as a Problem saying why it cannot be
// used: text where a number goes, coordinates out of range or far from
// the rest, a duplicate code, a value the store's rules refuse. A column
// that must be there (the coordinates) and is not, or a header that
// opt.Columns names and the file lacks, is a Problem with Row 0. The
// error is for a file that cannot be read at all (not a register, an
// encoding it cannot decode, a damaged workbook). Nothing is stored.
func Read(r io.Reader, name string, opt Options) (*Preview, error) {
	if store.Columns(opt.Layer) == nil {
		return nil, fmt.Errorf("%s: no layer %q; the layers are %s", name, opt.Layer, strings.Join(store.LayerNames(), ", "))
	}
	b, err := readAll(r, name)
	if err != nil {
		return nil, err
	}
	format, ok := FormatOf(b[:min(len(b), 512)], name)
	if !ok {
		return nil, fmt.Errorf("%s is not a CSV, XLSX, KML or KMZ register", name)
	}
	p := &Preview{Name: name, Format: format, Layer: opt.Layer}
	var tables []*table
	switch format {
	case CSV:
		t, enc, err := decodeCSV(b, name)
		if err != nil {
			return nil, err
		}
		p.Encoding = enc
		if enc != "UTF-8" {
			p.Notes = append(p.Notes, "read as "+enc+" text")
		}
		tables = []*table{t}
	case XLSX:
		tables, err = xlsxTables(b, name, opt.Sheet)
		if err != nil {
			return nil, err
		}
	case KML, KMZ:
		t, err := kmlTable(b, name, format == KMZ)
		if err != nil {
			return nil, err
		}
		tables = []*table{t}
	}
	codes := map[string]string{} // code -> where first
	read := 0
	for _, t := range tables {
		if err := p.readTable(t, opt, codes, read == 0); err != nil {
			if len(tables) == 1 || opt.Sheet != "" {
				p.Problems = append(p.Problems, Problem{Sheet: t.sheet, Text: err.Error()})
			} else {
				p.Notes = append(p.Notes, fmt.Sprintf("sheet %q left out: %v", t.sheet, err))
			}
			continue
		}
		read++
	}
	if read == 0 && len(tables) > 1 {
		p.Problems = append(p.Problems, Problem{Text: "no sheet has a header naming the coordinates (" + Lon + ", " + Lat + "); give them with --columns lon=HEADER,lat=HEADER"})
	}
	p.checkSpread(opt.Spread)
	sort.SliceStable(p.Problems, func(i, j int) bool {
		a, b := p.Problems[i], p.Problems[j]
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		return a.Row < b.Row
	})
	return p, nil
}

// table is a register as cells: a CSV file, one worksheet or a KML file's
// Placemarks (their geometry in geoms, one per row).
type table struct {
	sheet  string
	header []string
	rows   [][]string
	raw    [][]string // stored values of XLSX cells; nil otherwise
	nums   []int      // the row number of each row as a spreadsheet shows it
	geoms  []orb.Geometry
	// geomErrs say why a row of geoms has none ("" when it has one).
	geomErrs []string
	noHead   bool
}

func (t *table) rawCell(r, c int) string {
	if t.raw != nil {
		if r < len(t.raw) && c < len(t.raw[r]) {
			return t.raw[r][c]
		}
	}
	return cell(t.rows, r, c)
}

// readTable maps t's columns and turns its rows into records or problems.
func (p *Preview) readTable(t *table, opt Options, codes map[string]string, first bool) error {
	m := Guess(t.header, opt.Layer)
	if t.noHead {
		m = guessHeaderless(t, opt.Layer)
	}
	idx := map[string]int{}
	for i, h := range t.header {
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	cols := map[string]store.Column{}
	for _, c := range store.Columns(opt.Layer) {
		cols[c.Name] = c
	}
	var absent []string
	for _, k := range slices.Sorted(maps.Keys(opt.Columns)) {
		if _, ok := cols[k]; !ok && k != Lon && k != Lat && k != WKT {
			return fmt.Errorf("--columns %s=%s: layer %s has no column %q", k, opt.Columns[k], opt.Layer, k)
		}
		if _, ok := idx[opt.Columns[k]]; !ok {
			absent = append(absent, fmt.Sprintf("%q (for %s)", opt.Columns[k], k))
		}
	}
	if len(absent) > 0 {
		return fmt.Errorf("column %s not in the file; its columns are %s", strings.Join(absent, ", "), strings.Join(t.header, ", "))
	}
	for _, k := range slices.Sorted(maps.Keys(opt.Columns)) {
		h := opt.Columns[k]
		// A header given for one column is no longer the guess of another.
		for k2, h2 := range m {
			if h2 == h && k2 != k {
				delete(m, k2)
			}
		}
		m[k] = h
	}
	for k := range opt.Set {
		if _, ok := cols[k]; !ok {
			return fmt.Errorf("--set %s: layer %s has no column %q", k, opt.Layer, k)
		}
	}
	if t.geoms == nil {
		_, hasLon := m[Lon]
		_, hasLat := m[Lat]
		if _, ok := m[WKT]; !ok && !(hasLon && hasLat) {
			missing := []string{}
			if !hasLon {
				missing = append(missing, "longitude ("+Lon+": 经度, lon, longitude, x)")
			}
			if !hasLat {
				missing = append(missing, "latitude ("+Lat+": 纬度, lat, latitude, y)")
			}
			return fmt.Errorf("no column for the %s; name it with --columns", strings.Join(missing, " and "))
		}
	}
	used := map[string]bool{}
	for _, h := range m {
		used[h] = true
	}
	_, kept := cols["attributes"]
	if first {
		p.Headers, p.Mapping, p.Kept = t.header, m, kept
		for _, h := range t.header {
			if !used[h] && strings.TrimSpace(h) != "" {
				p.Unused = append(p.Unused, h)
			}
		}
		if t.noHead {
			p.Notes = append(p.Notes, fmt.Sprintf("no header row: columns read as %s", m))
		}
		if len(p.Unused) > 0 && !kept {
			p.Notes = append(p.Notes, fmt.Sprintf("layer %s has no column for %s; not stored", opt.Layer, strings.Join(p.Unused, ", ")))
		}
	}
	geomType := store.GeometryType(opt.Layer)
	total, outside := 0, 0
	defer func() {
		if outside > 0 && outside*10 >= total*9 && t.geoms == nil {
			p.Problems = append(p.Problems, Problem{Sheet: t.sheet, Text: fmt.Sprintf(
				"almost no row of columns %s, %s is a longitude and latitude: are they projected coordinates (metres)? give the coordinate system they are in",
				m[Lon], m[Lat])})
		}
	}()
	noted := map[string]bool{}
	for ri, cells := range t.rows {
		if blankRow(cells) && (t.geoms == nil || t.geoms[ri] == nil && t.geomErrs[ri] == "") {
			continue
		}
		p.Total++
		rowNum := t.nums[ri]
		if len(p.Sample) < 20 && first {
			p.Sample = append(p.Sample, cells)
		}
		var probs []Problem
		bad := func(col, format string, a ...any) {
			probs = append(probs, Problem{Sheet: t.sheet, Row: rowNum, Column: col, Text: fmt.Sprintf(format, a...)})
		}
		get := func(h string) (string, string) {
			i := idx[h]
			return strings.TrimSpace(cell(t.rows, ri, i)), strings.TrimSpace(t.rawCell(ri, i))
		}
		// Geometry.
		var g orb.Geometry
		switch {
		case t.geoms != nil:
			g = t.geoms[ri]
			if g == nil && t.geomErrs[ri] != "" {
				bad("", "%s", t.geomErrs[ri])
			} else if g == nil {
				bad("", "no geometry")
			}
		case m[WKT] != "" && (m[Lon] == "" || m[Lat] == ""):
			s, _ := get(m[WKT])
			gg, err := wkt.Unmarshal(s)
			if err != nil {
				bad(m[WKT], "not a WKT geometry: %v", err)
			} else {
				g = gg
			}
		default:
			xs, xr := get(m[Lon])
			ys, yr := get(m[Lat])
			x, okx := coordNumber(xs, xr)
			y, oky := coordNumber(ys, yr)
			if !okx {
				bad(m[Lon], "%s: not a number", describe(xs))
			}
			if !oky {
				bad(m[Lat], "%s: not a number", describe(ys))
			}
			if okx && oky {
				lon, lat := x, y
				if opt.Transform != nil {
					var err error
					if lon, lat, err = opt.Transform(x, y); err != nil {
						bad(m[Lon], "%s, %s: %v", xs, ys, err)
						break
					}
				}
				total++
				if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
					outside++
				}
				if lon < -180 || lon > 180 || math.IsNaN(lon) {
					bad(m[Lon], "longitude %s is out of range (-180 to 180)", formatNum(lon))
				}
				if lat < -90 || lat > 90 || math.IsNaN(lat) {
					bad(m[Lat], "latitude %s is out of range (-90 to 90)", formatNum(lat))
				}
				if x == 0 && y == 0 {
					bad(m[Lon], "position 0, 0: a position left out")
				}
				g = orb.Point{lon, lat}
			}
		}
		if g != nil && !fits(geomType, g) {
			bad("", "a %s; layer %s holds %s geometries", g.GeoJSONType(), opt.Layer, strings.ToLower(geomType))
			g = nil
		}
		if g != nil && t.geoms != nil {
			if err := checkLonLat(g); err != nil {
				bad("", "%v", err)
			}
		}
		// Attributes.
		props := map[string]any{}
		for col, h := range m {
			c, ok := cols[col]
			if !ok || col == "attributes" {
				continue
			}
			s, raw := get(h)
			if opt.Layer == store.FireEquipment && col == "capacity" {
				if amount, unit, ok := readCharge(s); ok {
					props[col] = amount
					if unit != "" && props["capacity_unit"] == nil {
						props["capacity_unit"] = unit
					}
					continue
				}
			}
			v, err := cellValue(c, s, raw)
			if err != nil {
				bad(h, "%v", err)
				continue
			}
			if v == nil {
				continue
			}
			if err := store.CheckValue(opt.Layer, col, v); err != nil {
				bad(h, "%v", err)
				continue
			}
			props[col] = v
		}
		for col, s := range opt.Set {
			if props[col] != nil {
				continue
			}
			v, err := cellValue(cols[col], s, s)
			if err == nil && v != nil {
				err = store.CheckValue(opt.Layer, col, v)
			}
			if err != nil {
				bad("", "--set %s=%s: %v", col, s, err)
				continue
			}
			props[col] = v
		}
		if opt.Layer == store.FireEquipment {
			if note, err := readEquipment(props); err != nil {
				bad(m["kind"], "%v", err)
			} else if note != "" && !noted[note] {
				noted[note] = true
				if len(noted) <= maxKindNotes {
					p.Notes = append(p.Notes, note)
				}
			}
		}
		if kept {
			attrs := map[string]any{}
			if h, ok := m["attributes"]; ok {
				s, _ := get(h)
				if s != "" && json.Unmarshal([]byte(s), &attrs) != nil {
					attrs[h] = s
				}
			}
			for i, h := range t.header {
				if used[h] || strings.TrimSpace(h) == "" {
					continue
				}
				if s := strings.TrimSpace(cell(t.rows, ri, i)); s != "" {
					attrs[h] = s
				}
			}
			if len(attrs) > 0 {
				b, err := json.Marshal(attrs)
				if err == nil {
					props["attributes"] = string(b)
				}
			}
		}
		if opt.Layer == store.Cameras && props["estimated"] == nil {
			fov := props["hfov"] != nil || props["sensor_width_mm"] != nil && props["focal_length_mm"] != nil
			if props["heading"] == nil || !fov {
				props["estimated"] = true
			}
		}
		if code, ok := props["code"].(string); ok && code != "" {
			where := fmt.Sprintf("row %d", rowNum)
			if t.sheet != "" {
				where = fmt.Sprintf("sheet %q row %d", t.sheet, rowNum)
			}
			if first, dup := codes[code]; dup {
				bad(m["code"], "code %q is already on %s", code, first)
			} else if opt.Taken != nil && opt.Taken(code) {
				bad(m["code"], "code %q is already in the store's %s", code, opt.Layer)
			} else if len(probs) == 0 {
				codes[code] = where
			}
		}
		if len(probs) > 0 {
			p.Problems = append(p.Problems, probs...)
			continue
		}
		p.Rows = append(p.Rows, Row{Sheet: t.sheet, Row: rowNum, Record: store.Record{Geom: g, Props: props}})
	}
	return nil
}

// checkSpread lists the rows lying farther than spread metres from the
// median position of the register's points, and takes them out of Rows.
func (p *Preview) checkSpread(spread float64) {
	if spread == 0 {
		spread = DefaultSpread
	}
	if spread < 0 || len(p.Rows) < 5 {
		return
	}
	var lons, lats []float64
	for _, r := range p.Rows {
		c := r.Record.Geom.Bound().Center()
		lons = append(lons, c[0])
		lats = append(lats, c[1])
	}
	mid := orb.Point{median(lons), median(lats)}
	kept := p.Rows[:0]
	for _, r := range p.Rows {
		c := r.Record.Geom.Bound().Center()
		if d := distance(mid, c); d > spread {
			p.Problems = append(p.Problems, Problem{Sheet: r.Sheet, Row: r.Row,
				Text: fmt.Sprintf("%s, %s lies %.0f km from the register's other points (median %.5f, %.5f); a wrong coordinate?",
					formatNum(c[0]), formatNum(c[1]), d/1000, mid[0], mid[1])})
			continue
		}
		kept = append(kept, r)
	}
	p.Rows = kept
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// distance is the great-circle distance between a and b in metres.
func distance(a, b orb.Point) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dlat := (b[1] - a[1]) * rad
	dlon := (b[0] - a[0]) * rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func describe(s string) string {
	if s == "" {
		return "empty"
	}
	return strconv.Quote(s)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// coordNumber reads a coordinate: the cell's stored value first (an XLSX
// number unformatted), full-width digits as digits, a decimal comma as a
// point.
func coordNumber(shown, raw string) (float64, bool) {
	for _, s := range []string{raw, shown} {
		s = width.Fold.String(strings.TrimSpace(s))
		if f, ok := store.TextNumber(s); ok {
			return f, true
		}
		if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
			if f, ok := store.TextNumber(strings.Replace(s, ",", ".", 1)); ok {
				return f, true
			}
		}
	}
	return 0, false
}

// fits reports whether g suits a layer of GeoPackage geometry type typ.
func fits(typ string, g orb.Geometry) bool {
	switch typ {
	case "POINT":
		_, ok := g.(orb.Point)
		return ok
	case "LINESTRING":
		_, ok := g.(orb.LineString)
		return ok
	case "POLYGON":
		_, ok := g.(orb.Polygon)
		return ok
	case "MULTIPOLYGON":
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return true
		}
		return false
	}
	return true
}

// checkLonLat refuses a geometry with a coordinate that is no longitude
// and latitude.
func checkLonLat(g orb.Geometry) error {
	var err error
	var walk func(g orb.Geometry)
	pt := func(p orb.Point) {
		if err == nil && (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 || math.IsNaN(p[0]) || math.IsNaN(p[1])) {
			err = fmt.Errorf("coordinate %s, %s is not a longitude, latitude", formatNum(p[0]), formatNum(p[1]))
		}
	}
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			pt(g)
		case orb.MultiPoint:
			for _, q := range g {
				pt(q)
			}
		case orb.LineString:
			for _, q := range g {
				pt(q)
			}
		case orb.Ring:
			for _, q := range g {
				pt(q)
			}
		case orb.Polygon:
			for _, r := range g {
				walk(r)
			}
		case orb.MultiLineString:
			for _, l := range g {
				walk(l)
			}
		case orb.MultiPolygon:
			for _, q := range g {
				walk(q)
			}
		case orb.Collection:
			for _, q := range g {
				walk(q)
			}
		}
	}
	walk(g)
	return err
}

// cellValue converts a cell's text (shown) or stored value (raw, an XLSX
// number) to a Record value of column c: nil for an empty cell.
func cellValue(c store.Column, shown, raw string) (any, error) {
	s := strings.TrimSpace(shown)
	if s == "" && strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	switch c.Type {
	case "REAL", "INTEGER":
		f, ok := coordNumber(s, raw)
		if !ok && c.Name == "heading" {
			f, ok = store.Compass(width.Fold.String(s))
		}
		if !ok {
			// "3 m", "2.5米": a number with its unit.
			t := strings.TrimRightFunc(width.Fold.String(s), func(r rune) bool { return !('0' <= r && r <= '9') })
			if t != s && t != "" {
				f, ok = store.TextNumber(t)
			}
		}
		if !ok {
			return nil, fmt.Errorf("%s: not a number", describe(s))
		}
		if c.Type == "INTEGER" {
			if f != math.Trunc(f) {
				return nil, fmt.Errorf("%s: not a whole number", describe(s))
			}
			return int64(f), nil
		}
		return f, nil
	case "BOOLEAN":
		switch strings.ToLower(width.Fold.String(s)) {
		case "1", "true", "yes", "y", "是", "有", "on", "t", "○":
			return true, nil
		case "0", "false", "no", "n", "否", "无", "無", "off", "f", "×":
			return false, nil
		}
		return nil, fmt.Errorf("%s: not yes or no", describe(s))
	case "DATE":
		d, err := cellDate(s, raw)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return s, nil
}

// cellDate reads a date: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日,
// 20240301, a time stamp, or an Excel date serial.
func cellDate(s, raw string) (string, error) {
	t := width.Fold.String(strings.TrimSpace(s))
	if f, ok := store.TextNumber(raw); ok && f > 1000 && f < 2958466 && !strings.ContainsAny(t, "-/.年") {
		day := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.Floor(f)) * 24 * time.Hour)
		return day.Format(time.DateOnly), nil
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
	u := r.Replace(t)
	if i := strings.IndexAny(u, " T"); i > 0 {
		u = u[:i]
	}
	for _, layout := range []string{"2006-1-2", "20060102", "2006-1"} {
		if d, err := time.Parse(layout, u); err == nil {
			return d.Format(time.DateOnly), nil
		}
	}
	return "", fmt.Errorf("%s: not a date (write it 2024-03-01)", describe(s))
}

// Insert stores the usable rows of p in tx and returns how many it
// stored. Use it inside store.Update so that the import is one
// transaction: an error leaves the store as it was.
func Insert(tx *store.Tx, p *Preview) (int, error) {
	for i, r := range p.Rows {
		if _, err := tx.InsertRecord(p.Layer, r.Record); err != nil {
			where := fmt.Sprintf("row %d", r.Row)
			if r.Sheet != "" {
				where = fmt.Sprintf("sheet %q, %s", r.Sheet, where)
			}
			return i, fmt.Errorf("%s: %s: %w", p.Name, where, err)
		}
	}
	return len(p.Rows), nil
}

// Commit stores the usable rows of p in s in one transaction and returns
// how many it stored; on an error nothing is stored.
func Commit(ctx context.Context, s *store.Store, p *Preview) (n int, err error) {
	err = s.Update(ctx, func(tx *store.Tx) error {
		n, err = Insert(tx, p)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
