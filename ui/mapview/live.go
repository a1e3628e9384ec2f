package mapview

import (
	"image"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"safetynet/geo/viewport"
	"safetynet/icons"
)

// LiveKind is what a live item is.
type LiveKind int

// Kinds of live items.
const (
	// LiveAlert is an alert: a pin standing on its place, with a glyph by
	// family, coloured and sized by severity, or an area (a CAP area)
	// drawn as a filled shape with its pin at the middle. Alerts close
	// together on screen are drawn as one pin with their count.
	LiveAlert LiveKind = iota
	// LiveUnit is a patrol unit: a marker with its heading, its trail and
	// its callsign.
	LiveUnit
)

// LiveItem is one thing on the map's live layer, drawn above the safety
// layers: alerts above units.
type LiveItem struct {
	// ID names the item; OnSelectLive reports it.
	ID   string
	Kind LiveKind
	// Geometry is in longitude/latitude (EPSG:4326): an orb.Point draws a
	// symbol, an orb.Polygon or orb.MultiPolygon a filled area (with the
	// symbol at its middle), an orb.LineString a line, an orb.MultiLineString its lines. nil is not drawn;
	// neither is geometry with NaN, infinite or out-of-range coordinates.
	Geometry orb.Geometry
	// Family is the event type family: fire, intrusion, access, alarm,
	// medical, camera, equipment, patrol, track, rule or other. It chooses
	// an alert's symbol: fire, intrusion, access, medical, camera (a
	// camera fault) and rule (an early warning) have their own; the others
	// share the generic alarm bell.
	Family string
	// Severity is 0 unknown, 1 minor, 2 moderate, 3 severe, 4 extreme; it
	// chooses an alert's colour and size.
	Severity int
	// Heading is a unit's direction of travel, degrees clockwise from
	// north; NaN when unknown.
	Heading float64
	// Stale items are drawn greyed; Drill items with a dashed ring and a
	// DRILL tag (a cluster only when none of its fresh alerts is real);
	// New severe and extreme alerts pulse; the Selected item has a halo,
	// its label and is never merged into a cluster.
	Stale, Drill, New, Selected bool
	// Trail is a unit's last positions, oldest first, longitude/latitude.
	Trail []orb.Point
	// Label is short text drawn beside units (the callsign), the selected
	// alert and severe alerts (the title) where there is room for it, and
	// shown in the hover tooltip.
	Label string
	// Time is when the alert was raised or last repeated. When labels do
	// not all fit, the newer of two equally severe alerts keeps its label;
	// the zero time counts as the oldest.
	Time time.Time
}

// liveItem is a LiveItem checked and projected to normalised web mercator.
type liveItem struct {
	id, label  string
	time       time.Time
	kind       LiveKind
	symbol     string // icons glyph of an alert
	family     string
	sev        int
	heading    float64 // NaN when unknown
	stale      bool
	drill      bool
	isNew      bool
	sel        bool
	at         orb.Point     // where the symbol is drawn
	rings      [][]orb.Point // areas: polygon rings; lines: one line
	holes      []bool
	line       bool
	bound      orb.Bound // of the rings, or of at and the trail
	trail      []orb.Point
	screenSize float64 // of the symbol, logical pixels
}

// liveSet is a SetLive call's items as drawn: built once on the UI
// goroutine, then only read, shared with the live goroutine.
type liveSet struct {
	items []liveItem
	// Draw order, bottom to top: areas and lines, units, point alerts.
	areas, units, alerts []int
}

// liveCams is the set of highlighted cameras; a new value per call, so
// that its pointer tells a change.
type liveCams struct {
	fids map[int64]bool
}

// liveFrame is a drawing of the live layer and the view it shows, with
// where its labels and alert symbols went (logical pixels of view).
type liveFrame struct {
	img     *image.RGBA
	view    viewport.Viewport
	labels  []placedLabel
	symbols []liveBox
}

// liveKey tells whether the live drawing asked for last is still the
// right one.
type liveKey struct {
	view   viewport.Viewport
	set    *liveSet
	cams   *liveCams
	data   *overlayData
	fovOn  bool
	picked string
	dark   bool
}

// liveLayer is the state of the live layer. mu is taken after Map.mu when
// both are needed, never before.
type liveLayer struct {
	mu       sync.Mutex
	set      *liveSet
	stamp    uint64
	hidden   bool
	cams     *liveCams
	picked   string // clicked, drawn selected until the next SetLive
	onDrawn  func(stamp uint64, at time.Time)
	reported *liveSet // the set whose first frame was reported
	frame    liveFrame
	asked    liveKey
	next     *liveJob

	once  sync.Once
	kick  chan struct{}
	spare spareImage
}

// SetLive replaces the live layer with items, tagged stamp (reported by
// OnLiveDrawn once drawn). It projects the items at once and draws them
// in the background: it is cheap on the Fyne goroutine, and neither the
// basemap nor the safety layers are drawn again. Items whose geometry is
// nil or invalid are skipped. The map keeps no reference to items or
// their slices after SetLive returns.
func (m *Map) SetLive(items []LiveItem, stamp uint64) {
	set := newLiveSet(items)
	m.live.mu.Lock()
	m.live.set = set
	m.live.stamp = stamp
	m.live.picked = ""
	hidden := m.live.hidden
	fn := m.live.onDrawn
	if hidden {
		m.live.reported = set
	}
	m.live.mu.Unlock()
	m.Refresh()
	if hidden && fn != nil {
		fn(stamp, time.Now()) // nothing of the layer is on show
	}
}

// OnLiveDrawn calls fn on the Fyne goroutine once the first frame showing
// the items of a SetLive call is ready to paint, with that call's stamp
// and the time. When calls come faster than frames, the items of the
// calls overtaken before they were drawn are never shown, and their
// stamps never reported. nil stops the calls.
func (m *Map) OnLiveDrawn(fn func(stamp uint64, at time.Time)) {
	m.live.mu.Lock()
	m.live.onDrawn = fn
	m.live.mu.Unlock()
}

// HighlightCameras draws the fields of view of the cameras fids (camera
// layer fids) emphasised, above the safety layers: the cameras that see
// the selected alert. They show while the cameras and their fields of
// view are shown (SetLayerVisible). nil or empty clears the highlight.
func (m *Map) HighlightCameras(fids []int64) {
	var c *liveCams
	if len(fids) > 0 {
		c = &liveCams{fids: make(map[int64]bool, len(fids))}
		for _, f := range fids {
			c.fids[f] = true
		}
	}
	m.live.mu.Lock()
	m.live.cams = c
	m.live.mu.Unlock()
	m.Refresh()
}

// SetLiveVisible shows or hides the live layer.
func (m *Map) SetLiveVisible(on bool) {
	m.live.mu.Lock()
	changed := m.live.hidden == on
	m.live.hidden = !on
	m.live.mu.Unlock()
	if changed {
		m.Refresh()
	}
}

// LiveVisible reports whether the live layer is shown.
func (m *Map) LiveVisible() bool {
	m.live.mu.Lock()
	defer m.live.mu.Unlock()
	return !m.live.hidden
}

// Severity colours and symbol sizes of live alerts.
const (
	liveMaxSeverity = 4
	unitRadius      = 7.0 // logical pixels
)

var liveSizes = [liveMaxSeverity + 1]float64{18, 19, 21, 25, 29}

// validLonLat reports whether p is a finite longitude/latitude.
func validLonLat(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
}

// projectRing projects r, or returns false when a point is invalid.
func projectRing(r []orb.Point) ([]orb.Point, bool) {
	out := make([]orb.Point, len(r))
	for i, p := range r {
		if !validLonLat(p) {
			return nil, false
		}
		out[i] = viewport.Project(p)
	}
	return out, true
}

// alertSymbol is the glyph of an alert of family.
func alertSymbol(family string) string {
	switch strings.ToLower(family) {
	case "fire":
		return icons.AlertFire
	case "intrusion":
		return icons.AlertIntrusion
	case "access":
		return icons.AlertAccess
	case "medical":
		return icons.AlertMedical
	case "camera":
		return icons.AlertCamera
	case "rule":
		return icons.AlertRule
	}
	return icons.AlertAlarm
}

// newLiveSet checks and projects items.
func newLiveSet(items []LiveItem) *liveSet {
	s := &liveSet{items: make([]liveItem, 0, len(items))}
	for _, in := range items {
		it, ok := prepareLive(in)
		if ok {
			s.items = append(s.items, it)
		}
	}
	for i, it := range s.items {
		switch {
		case it.kind == LiveUnit:
			s.units = append(s.units, i)
		case it.rings != nil:
			s.areas = append(s.areas, i)
			if !it.line {
				s.alerts = append(s.alerts, i) // its symbol, at its middle
			}
		default:
			s.alerts = append(s.alerts, i)
		}
	}
	for _, order := range [][]int{s.areas, s.units, s.alerts} {
		sort.SliceStable(order, func(a, b int) bool { return liveRank(&s.items[order[a]]) < liveRank(&s.items[order[b]]) })
	}
	return s
}

// prepareLive checks and projects one item; false when it is not drawn.
func prepareLive(in LiveItem) (liveItem, bool) {
	it := liveItem{
		id: in.ID, label: in.Label, time: in.Time, kind: in.Kind, family: in.Family,
		sev: max(0, min(liveMaxSeverity, in.Severity)), heading: in.Heading,
		stale: in.Stale, drill: in.Drill, isNew: in.New, sel: in.Selected,
	}
	if math.IsInf(it.heading, 0) {
		it.heading = math.NaN()
	}
	if it.kind != LiveUnit {
		it.kind = LiveAlert
		it.symbol = alertSymbol(in.Family)
		it.screenSize = liveSizes[it.sev]
	} else {
		it.screenSize = 2 * unitRadius
	}
	addPoly := func(p orb.Polygon) bool {
		for i, r := range p {
			ring, ok := projectRing(r)
			if !ok {
				return false
			}
			if len(ring) < 3 {
				if i == 0 {
					return true // no outer ring: nothing of it is drawn
				}
				continue
			}
			it.rings = append(it.rings, ring)
			it.holes = append(it.holes, i > 0)
		}
		return true
	}
	shape := true
	switch g := in.Geometry.(type) {
	case orb.Point:
		shape = false
		if !validLonLat(g) {
			return it, false
		}
		it.at = viewport.Project(g)
		it.bound = orb.Bound{Min: it.at, Max: it.at}
	case orb.Polygon:
		if !addPoly(g) {
			return it, false
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !addPoly(p) {
				return it, false
			}
		}
	case orb.LineString:
		ring, ok := projectRing(g)
		if !ok || len(ring) < 2 {
			return it, false
		}
		it.rings, it.holes, it.line = [][]orb.Point{ring}, []bool{false}, true
	case orb.MultiLineString: // a freehand drawing of several strokes
		for _, l := range g {
			ring, ok := projectRing(l)
			if !ok {
				return it, false
			}
			if len(ring) >= 2 {
				it.rings, it.holes = append(it.rings, ring), append(it.holes, false)
			}
		}
		it.line = true
	default:
		return it, false
	}
	if shape {
		if len(it.rings) == 0 {
			return it, false
		}
		it.bound = boundOf(it.rings[0])
		for _, r := range it.rings[1:] {
			it.bound = it.bound.Union(boundOf(r))
		}
		it.at = it.bound.Center()
		if it.kind == LiveUnit {
			it.at = it.rings[0][len(it.rings[0])-1]
			it.rings, it.holes, it.line = nil, nil, false
			it.bound = orb.Bound{Min: it.at, Max: it.at}
		}
	}
	if it.kind == LiveUnit {
		for _, p := range in.Trail {
			if validLonLat(p) {
				q := viewport.Project(p)
				it.trail = append(it.trail, q)
				it.bound = it.bound.Extend(q)
			}
		}
	}
	return it, true
}

// liveHit is what of the live layer lies under a screen point: an item,
// or a cluster of alerts.
type liveHit struct {
	item    liveItem
	cluster int       // alerts in the cluster; 0 for an item
	at      orb.Point // screen position of the alert's or cluster's pin tip
}

// hitGroup returns the index in gs of the alert pin under screen point
// q: its head or its tail; -1 for none.
func hitGroup(gs []liveGroup, q orb.Point) int {
	best, bestD := -1, math.Inf(1)
	for k := len(gs) - 1; k >= 0; k-- {
		g := &gs[k]
		hc, r := g.head()
		d := math.Hypot(hc[0]-q[0], hc[1]-q[1])
		if d > r+2 {
			if q[1] < hc[1] || q[1] > g.at[1]+2 || math.Abs(q[0]-g.at[0]) > 4 {
				continue
			}
			d = r // on the tail
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// hit returns the live item or cluster drawn topmost at screen point q
// of v.
func (s *liveSet) hit(v viewport.Viewport, q orb.Point) (liveHit, bool) {
	if s == nil {
		return liveHit{}, false
	}
	gs := s.groups(v)
	if k := hitGroup(gs, q); k >= 0 {
		g := gs[k]
		if len(g.members) > 1 {
			return liveHit{cluster: len(g.members), at: g.at}, true
		}
		return liveHit{item: s.items[g.members[0]], at: g.at}, true
	}
	best, bestD := -1, math.Inf(1)
	for k := len(s.units) - 1; k >= 0; k-- {
		it := s.items[s.units[k]]
		p := v.MercatorToScreen(it.at)
		d := math.Hypot(p[0]-q[0], p[1]-q[1])
		if d <= it.screenSize/2+4 && d < bestD {
			best, bestD = s.units[k], d
		}
	}
	if best >= 0 {
		return liveHit{item: s.items[best]}, true
	}
	m := v.ToMercator(q)
	tol := 5 / v.WorldSize()
	for k := len(s.areas) - 1; k >= 0; k-- {
		it := s.items[s.areas[k]]
		if !it.bound.Pad(tol).Contains(m) {
			continue
		}
		if it.line {
			for _, r := range it.rings {
				if planar.DistanceFrom(orb.LineString(r), m) <= tol {
					return liveHit{item: it}, true
				}
			}
			continue
		}
		in, hole := false, false
		for i, r := range it.rings {
			if planar.RingContains(orb.Ring(r), m) {
				if it.holes[i] {
					hole = true
				} else {
					in = true
				}
			}
		}
		if in && !hole {
			return liveHit{item: it}, true
		}
	}
	return liveHit{}, false
}

// together returns the point alerts of s whose pins in view v have their
// tips within liveSame pixels of at, most important first (the selection
// aside), then by ID.
func (s *liveSet) together(v viewport.Viewport, at orb.Point) []*liveItem {
	var out []*liveItem
	for _, i := range s.alerts {
		it := &s.items[i]
		p := v.MercatorToScreen(it.at)
		if math.Hypot(p[0]-at[0], p[1]-at[1]) <= liveSame {
			out = append(out, it)
		}
	}
	plain := func(it *liveItem) int {
		r := liveRank(it)
		if it.sel {
			r -= 100
		}
		return r
	}
	sort.SliceStable(out, func(a, b int) bool {
		if x, y := plain(out[a]), plain(out[b]); x != y {
			return x > y
		}
		return out[a].id < out[b].id
	})
	return out
}

// liveAt returns the live item or cluster under screen point q, when the
// layer is shown.
func (m *Map) liveAt(v viewport.Viewport, q orb.Point) (liveHit, bool) {
	m.live.mu.Lock()
	set, hidden := m.live.set, m.live.hidden
	m.live.mu.Unlock()
	if hidden {
		return liveHit{}, false
	}
	return set.hit(v, q)
}

// tapLive selects the live item under q, or zooms in on the cluster
// there, and reports whether there was one. Alerts at one place, which
// no zoom parts, are selected one after the other by repeated clicks.
func (m *Map) tapLive(q orb.Point) bool {
	v := m.View()
	h, ok := m.liveAt(v, q)
	if !ok {
		return false
	}
	if h.cluster > 0 && v.Zoom < clusterMaxZoom {
		m.setView(func(v viewport.Viewport) viewport.Viewport {
			return v.ZoomAt(h.at, math.Min(2, clusterMaxZoom+0.01-v.Zoom))
		})
		return true
	}
	id := h.item.id
	if h.item.kind == LiveAlert && v.Zoom >= clusterMaxZoom {
		m.live.mu.Lock()
		set, picked := m.live.set, m.live.picked
		m.live.mu.Unlock()
		if all := set.together(v, h.at); len(all) > 0 && (h.cluster > 0 || len(all) > 1) {
			next := 0
			for k, it := range all {
				if picked != "" && it.id == picked || picked == "" && it.sel {
					next = (k + 1) % len(all)
				}
			}
			id = all[next].id
		}
	}
	m.live.mu.Lock()
	m.live.picked = id
	m.live.mu.Unlock()
	m.Refresh()
	if m.OnSelectLive != nil {
		m.OnSelectLive(id)
	}
	return true
}

// liveTooltip returns the tooltip of the live item under q, if any. It
// may be called with Map.mu held.
func (m *Map) liveTooltip(v viewport.Viewport, q orb.Point) (tooltip, bool) {
	h, ok := m.liveAt(v, q)
	if !ok {
		return tooltip{}, false
	}
	if h.cluster > 0 {
		detail := lang.L("Click to zoom in")
		if v.Zoom >= clusterMaxZoom {
			detail = lang.L("Click again for the next one")
		}
		return tooltip{
			title:  lang.L("{{.Count}} × {{.Layer}}", map[string]any{"Count": h.cluster, "Layer": lang.L("Alert")}),
			detail: detail,
			at:     q,
		}, true
	}
	it := h.item
	title := it.label
	if title == "" {
		title = it.id
	}
	var detail []string
	if it.kind == LiveUnit {
		detail = append(detail, lang.L("Patrol unit"))
	} else {
		detail = append(detail, lang.L("Alert"), severityWord(it.sev))
	}
	if it.drill {
		detail = append(detail, lang.L("DRILL"))
	}
	if it.stale {
		detail = append(detail, lang.L("Stale"))
	}
	return tooltip{title: title, detail: strings.Join(detail, " · "), at: q}, true
}

// severityWord names severity s (0 to 4) in the interface language.
func severityWord(s int) string {
	switch s {
	case 1:
		return lang.L("Minor")
	case 2:
		return lang.L("Moderate")
	case 3:
		return lang.L("Severe")
	case 4:
		return lang.L("Extreme")
	}
	return lang.L("Unknown severity")
}
