package osmimport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
)

// segment is a member way of a multipolygon, or a chain of them: node ids
// and their locations.
type segment struct {
	ids []osm.NodeID
	pts []orb.Point
}

func (s segment) closed() bool {
	return len(s.ids) >= 4 && s.ids[0] == s.ids[len(s.ids)-1]
}

// addRelations builds the features of the multipolygon relations and
// returns the outer member ways whose own area is the relation's: their
// feature tags are the relation's (or the relation, old style, has none
// and takes theirs), so the relation's polygon, holes and all, is that
// area and the way is not an area again.
func (b *builder) addRelations() map[osm.WayID]bool {
	type wanted struct {
		r            *osm.Relation
		tags         osm.Tags
		layer, class string
		kinds        []string
	}
	ways := map[osm.WayID]*osm.Way{}
	for _, r := range b.rels {
		for _, m := range r.Members {
			if m.Type == osm.TypeWay {
				ways[osm.WayID(m.Ref)] = nil
			}
		}
	}
	for _, w := range b.ways {
		if _, ok := ways[w.ID]; ok {
			ways[w.ID] = w
		}
	}
	var rels []wanted
	for _, r := range b.rels {
		tags := r.Tags
		layer, class := areaKind(tags)
		kinds := facilityKinds(tags)
		if layer == "" && len(kinds) == 0 && len(featureTags(tags)) == 0 {
			// Old style: the tags are on the outer ways, all the same.
			tags = outerTags(r, ways)
			layer, class = areaKind(tags)
			kinds = facilityKinds(tags)
		}
		if layer == "" && len(kinds) == 0 {
			continue
		}
		rels = append(rels, wanted{r, tags, layer, class, kinds})
	}
	same := map[osm.WayID]bool{}
	for _, w := range rels {
		id := "relation/" + strconv.FormatInt(int64(w.r.ID), 10)
		what := label(w.layer, w.kinds)
		mp, members, missing := b.multipolygon(w.r, ways)
		if len(mp) == 0 {
			if missing > 0 {
				b.skipRelation(fmt.Sprintf("%s %s: %d of %d member ways outside the file", id, what, missing, members))
			} else {
				b.skipRelation(fmt.Sprintf("%s %s: its member ways make no closed outer ring", id, what))
			}
			continue
		}
		if missing > 0 {
			b.stats.Clipped++
		}
		b.emitArea(w.layer, w.class, mp, w.tags, id)
		b.emitFacilities(w.kinds, mp, w.tags, id)
		rt := featureTags(w.tags)
		for _, m := range w.r.Members {
			if m.Type != osm.TypeWay || m.Role == "inner" {
				continue
			}
			if way := ways[osm.WayID(m.Ref)]; way != nil && subset(featureTags(way.Tags), rt) {
				same[way.ID] = true
			}
		}
	}
	return same
}

// outerTags returns the tags of the outer member ways of r when they all
// have the same feature tags, else nil.
func outerTags(r *osm.Relation, ways map[osm.WayID]*osm.Way) osm.Tags {
	var tags osm.Tags
	var ft map[string]string
	for _, m := range r.Members {
		if m.Type != osm.TypeWay || m.Role == "inner" {
			continue
		}
		w := ways[osm.WayID(m.Ref)]
		if w == nil {
			continue
		}
		f := featureTags(w.Tags)
		if tags == nil {
			tags, ft = w.Tags, f
			continue
		}
		if !subset(f, ft) || !subset(ft, f) {
			return nil
		}
	}
	return tags
}

// featureTags returns the tags of t that describe a feature: all but
// type, area and the bookkeeping keys (source, note, fixme, created_by).
func featureTags(t osm.Tags) map[string]string {
	m := map[string]string{}
	for _, tg := range t {
		switch k := tg.Key; {
		case k == "type" || k == "area" || k == "note" || k == "fixme" || k == "FIXME" || k == "created_by":
		case k == "source" || strings.HasPrefix(k, "source:"):
		default:
			m[k] = tg.Value
		}
	}
	return m
}

// subset reports whether every tag of a is in b with the same value.
func subset(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// multipolygon assembles the area of relation r from its outer and inner
// member ways: outer rings counter-clockwise, inner rings clockwise, each
// inner ring in the smallest outer ring that holds it. Member ways that are
// not in the file, or reach nodes that are not, are left out and counted
// in missing; rings that do not close without them are dropped.
func (b *builder) multipolygon(r *osm.Relation, ways map[osm.WayID]*osm.Way) (mp orb.MultiPolygon, members, missing int) {
	var outer, inner []segment
	for _, m := range r.Members {
		if m.Type != osm.TypeWay || (m.Role != "outer" && m.Role != "inner" && m.Role != "") {
			continue
		}
		members++
		w := ways[osm.WayID(m.Ref)]
		if w == nil {
			missing++
			continue
		}
		s := segment{ids: make([]osm.NodeID, len(w.Nodes)), pts: make([]orb.Point, len(w.Nodes))}
		complete := true
		for i, n := range w.Nodes {
			s.ids[i] = n.ID
			var ok bool
			if s.pts[i], ok = b.coord(n.ID); !ok {
				complete = false
				break
			}
		}
		if !complete {
			missing++
			continue
		}
		if m.Role == "inner" {
			inner = append(inner, s)
		} else {
			outer = append(outer, s)
		}
	}

	var polys orb.MultiPolygon
	var areas []float64
	for _, s := range joinRings(outer) {
		if r, ok := cleanRing(s.pts, orb.CCW); ok {
			polys = append(polys, orb.Polygon{r})
			areas = append(areas, math.Abs(planar.Area(r)))
		}
	}
	if len(polys) == 0 {
		return nil, members, missing
	}
	for _, s := range joinRings(inner) {
		h, ok := cleanRing(s.pts, orb.CW)
		if !ok {
			continue
		}
		best := -1
		for i, p := range polys {
			if (best < 0 || areas[i] < areas[best]) && ringWithin(h, p[0], len(polys) == 1) {
				best = i
			}
		}
		if best >= 0 {
			polys[best] = append(polys[best], h)
		}
	}
	return polys, members, missing
}

// ringWithin reports whether ring in lies within ring out (touching its
// boundary is within). When only is true, out is the only candidate and a
// bounding box test is enough.
func ringWithin(in, out orb.Ring, only bool) bool {
	ob := out.Bound()
	ib := in.Bound()
	if !ob.Contains(ib.Min) || !ob.Contains(ib.Max) {
		return false
	}
	if only {
		return true
	}
	for _, p := range in {
		if !planar.RingContains(out, p) {
			return false
		}
	}
	return true
}

// joinRings joins segments end to end, reversing them where needed, into
// closed rings, and drops the chains that do not close.
func joinRings(segs []segment) []segment {
	var rings []segment
	ends := map[osm.NodeID][]int{}
	var open []int
	for i, s := range segs {
		switch {
		case s.closed():
			rings = append(rings, s)
		case len(s.ids) >= 2:
			open = append(open, i)
			ends[s.ids[0]] = append(ends[s.ids[0]], i)
			ends[s.ids[len(s.ids)-1]] = append(ends[s.ids[len(s.ids)-1]], i)
		}
	}
	used := make([]bool, len(segs))
	for _, i := range open {
		if used[i] {
			continue
		}
		used[i] = true
		c := segment{ids: slices.Clone(segs[i].ids), pts: slices.Clone(segs[i].pts)}
		turned := false
		for !c.closed() {
			last := c.ids[len(c.ids)-1]
			next := -1
			for _, j := range ends[last] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				if turned {
					break
				}
				// Stuck at the end: go on from the start instead.
				slices.Reverse(c.ids)
				slices.Reverse(c.pts)
				turned = true
				continue
			}
			used[next] = true
			s := segs[next]
			if s.ids[0] == last {
				c.ids = append(c.ids, s.ids[1:]...)
				c.pts = append(c.pts, s.pts[1:]...)
			} else {
				for k := len(s.ids) - 2; k >= 0; k-- {
					c.ids = append(c.ids, s.ids[k])
					c.pts = append(c.pts, s.pts[k])
				}
			}
		}
		if c.closed() {
			rings = append(rings, c)
		}
	}
	return rings
}
