package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/data/testenv"
)

var t0 = time.Date(2026, 5, 1, 10, 15, 0, 0, time.UTC)

func liveRows() []store.LiveRow {
	return []store.LiveRow{
		{Subject: "camera:CAM-012", Kind: "alert", Geom: orb.Point{121.6001, 31.2002}, Type: "camera.offline", Severity: "moderate",
			Status: "acknowledged", State: "fresh", Title: "Camera offline", Seq: 7, Received: t0, Updated: t0.Add(1500 * time.Millisecond),
			Data: []byte(`{"subject":"camera:CAM-012"}`)},
		{Subject: "alarm-1", Kind: "alert", Geom: nil, Type: "fire.smoke", Severity: "severe", Status: "new", State: "fresh",
			Title: "Smoke, no position", Seq: 8, Received: t0.Add(time.Second), Updated: t0.Add(time.Second), Data: []byte(`{}`)},
		{Subject: "cap-area", Kind: "alert", Geom: square(121.6, 31.2, 0.01), Type: "alert.met", Severity: "minor", Status: "new",
			State: "stale", Title: "Storm", Seq: 9, Received: t0, Updated: t0},
		{Subject: "patrol:R1", Kind: "unit", Geom: orb.Point{121.602, 31.201}, Type: "patrol.position", Severity: "minor",
			State: "fresh", Title: "Team A", Seq: 10, Received: t0, Updated: t0.Add(2 * time.Second), Data: []byte(`{"trail":[]}`)},
	}
}

func TestSaveLiveRoundTrip(t *testing.T) {
	s, path := newStore(t)
	rows := liveRows()
	log := []store.LogRow{
		{Time: t0, Seq: 7, Kind: "event", Subject: "camera:CAM-012", Data: []byte(`{"seq":7}`)},
		{Time: t0.Add(time.Second), Seq: 0, Kind: "action", Operator: "li", Subject: "camera:CAM-012", Data: []byte(`{"action":"ack"}`)},
	}
	if err := s.SaveLive(ctx, rows, nil, log, 10); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, seq, err := s.LoadLive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if seq != 10 {
		t.Errorf("last seq %d, want 10", seq)
	}
	// Ordered by subject.
	want := []store.LiveRow{rows[1], rows[0], rows[2], rows[3]}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Subject != w.Subject || g.Kind != w.Kind || g.Type != w.Type || g.Severity != w.Severity || g.Status != w.Status ||
			g.State != w.State || g.Title != w.Title || g.Seq != w.Seq || !g.Received.Equal(w.Received) || !g.Updated.Equal(w.Updated) ||
			string(g.Data) != string(w.Data) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
		if (g.Geom == nil) != (w.Geom == nil) || (g.Geom != nil && !orb.Equal(g.Geom, w.Geom)) {
			t.Errorf("row %s: geometry %v, want %v", w.Subject, g.Geom, w.Geom)
		}
	}

	// Update one, remove one: the rest stay.
	up := rows[0]
	up.Status, up.Geom = "resolved", orb.Point{121.61, 31.21}
	if err := s.SaveLive(ctx, []store.LiveRow{up}, []string{"alarm-1", "not-there"}, nil, 12); err != nil {
		t.Fatal(err)
	}
	got, seq, err = s.LoadLive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, g := range got {
		subjects = append(subjects, g.Subject)
	}
	if seq != 12 || !slices.Equal(subjects, []string{"camera:CAM-012", "cap-area", "patrol:R1"}) {
		t.Fatalf("after update and remove: seq %d, subjects %v", seq, subjects)
	}
	if got[0].Status != "resolved" || !orb.Equal(got[0].Geom, orb.Point{121.61, 31.21}) {
		t.Errorf("updated row: %+v", got[0])
	}
	// The R-tree follows the updated geometry: one entry per row with one.
	var n int
	var minx float64
	db := rawDB(t, path)
	db.QueryRow("SELECT count(*), min(minx) FROM rtree_alerts_geom").Scan(&n, &minx)
	if n != 3 || math.Abs(minx-121.6) > 1e-5 { // R-tree bounds are float32
		t.Errorf("rtree: %d entries, min x %v; want 3, 121.6", n, minx)
	}
}

func TestSaveLiveMapLayersUnchanged(t *testing.T) {
	s, _ := newStore(t)
	if err := s.EnsureTileSet(ctx, "basemap", store.SourceLayers, "day", 256); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTiles(ctx, "basemap", []store.Tile{{Z: 1, X: 1, Y: 0, Data: []byte("png")}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLive(ctx, liveRows(), nil, nil, 1); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Tile(ctx, "basemap", 1, 1, 0); !ok || err != nil {
		t.Errorf("the basemap tile set was cleared by SaveLive (%v)", err)
	}
	names := store.LayerNames()
	if len(names) != 13 || slices.Contains(names, store.AlertsTable) || slices.Contains(names, store.EventLogTable) {
		t.Errorf("layers: %v", names)
	}
	if _, err := s.Count(ctx, store.AlertsTable); !errors.Is(err, store.ErrNoLayer) {
		t.Errorf("Count(alerts): %v, want ErrNoLayer", err)
	}
	if _, err := s.Records(ctx, store.AlertsTable, store.World); !errors.Is(err, store.ErrNoLayer) {
		t.Errorf("Records(alerts): %v, want ErrNoLayer", err)
	}
	if _, found, err := s.Extent(ctx); found || err != nil {
		t.Errorf("Extent sees the alerts: %v %v", found, err)
	}
	hits, err := s.Search(ctx, "Camera", 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search finds alerts: %v %v", hits, err)
	}
	if err := s.EnsureTileSet(ctx, store.AlertsTable, store.SourceLayers, "day", 256); err == nil {
		t.Error("a tile set may be called alerts")
	}
}

func TestSaveLiveRefusesNaN(t *testing.T) {
	s, _ := newStore(t)
	if err := s.SaveLive(ctx, liveRows()[:1], nil, nil, 3); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		geom orb.Geometry
	}{
		{"point", orb.Point{math.NaN(), 31.2}},
		{"polygon", orb.Polygon{{{121, 31}, {121.1, 31}, {121.1, math.Inf(1)}, {121, 31}}}},
		{"line", orb.LineString{{121, 31}, {math.NaN(), math.NaN()}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := store.LiveRow{Subject: "bad", Kind: "alert", Geom: c.geom}
			good := liveRows()[1]
			err := s.SaveLive(ctx, []store.LiveRow{good, bad}, []string{"camera:CAM-012"},
				[]store.LogRow{{Time: t0, Kind: "event"}}, 99)
			if err == nil || !strings.Contains(err.Error(), "bad") || !strings.Contains(err.Error(), "not a number") {
				t.Fatalf("err %v, want one naming the subject and the coordinate", err)
			}
			rows, seq, err := s.LoadLive(ctx)
			if err != nil || seq != 3 || len(rows) != 1 || rows[0].Subject != "camera:CAM-012" {
				t.Errorf("something was written: seq %d, %d rows, %v", seq, len(rows), err)
			}
			logged, _ := s.ConsoleLog(ctx, time.Time{}, time.Time{}, 10)
			if len(logged) != 0 {
				t.Errorf("log has %d rows", len(logged))
			}
		})
	}
}

func TestConsoleLogAppendOnly(t *testing.T) {
	s, path := newStore(t)
	// Three batches; times out of order across batches and equal within one.
	batches := [][]store.LogRow{
		{{Time: t0.Add(2 * time.Second), Seq: 3, Kind: "event", Subject: "a"}, {Time: t0.Add(2 * time.Second), Seq: 4, Kind: "event", Subject: "b"}},
		{{Time: t0, Seq: 1, Kind: "event", Subject: "c"}},
		{{Time: t0.Add(5 * time.Second), Seq: 0, Kind: "action", Operator: "wang", Subject: "a", Data: []byte(`{"action":"resolve"}`)}},
	}
	for i, b := range batches {
		if err := s.SaveLive(ctx, nil, nil, b, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.ConsoleLog(ctx, time.Time{}, time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all {
		got = append(got, fmt.Sprintf("%s/%d/%s/%s", r.Subject, r.Seq, r.Kind, r.Operator))
	}
	want := []string{"c/1/event/", "a/3/event/", "b/4/event/", "a/0/action/wang"}
	if !slices.Equal(got, want) {
		t.Errorf("log %v, want %v", got, want)
	}
	if !all[3].Time.Equal(t0.Add(5*time.Second)) || string(all[3].Data) != `{"action":"resolve"}` {
		t.Errorf("last row %+v", all[3])
	}
	// A window [t0+1s, t0+5s) and a limit.
	win, _ := s.ConsoleLog(ctx, t0.Add(time.Second), t0.Add(5*time.Second), 1)
	if len(win) != 1 || win[0].Subject != "a" || win[0].Seq != 3 {
		t.Errorf("window: %+v", win)
	}
	// The file itself refuses changes to the log.
	db := rawDB(t, path)
	if _, err := db.Exec("UPDATE event_log SET kind = 'x'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("update: %v", err)
	}
	if _, err := db.Exec("DELETE FROM event_log"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("delete: %v", err)
	}
	var kind string
	db.QueryRow("SELECT data_type FROM gpkg_contents WHERE table_name = 'event_log'").Scan(&kind)
	if kind != "attributes" {
		t.Errorf("event_log data_type %q", kind)
	}
}

func TestSaveLiveOlderFileAndReadOnly(t *testing.T) {
	// A store made before the console tables existed: reopen and save.
	s, path := newStore(t)
	s.Close()
	ro, err := store.OpenWith(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, seq, err := ro.LoadLive(ctx)
	if err != nil || rows != nil || seq != 0 {
		t.Errorf("LoadLive of a file without alerts: %v %d %v", rows, seq, err)
	}
	if log, err := ro.ConsoleLog(ctx, time.Time{}, time.Time{}, 5); err != nil || log != nil {
		t.Errorf("ConsoleLog of a file without a log: %v %v", log, err)
	}
	if err := ro.SaveLive(ctx, liveRows(), nil, nil, 1); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("read-only SaveLive: %v, want ErrReadOnly", err)
	}
	ro.Close()
	rw, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	for i := range 2 { // the second save finds the tables made by the first
		if err := rw.SaveLive(ctx, liveRows(), nil, []store.LogRow{{Time: t0, Kind: "event"}}, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Another handle on the same file (tables made elsewhere).
	other, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SaveLive(ctx, nil, []string{"alarm-1"}, nil, 5); err != nil {
		t.Fatal(err)
	}
	rows, seq, _ = rw.LoadLive(ctx)
	if len(rows) != 3 || seq != 5 {
		t.Errorf("%d rows, seq %d; want 3, 5", len(rows), seq)
	}
}

func TestOgrinfoReadsAlerts(t *testing.T) {
	ogrinfo := testenv.Tool(t, "ogrinfo")
	s, path := newStore(t)
	if err := s.SaveLive(ctx, liveRows(), nil, []store.LogRow{{Time: t0, Seq: 7, Kind: "event", Subject: "camera:CAM-012"}}, 10); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := exec.Command(ogrinfo, "-ro", "-so", path, store.AlertsTable).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"Layer name: alerts", "Geometry: Unknown (any)", "Feature Count: 4", "subject: String", "EPSG", "4326"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo -so alerts lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Warning") || strings.Contains(text, "ERROR") {
		t.Errorf("ogrinfo complains:\n%s", text)
	}
	out, err = exec.Command(ogrinfo, "-ro", "-q", path, "-sql", "SELECT subject, ST_X(geom) AS x FROM alerts WHERE kind = 'unit'").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "subject (String) = patrol:R1") || !strings.Contains(string(out), "x (Real) = 121.602") {
		t.Errorf("ogrinfo reads (%v):\n%s", err, out)
	}
	out, err = exec.Command(ogrinfo, "-ro", "-q", path, "-sql", "SELECT count(*) AS n FROM alerts WHERE geom IS NULL").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "n (Integer) = 1") {
		t.Errorf("rows without geometry (%v):\n%s", err, out)
	}
	out, err = exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Layer name: event_log") || strings.Contains(string(out), "Warning") || strings.Contains(string(out), "ERROR") {
		t.Errorf("ogrinfo -al (%v):\n%s", err, out)
	}
}

func BenchmarkSaveLive(b *testing.B) {
	dir, err := tmpDir()
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, fmt.Sprintf("live-%d.gpkg", b.N)))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 100
	data := []byte(`{"event":{"id":"x","type":"fire.smoke","time":"2026-05-01T10:15:00Z"},"status":"new","actions":[]}`)
	up := make([]store.LiveRow, batch)
	log := make([]store.LogRow, batch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range batch {
			k := (i*batch + j) % 2000 // a picture of 2,000 subjects, updated over and over
			p := orb.Point{121.6 + float64(k%50)*1e-4, 31.2 + float64(k/50)*1e-4}
			up[j] = store.LiveRow{Subject: fmt.Sprint("s-", k), Kind: "alert", Geom: p, Type: "fire.smoke", Severity: "severe",
				Status: "new", State: "fresh", Title: "Smoke", Seq: int64(i*batch + j), Received: t0, Updated: t0, Data: data}
			log[j] = store.LogRow{Time: t0.Add(time.Duration(i*batch+j) * time.Millisecond), Seq: int64(i*batch + j), Kind: "event", Subject: up[j].Subject, Data: data}
		}
		if err := s.SaveLive(ctx, up, nil, log, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(2*b.N*batch)/b.Elapsed().Seconds(), "rows/s")
}

// rawDB opens the file as plain SQLite, as another program would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSaveLiveBatchState: the console's own state is kept beside the
// picture, replaced by a batch that carries one and left as it was by a
// batch that does not, and survives reopening the file.
func TestSaveLiveBatchState(t *testing.T) {
	s, path := newStore(t)
	if st, err := s.LiveState(ctx); err != nil || st != nil {
		t.Fatalf("state of a new file: %q %v, want none", st, err)
	}
	for _, tc := range []struct {
		name  string
		state []byte
		want  string
	}{
		{"first state", []byte(`{"v":1,"rate":[[1,0,1,0,0,0]]}`), `{"v":1,"rate":[[1,0,1,0,0,0]]}`},
		{"a batch without state keeps it", nil, `{"v":1,"rate":[[1,0,1,0,0,0]]}`},
		{"a newer state replaces it", []byte(`{"v":1}`), `{"v":1}`},
	} {
		if err := s.SaveLiveBatch(ctx, store.LiveBatch{Upsert: liveRows()[:1], LastSeq: 3, State: tc.state}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if st, err := s.LiveState(ctx); err != nil || string(st) != tc.want {
			t.Errorf("%s: state %q %v, want %q", tc.name, st, err, tc.want)
		}
	}
	s.Close()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err := s.LiveState(ctx); err != nil || string(st) != `{"v":1}` {
		t.Errorf("after reopening: %q %v", st, err)
	}
	if _, seq, err := s.LoadLive(ctx); err != nil || seq != 3 {
		t.Errorf("last seq %d %v, want 3", seq, err)
	}
}
