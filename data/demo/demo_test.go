package demo

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/data/store"
	"safetynet/geo/proj"
)

// community is the demo in layers, with every geometry also in the
// compound frame (metres, turned back by the rotation) for measuring.
type community struct {
	all        []store.Feature
	buildings  []store.Building
	roads      []store.Road
	land       []store.Land
	cameras    []store.Camera
	routes     []store.PatrolRoute
	checkpts   []store.Checkpoint
	equipment  []store.Equipment
	keyAreas   []store.KeyArea
	hazards    []store.Hazard
	access     []store.AccessPoint
	facilities []store.Facility
	barriers   []store.Barrier
}

func load(t *testing.T) community {
	t.Helper()
	var c community
	c.all = Community()
	for _, f := range c.all {
		switch f := f.(type) {
		case store.Building:
			c.buildings = append(c.buildings, f)
		case store.Road:
			c.roads = append(c.roads, f)
		case store.Land:
			c.land = append(c.land, f)
		case store.Camera:
			c.cameras = append(c.cameras, f)
		case store.PatrolRoute:
			c.routes = append(c.routes, f)
		case store.Checkpoint:
			c.checkpts = append(c.checkpts, f)
		case store.Equipment:
			c.equipment = append(c.equipment, f)
		case store.KeyArea:
			c.keyAreas = append(c.keyAreas, f)
		case store.Hazard:
			c.hazards = append(c.hazards, f)
		case store.AccessPoint:
			c.access = append(c.access, f)
		case store.Facility:
			c.facilities = append(c.facilities, f)
		case store.Barrier:
			c.barriers = append(c.barriers, f)
		case store.WaterArea:
		default:
			t.Fatalf("unexpected feature type %T", f)
		}
	}
	return c
}

// frame converts a longitude/latitude point to the compound frame.
func frame(p orb.Point) orb.Point {
	m := proj.New(Origin).ToMetres(p)
	sin, cos := math.Sincos(-rotation * math.Pi / 180)
	return orb.Point{m[0]*cos - m[1]*sin, m[0]*sin + m[1]*cos}
}

func frameRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = frame(p)
	}
	return out
}

func frameLine(l orb.LineString) orb.LineString {
	out := make(orb.LineString, len(l))
	for i, p := range l {
		out[i] = frame(p)
	}
	return out
}

func digest(fs []store.Feature) string {
	h := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(h, "%T %v\n", f, f)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	a, b := digest(Community()), digest(Community())
	if a != b {
		t.Fatalf("two calls differ: %s vs %s", a, b)
	}
}

func TestCounts(t *testing.T) {
	c := load(t)
	count := func(f func(store.Feature) bool) int {
		n := 0
		for _, x := range c.all {
			if f(x) {
				n++
			}
		}
		return n
	}
	gate := func(f store.Feature) bool {
		a, ok := f.(store.AccessPoint)
		return ok && (a.Kind == "vehicle_gate" || a.Kind == "pedestrian_gate")
	}
	kind := func(k string) func(store.Feature) bool {
		return func(f store.Feature) bool { e, ok := f.(store.Equipment); return ok && e.Kind == k }
	}
	use := func(u string) func(store.Feature) bool {
		return func(f store.Feature) bool { b, ok := f.(store.Building); return ok && b.Use == u }
	}
	landClass := func(k string) func(store.Feature) bool {
		return func(f store.Feature) bool { l, ok := f.(store.Land); return ok && l.Class == k }
	}
	facility := func(k string) func(store.Feature) bool {
		return func(f store.Feature) bool { l, ok := f.(store.Facility); return ok && l.Kind == k }
	}
	tests := []struct {
		name     string
		n        int
		min, max int
	}{
		{"cameras", len(c.cameras), 60, 120},
		{"gates", count(gate), 2, 4},
		{"ramps", count(func(f store.Feature) bool { a, ok := f.(store.AccessPoint); return ok && a.Kind == "ramp" }), 1, 3},
		{"patrol routes", len(c.routes), 2, 3},
		{"checkpoints", len(c.checkpts), 6, 40},
		{"hazards", len(c.hazards), 10, 15},
		{"residential buildings", count(use("residential")), 60, 250},
		{"kindergarten", count(use("kindergarten")), 1, 1},
		{"shops", count(use("retail")), 5, 40},
		{"e-bike shed", count(use("shed")), 1, 2},
		{"substation", count(use("substation")), 1, 1},
		{"playgrounds", count(landClass("playground")), 1, 3},
		{"parking", count(landClass("parking")), 1, 6},
		{"kindergarten land", count(landClass("kindergarten")), 1, 1},
		{"hydrants", count(kind(store.HydrantOutdoor)), 20, 200},
		{"wheeled extinguishers", count(kind(store.ExtinguisherWheeled)), 1, 3},
		{"defibrillators", count(kind(store.Defibrillator)), 1, 3},
		{"supply stores", count(kind(store.SupplyStore)), 1, 2},
		{"guard booths", count(facility("guard_booth")), 1, 4},
		{"management offices", count(facility("management_office")), 1, 1},
		{"assembly points", count(facility("assembly_point")), 1, 3},
		{"refuse points", count(facility("refuse_point")), 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.n < tt.min || tt.n > tt.max {
				t.Errorf("%d, want %d..%d", tt.n, tt.min, tt.max)
			}
		})
	}
}

func TestArea(t *testing.T) {
	c := load(t)
	for _, l := range c.land {
		if l.Class != "residential" {
			continue
		}
		km2 := planar.Area(frameRing(l.Geom[0][0])) / 1e6
		if km2 < 0.7 || km2 > 1.4 {
			t.Errorf("compound area %.3f km², want 0.7..1.4", km2)
		}
		if !planar.RingContains(l.Geom[0][0], Origin) {
			t.Errorf("compound does not contain Origin %v", Origin)
		}
		return
	}
	t.Fatal("no residential landuse")
}

// rings returns every ring of the community with the feature it belongs
// to and whether it is an outer ring.
func rings(c community) (out []struct {
	name  string
	r     orb.Ring
	outer bool
}) {
	addPoly := func(name string, p orb.Polygon) {
		for i, r := range p {
			out = append(out, struct {
				name  string
				r     orb.Ring
				outer bool
			}{name, r, i == 0})
		}
	}
	for _, f := range c.all {
		name := fmt.Sprintf("%s %v", f.Layer(), f)
		if len(name) > 80 {
			name = name[:80]
		}
		switch f := f.(type) {
		case store.Building:
			for _, p := range f.Geom {
				addPoly(name, p)
			}
		case store.Land:
			for _, p := range f.Geom {
				addPoly(name, p)
			}
		case store.WaterArea:
			for _, p := range f.Geom {
				addPoly(name, p)
			}
		case store.KeyArea:
			addPoly(name, f.Geom)
		case store.Hazard:
			if p, ok := f.Geom.(orb.Polygon); ok {
				addPoly(name, p)
			}
		}
	}
	return out
}

func TestRingsValid(t *testing.T) {
	for _, r := range rings(load(t)) {
		ring := frameRing(r.r)
		switch {
		case len(ring) < 4:
			t.Errorf("%s: ring of %d points", r.name, len(ring))
		case !r.r.Closed():
			t.Errorf("%s: ring not closed", r.name)
		case r.outer && r.r.Orientation() != orb.CCW:
			t.Errorf("%s: outer ring not counter-clockwise", r.name)
		case selfIntersects(ring):
			t.Errorf("%s: ring intersects itself", r.name)
		}
	}
}

func TestLinesClosedRoutes(t *testing.T) {
	c := load(t)
	for _, r := range c.routes {
		if !r.Geom[0].Equal(r.Geom[len(r.Geom)-1]) {
			t.Errorf("route %s is not a closed loop", r.Code)
		}
		if r.Shifts != "08:00-16:00,16:00-24:00,00:00-08:00" || r.RoundsPerShift < 1 || r.Team == "" {
			t.Errorf("route %s: shifts %q, rounds %d, team %q", r.Code, r.Shifts, r.RoundsPerShift, r.Team)
		}
	}
}

func selfIntersects(r orb.Ring) bool {
	n := len(r) - 1
	for i := 0; i < n; i++ {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue // neighbours through the closing point
			}
			if segmentsMeet(r[i], r[i+1], r[j], r[j+1]) {
				return true
			}
		}
	}
	return false
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segmentsMeet reports whether segments ab and cd touch or cross.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, q, r orb.Point, o float64) bool {
		return math.Abs(o) < 1e-9 && min(p[0], q[0]) <= r[0] && r[0] <= max(p[0], q[0]) &&
			min(p[1], q[1]) <= r[1] && r[1] <= max(p[1], q[1])
	}
	return on(c, d, a, d1) || on(c, d, b, d2) || on(a, b, c, d3) || on(a, b, d, d4)
}

func ringsOverlap(a, b orb.Ring) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsMeet(a[i], a[i+1], b[j], b[j+1]) {
				return true
			}
		}
	}
	return planar.RingContains(b, a[0]) || planar.RingContains(a, b[0])
}

func TestBuildingsDoNotOverlap(t *testing.T) {
	c := load(t)
	type fp struct {
		name string
		r    orb.Ring
		b    orb.Bound
	}
	var fps []fp
	for _, b := range c.buildings {
		r := frameRing(b.Geom[0][0])
		fps = append(fps, fp{b.NameEn, r, r.Bound()})
	}
	for i := range fps {
		for j := i + 1; j < len(fps); j++ {
			if !fps[i].b.Intersects(fps[j].b) {
				continue
			}
			if ringsOverlap(fps[i].r, fps[j].r) {
				t.Errorf("%s overlaps %s", fps[i].name, fps[j].name)
			}
		}
	}
}

// roadHalfWidth is the half width of a road class used by the tests, metres.
var roadHalfWidth = map[string]float64{
	"primary": 15, "secondary": 10, "tertiary": 6, "residential": 3.5, "service": 2.5, "footway": 0.5,
}

func TestBuildingsClearOfRoads(t *testing.T) {
	c := load(t)
	for _, rd := range c.roads {
		line := frameLine(rd.Geom)
		half, ok := roadHalfWidth[rd.Class]
		if !ok {
			t.Errorf("road class %q", rd.Class)
			continue
		}
		lb := line.Bound().Pad(half + 1)
		for _, b := range c.buildings {
			r := frameRing(b.Geom[0][0])
			if !lb.Intersects(r.Bound()) {
				continue
			}
			if d := clearance(line, r); d < half {
				t.Errorf("%s road %q is %.1f m from %s, want at least %.1f", rd.Class, rd.NameEn, d, b.NameEn, half)
			}
		}
	}
}

// clearance returns the distance between a line and a ring, 0 when they meet.
func clearance(line orb.LineString, r orb.Ring) float64 {
	for i := 0; i+1 < len(line); i++ {
		for j := 0; j+1 < len(r); j++ {
			if segmentsMeet(line[i], line[i+1], r[j], r[j+1]) {
				return 0
			}
		}
	}
	if planar.RingContains(r, line[0]) {
		return 0
	}
	d := math.Inf(1)
	for _, p := range line {
		d = min(d, planar.DistanceFrom(orb.LineString(r), p))
	}
	for _, p := range r {
		d = min(d, planar.DistanceFrom(line, p))
	}
	return d
}

func TestCamerasOutsideBuildings(t *testing.T) {
	c := load(t)
	for _, cam := range c.cameras {
		for _, b := range c.buildings {
			if planar.MultiPolygonContains(b.Geom, cam.Geom) {
				t.Errorf("camera %s (%s) is inside %s", cam.Code, cam.NameEn, b.NameEn)
			}
		}
	}
}

func TestCameras(t *testing.T) {
	c := load(t)
	areas := map[string]store.KeyArea{}
	for _, k := range c.keyAreas {
		if _, dup := areas[k.Code]; dup {
			t.Errorf("key area code %s used twice", k.Code)
		}
		areas[k.Code] = k
	}
	watchers := map[string]int{}
	codes := map[string]bool{}
	status := map[string]int{}
	for _, cam := range c.cameras {
		if codes[cam.Code] || !strings.HasPrefix(cam.Code, "CAM-") {
			t.Errorf("camera code %q duplicate or malformed", cam.Code)
		}
		codes[cam.Code] = true
		status[cam.Status]++
		if cam.Heading < 0 || cam.Heading >= 360 || cam.Tilt <= 0 || cam.Tilt >= 90 {
			t.Errorf("%s: heading %.1f tilt %.1f", cam.Code, cam.Heading, cam.Tilt)
		}
		if cam.MountHeight < 2.5 || cam.MountHeight > 6 || cam.MaxRange <= 0 || cam.MaxRange > 200 {
			t.Errorf("%s: mount %.1f m, max range %.0f m", cam.Code, cam.MountHeight, cam.MaxRange)
		}
		hfov := 2 * math.Atan(cam.SensorWidth/(2*cam.FocalLength)) * 180 / math.Pi
		if cam.SensorWidth != 5.6 || math.Abs(hfov-cam.HFOV) > 0.1 {
			t.Errorf("%s: HFOV %.1f, want %.1f from a %.1f mm sensor and %.1f mm lens", cam.Code, cam.HFOV, hfov, cam.SensorWidth, cam.FocalLength)
		}
		switch cam.ResolutionH {
		case 1920, 2560, 3840:
		default:
			t.Errorf("%s: resolution %d", cam.Code, cam.ResolutionH)
		}
		if cam.Watches == "" {
			continue
		}
		for _, w := range strings.Split(cam.Watches, ",") {
			if _, ok := areas[w]; !ok {
				t.Errorf("%s watches unknown key area %q", cam.Code, w)
			}
			watchers[w]++
		}
	}
	for code, k := range areas {
		want := 1
		if k.Kind == "gate" {
			want = 2 // in and out
		}
		if watchers[code] < want {
			t.Errorf("key area %s (%s) is watched by %d cameras, want %d", code, k.Kind, watchers[code], want)
		}
	}
	if status[store.CameraOnline] < len(c.cameras)*9/10 || status[store.CameraOffline] == 0 || status[store.CameraMaintenance] == 0 {
		t.Errorf("statuses %v: want mostly online, a few offline and in maintenance", status)
	}
}

func TestKeyAreaLevels(t *testing.T) {
	want := map[string]string{
		"gate": "identify", "perimeter": "detect", "playground": "observe", "parking": "observe",
		"kindergarten_entrance": "recognise", "building_entrance": "recognise",
	}
	seen := map[string]bool{}
	for _, k := range load(t).keyAreas {
		seen[k.Kind] = true
		if w, ok := want[k.Kind]; ok && k.RequiredLevel != w {
			t.Errorf("%s (%s): level %s, want %s", k.Code, k.Kind, k.RequiredLevel, w)
		}
	}
	for _, k := range []string{"gate", "perimeter", "playground", "parking", "kindergarten_entrance", "ebike_shed", "building_entrance", "square"} {
		if !seen[k] {
			t.Errorf("no key area of kind %s", k)
		}
	}
}

func TestCheckpointsOnRoutes(t *testing.T) {
	c := load(t)
	routes := map[string]orb.LineString{}
	for _, r := range c.routes {
		routes[r.Code] = frameLine(r.Geom)
	}
	seq := map[string]int{}
	for _, cp := range c.checkpts {
		line, ok := routes[cp.RouteCode]
		if !ok {
			t.Errorf("%s: unknown route %s", cp.Code, cp.RouteCode)
			continue
		}
		if d := planar.DistanceFrom(line, frame(cp.Geom)); d > 3 {
			t.Errorf("%s is %.1f m from route %s", cp.Code, d, cp.RouteCode)
		}
		seq[cp.RouteCode]++
		if cp.Seq != seq[cp.RouteCode] {
			t.Errorf("%s: seq %d, want %d", cp.Code, cp.Seq, seq[cp.RouteCode])
		}
	}
	for code := range routes {
		if seq[code] < 3 {
			t.Errorf("route %s has %d checkpoints", code, seq[code])
		}
	}
}

func TestHydrantSpacing(t *testing.T) {
	c := load(t)
	var hydrants []orb.Point
	for _, e := range c.equipment {
		if e.Kind == store.HydrantOutdoor {
			hydrants = append(hydrants, frame(e.Geom))
		}
	}
	wall := frameRing(c.land[0].Geom[0][0])
	for _, rd := range c.roads {
		if rd.Class != "residential" {
			continue
		}
		line := frameLine(rd.Geom)
		for d := 0.0; d <= lineLength(line); d += 10 {
			p, _ := pointAlong(line, d)
			if !planar.RingContains(wall, p) {
				continue
			}
			near := math.Inf(1)
			for _, h := range hydrants {
				near = min(near, planar.Distance(p, h))
			}
			// At most 120 m between hydrants: no point of the road further
			// than half that from one, give or take the offset to the kerb.
			if near > 65 {
				t.Errorf("%s at %.0f m: nearest hydrant %.0f m away", rd.NameEn, d, near)
			}
		}
	}
}

func TestSunlightSpacing(t *testing.T) {
	c := load(t)
	type box struct {
		name string
		b    orb.Bound
		h    float64
	}
	var homes []box
	for _, b := range c.buildings {
		if b.Use == "residential" || b.Use == "kindergarten" {
			homes = append(homes, box{b.NameEn, frameRing(b.Geom[0][0]).Bound(), b.Height})
		}
	}
	for _, s := range homes {
		for _, n := range homes {
			overlapX := min(s.b.Max[0], n.b.Max[0]) - max(s.b.Min[0], n.b.Min[0])
			if overlapX <= 1e-6 || n.b.Min[1] < s.b.Max[1] {
				continue
			}
			if gap := n.b.Min[1] - s.b.Max[1]; gap < 1.2*s.h-1e-6 {
				t.Errorf("%s is %.1f m north of %s (%.0f m tall), want at least %.1f m", n.name, gap, s.name, s.h, 1.2*s.h)
			}
		}
	}
}

func TestNames(t *testing.T) {
	c := load(t)
	check := func(kind string, n store.Names) {
		if n.Name == "" || n.NameZh == "" || n.NameEn == "" {
			t.Errorf("%s without a full name: %+v", kind, n)
		}
	}
	for _, b := range c.buildings {
		check("building", b.Names)
	}
	for _, x := range c.cameras {
		check("camera "+x.Code, x.Names)
	}
	for _, x := range c.access {
		check("access point "+x.Code, x.Names)
	}
	for _, x := range c.keyAreas {
		check("key area "+x.Code, x.Names)
	}
	for _, x := range c.facilities {
		check("facility", x.Names)
	}
	for _, x := range c.hazards {
		check("hazard "+x.Code, x.Names)
		if x.Responsible == "" || x.Reported.IsZero() {
			t.Errorf("hazard %s: no responsible person or report date", x.Code)
		}
		switch x.Status {
		case store.HazardOpen:
		case store.HazardMitigated:
			if x.Mitigated.Before(x.Reported) {
				t.Errorf("hazard %s mitigated before it was reported", x.Code)
			}
		case store.HazardClosed:
			if x.Closed.Before(x.Mitigated) || x.Mitigated.Before(x.Reported) {
				t.Errorf("hazard %s: dates out of order", x.Code)
			}
		default:
			t.Errorf("hazard %s: status %q", x.Code, x.Status)
		}
	}
	for _, r := range c.roads {
		if (r.NameZh == "") != (r.NameEn == "") {
			t.Errorf("road with half a name: %+v", r.Names)
		}
	}
}

func TestWrite(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, f := range Community() {
		want[f.Layer()]++
	}
	for _, layer := range store.LayerNames() {
		n, err := s.Count(ctx, layer)
		if err != nil {
			t.Fatal(err)
		}
		if n != want[layer] {
			t.Errorf("layer %s: %d features, want %d", layer, n, want[layer])
		}
	}
}

func TestGeometryHelpers(t *testing.T) {
	square := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"crossing segments", segmentsMeet(orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{0, 2}, orb.Point{2, 0}), true},
		{"touching segments", segmentsMeet(orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{2, 0}, orb.Point{2, 5}), true},
		{"parallel segments", segmentsMeet(orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{0, 1}, orb.Point{2, 1}), false},
		{"bow tie", selfIntersects(orb.Ring{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}), true},
		{"square", selfIntersects(square), false},
		{"overlapping squares", ringsOverlap(square, translate(square, 5, 5)), true},
		{"nested squares", ringsOverlap(square, orb.Ring{{2, 2}, {3, 2}, {3, 3}, {2, 3}, {2, 2}}), true},
		{"apart squares", ringsOverlap(square, translate(square, 11, 0)), false},
		{"stepped slab", selfIntersects(func() orb.Ring { r, _ := stepped(60, 4, []float64{0, 1.2, 2.4, 3.6}); return r }()), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func ExampleCommunity() {
	counts := map[string]int{}
	for _, f := range Community() {
		counts[f.Layer()]++
	}
	for _, layer := range store.LayerNames() {
		fmt.Println(layer, counts[layer])
	}
	// Output:
	// buildings 176
	// roads 207
	// landuse 102
	// water 2
	// barriers 6
	// key_areas 24
	// hazards 13
	// cameras 103
	// patrol_routes 3
	// checkpoints 23
	// fire_equipment 254
	// access_points 8
	// facilities 8
}
