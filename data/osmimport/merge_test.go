package osmimport

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

// TestReimportUpdates imports the same extract twice: the second time
// adds nothing and changes nothing; a changed tag is an update in place.
func TestReimportUpdates(t *testing.T) {
	src := testenv.SharedData(t, "osm/taipei-xinyi.osm")
	ctx := context.Background()
	s := openStore(t, filepath.Join(t.TempDir(), "re.gpkg"))
	defer s.Close()
	counts := func() map[string]int {
		m := map[string]int{}
		for _, l := range store.LayerNames() {
			n, err := s.Count(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			m[l] = n
		}
		return m
	}
	st, err := Import(ctx, s, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := counts()
	if st.Merged.Added == 0 || st.Merged.Updated+st.Merged.Unchanged != 0 {
		t.Fatalf("first import: %v", st.Merged)
	}
	st2, err := Import(ctx, s, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts(); !equalCounts(got, first) {
		t.Errorf("after a second import %v, after the first %v", got, first)
	}
	if st2.Merged.Added != 0 || st2.Merged.Updated != 0 || st2.Merged.Unchanged != st.Merged.Added {
		t.Errorf("second import: %v, want 0 added, 0 updated, %d unchanged", st2.Merged, st.Merged.Added)
	}

	// Rename one building and import again: one update, same fid.
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := s.Buildings(ctx, store.World)
	if err != nil || len(bs) == 0 {
		t.Fatal(err, len(bs))
	}
	var target store.Building
	for _, b := range bs {
		if strings.HasPrefix(b.OSMID, "way/") && b.Levels == 0 {
			target = b
			break
		}
	}
	id := strings.TrimPrefix(target.OSMID, "way/")
	text := string(data)
	i := strings.Index(text, `<way id="`+id+`"`)
	if i < 0 {
		t.Fatalf("way %s not found", id)
	}
	j := strings.Index(text[i:], "</way>")
	changed := text[:i+j] + `<tag k="building:levels" v="7"/>` + text[i+j:]
	mod := filepath.Join(t.TempDir(), "mod.osm")
	if err := os.WriteFile(mod, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	st3, err := Import(ctx, s, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st3.Merged.Updated != 1 || st3.Merged.Added != 0 {
		t.Errorf("import with one tag changed: %v, want 1 updated", st3.Merged)
	}
	if got := counts(); !equalCounts(got, first) {
		t.Errorf("after the changed import %v, want %v", got, first)
	}
	b, ok, err := s.Get(ctx, store.Buildings, target.FID)
	if err != nil || !ok {
		t.Fatal(err, ok)
	}
	if v := b.Props["levels"]; v != int64(7) && v != 7 && v != 7.0 {
		t.Errorf("levels of %s after the update: %v (%T)", target.OSMID, v, v)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestFilterLayer(t *testing.T) {
	fs := []store.Feature{&store.Building{OSMID: "way/1"}, &store.Road{OSMID: "way/2"}}
	got, err := FilterLayer(fs, store.Roads)
	if err != nil || len(got) != 1 || got[0].Layer() != store.Roads {
		t.Errorf("FilterLayer roads: %v, %v", got, err)
	}
	if _, err := FilterLayer(fs, "nosuch"); err == nil || !strings.Contains(err.Error(), store.Buildings) {
		t.Errorf("FilterLayer nosuch: %v", err)
	}
}
