package mapview

import (
	"context"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"safetynet/data/store"
	"safetynet/geo/viewport"
)

// dataZoom is the zoom of the vector data tiles that tiles at this zoom
// and above are drawn from: one read of the store serves 4^(z-dataZoom)
// tiles.
const dataZoom = 15

// Layers of the basemap, in drawing order, as bits of a mask.
const (
	baseLanduse = 1 << iota
	baseWater
	baseRoads
	baseBuildings
	baseBarriers
	baseAll = baseLanduse | baseWater | baseRoads | baseBuildings | baseBarriers
)

var baseBits = map[string]uint8{
	store.Landuse: baseLanduse, store.Water: baseWater, store.Roads: baseRoads, store.Buildings: baseBuildings,
	store.Barriers: baseBarriers,
}

// barrierMinZoom is the zoom from which walls and fences are drawn.
const barrierMinZoom = 15

// Barrier styles (vecShape.rank of a barrier).
const (
	barrierWall  = iota // walls: a solid dark line
	barrierFence        // fences: a dashed dark line
	barrierHedge        // hedges: a solid green line
)

// barrierStyle returns how a barrier of kind is drawn.
func barrierStyle(kind string) int {
	switch kind {
	case store.BarrierFence:
		return barrierFence
	case store.BarrierHedge:
		return barrierHedge
	}
	return barrierWall
}

// vecShape is one feature of a data tile in normalised web-mercator
// coordinates (viewport.Project): the rings of a polygon, or one line.
type vecShape struct {
	rings [][]orb.Point
	holes []bool // holes[i]: rings[i] is a hole of the polygon before it
	bound orb.Bound
	rank  int         // road rank or landuse rank
	class string      // landuse class
	names store.Names // for labels
}

// vecTile is the basemap features of one data tile, ready to draw.
type vecTile struct {
	t                             maptile.Tile // the data tile
	land, water, buildings, roads []vecShape
	barriers                      []vecShape // rank: barrierWall, barrierFence or barrierHedge
	osm                           bool       // some feature came from OpenStreetMap
	bytes                         int
	labels                        labelCache // placed labels, per zoom, size and language
}

// loadVecTile reads the basemap features of tile t (and a margin around it
// for wide strokes) of the layers in mask from s.
func loadVecTile(ctx context.Context, s *store.Store, t maptile.Tile, mask uint8) (*vecTile, error) {
	b := t.Bound(1.0 / 16)
	z := int(t.Z)
	v := &vecTile{t: t}
	if mask&baseLanduse != 0 && z >= 10 {
		ls, err := s.Landuse(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			v.osm = v.osm || l.OSMID != ""
			sh := polyShape(l.Geom, landRank(l.Class), l.Class)
			sh.names = l.Names
			v.land = append(v.land, sh)
		}
		// Broad zones first, then by size so small areas stay visible.
		sort.SliceStable(v.land, func(i, j int) bool {
			if v.land[i].rank != v.land[j].rank {
				return v.land[i].rank < v.land[j].rank
			}
			return boundArea(v.land[i].bound) > boundArea(v.land[j].bound)
		})
	}
	if mask&baseWater != 0 {
		ws, err := s.Water(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			v.osm = v.osm || w.OSMID != ""
			sh := polyShape(w.Geom, 0, w.Class)
			sh.names = w.Names
			v.water = append(v.water, sh)
		}
	}
	if mask&baseRoads != 0 {
		rs, err := s.Roads(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			rank := roadRank(r.Class)
			if z < dataZoom && z < rankMinZoom[rank] {
				continue
			}
			v.osm = v.osm || r.OSMID != ""
			sh := lineShape(r.Geom, rank)
			sh.names = r.Names
			v.roads = append(v.roads, sh)
		}
	}
	if mask&baseBuildings != 0 && z >= 14 {
		bs, err := s.Buildings(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, x := range bs {
			v.osm = v.osm || x.OSMID != ""
			sh := polyShape(x.Geom, 0, "")
			sh.names = x.Names
			v.buildings = append(v.buildings, sh)
		}
	}
	if mask&baseBarriers != 0 && z >= barrierMinZoom {
		bs, err := s.Barriers(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, x := range bs {
			if len(x.Geom) < 2 {
				continue
			}
			v.osm = v.osm || x.OSMID != ""
			v.barriers = append(v.barriers, lineShape(x.Geom, barrierStyle(x.Kind)))
		}
	}
	for _, l := range [][]vecShape{v.land, v.water, v.buildings, v.roads, v.barriers} {
		for _, s := range l {
			v.bytes += 64
			for _, r := range s.rings {
				v.bytes += 24 + 16*len(r)
			}
		}
	}
	return v, nil
}

func boundArea(b orb.Bound) float64 { return (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]) }

func polyShape(mp orb.MultiPolygon, rank int, class string) vecShape {
	var s vecShape
	s.rank, s.class = rank, class
	first := true
	for _, p := range mp {
		for i, r := range p {
			pts := make([]orb.Point, len(r))
			for k, q := range r {
				pts[k] = viewport.Project(q)
				if i == 0 {
					if first {
						s.bound, first = orb.Bound{Min: pts[k], Max: pts[k]}, false
					} else {
						s.bound = s.bound.Extend(pts[k])
					}
				}
			}
			s.rings = append(s.rings, pts)
			s.holes = append(s.holes, i > 0)
		}
	}
	return s
}

func lineShape(ls orb.LineString, rank int) vecShape {
	s := vecShape{rank: rank}
	pts := make([]orb.Point, len(ls))
	for i, q := range ls {
		pts[i] = viewport.Project(q)
		if i == 0 {
			s.bound = orb.Bound{Min: pts[0], Max: pts[0]}
		} else {
			s.bound = s.bound.Extend(pts[i])
		}
	}
	s.rings = [][]orb.Point{pts}
	return s
}

// dataTileFor returns the data tile that tile t is drawn from: its
// ancestor at dataZoom, or t itself below that zoom.
func dataTileFor(t maptile.Tile) maptile.Tile {
	if t.Z <= dataZoom {
		return t
	}
	d := t.Z - dataZoom
	return maptile.New(t.X>>d, t.Y>>d, dataZoom)
}

// mercBound returns tile t's bound in normalised web-mercator
// coordinates, grown by buffer tile widths on each side.
func mercBound(t maptile.Tile, buffer float64) orb.Bound {
	n := math.Exp2(float64(t.Z))
	return orb.Bound{
		Min: orb.Point{(float64(t.X) - buffer) / n, (float64(t.Y) - buffer) / n},
		Max: orb.Point{(float64(t.X) + 1 + buffer) / n, (float64(t.Y) + 1 + buffer) / n},
	}
}
