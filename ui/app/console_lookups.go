package app

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/feeds/rules"
	"safetynet/geo/coverage"
	"safetynet/ui/locale"
)

// lookups answers who sees an alert and what is near it, from the
// session's coverage model. The model changes only when the rules engine
// takes a camera out or puts it back (under mu, on the feed goroutine);
// lookups read it under mu's read lock, off the Fyne goroutine.
type lookups struct {
	s      *store.Store
	mu     sync.RWMutex // guards m
	m      *coverage.Model
	sc     *scene.Scene     // read-only
	camFID map[string]int64 // coverage camera ID -> fid in the cameras layer; read-only
	// names maps an event source ("camera:CAM-012", "gate:GATE-N") to the
	// name of what it names, in the language of the session; read-only.
	names map[string]string
}

func newLookups(s *store.Store, m *coverage.Model, sc *scene.Scene, fids map[string]int64, names map[string]string) *lookups {
	return &lookups{s: s, m: m, sc: sc, camFID: fids, names: names}
}

// sourceNames maps the event sources the community's features are known
// by to their names in language: cameras as camera:CODE, access points as
// gate:CODE and door:CODE, fire equipment as equipment:CODE, patrol routes
// as patrol:CODE.
func sourceNames(ctx context.Context, s *store.Store, language string) (map[string]string, error) {
	out := map[string]string{}
	add := func(kinds []string, code string, n store.Names) {
		if code == "" {
			return
		}
		if name := n.Label(language); name != "" {
			for _, k := range kinds {
				out[k+":"+code] = name
			}
		}
	}
	cams, err := s.Cameras(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, c := range cams {
		add([]string{"camera"}, c.Code, c.Names)
	}
	aps, err := s.AccessPoints(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, a := range aps {
		add([]string{"gate", "door", "access"}, a.Code, a.Names)
	}
	eqs, err := s.FireEquipment(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, e := range eqs {
		add([]string{"equipment"}, e.Code, e.Names)
	}
	routes, err := s.PatrolRoutes(ctx, store.World)
	if err != nil {
		return nil, err
	}
	for _, r := range routes {
		add([]string{"patrol"}, r.Code, r.Names)
	}
	return out, nil
}

// coverage wraps the rules' coverage adapter of the model so that its
// changes take the lookups' write lock.
func (k *lookups) coverage(c rules.Coverage) rules.Coverage { return lockedCoverage{c, &k.mu} }

type lockedCoverage struct {
	c  rules.Coverage
	mu *sync.RWMutex
}

func (lc lockedCoverage) SetOnline(camera string, online bool) (before, after map[string]float64, ok bool) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.c.SetOnline(camera, online)
}

// cameraFIDs maps the IDs the coverage scene gives cameras (their code,
// else their OSM id, else cameras/fid) to their fids.
func cameraFIDs(ctx context.Context, s *store.Store) (map[string]int64, error) {
	cs, err := s.Cameras(ctx, store.World)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, c := range cs {
		out[fmt.Sprintf("%s/%d", store.Cameras, c.FID)] = c.FID
		if c.OSMID != "" {
			out[c.OSMID] = c.FID
		}
		if c.Code != "" {
			out[c.Code] = c.FID
		}
	}
	return out, nil
}

// nearResult is what near finds for one alert.
type nearResult struct {
	subject string
	sights  []coverage.Sight
	fids    []int64
	equip   []nearEquipment
	units   []nearUnit
	links   map[string]string // camera ID -> stream or snapshot URL
	names   map[string]string // camera ID -> name
}

type nearEquipment struct {
	id, kind string
	walk     float64
}

type nearUnit struct {
	title string
	dist  float64
	stale bool
}

// near finds the cameras that see p, the nearest fire equipment on foot
// and the nearest patrol units, with names in language. It reads the
// store and may take milliseconds: call it off the Fyne goroutine.
func (k *lookups) near(ctx context.Context, subject string, p orb.Point, units []console.Unit, language string) nearResult {
	r := nearResult{subject: subject, links: map[string]string{}, names: map[string]string{}}
	q := k.sc.ToMetres(p)
	k.mu.RLock()
	r.sights = k.m.Seeing(q)
	r.equip = nearestEquipment(k.m, k.sc, q, 3)
	k.mu.RUnlock()
	for _, sg := range r.sights {
		if fid, ok := k.camFID[sg.Camera]; ok {
			r.fids = append(r.fids, fid)
		}
	}
	if len(r.fids) > 0 {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		for _, sg := range r.sights {
			fid, ok := k.camFID[sg.Camera]
			if !ok {
				continue
			}
			if rec, ok, err := k.s.Get(ctx, store.Cameras, fid); err == nil && ok {
				r.names[sg.Camera] = recordName(rec, language)
				for _, key := range []string{"stream_url", "snapshot_url"} {
					if u, _ := rec.Props[key].(string); u != "" && r.links[sg.Camera] == "" {
						r.links[sg.Camera] = u
					}
				}
			}
		}
	}
	for _, u := range units {
		if pt, ok := u.Event.Geometry.(orb.Point); ok {
			r.units = append(r.units, nearUnit{title: unitTitle(u), dist: geo.Distance(p, pt), stale: u.Stale})
		}
	}
	sort.Slice(r.units, func(i, j int) bool { return r.units[i].dist < r.units[j].dist })
	if len(r.units) > 3 {
		r.units = r.units[:3]
	}
	return r
}

// nearestEquipment returns the n pieces of fire equipment nearest to q
// (metres) on foot, among the 12 nearest in a straight line.
func nearestEquipment(m *coverage.Model, sc *scene.Scene, q orb.Point, n int) []nearEquipment {
	type cand struct {
		e coverage.Equipment
		d float64
	}
	var cs []cand
	for _, e := range sc.Scene.Equipment {
		cs = append(cs, cand{e, math.Hypot(e.At[0]-q[0], e.At[1]-q[1])})
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	if len(cs) > 12 {
		cs = cs[:12]
	}
	var out []nearEquipment
	w := m.Walk()
	for _, c := range cs {
		d := w.Distance(c.e.At, q, 1000)
		if math.IsInf(d, 1) || d > 1000 {
			continue
		}
		out = append(out, nearEquipment{id: c.e.ID, kind: c.e.Kind, walk: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].walk < out[j].walk })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// recordName is a record's name in language, else its other name, else
// its code.
func recordName(r store.Record, language string) string {
	keys := []string{"name_en", "name", "name_zh", "code"}
	if language == locale.Chinese {
		keys = []string{"name_zh", "name", "name_en", "code"}
	}
	for _, k := range keys {
		if v, _ := r.Props[k].(string); v != "" {
			return v
		}
	}
	return strconv.FormatInt(r.FID, 10)
}
