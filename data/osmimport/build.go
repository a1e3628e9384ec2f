package osmimport

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"safetynet/data/store"
)

// nodeCoord is the location of a node.
type nodeCoord struct {
	id osm.NodeID
	p  orb.Point
}

// builder collects the elements of a file and builds features from them.
// Nodes become features as they are read; ways and relations once the
// whole file is read, since they refer to elements anywhere in it.
type builder struct {
	coords   []nodeCoord // sorted by id once build starts
	sorted   bool        // coords arrived in id order
	index    coordIndex
	pts      []orb.Point // scratch for points
	ok       []bool      // scratch for points
	features []store.Feature
	ways     []*osm.Way
	rels     []*osm.Relation
	stats    Stats
}

func newBuilder() *builder {
	return &builder{sorted: true, stats: Stats{Built: map[string]int{}}}
}

// add takes one element from the scanner.
func (b *builder) add(o osm.Object) {
	switch o := o.(type) {
	case *osm.Node:
		b.stats.Nodes++
		if n := len(b.coords); n > 0 && b.coords[n-1].id >= o.ID {
			b.sorted = false
		}
		b.coords = append(b.coords, nodeCoord{o.ID, orb.Point{o.Lon, o.Lat}})
		if len(o.Tags) > 0 {
			b.addNode(o)
		}
	case *osm.Way:
		b.stats.Ways++
		if len(o.Nodes) > 0 {
			b.ways = append(b.ways, o)
		}
	case *osm.Relation:
		b.stats.Relations++
		if o.Tags.Find("type") == "multipolygon" {
			b.rels = append(b.rels, o)
		}
	}
}

// addNode builds the point features of a tagged node.
func (b *builder) addNode(n *osm.Node) {
	b.addPoint(n.Tags, orb.Point{n.Lon, n.Lat}, "node/"+strconv.FormatInt(int64(n.ID), 10))
}

// addPoint builds the point features of a tagged node at p.
func (b *builder) addPoint(t osm.Tags, p orb.Point, id string) {
	if v := t.Find("building"); v != "" && v != "no" {
		b.stats.BuildingNodes++
	}
	if c := camera(t); c != nil {
		c.Geom, c.OSMID = p, id
		b.emit(c)
	}
	if e := equipment(t); e != nil {
		e.Geom, e.OSMID = p, id
		b.emit(e)
	}
	if a := accessPoint(t); a != nil {
		a.Geom, a.OSMID = p, id
		b.emit(a)
	}
	for _, k := range facilityKinds(t) {
		b.emit(&store.Facility{Geom: p, Names: names(t), Kind: k, OSMID: id})
	}
}

func (b *builder) emit(f store.Feature) {
	b.features = append(b.features, f)
	b.stats.Built[f.Layer()]++
}

// build builds the features of the ways and relations and returns all
// features: those of nodes, then of ways, then of relations, each in file
// order. It stops with ctx.Err() when ctx is done.
func (b *builder) build(ctx context.Context) ([]store.Feature, error) {
	if !b.sorted {
		slices.SortStableFunc(b.coords, func(x, y nodeCoord) int {
			switch {
			case x.id < y.id:
				return -1
			case x.id > y.id:
				return 1
			}
			return 0
		})
	}
	b.index = newCoordIndex(b.coords)
	// Relations are built first, aside, to know which outer ways are
	// only their relation's area; their features still come last.
	var inRelation map[osm.WayID]bool
	var relFeatures []store.Feature
	if len(b.rels) > 0 {
		nodes := b.features
		b.features = nil
		inRelation = b.addRelations()
		relFeatures, b.features = b.features, nodes
	}
	for i, w := range b.ways {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		b.addWay(w, inRelation[w.ID])
	}
	b.features = append(b.features, relFeatures...)
	return b.features, ctx.Err()
}

// coord returns the location of node id.
func (b *builder) coord(id osm.NodeID) (orb.Point, bool) {
	i, j := b.index.span(id)
	c := b.coords
	for i < j {
		h := int(uint(i+j) >> 1)
		if c[h].id < id {
			i = h + 1
		} else {
			j = h
		}
	}
	if i < len(c) && c[i].id == id {
		return c[i].p, true
	}
	return orb.Point{}, false
}

// coordIndex narrows the binary search for a node id in sorted coords to
// a bucket of ids: bucket k holds ids min + k<<shift up to the next.
type coordIndex struct {
	min   osm.NodeID
	shift uint
	start []int32 // first index of each bucket, and len(coords) at the end
}

func newCoordIndex(coords []nodeCoord) coordIndex {
	if len(coords) == 0 || len(coords) > math.MaxInt32 {
		return coordIndex{}
	}
	lo, hi := coords[0].id, coords[len(coords)-1].id
	buckets := uint64(len(coords)/4 + 1)
	span := uint64(hi - lo)
	shift := uint(0)
	for span>>shift >= buckets {
		shift++
	}
	n := int(span>>shift) + 1
	x := coordIndex{min: lo, shift: shift, start: make([]int32, n+1)}
	i := 0
	for k := 0; k <= n; k++ {
		for i < len(coords) && int(uint64(coords[i].id-lo)>>shift) < k {
			i++
		}
		x.start[k] = int32(i)
	}
	return x
}

// span returns the part of coords where id can be.
func (x coordIndex) span(id osm.NodeID) (int, int) {
	if len(x.start) == 0 || id < x.min {
		return 0, 0
	}
	k := uint64(id-x.min) >> x.shift
	if k >= uint64(len(x.start)-1) {
		return 0, 0
	}
	return int(x.start[k]), int(x.start[k+1])
}

// points returns the locations of nodes, with ok false for those that are
// not in the file, and how many those are. pts and ok are valid until the
// next call.
func (b *builder) points(nodes osm.WayNodes) (pts []orb.Point, ok []bool, missing int) {
	if cap(b.pts) < len(nodes) {
		b.pts = make([]orb.Point, len(nodes))
		b.ok = make([]bool, len(nodes))
	}
	pts, ok = b.pts[:len(nodes)], b.ok[:len(nodes)]
	for i, n := range nodes {
		pts[i], ok[i] = b.coord(n.ID)
		if !ok[i] {
			missing++
		}
	}
	return pts, ok, missing
}

// addWay builds the features of a way: an area, a road, a barrier, a
// facility. When onlyOuter, the way is the outer ring of a multipolygon
// built with the same feature tags: its area is that relation's, so it
// is not an area (or facility) again; its road or barrier still is.
func (b *builder) addWay(w *osm.Way, onlyOuter bool) {
	t := w.Tags
	if len(t) == 0 {
		return
	}
	layer, class := areaKind(t)
	road := isRoad(t)
	kinds := facilityKinds(t)
	if onlyOuter {
		layer, class, kinds = "", "", nil
	}
	coast := t.Find("natural") == "coastline"
	wall := barrier(t)
	if layer == "" && !road && len(kinds) == 0 && !coast && wall == nil {
		return
	}

	id := "way/" + strconv.FormatInt(int64(w.ID), 10)
	skipped := false
	skip := func(reason string) {
		if !skipped {
			b.stats.SkippedWays++
			skipped = true
		}
		b.stats.skip(reason)
	}
	closed := len(w.Nodes) >= 4 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID
	if coast && !closed {
		skip(id + " natural=coastline: an open coastline is not an area")
	}
	if layer == "" && !road && len(kinds) == 0 && wall == nil {
		return
	}
	pts, ok, missing := b.points(w.Nodes)
	what := label(layer, kinds)

	var area orb.MultiPolygon
	if layer != "" || len(kinds) > 0 {
		switch {
		case missing > 0:
			skip(fmt.Sprintf("%s %s: %d of %d nodes outside the file", id, what, missing, len(pts)))
		case !closed:
			skip(fmt.Sprintf("%s %s: the way is not closed", id, what))
		default:
			if r, ok := cleanRing(pts, orb.CCW); ok {
				area = orb.MultiPolygon{{r}}
			} else {
				skip(fmt.Sprintf("%s %s: the ring has no area", id, what))
			}
		}
	}

	if area != nil {
		b.emitArea(layer, class, area, t, id)
		b.emitFacilities(kinds, area, t, id)
	}
	if wall != nil {
		// A closed barrier (a wall round a plot) stays a line: the ring.
		line := longestRun(pts, ok)
		switch {
		case len(line) < 2 && missing > 0:
			skip(fmt.Sprintf("%s barrier=%s: %d of %d nodes outside the file", id, wall.Kind, missing, len(pts)))
		case len(line) < 2:
			skip(fmt.Sprintf("%s barrier=%s: fewer than 2 distinct points", id, wall.Kind))
		default:
			if missing > 0 {
				b.stats.Clipped++
			}
			wall.Geom, wall.OSMID = line, id
			b.emit(wall)
		}
	}
	if road {
		line := longestRun(pts, ok)
		switch {
		case len(line) < 2 && missing > 0:
			skip(fmt.Sprintf("%s highway: %d of %d nodes outside the file", id, missing, len(pts)))
		case len(line) < 2:
			skip(fmt.Sprintf("%s highway: fewer than 2 distinct points", id))
		default:
			if missing > 0 {
				b.stats.Clipped++
			}
			b.emit(&store.Road{Geom: line, Names: names(t), Class: t.Find("highway"), OSMID: id})
		}
	}
}

// label names what an element was to become, for skip reasons.
func label(layer string, kinds []string) string {
	switch layer {
	case store.Buildings:
		return "building"
	case store.Water:
		return "water"
	case store.Landuse:
		return "landuse"
	}
	if len(kinds) > 0 {
		return kinds[0]
	}
	return "highway"
}

func (b *builder) skipRelation(reason string) {
	b.stats.SkippedRelations++
	b.stats.skip(reason)
}

// emitArea emits the building, water or landuse feature of an area.
func (b *builder) emitArea(layer, class string, mp orb.MultiPolygon, t osm.Tags, id string) {
	switch layer {
	case store.Buildings:
		bl := &store.Building{Geom: mp, Names: names(t), Use: class, OSMID: id}
		if h, ok := parseHeight(t.Find("height")); ok {
			bl.Height = h
		}
		if l, ok := parseLevels(t.Find("building:levels")); ok {
			bl.Levels = l
		}
		b.emit(bl)
	case store.Water:
		b.emit(&store.WaterArea{Geom: mp, Names: names(t), Class: class, OSMID: id})
	case store.Landuse:
		b.emit(&store.Land{Geom: mp, Names: names(t), Class: class, OSMID: id})
	}
}

// emitFacilities emits a facility of each kind at the centroid of mp.
func (b *builder) emitFacilities(kinds []string, mp orb.MultiPolygon, t osm.Tags, id string) {
	if len(kinds) == 0 {
		return
	}
	c, _ := planar.CentroidArea(mp)
	for _, k := range kinds {
		b.emit(&store.Facility{Geom: c, Names: names(t), Kind: k, OSMID: id})
	}
}

// longestRun returns the longest run of consecutive nodes that are in the
// file, as a line without repeated points.
func longestRun(pts []orb.Point, ok []bool) orb.LineString {
	best, bestLen := 0, 0
	for i := 0; i < len(pts); {
		if !ok[i] {
			i++
			continue
		}
		j := i
		for j < len(pts) && ok[j] {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	line := make(orb.LineString, 0, bestLen)
	for _, p := range pts[best : best+bestLen] {
		if len(line) == 0 || line[len(line)-1] != p {
			line = append(line, p)
		}
	}
	return line
}

// cleanRing returns pts as a closed ring without repeated consecutive
// points, in orientation o, and false when it has fewer than 4 points or
// no area.
func cleanRing(pts []orb.Point, o orb.Orientation) (orb.Ring, bool) {
	r := make(orb.Ring, 0, len(pts)+1)
	for _, p := range pts {
		if len(r) == 0 || r[len(r)-1] != p {
			r = append(r, p)
		}
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	if len(r) < 4 {
		return nil, false
	}
	switch r.Orientation() {
	case 0:
		return nil, false
	case o:
	default:
		r.Reverse()
	}
	return r, true
}
