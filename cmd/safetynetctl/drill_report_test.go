package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"safetynet/data/demo"
	"safetynet/data/report"
	"safetynet/data/store"
	"safetynet/data/testenv"
	"safetynet/feeds/client"
	"safetynet/feeds/console"
	"safetynet/feeds/drill"
	"safetynet/feeds/event"
	"safetynet/feeds/hub"
)

// operatorHub runs an in-process hub and returns its URL and an
// operator's token (publishes and follows the stream).
func operatorHub(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hub.db")
	toks, err := store.OpenTokens(db)
	if err != nil {
		t.Fatal(err)
	}
	op, err := toks.Add(context.Background(), "duty", store.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hub.New(hub.Config{DB: db, Tokens: toks, Rate: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.CloseClientConnections(); srv.Close(); hs.Close(); toks.Close() })
	return hs.URL, op
}

// demoDrillStore runs the demo scenario with drill run at 60× with two
// simulated units through a hub, while a console follows the hub and a
// duty operator acknowledges each alarm half a second (30 s of scenario)
// after it arrives and resolves it 2.5 s after it was assigned; the
// console's log is then saved into the demo store, as the desktop app
// saves it. It returns the store's path and the drill's ID.
func demoDrillStore(t *testing.T) (string, string) {
	t.Helper()
	url, token := operatorHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := client.Options{URL: url, Token: token, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	pub := client.NewPublisher(opt, 1024, nil)
	go pub.Run(ctx)
	con := console.New(console.Options{Language: "zh"})
	var lastSeq int64
	var mu sync.Mutex
	ended := make(chan struct{})
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		client.NewSubscriber(opt, 0).Run(ctx, func(m event.Message) error {
			con.Apply(m, time.Now())
			mu.Lock()
			lastSeq = m.Seq
			mu.Unlock()
			if m.Event.Type == console.TypeDrillEnd {
				select {
				case <-ended:
				default:
					close(ended)
				}
			}
			return nil
		})
	}()
	opDone := make(chan struct{})
	go func() {
		defer close(opDone)
		assigned := map[string]time.Time{}
		act := func(kind, subject string, now time.Time) {
			e, err := console.NewAction(kind, subject, "wang", "", "", now)
			if err != nil || con.Check(e) != nil {
				return
			}
			con.Apply(event.Message{Event: e}, now)
			data, _ := event.Encode(e)
			pub.Publish(ctx, data)
		}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ended:
				return
			case <-tick.C:
			}
			now := time.Now()
			for _, a := range con.Snapshot(now).Alerts {
				switch a.Status {
				case console.StatusNew:
					con.Opened(a.Subject, "wang", now)
					if now.Sub(a.Received) >= 500*time.Millisecond {
						act(console.ActionAck, a.Subject, now)
					}
				case console.StatusAssigned:
					if _, ok := assigned[a.Subject]; !ok {
						assigned[a.Subject] = now
					}
					if now.Sub(assigned[a.Subject]) >= 2500*time.Millisecond {
						act(console.ActionResolve, a.Subject, now)
					}
				}
			}
		}
	}()

	const id = "DR-FIRE-EBIKE-PDF"
	drillRunInput = strings.NewReader("note + crew left the station at once\n")
	defer func() { drillRunInput = strings.NewReader("") }()
	var out bytes.Buffer
	err := cmdDrillRun(ctx, []string{db, demo.ScenarioCode, "--hub", url, "--token", token, "--speed", "60", "--id", id,
		"--responders", "2", "--auto-assign", "20s", "--after", "1m"}, &out)
	if err != nil {
		t.Fatalf("drill run: %v\n%s", err, out.String())
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("drill.end never reached the console")
	}
	time.Sleep(200 * time.Millisecond) // the console's last rules
	cancel()
	<-subDone
	<-opDone
	up, rm, log := con.TakeChanges()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mu.Lock()
	defer mu.Unlock()
	if err := s.SaveLive(context.Background(), up, rm, log, lastSeq); err != nil {
		t.Fatal(err)
	}
	return db, id
}

// squeeze drops every space and line break, so that a text wrapped
// across lines in a table cell is found whole.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestDrillReportOfTheDemoDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("a 13-second drill through a hub")
	}
	pdftotext := testenv.Tool(t, "pdftotext")
	fonts, err := report.LoadFonts("")
	if err != nil || !fonts.CJK {
		testenv.NoFont(t, fmt.Errorf("no Chinese TrueType font (%v)", err))
	}
	db, id := demoDrillStore(t)
	ctx := context.Background()

	s, err := openExisting(db)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.DrillRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Scenario != demo.ScenarioCode || run.Started.IsZero() || !run.Ended.After(run.Started) || len(run.Ratings) != 4 || !strings.Contains(run.Scope, "60") {
		t.Errorf("the run as drill run saved it: %+v", run)
	}
	want := map[string]report.AfterAction{}
	for _, lang := range []string{"zh", "en"} {
		a, err := drill.AfterAction(ctx, s, id, lang, drill.AfterActionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want[lang] = a
	}
	s.Close()
	if ps := want["en"].Run.Participants; !slices.Contains(ps, "wang") || !slices.Contains(ps, "director") {
		t.Errorf("participants %v", ps)
	}
	if len(want["en"].Chains) < 6 {
		t.Fatalf("%d alarms in the drill's chains", len(want["en"].Chains))
	}

	dir := t.TempDir()
	keep := os.Getenv("SAFETYNET_AAR_DIR") // to look at the pages
	for _, lang := range []string{"zh", "en"} {
		pdf := filepath.Join(dir, "aar-"+lang+".pdf")
		ref := id
		if lang == "en" {
			ref = demo.ScenarioCode // its latest run
		}
		var out bytes.Buffer
		if err := cmdDrillReport(ctx, []string{db, "--drill", ref, "--lang", lang, "--out", pdf}, &out); err != nil {
			t.Fatalf("drill report --lang %s: %v", lang, err)
		}
		if !strings.Contains(out.String(), id) {
			t.Errorf("drill report says %q", out.String())
		}
		if keep != "" {
			data, _ := os.ReadFile(pdf)
			os.WriteFile(filepath.Join(keep, "aar-"+lang+".pdf"), data, 0o644)
		}
		txt, err := exec.Command(pdftotext, "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", pdf, err)
		}
		text := squeeze(string(txt))
		layout, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext -layout %s: %v", pdf, err)
		}
		sc := want[lang].Scenario
		for _, in := range sc.Injects {
			title := squeeze(in.Title.Label(lang))
			if !strings.Contains(text, title) {
				t.Errorf("%s: inject %s %q is not in the report", lang, in.Number, in.Title.Label(lang))
				continue
			}
			// Its number is in the same row as its title.
			if !sameLine(string(layout), in.Number, title) {
				t.Errorf("%s: inject %s's number is not next to its title %q", lang, in.Number, in.Title.Label(lang))
			}
		}
		for i, c := range want[lang].Chains {
			for _, part := range []string{c.Subject, c.Inject, c.Team} {
				if !strings.Contains(text, squeeze(part)) {
					t.Errorf("%s: chain %d (inject %s): %q is not in the report", lang, i+1, c.Inject, part)
				}
			}
			for _, st := range c.Steps {
				if st.Done && !strings.Contains(text, mmss(st.After)) {
					t.Errorf("%s: chain %d (inject %s): %s %s is not in the report", lang, i+1, c.Inject, st.Step, mmss(st.After))
				}
			}
		}
		if a := want[lang]; len(a.Strengths) != 1 || a.Strengths[0].Text != "crew left the station at once" || !strings.Contains(text, "crewleftthestationatonce") {
			t.Errorf("%s: the director's note is not a strength in the report: %+v", lang, a.Strengths)
		}
		if !strings.Contains(text, map[string]string{"zh": "应急注入无需发送：注入1已在02:00内确认", "en": "contingencynotneeded:inject1reachedackwithin02:00"}[lang]) {
			t.Errorf("%s: the report does not say the escalation was not needed", lang)
		}
		for _, h := range map[string][]string{"zh": {"一、演练概况", "三、演练实施", "七、整改措施"}, "en": {"1.Exerciseoverview", "4.Responsetimesagainstthenorm", "AppendixA"}}[lang] {
			if !strings.Contains(text, h) {
				t.Errorf("%s: no section %q", lang, h)
			}
		}
	}
	for _, args := range [][]string{{db}, {db, "--drill", id}, {db, "--drill", "DR-NONE", "--out", filepath.Join(dir, "x.pdf")},
		{db, "--drill", id, "--out", filepath.Join(dir, "x.pdf"), "--lang", "fr"}} {
		if err := cmdDrillReport(ctx, args, io.Discard); err == nil {
			t.Errorf("drill report %v: no error", args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a failed drill report left a file")
	}
}

// sameLine reports whether a line of text (pdftotext -layout) has number
// as a word and the beginning of title (squeezed).
func sameLine(text, number, title string) bool {
	head := []rune(title)
	head = head[:min(len(head), 8)]
	for _, line := range strings.Split(text, "\n") {
		if slices.Contains(strings.Fields(line), number) && strings.Contains(squeeze(line), string(head)) {
			return true
		}
	}
	return false
}

func mmss(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

func TestDrillReportRegistered(t *testing.T) {
	if drillCommands["report"] == nil || !strings.Contains(drillUsage["report"], "--drill") {
		t.Error("drill report is not registered")
	}
}
