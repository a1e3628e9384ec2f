// Command safetynetctl works on a SafetyNet GeoPackage without a window:
// import OSM, GeoJSON and GeoPackage files and asset registers (CSV, XLSX,
// KML), export GeoJSON and registers, create the demo
// community, list what a store holds, and write its coverage as GIS files
// and as a printable PDF report.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `usage: safetynetctl COMMAND [flags]

commands:
  import FILE --db F [--layer L]   import an OSM (.osm, .osm.pbf), GeoJSON or GeoPackage file
         [--force]                 (only layer L with --layer; OSM data is merged by osm_id; data more
                                   than 5 km from the community in F needs --force)
  import FILE --layer L --db F     import an asset register (CSV, XLSX, KML, KMZ) into layer L: cameras,
         [--columns COL=HEADER,...]  fire_equipment, hazards, checkpoints, access_points or facilities;
         [--crs NAME] [--sheet S]    headers guessed in Chinese, English and Japanese (--columns
         [--set COL=VALUE]           code=编号,lon=经度 overrides); --crs WGS84 (default), GCJ-02,
         [--spread M] [--force]      BD-09, CGCS2000, UTM 50N, EPSG:4491-4554 (CGCS2000 Gauss-Krüger),
         [--dry-run] [--skip-bad]    EPSG:326NN, EPSG:2019; every unusable row is listed and nothing
                                     is stored unless --skip-bad; --dry-run only shows the preview
  export --db F --out DIR          write every layer as DIR/<layer>.geojson
  export --db F --layer L --format csv|xlsx|kml -o FILE
                                   write one layer as a register (CSV is UTF-8 with a byte-order mark)
  demo --db F                      create the built-in demo community in F
  info --db F                      list the layers of F with their feature counts
  coverage --db F --out DIR        write camera coverage, gaps, patrol corridors, fire reach
           [--rules gb50140|nfpa10] (GeoJSON) and key areas, violations, problems (CSV) to DIR
           [--cell 0.5]
  report --db F --out FILE.pdf     write a printable A4 PDF report with maps and tables
         [--title T] [--suggest N] [--budget AMOUNT] [--catalogue FILE.csv] [--font FILE]
         [--rules gb50140|nfpa10] [--cell 0.5]
  send FILE|- --hub URL [--token T]  publish one event (JSON envelope, CAP or CoT file; - reads standard
       [--type T --point LON,LAT ...] input) to an alert hub; or one made from --type and its flags
  simulate --db F --hub URL [--token T] play a realistic stream for the community in F: patrols on their
           [--duration 1m] [--rate 5]   routes, checkpoints, alarms from cameras, gates and smoke
           [--speed 5] [--seed 1] [--drill] detectors, a camera going offline; titles in
           [--lang en|zh]               English or Chinese
  drill import|export|list|sheets|run|chain|report ...
                                   drill scenarios: MSEL CSV/XLSX in and out, a headless director,
                                   the response-time chain, the after-action report
                                   ("safetynetctl drill help" lists each)

  send and simulate: the token may also come from $SAFETYNET_TOKEN (kept out of the process list);
  it goes over plain http:// only to this computer (localhost, 127.0.0.1, ::1) unless --insecure
  allows it; use https:// for a hub elsewhere.
`

// errUsage marks a mistake in the command line (exit code 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		fmt.Fprintf(os.Stderr, "safetynetctl: %v\n\n%s", err, usage)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "safetynetctl: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "import":
		return cmdImport(ctx, args, stdout, stderr)
	case "export":
		return cmdExport(ctx, args, stdout)
	case "demo":
		return cmdDemo(ctx, args, stdout)
	case "info":
		return cmdInfo(ctx, args, stdout)
	case "coverage":
		return cmdCoverage(ctx, args, stdout)
	case "report":
		return cmdReport(ctx, args, stdout, stderr)
	case "send":
		return cmdSend(ctx, args, stdout)
	case "simulate":
		return cmdSimulate(ctx, args, stdout)
	case "drill":
		return cmdDrill(ctx, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// parse parses flags that may come before or after the positional arguments
// and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseNone parses flags for a command that takes no positional
// arguments: one is a usage error.
func parseNone(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, fs.Name(), pos[0])
	}
	return nil
}

func needDB(cmd, db string) error {
	if strings.TrimSpace(db) == "" {
		return fmt.Errorf("%w: %s needs --db FILE", errUsage, cmd)
	}
	return nil
}
