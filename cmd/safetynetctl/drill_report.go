package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"safetynet/data/report"
	"safetynet/data/store"
	"safetynet/feeds/drill"
)

func init() {
	drillCommands["report"] = cmdDrillReport
	drillUsage["report"] = `drill report STORE.gpkg --drill ID|CODE --out FILE.pdf   the after-action report of a drill run (a scenario code:
        [--lang zh|en] [--norm 1-3-5|nfpa1710] [--speed X]  its latest run), from the store's run and event log
        [--title T] [--font FILE]`
}

// cmdDrillReport writes the after-action report of a drill run as a PDF.
func cmdDrillReport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill report", flag.ContinueOnError)
	ref := fs.String("drill", "", "the drill's ID, or a scenario code for its latest run")
	out := fs.String("out", "", "PDF file to write")
	lang := fs.String("lang", "zh", "language of the report: zh (after AQ/T 9009-2015) or en (HSEEP AAR/IP)")
	norm := fs.String("norm", "", "the norm to score against: 1-3-5 or nfpa1710 (default: the scenario's)")
	speed := fs.Float64("speed", 0, "the run's clock speed (default: from the log)")
	title := fs.String("title", "", "title of the report (default: the drill's name)")
	font := fs.String("font", "", "TrueType font with Chinese characters (.ttf or .ttc)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return fmt.Errorf("%w: drill report takes STORE.gpkg", errUsage)
	case strings.TrimSpace(*ref) == "":
		return fmt.Errorf("%w: drill report needs --drill ID (or a scenario code)", errUsage)
	case strings.TrimSpace(*out) == "":
		return fmt.Errorf("%w: drill report needs --out FILE.pdf", errUsage)
	case *lang != "zh" && *lang != "en":
		return fmt.Errorf("%w: --lang must be zh or en", errUsage)
	case *norm != "" && *norm != store.NormMFS135 && *norm != store.NormNFPA1710:
		return fmt.Errorf("%w: --norm must be 1-3-5 or nfpa1710", errUsage)
	case *speed != 0 && !(*speed > 0 && *speed <= 1000):
		return fmt.Errorf("%w: --speed must be above 0 and at most 1000", errUsage)
	}
	fonts, err := report.LoadFonts(*font)
	if err != nil {
		return err
	}
	if *lang == "zh" && !fonts.CJK {
		return fmt.Errorf("drill report: %w", report.ErrAfterActionFont)
	}
	s, err := openExisting(pos[0])
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := drill.LatestDrill(ctx, s, *ref)
	if err != nil {
		return fmt.Errorf("drill report: %w", err)
	}
	a, err := drill.AfterAction(ctx, s, id, *lang, drill.AfterActionOptions{Norm: *norm, Speed: *speed})
	if err != nil {
		return fmt.Errorf("drill report: %w", err)
	}
	if err := report.SaveAfterAction(*out, a, report.PDFOptions{Title: *title, Fonts: fonts}); err != nil {
		return fmt.Errorf("drill report: %w", err)
	}
	sent := 0
	for _, e := range a.Timeline {
		if e.Kind == report.TimelineInject || e.Kind == report.TimelineContingency {
			sent++
		}
	}
	fmt.Fprintf(stdout, "wrote %s: drill %s (%s), %d of %d injects sent, %d alarms, %d observations, %d maps\n",
		*out, id, a.Scenario.Code, sent, len(a.Scenario.Injects), len(a.Chains), len(a.Strengths)+len(a.Improvements), len(a.Maps))
	if len(a.Chains) == 0 && sent > 0 {
		fmt.Fprintln(stdout, noConsoleRecord)
	}
	return nil
}
