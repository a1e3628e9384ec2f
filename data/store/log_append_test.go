package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestAppendLog(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "log.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)
	if err := s.SaveLive(ctx, nil, nil, []LogRow{{Time: t0, Seq: 7, Kind: "event", Subject: "a1"}}, 7); err != nil {
		t.Fatal(err)
	}
	rows := []LogRow{
		{Time: t0.Add(time.Second), Kind: "observation", Operator: "Zhao", Subject: "DR-1", Data: []byte(`{"drill_id":"DR-1","text":"slow"}`)},
		{Time: t0.Add(2 * time.Second), Kind: "drill", Subject: "DR-1"},
	}
	if err := s.AppendLog(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]LogRow{
		"no time": {{Time: t0.Add(3 * time.Second), Kind: "drill"}, {Kind: "drill"}},
		"no kind": {{Time: t0.Add(3 * time.Second)}},
	} {
		if err := s.AppendLog(ctx, bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	got, err := s.ConsoleLog(ctx, time.Time{}, time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3 (nothing of a refused batch): %+v", len(got), got)
	}
	if g := got[1]; g.Kind != "observation" || g.Operator != "Zhao" || g.Subject != "DR-1" || string(g.Data) != string(rows[0].Data) || !g.Time.Equal(rows[0].Time) {
		t.Errorf("observation read back as %+v", g)
	}
	if _, last, err := s.LoadLive(ctx); err != nil || last != 7 {
		t.Errorf("the console's last sequence number is %d (%v) after AppendLog, want 7", last, err)
	}
	ro, err := OpenWith(s.Path(), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.AppendLog(ctx, rows); !errors.Is(err, ErrReadOnly) {
		t.Errorf("a read-only store: %v", err)
	}
}
