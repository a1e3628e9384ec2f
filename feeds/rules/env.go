package rules

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/geo/coverage"
)

// Env is the community the rules run in: what their codes name.
// Geometry is EPSG:4326 (longitude, latitude).
type Env struct {
	// Zones maps a key area's code to its polygon.
	Zones map[string]orb.Polygon
	// ZoneNames maps a key area's code to the name titles show; optional
	// (the code is shown instead).
	ZoneNames map[string]string
	// ZoneKinds maps a key area's code to its kind (gate, perimeter, ...);
	// optional, Defaults uses it.
	ZoneKinds map[string]string
	// Routes and Checkpoints are the patrol routes and their checkpoints.
	Routes      []store.PatrolRoute
	Checkpoints []store.Checkpoint
	// Location is where shift times ("08:00-16:00") are read; nil means
	// time.Local. Consoles that must agree should use the same location.
	Location *time.Location
	// Coverage answers camera_coverage rules, and the engine changes it
	// (SetOnline) as cameras go off and online; nil: they do nothing.
	Coverage Coverage
	// Language of the raised events' titles and of the names in them:
	// "zh" for Simplified Chinese, anything else English. Descriptions
	// stay in English. Consoles that must raise identical events should
	// use the same language.
	Language string
}

// titles are the raised events' titles by language; the arguments are
// the same in each.
var titles = map[string]map[string]string{
	"en": {
		"enter": "%s entered %s", "leave": "%s left %s", "absence": "No unit at %s for %s",
		"drop": "%s: coverage %.0f%% with camera %s offline", "back": "%s: coverage back to %.0f%% with camera %s online",
		"missed": "%s missed checkpoint %s", "late": "%s: checkpoint %s not passed",
	},
	"zh": {
		"enter": "%s 进入 %s", "leave": "%s 离开 %s", "absence": "%s 已 %s 无人巡逻",
		"drop": "%s：摄像机 %[3]s 离线，覆盖率降至 %.0[2]f%%", "back": "%s：摄像机 %[3]s 恢复，覆盖率回到 %.0[2]f%%",
		"missed": "%s 漏巡巡更点 %s", "late": "%s：巡更点 %s 超时未到",
	},
}

// title formats the title key in the environment's language.
func (env *Env) title(key string, args ...any) string {
	t, ok := titles[env.Language]
	if !ok {
		t = titles["en"]
	}
	return fmt.Sprintf(t[key], args...)
}

// label is a feature's name in the environment's language.
func (env *Env) label(n store.Names) string {
	if env.Language == "zh" {
		return n.Label("zh")
	}
	return n.Label("en")
}

// Coverage is the camera coverage of the key areas, as camera_coverage
// rules see it.
type Coverage interface {
	// SetOnline marks a camera on or offline and returns each key area's
	// share at its required level, before and after, keyed by the area's
	// code; ok is false when the camera is unknown.
	SetOnline(camera string, online bool) (before, after map[string]float64, ok bool)
}

// ModelCoverage adapts a coverage model: a camera going offline is taken
// out of m (RemoveCamera) and remembered, and put back (SetCamera) when it
// comes online. Shares are AreaCoverage.Camera keyed by the area's code
// (its scene ID when it has no code). The adapter changes m, so give it a
// model of its own rather than one shown for planning. It is safe for
// concurrent use.
func ModelCoverage(m *coverage.Model) Coverage {
	return &modelCoverage{m: m, off: map[string]coverage.Camera{}}
}

type modelCoverage struct {
	mu  sync.Mutex // guards off and the changes to m
	m   *coverage.Model
	off map[string]coverage.Camera // cameras taken out, as they were
}

func (a *modelCoverage) shares() map[string]float64 {
	areas := a.m.KeyAreas()
	out := make(map[string]float64, len(areas))
	for _, k := range areas {
		code := k.Code
		if code == "" {
			code = k.ID
		}
		if _, dup := out[code]; !dup {
			out[code] = k.Camera
		}
	}
	return out
}

// SetOnline implements Coverage.
func (a *modelCoverage) SetOnline(camera string, online bool) (before, after map[string]float64, ok bool) {
	if a == nil || a.m == nil {
		return nil, nil, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, off := a.off[camera]; off {
		before = a.shares()
		if !online {
			return before, before, true
		}
		if _, err := a.m.SetCamera(c); err != nil {
			return before, before, false
		}
		delete(a.off, camera)
		return before, a.shares(), true
	}
	c, known := a.m.Camera(camera)
	if !known {
		return nil, nil, false
	}
	before = a.shares()
	if online {
		return before, before, true
	}
	a.m.RemoveCamera(camera)
	a.off[camera] = c
	return before, a.shares(), true
}

// EnvFromStore reads the key areas, patrol routes and checkpoints of s,
// with names and titles in language ("zh" or "en"; see Env.Language);
// Location and Coverage are left for the caller. Key areas without a code or polygon
// are left out, and of two with the same code the first is kept.
func EnvFromStore(ctx context.Context, s *store.Store, language string) (Env, error) {
	areas, err := s.KeyAreas(ctx, store.World)
	if err != nil {
		return Env{}, fmt.Errorf("rules: key areas: %w", err)
	}
	env := Env{Zones: map[string]orb.Polygon{}, ZoneNames: map[string]string{}, ZoneKinds: map[string]string{}, Language: language}
	for _, a := range areas {
		if a.Code == "" || len(a.Geom) == 0 {
			continue
		}
		if _, dup := env.Zones[a.Code]; dup {
			continue
		}
		env.Zones[a.Code] = a.Geom
		env.ZoneNames[a.Code] = env.label(a.Names)
		env.ZoneKinds[a.Code] = a.Kind
	}
	if env.Routes, err = s.PatrolRoutes(ctx, store.World); err != nil {
		return Env{}, fmt.Errorf("rules: patrol routes: %w", err)
	}
	if env.Checkpoints, err = s.Checkpoints(ctx, store.World); err != nil {
		return Env{}, fmt.Errorf("rules: checkpoints: %w", err)
	}
	return env, nil
}

// Defaults returns sensible rules for a community: absence of patrols for
// 30 minutes at each gate key area (by code), one camera_coverage rule at
// DefaultMinShare when there are key areas, and one checkpoint rule for
// every route with 10 minutes of grace when there are routes. The result
// depends only on env.
func Defaults(env Env) []Rule {
	var gates []string
	for code, kind := range env.ZoneKinds {
		if _, ok := env.Zones[code]; ok && strings.EqualFold(kind, "gate") && idRE.MatchString(code) && len(code)+len("absence-") <= MaxIDLen {
			gates = append(gates, code)
		}
	}
	sort.Strings(gates)
	var out []Rule
	for _, code := range gates {
		name := env.ZoneNames[code]
		if name == "" || len(name) > MaxNameLen/2 || text("name", name, MaxNameLen) != nil {
			name = code
		}
		out = append(out, Rule{ID: "absence-" + code, Kind: Absence, Name: "No patrol at " + name + " for 30 minutes", Zone: code, Minutes: 30})
	}
	if len(env.Zones) > 0 {
		out = append(out, Rule{ID: "coverage", Kind: CameraCoverage, Name: "Key area coverage lost", MinShare: DefaultMinShare})
	}
	if len(env.Routes) > 0 {
		out = append(out, Rule{ID: "checkpoints", Kind: Checkpoint, Name: "Patrol checkpoints missed or late", Minutes: 10})
	}
	return out
}
