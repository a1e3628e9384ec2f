package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkWatchPoll measures one poll of Watch when nothing changed (one
// PRAGMA) and after another connection's write (the counters read too).
func BenchmarkWatchPoll(b *testing.B) {
	ctx := context.Background()
	s, err := Open(filepath.Join(b.TempDir(), "w.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	conn, err := s.r.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	w := &watcher{s: s, conn: conn}
	if err := w.start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if ls, err := w.poll(ctx); err != nil || ls != nil {
				b.Fatal(ls, err)
			}
		}
	})
	b.Run("after-write", func(b *testing.B) {
		other, err := sql.Open(driverName, dsn(s.path, false, s.opt.BusyTimeout))
		if err != nil {
			b.Fatal(err)
		}
		defer other.Close()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if _, err := other.Exec(`UPDATE safetynet_changes SET seq = seq + 1 WHERE layer = 'cameras'`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if ls, err := w.poll(ctx); err != nil || len(ls) != 1 {
				b.Fatal(ls, err)
			}
		}
	})
}

// FuzzRecordFromJSON reads edit history entries as another program may
// have left them.
func FuzzRecordFromJSON(f *testing.F) {
	for _, r := range []*Record{
		{FID: 3, Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "heading": 90.0, "resolution_h": int64(1920), "ptz": true}},
		{FID: 4, Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, Props: map[string]any{"levels": int64(3)}},
	} {
		js, _ := recordJSON(r)
		f.Add(Cameras, js.(string))
	}
	f.Add(Buildings, `{"type":"Feature","id":"x","geometry":null,"properties":{"levels":"many"}}`)
	f.Add("", `{"type":"Feature"}`)
	f.Fuzz(func(t *testing.T, layer, s string) {
		r, err := recordFromJSON(layer, sql.NullString{String: s, Valid: true})
		if err != nil {
			return
		}
		js, err := recordJSON(r)
		if err != nil {
			return // a geometry that GeoJSON cannot write
		}
		if _, err := recordFromJSON(layer, sql.NullString{String: js.(string), Valid: true}); err != nil {
			t.Fatalf("written %s, read back: %v", js, err)
		}
	})
}

func TestRecordJSONRoundTrip(t *testing.T) {
	r := &Record{FID: 3, Geom: orb.Point{121.6, 31.2}, Props: map[string]any{"status": "online", "heading": 90.0, "resolution_h": int64(1920), "ptz": true, "code": nil}}
	js, err := recordJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := recordFromJSON(Cameras, sql.NullString{String: js.(string), Valid: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.FID != 3 || !orb.Equal(got.Geom, r.Geom) || got.Props["resolution_h"] != int64(1920) || got.Props["ptz"] != true || got.Props["heading"] != 90.0 || got.Props["code"] != nil {
		t.Fatalf("%+v from %s", got, js)
	}
}
