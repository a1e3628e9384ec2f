package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"safetynet/data/report"
)

// coverageFlags are the flags coverage and report share.
type coverageFlags struct {
	db, out, rules *string
	cell           *float64
}

func newCoverageFlags(fs *flag.FlagSet, out string) coverageFlags {
	return coverageFlags{
		db:    fs.String("db", "", "GeoPackage to analyse"),
		out:   fs.String("out", "", out),
		rules: fs.String("rules", report.GB50140, "fire rules: gb50140 or nfpa10"),
		cell:  fs.Float64("cell", 0, "raster cell size, metres (default 0.5, or larger when the extent needs it)"),
	}
}

func (f coverageFlags) check(cmd, what string) error {
	if err := needDB(cmd, *f.db); err != nil {
		return err
	}
	if strings.TrimSpace(*f.out) == "" {
		return fmt.Errorf("%w: %s needs --out %s", errUsage, cmd, what)
	}
	switch strings.ToLower(*f.rules) {
	case report.GB50140, report.NFPA10:
	default:
		return fmt.Errorf("%w: %s: --rules %q: use gb50140 or nfpa10", errUsage, cmd, *f.rules)
	}
	if *f.cell != 0 && !(*f.cell >= 0.05 && *f.cell <= 10) {
		return fmt.Errorf("%w: %s: --cell %v: use 0.05 to 10 metres", errUsage, cmd, *f.cell)
	}
	return nil
}

func cmdCoverage(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("coverage", flag.ContinueOnError)
	f := newCoverageFlags(fs, "folder for the GeoJSON and CSV files")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := f.check("coverage", "DIR"); err != nil {
		return err
	}
	s, err := openExisting(*f.db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := report.Analyse(ctx, s, report.Options{Rules: *f.rules, Cell: *f.cell})
	if err != nil {
		return asCommand("coverage", err)
	}
	if err := r.WriteFiles(*f.out); err != nil {
		return asCommand("coverage", err)
	}
	if err := r.WriteSummary(stdout); err != nil {
		return asCommand("coverage", err)
	}
	fmt.Fprintf(stdout, "wrote %s to %s\n", strings.Join(report.Files, ", "), *f.out)
	return nil
}

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	f := newCoverageFlags(fs, "PDF file to write")
	title := fs.String("title", "", "title of the report (default: the community's name)")
	suggest := fs.Int("suggest", 5, "how many cameras to suggest adding (0: none)")
	budget := fs.Float64("budget", 0, "spend at most this on suggested cameras (needs --catalogue with prices)")
	catalogue := fs.String("catalogue", "", "CSV of camera models: "+strings.Join(report.CatalogueColumns, ","))
	font := fs.String("font", "", "TrueType font with Chinese characters (.ttf or .ttc)")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := f.check("report", "FILE.pdf"); err != nil {
		return err
	}
	if *suggest < 0 || *suggest > 100 {
		return fmt.Errorf("%w: report: --suggest %d: use 0 to 100", errUsage, *suggest)
	}
	if *budget < 0 {
		return fmt.Errorf("%w: report: --budget %v: use a positive amount", errUsage, *budget)
	}
	opt := report.Options{Rules: *f.rules, Cell: *f.cell, Suggest: *suggest, Budget: *budget}
	if *catalogue != "" {
		cf, err := os.Open(*catalogue)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		opt.Catalogue, err = report.ReadCatalogue(cf)
		cf.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *catalogue, err)
		}
	}
	fonts, err := report.LoadFonts(*font)
	if err != nil {
		return err
	}
	if !fonts.CJK {
		fmt.Fprintln(stderr, "warning: no TrueType font with Chinese characters found (install fonts-wqy-microhei, or give --font FILE): the report uses English names and labels only")
	}
	s, err := openExisting(*f.db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := report.Analyse(ctx, s, opt)
	if errors.Is(err, report.ErrBudget) {
		return fmt.Errorf("%w: report: --budget needs --catalogue with a price for every model", errUsage)
	}
	if err != nil {
		return err
	}
	if err := r.SavePDF(*f.out, report.PDFOptions{Title: *title, Date: time.Now(), Fonts: fonts}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %d key areas, %d violations, %d problems, %d suggested cameras\n",
		*f.out, r.Title, len(r.Areas), len(r.Violations), len(r.Problems), len(r.Suggestions))
	return nil
}

// commandError is an error of the report package told as the command
// that met it: "coverage: ..." rather than "report: ...".
type commandError struct {
	cmd string
	err error
}

func (e commandError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "report: ")
	if strings.HasPrefix(msg, e.cmd+": ") {
		return msg
	}
	return e.cmd + ": " + msg
}

func (e commandError) Unwrap() error { return e.err }

// asCommand returns err told as cmd's.
func asCommand(cmd string, err error) error {
	if err == nil || strings.HasPrefix(err.Error(), cmd+": ") {
		return err
	}
	return commandError{cmd, err}
}
