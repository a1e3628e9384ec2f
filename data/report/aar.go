package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// AfterAction is everything the after-action report of one drill run
// shows, computed beforehand: the scenario and the run as the store keeps
// them, the timeline of injects and actions, the response chain of every
// alarm with its times against the norm, the evaluators' observations and
// the units' tracks. It is a plain value; WriteAfterAction only reads it.
//
// Times are wall-clock times, shown in their own location (zone); scenario
// times are offsets from the run's start (t+mm:ss).
type AfterAction struct {
	// Language is the report's language: "zh" (Chinese, laid out after
	// AQ/T 9009-2015: preparation, execution, on-the-spot review,
	// self-assessment, evaluation, corrective actions) or "en" (English,
	// laid out as an HSEEP After-Action Report / Improvement Plan).
	Language string
	// Community is the community's name, printed on the title page and in
	// the footers.
	Community string
	// Scenario is the scenario run: its names, description, objectives
	// and injects. Every inject is listed in the timeline, sent or not.
	Scenario store.Scenario
	// Run is the run: its names (the scenario's when empty), start and
	// end, scope, participants, ratings and corrective actions.
	Run store.DrillRun
	// Timeline is what happened, in order of scenario time: injects sent
	// and the players' actions and the evaluators' observations.
	Timeline []TimelineEntry
	// Chains are the response chains, one per alarm.
	Chains []ChainRow
	// Norm names the response norm the chains are scored against:
	// store.NormMFS135, store.NormNFPA1710 or any other name; empty means
	// the scenario's.
	Norm string
	// Summary is the norm's verdict per step of the chain.
	Summary []NormSummary
	// Strengths and Improvements are the evaluators' observations: what
	// went well and the areas for improvement.
	Strengths, Improvements []Observation
	// Maps are the maps of the alarms, one each, with the units' tracks.
	Maps []AlarmMap
	// Base is what the maps draw under the tracks (ReadMapBase reads it
	// from a store); the zero value draws the tracks on a plain ground.
	Base MapBase
}

// TimelineEntry is one line of the drill's timeline.
type TimelineEntry struct {
	// At is the wall-clock time it happened.
	At time.Time
	// Offset is its scenario time, from the run's start.
	Offset time.Duration
	// Inject is the Number of the inject it is or answers; "" for an
	// action or observation that answers none.
	Inject string
	// Kind is TimelineInject, TimelineAction, TimelineObservation or
	// TimelineContingency.
	Kind string
	// Who did it: the controller, operator, team or evaluator.
	Who string
	// Text says what happened; for an inject, "" shows the inject's title.
	Text string
}

// Kinds of timeline entries.
const (
	TimelineInject      = "inject"
	TimelineAction      = "action"
	TimelineObservation = "observation"
	TimelineContingency = "contingency"
)

// ChainRow is the response chain of one alarm: what it was, who answered
// it and when each step was reached.
type ChainRow struct {
	// Subject is the alarm's title; Inject the Number of the inject that
	// raised it ("" for live traffic); Type its event type (fire.smoke).
	Subject, Inject, Type string
	// Team and Unit are who were sent to it.
	Team, Unit string
	// Received is when the alarm reached the console.
	Received time.Time
	// Steps are the chain's steps after ChainReceived, in order.
	Steps []StepTime
}

// StepTime is when a step of a response chain was reached.
type StepTime struct {
	// Step is one of ChainSteps.
	Step string
	// After is the time from the alarm's reception to the step;
	// meaningful when Done.
	After time.Duration
	// Done is false for a step never reached.
	Done bool
	// Limit is the norm's limit for the step, from reception; 0 for none.
	Limit time.Duration
	// Met is true when the step was done within Limit.
	Met bool
}

// Steps of a response chain, in order.
const (
	ChainReceived     = "received"
	ChainOpened       = "opened"
	ChainAcknowledged = "acknowledged"
	ChainAssigned     = "assigned"
	ChainMoving       = "moving"
	ChainOnScene      = "on_scene"
	ChainJoint        = "joint"
	ChainResolved     = "resolved"
)

// ChainSteps are the steps of a response chain, in order.
var ChainSteps = []string{ChainReceived, ChainOpened, ChainAcknowledged, ChainAssigned, ChainMoving, ChainOnScene, ChainJoint, ChainResolved}

// NormSummary is the norm's verdict on one step over all chains.
type NormSummary struct {
	// Step is one of ChainSteps.
	Step string
	// Limit is the norm's limit for the step, from reception.
	Limit time.Duration
	// Percentile (0-100) is the share of chains the norm judges at, e.g.
	// 90 for NFPA 1710's 90th percentile; Value is the time at it.
	Percentile float64
	Value      time.Duration
	// N counts the chains that reached the step, Met those within Limit.
	N, Met int
	// Pass is the verdict: Value within Limit.
	Pass bool
}

// Observation is an evaluator's note: a strength or an area for
// improvement.
type Observation struct {
	At        time.Time
	Evaluator string
	Text      string
	// Objective is the Code of the objective it concerns; "" for none.
	Objective string
}

// AlarmMap is the map of one alarm: where it was and the units' tracks to
// it.
type AlarmMap struct {
	// Title names the alarm, as the chain's Subject.
	Title string
	// Place is where the alarm was: a point or a polygon, EPSG:4326;
	// nil when unknown.
	Place orb.Geometry
	// Tracks are the units' movements.
	Tracks []Track
}

// Track is the movement of one unit, EPSG:4326.
type Track struct {
	Unit   string
	Points []orb.Point
	// Times are the times of the points (may be nil, or shorter than
	// Points).
	Times []time.Time
}

// MapBase is the community the maps draw under the tracks, EPSG:4326.
type MapBase struct {
	Buildings []orb.MultiPolygon
	Roads     []store.Road
	Land      []store.Land
	Water     []orb.MultiPolygon
	// Walls are the walls, fences and hedges.
	Walls []orb.LineString
}

// ReadMapBase reads the layers the maps draw from s.
func ReadMapBase(ctx context.Context, s *store.Store) (MapBase, error) {
	r := &Report{}
	if err := r.readBase(ctx, s, map[string]store.Names{}); err != nil {
		return MapBase{}, err
	}
	return MapBase{Buildings: r.base.buildings, Roads: r.base.roads, Land: r.base.land, Water: r.base.water, Walls: r.base.walls}, nil
}

// ErrAfterActionFont reports a Chinese after-action report asked for
// without a Chinese font.
var ErrAfterActionFont = errors.New("report: the Chinese after-action report needs a Chinese TrueType font: install fonts-wqy-microhei or give one with --font, or write the English report")

// WriteAfterAction writes the after-action report of a drill as an A4
// PDF in a.Language: a title page marked as an exercise, the overview,
// the objectives with their ratings, the timeline, the response chains
// and the norm's summary, the observations, a map per alarm and the
// corrective actions. opt.Title replaces the drill's name, opt.Date
// (default: the run's end, else its start, else now) is the PDF's date.
// The same value, options and fonts give the same bytes.
func WriteAfterAction(w io.Writer, a AfterAction, opt PDFOptions) error {
	switch a.Language {
	case "zh", "en":
	default:
		return fmt.Errorf("report: after-action report language %q: use zh or en", a.Language)
	}
	fonts := opt.Fonts
	if fonts == nil {
		var err error
		if fonts, err = LoadFonts(""); err != nil {
			return err
		}
	}
	if a.Language == "zh" && !fonts.CJK {
		return ErrAfterActionFont
	}
	date := opt.Date
	for _, t := range []time.Time{a.Run.Ended, a.Run.Started, time.Now()} {
		if date.IsZero() {
			date = t
		}
	}
	d := newDoc(fonts)
	x := &aar{a: a, d: d, zh: a.Language == "zh", date: date, cov: &pdfReport{d: d}}
	x.loc = time.Local
	if !a.Run.Started.IsZero() {
		x.loc = a.Run.Started.Location()
	}
	x.name, x.nameOther = x.drillNames()
	x.title = opt.Title
	if x.title == "" {
		x.title = x.name
	}
	pdf := d.pdf
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, topY, marginX)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(x.title+" — "+x.t("演练评估报告", "After-Action Report"), true)
	pdf.SetAuthor("SafetyNet", true)
	pdf.SetCreator("SafetyNet", true)
	pdf.SetSubject(x.t("演练评估报告（AQ/T 9009-2015）", "After-Action Report / Improvement Plan (HSEEP)"), true)

	x.titlePage()
	if x.zh {
		x.sectionsZh()
	} else {
		x.sectionsEn()
	}
	if x.zh {
		x.correctiveSection("七、整改措施", "")
	} else {
		x.correctiveSection("", "Appendix A: Improvement Plan")
	}
	if err := x.maps(); err != nil {
		return err
	}
	x.footers()
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// SaveAfterAction writes the after-action report (see WriteAfterAction)
// to path, through a temporary file in the same folder, so that a failure
// leaves no half-written file.
func SaveAfterAction(path string, a AfterAction, opt PDFOptions) error {
	return writeFile(path, func(w io.Writer) error { return WriteAfterAction(w, a, opt) })
}

// aar lays an after-action report out on pages.
type aar struct {
	a               AfterAction
	d               *doc
	cov             *pdfReport // the coverage report's map and drawing helpers, on the same doc
	zh              bool
	loc             *time.Location
	date            time.Time
	title           string
	name, nameOther string // the drill's name in the report's language and in the other
	y               float64
}

// t returns the label in the report's language.
func (x *aar) t(zh, en string) string {
	if x.zh {
		return zh
	}
	return en
}

// lang is the report's language.
func (x *aar) lang() string { return x.a.Language }

// s returns a text for the page: as it is, or "" when it has Chinese
// characters and the fonts have none.
func (x *aar) s(s string) string { return x.cov.plain(s) }

// texts returns a text in the report's language, or in the other where
// the fonts cannot show it.
func (x *aar) texts(t store.Texts) string {
	if s := x.s(t.Label(x.lang())); s != "" {
		return s
	}
	for _, s := range []string{t.TextEn, t.Text, t.TextZh} {
		if s = x.s(s); s != "" {
			return s
		}
	}
	return ""
}

// names is texts for names.
func (x *aar) names(n store.Names) string {
	return x.texts(store.Texts{Text: n.Name, TextZh: n.NameZh, TextEn: n.NameEn})
}

// drillNames returns the drill's name in the report's language and in
// the other ("" when the same or unknown).
func (x *aar) drillNames() (string, string) {
	n := x.a.Run.Names
	if n == (store.Names{}) {
		n = x.a.Scenario.Names
	}
	main := x.names(n)
	other := n.NameEn
	if !x.zh {
		other = n.NameZh
	}
	other = x.s(other)
	if main == "" {
		main = x.s(x.a.Scenario.Code)
	}
	if main == "" {
		main = x.t("演练", "Drill")
	}
	if other == main {
		other = ""
	}
	return main, other
}

// wall formats a wall-clock time in the run's zone.
func (x *aar) wall(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(x.loc).Format("15:04:05")
}

// day formats a date.
func (x *aar) day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(x.loc).Format("2006-01-02")
}

// mmss formats a duration as mm:ss (minutes past 59 as they are).
func mmss(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	s := int64(math.Round(d.Seconds()))
	return fmt.Sprintf("%s%02d:%02d", sign, s/60, s%60)
}

// offset formats a scenario time: t+mm:ss.
func offset(d time.Duration) string { return "t+" + mmss(d) }

var stepNames = map[string][2]string{
	ChainReceived:     {"接警", "Received"},
	ChainOpened:       {"首次查看", "Opened"},
	ChainAcknowledged: {"确认", "Acknowledged"},
	ChainAssigned:     {"派遣", "Assigned"},
	ChainMoving:       {"出动", "Moving"},
	ChainOnScene:      {"到场", "On scene"},
	ChainJoint:        {"协同处置", "Joint action"},
	ChainResolved:     {"处置完毕", "Resolved"},
}

// stepHeads are the shorter names of the steps in the chain table's
// narrow columns.
var stepHeads = map[string][2]string{
	ChainAcknowledged: {"确认", "Ack."},
	ChainJoint:        {"协同", "Joint"},
	ChainResolved:     {"处置完毕", "Resolved"},
}

// stepHead names a step in a column header.
func (x *aar) stepHead(s string) string {
	if n, ok := stepHeads[s]; ok {
		return x.t(n[0], n[1])
	}
	return x.step(s)
}

// step names a step of the chain.
func (x *aar) step(s string) string {
	if n, ok := stepNames[s]; ok {
		return x.t(n[0], n[1])
	}
	return x.s(strings.ReplaceAll(s, "_", " "))
}

// norm names the response norm.
func (x *aar) norm() string {
	n := x.a.Norm
	if n == "" {
		n = x.a.Scenario.Norm
	}
	switch strings.ToLower(n) {
	case "", store.NormMFS135:
		return x.t("微型消防站“1-3-5”", "micro fire station 1-3-5")
	case store.NormNFPA1710, "nfpa 1710":
		return "NFPA 1710"
	}
	return x.s(n)
}

// Ratings (HSEEP) with their names and meaning.
var ratingText = map[string][4]string{
	store.RatingP: {"无挑战完成", "Performed without challenges",
		"目标的关键任务已完成并达到目标，未对其他活动产生不利影响，未带来额外的健康与安全风险，符合预案、规程与标准。",
		"The critical tasks were completed in a manner that achieved the objective, did not harm other activities or add health and safety risks, and were in line with plans, procedures and the norm."},
	store.RatingS: {"有一定挑战", "Performed with some challenges",
		"目标已达到，关键任务完成方式未对其他活动产生不利影响，但部分环节的效果或效率不足，存在改进空间。",
		"The objective was achieved without harm to other activities, but some tasks were not done effectively or efficiently: there are opportunities to improve."},
	store.RatingM: {"有重大挑战", "Performed with major challenges",
		"目标仅部分达到，或关键任务的完成方式对其他活动产生不利影响、带来额外风险，或不符合预案与标准。",
		"The objective was achieved only in part, or the tasks harmed other activities, added health and safety risks, or were not in line with plans, procedures and the norm."},
	store.RatingU: {"未能完成", "Unable to be performed",
		"目标的关键任务未能以达到目标的方式完成。",
		"The critical tasks were not performed in a manner that achieved the objective."},
}

var ratingFill = map[string][3]int{
	store.RatingP: {0xc9, 0xe8, 0xc4},
	store.RatingS: {0xfb, 0xee, 0xb8},
	store.RatingM: {0xfc, 0xd5, 0xb0},
	store.RatingU: {0xf5, 0xc1, 0xbb},
}

var (
	fillMet    = [3]int{0xd9, 0xef, 0xdb}
	fillNotMet = [3]int{0xf8, 0xd4, 0xcf}
	inkMet     = [3]int{0x1e, 0x7b, 0x34}
	inkExer    = [3]int{0xc0, 0x1f, 0x1f}
)

// ratingCell is a rating for a table: its letter and, beneath, its name.
func (x *aar) ratingCell(r string) cell {
	n, ok := ratingText[strings.ToUpper(r)]
	if !ok {
		if r == "" {
			return cell{text: "—", sub: []string{x.t("未评定", "not rated")}}
		}
		return cell{text: x.s(r)}
	}
	f := ratingFill[strings.ToUpper(r)]
	return cell{text: strings.ToUpper(r), sub: []string{x.t(n[0], n[1])}, bold: true, fill: &f}
}

// newPage starts a page with the running header.
func (x *aar) newPage() {
	d := x.d
	d.pdf.AddPage()
	d.font(7.5, false, inkGrey)
	d.text(marginX, 13, d.fit(x.title+" · "+x.t("演练评估报告", "After-Action Report"), contentW-60))
	mark := x.t("演练 EXERCISE", "EXERCISE · 演练")
	if !d.fonts.CJK {
		mark = "EXERCISE"
	}
	ds := x.date.In(x.loc).Format("2006-01-02")
	d.text(pageW-marginX-d.width(ds), 13, ds)
	d.font(7.5, true, inkExer)
	d.text(pageW-marginX-d.width(ds)-4-d.width(mark), 13, mark)
	x.cov.hline(marginX, pageW-marginX, 15.5, lineRule, 0.3)
	x.y = topY
}

// need starts a new page unless h millimetres are left on this one.
func (x *aar) need(h float64) {
	if x.y+h > bottomY {
		x.newPage()
	}
}

// heading writes a section heading, keeping room for what follows.
func (x *aar) heading(s string, keep float64) {
	x.need(14 + keep)
	if x.y > topY {
		x.y += 4
	}
	d := x.d
	d.pdf.Bookmark(s, 0, x.y)
	x.cov.rect(marginX, x.y+0.6, 1.4, 6, inkAccent)
	d.font(13, true, inkNavy)
	d.text(marginX+4, x.y+5.4, s)
	x.y += 10
}

// subheading writes a heading within a section.
func (x *aar) subheading(s string, keep float64) {
	x.need(9 + keep)
	x.y += 1.5
	d := x.d
	d.pdf.Bookmark(s, 1, x.y)
	d.font(10.5, true, inkNavy)
	d.text(marginX, x.y+3.8, s)
	x.y += 7
}

// para writes a wrapped paragraph.
func (x *aar) para(s string, size float64, c [3]int) {
	if s == "" {
		return
	}
	d := x.d
	d.font(size, false, c)
	for _, l := range d.wrap(s, contentW) {
		x.need(d.lineHeight())
		d.text(marginX, x.y+d.capHeight()+0.6, l)
		x.y += d.lineHeight()
	}
	x.y += 1.5
}

// footers write the exercise marking and "page n of N" on every page.
func (x *aar) footers() {
	d := x.d
	n := d.pdf.PageCount()
	for i := 1; i <= n; i++ {
		d.pdf.SetPage(i)
		x.cov.hline(marginX, pageW-marginX, 286, lineRule, 0.3)
		d.font(7, false, inkGrey)
		left := "SafetyNet"
		if c := x.s(x.a.Community); c != "" {
			left += " · " + c
		}
		d.text(marginX, 290.5, d.fit(left, 70))
		s := fmt.Sprintf("page %d of %d", i, n)
		if x.zh {
			s = fmt.Sprintf("第 %d / %d 页", i, n)
		}
		d.text(pageW-marginX-d.width(s), 290.5, s)
		mark := x.t("演练 · EXERCISE · 演练", "EXERCISE · EXERCISE · EXERCISE")
		d.font(7, true, inkExer)
		d.text((pageW-d.width(mark))/2, 290.5, mark)
	}
}

// titlePage writes the first page: the exercise marking, the drill's
// names and what it was, key figures and the contents.
func (x *aar) titlePage() {
	d, a := x.d, x.a
	d.pdf.AddPage()
	x.cov.rect(0, 0, pageW, 62, inkNavy)
	x.cov.rect(0, 62, pageW, 1.2, inkAccent)
	// The exercise marking.
	mark := x.t("演练 / EXERCISE", "EXERCISE / 演练")
	if !d.fonts.CJK {
		mark = "EXERCISE"
	}
	d.font(11, true, inkWhite)
	mw := d.width(mark) + 8
	x.cov.rect(pageW-marginX-mw, 8, mw, 8, inkExer)
	d.text(pageW-marginX-mw+4, 13.6, mark)
	d.font(8, false, [3]int{0xb8, 0xc7, 0xe0})
	d.text(marginX, 13.6, "SAFETYNET · "+x.t("演练评估报告", "AFTER-ACTION REPORT / IMPROVEMENT PLAN"))
	y := 28.0
	d.font(22, true, inkWhite)
	for i, l := range d.wrap(x.title, contentW) {
		if i == 2 {
			break
		}
		d.text(marginX, y, l)
		y += 9
	}
	if x.nameOther != "" && x.title == x.name {
		d.font(12, false, [3]int{0xdc, 0xe3, 0xee})
		d.text(marginX, y, d.fit(x.nameOther, contentW))
		y += 7
	}
	d.font(9.5, false, [3]int{0xdc, 0xe3, 0xee})
	sub := x.t("依据 AQ/T 9009-2015《生产安全事故应急演练评估规范》", "After HSEEP: exercise overview, analysis of objectives, improvement plan")
	d.text(marginX, math.Min(y+1, 57), sub)

	// What the drill was.
	x.y = 72
	start, end := a.Run.Started, a.Run.Ended
	when := x.day(start)
	if !start.IsZero() {
		when += " " + start.In(x.loc).Format("15:04")
		if !end.IsZero() {
			when += "–" + end.In(x.loc).Format("15:04") + fmt.Sprintf(" (%s %s)", x.t("历时", "duration"), durText(end.Sub(start)))
		}
		if name, _ := start.In(x.loc).Zone(); name != "" {
			when += " " + name
		}
	}
	scen := x.s(a.Scenario.Code)
	if n := x.names(a.Scenario.Names); n != "" {
		scen = strings.TrimSpace(scen + " " + n)
	}
	rows := [][2]string{
		{x.t("演练日期", "Exercise date"), when},
		{x.t("社区", "Community"), x.s(a.Community)},
		{x.t("演练范围", "Scope"), x.s(a.Run.Scope)},
		{x.t("演练情景", "Scenario"), scen},
		{x.t("响应标准", "Response norm"), x.norm()},
		{x.t("演练编号", "Drill ID"), x.s(a.Run.ID)},
	}
	for _, r := range rows {
		if r[1] == "" {
			r[1] = "—"
		}
		d.font(8.5, true, inkGrey)
		d.text(marginX, x.y+3, r[0])
		d.font(10, false, inkText)
		ls := d.wrap(r[1], contentW-34)
		for i, l := range ls[:min(len(ls), 3)] {
			d.text(marginX+34, x.y+3+float64(i)*d.lineHeight(), l)
		}
		x.y += float64(min(len(ls), 3))*d.lineHeight() + 2.2
	}
	x.y += 4

	// Key figures.
	sent, planned := x.injectCounts()
	met, limited := x.stepsMet()
	rated := map[string]int{}
	for _, r := range a.Run.Ratings {
		rt := r.Rating
		if rt == "" {
			rt = r.Proposed
		}
		rated[strings.ToUpper(rt)]++
	}
	open := 0
	for _, c := range a.Run.Corrective {
		if c.Status != "done" {
			open++
		}
	}
	tiles := []struct {
		value, label string
		alert        bool
	}{
		{fmt.Sprintf("%d / %d", sent, planned), x.t("已发送注入 / 计划注入", "injects sent / planned"), sent < planned},
		{fmt.Sprintf("%d", len(a.Chains)), x.t("警情响应链", "alarms answered"), false},
		{pctOf(met, limited), x.t("环节达标", "steps within the norm") + fmt.Sprintf(" (%d / %d)", met, limited), met < limited},
		{fmt.Sprintf("%d·%d·%d·%d", rated["P"], rated["S"], rated["M"], rated["U"]), x.t("目标评级 P·S·M·U", "objectives rated P·S·M·U"), rated["M"]+rated["U"] > 0},
		{fmt.Sprintf("%d", len(a.Run.Corrective)), x.t("整改措施", "corrective actions") + fmt.Sprintf(" · %d %s", open, x.t("未完成", "open")), open > 0},
	}
	const gap = 2.4
	tw := (contentW - gap*float64(len(tiles)-1)) / float64(len(tiles))
	for i, t := range tiles {
		tx := marginX + float64(i)*(tw+gap)
		x.cov.rect(tx, x.y, tw, 20, bgZebra)
		accent := inkAccent
		if t.alert {
			accent = inkRed
		}
		x.cov.rect(tx, x.y, tw, 0.9, accent)
		d.font(15, true, inkText)
		d.text(tx+2.5, x.y+8.6, d.fit(t.value, tw-4))
		d.font(6.8, false, inkGrey)
		ls := d.wrap(t.label, tw-4)
		for k, l := range ls[:min(len(ls), 3)] {
			d.text(tx+2.5, x.y+13+float64(k)*2.8, l)
		}
	}
	x.y += 28

	// Contents.
	d.font(10.5, true, inkNavy)
	d.text(marginX, x.y+3.5, x.t("目录", "Contents"))
	x.y += 8
	var toc []string
	if x.zh {
		toc = []string{"一、演练概况", "二、评估准备：目标、标准与情景", "三、演练实施：时间线、响应链与达标统计", "四、现场点评：做得好的方面与待改进的方面",
			"五、自评：依据演练记录的建议评级", "六、评估：评估组评级与结论", "七、整改措施", "附图：各警情处置轨迹"}
	} else {
		toc = []string{"1. Exercise overview", "2. Analysis of objectives: ratings, strengths, areas for improvement", "3. Exercise timeline",
			"4. Response times against the norm", "Appendix A: Improvement plan", "Appendix B: Response maps"}
	}
	d.font(9, false, inkText)
	for _, s := range toc {
		d.text(marginX+4, x.y+3, s)
		x.y += 5.2
	}
	x.y += 4
	x.para(x.t("本报告为应急演练评估报告，文中所有警情、注入与处置均为演练内容，不是真实事件。",
		"This report is about an exercise: every alarm, inject and action in it was part of the exercise, not a real event."), 8, inkExer)
}

// durText formats a duration as "1 h 05 min" or "12 min".
func durText(d time.Duration) string {
	m := int(math.Round(d.Minutes()))
	if m < 0 {
		m = 0
	}
	if m >= 60 {
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
	return fmt.Sprintf("%d min", m)
}

func pctOf(n, of int) string {
	if of == 0 {
		return "—"
	}
	return num(100*float64(n)/float64(of), 0) + " %"
}

// injectCounts counts the scenario's injects that were sent and all of
// them.
func (x *aar) injectCounts() (sent, planned int) {
	seen := map[string]bool{}
	for _, e := range x.a.Timeline {
		if (e.Kind == TimelineInject || e.Kind == TimelineContingency) && e.Inject != "" {
			seen[e.Inject] = true
		}
	}
	for _, in := range x.a.Scenario.Injects {
		if seen[in.Number] {
			sent++
		}
	}
	return sent, len(x.a.Scenario.Injects)
}

// stepsMet counts the chains' steps with a limit, and those met.
func (x *aar) stepsMet() (met, limited int) {
	for _, c := range x.a.Chains {
		for _, s := range c.Steps {
			if s.Limit > 0 {
				limited++
				if s.Met {
					met++
				}
			}
		}
	}
	return met, limited
}

// objectiveSteps counts, per objective code, the limited steps of the
// chains raised by its injects, and those met.
func (x *aar) objectiveSteps() map[string][2]int {
	obj := map[string]string{}
	for _, in := range x.a.Scenario.Injects {
		obj[in.Number] = in.Objective
	}
	out := map[string][2]int{}
	for _, c := range x.a.Chains {
		o := obj[c.Inject]
		if o == "" {
			continue
		}
		v := out[o]
		for _, s := range c.Steps {
			if s.Limit > 0 {
				v[1]++
				if s.Met {
					v[0]++
				}
			}
		}
		out[o] = v
	}
	return out
}

// inject returns the scenario's inject of that number.
func (x *aar) inject(n string) (store.Inject, bool) {
	for _, in := range x.a.Scenario.Injects {
		if in.Number == n {
			return in, true
		}
	}
	return store.Inject{}, false
}

// sectionsZh writes the sections of AQ/T 9009-2015 before the maps.
func (x *aar) sectionsZh() {
	x.newPage()
	x.heading("一、演练概况", 30)
	x.overview()

	x.heading("二、评估准备", 30)
	x.para("评估依据 AQ/T 9009-2015《生产安全事故应急演练评估规范》。响应时间按"+x.norm()+"评定；各注入的预期处置及时限见演练脚本（MSEL）。", 8, inkText)
	x.subheading("2.1 演练目标与评估标准", 20)
	x.objectiveTable(false)
	x.subheading("2.2 演练情景", 12)
	x.para(x.texts(x.a.Scenario.Description), 8.5, inkText)
	x.injectPlan()
	x.subheading("2.4 评级说明", 20)
	x.ratingLegend()

	x.heading("三、演练实施", 30)
	x.subheading("3.1 演练时间线", 20)
	x.timeline()
	x.subheading("3.2 响应链", 20)
	x.chainTable()
	x.subheading("3.3 达标统计", 20)
	x.normTable()

	x.heading("四、现场点评", 30)
	x.subheading("4.1 做得好的方面", 15)
	x.observations(x.a.Strengths)
	x.subheading("4.2 待改进的方面", 15)
	x.observations(x.a.Improvements)

	x.heading("五、自评", 30)
	x.para("依据演练记录中预期处置的完成情况，系统对各目标提出建议评级，供参演单位自评时参考。", 8, inkText)
	x.selfTable()

	x.heading("六、评估", 30)
	x.para("评估组在建议评级和现场点评的基础上确定各目标的评级（P、S、M、U 见 2.4）。", 8, inkText)
	x.objectiveTable(true)
	x.conclusion()
}

// sectionsEn writes the sections of an HSEEP AAR before the maps.
func (x *aar) sectionsEn() {
	x.newPage()
	x.heading("1. Exercise overview", 30)
	x.overview()
	x.subheading("Objectives", 20)
	x.objectiveTable(false)
	x.subheading("Scenario", 12)
	x.para(x.texts(x.a.Scenario.Description), 8.5, inkText)
	x.injectPlan()

	x.heading("2. Analysis of objectives", 30)
	x.para("Each objective is rated P, S, M or U (below). The proposed rating follows from the expected actions met in the drill's record; the evaluator's is the evaluation team's.", 8, inkText)
	x.ratingLegend()
	x.objectiveTable(true)
	x.conclusion()
	x.subheading("Strengths", 15)
	x.observations(x.a.Strengths)
	x.subheading("Areas for improvement", 15)
	x.observations(x.a.Improvements)

	x.heading("3. Exercise timeline", 30)
	x.timeline()

	x.heading("4. Response times against the norm", 30)
	x.subheading("Response chain of every alarm", 20)
	x.chainTable()
	x.subheading("Summary against the norm", 20)
	x.normTable()
}

// overview writes the key facts of the run as a two-column table.
func (x *aar) overview() {
	a := x.a
	sep := ", "
	if x.zh {
		sep = "、"
	}
	var ps []string
	for _, p := range a.Run.Participants {
		if p = x.s(p); p != "" {
			ps = append(ps, p)
		}
	}
	var objs []string
	for _, o := range a.Scenario.Objectives {
		objs = append(objs, strings.TrimSpace(x.s(o.Code)+" "+x.texts(o.Text)))
	}
	when := "—"
	if !a.Run.Started.IsZero() {
		when = a.Run.Started.In(x.loc).Format("2006-01-02 15:04:05")
		if !a.Run.Ended.IsZero() {
			when += " – " + a.Run.Ended.In(x.loc).Format("15:04:05")
		}
	}
	rows := [][2]string{
		{x.t("演练名称", "Exercise name"), strings.TrimSpace(x.name + "  " + x.nameOther)},
		{x.t("演练时间", "Exercise dates"), when},
		{x.t("社区", "Community"), x.s(a.Community)},
		{x.t("演练范围", "Scope"), x.s(a.Run.Scope)},
		{x.t("演练情景", "Scenario"), strings.TrimSpace(x.s(a.Scenario.Code) + " " + x.names(a.Scenario.Names))},
		{x.t("演练预案 / 风险", "Plan or hazard exercised"), x.s(a.Scenario.Exercises)},
		{x.t("响应标准", "Response norm"), x.norm()},
		{x.t("演练目标", "Objectives"), strings.Join(objs, "\n")},
		{x.t("参演人员与单位", "Participants"), strings.Join(ps, sep)},
	}
	cols := []column{{x.t("项目", "Item"), 38, "L"}, {x.t("内容", "Details"), contentW - 38, "L"}}
	var cells [][]cell
	for _, r := range rows {
		v := r[1]
		if strings.TrimSpace(v) == "" {
			v = "—"
		}
		cells = append(cells, []cell{{text: r[0], bold: true}, {text: v}})
	}
	x.table(cols, cells)
}

// objectiveTable lists the objectives; with ratings, the proposed and the
// evaluator's rating and the evaluator's note.
func (x *aar) objectiveTable(ratings bool) {
	a := x.a
	if len(a.Scenario.Objectives) == 0 && len(a.Run.Ratings) == 0 {
		x.para(x.t("情景未设定演练目标。", "The scenario has no objectives."), 8.5, inkText)
		return
	}
	byObj := map[string]store.Rating{}
	for _, r := range a.Run.Ratings {
		byObj[r.Objective] = r
	}
	injects := map[string][]string{}
	for _, in := range a.Scenario.Injects {
		if in.Objective != "" {
			injects[in.Objective] = append(injects[in.Objective], in.Number)
		}
	}
	objs := slices.Clone(a.Scenario.Objectives)
	for _, r := range a.Run.Ratings { // ratings of objectives the scenario lacks
		if !slices.ContainsFunc(objs, func(o store.Objective) bool { return o.Code == r.Objective }) {
			objs = append(objs, store.Objective{Code: r.Objective})
		}
	}
	var cols []column
	var rows [][]cell
	if !ratings {
		cols = []column{{x.t("编号", "Code"), 14, "L"}, {x.t("目标", "Objective"), 110, "L"}, {x.t("能力 / 职能", "Capability"), 30, "L"}, {x.t("相关注入", "Injects"), 26, "L"}}
		for _, o := range objs {
			rows = append(rows, []cell{{text: x.s(o.Code), bold: true}, {text: x.texts(o.Text)}, {text: x.s(o.Capability)}, {text: strings.Join(injects[o.Code], ", ")}})
		}
	} else {
		steps := x.objectiveSteps()
		cols = []column{{x.t("编号", "Code"), 14, "L"}, {x.t("目标", "Objective"), 66, "L"}, {x.t("环节达标", "Steps met"), 16, "R"},
			{x.t("建议评级", "Proposed"), 22, "L"}, {x.t("评估评级", "Evaluator"), 22, "L"}, {x.t("评估意见", "Evaluator's note"), 40, "L"}}
		for _, o := range objs {
			r := byObj[o.Code]
			st := "—"
			if v, ok := steps[o.Code]; ok && v[1] > 0 {
				st = fmt.Sprintf("%d / %d", v[0], v[1])
			}
			rows = append(rows, []cell{{text: x.s(o.Code), bold: true}, {text: x.texts(o.Text), sub: []string{x.s(o.Capability)}}, {text: st},
				x.ratingCell(r.Proposed), x.ratingCell(r.Rating), {text: x.s(r.Note)}})
		}
	}
	x.table(cols, rows)
}

// selfTable lists, per objective, its expectations met and the proposed
// rating.
func (x *aar) selfTable() {
	a := x.a
	byObj := map[string]store.Rating{}
	for _, r := range a.Run.Ratings {
		byObj[r.Objective] = r
	}
	steps := x.objectiveSteps()
	cols := []column{{"编号", 14, "L"}, {"目标", 100, "L"}, {"达标环节", 20, "R"}, {"达标率", 18, "R"}, {"建议评级", 28, "L"}}
	var rows [][]cell
	for _, o := range a.Scenario.Objectives {
		v := steps[o.Code]
		st, share := "—", "—"
		if v[1] > 0 {
			st, share = fmt.Sprintf("%d / %d", v[0], v[1]), pctOf(v[0], v[1])
		}
		rows = append(rows, []cell{{text: x.s(o.Code), bold: true}, {text: x.texts(o.Text)}, {text: st}, {text: share}, x.ratingCell(byObj[o.Code].Proposed)})
	}
	if len(rows) == 0 {
		x.para("情景未设定演练目标。", 8.5, inkText)
		return
	}
	x.table(cols, rows)
}

// conclusion sums the evaluator's ratings up.
func (x *aar) conclusion() {
	n := map[string]int{}
	unrated := 0
	for _, r := range x.a.Run.Ratings {
		switch rt := strings.ToUpper(r.Rating); rt {
		case "P", "S", "M", "U":
			n[rt]++
		default:
			unrated++
		}
	}
	s := x.t(fmt.Sprintf("评估结论：%d 个目标无挑战完成（P），%d 个有一定挑战（S），%d 个有重大挑战（M），%d 个未能完成（U）", n["P"], n["S"], n["M"], n["U"]),
		fmt.Sprintf("Overall, of %d objectives rated: %d performed without challenges (P), %d with some challenges (S), %d with major challenges (M), %d unable to be performed (U)", n["P"]+n["S"]+n["M"]+n["U"], n["P"], n["S"], n["M"], n["U"]))
	if unrated > 0 {
		s += x.t(fmt.Sprintf("；%d 个尚未评定", unrated), fmt.Sprintf("; %d not rated yet", unrated))
	}
	x.para(s+x.t("。", "."), 8.5, inkText)
}

// ratingLegend explains P, S, M and U.
func (x *aar) ratingLegend() {
	cols := []column{{x.t("评级", "Rating"), 40, "L"}, {x.t("含义（HSEEP）", "Meaning (HSEEP)"), contentW - 40, "L"}}
	var rows [][]cell
	for _, r := range []string{"P", "S", "M", "U"} {
		t := ratingText[r]
		f := ratingFill[r]
		rows = append(rows, []cell{{text: r + " · " + x.t(t[0], t[1]), bold: true, fill: &f}, {text: x.t(t[2], t[3])}})
	}
	x.table(cols, rows)
}

// injectPlan lists the scenario's injects as planned: number, time,
// title and the expected action.
func (x *aar) injectPlan() {
	a := x.a
	if len(a.Scenario.Injects) == 0 {
		return
	}
	x.subheading(x.t("2.3 演练脚本（注入）", "Master scenario events list"), 20)
	cols := []column{{"#", 10, "L"}, {x.t("时间", "Time"), 16, "L"}, {x.t("注入", "Inject"), 55, "L"}, {x.t("发往", "To"), 18, "L"},
		{x.t("预期处置", "Expected action"), 69, "L"}, {x.t("目标", "Obj."), 12, "L"}}
	var rows [][]cell
	for _, in := range a.Scenario.Injects {
		at := x.t("指令触发", "on cue")
		if in.Timed {
			at = offset(in.Offset)
		}
		var sub []string
		if k := x.injectKind(in); k != "" {
			sub = append(sub, k)
		}
		rows = append(rows, []cell{{text: x.s(in.Number), bold: true}, {text: at}, {text: x.texts(in.Title), sub: sub},
			{text: x.s(in.To)}, {text: x.texts(in.ExpectedAction), sub: []string{x.expect(in.Expect)}}, {text: x.s(in.Objective)}})
	}
	x.table(cols, rows)
}

// expect lists an inject's expected deadlines: "ack ≤ 01:00 · ...".
func (x *aar) expect(e store.Expect) string {
	var parts []string
	for _, d := range []struct {
		step string
		d    time.Duration
	}{{ChainAcknowledged, e.AckWithin}, {ChainAssigned, e.AssignWithin}, {ChainOnScene, e.OnSceneWithin}, {ChainResolved, e.ResolveWithin}} {
		if d.d > 0 {
			parts = append(parts, x.step(d.step)+"\u00a0≤\u00a0"+mmss(d.d)) // no break inside
		}
	}
	return strings.Join(parts, " · ")
}

// injectKind describes an inject's kind and type.
func (x *aar) injectKind(in store.Inject) string {
	var parts []string
	switch in.Kind {
	case store.InjectContingent:
		k := x.t("应急注入", "contingency")
		if c := in.Condition; c != nil {
			k += x.t(fmt.Sprintf("：注入 %s 在 %s 内未%s", c.After, mmss(c.Within), condStep(c.Missing, true)),
				fmt.Sprintf(": inject %s not %s within %s", c.After, condStep(c.Missing, false), mmss(c.Within)))
		}
		parts = append(parts, k)
	case store.InjectContextual:
		parts = append(parts, x.t("背景注入", "contextual"))
	}
	if in.Type != "" {
		parts = append(parts, x.s(in.Type))
	}
	return strings.Join(parts, " · ")
}

func condStep(s string, zh bool) string {
	m := map[string][2]string{store.StepAck: {"确认", "acknowledged"}, store.StepAssign: {"派遣", "assigned"},
		store.StepOnScene: {"到场", "on scene"}, store.StepResolve: {"处置完毕", "resolved"}}
	if n, ok := m[s]; ok {
		if zh {
			return n[0]
		}
		return n[1]
	}
	return s
}

// kindUnsent marks, within the timeline, an inject never sent.
const kindUnsent = "\x00unsent"

var timelineKinds = map[string]struct {
	zh, en string
	ink    [3]int
}{
	TimelineInject:      {"注入", "Inject", inkAccent},
	TimelineContingency: {"应急注入", "Contingency", [3]int{0xc0, 0x60, 0x00}},
	TimelineAction:      {"处置", "Action", inkMet},
	TimelineObservation: {"观察", "Observation", inkGrey},
	kindUnsent:          {"未发送", "Not sent", inkRed},
}

// timeline lists the timeline, and after it the injects never sent.
func (x *aar) timeline() {
	a := x.a
	es := slices.Clone(a.Timeline)
	slices.SortStableFunc(es, func(p, q TimelineEntry) int {
		switch {
		case p.Offset < q.Offset:
			return -1
		case p.Offset > q.Offset:
			return 1
		}
		return 0
	})
	sent := map[string]bool{}
	for _, e := range es {
		if e.Kind == TimelineInject || e.Kind == TimelineContingency {
			sent[e.Inject] = true
		}
	}
	cols := []column{{x.t("演练时间", "Scenario"), 17, "L"}, {x.t("时刻", "Clock"), 16, "L"}, {x.t("类型", "Kind"), 19, "L"},
		{x.t("注入", "Inject"), 12, "L"}, {x.t("执行者", "Who"), 28, "L"}, {x.t("内容", "What happened"), contentW - 92, "L"}}
	var rows [][]cell
	add := func(e TimelineEntry, kind string) {
		k, ok := timelineKinds[kind]
		if !ok {
			k = timelineKinds[TimelineObservation]
			k.zh, k.en = x.s(kind), x.s(kind)
		}
		ink := k.ink
		text, sub := x.s(e.Text), []string(nil)
		if in, ok := x.inject(e.Inject); ok && (kind == TimelineInject || kind == TimelineContingency || kind == kindUnsent) {
			title := x.texts(in.Title)
			if title != "" {
				if text != "" && text != title {
					sub = []string{text}
				}
				text = title
			}
		}
		if text == "" {
			text = "—"
		}
		main := cell{text: text, sub: sub}
		if kind == TimelineInject || kind == TimelineContingency || kind == kindUnsent {
			main.bold = true
		}
		wall := x.wall(e.At)
		off := offset(e.Offset)
		if kind == kindUnsent {
			wall = "—"
			if in, _ := x.inject(e.Inject); !in.Timed {
				off = x.t("指令触发", "on cue")
			}
		}
		rows = append(rows, []cell{{text: off}, {text: wall}, {text: x.t(k.zh, k.en), ink: &ink, bold: true},
			{text: x.s(e.Inject), bold: true}, {text: x.s(e.Who)}, main})
	}
	// Injects never sent go in at their planned time, those without one
	// last.
	var unsent, untimed []TimelineEntry
	for _, in := range a.Scenario.Injects {
		if !sent[in.Number] {
			e := TimelineEntry{Offset: in.Offset, Inject: in.Number, Kind: kindUnsent}
			if in.Timed {
				unsent = append(unsent, e)
			} else {
				untimed = append(untimed, e)
			}
		}
	}
	for _, u := range unsent {
		i, _ := slices.BinarySearchFunc(es, u.Offset, func(e TimelineEntry, d time.Duration) int {
			if e.Offset <= d {
				return -1
			}
			return 1
		})
		es = slices.Insert(es, i, u)
	}
	for _, e := range append(es, untimed...) {
		add(e, e.Kind)
	}
	if len(rows) == 0 {
		x.para(x.t("没有记录。", "Nothing was recorded."), 8.5, inkText)
		return
	}
	x.table(cols, rows)
}

// chainSteps returns the steps the chains have after reception, in
// chain order, unknown ones last.
func (x *aar) chainSteps() []string {
	have := map[string]bool{}
	var extra []string
	for _, c := range x.a.Chains {
		for _, s := range c.Steps {
			if !have[s.Step] {
				have[s.Step] = true
				if _, ok := stepNames[s.Step]; !ok {
					extra = append(extra, s.Step)
				}
			}
		}
	}
	var out []string
	for _, s := range ChainSteps[1:] {
		if have[s] {
			out = append(out, s)
		}
	}
	return append(out, extra...)
}

// chainTable lists every alarm's response chain: the time of each step
// after reception, green within the norm's limit, red beyond it.
func (x *aar) chainTable() {
	a := x.a
	if len(a.Chains) == 0 {
		x.para(x.t("没有警情。", "No alarms were answered."), 8.5, inkText)
		return
	}
	steps := x.chainSteps()
	// Step columns as wide as their titles, 14.5 mm at least, 100 mm
	// in all at most.
	ws := make([]float64, len(steps))
	sum := 0.0
	x.d.font(tableSize-0.6, true, inkText)
	for i, s := range steps {
		ws[i] = math.Max(14.5, x.d.width(x.stepHead(s))+2*padX+0.4)
		sum += ws[i]
	}
	if sum > 100 {
		for i := range ws {
			ws[i] *= 100 / sum
		}
		sum = 100
	}
	cols := []column{{"#", 6, "L"}, {x.t("警情", "Alarm"), contentW - 43 - sum, "L"}, {x.t("队伍 / 单位", "Team / unit"), 23, "L"}, {x.t("接警", "Received"), 14, "L"}}
	for i, s := range steps {
		cols = append(cols, column{x.stepHead(s), ws[i], "R"})
	}
	var rows [][]cell
	for i, c := range a.Chains {
		var sub []string
		if c.Inject != "" {
			sub = append(sub, x.t("注入 ", "inject ")+x.s(c.Inject))
		}
		if c.Type != "" {
			sub = append(sub, x.s(c.Type))
		}
		subject := x.s(c.Subject)
		if subject == "" {
			subject = "—"
		}
		row := []cell{{text: fmt.Sprint(i + 1)}, {text: subject, bold: true, sub: []string{strings.Join(sub, " · ")}},
			{text: x.s(c.Team), sub: []string{x.s(c.Unit)}}, {text: x.wall(c.Received)}}
		for _, s := range steps {
			k := slices.IndexFunc(c.Steps, func(t StepTime) bool { return t.Step == s })
			if k < 0 {
				row = append(row, cell{text: "—"})
				continue
			}
			st := c.Steps[k]
			ce := cell{text: "—"}
			if st.Done {
				ce.text = mmss(st.After)
			}
			if st.Limit > 0 {
				mark := "✓"
				f := fillMet
				if !st.Met {
					mark, f = "✗", fillNotMet
					ce.ink = &inkRed
					ce.bold = true
				}
				ce.fill = &f
				ce.sub = []string{"≤ " + mmss(st.Limit) + " " + mark}
			}
			row = append(row, ce)
		}
		rows = append(rows, row)
	}
	x.table(cols, rows)
	x.para(x.t("时间为自接警起的 分:秒。绿色：在标准时限内；红色：超时或未完成；“—”：该环节未发生或不适用。",
		"Times are mm:ss from the alarm's reception. Green: within the norm's limit (≤); red: beyond it or not done; —: not reached or not applicable."), 7, inkGrey)
}

// normTable writes the norm's verdict per step.
func (x *aar) normTable() {
	a := x.a
	x.para(x.t("响应标准：", "Norm: ")+x.norm(), 8, inkText)
	if len(a.Summary) == 0 {
		x.para(x.t("没有统计。", "No summary."), 8.5, inkText)
		return
	}
	cols := []column{{x.t("环节", "Step"), 40, "L"}, {x.t("时限", "Limit"), 22, "R"}, {x.t("百分位", "Percentile"), 22, "R"},
		{x.t("实测值", "Time at it"), 24, "R"}, {x.t("次数", "Chains"), 18, "R"}, {x.t("达标", "Within"), 26, "R"}, {x.t("结论", "Verdict"), 28, "C"}}
	var rows [][]cell
	for _, s := range a.Summary {
		v := cell{text: x.t("达标", "pass"), bold: true, ink: &inkMet, fill: &fillMet}
		if !s.Pass {
			v = cell{text: x.t("未达标", "fail"), bold: true, ink: &inkRed, fill: &fillNotMet}
		}
		value := "—"
		if s.N > 0 {
			value = mmss(s.Value)
		}
		rows = append(rows, []cell{{text: x.step(s.Step), bold: true}, {text: "≤ " + mmss(s.Limit)}, {text: "P" + num(s.Percentile, 0)},
			{text: value, bold: true}, {text: fmt.Sprint(s.N)}, {text: fmt.Sprintf("%d (%s)", s.Met, pctOf(s.Met, s.N))}, v})
	}
	x.table(cols, rows)
}

// observations lists evaluators' observations.
func (x *aar) observations(os []Observation) {
	if len(os) == 0 {
		x.para(x.t("无。", "None recorded."), 8.5, inkText)
		return
	}
	cols := []column{{x.t("时刻", "Time"), 16, "L"}, {x.t("评估员", "Evaluator"), 28, "L"}, {x.t("目标", "Objective"), 16, "L"}, {x.t("观察记录", "Observation"), contentW - 60, "L"}}
	var rows [][]cell
	for _, o := range os {
		rows = append(rows, []cell{{text: x.wall(o.At)}, {text: x.s(o.Evaluator)}, {text: x.s(o.Objective), bold: true}, {text: x.s(o.Text)}})
	}
	x.table(cols, rows)
}

var statusNames = map[string][2]string{"open": {"未开始", "open"}, "in_progress": {"进行中", "in progress"}, "done": {"已完成", "done"}}

// correctiveSection writes the improvement plan.
func (x *aar) correctiveSection(zh, en string) {
	x.newPage()
	x.heading(x.t(zh, en), 30)
	x.para(x.t("整改措施逐条明确责任人和完成期限，并在下次演练前复查。", "Each corrective action has an owner, a start and a completion date, and is followed up before the next exercise."), 8, inkText)
	cs := x.a.Run.Corrective
	if len(cs) == 0 {
		x.para(x.t("没有整改措施。", "No corrective actions."), 8.5, inkText)
		return
	}
	cols := []column{{"#", 7, "L"}, {x.t("目标", "Objective"), 16, "L"}, {x.t("整改措施", "Corrective action"), 72, "L"}, {x.t("责任人", "Owner"), 27, "L"},
		{x.t("开始", "Start"), 18, "L"}, {x.t("完成期限", "Completion"), 18, "L"}, {x.t("状态", "Status"), 22, "L"}}
	var rows [][]cell
	for i, c := range cs {
		st := cell{text: x.s(c.Status)}
		if n, ok := statusNames[c.Status]; ok {
			st.text = x.t(n[0], n[1])
		}
		if c.Status == "done" && !c.Done.IsZero() {
			st.sub = []string{x.day(c.Done)}
		}
		due := cell{text: x.day(c.Due), bold: true}
		if c.Status != "done" && !c.Due.IsZero() && c.Due.Before(x.date) {
			due.ink = &inkRed
			due.sub = []string{x.t("已逾期", "overdue")}
		}
		rows = append(rows, []cell{{text: fmt.Sprint(i + 1)}, {text: x.s(c.Objective), bold: true}, {text: x.s(c.Text)}, {text: x.s(c.Owner)},
			{text: x.day(c.Start)}, due, st})
	}
	x.table(cols, rows)
}
