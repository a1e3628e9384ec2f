package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/feeds/client"
	"safetynet/feeds/drill"
	"safetynet/feeds/event"
)

func init() {
	drillCommands["run"] = cmdDrillRun
	drillCommands["chain"] = cmdDrillChain
	drillUsage["run"] = `drill run STORE.gpkg CODE --hub URL --token T   run drill scenario CODE through the hub as its director
        [--speed 60] [--responders N] [--format json|cap|cot] [--lang zh|en] [--after 5m]
        (commands on standard input: pause, resume, trigger N, skip N, speed X, note TEXT, status, stop)`
	drillUsage["chain"] = `drill chain STORE.gpkg [--drill ID | --real]       the response-time chain of every alarm in the event log,
        [--from T --to T] [--norm 1-3-5|nfpa1710] [--csv]  scored against the norm`
}

// noConsoleRecord explains an empty chain: the chain is measured from a
// console's record of what it received and what its operators did.
const noConsoleRecord = "note: no alarm of this drill is in the store's event log; the response chain is measured from the record of a console " +
	"(safetynet) that followed the hub during the drill with this file open"

// drillRunInput is where drill run reads the director's commands.
var drillRunInput io.Reader = os.Stdin

// loadDrillScenario returns the scenario code from the store, or the demo
// scenario when the store does not hold it (a store made before drills
// were kept in it).
func loadDrillScenario(ctx context.Context, s *store.Store, code string) (store.Scenario, error) {
	sc, err := s.Scenario(ctx, code)
	if errors.Is(err, store.ErrNotFound) && code == demo.ScenarioCode {
		return demo.Scenario(), nil
	}
	return sc, err
}

// cmdDrillRun directs a drill headless: it sends the scenario's injects
// through the hub on the scenario clock and takes the director's
// commands from standard input.
func cmdDrillRun(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill run", flag.ContinueOnError)
	hf := newHubFlags(fs)
	speed := fs.Float64("speed", 1, "how many times faster than real time the scenario runs (60: an hour in a minute)")
	responders := fs.Int("responders", 0, "simulated units (tabletop) starting at the micro fire station")
	auto := fs.Duration("auto-assign", 30*time.Second, "with --responders: send the nearest free unit to an alarm no one assigned within this scenario time (0: never)")
	format := fs.String("format", "", "send every inject in this format instead of its own: json, cap or cot")
	lang := fs.String("lang", "zh", "language of the injects' titles: zh or en")
	id := fs.String("id", "", "the drill's ID (default: the scenario code and the start time)")
	after := fs.Duration("after", 5*time.Minute, "without commands on standard input: how much scenario time the drill goes on after its last inject before it ends")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: drill run takes STORE.gpkg CODE", errUsage)
	}
	switch {
	case !(*speed > 0 && *speed <= 1000):
		return fmt.Errorf("%w: --speed must be above 0 and at most 1000", errUsage)
	case *responders < 0 || *responders > 100:
		return fmt.Errorf("%w: --responders must be from 0 to 100", errUsage)
	case *format != "" && *format != store.FormatJSON && *format != store.FormatCAP && *format != store.FormatCoT:
		return fmt.Errorf("%w: --format must be json, cap or cot", errUsage)
	case *after < 0:
		return fmt.Errorf("%w: --after must not be negative", errUsage)
	case *lang != "zh" && *lang != "en":
		return fmt.Errorf("%w: --lang must be zh or en", errUsage)
	}
	opt, err := hf.options("drill run")
	if err != nil {
		return err
	}
	db, code := pos[0], pos[1]
	if _, err := os.Stat(db); err != nil {
		return fmt.Errorf("%s: %w", db, err)
	}
	s, err := store.Open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	sc, err := loadDrillScenario(ctx, s, code)
	if err != nil {
		return fmt.Errorf("drill run %s: %w", db, err)
	}
	com, err := drill.ReadCommunity(ctx, s)
	if err != nil {
		return fmt.Errorf("drill run %s: %w", db, err)
	}
	if *format != "" {
		for i := range sc.Injects {
			if sc.Injects[i].Format != "" {
				sc.Injects[i].Format = *format
			}
		}
	}
	started := time.Now()
	if *id == "" {
		*id = sc.Code + "-" + started.UTC().Format("20060102T150405")
	}

	var out sync.Mutex
	say := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(stdout, format+"\n", args...)
	}
	var rs *drill.Responders
	if *responders > 0 {
		rs = drill.NewResponders(com.StationUnits(*responders, *lang), drill.ResponderOptions{AutoAssign: *auto, Path: com.Path})
	}
	opt.MinBackoff, opt.MaxBackoff = 100*time.Millisecond, 5*time.Second
	pub := client.NewPublisher(opt, 1024, func(data []byte, a client.Ack) {
		if err := a.Err(); err != nil {
			say("hub refused an event: %v", err)
		}
	})
	// Ctrl+C (ctx) ends the run; the publisher goes on until drill.end
	// is delivered.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	pubCtx, stopAll := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAll()
	pubDone := make(chan error, 1)
	go func() { pubDone <- pub.Run(pubCtx) }()

	shown := map[string]string{}
	var shownMu sync.Mutex
	titles := map[string]string{}
	for _, in := range sc.Injects {
		titles[in.Number] = in.Title.Label(*lang)
	}
	onChange := func(st drill.RunStatus) {
		shownMu.Lock()
		defer shownMu.Unlock()
		for _, in := range st.Injects {
			if shown[in.Number] == in.State || in.State == drill.StatePending {
				continue
			}
			shown[in.Number] = in.State
			line := fmt.Sprintf("%s  inject %-4s %-10s %s", scenarioOffset(in.SentAt), in.Number, in.State, titles[in.Number])
			if in.State == drill.StateLate {
				line += fmt.Sprintf(" (%s late)", in.Late.Round(time.Second))
			}
			if in.Note != "" {
				line += " — " + in.Note
			}
			say("%s", line)
		}
	}
	// The director's entries (injects sent, pauses, notes) go into the
	// store's event log when the run ends, for its after-action report.
	var directorLog []store.LogRow
	var logMu sync.Mutex
	keep := func(row store.LogRow) {
		logMu.Lock()
		directorLog = append(directorLog, row)
		logMu.Unlock()
	}
	r, err := drill.NewRunner(sc, drill.RunOptions{DrillID: *id, Name: sc.Label(*lang), Speed: *speed, Language: *lang,
		Publish: pub.Publish, Place: com.Place, Responders: rs, OnChange: onChange, Log: keep})
	if err != nil {
		return err
	}
	// Follow the hub for the players' progress (contingencies, assignments
	// of simulated units); a publisher token cannot, and then every
	// contingency fires as if nothing had been answered.
	sub := client.NewSubscriber(opt, 0)
	go func() {
		err := sub.Run(runCtx, func(m event.Message) error {
			// The hub's history before the run is not about it; the margin
			// allows for a hub whose clock is behind.
			if m.Received.After(started.Add(-10 * time.Minute)) {
				r.Saw(m)
			}
			return nil
		})
		if err != nil && runCtx.Err() == nil {
			say("cannot follow the hub (%v): contingencies fire as if nothing had been answered", err)
		}
	}()

	scope := ""
	if *speed != 1 || *responders > 0 {
		scope = fmt.Sprintf("桌面推演，%g 倍速，%d 个模拟单位", *speed, *responders)
		if *lang == "en" {
			scope = fmt.Sprintf("tabletop at %g×, %d simulated units", *speed, *responders)
		}
	}
	if err := saveRunStart(ctx, s, sc, *id, started, scope); err != nil {
		return fmt.Errorf("drill run %s: %w", db, err)
	}
	say("drill %s: %s, %d injects, speed %g×; commands: pause, resume, trigger N, skip N, speed X, note TEXT, status, stop",
		*id, sc.Label(*lang), len(sc.Injects), *speed)
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(runCtx) }()
	r.Start()

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(drillRunInput)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-runCtx.Done():
				return
			}
		}
	}()
	inputOpen := true
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	// done is the scenario time from which no inject was due any more.
	done, announced, stopping := time.Duration(-1), false, false
loop:
	for {
		select {
		case err := <-runDone:
			runDone <- err
			break loop
		case line, ok := <-lines:
			if !ok {
				inputOpen, lines = false, nil
				continue
			}
			if msg := directorCommand(r, line); msg != "" {
				say("%s", msg)
			}
		case <-tick.C:
			st := r.Status()
			switch {
			case st.Next != "":
				done = -1
			case done < 0:
				done = st.At
			case !inputOpen && !stopping && st.At >= done+*after:
				stopping = true
				r.Stop()
			case inputOpen && !announced:
				announced = true
				say("no inject is due any more: 'stop' ends the drill")
			}
		}
	}
	err = <-runDone
	// Let the publisher deliver drill.end before it stops.
	deadline := time.Now().Add(10 * time.Second)
	for pub.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	left := pub.Pending()
	stopAll()
	<-pubDone
	say("drill %s ended: drill.end sent", *id)
	logMu.Lock()
	rows := directorLog
	logMu.Unlock()
	if err := saveRunEnd(context.WithoutCancel(ctx), s, sc, *id, r.Chains(), *speed, rows); err != nil {
		return fmt.Errorf("drill run %s: %w", db, err)
	}
	if left > 0 {
		return fmt.Errorf("drill run: %d events not acknowledged by the hub", left)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("drill run: %w", err)
	}
	return nil
}

// saveRunStart records the run in the store as it starts: its ID,
// scenario, names, start and scope. A scenario the store lacks (the demo's) is
// saved first, so that the run's report finds it.
func saveRunStart(ctx context.Context, s *store.Store, sc store.Scenario, id string, started time.Time, scope string) error {
	if _, err := s.Scenario(ctx, sc.Code); errors.Is(err, store.ErrNotFound) {
		if err := s.SaveScenario(ctx, sc); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	return s.SaveDrillRun(ctx, store.DrillRun{ID: id, Scenario: sc.Code, Names: sc.Names, Started: started, Scope: scope})
}

// saveRunEnd records the run's end and the ratings proposed from the
// chains the director saw (scaled to scenario time), keeping what the
// stored run has besides (scope, participants, the evaluator's ratings
// and notes), and appends the director's entries to the event log,
// leaving the console's last sequence number as it is.
func saveRunEnd(ctx context.Context, s *store.Store, sc store.Scenario, id string, chains []drill.AlarmChain, speed float64, rows []store.LogRow) error {
	run, err := s.DrillRun(ctx, id)
	if err != nil {
		return err
	}
	if err := s.AppendLog(ctx, rows); err != nil {
		return err
	}
	run.Ended = time.Now()
	for i := range chains {
		chains[i] = drill.Scaled(chains[i], speed)
	}
	stored := map[string]store.Rating{}
	for _, rt := range run.Ratings {
		stored[rt.Objective] = rt
	}
	run.Ratings = run.Ratings[:0]
	for _, rt := range drill.ProposeRatings(sc, chains) {
		if old, ok := stored[rt.Objective]; ok {
			rt.Rating, rt.Note = old.Rating, old.Note
		}
		run.Ratings = append(run.Ratings, rt)
	}
	run.Corrective = nil // kept as stored
	return s.SaveDrillRun(ctx, run)
}

// drillCommand carries out one line of the director's input and returns
// what to print.
func directorCommand(r *drill.Runner, line string) string {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(verb) {
	case "":
		return ""
	case "pause":
		r.Pause()
		return "paused at " + scenarioOffset(r.Status().At)
	case "resume":
		r.Resume()
		return "resumed at " + scenarioOffset(r.Status().At)
	case "trigger", "skip":
		if rest == "" {
			return verb + " needs an inject number"
		}
		do := r.Trigger
		if verb == "skip" {
			do = r.Skip
		}
		if err := do(rest); err != nil {
			return err.Error()
		}
		return ""
	case "speed":
		v, err := strconv.ParseFloat(rest, 64)
		if err != nil || !(v > 0 && v <= 1000) {
			return "speed needs a number above 0 and at most 1000"
		}
		r.SetSpeed(v)
		return fmt.Sprintf("speed %g×", v)
	case "note":
		if rest == "" {
			return "note needs a text"
		}
		row := r.Observe("director", rest)
		return fmt.Sprintf("noted at %s (%s)", scenarioOffset(r.Status().At), row.Time.Format(time.RFC3339))
	case "status":
		st := r.Status()
		s := fmt.Sprintf("%s, paused %v, speed %g×", scenarioOffset(st.At), st.Paused, st.Speed)
		if st.Next != "" {
			s += fmt.Sprintf(", next inject %s at %s", st.Next, scenarioOffset(st.NextAt))
		}
		return s
	case "stop":
		r.Stop()
		return "stopping"
	}
	return fmt.Sprintf("unknown command %q: pause, resume, trigger N, skip N, speed X, note TEXT, status, stop", verb)
}

// offset writes a scenario time as t+mm:ss.
func scenarioOffset(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("t+%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("t+%02d:%02d", s/60, s%60)
}

// cmdDrillChain prints the response chain of every alarm in the store's
// event log, and its score against a norm.
func cmdDrillChain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("drill chain", flag.ContinueOnError)
	id := fs.String("drill", "", "only the alarms of this drill ID")
	real := fs.Bool("real", false, "only real alarms (no drill or test traffic)")
	from := fs.String("from", "", "only entries from this time (RFC 3339, or a date 2006-01-02)")
	to := fs.String("to", "", "only entries before this time")
	norm := fs.String("norm", store.NormMFS135, "the norm to score against: 1-3-5 or nfpa1710")
	asCSV := fs.Bool("csv", false, "write the chain table as CSV (durations in seconds)")
	speed := fs.Float64("speed", 1, "the drill's clock speed: durations are multiplied by it (scenario time)")
	radius := fs.Float64("radius", store.DefaultOnSceneRadius, "on scene within this many metres")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: drill chain takes STORE.gpkg", errUsage)
	}
	if *norm != store.NormMFS135 && *norm != store.NormNFPA1710 {
		return fmt.Errorf("%w: --norm must be 1-3-5 or nfpa1710", errUsage)
	}
	if !(*speed > 0 && *speed <= 1000) || !(*radius > 0 && *radius <= 1000) {
		return fmt.Errorf("%w: --speed and --radius must be above 0 and at most 1000", errUsage)
	}
	var lo, hi time.Time
	for _, x := range []struct {
		flag, v string
		t       *time.Time
	}{{"--from", *from, &lo}, {"--to", *to, &hi}} {
		if x.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, x.v)
		if err != nil {
			t, err = time.Parse("2006-01-02", x.v)
		}
		if err != nil {
			return fmt.Errorf("%w: %s %q is not a time such as 2026-05-01T22:00:00+08:00 or a date 2026-05-01", errUsage, x.flag, x.v)
		}
		*x.t = t
	}
	s, err := openExisting(pos[0])
	if err != nil {
		return err
	}
	defer s.Close()
	log, err := s.ConsoleLog(ctx, lo, hi, 1<<30)
	if err != nil {
		return fmt.Errorf("drill chain %s: %w", pos[0], err)
	}
	chains := drill.Chain(log, drill.ChainOptions{DrillID: *id, Real: *real, Radius: *radius})
	for i := range chains {
		chains[i] = drill.Scaled(chains[i], *speed)
	}
	steps := drill.Steps()[1:]
	if *asCSV {
		w := csv.NewWriter(stdout)
		head := []string{"subject", "type", "severity", "drill", "drill_id", "inject", "team", "unit", "operator", "received"}
		for _, st := range steps {
			head = append(head, st+"_s")
		}
		w.Write(head)
		for _, c := range chains {
			rec := []string{c.Subject, c.Type, string(c.Severity), strconv.FormatBool(c.Drill), c.DrillID, c.Inject, c.Team, c.Unit, c.Operator,
				c.Received.UTC().Format("2006-01-02T15:04:05.000Z")}
			for _, st := range steps {
				d, ok := c.Since(st)
				if !ok {
					rec = append(rec, "")
					continue
				}
				rec = append(rec, strconv.FormatFloat(d.Seconds(), 'f', 3, 64))
			}
			w.Write(rec)
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "received (UTC)\tinject\tsubject\ttype\tteam\tunit")
	for _, st := range steps {
		fmt.Fprintf(tw, "\t%s", st)
	}
	fmt.Fprintln(tw)
	for _, c := range chains {
		inj := c.Inject
		if !c.Drill {
			inj = "(real)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s", c.Received.UTC().Format("2006-01-02 15:04:05"), inj, c.Subject, c.Type, c.Team, c.Unit)
		for _, st := range steps {
			fmt.Fprintf(tw, "\t%s", chainSince(c, st))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	n := drill.NormByName(*norm)
	card := drill.Score(chains, n)
	fmt.Fprintf(stdout, "\n%d alarms, norm %s:\n", len(chains), n.Name)
	if len(chains) == 0 {
		fmt.Fprintln(stdout, noConsoleRecord)
	}
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "step\tlimit\tpercentile\talarms\treached\tmet\tvalue\tresult")
	for _, st := range card.All.Steps {
		v, result := "not reached", "fail"
		if st.ValueReached {
			v = st.Value.Round(time.Second).String()
		}
		if st.Pass {
			result = "pass"
		}
		if st.N == 0 {
			v, result = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%g\t%d\t%d\t%d\t%s\t%s\n", st.Step.Name, st.Step.Limit, st.Step.Percentile, st.N, st.Reached, st.Met, v, result)
	}
	return tw.Flush()
}

func chainSince(c drill.AlarmChain, step string) string {
	d, ok := c.Since(step)
	if !ok {
		return "-"
	}
	s := int64(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
