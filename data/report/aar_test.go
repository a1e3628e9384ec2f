package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/demo"
	"safetynet/data/store"
	"safetynet/data/testenv"
)

// demoPlaces are the demo community's map base, its mini fire station and
// guard booths, and its key areas, read once.
var demoPlaces = sync.OnceValues(func() (aarPlaces, error) {
	var out aarPlaces
	dir, err := os.MkdirTemp("", "aar-test-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		return out, err
	}
	defer s.Close()
	ctx := context.Background()
	if err := demo.Write(ctx, s); err != nil {
		return out, err
	}
	if out.base, err = ReadMapBase(ctx, s); err != nil {
		return out, err
	}
	fs, err := s.Facilities(ctx, store.World)
	if err != nil {
		return out, err
	}
	for _, f := range fs {
		switch f.Kind {
		case "fire_station":
			out.station = f.Geom
		case "guard_booth":
			out.booths = append(out.booths, f.Geom)
		}
	}
	if out.areas, err = s.KeyAreas(ctx, store.World); err != nil {
		return out, err
	}
	if out.station == (orb.Point{}) || len(out.booths) == 0 || len(out.areas) < 12 {
		return out, fmt.Errorf("demo: station %v, %d booths, %d key areas", out.station, len(out.booths), len(out.areas))
	}
	return out, nil
})

type aarPlaces struct {
	base    MapBase
	station orb.Point
	booths  []orb.Point
	areas   []store.KeyArea
}

// aarInjects are the fixture's injects: number, minutes after the start,
// type, Chinese and English titles, objective.
var aarInjects = []struct {
	num     string
	min     float64
	typ     string
	zh, en  string
	obj     string
	areaIdx int
}{
	{"1", 0, "exercise.start", "演练开始", "Exercise start", "O1", -1},
	{"2", 2, "fire.smoke", "充电棚烟感报警", "Smoke alarm at e-bike shed", "O1", 0},
	{"3", 6, "fire.smoke", "地库坡道冒烟", "Smoke on car park ramp", "O2", 1},
	{"4", 9, "security.intrusion", "东门翻越围墙", "Fence climbed at east gate", "O3", 2},
	{"5", 12, "medical.fall", "广场老人跌倒", "Elderly fall on the square", "O2", 3},
	{"6", 15, "fire.alarm", "3号楼手动报警", "Manual call point, building 3", "O1", 4},
	{"7", 18, "hazard.blocked_exit", "消防通道堵塞", "Fire lane blocked", "O4", 5},
	{"7-A", 23, "hazard.blocked_exit", "堵塞未处理：物业来电", "Lane still blocked: office calls", "O4", 5},
	{"8", 26, "fire.smoke", "幼儿园门口烟雾", "Smoke at kindergarten gate", "O2", 6},
	{"9", 30, "security.loitering", "停车场可疑人员", "Loitering in visitor car park", "O3", 7},
	{"10", 34, "exercise.end", "演练结束", "Exercise end", "", -1},
}

// aarFixture builds an after-action report of a drill in the demo
// community in lang: 11 injects (one contingency, one never sent), a
// dozen alarms with their chains and tracks, observations, ratings and
// corrective actions.
func aarFixture(t testing.TB, lang string) AfterAction {
	t.Helper()
	pl, err := demoPlaces()
	if err != nil {
		t.Fatal(err)
	}
	zh := lang == "zh"
	tr := func(z, e string) string {
		if zh {
			return z
		}
		return e
	}
	cst := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 5, 12, 14, 0, 0, 0, cst)
	sc := store.Scenario{
		Code:  "DR-FIRE-EBIKE",
		Names: store.Names{NameZh: "电动自行车充电棚火灾综合演练", NameEn: "E-bike shed fire combined drill"},
		Description: store.Texts{
			TextZh: "傍晚时分，电动自行车充电棚内一辆电动车电池热失控冒烟，烟雾向相邻地库坡道蔓延；与此同时东门有人翻越围墙，广场有老人跌倒。微型消防站、门岗和物业需要在“1-3-5”时限内完成接警、派遣、到场与处置，并疏散周边居民。",
			TextEn: "At dusk an e-bike battery in the charging shed goes into thermal runaway and smokes; the smoke drifts to the car park ramp next to it. Meanwhile someone climbs the fence at the east gate and an elderly resident falls on the square. The mini fire station, the gate guards and the property office must receive, send, arrive and resolve within the 1-3-5 norm, and evacuate the residents nearby.",
		},
		Exercises: "EP-FIRE-01",
		Norm:      store.NormMFS135,
		Objectives: []store.Objective{
			{Code: "O1", Text: store.Texts{TextZh: "一分钟内确认火警并派遣微型消防站", TextEn: "Fire alarms acknowledged and the mini fire station sent within 1 minute"}, Capability: tr("灭火救援", "Fire fighting")},
			{Code: "O2", Text: store.Texts{TextZh: "三分钟内到场处置烟雾与伤员", TextEn: "Units on scene at smoke and casualties within 3 minutes"}, Capability: tr("现场处置", "On-scene response")},
			{Code: "O3", Text: store.Texts{TextZh: "门岗五分钟内核查入侵与可疑人员", TextEn: "Guards check intrusions and loitering within 5 minutes"}, Capability: tr("治安防范", "Security")},
			{Code: "O4", Text: store.Texts{TextZh: "发现的隐患当场整改并记录", TextEn: "Hazards found are corrected on the spot and recorded"}, Capability: tr("隐患整改", "Hazard correction")},
		},
		Created: start.Add(-72 * time.Hour),
	}
	for _, in := range aarInjects {
		i := store.Inject{
			Number: in.num, Offset: time.Duration(in.min * float64(time.Minute)), Timed: true, Kind: store.InjectPrimary, Type: in.typ,
			Title:          store.Texts{TextZh: in.zh, TextEn: in.en},
			ExpectedAction: store.Texts{TextZh: "确认警情，派遣就近单位到场处置", TextEn: "Acknowledge, send the nearest unit, resolve"},
			Objective:      in.obj, To: tr("控制室", "console"), Format: store.FormatJSON,
			Expect: store.Expect{AckWithin: time.Minute, AssignWithin: 90 * time.Second, OnSceneWithin: 3 * time.Minute, ResolveWithin: 10 * time.Minute},
		}
		if in.num == "7-A" {
			i.Kind, i.Timed = store.InjectContingent, false
			i.Condition = &store.Condition{After: "7", Missing: store.StepResolve, Within: 5 * time.Minute}
		}
		sc.Injects = append(sc.Injects, i)
	}
	run := store.DrillRun{
		ID: "drill-20260512-1400", Scenario: sc.Code, Names: sc.Names,
		Started: start, Ended: start.Add(36 * time.Minute),
		Scope:        tr("功能演练：电动自行车充电棚、1号地库坡道、东门、中心广场；微型消防站、门岗、物业", "Functional exercise: e-bike shed, ramp 1, east gate, central square; mini fire station, gate guards, property office"),
		Participants: []string{tr("微型消防站（3人）", "Mini fire station (3)"), tr("南门岗亭", "South gate guards"), tr("北门岗亭", "North gate guards"), tr("物业服务中心", "Property office"), tr("社区卫生服务站", "Health station")},
		Ratings: []store.Rating{
			{Objective: "O1", Proposed: "S", Rating: "S", Note: tr("第 6 号注入确认超时 12 秒。", "Inject 6 acknowledged 12 s late.")},
			{Objective: "O2", Proposed: "M", Rating: "S", Note: tr("幼儿园门口到场超时，但处置得当。", "Late at the kindergarten gate, but well handled.")},
			{Objective: "O3", Proposed: "P", Rating: "P"},
			{Objective: "O4", Proposed: "U", Rating: "M", Note: tr("应急注入 7-A 后才处理。", "Handled only after contingency 7-A.")},
		},
		Corrective: []store.CorrectiveAction{
			{ID: 1, Drill: "drill-20260512-1400", Objective: "O1", Text: tr("控制室值班员增加一名，夜班也保证两人在岗。", "Add a second console operator so that two are on duty at night too."), Owner: tr("物业 王经理", "Wang, property manager"), Start: start.AddDate(0, 0, 3), Due: start.AddDate(0, 1, 0), Status: "open"},
			{ID: 2, Drill: "drill-20260512-1400", Objective: "O2", Text: tr("微型消防站配备第二辆电动巡逻车，缩短到达北区的时间；修订出动路线图并张贴在站内，每月演练一次。", "Give the mini fire station a second electric patrol cart to reach the north blocks sooner; revise the turnout route map, post it in the station and rehearse it monthly."), Owner: tr("消防站 李站长", "Li, station chief"), Start: start.AddDate(0, 0, 7), Due: start.AddDate(0, 2, 0), Status: "in_progress"},
			{ID: 3, Drill: "drill-20260512-1400", Objective: "O4", Text: tr("消防通道划线并安装禁停标志。", "Paint the fire lane and put up no-parking signs."), Owner: tr("物业 张工", "Zhang, facilities"), Start: start.AddDate(0, 0, 1), Due: start.AddDate(0, 0, 14), Status: "done", Done: start.AddDate(0, 0, 10)},
			{ID: 4, Drill: "drill-20260512-1400", Objective: "O3", Text: tr("门岗对讲机更换电池。", "Replace the gate guards' radio batteries."), Owner: tr("南门岗亭", "South gate guards"), Start: start.AddDate(0, 0, 1), Due: start.AddDate(0, 0, 5), Status: "open"},
		},
	}
	a := AfterAction{Language: lang, Community: tr("安和苑", "Anhe Garden"), Scenario: sc, Run: run, Norm: store.NormMFS135, Base: pl.base}

	// The timeline: every inject sent but the last, with an action or two.
	for _, in := range sc.Injects {
		if in.Number == "10" {
			continue
		}
		off := in.Offset
		if in.Number == "7-A" {
			off = 23 * time.Minute
		}
		kind := TimelineInject
		if in.Kind == store.InjectContingent {
			kind = TimelineContingency
		}
		a.Timeline = append(a.Timeline, TimelineEntry{At: start.Add(off), Offset: off, Inject: in.Number, Kind: kind, Who: tr("导调 陈", "Controller Chen")})
		if in.Number != "1" {
			a.Timeline = append(a.Timeline, TimelineEntry{At: start.Add(off + 40*time.Second), Offset: off + 40*time.Second, Inject: in.Number, Kind: TimelineAction,
				Who: tr("值班员 刘", "Operator Liu"), Text: tr("确认警情并派遣", "Acknowledged and sent a unit")})
		}
	}
	a.Timeline = append(a.Timeline, TimelineEntry{At: start.Add(20 * time.Minute), Offset: 20 * time.Minute, Kind: TimelineObservation, Who: tr("评估员 赵", "Evaluator Zhao"),
		Text: tr("值班员同时处理三起警情，电话占线。", "The operator handled three alarms at once; the phone line was busy.")})

	// A dozen alarms: one per inject with a place, three more raised by
	// the smoke of inject 2 and 3 and a live one.
	type alarm struct {
		inj          string
		area         int
		subjZh, subj string
		secs         [6]int // opened, acknowledged, assigned, moving, on scene, resolved; -1: not reached
	}
	alarms := []alarm{
		{"2", 0, "充电棚烟感", "Shed smoke detector", [6]int{8, 35, 50, 70, 165, 420}},
		{"2", 0, "充电棚视频告警", "Shed camera alert", [6]int{12, 41, 58, 80, 171, 430}},
		{"3", 1, "坡道烟感", "Ramp smoke detector", [6]int{10, 44, 61, 95, 205, 610}},
		{"4", 2, "东门围界告警", "East gate fence alarm", [6]int{5, 20, 31, 40, 120, 300}},
		{"5", 3, "广场跌倒呼救", "Square fall call", [6]int{15, 50, 66, 90, 172, 540}},
		{"6", 4, "3号楼手报", "Building 3 call point", [6]int{20, 72, 90, 110, 175, 390}},
		{"7", 5, "通道堵塞上报", "Blocked lane report", [6]int{30, 58, 120, 200, 260, -1}},
		{"7-A", 5, "物业来电", "Office phone call", [6]int{6, 25, 40, 60, 140, 280}},
		{"8", 6, "幼儿园烟雾", "Kindergarten smoke", [6]int{9, 38, 55, 75, 214, 500}},
		{"9", 7, "停车场可疑人员", "Car park loiterer", [6]int{14, 47, 60, 75, 150, 260}},
		{"3", 1, "坡道视频告警", "Ramp camera alert", [6]int{11, 39, 52, 88, 188, 580}},
		{"", 8, "居民来电（非演练）", "Resident call (live)", [6]int{7, 30, 45, -1, -1, -1}},
	}
	limits := map[string]time.Duration{ChainAcknowledged: time.Minute, ChainOnScene: 3 * time.Minute, ChainResolved: 10 * time.Minute}
	for i, al := range alarms {
		in, _ := (&aar{a: a}).inject(al.inj)
		received := start.Add(in.Offset + time.Duration(3+i)*time.Second)
		subj := al.subj
		if zh {
			subj = al.subjZh
		}
		team, unit := tr("微型消防站", "Mini fire station"), fmt.Sprintf("MFS-%d", 1+i%2)
		if strings.HasPrefix(in.Type, "security") || al.inj == "" {
			team, unit = tr("门岗", "Gate guards"), "GD-1"
		}
		row := ChainRow{Subject: subj, Inject: al.inj, Type: in.Type, Team: team, Unit: unit, Received: received}
		for k, st := range []string{ChainOpened, ChainAcknowledged, ChainAssigned, ChainMoving, ChainOnScene, ChainResolved} {
			s := StepTime{Step: st, Limit: limits[st]}
			if al.secs[k] >= 0 {
				s.Done, s.After = true, time.Duration(al.secs[k])*time.Second
			}
			s.Met = s.Done && (s.Limit == 0 || s.After <= s.Limit)
			row.Steps = append(row.Steps, s)
		}
		a.Chains = append(a.Chains, row)

		// Its map: the key area's middle (the shed as its outline), the
		// unit's track from the station or a booth.
		ka := pl.areas[al.area]
		var place orb.Geometry = labelPoint(ka.Geom)
		if i == 0 {
			place = ka.Geom
		}
		from := pl.station
		if team != tr("微型消防站", "Mini fire station") {
			from = pl.booths[i%len(pl.booths)]
		}
		to := labelPoint(ka.Geom)
		corner := orb.Point{from[0], to[1]}
		tk := Track{Unit: unit, Points: []orb.Point{from, {from[0], (from[1] + to[1]) / 2}, corner, to}}
		mv := row.Steps[3].After
		for k := range tk.Points {
			tk.Times = append(tk.Times, received.Add(mv+time.Duration(k)*(row.Steps[4].After-mv)/3))
		}
		m := AlarmMap{Title: subj, Place: place, Tracks: []Track{tk}}
		if !row.Steps[3].Done {
			m.Tracks = nil // nobody moved
		}
		if i%4 == 1 {
			// A second unit from a guard booth.
			b := pl.booths[0]
			for _, c := range pl.booths {
				if math.Hypot(c[0]-to[0], c[1]-to[1]) > math.Hypot(b[0]-to[0], b[1]-to[1]) {
					b = c
				}
			}
			m.Tracks = append(m.Tracks, Track{Unit: "GD-2", Points: []orb.Point{b, {to[0], b[1]}, to}})
		}
		a.Maps = append(a.Maps, m)
	}
	a.Summary = summarise(a.Chains, limits, 90)
	ev := tr("评估员 赵", "Evaluator Zhao")
	a.Strengths = []Observation{
		{At: start.Add(3 * time.Minute), Evaluator: ev, Objective: "O1", Text: tr("值班员 35 秒内确认充电棚烟感并派遣。", "The operator acknowledged the shed smoke alarm and sent a unit within 35 s.")},
		{At: start.Add(13 * time.Minute), Evaluator: tr("评估员 孙", "Evaluator Sun"), Objective: "O2", Text: tr("卫生服务站人员携带担架与急救包到场，伤员处置规范。", "Health station staff came with a stretcher and first-aid kit and treated the casualty by the book.")},
		{At: start.Add(10 * time.Minute), Evaluator: ev, Objective: "O3", Text: tr("门岗两分钟内到达东门并核查翻越人员身份。", "The guards reached the east gate in two minutes and checked the climber's identity.")},
	}
	a.Improvements = []Observation{
		{At: start.Add(16 * time.Minute), Evaluator: ev, Objective: "O1", Text: tr("3号楼手报确认用时 1分12秒，超出 1 分钟时限：值班员正在接听电话。", "The building 3 call point took 1:12 to acknowledge, over the 1-minute limit: the operator was on the phone.")},
		{At: start.Add(22 * time.Minute), Evaluator: tr("评估员 孙", "Evaluator Sun"), Objective: "O4", Text: tr("消防通道堵塞在派遣后四分多钟仍未处理，直到物业来电（应急注入 7-A）才清除；现场人员未记录车辆信息，也没有通知车主，需要在整改中明确流程、责任人与记录要求，并在下次演练中复查。", "The blocked fire lane was still blocked four minutes after a unit was sent and was cleared only after the office called (contingency 7-A); the staff on scene did not record the vehicle or call its owner. The correction must set out the procedure, who is responsible and what is recorded, and the next drill must check it.")},
		{At: start.Add(30 * time.Minute), Evaluator: ev, Objective: "O2", Text: tr("到幼儿园门口用时 3分34秒，出动路线绕行。", "The unit took 3:34 to reach the kindergarten gate by a roundabout route.")},
	}
	return a
}

// summarise is the norm's verdict per step at percentile p (nearest rank).
func summarise(cs []ChainRow, limits map[string]time.Duration, p float64) []NormSummary {
	var out []NormSummary
	for _, st := range ChainSteps[1:] {
		l := limits[st]
		if l == 0 {
			continue
		}
		var ds []time.Duration
		met := 0
		for _, c := range cs {
			for _, s := range c.Steps {
				if s.Step == st && s.Done {
					ds = append(ds, s.After)
					if s.Met {
						met++
					}
				}
			}
		}
		slices.Sort(ds)
		ns := NormSummary{Step: st, Limit: l, Percentile: p, N: len(ds), Met: met}
		if len(ds) > 0 {
			ns.Value = ds[max(0, int(math.Ceil(p/100*float64(len(ds))))-1)]
			ns.Pass = ns.Value <= l
		}
		out = append(out, ns)
	}
	return out
}

// aarPDF writes a as PDF into dir and returns its path and bytes.
func aarPDF(t testing.TB, dir string, a AfterAction, opt PDFOptions) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAfterAction(&b, a, opt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "aar-"+a.Language+".pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// pdfToText returns pdftotext's text of the PDF, in reading order or,
// with layout, as laid out on the page.
func pdfToText(t *testing.T, path string, layout bool) string {
	t.Helper()
	args := []string{"-enc", "UTF-8", path, "-"}
	if layout {
		args = append([]string{"-layout"}, args...)
	}
	out, err := exec.Command(testenv.Tool(t, "pdftotext"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// squeeze drops the spaces pdftotext puts between Chinese characters.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestAfterAction(t *testing.T) {
	fs := cjkFont(t)
	out := os.Getenv("AAR_OUT") // a folder to keep the PDFs in, to look at them
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			a := aarFixture(t, lang)
			dir := t.TempDir()
			if out != "" {
				dir = out
			}
			path, pdf := aarPDF(t, dir, a, PDFOptions{Fonts: fs})
			text := pdfToText(t, path, false)
			layout := pdfToText(t, path, true)
			lines := strings.Split(layout, "\n")
			flat := squeeze(text)

			// Every inject: its number and title on one line of the timeline.
			for _, in := range a.Scenario.Injects {
				title := squeeze(in.Title.Label(lang))
				found := false
				for _, l := range lines {
					if strings.Contains(squeeze(l), title) && slices.Contains(strings.Fields(l), in.Number) && strings.Contains(l, "t+") {
						found = true
					}
				}
				if !found {
					t.Errorf("no timeline line holds inject %s %q", in.Number, in.Title.Label(lang))
				}
			}
			// Every chain: its subject and its times, in order, on one line.
			for _, c := range a.Chains {
				var want []string
				for _, s := range c.Steps {
					if s.Done {
						want = append(want, mmss(s.After))
					}
				}
				found := false
				for _, l := range lines {
					if !strings.Contains(squeeze(l), squeeze(c.Subject)) {
						continue
					}
					rest, ok := l, true
					for _, w := range want {
						i := strings.Index(rest, w)
						if i < 0 {
							ok = false
							break
						}
						rest = rest[i+len(w):]
					}
					found = found || ok
				}
				if !found {
					t.Errorf("no line holds chain %q with its times %v", c.Subject, want)
				}
			}
			// The rest of what the report must show.
			wants := []string{"DR-FIRE-EBIKE", "drill-20260512-1400", "EXERCISE", a.Community, "O1", "O4"}
			for _, p := range a.Run.Participants {
				wants = append(wants, p)
			}
			for _, c := range a.Run.Corrective {
				wants = append(wants, c.Text, c.Owner, c.Due.Format("2006-01-02"))
			}
			for _, o := range append(slices.Clone(a.Strengths), a.Improvements...) {
				wants = append(wants, o.Text)
			}
			for _, m := range a.Maps {
				wants = append(wants, m.Title)
			}
			for _, s := range a.Summary {
				wants = append(wants, mmss(s.Value))
			}
			if lang == "zh" {
				wants = append(wants, "二、评估准备", "三、演练实施", "四、现场点评", "五、自评", "六、评估", "七、整改措施", "演练", "接警", "首次查看", "确认", "派遣", "出动", "到场", "处置完毕", "电动自行车充电棚火灾综合演练", "E-bike shed fire combined drill")
			} else {
				wants = append(wants, "Exercise overview", "Analysis of objectives", "Strengths", "Areas for improvement", "Improvement Plan", "Opened", "Acknowledged", "Assigned", "Moving", "On scene", "Resolved", "Performed with some challenges", "E-bike shed fire combined drill")
			}
			for _, w := range wants {
				if !strings.Contains(flat, squeeze(w)) {
					t.Errorf("the PDF's text lacks %q", w)
				}
			}
			if strings.Contains(text, "?") {
				i := strings.Index(text, "?")
				t.Errorf("the PDF shows characters its fonts lack as ?: %q", text[max(0, i-40):min(len(text), i+40)])
			}
			// Pages: as many as the footers count, each numbered.
			pages := strings.Count(text, "\f")
			m := regexp.MustCompile(`(?:page \d+ of|第 \d+ /) (\d+)`).FindAllStringSubmatch(text, -1)
			if len(m) != pages || len(m) == 0 {
				t.Fatalf("%d pages, %d page numbers", pages, len(m))
			}
			if n, _ := strconv.Atoi(m[0][1]); n != pages {
				t.Errorf("footers say %d pages, the PDF has %d", n, pages)
			}
			if pages < 10 || pages > 20 {
				t.Errorf("%d pages: want 6 pages of maps and a few of tables", pages)
			}
			t.Logf("%s: %d pages, %d bytes", lang, pages, len(pdf))

			// The same input gives the same bytes.
			var again bytes.Buffer
			if err := WriteAfterAction(&again, a, PDFOptions{Fonts: fs}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pdf, again.Bytes()) {
				t.Error("two PDFs of the same report differ")
			}
		})
	}
}

// TestAfterActionLongTable checks that a timeline of many rows breaks
// across pages with its header on each.
func TestAfterActionLongTable(t *testing.T) {
	fs := cjkFont(t)
	a := aarFixture(t, "en")
	a.Maps, a.Chains = nil, nil
	base := a.Timeline
	for i := 0; i < 8; i++ {
		for _, e := range base {
			e.Offset += time.Duration(i) * 40 * time.Minute
			a.Timeline = append(a.Timeline, e)
		}
	}
	// A note longer than a page.
	a.Improvements[0].Text = strings.Repeat("The lane stayed blocked while the unit waited for the keyholder. ", 120)
	dir := t.TempDir()
	if out := os.Getenv("AAR_OUT"); out != "" {
		dir = filepath.Join(out, "long")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path, _ := aarPDF(t, dir, a, PDFOptions{Fonts: fs})
	text := pdfToText(t, path, false)
	pages := strings.Split(text, "\f")
	headers := 0
	for _, p := range pages {
		if strings.Contains(p, "What happened") {
			headers++
		}
	}
	if headers < 3 {
		t.Errorf("the timeline's header is on %d pages, want it repeated on each of its 3 or more", headers)
	}
	// Split across pages, every sentence still ends in the text.
	if n := strings.Count(text, "keyholder."); n != 120 {
		t.Errorf("the long note shows %d of its 120 sentences", n)
	}
}

func TestAfterActionErrors(t *testing.T) {
	fs := cjkFont(t)
	latin, err := loadFonts("", nil, LatinFonts)
	if err != nil {
		t.Fatal(err)
	}
	a := aarFixture(t, "xx")
	if err := WriteAfterAction(&bytes.Buffer{}, a, PDFOptions{Fonts: fs}); err == nil || !strings.Contains(err.Error(), `"xx"`) {
		t.Errorf("language xx: %v, want an error naming it", err)
	}
	a.Language = "zh"
	if err := WriteAfterAction(&bytes.Buffer{}, a, PDFOptions{Fonts: latin}); !errors.Is(err, ErrAfterActionFont) {
		t.Errorf("zh without a Chinese font: %v, want ErrAfterActionFont", err)
	}
	// English without a Chinese font: no Chinese, no "?".
	a = aarFixture(t, "en")
	var b bytes.Buffer
	if err := WriteAfterAction(&b, a, PDFOptions{Fonts: latin}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "en.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := pdfToText(t, path, false)
	for _, r := range text {
		if wide(r) {
			t.Fatalf("the English-only PDF has Chinese text %q", string(r))
		}
	}
	if strings.Contains(text, "?") {
		t.Error("the English-only PDF shows ? for missing characters")
	}
	if !strings.Contains(text, "Fence climbed at east gate") {
		t.Error("the English-only PDF lacks an inject")
	}
}

// TestAfterActionOddInput writes reports of empty and damaged input:
// nothing crashes and the PDF is written.
func TestAfterActionOddInput(t *testing.T) {
	fs := cjkFont(t)
	nan := math.NaN()
	full := aarFixture(t, "zh")
	tests := []struct {
		name string
		a    AfterAction
	}{
		{"empty zh", AfterAction{Language: "zh"}},
		{"empty en", AfterAction{Language: "en"}},
		{"bad geometry", AfterAction{Language: "en", Maps: []AlarmMap{
			{Title: "NaN", Place: orb.Point{nan, nan}, Tracks: []Track{{Unit: "U", Points: []orb.Point{{nan, 1}, {200, 100}}}}},
			{Title: "no place", Tracks: []Track{{Unit: "U", Times: []time.Time{time.Now()}}}},
			{Title: "a point only", Place: orb.Point{121.6, 31.2}},
			{Title: "far apart", Place: orb.Point{121.6, 31.2}, Tracks: []Track{{Points: []orb.Point{{0, 0}}}}},
			{Title: "empty polygon", Place: orb.Polygon{{}}},
		}}},
		{"odd chains", AfterAction{Language: "zh", Chains: []ChainRow{{Subject: "x", Steps: []StepTime{{Step: "weird", Done: true, After: -time.Minute, Limit: time.Second}}}},
			Summary: []NormSummary{{Step: "weird"}}, Run: store.DrillRun{Ratings: []store.Rating{{Objective: "O9", Rating: "Q"}}}}},
		{"no base", func() AfterAction { a := full; a.Base = MapBase{}; a.Maps = a.Maps[:2]; return a }()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteAfterAction(&b, tc.a, PDFOptions{Fonts: fs, Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
				t.Error("not a PDF")
			}
		})
	}
}

func TestMMSS(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00"}, {59 * time.Second, "00:59"}, {61500 * time.Millisecond, "01:02"}, {75 * time.Minute, "75:00"}, {-90 * time.Second, "-01:30"},
	}
	for _, tc := range tests {
		if got := mmss(tc.d); got != tc.want {
			t.Errorf("mmss(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func BenchmarkAfterAction(b *testing.B) {
	fs, err := LoadFonts("")
	if err != nil {
		b.Fatal(err)
	}
	if !fs.CJK {
		testenv.Missing(b, "no Chinese TrueType font installed")
	}
	a := aarFixture(b, "zh")
	b.ResetTimer()
	for b.Loop() {
		if err := WriteAfterAction(&bytes.Buffer{}, a, PDFOptions{Fonts: fs}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzAfterAction writes reports of arbitrary texts, times and places:
// none crashes, and only a language other than zh or en is refused.
func FuzzAfterAction(f *testing.F) {
	fs, err := LoadFonts("")
	if err != nil {
		f.Fatal(err)
	}
	if !fs.CJK {
		testenv.Missing(f, "no Chinese TrueType font installed")
	}
	f.Add("zh", "充电棚烟感", "确认警情并派遣", "7-A", int64(95), 121.6, 31.2)
	f.Add("en", "Shed smoke\ndetector", strings.Repeat("long ", 400), "", int64(-5), math.NaN(), 91.0)
	f.Add("fr", "", "", "x", int64(1<<40), 0.0, 0.0)
	f.Fuzz(func(t *testing.T, lang, subject, text, inject string, secs int64, lon, lat float64) {
		d := time.Duration(secs) * time.Second
		at := time.Date(2026, 5, 12, 14, 0, 0, 0, time.UTC)
		p := orb.Point{lon, lat}
		a := AfterAction{
			Language: lang, Community: subject,
			Scenario: store.Scenario{Code: inject, Injects: []store.Inject{{Number: inject, Offset: d, Timed: secs%2 == 0, Title: store.Texts{Text: subject}}},
				Objectives: []store.Objective{{Code: inject, Text: store.Texts{Text: text}}}},
			Run:       store.DrillRun{Started: at, Ended: at.Add(d), Scope: text, Participants: []string{subject, text}, Ratings: []store.Rating{{Objective: inject, Rating: text}}, Corrective: []store.CorrectiveAction{{Text: text, Owner: subject, Due: at.Add(d), Status: text}}},
			Timeline:  []TimelineEntry{{At: at.Add(d), Offset: d, Inject: inject, Kind: text, Who: subject, Text: text}},
			Chains:    []ChainRow{{Subject: subject, Inject: inject, Type: text, Received: at, Steps: []StepTime{{Step: text, After: d, Done: true, Limit: d / 2}}}},
			Summary:   []NormSummary{{Step: subject, Limit: d, Percentile: float64(secs), Value: d}},
			Strengths: []Observation{{At: at, Evaluator: subject, Text: text, Objective: inject}},
			Maps:      []AlarmMap{{Title: subject, Place: p, Tracks: []Track{{Unit: subject, Points: []orb.Point{p, {lon + 0.001, lat}}, Times: []time.Time{at}}}}},
		}
		err := WriteAfterAction(io.Discard, a, PDFOptions{Fonts: fs})
		if (err != nil) != (lang != "zh" && lang != "en") {
			t.Fatalf("language %q: %v", lang, err)
		}
	})
}

// TestAfterActionUnsent checks that an inject never sent is listed at its
// planned time, and one without a time last.
func TestAfterActionUnsent(t *testing.T) {
	fs := cjkFont(t)
	at := time.Date(2026, 5, 12, 14, 0, 0, 0, time.UTC)
	in := func(n string, min int, timed bool) store.Inject {
		return store.Inject{Number: n, Offset: time.Duration(min) * time.Minute, Timed: timed, Title: store.Texts{TextEn: "Inject number " + n}}
	}
	a := AfterAction{Language: "en", Scenario: store.Scenario{Injects: []store.Inject{in("1", 0, true), in("2", 5, true), in("3", 9, true), in("4", 0, false)}},
		Run: store.DrillRun{Started: at}}
	for _, n := range []int{0, 9} {
		a.Timeline = append(a.Timeline, TimelineEntry{At: at.Add(time.Duration(n) * time.Minute), Offset: time.Duration(n) * time.Minute, Inject: strconv.Itoa(n/4 + 1), Kind: TimelineInject})
	}
	a.Timeline[1].Inject = "3"
	path, _ := aarPDF(t, t.TempDir(), a, PDFOptions{Fonts: fs})
	var order []string
	text := pdfToText(t, path, true)
	i := strings.LastIndex(text, "3. Exercise timeline") // after the contents
	if i < 0 {
		t.Fatal("no timeline")
	}
	timeline := text[i:]
	for _, l := range strings.Split(timeline, "\n") {
		if i := strings.Index(l, "Inject number "); i >= 0 {
			order = append(order, strings.Fields(l[i:])[2]+map[bool]string{true: " not sent", false: ""}[strings.Contains(l, "Not sent")])
		}
	}
	if want := []string{"1", "2 not sent", "3", "4 not sent"}; !slices.Equal(order, want) {
		t.Errorf("timeline order %q, want %q", order, want)
	}
}
