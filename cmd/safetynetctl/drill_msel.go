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
	"sort"
	"strings"

	"safetynet/data/register"
	"safetynet/data/store"
)

// drillCommands are the subcommands of "safetynetctl drill", by name. A
// file with another subcommand adds it in its own init, with its line in
// drillUsage.
var drillCommands = map[string]func(ctx context.Context, args []string, stdout io.Writer) error{
	"import": cmdDrillImport,
	"export": cmdDrillExport,
	"list":   cmdDrillList,
	"sheets": cmdDrillSheets,
}

// drillUsage is each subcommand's usage line(s), shown by "drill help".
var drillUsage = map[string]string{
	"import": `drill import STORE.gpkg FILE.csv|FILE.xlsx     import a Master Scenario Events List as a drill
        [--sheet NAME] [--code CODE] [--name NAME]  scenario (one transaction; a broken file changes nothing)`,
	"export": `drill export STORE.gpkg CODE OUT.csv|OUT.xlsx  write drill scenario CODE as an MSEL`,
	"list":   `drill list STORE.gpkg                          list the drill scenarios of the store`,
	"sheets": `drill sheets FILE.xlsx                         list a workbook's sheets and the injects of each (for --sheet)`,
}

func drillHelp() string {
	names := make([]string, 0, len(drillUsage))
	for n := range drillUsage {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: safetynetctl drill SUBCOMMAND ...\n\n")
	for _, n := range names {
		b.WriteString("  " + drillUsage[n] + "\n")
	}
	return b.String()
}

func cmdDrill(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: drill needs a subcommand\n\n%s", errUsage, drillHelp())
	}
	sub, args := args[0], args[1:]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(stdout, drillHelp())
		return nil
	}
	fn := drillCommands[sub]
	if fn == nil {
		names := make([]string, 0, len(drillCommands))
		for n := range drillCommands {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("%w: drill has no subcommand %q; it has %s", errUsage, sub, strings.Join(names, ", "))
	}
	return fn(ctx, args, stdout)
}

// openDrillStore opens an existing store: drills belong to a community
// already in a file, so a missing file is an error, not a new store.
func openDrillStore(path string, readOnly bool) (*store.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, iofs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist; create the community first (safetynetctl import or demo)", path)
	}
	return store.OpenWith(path, store.Options{ReadOnly: readOnly})
}

func cmdDrillImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill import", flag.ContinueOnError)
	sheet := fs.String("sheet", "", "the worksheet of an XLSX file to read (default: the first visible one with an MSEL)")
	code := fs.String("code", "", "the scenario's code (default: from the file, or its name)")
	name := fs.String("name", "", "the scenario's name (default: from the file, or its name)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: drill import takes STORE.gpkg and FILE.csv|FILE.xlsx", errUsage)
	}
	db, file := pos[0], pos[1]
	s, err := openDrillStore(db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	codes, err := s.FeatureCodes(ctx)
	if err != nil {
		return err
	}
	sc, probs, err := register.ReadMSELFileWith(file, register.ReadOptions{Sheet: *sheet, Codes: codes})
	for _, p := range probs {
		fmt.Fprintf(stdout, "problem: %s\n", p)
	}
	if err != nil {
		return fmt.Errorf("drill import refused, %s unchanged:\n%w", db, err)
	}
	if *code != "" {
		sc.Code = strings.TrimSpace(*code)
	}
	if *name != "" {
		sc.Name = *name
	}
	_, existsErr := s.Scenario(ctx, sc.Code)
	if err := s.SaveScenario(ctx, sc); err != nil {
		return fmt.Errorf("drill import %s: %w", file, err)
	}
	var timed, contingent int
	var unplaced []string
	for _, in := range sc.Injects {
		if in.Timed {
			timed++
		}
		if in.Geometry == nil && (in.LocationCode == "" || !codes(in.LocationCode)) {
			unplaced = append(unplaced, in.Number)
		}
		if in.Kind == store.InjectContingent {
			contingent++
		}
	}
	verb := "imported"
	if existsErr == nil {
		verb = "replaced scenario " + sc.Code + " with"
	}
	fmt.Fprintf(stdout, "%s %d injects (%d timed, %d contingent) from %s into %s as scenario %s; %d problems\n",
		verb, len(sc.Injects), timed, contingent, file, db, sc.Code, len(probs))
	if len(unplaced) > 0 {
		list := strings.Join(unplaced, ", ")
		if len(unplaced) > 20 {
			list = strings.Join(unplaced[:20], ", ") + fmt.Sprintf(" and %d more", len(unplaced)-20)
		}
		fmt.Fprintf(stdout, "not on the map: %d of %d injects name no feature or place of this community (%s); they are kept and can be placed in Drill mode\n",
			len(unplaced), len(sc.Injects), list)
	}
	return nil
}

func cmdDrillExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill export", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 {
		return fmt.Errorf("%w: drill export takes STORE.gpkg, CODE and OUT.csv|OUT.xlsx", errUsage)
	}
	db, code, out := pos[0], pos[1], pos[2]
	write := register.WriteMSELCSV
	switch strings.ToLower(filepath.Ext(out)) {
	case ".csv":
	case ".xlsx":
		write = register.WriteMSELXLSX
	default:
		return fmt.Errorf("%w: drill export writes .csv or .xlsx, not %q", errUsage, filepath.Ext(out))
	}
	s, err := openDrillStore(db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	sc, err := s.Scenario(ctx, code)
	if err != nil {
		return err
	}
	// Written beside the target and renamed, so a failure leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("drill export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp, sc); err != nil {
		tmp.Close()
		return fmt.Errorf("drill export %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("drill export %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("drill export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote scenario %s (%d injects) to %s\n", sc.Code, len(sc.Injects), out)
	return nil
}

func cmdDrillList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill list", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: drill list takes STORE.gpkg", errUsage)
	}
	s, err := openDrillStore(pos[0], true)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := s.Scenarios(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintf(stdout, "%s has no drill scenarios\n", pos[0])
		return nil
	}
	w := 4
	for _, sc := range all {
		w = max(w, len(sc.Code))
	}
	fmt.Fprintf(stdout, "%-*s  %7s  %5s  %s\n", w, "code", "injects", "timed", "name")
	for _, sc := range all {
		timed := 0
		for _, in := range sc.Injects {
			if in.Timed {
				timed++
			}
		}
		fmt.Fprintf(stdout, "%-*s  %7d  %5d  %s\n", w, sc.Code, len(sc.Injects), timed, sc.Names.Label("en"))
	}
	return nil
}

func cmdDrillSheets(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill sheets", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: drill sheets takes FILE.xlsx", errUsage)
	}
	sheets, err := register.Sheets(pos[0])
	if err != nil {
		return err
	}
	w := 5
	for _, sh := range sheets {
		w = max(w, len(sh.Name))
	}
	fmt.Fprintf(stdout, "%-*s  %7s  %s\n", w, "sheet", "injects", "")
	for _, sh := range sheets {
		note := ""
		switch {
		case !sh.MSEL:
			note = "no MSEL header"
		case sh.Hidden:
			note = "hidden"
		}
		fmt.Fprintf(stdout, "%-*s  %7d  %s\n", w, sh.Name, sh.Injects, note)
	}
	return nil
}
