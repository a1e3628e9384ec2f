// Command safetynet is the SafetyNet desktop app.
//
// Usage:
//
//	safetynet [-db FILE] [-lang zh|en] [-plan] [-camera CODE] [-hub URL [-token T] [-operator NAME]]
//
// With no -db it opens the built-in demo community, written on first use
// to demo.gpkg in the user's config folder (~/.config/safetynet on Linux).
// -plan opens in plan mode (coverage, key areas, camera placement);
// -camera shows and selects the camera with that code or OSM id (in plan
// mode its heading and field of view can then be edited at once).
// With -hub the operator console follows that alert hub for this run
// (otherwise the hub set in Settings); the token may also come from
// $SAFETYNET_TOKEN.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/ui/app"
	"safetynet/ui/locale"
	"safetynet/ui/mapview"
)

func main() {
	db := flag.String("db", "", "GeoPackage `file` to open (created when missing); default: the demo community")
	language := flag.String("lang", "", "interface language, zh or en; default: from LANG")
	hub := flag.String("hub", "", "alert hub `URL` the console follows for this run, e.g. http://localhost:8480; default: the one in Settings")
	token := flag.String("token", os.Getenv("SAFETYNET_TOKEN"), "the console's token for -hub (role operator); default $SAFETYNET_TOKEN")
	operator := flag.String("operator", "", "who acts, as written in the event log; default: the one in Settings, else the login name")
	plan := flag.Bool("plan", false, "open in plan mode: camera, patrol and fire coverage of the key areas; drag cameras, turn them, add suggested ones")
	camera := flag.String("camera", "", "show and select the camera with this `code` (or OSM id such as node/123)")
	stats := flag.String("stats", "", "append the console's figures (events, latency from the hub to the screen, frame times, memory) to `file` every 10 s, as JSON lines")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: safetynet [-db FILE] [-lang zh|en] [-plan] [-camera CODE] [-hub URL [-token T] [-operator NAME]]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(mapview.MemoryLimit)
	}

	a := fyneapp.NewWithID("org.safetynet.app")
	if err := locale.Use(app.StartLanguage(a.Preferences(), *language)); err != nil {
		fmt.Fprintln(os.Stderr, "safetynet:", err)
		os.Exit(2)
	}

	path, s, openErr, demoErr := open(*db)
	var opt app.Options
	if *hub != "" {
		opt = app.Options{HubURL: *hub, Token: *token, Operator: *operator}
	}
	w := app.NewWith(a, s, opt)
	w.OnQuit = exitSoon
	if openErr != nil {
		w.ShowOpenError(path, openErr)
	} else if demoErr != nil {
		w.ShowError(demoErr)
	}
	if *plan {
		w.SetPlanMode(true)
	}
	if *camera != "" {
		w.SelectCamera(*camera)
	}
	if *stats != "" {
		if err := w.WriteStats(*stats, 10*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "safetynet: -stats:", err)
			os.Exit(2)
		}
	}
	quitOnSignal(w)
	w.ShowAndRun()
}

// quitOnSignal makes SIGTERM and SIGINT quit the app as File › Quit does.
func quitOnSignal(w *app.App) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		exitSoon()
		fyne.Do(w.Quit)
	}()
}

// exitSoon ends the process 2 s from now should quitting not have ended
// it by then: the app quits within 2 s whatever it was doing.
func exitSoon() {
	time.AfterFunc(2*time.Second, func() {
		fmt.Fprintln(os.Stderr, "safetynet: quitting took over 2 s; exiting now")
		os.Exit(0)
	})
}

// open opens the GeoPackage at path, or with path "" the demo community,
// writing it first when the file is new or empty. It returns the path
// used; the store is nil when openErr is set.
func open(path string) (used string, s *store.Store, openErr, demoErr error) {
	if path != "" {
		s, err := store.Open(path)
		return path, s, err, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "demo.gpkg", nil, fmt.Errorf("find the folder for the demo community: %w", err), nil
	}
	path = filepath.Join(dir, "safetynet", "demo.gpkg")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, nil, err, nil
	}
	s, err = store.Open(path)
	if err != nil {
		return path, nil, err, nil
	}
	ctx := context.Background()
	if _, found, err := s.Extent(ctx); err != nil || !found {
		if err == nil {
			err = demo.Write(ctx, s)
		}
		if err != nil {
			demoErr = fmt.Errorf("%s\n\n%w", lang.L("Could not write the demo community to {{.File}}. Check that the folder is writable, or open a GeoPackage with -db.", map[string]any{"File": path}), err)
		}
	}
	return path, s, nil, demoErr
}
