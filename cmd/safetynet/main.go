// Command safetynet is the SafetyNet desktop app.
//
// Usage:
//
//	safetynet [-db FILE] [-lang zh|en] [-plan] [-camera CODE] [-hub URL [-token T] [-operator NAME] [-insecure]]
//
// With no -db it opens the built-in demo community, written on first use
// to demo.gpkg in the user's config folder (~/.config/safetynet on Linux).
// -plan opens in plan mode (coverage, key areas, camera placement);
// -camera shows and selects the camera with that code or OSM id (in plan
// mode its heading and field of view can then be edited at once).
// With -hub the operator console follows that alert hub for this run
// (otherwise the hub set in Settings); the token may also come from
// $SAFETYNET_TOKEN, which keeps it out of the process list and of -h. The
// token goes over plain http:// only to this computer, unless -insecure
// allows it for a hub elsewhere.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/ui/app"
	"safetynet/ui/locale"
	_ "safetynet/ui/locale/clocale" // C.UTF-8 read as English before Fyne reads the locale
	"safetynet/ui/mapview"
)

// options are the command line's choices.
type options struct {
	db, language, hub, token, operator, camera, stats string
	plan, insecure                                    bool
}

const usage = "Usage: safetynet [-db FILE] [-lang zh|en] [-plan] [-camera CODE] [-hub URL [-token T] [-operator NAME] [-insecure]] [-stats FILE]\n\n"

// parseFlags parses the command line (without the program's name),
// writing usage and errors to out. The token's flag has no default, so
// that no usage text shows it: $SAFETYNET_TOKEN (from getenv) is read
// after parsing. It returns flag.ErrHelp for -h.
func parseFlags(args []string, out io.Writer, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("safetynet", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.db, "db", "", "GeoPackage `file` to open (created when missing); default: the demo community")
	fs.StringVar(&o.language, "lang", "", "interface language, zh or en; default: from LANG")
	fs.StringVar(&o.hub, "hub", "", "alert hub `URL` the console follows for this run, e.g. https://hub.example:8480 or http://localhost:8480; default: the one in Settings")
	fs.StringVar(&o.token, "token", "", "the console's token for -hub (role operator); better: $SAFETYNET_TOKEN, which stays out of the process list; default: the one saved in Settings for that hub")
	fs.StringVar(&o.operator, "operator", "", "who acts, as written in the event log; default: the one in Settings, else the login name")
	fs.BoolVar(&o.insecure, "insecure", false, "allow sending the token over plain http:// to a hub that is not on this computer (anyone on the network can read it)")
	fs.BoolVar(&o.plan, "plan", false, "open in plan mode: camera, patrol and fire coverage of the key areas; drag cameras, turn them, add suggested ones")
	fs.StringVar(&o.camera, "camera", "", "show and select the camera with this `code` (or OSM id such as node/123)")
	fs.StringVar(&o.stats, "stats", "", "append the console's figures (events, latency from the hub to the screen, frame times, memory) to `file` every 10 s, as JSON lines")
	fs.Usage = func() {
		fmt.Fprint(out, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.token == "" {
		o.token = getenv("SAFETYNET_TOKEN")
	}
	if o.hub != "" && o.token != "" {
		err := client.Options{URL: o.hub, Token: o.token, AllowInsecure: o.insecure}.Check()
		if errors.Is(err, client.ErrInsecure) {
			fmt.Fprintf(out, "safetynet: -hub %s: %v with -insecure\n", client.RedactURL(o.hub), err)
			return o, err
		}
		if err != nil {
			fmt.Fprintf(out, "safetynet: -hub: %v\n", err)
			return o, err
		}
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		os.Exit(2)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(mapview.MemoryLimit)
	}

	a := newApp()
	if err := locale.Use(app.StartLanguage(a.Preferences(), o.language)); err != nil {
		fmt.Fprintln(os.Stderr, "safetynet:", err)
		os.Exit(2)
	}

	path, s, openErr, demoErr := open(o.db)
	var opt app.Options
	if o.hub != "" {
		opt = app.Options{HubURL: o.hub, Token: o.token, Operator: o.operator, AllowInsecure: o.insecure}
	}
	w := app.NewWith(a, s, opt)
	w.OnQuit = exitSoon
	if openErr != nil {
		w.ShowOpenError(path, openErr)
	} else if demoErr != nil {
		w.ShowError(demoErr)
	}
	if o.plan {
		w.SetPlanMode(true)
	}
	if o.camera != "" {
		w.SelectCamera(o.camera)
	}
	if o.stats != "" {
		if err := w.WriteStats(o.stats, 10*time.Second); err != nil {
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
