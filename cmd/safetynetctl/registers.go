package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"safetynet/data/register"
	"safetynet/data/scene"
	"safetynet/data/store"
	"safetynet/geo/crs"
)

// registerFormat tells whether file is an asset register (CSV, XLSX, KML
// or KMZ) rather than an OSM, GeoJSON or GeoPackage file.
func registerFormat(file string) (register.Format, bool) {
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if n == 0 {
		return "", false
	}
	return register.FormatOf(head[:n], filepath.Base(file))
}

// crsTransform returns the transform of the coordinate system a register
// is in, named as --crs takes it; nil for WGS-84 longitude and latitude.
func crsTransform(name string) (register.Transform, error) {
	c, err := crs.Parse(name)
	if err != nil {
		return nil, fmt.Errorf("%w: --crs: %v", errUsage, err)
	}
	if c == crs.WGS84Geographic {
		return nil, nil
	}
	return c.ToWGS84, nil
}

// registerFlags are the flags of an asset register import.
type registerFlags struct {
	columns, crs, sheet, set *string
	spread                   *float64
	dryRun, skipBad          *bool
}

func addRegisterFlags(fs *flag.FlagSet) registerFlags {
	return registerFlags{
		columns: fs.String("columns", "", "register import: which header fills which column, as code=编号,name=名称,lon=经度,lat=纬度 (overrides the guess)"),
		crs:     fs.String("crs", "", "register import: the coordinate system of the register's coordinates: WGS84 (default), GCJ-02, BD-09, CGCS2000, UTM 50N, EPSG codes of UTM and CGCS2000 Gauss-Krüger zones (4491-4554), EPSG:2019"),
		sheet:   fs.String("sheet", "", "register import: the XLSX sheet to read (default: every sheet with coordinates)"),
		set:     fs.String("set", "", "register import: values for columns the register lacks, as kind=hydrant_outdoor"),
		spread:  fs.Float64("spread", 0, "register import: list rows farther than this many metres from the register's median as wrong (default 30000; -1 off)"),
		dryRun:  fs.Bool("dry-run", false, "register import: show the preview and every problem, store nothing"),
		skipBad: fs.Bool("skip-bad", false, "register import: store the usable rows even when some rows have problems"),
	}
}

// importRegister reads an asset register into a preview, prints its
// summary and every problem, and stores its rows in one transaction,
// unless a row is bad (without --skip-bad) or --dry-run.
func importRegister(ctx context.Context, file, db, layer string, force bool, rf registerFlags, stdout, stderr io.Writer) (err error) {
	if layer == "" {
		return fmt.Errorf("%w: import %s: a register needs --layer (%s)", errUsage, file,
			strings.Join([]string{store.Cameras, store.FireEquipment, store.Hazards, store.Checkpoints, store.AccessPoints, store.Facilities}, ", "))
	}
	tr, err := crsTransform(*rf.crs)
	if err != nil {
		return err
	}
	opt := register.Options{Layer: layer, Transform: tr, Sheet: *rf.sheet, Spread: *rf.spread}
	if *rf.columns != "" {
		if opt.Columns, err = register.ParseMapping(*rf.columns); err != nil {
			return fmt.Errorf("%w: --%v", errUsage, err)
		}
	}
	if *rf.set != "" {
		m, err := register.ParseMapping(*rf.set)
		if err != nil {
			return fmt.Errorf("%w: --set: %v", errUsage, err)
		}
		opt.Set = m
	}
	// The store is opened first so that codes it already has are refused
	// row by row; a dry run opens it read-only, and only when it exists.
	var s *store.Store
	_, statErr := os.Stat(db)
	created := errors.Is(statErr, iofs.ErrNotExist)
	switch {
	case *rf.dryRun && (db == "" || created):
	case *rf.dryRun:
		s, err = store.OpenWith(db, store.Options{ReadOnly: true})
	default:
		s, err = store.Open(db)
	}
	if err != nil {
		return err
	}
	if s != nil {
		defer func() {
			s.Close()
			if err != nil && created {
				removeStore(db)
			}
		}()
		if opt.Taken, err = layerCodes(ctx, s, layer); err != nil {
			return err
		}
	}
	p, err := register.ReadFile(file, opt)
	if err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	fmt.Fprintln(stdout, p.Summary())
	for _, n := range p.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	for _, pr := range p.Problems {
		fmt.Fprintf(stdout, "problem: %s\n", pr)
	}
	refused := len(p.Rows) == 0 || len(p.Problems) > 0 && !*rf.skipBad
	if *rf.dryRun {
		fmt.Fprintln(stdout, "dry run: nothing stored")
		if refused {
			return fmt.Errorf("import %s: %d of %d rows cannot be used", file, p.Total-len(p.Rows), p.Total)
		}
		return nil
	}
	if refused {
		if len(p.Rows) == 0 {
			return fmt.Errorf("import %s: no usable row; nothing stored", file)
		}
		return fmt.Errorf("import %s: %d rows have problems (listed above); nothing stored: fix them, or give --skip-bad to store the %d usable rows", file, p.BadRows(), len(p.Rows))
	}
	if err := checkFarRecords(ctx, s, file, db, p.Records(), force, stderr); err != nil {
		return err
	}
	n, err := register.Commit(ctx, s, p)
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing stored", file, err)
	}
	fmt.Fprintf(stdout, "imported %d %s from %s into %s\n", n, layer, file, db)
	return nil
}

// exportRegister writes one layer of the store at db as CSV, XLSX or KML.
func exportRegister(ctx context.Context, db, layer, format, out string, stdout io.Writer) (err error) {
	write := map[string]func(io.Writer, string, []store.Record) error{
		"csv": register.WriteCSV, "xlsx": register.WriteXLSX, "kml": register.WriteKML,
	}[strings.ToLower(format)]
	switch {
	case write == nil:
		return fmt.Errorf("%w: export --format %q: use csv, xlsx or kml", errUsage, format)
	case layer == "" || out == "":
		return fmt.Errorf("%w: export --format needs --layer L and -o FILE", errUsage)
	case store.Columns(layer) == nil:
		return fmt.Errorf("%w: export: no layer %q; the layers are %s", errUsage, layer, strings.Join(store.LayerNames(), ", "))
	}
	s, err := openExisting(db)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.Records(ctx, layer, store.World)
	if err != nil {
		return fmt.Errorf("export %s: %w", layer, err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
		}
	}()
	if err := write(f, layer, recs); err != nil {
		return fmt.Errorf("export %s to %s: %w", layer, out, err)
	}
	fmt.Fprintf(stdout, "exported %d %s from %s to %s\n", len(recs), layer, db, out)
	return nil
}

// layerCodes returns whether a code is used by a feature of layer in s.
func layerCodes(ctx context.Context, s *store.Store, layer string) (func(string) bool, error) {
	if !s.Has(layer) {
		return func(string) bool { return false }, nil
	}
	recs, err := s.Records(ctx, layer, store.World)
	if err != nil {
		return nil, err
	}
	codes := map[string]bool{}
	for _, r := range recs {
		if c, ok := r.Props["code"].(string); ok && c != "" {
			codes[c] = true
		}
	}
	return func(c string) bool { return codes[c] }, nil
}

// checkFarRecords refuses records that lie more than scene.FarImport from
// the community already in s, as checkFar does for OSM data.
func checkFarRecords(ctx context.Context, s *store.Store, file, db string, recs []store.Record, force bool, stderr io.Writer) error {
	if len(recs) == 0 {
		return nil
	}
	b := recs[0].Geom.Bound()
	for _, r := range recs[1:] {
		b = b.Union(r.Geom.Bound())
	}
	ext, found, err := s.Extent(ctx)
	if err != nil || !found {
		return err
	}
	d := scene.Distance(ext, b)
	if d <= scene.FarImport {
		return nil
	}
	msg := fmt.Sprintf("the register %s lies %.1f km from the community in %s (more than %.0f km)", file, d/1000, db, scene.FarImport/1000)
	if !force {
		return fmt.Errorf("import %s: %s; a GeoPackage holds one community: import it into a new --db, or give --force to add it all the same", file, msg)
	}
	fmt.Fprintf(stderr, "warning: %s; adding it because of --force\n", msg)
	return nil
}
