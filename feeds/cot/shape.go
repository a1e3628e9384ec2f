package cot

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"safetynet/feeds/event"
)

// Drawings as ATAK writes them:
//
//	u-d-c-c circle, u-d-c-e ellipse: <shape><ellipse major minor angle/>
//	  around the event's point; major and minor are the semi-axes in
//	  metres, angle the direction of the major axis in degrees clockwise
//	  from true north (360 for a circle).
//	u-r-b-c-c range-bearing circle: the same <shape>, or <range value/>.
//	u-rb-a range and bearing line: from the point, <range value/> metres
//	  toward <bearing value/> degrees.
//	u-d-r rectangle: its four corners as <link point="lat,lon[,hae]"/>,
//	  not repeated at the end.
//	u-d-f free-form, u-d-p polygon: <link point/> vertices, closed when
//	  the last repeats the first (or <closed value="true"/>).
//	u-d-f-m telestration: one <link line="..."/> per stroke, each holding
//	  a whole u-d-f <event> (escaped) whose <link point/>s are the stroke.
//	__geofence on any of them: the trigger, monitor, elevation limits
//	  and tracking of an ATAK geofence.

// CircleVertices is how many vertices a circle or ellipse is drawn with.
const CircleVertices = 64

// maxRadius is the largest circle, ellipse or range kept (metres): half
// the earth's circumference.
const maxRadius = 20_000_000

type xmlValue struct {
	Value string `xml:"value,attr"`
}

type xmlShape struct {
	Ellipse *struct {
		Major string `xml:"major,attr"`
		Minor string `xml:"minor,attr"`
		Angle string `xml:"angle,attr"`
	} `xml:"ellipse"`
}

type xmlAttrs struct {
	Attrs []xml.Attr `xml:",any,attr"`
}

// drawing sets the geometry and measures of a drawing (types u-d-*,
// u-r-b-*, u-rb-*) or route (b-m-r*) from its detail.
func drawing(cotType string, e *event.Event, d *xmlDetail) error {
	center, hasCenter := e.Geometry.(orb.Point)
	if g := d.Geofence; g != nil {
		e.Properties["geofence"] = true
		for _, a := range g.Attrs {
			name := strings.TrimSpace(a.Name.Local)
			v := strings.TrimSpace(a.Value)
			if name == "" || v == "" || len(name) > 64 {
				continue
			}
			key := "geofence_" + name
			switch f, err := strconv.ParseFloat(v, 64); {
			case strings.EqualFold(v, "nan"):
				// ATAK writes NaN for an elevation limit that is not set.
			case err == nil && !math.IsInf(f, 0):
				e.Properties[key] = f
			case v == "true" || v == "false":
				e.Properties[key] = v == "true"
			default:
				e.Properties[key] = v
			}
		}
	}
	var rangeM, bearing float64
	var hasRange, hasBearing bool
	if d.Range != nil {
		v, err := strconv.ParseFloat(strings.TrimSpace(d.Range.Value), 64)
		if err != nil || !(v >= 0 && v <= maxRadius) {
			return fmt.Errorf("<range value=%q> is not a distance in metres (0 to %d)", d.Range.Value, maxRadius)
		}
		rangeM, hasRange = v, true
		e.Properties["range_m"] = v
	}
	if d.Bearing != nil {
		v, err := strconv.ParseFloat(strings.TrimSpace(d.Bearing.Value), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("<bearing value=%q> is not a bearing in degrees", d.Bearing.Value)
		}
		bearing, hasBearing = math.Mod(v+360, 360), true
		e.Properties["bearing_deg"] = bearing
	}
	if d.NorthRef != nil {
		if v := strings.TrimSpace(d.NorthRef.Value); v != "" {
			e.Properties["north_ref"] = map[string]string{"0": "true", "1": "magnetic", "2": "grid"}[v]
			if e.Properties["north_ref"] == "" {
				delete(e.Properties, "north_ref")
			}
		}
	}

	switch {
	case d.Shape != nil && d.Shape.Ellipse != nil:
		el := d.Shape.Ellipse
		major, err1 := strconv.ParseFloat(strings.TrimSpace(el.Major), 64)
		minor, err2 := strconv.ParseFloat(strings.TrimSpace(el.Minor), 64)
		if err1 != nil || err2 != nil || !(major > 0 && major <= maxRadius) || !(minor > 0 && minor <= maxRadius) {
			return fmt.Errorf("<ellipse major=%q minor=%q> are not semi-axes in metres (above 0, at most %d)", el.Major, el.Minor, maxRadius)
		}
		angle := 0.0
		if s := strings.TrimSpace(el.Angle); s != "" {
			a, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
				return fmt.Errorf("<ellipse angle=%q> is not an angle in degrees", el.Angle)
			}
			angle = math.Mod(math.Mod(a, 360)+360, 360)
		}
		if major == minor {
			e.Properties["radius_m"] = major
		}
		e.Properties["major_m"], e.Properties["minor_m"], e.Properties["angle_deg"] = major, minor, angle
		if hasCenter {
			e.Properties["center"] = []float64{center[0], center[1]}
			e.Geometry = Ellipse(center, major, minor, angle, CircleVertices)
		}
		return nil
	case strings.HasPrefix(cotType, "u-r-b-c-c") && hasRange:
		if rangeM <= 0 {
			return fmt.Errorf("<range value=%q>: a range circle needs a radius above 0", d.Range.Value)
		}
		e.Properties["radius_m"] = rangeM
		if hasCenter {
			e.Properties["center"] = []float64{center[0], center[1]}
			e.Geometry = Ellipse(center, rangeM, rangeM, 0, CircleVertices)
		}
		return nil
	case strings.HasPrefix(cotType, "u-rb-a") && hasRange && hasBearing:
		if hasCenter {
			e.Geometry = orb.LineString{center, Destination(center, bearing, rangeM)}
		}
		return nil
	case strings.HasPrefix(cotType, "u-d-f-m"):
		var ml orb.MultiLineString
		n := 0
		for i, l := range d.Link {
			if strings.TrimSpace(l.Line) == "" {
				continue
			}
			var stroke struct {
				Detail *struct {
					Link []xmlLink `xml:"link"`
				} `xml:"detail"`
			}
			if err := xml.NewDecoder(bytes.NewReader([]byte(l.Line))).Decode(&stroke); err != nil {
				return fmt.Errorf("link %d: line is not a CoT stroke: %v", i+1, err)
			}
			if stroke.Detail == nil {
				continue
			}
			g, err := shape(stroke.Detail.Link, false)
			if err != nil {
				return fmt.Errorf("link %d: line: %w", i+1, err)
			}
			var ls orb.LineString
			switch g := g.(type) {
			case orb.LineString:
				ls = g
			case orb.Polygon:
				ls = orb.LineString(g[0])
			default:
				continue
			}
			if n += len(ls); n > event.MaxVertices {
				return fmt.Errorf("more than %d points in the strokes", event.MaxVertices)
			}
			ml = append(ml, ls)
		}
		if len(ml) > 0 {
			e.Geometry = ml
			e.Properties["strokes"] = len(ml)
		}
		return nil
	}
	closed := strings.HasPrefix(cotType, "u-d-r") || (d.Closed != nil && strings.TrimSpace(d.Closed.Value) == "true")
	g, err := shape(d.Link, closed)
	if err != nil {
		return err
	}
	if g != nil {
		e.Geometry = g
	}
	return nil
}

// shape turns the waypoints of a drawing or route (<link point="lat,lon">)
// into a Polygon when they close (or closed is set and there are at least
// 3), otherwise a LineString; nil for fewer than 2.
func shape(links []xmlLink, closed bool) (orb.Geometry, error) {
	var ls orb.LineString
	for i, l := range links {
		if strings.TrimSpace(l.Point) == "" {
			continue
		}
		parts := strings.Split(l.Point, ",")
		if len(parts) < 2 {
			return nil, fmt.Errorf("link %d: point %q is not lat,lon", i+1, l.Point)
		}
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		if err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
			return nil, fmt.Errorf("link %d: point %q is not lat,lon in degrees", i+1, l.Point)
		}
		if len(ls) >= event.MaxVertices-1 {
			return nil, fmt.Errorf("more than %d waypoints", event.MaxVertices-1)
		}
		ls = append(ls, orb.Point{lon, lat})
	}
	isClosed := len(ls) >= 4 && ls[0] == ls[len(ls)-1]
	switch {
	case isClosed:
		return orb.Polygon{orb.Ring(ls)}, nil
	case closed && len(ls) >= 3:
		return orb.Polygon{append(orb.Ring(ls), ls[0])}, nil
	case len(ls) >= 2:
		return ls, nil
	}
	return nil, nil
}

// Ellipse returns a closed ring of n vertices (plus the closing one)
// around center (lon, lat) with semi-axes major and minor in metres, the
// major axis toward angle degrees clockwise from true north, each vertex
// placed on the WGS 84 ellipsoid (Vincenty's direct formula).
func Ellipse(center orb.Point, major, minor, angle float64, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		t := 2 * math.Pi * float64(k) / float64(n)
		a, b := major*math.Cos(t), minor*math.Sin(t)
		brg := angle + math.Atan2(b, a)*180/math.Pi
		ring = append(ring, Destination(center, brg, math.Hypot(a, b)))
	}
	return orb.Polygon{append(ring, ring[0])}
}

// WGS 84.
const (
	wgsA = 6378137.0
	wgsF = 1 / 298.257223563
	wgsB = wgsA * (1 - wgsF)
)

// Destination returns the point (lon, lat) dist metres from p toward
// bearing degrees (clockwise from true north) along the geodesic of the
// WGS 84 ellipsoid (Vincenty's direct formula, good to well under a
// millimetre).
func Destination(p orb.Point, bearing, dist float64) orb.Point {
	if dist == 0 {
		return p
	}
	rad := math.Pi / 180
	alpha1 := bearing * rad
	sinA1, cosA1 := math.Sincos(alpha1)
	tanU1 := (1 - wgsF) * math.Tan(p[1]*rad)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	sigma1 := math.Atan2(tanU1, cosA1)
	sinAlpha := cosU1 * sinA1
	cos2Alpha := 1 - sinAlpha*sinAlpha
	u2 := cos2Alpha * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	sigma := dist / (wgsB * A)
	var sinS, cosS, cos2Sm float64
	for range 200 {
		cos2Sm = math.Cos(2*sigma1 + sigma)
		sinS, cosS = math.Sincos(sigma)
		dS := B * sinS * (cos2Sm + B/4*(cosS*(-1+2*cos2Sm*cos2Sm)-B/6*cos2Sm*(-3+4*sinS*sinS)*(-3+4*cos2Sm*cos2Sm)))
		next := dist/(wgsB*A) + dS
		if math.Abs(next-sigma) < 1e-12 {
			sigma = next
			break
		}
		sigma = next
	}
	cos2Sm = math.Cos(2*sigma1 + sigma)
	sinS, cosS = math.Sincos(sigma)
	x := sinU1*sinS - cosU1*cosS*cosA1
	lat2 := math.Atan2(sinU1*cosS+cosU1*sinS*cosA1, (1-wgsF)*math.Sqrt(sinAlpha*sinAlpha+x*x))
	lambda := math.Atan2(sinS*sinA1, cosU1*cosS-sinU1*sinS*cosA1)
	C := wgsF / 16 * cos2Alpha * (4 + wgsF*(4-3*cos2Alpha))
	L := lambda - (1-C)*wgsF*sinAlpha*(sigma+C*sinS*(cos2Sm+C*cosS*(-1+2*cos2Sm*cos2Sm)))
	lon2 := p[0] + L/rad
	for lon2 > 180 {
		lon2 -= 360
	}
	for lon2 < -180 {
		lon2 += 360
	}
	lat := lat2 / rad
	return orb.Point{lon2, max(-90, min(90, lat))}
}

// isDrawing reports whether a CoT type is a drawing or route whose detail
// carries its geometry.
func isDrawing(t string) bool {
	for _, p := range []string{"u-d-", "u-r-b-", "u-rb-", "b-m-r"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
