package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/drill"
)

func init() {
	drillCommands["rate"] = cmdDrillRate
	drillCommands["action"] = cmdDrillAction
	drillUsage["rate"] = `drill rate STORE.gpkg --drill ID|CODE --objective O --rating P|S|M|U   the evaluator's rating of an objective
        [--note TEXT]                                      (replaces the proposed one in the after-action report)`
	drillUsage["action"] = `drill action STORE.gpkg --drill ID|CODE --text T --owner W --due 2026-12-31   a corrective action of the
        [--objective O] [--start DATE] [--id N --status open|in_progress|done]    improvement plan, new or updated (--id)`
}

// drillRunOf opens the run ref names (an ID, or a scenario code for its
// latest run) in the store at db.
func drillRunOf(ctx context.Context, s *store.Store, ref string) (store.DrillRun, error) {
	id, err := drill.LatestDrill(ctx, s, strings.TrimSpace(ref))
	if err != nil {
		return store.DrillRun{}, err
	}
	return s.DrillRun(ctx, id)
}

// cmdDrillRate records the evaluator's rating of one objective of a run.
func cmdDrillRate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill rate", flag.ContinueOnError)
	ref := fs.String("drill", "", "the drill's ID, or a scenario code for its latest run")
	obj := fs.String("objective", "", "the objective's code (O1, ...)")
	rating := fs.String("rating", "", "P (performed without challenges), S (some), M (major challenges) or U (unable to be performed)")
	note := fs.String("note", "", "why")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	r := strings.ToUpper(strings.TrimSpace(*rating))
	switch {
	case len(pos) != 1:
		return fmt.Errorf("%w: drill rate takes STORE.gpkg", errUsage)
	case strings.TrimSpace(*ref) == "" || strings.TrimSpace(*obj) == "":
		return fmt.Errorf("%w: drill rate needs --drill and --objective", errUsage)
	case r != store.RatingP && r != store.RatingS && r != store.RatingM && r != store.RatingU:
		return fmt.Errorf("%w: --rating must be P, S, M or U, not %q", errUsage, *rating)
	}
	s, err := openDrillStore(pos[0], false)
	if err != nil {
		return err
	}
	defer s.Close()
	run, err := drillRunOf(ctx, s, *ref)
	if err != nil {
		return fmt.Errorf("drill rate: %w", err)
	}
	sc, err := s.Scenario(ctx, run.Scenario)
	if err != nil {
		return fmt.Errorf("drill rate: run %s: scenario %s: %w", run.ID, run.Scenario, err)
	}
	known := false
	for _, o := range sc.Objectives {
		known = known || o.Code == *obj
	}
	if !known {
		var codes []string
		for _, o := range sc.Objectives {
			codes = append(codes, o.Code)
		}
		return fmt.Errorf("drill rate: scenario %s has no objective %q (it has %s)", sc.Code, *obj, strings.Join(codes, ", "))
	}
	found := false
	for i := range run.Ratings {
		if run.Ratings[i].Objective == *obj {
			run.Ratings[i].Rating, run.Ratings[i].Note, found = r, *note, true
		}
	}
	if !found {
		run.Ratings = append(run.Ratings, store.Rating{Objective: *obj, Rating: r, Note: *note})
	}
	if err := s.SaveDrillRun(ctx, run); err != nil {
		return fmt.Errorf("drill rate: %w", err)
	}
	fmt.Fprintf(stdout, "drill %s: objective %s rated %s\n", run.ID, *obj, r)
	return nil
}

// cmdDrillAction adds or updates a corrective action of a run.
func cmdDrillAction(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill action", flag.ContinueOnError)
	ref := fs.String("drill", "", "the drill's ID, or a scenario code for its latest run")
	id := fs.Int64("id", 0, "the corrective action to update (default: a new one)")
	obj := fs.String("objective", "", "the objective it serves")
	text := fs.String("text", "", "what must improve")
	owner := fs.String("owner", "", "who owns it")
	start := fs.String("start", "", "start date (YYYY-MM-DD; default today)")
	due := fs.String("due", "", "completion date (YYYY-MM-DD)")
	status := fs.String("status", "", "open, in_progress or done")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*ref) == "" {
		return fmt.Errorf("%w: drill action takes STORE.gpkg and --drill", errUsage)
	}
	date := func(flag, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: --%s %q is not a date (YYYY-MM-DD)", errUsage, flag, v)
		}
		return t, nil
	}
	st, err := date("start", *start)
	if err != nil {
		return err
	}
	dt, err := date("due", *due)
	if err != nil {
		return err
	}
	s, err := openDrillStore(pos[0], false)
	if err != nil {
		return err
	}
	defer s.Close()
	run, err := drillRunOf(ctx, s, *ref)
	if err != nil {
		return fmt.Errorf("drill action: %w", err)
	}
	a := store.CorrectiveAction{Drill: run.ID, Status: "open"}
	if *id != 0 {
		all, err := s.CorrectiveActions(ctx, run.ID)
		if err != nil {
			return fmt.Errorf("drill action: %w", err)
		}
		found := false
		for _, x := range all {
			if x.ID == *id {
				a, found = x, true
			}
		}
		if !found {
			return fmt.Errorf("drill action: drill %s has no corrective action %d", run.ID, *id)
		}
	} else {
		if strings.TrimSpace(*text) == "" || strings.TrimSpace(*owner) == "" || dt.IsZero() {
			return fmt.Errorf("%w: a new corrective action needs --text, --owner and --due", errUsage)
		}
		if st.IsZero() {
			st = time.Now()
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&a.Objective, *obj)
	set(&a.Text, *text)
	set(&a.Owner, *owner)
	set(&a.Status, *status)
	if !st.IsZero() {
		a.Start = st
	}
	if !dt.IsZero() {
		a.Due = dt
	}
	if a.Status == "done" && a.Done.IsZero() {
		a.Done = time.Now()
	}
	n, err := s.SaveCorrectiveAction(ctx, a)
	if err != nil {
		return fmt.Errorf("drill action: %w", err)
	}
	fmt.Fprintf(stdout, "drill %s: corrective action %d (%s, %s, due %s)\n", run.ID, n, a.Owner, a.Status, a.Due.Format("2006-01-02"))
	return nil
}
