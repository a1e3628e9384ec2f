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
	"slices"
	"strings"
	"time"

	"safetynet/data/demo"
	"safetynet/data/geojsonio"
	"safetynet/data/osmimport"
	"safetynet/data/register"
	"safetynet/data/scene"
	"safetynet/data/store"
)

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := fs.String("db", "", "GeoPackage to import into (created when missing)")
	layer := fs.String("layer", "", "the layer to import: for GeoJSON the layer the file goes into (default: from the file name); for OSM only that layer's features")
	force := fs.Bool("force", false, "import OSM data that lies more than 5 km from the community already in --db")
	rf := addRegisterFlags(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: import takes one FILE", errUsage)
	}
	file := files[0]
	kind, err := sniff(file)
	if f, ok := registerFormat(file); ok && (err != nil || f == register.KML) {
		if !*rf.dryRun {
			if err := needDB("import", *db); err != nil {
				return err
			}
		}
		return importRegister(ctx, file, *db, *layer, *force, rf, stdout, stderr)
	}
	if err := needDB("import", *db); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if *layer != "" && !slices.Contains(store.LayerNames(), *layer) {
		return fmt.Errorf("import %s: no layer %q; the layers are %s", file, *layer, strings.Join(store.LayerNames(), ", "))
	}
	_, statErr := os.Stat(*db)
	created := errors.Is(statErr, iofs.ErrNotExist)
	s, err := store.Open(*db)
	if err != nil {
		return err
	}
	defer func() {
		s.Close()
		if err != nil && created {
			removeStore(*db)
		}
	}()
	start := time.Now()
	switch kind {
	case "osm":
		bar := newProgress(stderr, filepath.Base(file))
		features, st, err := osmimport.ReadFile(ctx, file, bar.update)
		bar.done()
		if err != nil {
			return err
		}
		res, err := mergeOSM(ctx, s, file, *db, features, *layer, *force, stderr)
		if err != nil {
			return err
		}
		built := st.Built
		if *layer != "" {
			built = map[string]int{*layer: st.Built[*layer]}
		}
		fmt.Fprintf(stdout, "imported %s into %s in %.1fs: %s (%s)\n", file, *db, time.Since(start).Seconds(), formatCounts(built), res)
		if st.SkippedWays+st.SkippedRelations+st.BuildingNodes+st.Clipped > 0 {
			fmt.Fprintf(stdout, "skipped %d ways and %d relations that reference data outside the file or do not close; %d roads or areas clipped at the edge; %d buildings tagged on single nodes\n",
				st.SkippedWays, st.SkippedRelations, st.Clipped, st.BuildingNodes)
			for _, r := range st.Skipped {
				fmt.Fprintf(stdout, "  %s\n", r)
			}
		}
	case "geojson":
		n, warnings, err := geojsonio.Import(ctx, s, file, *layer)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
		fmt.Fprintf(stdout, "imported %d features from %s into %s\n", n, file, *db)
	case "gpkg":
		src, err := store.OpenWith(file, store.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer src.Close()
		tables, err := src.FeatureTables(ctx)
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
		if osmimport.IsGDALOSM(tables) {
			// GDAL's OSM layout: through the OSM tag rules, merged by osm_id.
			features, _, err := osmimport.ReadGDAL(ctx, src, file)
			if err != nil {
				return err
			}
			res, err := mergeOSM(ctx, s, file, *db, features, *layer, *force, stderr)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "imported %s (GDAL's OSM layout) into %s: %s (%s)\n", file, *db, formatCounts(countLayers(features)), res)
			return nil
		}
		var counts map[string]int
		err = s.Update(ctx, func(tx *store.Tx) error {
			if *layer == "" {
				counts, err = tx.CopyFrom(src)
				return err
			}
			counts, err = copyLayer(ctx, tx, src, *layer)
			return err
		})
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
		if err := checkCopied(ctx, src, file, counts); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %s into %s: %s\n", file, *db, formatCounts(counts))
	}
	return nil
}

// checkFar refuses OSM features that lie more than scene.FarImport from
// the features already in s, unless force; with force it warns on stderr.
// mergeOSM keeps the features of layer (all when empty), refuses them
// when they lie far from the community unless force, and merges them into
// s by osm_id.
func mergeOSM(ctx context.Context, s *store.Store, file, db string, features []store.Feature, layer string, force bool, stderr io.Writer) (osmimport.Result, error) {
	features, err := osmimport.FilterLayer(features, layer)
	if err != nil {
		return osmimport.Result{}, fmt.Errorf("import %s: %w", file, err)
	}
	if err := checkFar(ctx, s, file, db, features, force, stderr); err != nil {
		return osmimport.Result{}, err
	}
	return osmimport.Merge(ctx, s, file, features)
}

func checkFar(ctx context.Context, s *store.Store, file, db string, features []store.Feature, force bool, stderr io.Writer) error {
	b, ok := osmimport.Bound(features)
	if !ok {
		return nil
	}
	ext, found, err := s.Extent(ctx)
	if err != nil || !found {
		return err
	}
	d := scene.Distance(ext, b)
	if d <= scene.FarImport {
		return nil
	}
	msg := fmt.Sprintf("the data in %s lies %.1f km from the community in %s (more than %.0f km)", file, d/1000, db, scene.FarImport/1000)
	if !force {
		return fmt.Errorf("import %s: %s; a GeoPackage holds one community: import it into a new --db, or give --force to merge it all the same", file, msg)
	}
	fmt.Fprintf(stderr, "warning: %s; merging it because of --force\n", msg)
	return nil
}

// copyLayer copies one layer of src, a GeoPackage of ours, into tx.
func copyLayer(ctx context.Context, tx *store.Tx, src *store.Store, layer string) (map[string]int, error) {
	if !src.Has(layer) {
		return map[string]int{}, nil
	}
	recs, err := src.Records(ctx, layer, store.World)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if _, err := tx.InsertRecord(layer, r); err != nil {
			return nil, fmt.Errorf("%s feature %d: %w", layer, r.FID, err)
		}
	}
	return map[string]int{layer: len(recs)}, nil
}

// countLayers counts features per layer.
func countLayers(features []store.Feature) map[string]int {
	m := map[string]int{}
	for _, f := range features {
		m[f.Layer()]++
	}
	return m
}

// checkCopied refuses a GeoPackage import that copied nothing while the
// file has feature tables: they are not layers of ours, and the message
// names them (and says what to do with GDAL's OSM layout).
func checkCopied(ctx context.Context, src *store.Store, file string, counts map[string]int) error {
	for _, n := range counts {
		if n > 0 {
			return nil
		}
	}
	tables, err := src.FeatureTables(ctx)
	if err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	var other []string
	for _, t := range tables {
		if !slices.Contains(store.LayerNames(), t) {
			other = append(other, t)
		}
	}
	if len(other) == 0 {
		return nil // our layers, empty
	}
	msg := fmt.Sprintf("import %s: no layer of a SafetyNet GeoPackage in it; its layers %s are not recognised (the layers are %s)",
		file, strings.Join(other, ", "), strings.Join(store.LayerNames(), ", "))
	return errors.New(msg)
}

// removeStore removes a store file that a failed command created, with
// its SQLite -wal and -shm files.
func removeStore(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		os.Remove(p)
	}
}

// sniff tells the format of file by its first bytes: osm (XML or PBF),
// geojson or gpkg.
func sniff(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("import %s: %w", file, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	text := strings.TrimLeft(string(head), "\ufeff \t\r\n")
	switch {
	case n == 0:
		return "", fmt.Errorf("import %s: the file is empty", file)
	case strings.HasPrefix(string(head), "SQLite format 3\x00"):
		return "gpkg", nil
	case strings.HasPrefix(text, "{"):
		return "geojson", nil
	case strings.HasPrefix(text, "<"):
		return "osm", nil // osmimport says so when the XML is not OSM
	case n >= 13 && strings.Contains(string(head[:min(n, 32)]), "OSMHeader"):
		return "osm", nil
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".pbf", ".osm":
		return "osm", nil
	}
	return "", fmt.Errorf("import %s: not an OSM (XML or PBF), GeoJSON or GeoPackage file", file)
}

func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := fs.String("db", "", "GeoPackage to export")
	out := fs.String("out", "", "folder for the GeoJSON files")
	layer := fs.String("layer", "", "the layer to export as a register (with --format)")
	format := fs.String("format", "", "csv, xlsx or kml: export --layer as a register to -o FILE")
	file := fs.String("o", "", "the register file to write (with --format)")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := needDB("export", *db); err != nil {
		return err
	}
	if *format != "" || *layer != "" || *file != "" {
		return exportRegister(ctx, *db, *layer, *format, *file, stdout)
	}
	if *out == "" {
		return fmt.Errorf("%w: export needs --out DIR", errUsage)
	}
	s, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	counts, err := geojsonio.Export(ctx, s, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s to %s: %s\n", *db, *out, formatCounts(counts))
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	db := fs.String("db", "", "GeoPackage to create")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := needDB("demo", *db); err != nil {
		return err
	}
	if _, err := os.Stat(*db); err == nil {
		return fmt.Errorf("demo: %s exists already; give a new file name", *db)
	}
	s, err := store.Open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := demo.Write(ctx, s); err != nil {
		s.Close()
		os.Remove(*db)
		return err
	}
	counts, err := layerCounts(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created the demo community in %s: %s\n", *db, formatCounts(counts))
	return nil
}

func cmdInfo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	db := fs.String("db", "", "GeoPackage to describe")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := needDB("info", *db); err != nil {
		return err
	}
	s, err := openExisting(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	counts, err := layerCounts(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", *db)
	for _, name := range store.LayerNames() {
		fmt.Fprintf(stdout, "  %-15s %8d\n", name, counts[name])
	}
	if b, ok, err := s.Extent(ctx); err == nil && ok {
		fmt.Fprintf(stdout, "extent: %.6f,%.6f - %.6f,%.6f (lon,lat)\n", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
	return nil
}

// openExisting opens a store read-only, refusing to create a missing file.
func openExisting(path string) (*store.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return store.OpenWith(path, store.Options{ReadOnly: true})
}

func layerCounts(ctx context.Context, s *store.Store) (map[string]int, error) {
	out := map[string]int{}
	for _, name := range store.LayerNames() {
		n, err := s.Count(ctx, name)
		if err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, nil
}

func formatCounts(counts map[string]int) string {
	var parts []string
	for _, name := range store.LayerNames() {
		if n := counts[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	if len(parts) == 0 {
		return "no features"
	}
	return strings.Join(parts, ", ")
}
