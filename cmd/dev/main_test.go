package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// TestEveryFuzzTargetListed: each Fuzz function of the tree is run by
// the fuzz command.
func TestEveryFuzzTargetListed(t *testing.T) {
	root := filepath.Join("..", "..")
	listed := map[string]bool{}
	for _, f := range fuzzTargets {
		listed[f] = true
	}
	re := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if name := m[1] + ":./" + filepath.ToSlash(rel) + "/"; !listed[name] {
				t.Errorf("%s is not in fuzzTargets", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
