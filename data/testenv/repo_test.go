package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// largeAssets are the tracked files allowed over maxFile, each with the
// size it may grow to. None is needed today: a file that wants to be here
// is named with its reason.
var largeAssets = map[string]int64{}

const (
	maxFile  = 1 << 20  // bytes, any one tracked file but the named assets
	maxTotal = 15 << 20 // bytes, all tracked files together
)

// TestTrackedFileSizes keeps build outputs and other large files out of
// the repository: no tracked file is over 1 MB but the named assets, and
// all tracked files add up to under 15 MB.
func TestTrackedFileSizes(t *testing.T) {
	git := Tool(t, "git")
	cmd := exec.Command(git, "ls-files", "-z")
	cmd.Dir = Root()
	out, err := cmd.Output()
	if err != nil {
		Missing(t, "git ls-files in %s: %v (not a git checkout?)", Root(), err)
	}
	var total int64
	n := 0
	for _, name := range bytes.Split(bytes.TrimRight(out, "\x00"), []byte{0}) {
		path := string(name)
		fi, err := os.Lstat(filepath.Join(Root(), path))
		if os.IsNotExist(err) {
			continue // deleted in the working tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		total += fi.Size()
		limit, named := largeAssets[path]
		if !named {
			limit = maxFile
		}
		if fi.Size() > limit {
			t.Errorf("%s is %d bytes, over %d: build outputs belong in bin/ (ignored); a real asset is named in largeAssets", path, fi.Size(), limit)
		}
	}
	if n == 0 {
		t.Fatal("git ls-files listed no files")
	}
	if total >= maxTotal {
		t.Errorf("the %d tracked files add up to %d bytes, want under %d", n, total, maxTotal)
	}
	t.Logf("%d tracked files, %d bytes", n, total)
	for path := range largeAssets {
		if _, err := os.Stat(filepath.Join(Root(), path)); err != nil {
			t.Errorf("large asset %s is named but not here: %v", path, err)
		}
	}
}
