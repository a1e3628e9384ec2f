package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGofmtCheck: the test command's format check fails on a file gofmt
// would change, naming it, and passes on formatted ones.
func TestGofmtCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.go", "package x\n\nfunc F() {}\n")
	if err := gofmtCheck(context.Background(), dir); err != nil {
		t.Fatalf("formatted files: %v", err)
	}
	write("bad.go", "package x\nfunc   G( ) {\n}\n")
	err := gofmtCheck(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "bad.go") || strings.Contains(err.Error(), "good.go") {
		t.Fatalf("an unformatted file: %v", err)
	}
}

// TestKeepFile: what fyne package writes into FyneApp.toml is undone,
// whether it succeeds or fails.
func TestKeepFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "FyneApp.toml")
	const text = "[Details]\nBuild = 3\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, fail := range []bool{false, true} {
		err := keepFile(path, func() error {
			os.WriteFile(path, []byte("[Details]\nBuild = 4\n"), 0o644)
			if fail {
				return os.ErrInvalid
			}
			return nil
		})
		if (err != nil) != fail {
			t.Errorf("fail %v: err %v", fail, err)
		}
		if b, _ := os.ReadFile(path); string(b) != text {
			t.Errorf("fail %v: the file is now %q", fail, b)
		}
	}
}
