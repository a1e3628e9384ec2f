package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// Files are the names of the files WriteFiles writes, in the order it
// writes them.
var Files = []string{
	"camera_coverage.geojson", "gaps.geojson", "patrol_corridors.geojson", "fire_reach.geojson",
	"key_areas.csv", "violations.csv", "problems.csv",
}

// WriteFiles writes the report's layers and tables into dir, creating it
// when missing: the GeoJSON layers camera_coverage (each camera's view
// and its image-detail zones), gaps (where nothing reaches),
// patrol_corridors and fire_reach, and the CSV tables key_areas,
// violations and problems (plain UTF-8 with a header row). Each file is
// written to a temporary name and renamed, so a failed run leaves no
// half-written file.
func (r *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	writers := map[string]func(io.Writer) error{
		"camera_coverage.geojson":  r.WriteCameraCoverage,
		"gaps.geojson":             r.WriteGaps,
		"patrol_corridors.geojson": r.WritePatrolCorridors,
		"fire_reach.geojson":       r.WriteFireReach,
		"key_areas.csv":            r.WriteKeyAreas,
		"violations.csv":           r.WriteViolations,
		"problems.csv":             r.WriteProblems,
	}
	for _, name := range Files {
		if err := writeFile(filepath.Join(dir, name), writers[name]); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(w); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteCameraCoverage writes every counted camera's visibility polygon
// (part "view") and its nested image-detail zones (part "zone", lowest
// level first) as GeoJSON features with the properties camera (its code
// or id), name, part, level, ppm, near_m, far_m and estimated.
func (r *Report) WriteCameraCoverage(w io.Writer) error {
	fc := &featureWriter{w: w}
	views := r.Scene.Views(r.Model)
	byCam := map[string]*geojson.Feature{}
	for _, f := range views.Features {
		byCam[f.Properties.MustString("camera", "")] = f
	}
	for _, id := range r.Model.CameraIDs() {
		v, ok := byCam[id]
		if !ok {
			continue
		}
		est := v.Properties["estimated"]
		props := map[string]any{"camera": id, "name": r.name(store.Cameras, id), "part": "view", "level": nil, "ppm": nil,
			"near_m": 0.0, "far_m": nil, "estimated": est}
		if err := fc.feature(v.Geometry, props); err != nil {
			return err
		}
		zones, _ := r.Scene.Zones(r.Model, id)
		if zones == nil {
			continue
		}
		for _, z := range zones.Features {
			props := map[string]any{"camera": id, "name": r.name(store.Cameras, id), "part": "zone", "estimated": est}
			for _, k := range []string{"level", "ppm", "near_m", "far_m"} {
				props[k] = z.Properties[k]
			}
			if err := fc.feature(z.Geometry, props); err != nil {
				return err
			}
		}
	}
	return fc.close()
}

// name returns the name of the feature of layer that the scene calls id
// (Chinese where known), or "".
func (r *Report) name(layer, id string) string { return r.names[layer+"\x00"+id] }

// WriteGaps writes the gap layer, the open ground of the community that
// no camera, patrol or extinguisher reaches, as one GeoJSON feature with
// the properties layer and area_m2.
func (r *Report) WriteGaps(w io.Writer) error {
	fc := &featureWriter{w: w}
	if r.empty {
		return fc.close()
	}
	f := r.Scene.Layer(r.Model, coverage.GapLayer)
	if err := fc.feature(f.Geometry, map[string]any(f.Properties)); err != nil {
		return err
	}
	return fc.close()
}

// WritePatrolCorridors writes the ground in sight of each patrol route as
// GeoJSON features with the properties route, name, rounds_per_day and
// area_m2.
func (r *Report) WritePatrolCorridors(w io.Writer) error {
	fc := &featureWriter{w: w}
	for _, p := range r.Scene.Scene.Patrols {
		mp, ok := r.Model.Corridor(p.ID)
		if !ok {
			continue
		}
		props := map[string]any{"route": p.ID, "name": r.name(store.PatrolRoutes, p.ID), "rounds_per_day": p.RoundsPerDay, "area_m2": round(multiArea(mp), 2)}
		if err := fc.feature(r.Scene.ToLonLat(mp), props); err != nil {
			return err
		}
	}
	return fc.close()
}

// WriteFireReach writes the ground within walking reach of each piece of
// fire equipment as GeoJSON features with the properties equipment, name,
// kind (handheld, wheeled or hydrant), reach_m and area_m2.
func (r *Report) WriteFireReach(w io.Writer) error {
	fc := &featureWriter{w: w}
	for _, e := range r.Scene.Scene.Equipment {
		mp, reach, ok := r.Model.Reach(e.ID)
		if !ok {
			continue
		}
		props := map[string]any{"equipment": e.ID, "name": r.name(store.FireEquipment, e.ID), "kind": e.Kind,
			"reach_m": reach, "area_m2": round(multiArea(mp), 2)}
		if err := fc.feature(r.Scene.ToLonLat(mp), props); err != nil {
			return err
		}
	}
	return fc.close()
}

// KeyAreaColumns is the header row of key_areas.csv. Shares are
// percentages of the area's open ground (ground_m2); camera_pct,
// camera_below_pct and unseen_pct add up to 100.
var KeyAreaColumns = []string{
	"code", "name_zh", "name_en", "kind", "required_level", "area_m2", "ground_m2",
	"camera_pct", "camera_below_pct", "unseen_pct", "patrol_pct", "rounds_per_day",
	"extinguisher_pct", "hydrant_pct", "nothing_pct", "cameras",
}

// WriteKeyAreas writes key_areas.csv: one row per key area, in store
// order, with the columns of KeyAreaColumns; cameras lists the cameras
// that give the required level somewhere in the area, separated by
// spaces.
func (r *Report) WriteKeyAreas(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(KeyAreaColumns)
	for _, a := range r.Areas {
		code := a.Code
		if code == "" {
			code = a.ID
		}
		cw.Write([]string{
			code, a.NameZh, a.NameEn, a.Kind, a.Level, num(a.Size, 1), num(a.Ground, 1),
			pct(a.Camera), pct(a.CameraBelow), pct(a.Unseen), pct(a.Patrol), num(a.RoundsPerDay, 2),
			pct(a.Extinguisher), pct(a.Hydrant), pct(a.Nothing), strings.Join(a.Cameras, " "),
		})
	}
	cw.Flush()
	return cw.Error()
}

// ViolationColumns is the header row of violations.csv.
var ViolationColumns = []string{"kind", "features", "lon", "lat", "value", "limit", "unit", "message"}

// WriteViolations writes violations.csv: one row per breach of the fire
// rules. features lists the equipment (for reach: the key area first,
// then the nearest equipment) separated by spaces; value and limit are
// metres (unit m) for spacing and the area beyond reach (unit m2, no
// limit) for reach.
func (r *Report) WriteViolations(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(ViolationColumns)
	for _, v := range r.Violations {
		unit, limit := "m", num(v.Limit, 1)
		if v.Kind == coverage.ExtinguisherReach || v.Kind == coverage.HydrantReach {
			unit, limit = "m2", ""
		}
		cw.Write([]string{v.Kind, strings.Join(v.IDs, " "), num(v.Where[0], 7), num(v.Where[1], 7), num(v.Value, 1), limit, unit, v.Msg})
	}
	cw.Flush()
	return cw.Error()
}

// ProblemColumns is the header row of problems.csv.
var ProblemColumns = []string{"kind", "id", "name", "skipped", "reason"}

// WriteProblems writes problems.csv: one row per feature with bad input
// (kind camera, equipment, key area, patrol or building), whether it was
// left out (skipped yes or no) and why.
func (r *Report) WriteProblems(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(ProblemColumns)
	for _, p := range r.Problems {
		skipped := "no"
		if p.Skipped {
			skipped = "yes"
		}
		cw.Write([]string{p.Kind, p.ID, p.Name, skipped, p.Msg})
	}
	cw.Flush()
	return cw.Error()
}

// WriteSummary writes a short plain-text summary: the cameras, one line
// per key area and the totals.
func (r *Report) WriteSummary(w io.Writer) error {
	bw := bufio.NewWriter(w)
	c := r.Cameras
	planned := ""
	if c.Planned > 0 {
		planned = fmt.Sprintf(", %d planned and left out of the coverage", c.Planned)
	}
	fmt.Fprintf(bw, "%s: %d cameras (%d counted, %d skipped, %d estimated%s), %d key areas, rules %s, cell %g m\n",
		r.Title, c.Total, c.Counted, c.Skipped, c.Estimated, planned, len(r.Areas), r.Rules, r.Cell)
	if r.CellNote != "" {
		fmt.Fprintf(bw, "note: %s; give --cell to choose another\n", r.CellNote)
	}
	if len(r.Areas) > 0 {
		fmt.Fprintf(bw, "%-10s %-10s %9s %7s %7s %7s %7s %8s %8s  %s\n", "key area", "level", "ground m2", "camera", "below", "unseen", "patrol", "extingu.", "nothing", "name")
		for _, a := range r.Areas {
			code := a.Code
			if code == "" {
				code = a.ID
			}
			name := a.NameEn
			if name == "" {
				name = a.NameZh
			}
			fmt.Fprintf(bw, "%-10s %-10s %9.0f %6.1f%% %6.1f%% %6.1f%% %6.1f%% %7.1f%% %7.1f%%  %s\n", code, a.Level, a.Ground,
				100*a.Camera, 100*a.CameraBelow, 100*a.Unseen, 100*a.Patrol, 100*a.Extinguisher, 100*a.Nothing, name)
		}
		fmt.Fprintf(bw, "all key areas: %.1f%% of the ground seen at the required level\n", coveredShare(r.areaCoverage()))
	}
	skipped := 0
	for _, p := range r.Problems {
		if p.Skipped {
			skipped++
		}
	}
	if r.Cameras.Counted == 0 && len(r.Scene.Scene.Patrols) == 0 && len(r.Scene.Scene.Equipment) == 0 {
		// Without anything that reaches, the gap raster is only the
		// extent of what there is to cover: say so rather than a figure.
		ground := 0.0
		for _, a := range r.Areas {
			ground += a.Ground
		}
		fmt.Fprintf(bw, "gaps (nothing reaches): no cameras, patrols or fire equipment counted, so nothing is covered (%.0f m2 of key-area ground); %d rule violations; %d problems (%d features skipped)\n",
			ground, len(r.Violations), len(r.Problems), skipped)
		return bw.Flush()
	}
	fmt.Fprintf(bw, "gaps (nothing reaches): %.0f m2; %d rule violations; %d problems (%d features skipped)\n", r.Gap, len(r.Violations), len(r.Problems), skipped)
	return bw.Flush()
}

func (r *Report) areaCoverage() []coverage.AreaCoverage {
	out := make([]coverage.AreaCoverage, len(r.Areas))
	for i, a := range r.Areas {
		out[i] = a.AreaCoverage
	}
	return out
}

func pct(share float64) string { return num(100*share, 2) }

func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0.00"
	}
	return s
}

func round(v float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(v*p) / p
}

func multiArea(mp orb.MultiPolygon) float64 {
	a := 0.0
	for _, p := range mp {
		a += planar.Area(p)
	}
	return a
}

// featureWriter writes a GeoJSON FeatureCollection, one feature a line,
// with coordinates rounded to 1e-8 degrees (about 1 mm), closed rings
// wound as RFC 7946 asks (outer rings counter-clockwise) and properties
// in key order.
type featureWriter struct {
	w       io.Writer
	n       int
	started bool
	buf     bytes.Buffer
}

func (fw *featureWriter) feature(g orb.Geometry, props map[string]any) error {
	b := &fw.buf
	b.Reset()
	if !fw.started {
		b.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
		fw.started = true
	} else {
		b.WriteString(",\n")
	}
	b.WriteString(`{"type":"Feature","geometry":`)
	appendGeometry(b, g)
	b.WriteString(`,"properties":`)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(props); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	b.WriteString("}")
	fw.n++
	_, err := fw.w.Write(b.Bytes())
	return err
}

func (fw *featureWriter) close() error {
	s := "\n]}\n"
	if !fw.started {
		s = `{"type":"FeatureCollection","features":[]}` + "\n"
	}
	_, err := io.WriteString(fw.w, s)
	return err
}

// appendGeometry writes g as GeoJSON: polygons always as MultiPolygons,
// so that each file has one geometry type; empty geometry is null.
func appendGeometry(b *bytes.Buffer, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Polygon:
		appendGeometry(b, orb.MultiPolygon{g})
	case orb.MultiPolygon:
		var ps []orb.Polygon
		for _, p := range g {
			if c := cleanPolygon(p); c != nil {
				ps = append(ps, c)
			}
		}
		if len(ps) == 0 {
			b.WriteString("null")
			return
		}
		b.WriteString(`{"type":"MultiPolygon","coordinates":[`)
		for i, p := range ps {
			if i > 0 {
				b.WriteByte(',')
			}
			appendPolygon(b, p)
		}
		b.WriteString("]}")
	case orb.Point:
		b.WriteString(`{"type":"Point","coordinates":`)
		appendPoint(b, g)
		b.WriteString("}")
	default:
		b.WriteString("null")
	}
}

// cleanPolygon returns p rounded, with closed rings of at least four
// points, the outer one counter-clockwise and holes clockwise; nil when
// the outer ring is degenerate.
func cleanPolygon(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		c := make(orb.Ring, 0, len(r)+1)
		for _, q := range r {
			q = orb.Point{round(q[0], 8), round(q[1], 8)}
			if n := len(c); n > 0 && c[n-1] == q {
				continue
			}
			c = append(c, q)
		}
		if len(c) > 0 && c[0] != c[len(c)-1] {
			c = append(c, c[0])
		}
		if len(c) < 4 || planar.Area(orb.Ring(c)) == 0 {
			if i == 0 {
				return nil
			}
			continue
		}
		if (planar.Area(orb.Ring(c)) > 0) != (i == 0) {
			for a, z := 0, len(c)-1; a < z; a, z = a+1, z-1 {
				c[a], c[z] = c[z], c[a]
			}
		}
		out = append(out, c)
	}
	return out
}

func appendPolygon(b *bytes.Buffer, p orb.Polygon) {
	b.WriteByte('[')
	for i, r := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, q := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			appendPoint(b, q)
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
}

func appendPoint(b *bytes.Buffer, q orb.Point) {
	b.WriteByte('[')
	b.WriteString(strconv.FormatFloat(round(q[0], 8), 'f', -1, 64))
	b.WriteByte(',')
	b.WriteString(strconv.FormatFloat(round(q[1], 8), 'f', -1, 64))
	b.WriteByte(']')
}
