// Package placement suggests where to add cameras: it tries candidate
// mounts (building corners and poles along roads), headings and camera
// models from a catalogue, and picks greedily the camera that newly
// covers the most key-area ground at the level each area needs, until it
// has as many as asked for.
//
// Coordinates are metres in the local plane of geo/coverage; headings are
// degrees clockwise from north. Suggest and Mounts only read the
// coverage model (under its read lock), so they may run alongside other
// queries of it; they keep no state between calls.
package placement

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"

	"safetynet/geo/coverage"
	"safetynet/geo/dori"
	"safetynet/geo/visibility"
)

// Model is a camera model of a catalogue.
type Model struct {
	Name string
	// SensorWidth and FocalLength are in millimetres.
	SensorWidth, FocalLength float64
	// ResolutionH and ResolutionV are the image size in pixels.
	ResolutionH, ResolutionV int
	// Range is how far its lights reach, metres; 0 means only the pixel
	// density limits it.
	Range float64
	// Price is optional, in any currency.
	Price float64
}

// HFOV returns the model's horizontal field of view, degrees.
func (m Model) HFOV() float64 { return dori.HFOV(m.SensorWidth, m.FocalLength) }

// VFOV returns the model's vertical field of view, degrees.
func (m Model) VFOV() float64 { return dori.VFOV(m.HFOV(), m.ResolutionH, m.ResolutionV) }

// Catalogue returns the default catalogue: a 1/2.8" sensor (5.6 mm wide,
// 16:9) with 2.8, 4, 6 and 12 mm lenses at 1920, 2560 and 3840 pixels,
// with infrared reach 30, 40, 50 and 100 m and no prices. The result is
// new on every call.
func Catalogue() []Model {
	var out []Model
	ir := map[float64]float64{2.8: 30, 4: 40, 6: 50, 12: 100}
	for _, f := range []float64{2.8, 4, 6, 12} {
		for _, px := range []int{1920, 2560, 3840} {
			out = append(out, Model{
				Name:        fmt.Sprintf("%dMP 1/2.8\" %g mm", map[int]int{1920: 2, 2560: 4, 3840: 8}[px], f),
				SensorWidth: 5.6, FocalLength: f, ResolutionH: px, ResolutionV: px * 9 / 16, Range: ir[f],
			})
		}
	}
	return out
}

// Mount kinds.
const (
	Wall = "wall" // on a building corner
	Pole = "pole" // on a pole beside a road
)

// Mount is a place a camera can go.
type Mount struct {
	At     orb.Point
	Height float64 // metres
	Kind   string  // Wall or Pole
	// Ref is the building or road it is on.
	Ref string
}

// Options tune Suggest. The zero value gives the defaults.
type Options struct {
	// N is how many cameras to suggest; default 1.
	N int
	// HeadingStep is the step between candidate headings, degrees;
	// default 30.
	HeadingStep float64
	// Catalogue is the camera models to choose from; default Catalogue().
	Catalogue []Model
	// WallHeight and PoleHeight are mount heights, metres; default 3 and 4.
	WallHeight, PoleHeight float64
	// CornerOffset is how far outside a building corner a wall mount is,
	// metres; default 0.5.
	CornerOffset float64
	// PoleSpacing and PoleOffset place poles along vehicle roads: every
	// PoleSpacing metres, PoleOffset metres to either side of the centre
	// line; default 20 and 4.
	PoleSpacing, PoleOffset float64
	// TargetStep takes every TargetStep-th key-area cell each way as a
	// target; default 2 (every other cell).
	TargetStep int
	// PerCost ranks candidates by gain per price instead of gain; every
	// model must then have a price.
	PerCost bool
	// Workers is how many goroutines evaluate mounts; default GOMAXPROCS.
	Workers int
}

func (o Options) withDefaults() (Options, error) {
	if o.N == 0 {
		o.N = 1
	}
	if o.HeadingStep == 0 {
		o.HeadingStep = 30
	}
	if o.Catalogue == nil {
		o.Catalogue = Catalogue()
	}
	if o.WallHeight == 0 {
		o.WallHeight = 3
	}
	if o.PoleHeight == 0 {
		o.PoleHeight = 4
	}
	if o.CornerOffset == 0 {
		o.CornerOffset = 0.5
	}
	if o.PoleSpacing == 0 {
		o.PoleSpacing = 20
	}
	if o.PoleOffset == 0 {
		o.PoleOffset = 4
	}
	if o.TargetStep == 0 {
		o.TargetStep = 2
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case o.N < 0:
		return o, fmt.Errorf("placement: %d cameras asked for", o.N)
	case !(o.HeadingStep >= 1 && o.HeadingStep <= 180):
		return o, fmt.Errorf("placement: heading step %v°: use 1° to 180°", o.HeadingStep)
	case len(o.Catalogue) == 0:
		return o, errors.New("placement: the catalogue is empty")
	case !(o.WallHeight > 0) || !(o.PoleHeight > 0) || !(o.CornerOffset > 0) || !(o.PoleSpacing > 0) || !(o.PoleOffset >= 0):
		return o, errors.New("placement: heights, offsets and pole spacing must be positive")
	}
	for _, m := range o.Catalogue {
		if m.HFOV() == 0 || m.ResolutionH <= 0 || m.Range < 0 || m.Price < 0 {
			return o, fmt.Errorf("placement: model %q needs a sensor width, focal length and resolution, and no negative range or price", m.Name)
		}
		if o.PerCost && !(m.Price > 0) {
			return o, fmt.Errorf("placement: ranking per cost, but model %q has no price", m.Name)
		}
	}
	return o, nil
}

// Mounts returns the candidate mounts in m's scene: each convex corner of
// a building, o.CornerOffset metres out along the corner's bisector, and
// poles along the vehicle roads. Mounts inside a building or less than
// 0.3 m from one are left out. The order is fixed: corners by building,
// then poles by road.
func Mounts(m *coverage.Model, o Options) []Mount {
	o, err := o.withDefaults()
	if err != nil {
		return nil
	}
	obs := m.Obstacles()
	open := func(p orb.Point) bool {
		if obs.Inside(p) >= 0 {
			return false
		}
		_, _, _, _, near := obs.Nearest(p, 0.3)
		return !near
	}
	var out []Mount
	for i, poly := range obs.Footprints() {
		r := poly[0]
		n := len(r) - 1
		for k := 0; k < n; k++ {
			prev, p, next := r[(k+n-1)%n], r[k], r[(k+1)%n]
			if (p[0]-prev[0])*(next[1]-p[1])-(p[1]-prev[1])*(next[0]-p[0]) <= 0 {
				continue // not convex
			}
			u1, u2 := unit(sub(prev, p)), unit(sub(next, p))
			out1 := unit(orb.Point{-(u1[0] + u2[0]), -(u1[1] + u2[1])})
			q := orb.Point{p[0] + o.CornerOffset*out1[0], p[1] + o.CornerOffset*out1[1]}
			if open(q) {
				out = append(out, Mount{At: q, Height: o.WallHeight, Kind: Wall, Ref: m.BuildingID(i)})
			}
		}
	}
	for _, rd := range m.Roads() {
		if !rd.Vehicle || len(rd.Line) < 2 {
			continue
		}
		next := 0.0
		pos := 0.0
		for k := 0; k+1 < len(rd.Line); k++ {
			a, b := rd.Line[k], rd.Line[k+1]
			l := math.Hypot(b[0]-a[0], b[1]-a[1])
			if l == 0 {
				continue
			}
			u := orb.Point{(b[0] - a[0]) / l, (b[1] - a[1]) / l}
			for ; next <= pos+l; next += o.PoleSpacing {
				t := next - pos
				c := orb.Point{a[0] + t*u[0], a[1] + t*u[1]}
				for _, side := range []float64{1, -1} {
					q := orb.Point{c[0] - side*o.PoleOffset*u[1], c[1] + side*o.PoleOffset*u[0]}
					if open(q) {
						out = append(out, Mount{At: q, Height: o.PoleHeight, Kind: Pole, Ref: rd.ID})
					}
					if o.PoleOffset == 0 {
						break
					}
				}
			}
			pos += l
		}
	}
	return out
}

// Suggestion is one camera to add.
type Suggestion struct {
	// Camera is ready for coverage.Model.SetCamera; its ID is "PLAN-1",
	// "PLAN-2", ... in the order suggested.
	Camera coverage.Camera
	Mount  Mount
	Model  Model
	// Gain is the key-area ground it newly covers at the level each area
	// needs, square metres, and GainShare that as a share of all
	// key-area ground.
	Gain, GainShare float64
	// Cost is the model's price (0 when the catalogue has none).
	Cost float64
	// Areas are the key areas (IDs) it adds coverage to.
	Areas []string
}

// target is a key-area cell to cover.
type target struct {
	at     orb.Point
	area   int
	ppm    float64
	weight float64
	done   bool
}

// seen is a target a mount sees, with its bearing and distance.
type seen struct {
	t       int32
	bearing float64 // degrees clockwise from north
	dist    float64
}

// candidate is a mount, heading and model.
type candidate struct {
	mount   int32
	heading float64
	model   int16
}

// Suggest returns up to o.N cameras to add to m, best first, each chosen
// to cover the most key-area ground (at the level each area needs) that
// the cameras already in m and the ones chosen before it leave uncovered.
// It stops early when no candidate adds anything. The result is the same
// for the same model and options.
func Suggest(m *coverage.Model, o Options) ([]Suggestion, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	var ts []target
	total := 0.0
	lowPPM := math.Inf(1)
	for _, t := range m.Targets(o.TargetStep) {
		total += t.Weight
		ts = append(ts, target{at: t.At, area: t.Area, ppm: t.PPM, weight: t.Weight, done: t.Covered})
		if !t.Covered {
			lowPPM = math.Min(lowPPM, t.PPM)
		}
	}
	if len(ts) == 0 || math.IsInf(lowPPM, 1) || o.N == 0 {
		return nil, nil
	}
	// The farthest any model usefully sees the least demanding target.
	reach := 0.0
	for _, md := range o.Catalogue {
		reach = math.Max(reach, modelReach(md, lowPPM))
	}
	obs := m.Obstacles()
	mounts := Mounts(m, o)
	idx := newTargetIndex(ts, reach)

	// What each mount sees.
	views := make([][]seen, len(mounts))
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < min(o.Workers, max(1, len(mounts))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				views[i] = visibleTargets(obs, mounts[i], ts, idx, reach)
			}
		}()
	}
	for i := range mounts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	score := func(c candidate, gain float64) float64 {
		if o.PerCost {
			return gain / o.Catalogue[c.model].Price
		}
		return gain
	}
	// gainOf returns the weight of the uncovered targets candidate c
	// covers, and those targets when mark is true.
	gainOf := func(c candidate, mark bool) (float64, []int32) {
		md := o.Catalogue[c.model]
		hf := md.HFOV()
		blind, far := geometry(md, mounts[c.mount].Height)
		g := 0.0
		var hit []int32
		for _, s := range views[c.mount] {
			t := &ts[s.t]
			if t.done || s.dist < blind || s.dist > far {
				continue
			}
			diff := s.bearing - c.heading
			if diff > 180 {
				diff -= 360
			} else if diff < -180 {
				diff += 360
			}
			if math.Abs(diff) > hf/2 || s.dist > dori.Distance(t.ppm, md.ResolutionH, hf) {
				continue
			}
			g += t.weight
			if mark {
				hit = append(hit, s.t)
			}
		}
		return g, hit
	}

	// Candidates: every heading and model on every mount that sees a
	// target; their first gains from prefix sums over the targets sorted
	// by bearing.
	for _, v := range views {
		slices.SortFunc(v, func(a, b seen) int {
			switch {
			case a.bearing < b.bearing:
				return -1
			case a.bearing > b.bearing:
				return 1
			}
			return int(a.t - b.t)
		})
	}
	var headings []float64
	for h := 0.0; h < 360-1e-9; h += o.HeadingStep {
		headings = append(headings, h)
	}
	perMount := len(headings) * len(o.Catalogue)
	first := make([]float64, len(mounts)*perMount)
	jobs = make(chan int)
	for w := 0; w < min(o.Workers, max(1, len(mounts))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var bear, sum []float64
			for i := range jobs {
				for k, md := range o.Catalogue {
					blind, far := geometry(md, mounts[i].Height)
					hf := md.HFOV()
					bear, sum = bear[:0], append(sum[:0], 0)
					for _, sn := range views[i] {
						t := &ts[sn.t]
						if sn.dist < blind || sn.dist > far || sn.dist > dori.Distance(t.ppm, md.ResolutionH, hf) {
							continue
						}
						bear = append(bear, sn.bearing)
						sum = append(sum, sum[len(sum)-1]+t.weight)
					}
					if len(bear) == 0 {
						continue
					}
					for hi, h := range headings {
						first[i*perMount+hi*len(o.Catalogue)+k] = arcSum(bear, sum, h-hf/2, h+hf/2)
					}
				}
			}
		}()
	}
	for i := range mounts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var cands []candidate
	q := make(pq, 0)
	for i := range mounts {
		for hi, h := range headings {
			for k := range o.Catalogue {
				if g := first[i*perMount+hi*len(o.Catalogue)+k]; g > 0 {
					c := candidate{int32(i), h, int16(k)}
					q = append(q, entry{score(c, g), int32(len(cands)), 1})
					cands = append(cands, c)
				}
			}
		}
	}
	heap.Init(&q)
	report := m.KeyAreas()
	var out []Suggestion
	for round := 1; len(out) < o.N && q.Len() > 0; {
		e := heap.Pop(&q).(entry)
		c := cands[e.cand]
		if e.round != round {
			g, _ := gainOf(c, false)
			if g > 0 {
				heap.Push(&q, entry{score(c, g), e.cand, round})
			}
			continue
		}
		g, hit := gainOf(c, true)
		areas := map[int]bool{}
		for _, t := range hit {
			ts[t].done = true
			areas[ts[t].area] = true
		}
		md := o.Catalogue[c.model]
		mt := mounts[c.mount]
		s := Suggestion{
			Camera: camera(fmt.Sprintf("PLAN-%d", len(out)+1), mt, md, c.heading),
			Mount:  mt, Model: md, Gain: g, GainShare: g / total, Cost: md.Price,
		}
		var ai []int
		for a := range areas {
			ai = append(ai, a)
		}
		slices.Sort(ai)
		for _, a := range ai {
			s.Areas = append(s.Areas, report[a].ID)
		}
		out = append(out, s)
		round++
	}
	return out, nil
}

// arcSum returns the weight of the targets whose bearing (sorted in bear,
// degrees in [0, 360)) lies in [lo, hi], which may wrap past 0 or 360;
// sum holds the prefix sums of the weights.
func arcSum(bear, sum []float64, lo, hi float64) float64 {
	if hi-lo >= 360 {
		return sum[len(sum)-1]
	}
	in := func(a, b float64) float64 { // a <= b, both in [0, 360]
		i, _ := slices.BinarySearch(bear, a)
		j := sort.SearchFloat64s(bear, math.Nextafter(b, math.Inf(1)))
		return sum[j] - sum[i]
	}
	switch {
	case lo < 0:
		return in(0, hi) + in(lo+360, 360)
	case hi >= 360:
		return in(lo, 360) + in(0, hi-360)
	}
	return in(lo, hi)
}

// camera returns the camera for a model on a mount, tilted so that the
// top of its image meets the horizon.
func camera(id string, mt Mount, md Model, heading float64) coverage.Camera {
	vf := md.VFOV()
	_, far := geometry(md, mt.Height)
	return coverage.Camera{
		ID: id, At: mt.At, Height: mt.Height, Heading: heading, Tilt: vf / 2,
		HFOV: md.HFOV(), VFOV: vf, SensorWidth: md.SensorWidth, FocalLength: md.FocalLength,
		ResolutionH: md.ResolutionH, ResolutionV: md.ResolutionV, Range: far,
	}
}

// geometry returns the blind zone and the far limit of a model mounted h
// metres high and tilted so that the top of its image meets the horizon.
func geometry(md Model, h float64) (blind, far float64) {
	vf := md.VFOV()
	blind = dori.BlindZone(h, vf/2, vf)
	far = md.Range
	if far == 0 {
		far = dori.Distance(dori.IEC2014[0].PPM, md.ResolutionH, md.HFOV())
	}
	return blind, far
}

// modelReach returns how far a model gives ppm, within its range.
func modelReach(md Model, ppm float64) float64 {
	d := dori.Distance(ppm, md.ResolutionH, md.HFOV())
	if md.Range > 0 {
		d = math.Min(d, md.Range)
	}
	return d
}

// visibleTargets returns the uncovered targets mount mt sees within r.
func visibleTargets(obs *visibility.Obstacles, mt Mount, ts []target, idx *targetIndex, r float64) []seen {
	var near []int32
	idx.near(mt.At, r, func(i int32) {
		if !ts[i].done {
			near = append(near, i)
		}
	})
	if len(near) == 0 {
		return nil
	}
	v := obs.View(mt.At, visibility.All, r)
	var out []seen
	for _, i := range near {
		p := ts[i].at
		dx, dy := p[0]-mt.At[0], p[1]-mt.At[1]
		d := math.Hypot(dx, dy)
		if d > r || !v.Contains(p) {
			continue
		}
		b := math.Atan2(dx, dy) * 180 / math.Pi
		if b < 0 {
			b += 360
		}
		out = append(out, seen{i, b, d})
	}
	return out
}

// targetIndex buckets targets for range queries.
type targetIndex struct {
	size    float64
	x0, y0  float64
	cols    int
	rows    int
	buckets [][]int32
}

func newTargetIndex(ts []target, r float64) *targetIndex {
	b := orb.Bound{Min: ts[0].at, Max: ts[0].at}
	for _, t := range ts {
		b = b.Extend(t.at)
	}
	size := math.Max(16, r/2)
	x := &targetIndex{size: size, x0: b.Min[0], y0: b.Min[1]}
	x.cols = int((b.Max[0]-b.Min[0])/size) + 1
	x.rows = int((b.Max[1]-b.Min[1])/size) + 1
	x.buckets = make([][]int32, x.cols*x.rows)
	for i, t := range ts {
		c := int((t.at[0] - x.x0) / size)
		r := int((t.at[1] - x.y0) / size)
		x.buckets[r*x.cols+c] = append(x.buckets[r*x.cols+c], int32(i))
	}
	return x
}

func (x *targetIndex) near(p orb.Point, r float64, fn func(int32)) {
	cl := func(v float64, hi int) int { return max(0, min(hi, int(math.Floor(v)))) }
	c0, c1 := cl((p[0]-r-x.x0)/x.size, x.cols-1), cl((p[0]+r-x.x0)/x.size, x.cols-1)
	r0, r1 := cl((p[1]-r-x.y0)/x.size, x.rows-1), cl((p[1]+r-x.y0)/x.size, x.rows-1)
	if p[0]+r < x.x0 || p[1]+r < x.y0 || p[0]-r > x.x0+float64(x.cols)*x.size || p[1]-r > x.y0+float64(x.rows)*x.size {
		return
	}
	for row := r0; row <= r1; row++ {
		for c := c0; c <= c1; c++ {
			for _, i := range x.buckets[row*x.cols+c] {
				fn(i)
			}
		}
	}
}

// entry is a candidate in the queue with the score it had in round.
type entry struct {
	score float64
	cand  int32
	round int
}

type pq []entry

func (q pq) Len() int { return len(q) }
func (q pq) Less(a, b int) bool {
	if q[a].score != q[b].score {
		return q[a].score > q[b].score
	}
	return q[a].cand < q[b].cand
}
func (q pq) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *pq) Push(x any)   { *q = append(*q, x.(entry)) }
func (q *pq) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func unit(a orb.Point) orb.Point {
	l := math.Hypot(a[0], a[1])
	if l == 0 {
		return a
	}
	return orb.Point{a[0] / l, a[1] / l}
}
