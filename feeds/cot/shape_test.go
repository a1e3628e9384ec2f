package cot_test

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/feeds/cot"
	"safetynet/feeds/event"
)

// The drawings below are in the form ATAK (4.x CIV) writes them: a circle
// is a u-d-c-c event at its centre with <shape><ellipse major minor
// angle="360"/> and a KML style link inside <shape>; a rectangle is u-d-r
// with its four corners as <link point="lat,lon[,hae]"/> (the last not
// repeating the first) and, made a geofence, an <__geofence> element; a
// freehand drawing (telestration) is u-d-f-m at 0,0 with one
// <link line="..."/> per stroke, each an escaped u-d-f <event> of its own.
// The element and attribute layout follows ATAK's own messages as they
// are captured in the test messages of ATAK plugins (CotEvent.toString of
// ATAK 4.0) and FreeTAKServer's samples in ../shared/data/cot; the
// coordinates, names and colours here are ours (Shanghai, Pudong).

const atakHead = `<?xml version='1.0' encoding='UTF-8' standalone='yes'?><event version='2.0' uid='UID' type='TYPE' time='2026-05-01T02:00:00.452Z' start='2026-05-01T02:00:00.452Z' stale='2026-05-02T02:00:00.452Z' how='h-e'>`

func atak(uid, typ, point, detail string) []byte {
	return []byte(strings.NewReplacer("UID", uid, "TYPE", typ).Replace(atakHead) + point + `<detail>` + detail + `</detail></event>`)
}

const (
	atakCentre = `<point lat='31.2001' lon='121.6002' hae='4.2' ce='9999999.0' le='9999999.0' />`
	atakStyle  = `<link uid='c1.Style' type='b-x-KmlStyle' relation='p-c'><Style><LineStyle><color>ff0000ff</color><width>4.0</width></LineStyle><PolyStyle><color>960000ff</color></PolyStyle></Style></link>`
	atakExtras = `<contact callsign='Drawing Circle 1'/><remarks></remarks><archive/><strokeColor value='-16776961'/><strokeWeight value='4.0'/><fillColor value='-1778384641'/><labels_on value='true'/><precisionlocation altsrc='DTED2'/>`
	atakCircle = `<shape><ellipse major='250.0' minor='250.0' angle='360'/>` + atakStyle + `</shape>` + atakExtras
	atakRect   = `<link point='31.2010,121.6000,3.1'/><link point='31.2000,121.6000,2.9'/><link point='31.2000,121.6015'/><link point='31.2010,121.6015'/>` +
		`<tog enabled='1'/><strokeColor value='-16729857'/><strokeWeight value='3.4'/><fillColor value='-1778337537'/><remarks>Gate area</remarks>`
	atakGeofence = `<__geofence elevationMonitored='false' minElevation='NaN' monitor='All' trigger='Entry' tracking='false' maxElevation='NaN' boundingSphere='85000.0'/>`
)

func stroke(uid string, pts ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version='1.0' encoding='UTF-8' standalone='yes'?><event version='2.0' uid='` + uid + `' type='u-d-f' time='2026-05-01T02:00:00.452Z' start='2026-05-01T02:00:00.452Z' stale='2026-05-02T02:00:00.452Z' how='h-e'><point lat='31.2' lon='121.6' hae='3.0' ce='9999999.0' le='9999999.0' /><detail>`)
	for _, p := range pts {
		b.WriteString(`<link point='` + p + `'/>`)
	}
	b.WriteString(`<labels_on value='true'/><archive/><strokeColor value='-16776961'/><strokeWeight value='4.0'/><contact callsign='Freehand 2'/></detail></event>`)
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;")
	return `<link line='` + r.Replace(b.String()) + `'/>`
}

func props(t *testing.T, e event.Event, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got, ok := e.Properties[k]; !ok || got != v {
			t.Errorf("property %s = %v (%T), want %v", k, got, got, v)
		}
	}
}

func decode(t *testing.T, b []byte) event.Event {
	t.Helper()
	e, err := cot.Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return e
}

// TestCircle: an ATAK circle is a 64-vertex polygon whose every vertex is
// 250 m from the centre, with its radius kept.
func TestCircle(t *testing.T) {
	e := decode(t, atak("c1", "u-d-c-c", atakCentre, atakCircle))
	p, ok := e.Geometry.(orb.Polygon)
	if !ok {
		t.Fatalf("geometry %T %v, want a polygon", e.Geometry, e.Geometry)
	}
	if len(p) != 1 || len(p[0]) != cot.CircleVertices+1 || p[0][0] != p[0][len(p[0])-1] {
		t.Fatalf("ring of %d positions, want %d closed", len(p[0]), cot.CircleVertices+1)
	}
	c := orb.Point{121.6002, 31.2001}
	for i, v := range p[0] {
		// Haversine on a sphere differs from the ellipsoid by < 0.5 %.
		if d := geo.DistanceHaversine(c, v); math.Abs(d-250) > 1.25 {
			t.Fatalf("vertex %d is %.2f m from the centre, want 250", i, d)
		}
	}
	if a := geo.Area(p); math.Abs(a-math.Pi*250*250)/(math.Pi*250*250) > 0.01 {
		t.Errorf("area %.0f m², want π·250² = %.0f", a, math.Pi*250*250)
	}
	props(t, e, map[string]any{"radius_m": 250.0, "major_m": 250.0, "minor_m": 250.0, "angle_deg": 0.0, "callsign": "Drawing Circle 1", "cot_type": "u-d-c-c"})
	if e.Type != "drawing.shape" || e.Title != "Drawing Circle 1" {
		t.Errorf("type %q title %q", e.Type, e.Title)
	}
	// Written as CoT and read back, the centre stays where it was.
	out, err := cot.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	if back := decode(t, out); geo.DistanceHaversine(back.Geometry.Bound().Center(), c) > 1 {
		t.Errorf("encoded centre moved: %v", back.Geometry.Bound().Center())
	}
}

// TestEllipse: the major axis points toward angle, clockwise from north.
func TestEllipse(t *testing.T) {
	e := decode(t, atak("e1", "u-d-c-e", atakCentre, `<shape><ellipse major='300' minor='100' angle='45'/>`+atakStyle+`</shape><contact callsign='Ellipse 1'/>`))
	p, ok := e.Geometry.(orb.Polygon)
	if !ok || len(p[0]) != cot.CircleVertices+1 {
		t.Fatalf("geometry %v", e.Geometry)
	}
	c := orb.Point{121.6002, 31.2001}
	for _, tc := range []struct {
		i           int
		dist, brg   float64
		description string
	}{{0, 300, 45, "end of the major axis"}, {16, 100, 135, "end of the minor axis"}, {32, 300, 225, "other end of the major axis"}} {
		v := p[0][tc.i]
		d, b := geo.DistanceHaversine(c, v), math.Mod(geo.Bearing(c, v)+360, 360)
		if math.Abs(d-tc.dist) > tc.dist*0.005 || math.Abs(b-tc.brg) > 0.5 {
			t.Errorf("%s: %.1f m at %.1f°, want %.0f m at %.0f°", tc.description, d, b, tc.dist, tc.brg)
		}
	}
	props(t, e, map[string]any{"major_m": 300.0, "minor_m": 100.0, "angle_deg": 45.0})
	if _, ok := e.Properties["radius_m"]; ok {
		t.Error("an ellipse has no single radius")
	}
}

// TestRectangleGeofence: the four corners ATAK writes become a closed
// polygon (all four sides), and the geofence's settings are kept.
func TestRectangleGeofence(t *testing.T) {
	e := decode(t, atak("r1", "u-d-r", atakCentre, atakRect+atakGeofence+`<contact callsign='Warning'/>`))
	p, ok := e.Geometry.(orb.Polygon)
	if !ok {
		t.Fatalf("geometry %T %v, want a closed polygon", e.Geometry, e.Geometry)
	}
	want := orb.Ring{{121.6, 31.201}, {121.6, 31.2}, {121.6015, 31.2}, {121.6015, 31.201}, {121.6, 31.201}}
	if len(p[0]) != len(want) {
		t.Fatalf("ring %v, want %v", p[0], want)
	}
	for i := range want {
		if p[0][i] != want[i] {
			t.Fatalf("ring %v, want %v", p[0], want)
		}
	}
	props(t, e, map[string]any{"geofence": true, "geofence_trigger": "Entry", "geofence_monitor": "All", "geofence_tracking": false,
		"geofence_elevationMonitored": false, "geofence_boundingSphere": 85000.0})
	for _, k := range []string{"geofence_minElevation", "geofence_maxElevation"} {
		if v, ok := e.Properties[k]; ok {
			t.Errorf("%s = %v: NaN means not set", k, v)
		}
	}
	// A geofence with altitude limits keeps them.
	e = decode(t, atak("r1", "u-d-r", atakCentre, atakRect+`<__geofence elevationMonitored='true' minElevation='0.79' monitor='TAKUsers' trigger='Both' tracking='true' maxElevation='96.19' boundingSphere='85000.0'/>`))
	props(t, e, map[string]any{"geofence_minElevation": 0.79, "geofence_maxElevation": 96.19, "geofence_trigger": "Both", "geofence_monitor": "TAKUsers", "geofence_tracking": true})
	// A circle made a geofence is a polygon with its radius and the fence.
	e = decode(t, atak("c2", "u-d-c-c", atakCentre, atakCircle+atakGeofence))
	if _, ok := e.Geometry.(orb.Polygon); !ok || e.Properties["radius_m"] != 250.0 || e.Properties["geofence_trigger"] != "Entry" {
		t.Errorf("geofence circle: %T %v", e.Geometry, e.Properties)
	}
}

// TestFreeForm: an open free-form drawing is a line, a closed one a
// polygon.
func TestFreeForm(t *testing.T) {
	pts := `<link point='31.2,121.6'/><link point='31.2,121.601'/><link point='31.201,121.601'/>`
	e := decode(t, atak("f1", "u-d-f", atakCentre, pts+`<contact callsign='Shape 1'/>`))
	if l, ok := e.Geometry.(orb.LineString); !ok || len(l) != 3 {
		t.Errorf("open: %T %v", e.Geometry, e.Geometry)
	}
	e = decode(t, atak("f1", "u-d-f", atakCentre, pts+`<link point='31.2,121.6'/>`))
	if p, ok := e.Geometry.(orb.Polygon); !ok || len(p[0]) != 4 {
		t.Errorf("closed: %T %v", e.Geometry, e.Geometry)
	}
	e = decode(t, atak("f1", "u-d-f", atakCentre, pts+`<closed value='true'/>`))
	if p, ok := e.Geometry.(orb.Polygon); !ok || len(p[0]) != 4 {
		t.Errorf("closed by <closed>: %T %v", e.Geometry, e.Geometry)
	}
}

// TestTelestration: each stroke of a freehand drawing is a line of a
// MultiLineString.
func TestTelestration(t *testing.T) {
	d := stroke("s1", "31.2001,121.6001", "31.2002,121.6003", "31.2004,121.6004") +
		stroke("s2", "31.2010,121.6010", "31.2012,121.6011") +
		`<labels_on value='true'/><archive/><color value='-16744704'/><remarks>Route in</remarks><contact callsign='Freehand 2'/>`
	e := decode(t, atak("t1", "u-d-f-m", `<point lat='0.0' lon='0.0' hae='9999999.0' ce='9999999.0' le='9999999.0' />`, d))
	ml, ok := e.Geometry.(orb.MultiLineString)
	if !ok || len(ml) != 2 || len(ml[0]) != 3 || len(ml[1]) != 2 {
		t.Fatalf("geometry %T %v, want two strokes of 3 and 2 points", e.Geometry, e.Geometry)
	}
	if ml[0][1] != (orb.Point{121.6003, 31.2002}) || ml[1][1] != (orb.Point{121.6011, 31.2012}) {
		t.Errorf("strokes %v", ml)
	}
	if e.Title != "Freehand 2" || e.Description != "Route in" || e.Properties["strokes"] != 2 {
		t.Errorf("title %q description %q props %v", e.Title, e.Description, e.Properties)
	}
	// The hub stores events as JSON: the strokes survive it.
	js, err := event.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	back, err := event.Decode(js)
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	if bl, ok := back.Geometry.(orb.MultiLineString); !ok || len(bl) != 2 || bl[1][1] != ml[1][1] {
		t.Errorf("after JSON: %T %v", back.Geometry, back.Geometry)
	}
	if _, err := cot.Decode(atak("t1", "u-d-f-m", atakCentre, `<link line='&lt;event'/>`)); err == nil || !strings.Contains(err.Error(), "link 1: line") {
		t.Errorf("bad stroke: %v", err)
	}
}

// TestRangeBearing: a range-bearing circle is a polygon of its range; a
// range-bearing line runs from the point toward its bearing.
func TestRangeBearing(t *testing.T) {
	c := orb.Point{121.6002, 31.2001}
	e := decode(t, atak("rb1", "u-r-b-c-c", atakCentre, `<range value='500.0'/><contact callsign='R&amp;B Circle 1'/>`))
	p, ok := e.Geometry.(orb.Polygon)
	if !ok || math.Abs(geo.DistanceHaversine(c, p[0][7])-500) > 2.5 || e.Properties["radius_m"] != 500.0 {
		t.Errorf("range circle: %T %v", e.Geometry, e.Properties)
	}
	if e.Type != "drawing.shape" {
		t.Errorf("type %q", e.Type)
	}
	e = decode(t, atak("rb2", "u-r-b-c-c", atakCentre, `<shape><ellipse major='120' minor='120' angle='360'/></shape>`))
	if _, ok := e.Geometry.(orb.Polygon); !ok || e.Properties["radius_m"] != 120.0 {
		t.Errorf("range circle from shape: %T %v", e.Geometry, e.Properties)
	}
	e = decode(t, atak("rb3", "u-rb-a", atakCentre, `<range value='1000'/><bearing value='90'/><inclination value='0.0'/><rangeUnits value='1'/><bearingUnits value='0'/><northRef value='1'/>`))
	l, ok := e.Geometry.(orb.LineString)
	if !ok || len(l) != 2 || l[0] != c {
		t.Fatalf("range line: %T %v", e.Geometry, e.Geometry)
	}
	if d, b := geo.DistanceHaversine(c, l[1]), geo.Bearing(c, l[1]); math.Abs(d-1000) > 5 || math.Abs(b-90) > 0.1 {
		t.Errorf("end %.1f m at %.2f°", d, b)
	}
	props(t, e, map[string]any{"range_m": 1000.0, "bearing_deg": 90.0, "north_ref": "magnetic"})
}

func TestDrawingErrors(t *testing.T) {
	for _, tc := range []struct{ typ, detail, want string }{
		{"u-d-c-c", `<shape><ellipse major='x' minor='1'/></shape>`, "<ellipse major"},
		{"u-d-c-c", `<shape><ellipse major='-5' minor='-5'/></shape>`, "<ellipse major"},
		{"u-d-c-c", `<shape><ellipse major='5' minor='5' angle='NaN'/></shape>`, "angle"},
		{"u-d-c-c", `<shape><ellipse major='1e300' minor='1'/></shape>`, "<ellipse major"},
		{"u-r-b-c-c", `<range value='-1'/>`, "<range"},
		{"u-rb-a", `<range value='10'/><bearing value='east'/>`, "<bearing"},
		{"u-d-r", `<link point='31.2'/>`, "link 1"},
	} {
		_, err := cot.Decode(atak("x", tc.typ, atakCentre, tc.detail))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "cot: event x") {
			t.Errorf("%s %s: error %v, want one naming %q and the event", tc.typ, tc.detail, err, tc.want)
		}
	}
}

// TestDestination checks the geodesic against Vincenty's own worked
// example (Survey Review, 1975; Flinders Peak to Buninyong): from
// -37°57'03.72030", 144°25'29.52440" at 306°52'05.37" for 54 972.271 m
// lies -37°39'10.15610", 143°55'35.38390".
func TestDestination(t *testing.T) {
	dms := func(d, m, s float64) float64 { return math.Copysign(math.Abs(d)+m/60+s/3600, d) }
	got := cot.Destination(orb.Point{dms(144, 25, 29.52440), dms(-37, 57, 3.72030)}, dms(306, 52, 5.37), 54972.271)
	want := orb.Point{dms(143, 55, 35.38390), dms(-37, 39, 10.15610)}
	// 1e-7° is about 1 cm.
	if math.Abs(got[0]-want[0]) > 1e-7 || math.Abs(got[1]-want[1]) > 1e-7 {
		t.Errorf("got %.8f, %.8f, want %.8f, %.8f", got[1], got[0], want[1], want[0])
	}
	if p := cot.Destination(orb.Point{179.9999, 0}, 90, 1000); p[0] > -179 || p[0] < -180 {
		t.Errorf("across the antimeridian: %v", p)
	}
}
