package scene

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/geo/coverage"
	"safetynet/geo/fire"
	"safetynet/geo/walk"
)

// fixture is the demo community written to a GeoPackage and read back as
// the console reads it.
type fixture struct {
	st      *store.Store
	sc      *Scene
	m       *coverage.Model // as the console counts: offline cameras left out
	sources []Source
	cams    map[string]store.Camera // by code
	use     map[string]string       // building scene ID -> use
	fire    map[string]bool         // equipment codes the model counts
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theFixture != nil {
		theFixture.st.Close()
	}
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// demoFixture returns the demo community's fixture, made once per run.
func demoFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = newFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return theFixture
}

func newFixture() (*fixture, error) {
	dir, err := os.MkdirTemp("", "scene-demo-")
	if err != nil {
		return nil, err
	}
	fixtureDir = dir
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		return nil, err
	}
	f := &fixture{st: st, cams: map[string]store.Camera{}, use: map[string]string{}, fire: map[string]bool{}}
	if err := demo.Write(ctx, st); err != nil {
		return f, err
	}
	if f.sc, err = Load(ctx, st); err != nil {
		return f, err
	}
	if f.m, err = f.sc.Model(coverage.Options{}); err != nil {
		return f, err
	}
	if f.sources, err = Sources(ctx, st); err != nil {
		return f, err
	}
	cs, err := st.Cameras(ctx, store.World)
	if err != nil {
		return f, err
	}
	for _, c := range cs {
		f.cams[c.Code] = c
	}
	bs, err := st.Buildings(ctx, store.World)
	if err != nil {
		return f, err
	}
	use := map[int64]string{}
	for _, b := range bs {
		use[b.FID] = b.Use
	}
	for _, b := range f.sc.Scene.Buildings {
		fid, ok := f.sc.FID(store.Buildings, b.ID)
		if !ok {
			return f, fmt.Errorf("building %s has no fid", b.ID)
		}
		f.use[b.ID] = use[fid]
	}
	for _, e := range f.sc.Scene.Equipment {
		f.fire[e.ID] = true
	}
	return f, nil
}

// answer is what an operator is shown for an alarm: the cameras that see
// it and the fire equipment nearest on foot.
type answer struct {
	cameras   []string
	equipment []coverage.Nearby
}

func answerOf(r coverage.Response) answer {
	var a answer
	for _, c := range r.Cameras {
		a.cameras = append(a.cameras, c.Camera)
	}
	a.equipment = r.Equipment
	return a
}

// oldAnswer is how the console looked before Respond: the cameras that
// see the point itself, and the walk from each of the 12 nearest pieces
// of equipment to the point itself, within 1 km.
func (f *fixture) oldAnswer(q orb.Point) answer {
	var a answer
	for _, s := range f.m.Seeing(q) {
		a.cameras = append(a.cameras, s.Camera)
	}
	es := slices.Clone(f.sc.Scene.Equipment)
	sort.Slice(es, func(i, j int) bool {
		return math.Hypot(es[i].At[0]-q[0], es[i].At[1]-q[1]) < math.Hypot(es[j].At[0]-q[0], es[j].At[1]-q[1])
	})
	for _, e := range es[:min(12, len(es))] {
		if d := f.m.Walk().Distance(e.At, q, 1000); d <= 1000 {
			a.equipment = append(a.equipment, coverage.Nearby{ID: e.ID, Kind: e.Kind, At: e.At, Walk: d})
		}
	}
	sort.Slice(a.equipment, func(i, j int) bool { return a.equipment[i].Walk < a.equipment[j].Walk })
	a.equipment = a.equipment[:min(3, len(a.equipment))]
	return a
}

// northGateCameras are the codes of the two cameras at the North Gate.
func (f *fixture) northGateCameras() []string {
	var out []string
	for code, c := range f.cams {
		if strings.HasPrefix(c.NameEn, "North Gate ") {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// check returns what is wrong with the answer a to an alarm from s:
//
//   - a camera's intrusion: the camera itself is among those listed;
//   - an access point's alarm: some camera sees the gate; at the North
//     Gate, both its cameras;
//   - a smoke detector: fire equipment within 1 km on foot, and in a home
//     or at an e-bike charging place an extinguisher within 30 m;
//   - a fault of fire equipment: the equipment itself is the nearest.
func (f *fixture) check(s Source, a answer) []string {
	var bad []string
	switch s.Kind {
	case SourceCamera:
		if !slices.Contains(a.cameras, s.Code) {
			bad = append(bad, fmt.Sprintf("its camera does not see the intrusion; cameras %v", a.cameras))
		}
	case SourceGate:
		if len(a.cameras) == 0 {
			bad = append(bad, "no camera sees the gate")
		}
		if s.Names.NameEn == "North Gate" {
			for _, c := range f.northGateCameras() {
				if !slices.Contains(a.cameras, c) {
					bad = append(bad, fmt.Sprintf("North Gate camera %s (%s) not listed; cameras %v", c, f.cams[c].NameEn, a.cameras))
				}
			}
		}
	case SourceSmoke:
		if len(a.equipment) == 0 {
			bad = append(bad, "no fire equipment within 1 km on foot")
			break
		}
		if f.use[s.Building] == "residential" || s.Detail == "ebike_charging" {
			ext := math.Inf(1)
			for _, e := range a.equipment {
				if e.Kind != fire.Hydrant {
					ext = min(ext, e.Walk)
				}
			}
			if ext > 30 {
				bad = append(bad, fmt.Sprintf("no extinguisher within 30 m on foot: %+v", a.equipment))
			}
		}
	case SourceEquipment:
		if f.fire[s.Code] && (len(a.equipment) == 0 || a.equipment[0].ID != s.Code || a.equipment[0].Walk > 1) {
			bad = append(bad, fmt.Sprintf("the equipment is not the nearest to its own fault: %+v", a.equipment))
		}
	}
	return bad
}

// TestAlarmAnswers answers every alarm source of the demo as the console
// does and checks the answer, and where it is placed.
func TestAlarmAnswers(t *testing.T) {
	f := demoFixture(t)
	if len(f.sources) < 500 {
		t.Fatalf("%d alarm sources", len(f.sources))
	}
	walls := map[string]bool{"GATE-S": true, "BAR-S": true, "GATE-E": true, "GATE-W": true, "GATE-N": true}
	for _, s := range f.sources {
		t.Run(s.Name(), func(t *testing.T) {
			r := f.m.Respond(f.sc.ToMetres(s.At), coverage.RespondOptions{})
			for _, p := range f.check(s, answerOf(r)) {
				t.Errorf("%s (%s): %s", s.Name(), s.Names.NameEn, p)
			}
			if len(r.Spots) == 0 {
				t.Fatalf("nowhere to go: %+v", r)
			}
			switch {
			case s.Kind == SourceSmoke && s.Building != "":
				if r.Place != coverage.InBuilding || r.Building != s.Building || r.Via == "" {
					t.Errorf("smoke detector in %s: place %q in %q via %q", s.Building, r.Place, r.Building, r.Via)
				}
			case s.Kind == SourceGate && walls[s.Code]:
				if r.Place != coverage.AtAccess || r.Access != s.Code || len(r.Spots) != 3 {
					t.Errorf("gate in the wall: place %q at %q, %d spots", r.Place, r.Access, len(r.Spots))
				}
			case s.Kind == SourceGate:
				if r.Place != coverage.Outdoors || r.Access != s.Code {
					t.Errorf("gate on open ground: place %q at %q", r.Place, r.Access)
				}
			}
		})
	}
}

// TestOldLookupsFailTheChecks: the checks of TestAlarmAnswers catch the
// answers the console gave before Respond, looking at the alarm's point
// only: nothing walks into the building with the e-bike in its stairwell,
// and no camera sees the point of the North Gate. (The old walk from
// outside to a point inside a building searches out to 1 km twelve times:
// only these two sources are tried here.)
func TestOldLookupsFailTheChecks(t *testing.T) {
	f := demoFixture(t)
	var stairwell, north Source
	for _, s := range f.sources {
		if s.Kind == SourceSmoke && s.Detail == "ebike_charging" && f.use[s.Building] == "residential" {
			stairwell = s
		}
		if s.Kind == SourceGate && s.Names.NameEn == "North Gate" {
			north = s
		}
	}
	if stairwell.Code == "" || north.Code == "" {
		t.Fatalf("no stairwell detector (%+v) or North Gate (%+v) among the sources", stairwell, north)
	}
	for _, s := range []Source{stairwell, north} {
		q := f.sc.ToMetres(s.At)
		if bad := f.check(s, f.oldAnswer(q)); len(bad) == 0 {
			t.Errorf("the old lookups pass the checks for %s", s.Name())
		} else {
			t.Logf("old lookups, %s: %s", s.Name(), strings.Join(bad, "; "))
		}
		if bad := f.check(s, answerOf(f.m.Respond(q, coverage.RespondOptions{}))); len(bad) > 0 {
			t.Errorf("Respond, %s: %s", s.Name(), strings.Join(bad, "; "))
		}
	}
}

// TestNorthGateCameras: the fixture is what the finding was about: two
// online cameras at the North Gate, neither seeing the gate's point.
func TestNorthGateCameras(t *testing.T) {
	f := demoFixture(t)
	cs := f.northGateCameras()
	if len(cs) != 2 {
		t.Fatalf("North Gate cameras %v", cs)
	}
	var gate Source
	for _, s := range f.sources {
		if s.Kind == SourceGate && s.Names.NameEn == "North Gate" {
			gate = s
		}
	}
	for _, c := range cs {
		if f.cams[c].Status != store.CameraOnline {
			t.Errorf("%s is %s", c, f.cams[c].Status)
		}
	}
	if got := f.m.Seeing(f.sc.ToMetres(gate.At)); len(got) != 0 {
		t.Errorf("cameras seeing the gate's point itself: %v", got)
	}
}

func TestSources(t *testing.T) {
	f := demoFixture(t)
	again, err := Sources(context.Background(), f.st)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, f.sources) {
		t.Fatal("sources differ between two reads of the same store")
	}
	count := map[string]int{}
	names := map[string]bool{}
	for _, s := range f.sources {
		count[s.Kind]++
		if names[s.Name()] {
			t.Errorf("two sources named %s", s.Name())
		}
		names[s.Name()] = true
	}
	// Every online camera that sees some ground raises intrusion alarms.
	// (The demo's substation camera looks into its building's wall.)
	online := 0
	for code, c := range f.cams {
		if zs, _ := f.m.Zones(code); c.Status == store.CameraOnline && len(zs) > 0 {
			online++
		}
	}
	access, _ := f.st.AccessPoints(context.Background(), store.World)
	equipment, _ := f.st.FireEquipment(context.Background(), store.World)
	want := map[string]int{
		SourceCamera: online, SourceGate: len(access), SourceEquipment: len(equipment),
		SourceSmoke: 2 + len(f.sc.Scene.Buildings), // the two e-bike charging hazards, one in every building
	}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("sources by kind %v, want %v", count, want)
	}
	smoke := 0
	for _, s := range f.sources {
		switch s.Kind {
		case SourceCamera:
			c := f.cams[s.Code]
			at := f.sc.ToMetres(s.At)
			if mount := f.sc.ToMetres(c.Geom); math.Hypot(mount[0]-at[0], mount[1]-at[1]) < 1 {
				t.Errorf("%s: intrusion at the camera's mount", s.Name())
			}
			seen := false
			for _, sg := range f.m.Seeing(at) {
				seen = seen || sg.Camera == s.Code
			}
			if !seen {
				t.Errorf("%s: its camera does not see the place of its intrusion alarms", s.Name())
			}
		case SourceSmoke:
			smoke++
			if want := fmt.Sprintf("SD-%03d", smoke); s.Code != want {
				t.Errorf("detector %d coded %s, want %s", smoke, s.Code, want)
			}
			if s.Building == "" || f.m.Obstacles().Inside(f.sc.ToMetres(s.At)) < 0 {
				t.Errorf("%s is not inside a building", s.Name())
			}
		}
	}
}

// TestLoadAccessPoints: the scene holds the access points, named by their
// codes, and the fid of every feature it names.
func TestLoadAccessPoints(t *testing.T) {
	f := demoFixture(t)
	ctx := context.Background()
	as, err := f.st.AccessPoints(ctx, store.World)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sc.Scene.Access) != len(as) || len(as) == 0 {
		t.Fatalf("%d access points in the scene, %d in the store", len(f.sc.Scene.Access), len(as))
	}
	for _, a := range f.sc.Scene.Access {
		fid, ok := f.sc.FID(store.AccessPoints, a.ID)
		if !ok {
			t.Errorf("access point %s: no fid", a.ID)
			continue
		}
		rec, ok, err := f.st.Get(ctx, store.AccessPoints, fid)
		if err != nil || !ok || rec.Props["code"] != a.ID {
			t.Errorf("access point %s: fid %d holds %v (%v, %v)", a.ID, fid, rec.Props["code"], ok, err)
		}
	}
	if _, ok := f.sc.FID(store.Cameras, "no such camera"); ok {
		t.Error("a fid for a camera that is not there")
	}
	if fid, ok := f.sc.FID(store.Cameras, f.sc.Scene.Cameras[0].ID); !ok || fid <= 0 {
		t.Errorf("camera %s: fid %d, %v", f.sc.Scene.Cameras[0].ID, fid, ok)
	}
}

// BenchmarkRespondDemo answers the alarms of every source of the demo in
// turn, as the console does on selecting one: without units, and with a
// unit on each of the three patrol routes.
func BenchmarkRespondDemo(b *testing.B) {
	f := demoFixture(b)
	qs := make([]orb.Point, len(f.sources))
	for i, s := range f.sources {
		qs[i] = f.sc.ToMetres(s.At)
	}
	var units []orb.Point
	for i, p := range f.sc.Scene.Patrols {
		units = append(units, p.Line[(i*7)%len(p.Line)])
	}
	f.m.Respond(qs[0], coverage.RespondOptions{}) // builds the walking graph
	for _, bc := range []struct {
		name  string
		units []orb.Point
	}{{"alarm", nil}, {"alarm and 3 units", units}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f.m.Respond(qs[i%len(qs)], coverage.RespondOptions{Units: bc.units})
			}
		})
	}
}

// BenchmarkWalkGraph builds the visibility graph of the demo's walking
// map, as the first Respond does.
func BenchmarkWalkGraph(b *testing.B) {
	f := demoFixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g := walk.NewGraph(f.m.Walk(), 2)
		b.ReportMetric(float64(g.Links()), "links")
	}
}
