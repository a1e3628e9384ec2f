package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/geo/snap"
)

// apply applies one edit and fails the test on an error.
func apply(t *testing.T, s *store.Store, e store.Edit) store.Edit {
	t.Helper()
	out, err := s.ApplyEdits(ctx, "tester", []store.Edit{e})
	if err != nil {
		t.Fatalf("ApplyEdits(%s): %v", e.Layer, err)
	}
	if len(out) != 1 {
		t.Fatalf("ApplyEdits returned %d edits", len(out))
	}
	return out[0]
}

// sameAsStored checks that r is what the store holds under r.FID.
func sameAsStored(t *testing.T, s *store.Store, layer string, r *store.Record) {
	t.Helper()
	got, err := s.Record(ctx, layer, r.FID)
	if err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(got.Geom, r.Geom) || !reflect.DeepEqual(got.Props, r.Props) {
		t.Fatalf("%s %d stored as\n%v %v\nreturned as\n%v %v", layer, r.FID, got.Geom, got.Props, r.Geom, r.Props)
	}
}

func TestApplyEditsEveryKindOnEveryGeometryType(t *testing.T) {
	square := orb.Ring{{121.60, 31.20}, {121.601, 31.20}, {121.601, 31.201}, {121.60, 31.201}, {121.60, 31.20}}
	tests := []struct {
		layer string
		geom  orb.Geometry
		props map[string]any
	}{
		{store.Cameras, orb.Point{121.6, 31.2}, map[string]any{"code": "C1", "status": "online", "heading": 90.0, "mount_height": 4.0}},
		{store.Roads, orb.LineString{{121.60, 31.20}, {121.601, 31.20}, {121.602, 31.201}}, map[string]any{"class": "residential", "name": "东路"}},
		{store.KeyAreas, orb.Polygon{square}, map[string]any{"code": "K1", "kind": "entrance", "required_level": "identification"}},
		{store.Buildings, orb.MultiPolygon{{square}}, map[string]any{"height": 12.0, "levels": int64(4)}},
		{store.Hazards, orb.Polygon{square}, map[string]any{"category": "fire", "severity": "high", "status": "open", "reported": "2026-03-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.layer, func(t *testing.T) {
			s, _ := newStore(t)
			ins := apply(t, s, store.Edit{Layer: tc.layer, After: &store.Record{Geom: tc.geom, Props: tc.props}})
			if ins.Before != nil || ins.After == nil || ins.After.FID == 0 {
				t.Fatalf("insert returned %+v", ins)
			}
			sameAsStored(t, s, tc.layer, ins.After)
			cur := ins.After
			step := func(name string, g orb.Geometry, props map[string]any) {
				t.Helper()
				next := &store.Record{FID: cur.FID, Geom: g, Props: props}
				e := apply(t, s, store.Edit{Layer: tc.layer, Before: cur, After: next})
				if !reflect.DeepEqual(e.Before, cur) {
					t.Fatalf("%s: returned Before %+v, want %+v", name, e.Before, cur)
				}
				sameAsStored(t, s, tc.layer, e.After)
				cur = e.After
			}
			step("move", snap.Translate(cur.Geom, 0.0001, -0.0002), cur.Props)
			if g, err := snap.MoveVertex(cur.Geom, vertexOf(cur.Geom), orb.Point{121.5999, 31.1999}); err != nil {
				t.Fatal(err)
			} else {
				step("move vertex", g, cur.Props)
			}
			if _, ok := cur.Geom.(orb.Point); !ok {
				g, err := snap.InsertVertex(cur.Geom, vertexOf(cur.Geom), orb.Point{121.6005, 31.1995})
				if err != nil {
					t.Fatal(err)
				}
				step("insert vertex", g, cur.Props)
				n := countVertices(cur.Geom)
				g, err = snap.DeleteVertex(cur.Geom, vertexOf(cur.Geom))
				if err != nil {
					t.Fatal(err)
				}
				step("delete vertex", g, cur.Props)
				if countVertices(cur.Geom) != n-1 {
					t.Fatalf("delete vertex left %d of %d", countVertices(cur.Geom), n)
				}
			}
			props := map[string]any{}
			for k, v := range cur.Props {
				props[k] = v
			}
			props["name"] = "改名 renamed"
			step("attribute", cur.Geom, props)
			if got, _ := s.Record(ctx, tc.layer, cur.FID); got.Props["name"] != "改名 renamed" {
				t.Fatalf("name = %v", got.Props["name"])
			}
			del := apply(t, s, store.Edit{Layer: tc.layer, Before: cur})
			if del.After != nil || !reflect.DeepEqual(del.Before, cur) {
				t.Fatalf("delete returned %+v", del)
			}
			if _, err := s.Record(ctx, tc.layer, cur.FID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted feature: %v", err)
			}
			// Undo the delete: the feature comes back under its FID.
			back := apply(t, s, del.Inverse())
			if back.After.FID != cur.FID {
				t.Fatalf("undone delete got fid %d, want %d", back.After.FID, cur.FID)
			}
			sameAsStored(t, s, tc.layer, cur)

			hist, err := s.EditHistory(ctx, tc.layer, cur.FID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ops []string
			for _, h := range hist {
				ops = append(ops, h.Op)
				if h.Who != "tester" || h.Layer != tc.layer || h.FID != cur.FID || time.Since(h.At) > time.Minute || h.At.Location() != time.UTC {
					t.Errorf("history entry %+v", h)
				}
			}
			want := "insert delete update update update update update insert"
			if _, ok := tc.geom.(orb.Point); ok {
				want = "insert delete update update update insert"
			}
			if got := strings.Join(ops, " "); got != want {
				t.Errorf("history ops (newest first) %q, want %q", got, want)
			}
			// The newest entry's after is the feature as stored.
			if h := hist[0]; !orb.Equal(h.After.Geom, cur.Geom) || !reflect.DeepEqual(h.After.Props, cur.Props) || h.Before != nil {
				t.Errorf("history after %v %v, want %v %v", h.After.Geom, h.After.Props, cur.Geom, cur.Props)
			}
		})
	}
}

func vertexOf(g orb.Geometry) snap.Path {
	at, _, _ := snap.NearestVertex(g, g.Bound().Min)
	return at
}

func countVertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.LineString:
		n = len(g)
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += countVertices(p)
		}
	}
	return n
}

func TestConflictingSaveIsRefused(t *testing.T) {
	a, path := newStore(t)
	b, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ins := apply(t, a, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "name": "A"}}})
	read := ins.After
	// The other program moves the camera and renames it.
	theirs := &store.Record{FID: read.FID, Geom: orb.Point{121.61, 31.21}, Props: map[string]any{"status": "online", "name": "B"}}
	bs := apply(t, b, store.Edit{Layer: store.Cameras, Before: read, After: theirs})
	// Ours, from the old read: refused with their version, in a batch
	// whose first edit would have succeeded.
	mine := &store.Record{FID: read.FID, Geom: orb.Point{121.62, 31.22}, Props: map[string]any{"status": "offline", "name": "A2"}}
	other := store.Edit{Layer: store.Roads, After: &store.Record{Geom: orb.LineString{{121.6, 31.2}, {121.7, 31.3}}, Props: map[string]any{"class": "service"}}}
	_, err = a.ApplyEdits(ctx, "me", []store.Edit{other, {Layer: store.Cameras, Before: read, After: mine}})
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConflictError", err)
	}
	if ce.Layer != store.Cameras || ce.FID != read.FID || ce.Stored == nil || !orb.Equal(ce.Stored.Geom, bs.After.Geom) || !reflect.DeepEqual(ce.Stored.Props, bs.After.Props) {
		t.Fatalf("conflict %+v, stored %+v", ce, ce.Stored)
	}
	if !strings.Contains(err.Error(), "changed by another program") {
		t.Errorf("message: %v", err)
	}
	sameAsStored(t, a, store.Cameras, bs.After)
	if n, _ := a.Count(ctx, store.Roads); n != 0 {
		t.Errorf("the refused batch wrote %d roads", n)
	}
	// The user chooses to save over theirs: from the stored version.
	apply(t, a, store.Edit{Layer: store.Cameras, Before: ce.Stored, After: mine})
	// Deleted meanwhile: Stored is nil.
	cur, _ := b.Record(ctx, store.Cameras, read.FID)
	apply(t, b, store.Edit{Layer: store.Cameras, Before: cur})
	_, err = a.ApplyEdits(ctx, "me", []store.Edit{{Layer: store.Cameras, Before: cur, After: mine}})
	if !errors.As(err, &ce) || ce.Stored != nil || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("err = %v", err)
	}
	// Only the history of successful edits is kept.
	hist, _ := a.EditHistory(ctx, "", 0, 0)
	if len(hist) != 4 {
		t.Errorf("%d history entries, want 4", len(hist))
	}
}

func TestFieldErrorsNameTheField(t *testing.T) {
	s, _ := newStore(t)
	apply(t, s, store.Edit{Layer: store.KeyAreas, After: &store.Record{
		Geom:  orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.2}}},
		Props: map[string]any{"code": "K1", "kind": "entrance", "required_level": "identification"}}})
	cam := apply(t, s, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"code": "C1", "status": "online"}}})
	key := func(props map[string]any) *store.Record {
		return &store.Record{Geom: orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.2}}}, Props: props}
	}
	tests := []struct {
		name  string
		edit  store.Edit
		field string
		msg   string
	}{
		{"out of range", store.Edit{Layer: store.Cameras, Before: cam.After, After: &store.Record{FID: cam.After.FID, Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "heading": 999.0}}}, "heading", "out of range"},
		{"not a number", store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "tilt": "steep"}}}, "tilt", "not a number"},
		{"coded value", store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "broken"}}}, "status", "online"},
		{"required", store.Edit{Layer: store.KeyAreas, After: key(map[string]any{"code": "K2", "required_level": "identification"})}, "kind", "required"},
		{"duplicate code", store.Edit{Layer: store.KeyAreas, After: key(map[string]any{"code": "K1", "kind": "gate", "required_level": "identification"})}, "code", "taken"},
		{"unknown column", store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "colour": "red"}}}, "colour", "no column"},
		{"line of one point", store.Edit{Layer: store.Roads, After: &store.Record{Geom: orb.LineString{{121.6, 31.2}}, Props: map[string]any{"class": "service"}}}, "", "2 points"},
		{"wrong geometry type", store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.LineString{{121.6, 31.2}, {121.7, 31.2}}, Props: map[string]any{"status": "online"}}}, "", "POINT"},
		{"open ring", store.Edit{Layer: store.KeyAreas, After: &store.Record{Geom: orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.21}}}, Props: map[string]any{"code": "K3", "kind": "gate", "required_level": "identification"}}}, "", "end where it starts"},
		{"latitude out of range", store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 95}, Props: map[string]any{"status": "online"}}}, "", "latitude"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ApplyEdits(ctx, "tester", []store.Edit{tc.edit})
			var fe *store.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FieldError", err)
			}
			if fe.Field != tc.field || fe.Layer != tc.edit.Layer || !strings.Contains(fe.Msg, tc.msg) || !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("FieldError %+v, want field %q with %q", fe, tc.field, tc.msg)
			}
		})
	}
	if n, _ := s.Count(ctx, store.Cameras); n != 1 {
		t.Errorf("%d cameras after refused edits", n)
	}
	taken, err := s.CodeTaken(ctx, store.KeyAreas, "K1", 0)
	if err != nil || !taken {
		t.Errorf("CodeTaken K1 = %v, %v", taken, err)
	}
	if taken, _ := s.CodeTaken(ctx, store.Cameras, "C1", cam.After.FID); taken {
		t.Error("a feature's own code is taken")
	}
	if !store.Required(store.KeyAreas, "code") || store.Required(store.Cameras, "code") || store.Required(store.Cameras, "heading") {
		t.Error("Required")
	}
}

// snapshot reads every feature of every layer.
func snapshot(t *testing.T, s *store.Store) map[string][]store.Record {
	t.Helper()
	out := map[string][]store.Record{}
	for _, l := range store.Layers() {
		rs, err := s.Records(ctx, l, store.World)
		if err != nil {
			t.Fatal(err)
		}
		out[l] = rs
	}
	return out
}

func sameSnapshot(t *testing.T, what string, got, want map[string][]store.Record) {
	t.Helper()
	for _, l := range store.Layers() {
		g, w := got[l], want[l]
		if len(g) != len(w) {
			t.Fatalf("%s: %s has %d features, want %d", what, l, len(g), len(w))
		}
		for i := range g {
			if g[i].FID != w[i].FID || !orb.Equal(g[i].Geom, w[i].Geom) || !reflect.DeepEqual(g[i].Props, w[i].Props) {
				t.Fatalf("%s: %s feature %d is\n%v %v\nwant %d\n%v %v", what, l, g[i].FID, g[i].Geom, g[i].Props, w[i].FID, w[i].Geom, w[i].Props)
			}
		}
	}
}

// TestRandomEditsUndoneAndRedone applies fifty random edits to the demo
// community, undoes them one by one and redoes them.
func TestRandomEditsUndoneAndRedone(t *testing.T) {
	s, _ := newStore(t)
	if err := demo.Write(ctx, s); err != nil {
		t.Fatal(err)
	}
	start := snapshot(t, s)
	var layers []string
	for _, l := range []string{store.Cameras, store.FireEquipment, store.Roads, store.PatrolRoutes, store.KeyAreas, store.Buildings, store.Hazards, store.Barriers, store.AccessPoints} {
		if len(start[l]) > 0 {
			layers = append(layers, l)
		}
	}
	if len(layers) < 6 {
		t.Fatalf("the demo has features in only %v", layers)
	}
	r := rand.New(rand.NewSource(13))
	var done []store.Edit
	kinds := map[string]int{}
	for len(done) < 50 {
		layer := layers[r.Intn(len(layers))]
		recs, err := s.Records(ctx, layer, store.World)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			continue // all deleted
		}
		cur, err := s.Record(ctx, layer, recs[r.Intn(len(recs))].FID)
		if err != nil {
			t.Fatal(err)
		}
		next := &store.Record{FID: cur.FID, Geom: cur.Geom, Props: map[string]any{}}
		for k, v := range cur.Props {
			next.Props[k] = v
		}
		kind := []string{"add", "move", "vertex move", "vertex insert", "vertex delete", "attribute", "delete"}[r.Intn(7)]
		d := func() float64 { return (r.Float64() - 0.5) * 0.0005 }
		var e store.Edit
		switch kind {
		case "add":
			next.FID = 0
			next.Geom = snap.Translate(cur.Geom, d(), d())
			if _, ok := next.Props["code"]; ok {
				next.Props["code"] = fmt.Sprintf("R%d", len(done))
			}
			e = store.Edit{Layer: layer, After: next}
		case "move":
			next.Geom = snap.Translate(cur.Geom, d(), d())
		case "vertex move", "vertex insert", "vertex delete":
			at, _, _ := snap.NearestVertex(cur.Geom, orb.Point{cur.Geom.Bound().Min[0] + r.Float64()*0.001, cur.Geom.Bound().Min[1] + r.Float64()*0.001})
			c := cur.Geom.Bound().Center()
			p := orb.Point{c[0] + d(), c[1] + d()}
			switch kind {
			case "vertex move":
				next.Geom, err = snap.MoveVertex(cur.Geom, at, p)
			case "vertex insert":
				next.Geom, err = snap.InsertVertex(cur.Geom, at, p)
			default:
				next.Geom, err = snap.DeleteVertex(cur.Geom, at)
			}
			if err != nil {
				continue // a point, or too few vertices: another edit
			}
		case "attribute":
			next.Props["name"] = fmt.Sprintf("名称 %d", r.Intn(1000))
		case "delete":
			e = store.Edit{Layer: layer, Before: cur}
		}
		if e.Layer == "" {
			e = store.Edit{Layer: layer, Before: cur, After: next}
		}
		done = append(done, apply(t, s, e))
		kinds[kind]++
	}
	t.Logf("edits: %v", kinds)
	end := snapshot(t, s)
	for i := len(done) - 1; i >= 0; i-- {
		apply(t, s, done[i].Inverse())
	}
	sameSnapshot(t, "undone", snapshot(t, s), start)
	for _, e := range done {
		apply(t, s, e)
	}
	sameSnapshot(t, "redone", snapshot(t, s), end)
	if h, _ := s.EditHistory(ctx, "", 0, 0); len(h) != 150 {
		t.Errorf("%d history entries, want 150", len(h))
	}
}

func TestSketchesSurviveReopening(t *testing.T) {
	s, path := newStore(t)
	line := orb.LineString{{121.6, 31.2}}
	id, err := s.SaveSketch(ctx, store.Sketch{Layer: store.PatrolRoutes, Geom: line, Props: map[string]any{"code": "P9", "team": "东"}})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.SaveSketch(ctx, store.Sketch{Layer: store.KeyAreas})
	if err != nil {
		t.Fatal(err)
	}
	line = append(line, orb.Point{121.61, 31.21})
	if got, err := s.SaveSketch(ctx, store.Sketch{ID: id, Layer: store.PatrolRoutes, Geom: line, Props: map[string]any{"code": "P9"}}); err != nil || got != id {
		t.Fatalf("update: %d, %v", got, err)
	}
	s.Close()
	s, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sk, err := s.Sketches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sk) != 2 || sk[0].ID != id || !orb.Equal(sk[0].Geom, line) || sk[0].Props["code"] != "P9" || sk[0].Props["team"] != nil ||
		sk[1].ID != id2 || sk[1].Geom != nil || sk[1].Layer != store.KeyAreas || time.Since(sk[0].Updated) > time.Minute {
		t.Fatalf("sketches %+v", sk)
	}
	if err := s.DeleteSketch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSketch(ctx, id); err != nil {
		t.Fatal(err)
	}
	if sk, _ := s.Sketches(ctx); len(sk) != 1 || sk[0].ID != id2 {
		t.Fatalf("after delete %+v", sk)
	}
}

// TestSketchSurvivesKill saves a sketch in a child process killed with
// SIGKILL right after the save returned.
func TestSketchSurvivesKill(t *testing.T) {
	if p := os.Getenv("SAFETYNET_SKETCH_CHILD"); p != "" {
		s, err := store.Open(p)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if _, err := s.SaveSketch(context.Background(), store.Sketch{Layer: store.KeyAreas, Geom: orb.LineString{{121.6, 31.2}, {121.61, 31.2}}}); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("saved")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "k.gpkg")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestSketchSurvivesKill$")
	cmd.Env = append(os.Environ(), "SAFETYNET_SKETCH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if line != "saved\n" {
		t.Fatalf("child said %q", line)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sk, err := s.Sketches(ctx)
	if err != nil || len(sk) != 1 || !orb.Equal(sk[0].Geom, orb.LineString{{121.6, 31.2}, {121.61, 31.2}}) {
		t.Fatalf("after SIGKILL: %+v, %v", sk, err)
	}
}

// waitLayers waits up to d for a report from ch and returns it; nil when none came.
func waitLayers(ch <-chan []string, d time.Duration) []string {
	select {
	case ls := <-ch:
		return ls
	case <-time.After(d):
		return nil
	}
}

func TestWatchSeesOtherPrograms(t *testing.T) {
	ogrinfo := testenv.Tool(t, "ogrinfo")
	s, path := newStore(t)
	cam := apply(t, s, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online"}}})
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := s.Watch(wctx, 100*time.Millisecond)
	time.Sleep(150 * time.Millisecond)
	// Our own writes are not reported.
	moved := cam.After
	for i := 0; i < 3; i++ {
		moved = apply(t, s, store.Edit{Layer: store.Cameras, Before: moved, After: &store.Record{FID: moved.FID, Geom: snap.Translate(moved.Geom, 0.001, 0), Props: moved.Props}}).After
	}
	if _, err := s.SaveSketch(ctx, store.Sketch{Layer: store.Roads}); err != nil {
		t.Fatal(err)
	}
	if ls := waitLayers(ch, 500*time.Millisecond); ls != nil {
		t.Fatalf("own writes reported: %v", ls)
	}
	// GDAL, knowing nothing of us.
	began := time.Now()
	out, err := exec.Command(ogrinfo, path, "-sql", fmt.Sprintf("UPDATE cameras SET name = 'GDAL' WHERE fid = %d", cam.After.FID)).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	ls := waitLayers(ch, 2*time.Second)
	if !reflect.DeepEqual(ls, []string{store.Cameras}) {
		t.Fatalf("after GDAL's update: %v", ls)
	}
	t.Logf("GDAL's update reported %v after ogrinfo started", time.Since(began).Round(time.Millisecond))
	if r, _ := s.Record(ctx, store.Cameras, cam.After.FID); r.Props["name"] != "GDAL" {
		t.Errorf("name = %v", r.Props["name"])
	}
	// Another SafetyNet on the same file; then GDAL inserting into another
	// layer while we write too.
	b, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	apply(t, b, store.Edit{Layer: store.Hazards, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"category": "fire", "severity": "low", "status": "open"}}})
	if ls := waitLayers(ch, 2*time.Second); !reflect.DeepEqual(ls, []string{store.Hazards}) {
		t.Fatalf("after another store's edit: %v", ls)
	}
	out, err = exec.Command(ogrinfo, path, "-sql", "DELETE FROM cameras").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	apply(t, s, store.Edit{Layer: store.Roads, After: &store.Record{Geom: orb.LineString{{121.6, 31.2}, {121.7, 31.3}}, Props: map[string]any{"class": "service"}}})
	if ls := waitLayers(ch, 2*time.Second); !reflect.DeepEqual(ls, []string{store.Cameras}) {
		t.Fatalf("after GDAL's delete and our insert: %v", ls)
	}
	// ogr2ogr appending a feature.
	ogr2ogr := testenv.Tool(t, "ogr2ogr")
	gj := filepath.Join(t.TempDir(), "h.geojson")
	os.WriteFile(gj, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[121.6,31.2]},"properties":{"category":"flood","severity":"low","status":"open"}}]}`), 0o644)
	if out, err := exec.Command(ogr2ogr, "-update", "-append", "-nln", store.Hazards, path, gj).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	if ls := waitLayers(ch, 2*time.Second); !reflect.DeepEqual(ls, []string{store.Hazards}) {
		t.Fatalf("after ogr2ogr -append: %v", ls)
	}
	cancel()
	for range ch {
	}
}

// TestGDALReadsEditTables checks the edit history and sketches with ogrinfo.
func TestGDALReadsEditTables(t *testing.T) {
	ogrinfo := testenv.Tool(t, "ogrinfo")
	s, path := newStore(t)
	apply(t, s, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "name": "北门"}}})
	if _, err := s.SaveSketch(ctx, store.Sketch{Layer: store.Roads, Geom: orb.LineString{{121.6, 31.2}, {121.61, 31.2}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := exec.Command(ogrinfo, "-ro", "-al", path, store.HistoryTable, store.SketchTable).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"Layer name: " + store.HistoryTable, "op (String) = insert", "who (String) = tester", "layer (String) = cameras", `"name":"北门"`,
		"Layer name: " + store.SketchTable, "LINESTRING (121.6 31.2,121.61 31.2)"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Warning") || strings.Contains(text, "ERROR") {
		t.Errorf("ogrinfo complains:\n%s", text)
	}
}

func TestReadOnlyOlderFile(t *testing.T) {
	// A file without the edit tables, opened read-only, still opens and
	// has no history or sketches; opened for writing it gains them.
	s, path := newStore(t)
	s.Close()
	out, err := exec.Command("sqlite3", path, "DROP TABLE safetynet_edit_history; DROP TABLE safetynet_sketches; DROP TABLE safetynet_changes;"+
		"DELETE FROM gpkg_contents WHERE table_name LIKE 'safetynet_%' AND table_name != 'safetynet_meta'; DELETE FROM gpkg_geometry_columns WHERE table_name = 'safetynet_sketches';").CombinedOutput()
	if err != nil {
		testenv.Missing(t, "sqlite3: %v %s", err, out)
	}
	ro, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err1 := ro.EditHistory(ctx, "", 0, 0)
	sk, err2 := ro.Sketches(ctx)
	if err1 != nil || err2 != nil || h != nil || sk != nil {
		t.Fatalf("read-only: %v %v %v %v", h, err1, sk, err2)
	}
	ro.Close()
	rw, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	apply(t, rw, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online"}}})
	if h, err := rw.EditHistory(ctx, store.Cameras, 0, 1); err != nil || len(h) != 1 {
		t.Fatalf("history after reopening for writing: %v %v", h, err)
	}
}

func BenchmarkApplyEditsMovePoint(b *testing.B) {
	dir, err := tmpDir()
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, fmt.Sprintf("edit-%d.gpkg", b.N)))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := demo.Write(ctx, s); err != nil {
		b.Fatal(err)
	}
	recs, _ := s.Records(ctx, store.Cameras, store.World)
	cur := &recs[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := &store.Record{FID: cur.FID, Geom: snap.Translate(cur.Geom, 1e-6, 0), Props: cur.Props}
		out, err := s.ApplyEdits(ctx, "bench", []store.Edit{{Layer: store.Cameras, Before: cur, After: next}})
		if err != nil {
			b.Fatal(err)
		}
		cur = out[0].After
	}
}

// TestEditTablesPassGDALValidator runs GDAL's GeoPackage validator over a
// file with edit history, sketches (one too short for its layer, one
// empty) and change triggers, and fails on any complaint about them.
func TestEditTablesPassGDALValidator(t *testing.T) {
	script := "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	if _, err := os.Stat(script); err != nil {
		testenv.Missing(t, "GDAL's validate_gpkg.py is not installed (python3-gdal): %v", err)
	}
	s, path := newStore(t)
	cam := apply(t, s, store.Edit{Layer: store.Cameras, After: &store.Record{Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online"}}})
	apply(t, s, store.Edit{Layer: store.Cameras, Before: cam.After})
	s.SaveSketch(ctx, store.Sketch{Layer: store.Roads, Geom: orb.LineString{{121.6, 31.2}}})
	s.SaveSketch(ctx, store.Sketch{Layer: store.KeyAreas})
	s.Close()
	out, _ := exec.Command("python3", script, "-k", path).CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "safetynet_edit_history") || strings.Contains(l, "safetynet_sketches") || strings.Contains(l, "safetynet_change") {
			t.Errorf("validate_gpkg.py: %s", l)
		}
	}
}
