package main

import (
	"fmt"
	"image"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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
	display := startXvfb(t, xvfb, "1280x800")

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

// startXvfb starts an X server of w×h on a display number it picks
// itself (-displayfd: no race with another server starting at the same
// moment) and returns the display once the server accepts connections.
// The server is stopped, and its socket and lock removed, at cleanup.
func startXvfb(t *testing.T, xvfb, size string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", size+"x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	var errs strings.Builder
	x.Stderr = &errs
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { x.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			x.Process.Kill()
			<-done
		}
	})
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(r, 32))
		r.Close()
		got <- strings.TrimSpace(string(b))
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatalf("Xvfb gave no display number: %s", errs.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not start in 30 s: %s", errs.String())
	}
	return ""
}
