package main

import (
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"safetynet/data/testenv"
)

// TestSmokeRealWindow builds the real app (with its OpenGL driver), starts
// it under Xvfb on the demo community, takes a screenshot with ImageMagick
// and checks that it shows a map: many colours, the calm background of
// the basemap and no blank or black screen.
func TestSmokeRealWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the GL app: not in -short")
	}
	xvfb := testenv.Tool(t, "Xvfb")
	importCmd := testenv.Tool(t, "import")
	dir := t.TempDir()
	bin, err := builtApp()
	if err != nil {
		t.Fatal(err)
	}
	display := freeDisplay(t)
	x := exec.Command(xvfb, display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	defer x.Process.Kill()
	waitFor(t, "/tmp/.X11-unix/X"+display[1:], 10*time.Second)

	env := append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8",
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	app := exec.Command(bin)
	app.Env = env
	logf, _ := os.Create(filepath.Join(dir, "app.log"))
	app.Stdout, app.Stderr = logf, logf
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer app.Process.Kill()

	shot := filepath.Join(dir, "shot.png")
	var last string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(2 * time.Second)
		cmd := exec.Command(importCmd, "-window", "root", shot)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			last = fmt.Sprintf("import: %v %s", err, out)
			continue
		}
		ok, why := looksLikeMap(shot)
		if ok {
			if keep := os.Getenv("SAFETYNET_SMOKE_SHOT"); keep != "" {
				b, _ := os.ReadFile(shot)
				os.WriteFile(keep, b, 0o644)
			}
			return
		}
		last = why
	}
	log, _ := os.ReadFile(filepath.Join(dir, "app.log"))
	t.Fatalf("the window never showed a map: %s\napp log:\n%s", last, log)
}

// looksLikeMap says whether a screenshot shows a drawn map: hundreds of
// colours, no colour covering most of the screen.
func looksLikeMap(path string) (bool, string) {
	f, err := os.Open(path)
	if err != nil {
		return false, err.Error()
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return false, err.Error()
	}
	b := img.Bounds()
	counts := map[uint32]int{}
	total := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[(r>>11)<<10|(g>>11)<<5|bl>>11]++
			total++
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	switch {
	case len(counts) < 200:
		return false, fmt.Sprintf("only %d colours", len(counts))
	case top > total*6/10:
		return false, fmt.Sprintf("one colour covers %d%% of the screen", top*100/total)
	}
	return true, ""
}

func freeDisplay(t *testing.T) string {
	for n := 90; n < 140; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); os.IsNotExist(err) {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); os.IsNotExist(err) {
				return fmt.Sprintf(":%d", n)
			}
		}
	}
	t.Fatal("no free X display number")
	return ""
}

func waitFor(t *testing.T, path string, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}
