package report

import (
	"context"
	"testing"
	"time"

	sm "github.com/flopp/go-staticmaps"

	"safetynet/data/store"
)

func TestScratchTiming(t *testing.T) {
	s, err := store.OpenWith("/tmp/demo.gpkg", store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := Analyse(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := frameOf(r.mapBound(), 1200, 1200)
	m := f.mPerPx
	try := func(name string, o ...sm.MapObject) {
		start := time.Now()
		if _, err := f.render(o); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", name, time.Since(start))
	}
	try("none")
	for i, o := range r.basemapObjects(m) {
		try(string(rune('a'+i)), o)
	}
	try("coverage", r.coverageObject(0.7))
	try("buildings", r.buildingObject(m))
	try("gaps", r.gapObject(m))
	try("keys", r.keyAreaObjects(m)...)
	try("cams", r.cameraObject(m))
}
