package app

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/paulmach/orb"

	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/feeds/console"
	"safetynet/geo/coverage"
	"safetynet/ui/locale"
)

// lookups answers who sees an alert and what is near it, from the
// session's coverage model, off the Fyne goroutine. The model is safe for
// concurrent use: the rules engine takes cameras out and puts them back
// (a camera going off or online) while lookups ask it.
type lookups struct {
	s  *store.Store
	m  *coverage.Model
	sc *scene.Scene // read-only
	// names maps an event source ("camera:CAM-012", "gate:GATE-N") to the
	// name of what it names, in the language of the session; read-only.
	names map[string]string
}

func newLookups(s *store.Store, m *coverage.Model, sc *scene.Scene, names map[string]string) *lookups {
	return &lookups{s: s, m: m, sc: sc, names: names}
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

// nearResult is what near finds for one alert.
type nearResult struct {
	subject string
	where   string // where the alarm is, as the answer reads it: "in Building 7, through its entrances"
	sights  []nearSight
	fids    []int64
	equip   []nearEquipment
	units   []nearUnit
	links   map[string]string // camera ID -> stream or snapshot URL
	names   map[string]string // camera ID -> name
}

// nearSight is a camera that sees the alarm's place, and which spot of it
// (an entrance, the gate's opening, the point).
type nearSight struct {
	coverage.Sight
	spot string
}

type nearEquipment struct {
	id, kind, name string
	walk           float64
}

type nearUnit struct {
	title string
	walk  float64
	stale bool
}

// near answers, for an alarm at p, where people and cameras reach it (the
// entrances of a building it is in, the opening of a gate in a wall, else
// the point itself), the cameras that see those places best first, the
// nearest fire equipment and patrol units by walking from them, with
// names in language. It reads the store and may take milliseconds: call
// it off the Fyne goroutine.
func (k *lookups) near(ctx context.Context, subject string, p orb.Point, units []console.Unit, language string) nearResult {
	r := nearResult{subject: subject, links: map[string]string{}, names: map[string]string{}}
	q := k.sc.ToMetres(p)
	var pts []orb.Point
	var who []console.Unit
	for _, u := range units {
		if pt, ok := u.Event.Geometry.(orb.Point); ok {
			pts, who = append(pts, k.sc.ToMetres(pt)), append(who, u)
		}
	}
	resp := k.m.Respond(q, coverage.RespondOptions{Units: pts, MaxWalk: 1000})
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	name := func(layer, id string) string {
		if fid, ok := k.sc.FID(layer, id); ok {
			if rec, ok, err := k.s.Get(ctx, layer, fid); err == nil && ok {
				return recordName(rec, language)
			}
		}
		return id
	}
	spot := func(i int) string {
		if i < 0 || i >= len(resp.Spots) || resp.Spots[i].Access == "" {
			return ""
		}
		return name(store.AccessPoints, resp.Spots[i].Access)
	}
	switch resp.Place {
	case coverage.InBuilding:
		b := name(store.Buildings, resp.Building)
		switch resp.Via {
		case coverage.ViaEntrances:
			r.where = lang.L("Inside {{.Building}}: cameras and walks to its entrances.", map[string]any{"Building": b})
		case coverage.ViaPaths:
			r.where = lang.L("Inside {{.Building}}: cameras and walks to where its paths meet it.", map[string]any{"Building": b})
		default:
			r.where = lang.L("Inside {{.Building}}: cameras and walks to the nearest of its walls.", map[string]any{"Building": b})
		}
	case coverage.AtAccess:
		r.where = lang.L("At {{.Gate}}: cameras and walks to both sides of its opening.", map[string]any{"Gate": name(store.AccessPoints, resp.Access)})
	case coverage.InWater:
		r.where = lang.L("In the water: cameras and walks to its nearest shore.")
	}
	for _, w := range resp.Cameras {
		r.sights = append(r.sights, nearSight{Sight: w.Sight, spot: spot(w.Spot)})
		if fid, ok := k.sc.FID(store.Cameras, w.Camera); ok {
			r.fids = append(r.fids, fid)
		}
	}
	for _, sg := range r.sights {
		fid, ok := k.sc.FID(store.Cameras, sg.Camera)
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
	for _, e := range resp.Equipment {
		r.equip = append(r.equip, nearEquipment{id: e.ID, kind: e.Kind, name: name(store.FireEquipment, e.ID), walk: e.Walk})
	}
	for _, u := range resp.Units {
		if u.Unit >= 0 && u.Unit < len(who) {
			r.units = append(r.units, nearUnit{title: unitTitle(who[u.Unit]), walk: u.Walk, stale: who[u.Unit].Stale})
		}
	}
	return r
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
