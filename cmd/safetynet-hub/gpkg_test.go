package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/data/store"
)

// TestRefuseGeoPackage: token commands and serve refuse a community
// GeoPackage as the hub's file, and leave it unchanged.
func TestRefuseGeoPackage(t *testing.T) {
	gpkg := filepath.Join(t.TempDir(), "store.gpkg")
	s, err := store.Open(gpkg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(context.Background(), func(tx *store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, err := os.ReadFile(gpkg)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"token", "add", "ops", "--role", "operator", "--db", gpkg},
		{"token", "list", "--db", gpkg},
		{"serve", "--db", gpkg, "--listen", "127.0.0.1:0"},
	} {
		out, code := hubCmd(t, args...)
		if code == 0 || !strings.Contains(out, "is a GeoPackage") {
			t.Errorf("safetynet-hub %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	after, _ := os.ReadFile(gpkg)
	if string(after) != string(before) {
		t.Errorf("%s changed", gpkg)
	}
	// A hub file is still fine.
	addToken(t, filepath.Join(t.TempDir(), "hub.db"), "ops", "operator")
}
