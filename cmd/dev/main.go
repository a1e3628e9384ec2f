// Command dev runs SafetyNet's development tasks on a fresh Debian or
// Ubuntu machine that has nothing but Go: it installs the system packages
// a task needs when run as root (or prints the exact apt-get command to
// run as root otherwise), then builds, runs or tests.
//
// Usage:
//
//	go run ./cmd/dev run       open the app on the built-in demo community
//	go run ./cmd/dev test      gofmt, go vet, every test, the race detector on concurrent packages
//	go run ./cmd/dev bench [-benchtime 1x]   every benchmark
//	go run ./cmd/dev live [-for 30m]         a local hub, the simulator and the app following it
//	go run ./cmd/dev build     bin/safetynet, bin/safetynetctl, bin/safetynet-hub
//	go run ./cmd/dev fuzz [-fuzztime 60s]    every fuzz target of a decoder of outside input
//	go run ./cmd/dev vet       gofmt (naming the files it would change), go vet -tags ci
//	go run ./cmd/dev package   bin/SafetyNet.tar.xz, a desktop package
//	go run ./cmd/dev deps app|test           only install (or print) the system packages
//
// It needs no C compiler itself: it is plain Go, and it installs the one
// the app's build needs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Packages are the Debian/Ubuntu packages each kind of task needs.
var (
	// zlib1g-dev: paulmach/osm/osmpbf uses github.com/datadog/czlib with cgo.
	appPackages = []string{"gcc", "libc6-dev", "pkg-config", "zlib1g-dev", "libgl1-mesa-dev", "libx11-dev", "libxcursor-dev",
		"libxrandr-dev", "libxinerama-dev", "libxi-dev", "libxxf86vm-dev", "fonts-noto-cjk", "fonts-wqy-microhei"}
	testPackages = append(append([]string(nil), appPackages...),
		"gdal-bin", "python3-gdal", "sqlite3", "libxml2-utils", "xvfb", "xauth", "imagemagick", "poppler-utils", "xdotool")
)

// racePackages are the packages whose concurrent code the tests run under
// the race detector too.
var racePackages = []string{"./data/store/", "./feeds/...", "./geo/coverage/", "./ui/..."}

// fuzzTargets are every decoder of outside input: name:package.
var fuzzTargets = []string{
	"FuzzDecode:./data/geojsonio/", "FuzzReadXML:./data/osmimport/", "FuzzReadPBF:./data/osmimport/",
	"FuzzReadBlock:./data/osmimport/", "FuzzDecode:./feeds/event/", "FuzzDecode:./feeds/cap/",
	"FuzzDecode:./feeds/cot/", "FuzzScanner:./feeds/cot/", "FuzzDecode:./feeds/ingest/", "FuzzSeqOf:./feeds/client/",
	"FuzzView:./geo/visibility/", "FuzzExtract:./data/fontfile/", "FuzzParse:./feeds/rules/", "FuzzRestore:./feeds/console/",
	"FuzzReadMSELCSV:./data/register/", "FuzzChain:./feeds/drill/", "FuzzNew:./feeds/replay/", "FuzzParseTime:./ui/replay/",
	"FuzzParseClock:./ui/drill/", "FuzzParseSpan:./ui/drill/", "FuzzAfterAction:./data/report/",
	"FuzzDecodeProto:./feeds/cot/", "FuzzStream:./feeds/cot/", "FuzzClassifyObservation:./feeds/drill/",
	"FuzzRestoreState:./feeds/console/", "FuzzParse:./geo/crs/", "FuzzRoundTrip:./geo/proj/",
	"FuzzRegisterProperties:./data/geojsonio/", "FuzzParseHstore:./data/osmimport/", "FuzzReadCatalogue:./data/report/",
	"FuzzCollectionFace:./data/report/", "FuzzReadAssetCSV:./data/register/", "FuzzReadKML:./data/register/",
	"FuzzRecordFromJSON:./data/store/",
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	root, err := repoRoot()
	if err != nil {
		fail(err)
	}
	if err := os.Chdir(root); err != nil {
		fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	setEnv()
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "run":
		err = run(ctx)
	case "test":
		err = test(ctx)
	case "bench":
		err = bench(ctx, args)
	case "live":
		err = live(ctx, args)
	case "build":
		err = build(ctx)
	case "vet":
		err = vet(ctx)
	case "fuzz":
		err = fuzz(ctx, args)
	case "package":
		err = pack(ctx)
	case "deps":
		kind := "app"
		if len(args) > 0 {
			kind = args[0]
		}
		err = deps(kind)
	case "-h", "-help", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "dev: no command %q\n\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `Usage: go run ./cmd/dev COMMAND

  run       open the app on the built-in demo community
  test      gofmt, go vet -tags ci, every test, the race detector on concurrent packages
  bench     every benchmark (-benchtime D, default 1s)
  live      a local hub, the simulator playing the demo into it, and the app following it (-for D, default 30m)
  build     bin/safetynet, bin/safetynetctl, bin/safetynet-hub
  vet       gofmt (fails naming the files it would change) and go vet -tags ci
  fuzz      every fuzz target of a decoder of outside input (-fuzztime D each, default 60s)
  package   bin/SafetyNet.tar.xz: tar xf it, then make user-install inside
  deps app|test   only install the system packages (as root), or print the command

Run as root, each installs the Debian/Ubuntu packages it is missing;
run as another user, it prints the apt-get command to run as root.
`)
}

func fail(err error) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	fmt.Fprintln(os.Stderr, "dev:", err)
	os.Exit(1)
}

// repoRoot is the folder holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(b), "module safetynet") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("run this inside the SafetyNet repository (no go.mod of module safetynet above %s)", dir)
		}
	}
}

// setEnv gives Fyne, Mesa and the tests their own config and cache
// folders under bin/ and a UTF-8 locale, unless the caller set them. Go's
// own build cache stays where Go keeps it (GOCACHE is fixed to it before
// XDG_CACHE_HOME moves), not in the checkout.
func setEnv() {
	if os.Getenv("GOCACHE") == "" {
		if out, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
			os.Setenv("GOCACHE", strings.TrimSpace(string(out)))
		}
	}
	abs, _ := filepath.Abs("bin")
	for k, v := range map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(abs, "xdg", "config"),
		"XDG_CACHE_HOME":  filepath.Join(abs, "xdg", "cache"),
	} {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
		os.MkdirAll(os.Getenv(k), 0o755)
	}
	os.Setenv("LANG", "en_US.UTF-8")
	os.Setenv("CGO_ENABLED", "1")
}

// deps installs the packages kind ("app" or "test") needs, as root, or
// tells the user the command to run as root.
func deps(kind string) error {
	want := appPackages
	switch kind {
	case "app":
	case "test":
		want = testPackages
		// The hub and the CoT decoder are tested against real clients
		// from npm; a Node.js that did not come from Debian does as well.
		if _, err := exec.LookPath("npm"); err != nil {
			want = append(append([]string(nil), want...), "nodejs", "npm")
		}
	default:
		return fmt.Errorf("deps: want app or test, not %q", kind)
	}
	if runtime.GOOS != "linux" {
		return nil // the packages are Debian's; elsewhere bring your own
	}
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		return fmt.Errorf("deps: this is not Debian or Ubuntu (no dpkg-query): install %s with your system's packages", strings.Join(want, " "))
	}
	var missing []string
	for _, p := range want {
		out, _ := exec.Command("dpkg-query", "-W", "-f=${Status}", p).Output()
		if !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	line := "apt-get update && apt-get install -y --no-install-recommends " + strings.Join(missing, " ")
	if os.Geteuid() != 0 {
		return fmt.Errorf("missing system packages. Run as root:\n  sudo sh -c '%s'", line)
	}
	fmt.Fprintln(os.Stderr, "Installing:", strings.Join(missing, " "))
	sh := exec.Command("sh", "-c", "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "+strings.Join(missing, " ")+" >/dev/null")
	sh.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	sh.Stdout, sh.Stderr = os.Stderr, os.Stderr
	if err := sh.Run(); err != nil {
		return fmt.Errorf("deps: apt-get: %w", err)
	}
	return nil
}

// goCmd runs the go command with args, its output on ours.
func goCmd(ctx context.Context, args ...string) error {
	fmt.Fprintln(os.Stderr, "go", strings.Join(args, " "))
	c := exec.CommandContext(ctx, "go", args...)
	c.Stdout, c.Stderr = os.Stdout, os.Stderr
	return c.Run()
}

func build(ctx context.Context) error {
	if err := deps("app"); err != nil {
		return err
	}
	for _, name := range []string{"safetynet", "safetynetctl", "safetynet-hub"} {
		if err := goCmd(ctx, "build", "-o", filepath.Join("bin", name), "./cmd/"+name); err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context) error {
	if err := build(ctx); err != nil {
		return err
	}
	app := exec.CommandContext(ctx, filepath.Join("bin", "safetynet"))
	app.Stdout, app.Stderr, app.Stdin = os.Stdout, os.Stderr, os.Stdin
	app.Cancel = func() error { return app.Process.Signal(syscall.SIGTERM) }
	return app.Run()
}

func test(ctx context.Context) error {
	if err := deps("test"); err != nil {
		return err
	}
	if err := vet(ctx); err != nil {
		return err
	}
	if err := goCmd(ctx, "test", "-tags", "ci", "-count=1", "-timeout", "30m", "./..."); err != nil {
		return err
	}
	return goCmd(ctx, append([]string{"test", "-tags", "ci", "-race", "-count=1", "-timeout", "30m"}, racePackages...)...)
}

// vet fails on any file gofmt would change, then runs go vet.
func vet(ctx context.Context) error {
	if err := gofmtCheck(ctx, "."); err != nil {
		return err
	}
	return goCmd(ctx, "vet", "-tags", "ci", "./...")
}

// gofmtCheck fails, naming them, when gofmt would change files under dir
// (bin/ left out).
func gofmtCheck(ctx context.Context, dir string) error {
	c := exec.CommandContext(ctx, "gofmt", "-l", ".")
	c.Dir = dir
	out, err := c.Output()
	if err != nil {
		return fmt.Errorf("gofmt: %w", err)
	}
	var bad []string
	for _, f := range strings.Fields(string(out)) {
		if !strings.HasPrefix(f, "bin/") {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("gofmt would change:\n  %s", strings.Join(bad, "\n  "))
	}
	return nil
}

func bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	benchtime := fs.String("benchtime", "1s", "run each benchmark for `D` (a duration, or Nx for N iterations)")
	fs.Parse(args)
	if err := deps("test"); err != nil {
		return err
	}
	return goCmd(ctx, "test", "-tags", "ci", "-run", "^$", "-bench", ".", "-benchtime", *benchtime, "-timeout", "60m", "./...")
}

func fuzz(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fuzz", flag.ExitOnError)
	fuzztime := fs.String("fuzztime", "60s", "fuzz each target for `D`")
	fs.Parse(args)
	for _, t := range fuzzTargets {
		name, pkg, _ := strings.Cut(t, ":")
		cache, err := os.MkdirTemp("", "safetynet-fuzz-")
		if err != nil {
			return err
		}
		err = goCmd(ctx, "test", pkg, "-run", "^$", "-fuzz", "^"+name+"$", "-fuzztime", *fuzztime, "-test.fuzzcachedir="+cache)
		os.RemoveAll(cache)
		if err != nil {
			return err
		}
	}
	return nil
}

func pack(ctx context.Context) error {
	if err := build(ctx); err != nil {
		return err
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	fyneCmd := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "fyne")
	if _, err := os.Stat(fyneCmd); err != nil {
		if err := goCmd(ctx, "install", "fyne.io/tools/cmd/fyne@v1.7.4"); err != nil {
			return err
		}
	}
	// fyne package reads the root FyneApp.toml (--src .: name, ID, icon,
	// desktop entry); the binary carries the same metadata itself
	// (cmd/safetynet/metadata.go, checked against the toml by its test).
	// fyne package also raises Build in the toml after each run: the
	// tracked file is put back, so the version lives in one place.
	err := keepFile("FyneApp.toml", func() error {
		c := exec.CommandContext(ctx, fyneCmd, "package", "--os", "linux", "--src", ".", "--exe", filepath.Join("bin", "safetynet"), "--release")
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		return c.Run()
	})
	if err != nil {
		return err
	}
	return os.Rename("SafetyNet.tar.xz", filepath.Join("bin", "SafetyNet.tar.xz"))
}

// keepFile runs fn and then puts the file at path back as it was before.
func keepFile(path string, fn func() error) error {
	before, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	err = fn()
	if after, rerr := os.ReadFile(path); rerr != nil || string(after) != string(before) {
		if werr := os.WriteFile(path, before, 0o644); werr != nil && err == nil {
			err = fmt.Errorf("put %s back: %w", path, werr)
		}
	}
	return err
}

// live runs the operator console on one machine: a hub on localhost,
// the simulator playing the demo community into it, and the app
// following it. Everything stops with the window.
func live(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("live", flag.ExitOnError)
	dur := fs.Duration("for", 30*time.Minute, "how long the simulator plays")
	port := fs.Int("port", 8480, "the hub's port on 127.0.0.1")
	fs.Parse(args)
	if err := build(ctx); err != nil {
		return err
	}
	dir := filepath.Join("bin", "live")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bin := func(name string) string { return filepath.Join("bin", name) }
	db, hubDB := filepath.Join(dir, "demo.gpkg"), filepath.Join(dir, "hub.db")
	if out, err := exec.CommandContext(ctx, bin("safetynetctl"), "demo", "--db", db).CombinedOutput(); err != nil {
		return fmt.Errorf("demo: %v\n%s", err, out)
	}
	token := func(name, role string) (string, error) {
		out, err := exec.CommandContext(ctx, bin("safetynet-hub"), "token", "add", name, "--role", role, "--db", hubDB).Output()
		return strings.TrimSpace(string(out)), err
	}
	op, err := token("console", "operator")
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	sim, err := token("simulator", "publisher")
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", *port)
	logFile := func(name string) *os.File {
		f, _ := os.Create(filepath.Join(dir, name))
		return f
	}
	hub := exec.Command(bin("safetynet-hub"), "serve", "--db", hubDB, "--listen", fmt.Sprintf("127.0.0.1:%d", *port))
	hub.Stderr = logFile("hub.log")
	if err := hub.Start(); err != nil {
		return err
	}
	defer func() { hub.Process.Signal(syscall.SIGTERM); hub.Wait() }()
	time.Sleep(time.Second)
	simulate := exec.Command(bin("safetynetctl"), "simulate", "--db", db, "--hub", url, "--duration", dur.String())
	simulate.Env = append(os.Environ(), "SAFETYNET_TOKEN="+sim)
	simulate.Stdout = logFile("simulate.log")
	simulate.Stderr = simulate.Stdout
	if err := simulate.Start(); err != nil {
		return err
	}
	defer func() { simulate.Process.Signal(syscall.SIGTERM); simulate.Wait() }()
	app := exec.CommandContext(ctx, bin("safetynet"), "-db", db, "-hub", url)
	app.Env = append(os.Environ(), "SAFETYNET_TOKEN="+op)
	app.Stdout, app.Stderr = os.Stdout, os.Stderr
	app.Cancel = func() error { return app.Process.Signal(syscall.SIGTERM) }
	return app.Run()
}
