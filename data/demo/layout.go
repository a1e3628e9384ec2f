package demo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// The plan of the compound, in the compound frame (see geom.go): the wall
// runs about 1040 m east-west and 940 m north-south, with a chamfered
// south-west corner and a notch in the north-east for the health station.
// An inner ring road runs 28 m inside the wall; two cross roads and two
// spine roads divide the inside into blocks, with the central garden in the
// middle. 6-storey slabs fill the south, towers the north.

// boundary is the perimeter wall, counter-clockwise.
var boundary = orb.Ring{
	{-470, -470}, {520, -470}, {520, 350}, {360, 350}, {360, 470}, {-520, 470}, {-520, -420}, {-470, -470},
}

// Corners of the inner ring road, 28 m inside the wall.
var ringCorners = []orb.Point{
	{-458.4, -442}, {492, -442}, {492, 322}, {332, 322}, {332, 442}, {-492, 442}, {-492, -408.4},
}

const (
	roadHalf = 3.5  // half the width of an inner road, metres
	laneHalf = 2.5  // half the width of a service lane between rows
	setback  = 10.0 // from the edge of an inner road to a building
)

// Gates in the wall.
var (
	gateSouth = orb.Point{0, -470}
	gateEast  = orb.Point{520, -20}
	gateWest  = orb.Point{-520, -40}
	gateNorth = orb.Point{-100, 470}
)

// Places inside the compound.
var (
	visitorLot   = rect{-170, -436, -20, -410}
	ramp1        = rect{30, -440, 54, -392}
	ramp2        = rect{-164, 396, -140, 440}
	kgPlot       = rect{-480, -100, -360, 10}
	swGreen      = rect{-492, -442, -430, -380}
	notch        = rect{332, 322, 500, 460}
	square       = rect{-35, -150, 35, -100}
	playground   = rect{-160, 50, -110, 95}
	fitness      = rect{-160, -10, -120, 25}
	gardenArea   = rect{-172, -152, 172, 132}
	office       = rect{92, -150, 148, -132}
	boothSouth   = rect{8, -466, 12, -462}
	boothNorth   = rect{-93, 461, -89, 465}
	ebikeShed    = rect{501, -125, 509, -70}
	substation   = rect{-330, 451, -312, 461}
	refusePoint  = rect{-80, 451, -68, 457}
	clinic       = rect{395, 385, 455, 415}
	parkSouthW   = rect{-420, -451.5, -40, -446}
	parkSouthE   = rect{70, -451.5, 470, -446}
	parkEast     = rect{496, -400, 501.5, -150}
	pondCentre   = orb.Point{40, 20}
	pondRadius   = 36.0
	gardenLoopR  = 62.0
	gardenCentre = orb.Point{40, 20}
)

// reserve is a place kept free of housing, with the clearance buildings
// keep from it.
type reserve struct {
	r      rect
	margin float64
}

// hseg is an east-west road or lane, for finding where an entrance path
// meets the road network.
type hseg struct {
	y, x0, x1, half float64
}

// bldg is a building being laid out, in the compound frame.
type bldg struct {
	ring     orb.Ring
	box      rect
	names    store.Names
	use      string
	levels   int
	height   float64
	entrance orb.Point // on the wall; valid when door is true
	door     bool
	no       int // house number of a residential building, else 0
}

func names(zh, en string) store.Names { return store.Names{Name: zh, NameZh: zh, NameEn: en} }

func (s *site) road(line orb.LineString, n store.Names, class string) {
	s.roads = append(s.roads, store.Road{Geom: line, Names: n, Class: class})
}

func (s *site) landArea(r orb.Ring, n store.Names, class string) {
	s.land = append(s.land, store.Land{Geom: orb.MultiPolygon{{r}}, Names: n, Class: class})
}

func (s *site) building(r orb.Ring, n store.Names, use string, levels int, height float64) *bldg {
	b := &bldg{ring: r, box: ringBound(r), names: n, use: use, levels: levels, height: height}
	s.buildings = append(s.buildings, b)
	return b
}

// streets lays out the city streets around the compound, the creek along
// its north side and the shops on the street front.
func (s *site) streets() {
	s.road(orb.LineString{{-800, -512}, {800, -512}}, names("锦帆路", "Jinfan Road"), "primary")
	s.road(orb.LineString{{550, -800}, {550, 800}}, names("桂香路", "Guixiang Road"), "secondary")
	s.road(orb.LineString{{-550, -800}, {-550, 800}}, names("云杉路", "Yunshan Road"), "secondary")
	s.road(orb.LineString{{-800, 520}, {800, 520}}, names("明月路", "Mingyue Road"), "tertiary")
	s.water = append(s.water, store.WaterArea{
		Geom:  orb.MultiPolygon{{rect{-800, 480, 800, 502}.ring()}},
		Names: names("月溪浜", "Yuexi Creek"), Class: "river",
	})

	// Shops: two-storey blocks outside the wall, facing Jinfan Road,
	// with the main gate between them.
	s.landArea(rect{-462, -490, 512, -472}.ring(), names("安和苑沿街商业", "Anhe Garden Street Shops"), "retail")
	n := 0
	for _, span := range [][2]float64{{-455, -26}, {26, 505}} {
		x := span[0]
		for {
			w := 24 + 4*float64(s.rng.IntN(5))
			if x+w > span[1] {
				break
			}
			n++
			s.building(rect{x, -488, x + w, -476}.ring(),
				names(fmt.Sprintf("沿街商铺%d幢", n), fmt.Sprintf("Street Shops %d", n)), "retail", 2, 8)
			x += w + 6 + 2*float64(s.rng.IntN(3))
		}
	}

	// The community health station in the north-east notch.
	s.building(clinic.ring(), names("社区卫生服务站", "Community Health Station"), "public", 2, 9)
	s.road(orb.LineString{{540, 400}, {462, 400}}, store.Names{}, "service")
}

// compound lays out the wall, the inner roads, the garden and the
// buildings that are not housing.
func (s *site) compound() {
	s.landArea(boundary, names("安和苑", "Anhe Garden"), "residential")

	s.ring = rounded(ringCorners, 18, true)
	s.road(s.ring, names("安和环路", "Anhe Ring Road"), "residential")
	inner := []struct {
		line   orb.LineString
		zh, en string
	}{
		{orb.LineString{{0, -497}, {0, -160}}, "中央大道", "Central Avenue"},
		{orb.LineString{{-492, -160}, {492, -160}}, "南横道", "South Cross Road"},
		{orb.LineString{{-492, 140}, {492, 140}}, "北横道", "North Cross Road"},
		{orb.LineString{{-180, -442}, {-180, 442}}, "西纵道", "West Spine Road"},
		{orb.LineString{{180, -442}, {180, 442}}, "东纵道", "East Spine Road"},
	}
	s.inner = append(s.inner, s.ring)
	for _, r := range inner {
		s.road(r.line, names(r.zh, r.en), "residential")
		if r.line[0][1] == -497 { // hydrants only inside the wall
			s.inner = append(s.inner, orb.LineString{{0, -442}, {0, -160}})
		} else {
			s.inner = append(s.inner, r.line)
		}
	}
	s.road(orb.LineString{{-100, 514}, {-100, 442}}, names("北门通道", "North Gate Lane"), "service")
	s.road(orb.LineString{{42, -438.5}, {42, -396}}, names("1号地库坡道", "Car Park Ramp 1"), "service")
	s.road(orb.LineString{{-152, 438.5}, {-152, 400}}, names("2号地库坡道", "Car Park Ramp 2"), "service")

	s.hsegs = append(s.hsegs,
		hseg{-160, -492, 492, roadHalf}, hseg{140, -492, 492, roadHalf},
		hseg{442, -474, 314, roadHalf}, hseg{322, 350, 474, roadHalf})

	s.reserved = []reserve{
		{swGreen, 6}, {visitorLot, 8}, {ramp1, 8}, {kgPlot, 12}, {ramp2, 8}, {notch, roadHalf + setback},
	}

	// The central garden: lawn, pond, square, playground, fitness corner.
	s.landArea(gardenArea.ring(), names("中心花园", "Central Garden"), "garden")
	s.landArea(square.ring(), names("中心广场", "Central Square"), "pedestrian")
	s.landArea(playground.ring(), names("儿童游乐场", "Children's Playground"), "playground")
	s.landArea(fitness.ring(), names("健身角", "Fitness Corner"), "fitness_station")
	s.water = append(s.water, store.WaterArea{
		Geom: orb.MultiPolygon{{blob(pondCentre, pondRadius)}}, Names: names("镜湖", "Mirror Pond"), Class: "pond",
	})
	s.landArea(swGreen.ring(), names("西南角绿地", "South-West Corner Green"), "grass")

	// Parking.
	s.landArea(visitorLot.ring(), names("访客停车场", "Visitor Car Park"), "parking")
	s.landArea(parkSouthW.ring(), names("南侧停车位（西）", "South Parking Bays (West)"), "parking")
	s.landArea(parkSouthE.ring(), names("南侧停车位（东）", "South Parking Bays (East)"), "parking")
	s.landArea(parkEast.ring(), names("东侧停车位", "East Parking Bays"), "parking")

	// The kindergarten: a U open to its sunny play yard.
	s.landArea(kgPlot.ring(), names("安和苑幼儿园", "Anhe Garden Kindergarten"), "kindergarten")
	s.landArea(rect{-448, -92, -400, -76}.ring(), names("幼儿园活动场", "Kindergarten Play Yard"), "playground")
	kg := s.building(closeRing([]orb.Point{
		{-468, -70}, {-453, -70}, {-453, -30}, {-395, -30}, {-395, -70}, {-380, -70}, {-380, -15}, {-468, -15},
	}), names("安和苑幼儿园", "Anhe Garden Kindergarten"), "kindergarten", 3, 12)
	kg.entrance, kg.door = orb.Point{-468, -40}, true

	mo := s.building(office.ring(), names("物业服务中心", "Property Management Centre"), "office", 2, 8)
	mo.entrance, mo.door = orb.Point{120, office.y1}, true
	s.building(boothSouth.ring(), names("南门岗亭", "South Gate Guard Booth"), "guardhouse", 1, 3)
	s.building(boothNorth.ring(), names("北门岗亭", "North Gate Guard Booth"), "guardhouse", 1, 3)
	s.building(ebikeShed.ring(), names("电动自行车充电棚", "E-bike Charging Shed"), "shed", 1, 3.5)
	s.building(substation.ring(), names("10kV开闭所", "10 kV Substation"), "substation", 1, 5)
	s.building(refusePoint.ring(), names("垃圾分类投放点", "Refuse Sorting Point"), "service", 1, 3.5)
}

// block is a piece of housing between inner roads (centre lines).
// levels gives the storeys of each row of towers; nil means 6-storey slabs.
type block struct {
	x0, y0, x1, y1 float64
	levels         []int
}

// housing fills the blocks with rows of housing from south to north, each
// row far enough north of the one before for winter sun: 1.25 to 1.45
// times the height of the row to its south for slabs, 1.2 to 1.32 for
// towers. Rows carry on across a cross road within a column of blocks.
func (s *site) housing() {
	columns := [][]block{
		{{-492, -442, -180, -160, nil}, {-492, -160, -180, 140, nil}, {-492, 140, -180, 442, []int{18, 26, 26}}},
		{{-180, -442, 0, -160, nil}},
		{{0, -442, 180, -160, nil}},
		{{-180, 140, 180, 442, []int{33, 33}}},
		{{180, -442, 492, -160, nil}, {180, -160, 492, 140, []int{18, 18, 18}}, {180, 140, 492, 442, []int{26, 26, 26}}},
	}
	for _, col := range columns {
		s.column(col)
	}
	for _, b := range s.buildings {
		if b.use == "residential" {
			s.entrancePath(b)
		}
	}
}

func (s *site) column(blocks []block) {
	prevTop, prevH := math.Inf(-1), 0.0
	for _, b := range blocks {
		y := b.y0 + roadHalf + setback
		limit := b.y1 - roadHalf - setback
		lastTop := math.NaN()
		towers := b.levels != nil
		for row := 0; !towers || row < len(b.levels); {
			k := 1.25 + 0.2*s.rng.Float64()
			minD, band := slabDepth, 22.0
			levels := slabLevels
			if towers {
				k = 1.2 + 0.12*s.rng.Float64()
				minD, band = 21, 21
				levels = b.levels[row]
			}
			start := y
			if prevH > 0 {
				start = max(start, prevTop+k*prevH)
			}
			if start+minD > limit {
				break
			}
			placed := s.row(b, start, band, min(band, limit-start), levels, towers)
			if len(placed) == 0 {
				y = start + 6
				continue
			}
			top, h := math.Inf(-1), 0.0
			for _, p := range placed {
				top = max(top, p.box.y1)
				h = max(h, p.height)
			}
			if math.IsNaN(lastTop) {
				s.lawn(b, b.y0+roadHalf+2, start-3)
			} else {
				mid := (lastTop + start) / 2
				s.lane(b, mid)
				s.lawn(b, lastTop+3, mid-laneHalf-1.5)
				s.lawn(b, mid+laneHalf+1.5, start-3)
			}
			lastTop, prevTop, prevH, y = top, top, h, top
			row++
		}
		if !math.IsNaN(lastTop) {
			s.lawn(b, lastTop+3, limit+setback-2)
		}
	}
}

// row places one row of housing with its south side at y, in the free
// stretches of block b, and returns the buildings placed.
func (s *site) row(b block, y, band, maxD float64, levels int, towers bool) []*bldg {
	spans := [][2]float64{{b.x0 + roadHalf + setback, b.x1 - roadHalf - setback}}
	for _, r := range s.reserved {
		g := r.r.grow(r.margin)
		if g.y0 < y+band && y < g.y1 {
			spans = cut(spans, g.x0, g.x1)
		}
	}
	var placed []*bldg
	for _, sp := range spans {
		x := sp[0] + 8*s.rng.Float64()
		for {
			var f footprint
			var ok bool
			if towers {
				f, ok = tower(s.rng, levels-2*s.rng.IntN(3), sp[1]-x)
			} else {
				f, ok = slab(s.rng, sp[1]-x, maxD)
			}
			if !ok {
				break
			}
			s.houses++
			n := s.houses
			bl := s.building(translate(f.ring, x, y),
				names(fmt.Sprintf("%d号楼", n), fmt.Sprintf("Building %d", n)), "residential", f.levels, f.height)
			bl.no = n
			bl.entrance, bl.door = add(f.entrance, orb.Point{x, y}), true
			placed = append(placed, bl)
			if towers {
				x += f.w + 20 + 12*s.rng.Float64()
			} else {
				x += f.w + 13 + 9*s.rng.Float64()
			}
		}
	}
	return placed
}

// cut removes [a, b] from spans.
func cut(spans [][2]float64, a, b float64) [][2]float64 {
	var out [][2]float64
	for _, sp := range spans {
		if b <= sp[0] || a >= sp[1] {
			out = append(out, sp)
			continue
		}
		if a > sp[0] {
			out = append(out, [2]float64{sp[0], a})
		}
		if b < sp[1] {
			out = append(out, [2]float64{b, sp[1]})
		}
	}
	return out
}

// lane adds a service lane at y across block b between two rows, around
// any reserved place; a piece that does not reach a road is left out.
func (s *site) lane(b block, y float64) {
	spans := [][2]float64{{b.x0, b.x1}}
	for _, r := range s.reserved {
		if r.r.y0 < y+laneHalf+1 && y-laneHalf-1 < r.r.y1 {
			spans = cut(spans, r.r.x0-3, r.r.x1+3)
		}
	}
	for _, sp := range spans {
		if sp[1]-sp[0] < 25 || (sp[0] != b.x0 && sp[1] != b.x1) {
			continue
		}
		s.road(orb.LineString{{sp[0], y}, {sp[1], y}}, store.Names{}, "service")
		s.hsegs = append(s.hsegs, hseg{y, sp[0], sp[1], laneHalf})
	}
}

// lawn adds grass between y0 and y1 across block b, around any reserved
// place.
func (s *site) lawn(b block, y0, y1 float64) {
	if y1-y0 < 3 {
		return
	}
	spans := [][2]float64{{b.x0 + roadHalf + 2, b.x1 - roadHalf - 2}}
	for _, r := range s.reserved {
		if r.r.y0 < y1+2 && y0-2 < r.r.y1 {
			spans = cut(spans, r.r.x0-2, r.r.x1+2)
		}
	}
	for _, sp := range spans {
		if sp[1]-sp[0] >= 10 {
			s.landArea(rect{sp[0], y0, sp[1], y1}.ring(), store.Names{}, "grass")
		}
	}
}

// entrancePath adds a footpath from the door of b north to the nearest
// lane or road, unless something stands in the way.
func (s *site) entrancePath(b *bldg) {
	e := b.entrance
	best := math.Inf(1)
	var end float64
	for _, h := range s.hsegs {
		if h.y > e[1]+2 && h.x0+3 <= e[0] && e[0] <= h.x1-3 && h.y-e[1] < best {
			best, end = h.y-e[1], h.y-h.half
		}
	}
	if math.IsInf(best, 1) || best > 140 {
		return
	}
	path := rect{e[0] - 1, e[1] + 1, e[0] + 1, end}
	for _, r := range s.reserved {
		if r.r.overlaps(path) {
			return
		}
	}
	for _, o := range s.buildings {
		if o != b && o.box.overlaps(path) {
			return
		}
	}
	s.road(orb.LineString{{e[0], e[1] + 1}, {e[0], end}}, store.Names{}, "footway")
}

// garden lays out the footpaths of the central garden and the paths from
// the side gates.
func (s *site) garden() {
	loop := circle(gardenCentre, gardenLoopR, 48)
	s.road(loop, names("环湖步道", "Pond Loop Walk"), "footway")
	at := func(deg float64) orb.Point { return polar(gardenCentre, gardenLoopR, deg*math.Pi/180) }
	west := curve(orb.Point{-180 + roadHalf, 36}, at(180), -8)
	paths := []orb.LineString{
		curve(orb.Point{0, square.y1}, at(-112), 10),
		west,
		curve(orb.Point{60, 140 - roadHalf}, at(95), 6),
		curve(orb.Point{180 - roadHalf, 40}, at(8), -6),
		{{120, office.y1 + 1}, nearestPoint(loop, orb.Point{120, office.y1})},
		curve(orb.Point{-180 + roadHalf, 125}, at(140), 6),
		curve(orb.Point{180 - roadHalf, 110}, at(40), -5),
		curve(orb.Point{-180 + roadHalf, -130}, orb.Point{square.x0, -125}, 5),
	}
	for _, p := range paths {
		s.road(p, store.Names{}, "footway")
	}
	for _, p := range []orb.Point{{-135, playground.y0}, {-140, fitness.y1}} {
		q, _ := nearestOn(west, p)
		s.road(orb.LineString{p, q}, store.Names{}, "footway")
	}
	s.road(orb.LineString{{-540, gateWest[1]}, {kgPlot.x0, gateWest[1]}}, names("西门步道", "West Gate Walk"), "footway")
	s.road(orb.LineString{{540, gateEast[1]}, {492, gateEast[1]}}, names("东门步道", "East Gate Walk"), "footway")
}

func nearestPoint(line orb.LineString, p orb.Point) orb.Point {
	q, _ := nearestOn(line, p)
	return q
}
