package osmimport

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/osm"

	"safetynet/data/store"
)

// Defaults for a camera whose OSM tags do not say: a 2.8 mm lens on a
// 1080p sensor mounted 3 m up, looking 15° down.
const (
	defaultHFOV        = 90
	defaultMountHeight = 3
	defaultTilt        = 15
	defaultResolutionH = 1920
	defaultMaxRange    = 30
)

// names returns the names of an element: name, name:zh (or name:zh-Hans,
// name:zh-Hant) and name:en, byte for byte.
func names(t osm.Tags) store.Names {
	n := store.Names{Name: t.Find("name"), NameEn: t.Find("name:en")}
	for _, k := range [...]string{"name:zh", "name:zh-Hans", "name:zh-Hant"} {
		if v := t.Find(k); v != "" {
			n.NameZh = v
			break
		}
	}
	return n
}

// areaKind returns the layer and class of an area tagged t, or "" when t
// does not describe a building, water or landuse area. A building wins over
// water, water over landuse.
func areaKind(t osm.Tags) (layer, class string) {
	if b := t.Find("building"); b != "" && b != "no" {
		return store.Buildings, buildingUse(t, b)
	}
	landuse := t.Find("landuse")
	switch {
	case t.Find("natural") == "water":
		if w := t.Find("water"); w != "" {
			return store.Water, w
		}
		return store.Water, "water"
	case t.Find("waterway") == "riverbank":
		return store.Water, "river"
	case landuse == "reservoir" || landuse == "basin":
		return store.Water, landuse
	case t.Find("water") != "" && t.Find("water") != "no":
		return store.Water, t.Find("water")
	case landuse != "" && landuse != "no":
		return store.Landuse, landuse
	}
	switch l := t.Find("leisure"); l {
	case "park", "garden", "playground", "pitch", "sports_centre":
		return store.Landuse, l
	}
	if t.Find("amenity") == "parking" {
		return store.Landuse, "parking"
	}
	switch n := t.Find("natural"); n {
	case "grass", "wood", "scrub":
		return store.Landuse, n
	}
	return "", ""
}

// buildingUse returns a building's use: its building value, or its amenity
// when that is only "yes".
func buildingUse(t osm.Tags, building string) string {
	if building == "yes" {
		if a := t.Find("amenity"); a != "" {
			return a
		}
	}
	return building
}

// isRoad reports whether a way tagged t is a road centre line.
func isRoad(t osm.Tags) bool {
	return t.Find("highway") != "" && t.Find("area") != "yes"
}

// facilityKinds returns the store.Facility kinds an element tagged t is.
func facilityKinds(t osm.Tags) []string {
	var kinds []string
	if t.Find("emergency") == "assembly_point" {
		kinds = append(kinds, "assembly_point")
	}
	switch a := t.Find("amenity"); a {
	case "police", "fire_station":
		kinds = append(kinds, a)
	}
	return kinds
}

// camera returns the camera a node tagged t describes, or nil. Geom and
// OSMID are left to the caller.
func camera(t osm.Tags) *store.Camera {
	st := t.Find("surveillance:type")
	if t.Find("man_made") != "surveillance" && st != "camera" {
		return nil
	}
	if st != "" && st != "camera" && st != "ALPR" && st != "ANPR" {
		return nil // a guard or a gunshot detector
	}
	c := &store.Camera{
		Names:       names(t),
		Code:        t.Find("ref"),
		Model:       t.Find("model"),
		MountHeight: defaultMountHeight,
		Tilt:        defaultTilt,
		HFOV:        defaultHFOV,
		ResolutionH: defaultResolutionH,
		MaxRange:    defaultMaxRange,
		Status:      store.CameraOnline,
	}
	dir := t.Find("camera:direction")
	if dir == "" {
		dir = t.Find("direction")
	}
	h, okHeading := parseDirection(dir)
	if okHeading {
		c.Heading = h
	}
	// camera:angle is the camera's angle below the horizontal (OSM wiki,
	// Key:camera:angle), our tilt. OSM has no tag for the field of view,
	// so every imported camera keeps the default of a 2.8 mm lens.
	if a, ok := parseNumber(t.Find("camera:angle")); ok && a >= 0 && a <= 90 {
		c.Tilt = a
	}
	if mh, ok := parseHeight(t.Find("height")); ok && mh > 0 {
		c.MountHeight = mh
	}
	switch t.Find("camera:type") {
	case "dome", "ptz", "panning":
		c.PTZ = true
	}
	c.Estimated = !okHeading
	return c
}

// equipment returns the fire equipment a node tagged t is, or nil.
func equipment(t osm.Tags) *store.Equipment {
	e := &store.Equipment{Names: names(t), Code: t.Find("ref")}
	switch t.Find("emergency") {
	case "fire_hydrant":
		e.Kind = store.HydrantOutdoor
		if t.Find("location") == "indoor" || t.Find("indoor") == "yes" {
			e.Kind = store.HydrantIndoor
		}
	case "fire_extinguisher":
		e.Kind = store.ExtinguisherHandheld
		e.FireClass = t.Find("fire_extinguisher:class")
		if e.FireClass == "" {
			e.FireClass = "ABC"
		}
	case "defibrillator":
		e.Kind = store.Defibrillator
	default:
		return nil
	}
	return e
}

// barrier returns the wall, fence or hedge a way tagged t is, or nil.
// Geom and OSMID are left to the caller. Walls, hedges and fences are
// opaque unless fence_type says one sees through (chain-link, railings,
// metal bars, wire, ...).
func barrier(t osm.Tags) *store.Barrier {
	kind := t.Find("barrier")
	switch kind {
	case store.BarrierWall, store.BarrierFence, store.BarrierHedge, store.BarrierRetainingWall, store.BarrierCityWall:
	default:
		return nil
	}
	b := &store.Barrier{Names: names(t), Kind: kind, Opaque: true}
	if h, ok := parseHeight(t.Find("height")); ok && h > 0 {
		b.Height = h
	}
	if kind == store.BarrierFence {
		switch t.Find("fence_type") {
		case "chain_link", "railing", "metal_bars", "wire", "barbed_wire", "electric", "pole", "split_rail", "rail":
			b.Opaque = false
		}
	}
	return b
}

// accessPoint returns the gate a node tagged t is, or nil.
func accessPoint(t osm.Tags) *store.AccessPoint {
	var kind string
	switch t.Find("barrier") {
	case "lift_gate", "swing_gate", "sliding_gate":
		kind = "vehicle_gate"
	case "wicket_gate":
		kind = "pedestrian_gate" // a small gate for people, often in a larger one
	case "gate":
		kind = "pedestrian_gate"
		for _, k := range [...]string{"motor_vehicle", "vehicle", "motorcar"} {
			switch t.Find(k) {
			case "yes", "permissive", "designated", "destination", "private":
				kind = "vehicle_gate"
			}
		}
	default:
		kind = entranceKind(t.Find("entrance"))
		if kind == "" {
			return nil
		}
	}
	return &store.AccessPoint{Names: names(t), Code: t.Find("ref"), Kind: kind, Hours: t.Find("opening_hours")}
}

// entranceKind is the access point kind of an entrance=* value: "entrance"
// for yes, the value kept before it otherwise (main_entrance,
// service_entrance, emergency_entrance, ...), "exit" for exit, "" for no
// entrance.
func entranceKind(v string) string {
	switch v {
	case "", "no":
		return ""
	case "yes":
		return "entrance"
	case "exit":
		return "exit"
	}
	b := []byte(v)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b) + "_entrance"
}

// compass maps the 16 compass points to degrees clockwise from north.
var compass = map[string]float64{
	"N": 0, "NNE": 22.5, "NE": 45, "ENE": 67.5,
	"E": 90, "ESE": 112.5, "SE": 135, "SSE": 157.5,
	"S": 180, "SSW": 202.5, "SW": 225, "WSW": 247.5,
	"W": 270, "WNW": 292.5, "NW": 315, "NNW": 337.5,
}

// parseDirection parses an OSM direction: degrees clockwise from north
// ("270"), a compass point ("NE"), or a clockwise range ("90-270", "E-W"),
// whose middle it returns. Of a list ("45;90") it takes the first. The
// result is in [0, 360).
func parseDirection(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		return 0, false
	}
	if i := strings.IndexByte(s[1:], '-'); i >= 0 {
		from, ok1 := parseDirection(s[:i+1])
		to, ok2 := parseDirection(s[i+2:])
		if !ok1 || !ok2 {
			return 0, false
		}
		span := math.Mod(to-from+360, 360)
		return math.Mod(from+span/2, 360), true
	}
	if d, ok := compass[strings.ToUpper(s)]; ok {
		return d, true
	}
	d, ok := parseNumber(strings.TrimSuffix(s, "°"))
	if !ok {
		return 0, false
	}
	d = math.Mod(d, 360)
	if d < 0 {
		d += 360
	}
	return d, true
}

// parseHeight parses an OSM height or length into metres: "12", "12 m",
// "12.5m", "12,5 m", "40'", "40'6\"", "40 ft". A list ("12;14") gives its
// first value.
func parseHeight(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	v, ok := parseNumber(s[:i])
	if !ok || v < 0 {
		return 0, false
	}
	unit := strings.TrimSpace(s[i:])
	switch strings.ToLower(unit) {
	case "", "m", "meter", "meters", "metre", "metres":
		return v, true
	case "ft", "feet", "foot", "'":
		return v * 0.3048, true
	}
	// feet and inches: 40'6"
	if rest, ok := strings.CutPrefix(unit, "'"); ok {
		inch := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "\""))
		if in, ok := parseNumber(inch); ok && in >= 0 && in < 12 {
			return v*0.3048 + in*0.0254, true
		}
	}
	return 0, false
}

// parseLevels parses building:levels: a count of storeys, possibly with a
// fraction ("2.5") which it rounds.
func parseLevels(s string) (int, bool) {
	v, ok := parseNumber(s)
	if !ok || v < 0 || v > 1000 {
		return 0, false
	}
	return int(math.Round(v)), true
}

// parseNumber parses a finite decimal number, with "." or "," as the
// decimal separator.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}
