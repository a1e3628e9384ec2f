package register_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"safetynet/data/register"
	"safetynet/data/store"
	"safetynet/data/testenv"
)

func drill(t *testing.T, name string) string {
	t.Helper()
	return testenv.SharedData(t, "drills/"+name)
}

func byNumber(sc store.Scenario) map[string]store.Inject {
	m := map[string]store.Inject{}
	for _, in := range sc.Injects {
		m[in.Number] = in
	}
	return m
}

func hasProblem(probs []register.Problem, text string) bool {
	for _, p := range probs {
		if strings.Contains(p.String(), text) {
			return true
		}
	}
	return false
}

func TestAlabamaWinterExercise(t *testing.T) {
	sc, probs, err := register.ReadMSELFile(drill(t, "msel-alng-winter-exercise.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Injects) != 78 {
		t.Fatalf("%d injects, want 78", len(sc.Injects))
	}
	if first, last := sc.Injects[0].Number, sc.Injects[77].Number; first != "1" || last != "75" {
		t.Errorf("numbers %s … %s, want 1 … 75", first, last)
	}
	in := byNumber(sc)
	for _, n := range []string{"5-A", "7-A", "9-A"} {
		if in[n].Kind != store.InjectContingent {
			t.Errorf("inject %s is %q, want contingent", n, in[n].Kind)
		}
	}
	if sc.Injects[5].Number != "5-A" {
		t.Errorf("6th inject %s, want 5-A (order kept)", sc.Injects[5].Number)
	}
	counts := map[string]int{}
	for _, x := range sc.Injects {
		if x.Timed {
			t.Errorf("inject %s has a time; the file has none", x.Number)
		}
		counts["from "+x.From]++
		counts["to "+x.To]++
		counts["method "+x.Method]++
		counts["kind "+x.Kind]++
	}
	for k, want := range map[string]int{"from AEMA EOC (EMITS)": 74, "to JFHQ-AL JOC": 75, "method Email": 71, "method Phone": 4,
		"kind contingent": 3, "kind contextual": 9} {
		if counts[k] != want {
			t.Errorf("%s: %d, want %d", k, counts[k], want)
		}
	}
	if x := in["3"]; x.Title.Text != "STARTEX" || x.Kind != store.InjectContextual {
		t.Errorf("inject 3 %q %s, want the STARTEX marker as contextual", x.Title.Text, x.Kind)
	}
	x := in["5"]
	if x.Title.Text != "ALNG JOC Activation request" || x.Controller != "OIC" || x.Type != "Expected Action" ||
		!strings.HasPrefix(x.ExpectedAction.Text, "ALNG JOC notify MACOM") || x.Notes != "Primary Inject" ||
		!strings.HasPrefix(x.Message.Text, "AEMA request that ALNG JOC prepare") {
		t.Errorf("inject 5: %+v", x)
	}
	if x := in["75"]; x.Title.Text != "Road/ Bridge Closures" || !strings.HasPrefix(x.Message.Text, "Limestone County EOC is reporting 3 brid") {
		t.Errorf("inject 75: %q %.40q", x.Title.Text, x.Message.Text)
	}
	for _, legend := range []string{"row 80: not an inject", "MSEL Color Key", "row 84: not an inject", "Mission Extension"} {
		if !hasProblem(probs, legend) {
			t.Errorf("no problem says %q: %v", legend, probs)
		}
	}
	if !hasProblem(probs, "no inject has a time") {
		t.Errorf("the missing times are not said: %v", probs)
	}
}

func TestCoorsField(t *testing.T) {
	path := drill(t, "msel-coors-field-fse.xlsx")
	sc, probs, err := register.ReadMSELFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Code != "msel-coors-field-fse-Iteration-1" {
		t.Errorf("code %q", sc.Code)
	}
	if len(sc.Injects) != 79 || !strings.Contains(sc.Name, "Iteration #1") {
		t.Fatalf("%d injects from %q, want 79 from Iteration #1", len(sc.Injects), sc.Name)
	}
	first, last := sc.Injects[0], sc.Injects[78]
	if first.Number != "1" || last.Number != "79" || first.Title.Text != "STARTEX" || last.Title.Text != "ENDEX" {
		t.Errorf("first %s %q, last %s %q", first.Number, first.Title.Text, last.Number, last.Title.Text)
	}
	if !first.Timed || first.Offset != 0 || !last.Timed || last.Offset != time.Hour {
		t.Errorf("STARTEX at %v, ENDEX at %v; want t+00:00 and t+60:00 (11:00 to 12:00)", first.Offset, last.Offset)
	}
	if first.Kind != store.InjectContextual || last.Kind != store.InjectContextual {
		t.Errorf("markers are %s, %s", first.Kind, last.Kind)
	}
	in := byNumber(sc)
	x := in["8"]
	if x.Offset != 5*time.Minute || x.From != "Gameday Staff at Gate C" || x.To != "Operations Center" || x.Method != "Radio" ||
		x.Type != "Player Action" || x.Title.Text != "Detonation Initial Report" {
		t.Errorf("inject 8: %v %+v", x.Offset, x)
	}
	if x := in["4"]; x.From != "" || x.To != "" || x.Controller != "" {
		t.Errorf("--- is none: inject 4 from %q to %q by %q", x.From, x.To, x.Controller)
	}
	if x := in["1"]; x.Controller != "Exercise Director Controller" || x.To != "All Participants" || x.ExpectedAction.Text != "Exercise play starts." {
		t.Errorf("inject 1: %+v", x)
	}
	if !hasProblem(probs, "the scenario starts at the earliest, 11:00:00") || !strings.Contains(sc.Description.Text, "11:00:00") {
		t.Errorf("clock times not said: %q %v", sc.Description.Text, probs)
	}
	if !hasProblem(probs, `"Iteration #2" (hidden)`) {
		t.Errorf("the other sheets are not listed: %v", probs)
	}

	sheets, err := register.Sheets(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []register.SheetInfo{{"Iteration #1", false, true, 79}, {"New Iteration #2", false, true, 79}, {"Iteration #2", true, true, 80},
		{"MISC", false, true, 9}, {"LAFD", false, true, 36}, {"LAPD", false, true, 31}, {"DODGERS", false, true, 16}, {"ACTORS", false, false, 0}}
	if !reflect.DeepEqual(sheets, want) {
		t.Errorf("sheets:\n got %v\nwant %v", sheets, want)
	}

	hidden, probs, err := register.ReadMSELFileWith(path, register.ReadOptions{Sheet: "Iteration #2"})
	if err != nil || len(hidden.Injects) != 80 || !hasProblem(probs, "hidden") {
		t.Errorf("hidden sheet: %d injects, %v, %v", len(hidden.Injects), err, probs)
	}
	second, probs, err := register.ReadMSELFileWith(path, register.ReadOptions{Sheet: "New Iteration #2"})
	if err != nil {
		t.Fatal(err)
	}
	// Event 77 is at 11:50 among events after 14:00: the earliest time.
	if x := byNumber(second)["77"]; x.Offset != 0 || !hasProblem(probs, "row 78") || !hasProblem(probs, "kept as written") {
		t.Errorf("the out-of-order event 77: %v, %v", x.Offset, probs)
	}
	if _, _, err := register.ReadMSELFileWith(path, register.ReadOptions{Sheet: "Nope"}); err == nil || !strings.Contains(err.Error(), `"ACTORS"`) {
		t.Errorf("a missing sheet: %v", err)
	}
	if _, _, err := register.ReadMSELFileWith(path, register.ReadOptions{Sheet: "ACTORS"}); err == nil {
		t.Error("a sheet without an MSEL was read")
	}
	lapd, probs, err := register.ReadMSELFileWith(path, register.ReadOptions{Sheet: "LAPD"})
	if err != nil || len(lapd.Injects) != 31 || lapd.Injects[30].Number != "31" || !hasProblem(probs, "31 rows have no number") {
		t.Errorf("LAPD: %d, %v, %v", len(lapd.Injects), err, probs)
	}
	if x := byNumber(lapd)["7"]; x.Kind != store.InjectContingent {
		t.Errorf("LAPD's contingency inject is %s", x.Kind)
	}
}

func TestT3SF(t *testing.T) {
	sc, probs, err := register.ReadMSELFile(drill(t, "msel-t3sf-example.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Injects) != 12 {
		t.Fatalf("%d injects, want 12", len(sc.Injects))
	}
	wantOffsets := []time.Duration{0, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 6} // minutes after 07:29 PM
	wantTo := []string{"Information Security", "SRE", "Data Governance", "Legal", "PR/Comm", "Information Security", "SRE",
		"Data Governance", "Legal", "People", "Data Governance", "PR/Comm"}
	for i, x := range sc.Injects {
		if x.Number != fmt.Sprint(i+1) || !x.Timed || x.Offset != wantOffsets[i]*time.Minute || x.To != wantTo[i] {
			t.Errorf("inject %d: %s at %v to %q; want %d at %v to %q", i, x.Number, x.Offset, x.To, i+1, wantOffsets[i]*time.Minute, wantTo[i])
		}
	}
	x := sc.Injects[0]
	if x.From != "Amazon Web Services" || x.Title.Text != "Anomalous Files Detected" || x.Message.Text != "We detected some anomalous files in your S3 Bucket." ||
		!strings.Contains(x.Notes, "Date: Monday 9:30 AM") {
		t.Errorf("inject 1: %+v", x)
	}
	if x := sc.Injects[3]; !strings.Contains(x.Notes, "Poll: MIT | GPL") {
		t.Errorf("inject 4's poll is not kept: %q", x.Notes)
	}
	if !strings.Contains(sc.Injects[4].Message.Text, "\n\nI'm inside your company") {
		t.Errorf("the message's line breaks are lost: %q", sc.Injects[4].Message.Text)
	}
	if !hasProblem(probs, "19:29:00") {
		t.Errorf("clock times not said: %v", probs)
	}
}

func TestT3SFJSON(t *testing.T) {
	js, _, err := register.ReadMSELFile(drill(t, "msel-t3sf-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	xl, _, err := register.ReadMSELFile(drill(t, "msel-t3sf-example.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(js.Injects) != 12 {
		t.Fatalf("%d injects, want 12", len(js.Injects))
	}
	for i, a := range js.Injects {
		b := xl.Injects[i]
		if a.Number != b.Number || a.Offset != b.Offset || a.Timed != b.Timed || a.From != b.From || a.To != b.To || a.Title != b.Title {
			t.Errorf("inject %d: JSON %s %v %q→%q %q, XLSX %s %v %q→%q %q", i, a.Number, a.Offset, a.From, a.To, a.Title.Text, b.Number, b.Offset, b.From, b.To, b.Title.Text)
		}
	}
	if !strings.Contains(js.Injects[10].Notes, "Poll: Pay the ransom | Don’t pay it") {
		t.Errorf("inject 11's poll: %q", js.Injects[10].Notes)
	}
	for name, text := range map[string]string{"not objects": "[1, 2]", "cut short": `[{"#": 1, "Subject": "x"`, "empty": "[]"} {
		if _, _, err := register.ReadMSEL(strings.NewReader(text), "f.json"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// fullScenario sets every field, with text that CSV and Excel must keep.
func fullScenario() store.Scenario {
	created := time.Date(2026, 5, 1, 9, 0, 0, 123456789, time.UTC)
	return store.Scenario{
		Code:        "DR-FIRE-SHED",
		Names:       store.Names{Name: "车棚火灾, \"夜间\"", NameZh: "电动车棚火灾", NameEn: "E-bike shed fire"},
		Description: store.Texts{Text: "line 1\nline 2", TextZh: "夜间", TextEn: " spaced "},
		Exercises:   "PLAN-FIRE-1",
		Norm:        store.NormNFPA1710,
		Objectives: []store.Objective{
			{Code: "O1", Text: store.Texts{Text: "ack", TextZh: "确认", TextEn: "acknowledged in 1 min"}, Capability: "fire-fighting"},
			{Code: "O2", Capability: "evacuation"},
		},
		Created: created,
		Updated: created.Add(time.Hour),
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe",
				Title: store.Texts{Text: "烟感报警", TextZh: "烟感报警", TextEn: "Smoke alarm"}, Message: store.Texts{Text: "=SUM(A1) \"quoted\", comma", TextEn: "SD-19\nsmoke"},
				Format: store.FormatJSON, LocationCode: "SD-19", Source: "sensor:SD-19", From: "SIMCELL", To: "console", Method: "hub",
				Controller: "王", Expect: store.Expect{AckWithin: time.Minute, AssignWithin: 90 * time.Second, OnSceneWithin: 3 * time.Minute,
					OnSceneRadius: 20.5, ResolveWithin: 5*time.Minute + time.Millisecond},
				ExpectedAction: store.Texts{Text: "确认并派员", TextZh: "确认", TextEn: "ack and send a unit"}, Objective: "O1", Notes: "line\nbreak"},
			{Number: "1-A", Offset: 75*time.Second + 250*time.Millisecond, Timed: true, Kind: store.InjectContingent, Format: store.FormatCAP,
				Geometry: orb.Point{121.6, 31.2}, Location: "north gate",
				Condition: &store.Condition{After: "1", Missing: store.StepAck, Within: time.Minute}},
			{Number: "2", Kind: store.InjectContextual, Title: store.Texts{Text: "STARTEX"}, Method: "phone", Objective: "O2",
				Geometry: orb.Polygon{{{121.6, 31.2}, {121.61, 31.2}, {121.61, 31.21}, {121.6, 31.2}}}},
			{Number: "3", Offset: 2*time.Hour + 3*time.Second + 7, Timed: true, Condition: &store.Condition{After: "2", Missing: store.StepOnScene}},
			{Number: "4", Kind: "", Title: store.Texts{Text: "  leading and trailing  "}, Notes: "---", From: "-"},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer, store.Scenario) error
	}{
		{"msel.csv", func(b *bytes.Buffer, sc store.Scenario) error { return register.WriteMSELCSV(b, sc) }},
		{"msel.xlsx", func(b *bytes.Buffer, sc store.Scenario) error { return register.WriteMSELXLSX(b, sc) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := fullScenario()
			var b bytes.Buffer
			if err := c.write(&b, want); err != nil {
				t.Fatal(err)
			}
			// The name says nothing: the content tells the format.
			got, probs, err := register.ReadMSEL(bytes.NewReader(b.Bytes()), "export")
			if err != nil {
				t.Fatal(err)
			}
			if len(probs) != 0 {
				t.Errorf("problems reading our own file: %v", probs)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, want)
				for i := range min(len(got.Injects), len(want.Injects)) {
					if !reflect.DeepEqual(got.Injects[i], want.Injects[i]) {
						t.Errorf("inject %d:\n got %+v\nwant %+v", i, got.Injects[i], want.Injects[i])
					}
				}
			}
			// A second trip writes the same bytes (CSV) or the same scenario.
			var b2 bytes.Buffer
			if err := c.write(&b2, got); err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(c.name, ".csv") && !bytes.Equal(b.Bytes(), b2.Bytes()) {
				t.Error("writing the read scenario again gives other bytes")
			}
		})
	}
}

// ourCSV is fullScenario, without line breaks in its texts, as CSV
// lines: one row each.
func ourCSV(t *testing.T) []string {
	t.Helper()
	sc := fullScenario()
	sc.Description.Text = "one line"
	sc.Injects[0].Message.TextEn = "SD-19 smoke"
	sc.Injects[0].Notes = "no break"
	var b bytes.Buffer
	if err := register.WriteMSELCSV(&b, sc); err != nil {
		t.Fatal(err)
	}
	return strings.Split(b.String(), "\r\n")
}

func TestStrictRefusesBrokenOwnFile(t *testing.T) {
	lines := ourCSV(t)
	header := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "number,time,") {
			header = i
		}
	}
	if header < 0 {
		t.Fatal("no header in our own CSV")
	}
	row := func(i int) int { return header + 2 + i } // the spreadsheet row of inject i
	cases := []struct {
		name string
		edit func(l []string)
		want string
	}{
		{"bad time", func(l []string) { l[header+1] = strings.Replace(l[header+1], "t+00:00", "12:7x", 1) },
			fmt.Sprintf(`msel.csv: row %d, column "time": "12:7x" is not a time`, row(0))},
		{"duplicate number", func(l []string) { l[header+3] = strings.Replace(l[header+3], "2,", "1,", 1) },
			fmt.Sprintf(`msel.csv: row %d, column "number": 1 repeated (first in row %d)`, row(2), row(0))},
		{"unknown location code", func(l []string) { l[header+1] = strings.Replace(l[header+1], ",SD-19,,", ",SD-99,,", 1) },
			""},
		{"bad severity", func(l []string) { l[header+1] = strings.Replace(l[header+1], "severe", "hot", 1) },
			fmt.Sprintf(`row %d, column "severity": "hot" is not one of`, row(0))},
		{"bad deadline", func(l []string) { l[header+1] = strings.Replace(l[header+1], "1m30s", "soon", 1) },
			fmt.Sprintf(`row %d, column "expect assign": "soon" is not a duration`, row(0))},
		{"condition on a missing inject", func(l []string) { l[header+2] = strings.Replace(l[header+2], ",1,ack,", ",9,ack,", 1) },
			fmt.Sprintf(`row %d, column "condition after": inject "9" is not in the MSEL`, row(1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := append([]string(nil), lines...)
			c.edit(l)
			text := strings.Join(l, "\r\n")
			if text == strings.Join(lines, "\r\n") {
				t.Fatal("the edit changed nothing")
			}
			codes := func(code string) bool { return code == "SD-19" }
			if c.name == "unknown location code" {
				c.want = fmt.Sprintf(`msel.csv: row %d, column "location code": location code "SD-99" is not a feature of this community`, row(0))
			}
			_, _, err := register.ReadMSELWith(strings.NewReader(text), "msel.csv", register.ReadOptions{Codes: codes})
			if err == nil || !errors.Is(err, register.ErrRefused) {
				t.Fatalf("accepted (%v)", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
		})
	}
}

func TestForeignFileProblems(t *testing.T) {
	csv := "MSEL #,Real Time,Player,SENT FROM,Subject,Script,Location,Severity,Photo\n" +
		"1,07:29 PM,Information Security,AWS,Files,We detected files,GATE-N,Minor,http://x/1.png\n" +
		"2,07:31 PM,SRE,SOC,Phishing,Many emails,Gate C,hot,\n" +
		"5,07:32 PM,PR/Comm,h4x0r,Encrypted,Pay up,,,\n" +
		"5,07:32 PM,SRE,h4x0r,Encrypted,Pay up,,,\n" +
		"5,07:32 PM,SRE,h4x0r,Encrypted,Pay up,,,\n" +
		"5,07:40 PM,Legal,h4x0r,Encrypted again,Pay more,,,\n" +
		"6,7:6x,People,NYT,Breach,Question,,,\n" +
		",,,,,,,,\n" +
		",,,,,,,,Legend: red = real\n"
	codes := func(c string) bool { return c == "GATE-N" }
	sc, probs, err := register.ReadMSELWith(strings.NewReader(csv), "foreign.csv", register.ReadOptions{Codes: codes})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, in := range sc.Injects {
		numbers = append(numbers, in.Number)
	}
	if got := strings.Join(numbers, " "); got != "1 2 5 5 (2) 6" {
		t.Fatalf("numbers %q", got)
	}
	in := byNumber(sc)
	if in["1"].LocationCode != "GATE-N" || in["1"].Location != "" || in["1"].Severity != "minor" {
		t.Errorf("inject 1: code %q, location %q, severity %q", in["1"].LocationCode, in["1"].Location, in["1"].Severity)
	}
	if in["2"].LocationCode != "" || in["2"].Location != "Gate C" || in["2"].Severity != "" {
		t.Errorf("inject 2: code %q, location %q, severity %q", in["2"].LocationCode, in["2"].Location, in["2"].Severity)
	}
	if in["5"].To != "PR/Comm; SRE" || in["5 (2)"].To != "Legal" || in["5 (2)"].Offset != 11*time.Minute {
		t.Errorf("repeated 5: %q, %q at %v", in["5"].To, in["5 (2)"].To, in["5 (2)"].Offset)
	}
	if in["6"].Timed {
		t.Errorf("inject 6 with a bad time is timed at %v", in["6"].Offset)
	}
	if !strings.Contains(in["1"].Notes, "Photo: http://x/1.png") {
		t.Errorf("unknown column not kept: %q", in["1"].Notes)
	}
	for _, want := range []string{
		`row 3, column "Location": location "Gate C" is not a feature of this community; kept without a place`,
		`row 3, column "Severity": "hot" is not one of`,
		`row 5, column "Player": inject 5 repeated for recipient "SRE"; merged into the inject of row 4`,
		`row 7, column "MSEL #": 5 repeated (first in row 4) with other content; renumbered "5 (2)"`,
		`row 8, column "Real Time": "7:6x" is not a time`,
		`row 10: not an inject`,
	} {
		if !hasProblem(probs, want) {
			t.Errorf("no problem says %q:\n%v", want, probs)
		}
	}
	// Strict reading of the same file refuses it.
	_, _, err = register.ReadMSELWith(strings.NewReader(csv), "foreign.csv", register.ReadOptions{Codes: codes, Mode: register.ModeStrict})
	if !errors.Is(err, register.ErrRefused) || !strings.Contains(err.Error(), `row 8, column "Real Time"`) {
		t.Errorf("strict: %v", err)
	}
}

func TestChineseHeadersAndGB18030(t *testing.T) {
	csv := "序号,时间,发送方,接收方,方式,主题,内容/信息,预期行动,地点编码\n" +
		"1,t+00:00,消控室,微型消防站,对讲机,烟感报警,3号楼烟感报警,1分钟内确认,SD-19\n" +
		"2,t+01:30,居民,值班员,电话,居民来电,车棚冒烟,派员到场,\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"utf-8": "\uFEFF" + csv, "gb18030": gb, "semicolons": strings.ReplaceAll(csv, ",", ";")} {
		t.Run(name, func(t *testing.T) {
			sc, _, err := register.ReadMSEL(strings.NewReader(text), "演练.csv")
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Injects) != 2 {
				t.Fatalf("%d injects", len(sc.Injects))
			}
			x := sc.Injects[0]
			if x.From != "消控室" || x.To != "微型消防站" || x.Method != "对讲机" || x.Title.Text != "烟感报警" || x.Message.Text != "3号楼烟感报警" ||
				x.ExpectedAction.Text != "1分钟内确认" || x.LocationCode != "SD-19" {
				t.Errorf("inject 1: %+v", x)
			}
			if y := sc.Injects[1]; !y.Timed || y.Offset != 90*time.Second {
				t.Errorf("inject 2 at %v", y.Offset)
			}
		})
	}
}

func TestParseTimes(t *testing.T) {
	cases := []struct {
		cell string
		want time.Duration // offset from the first row, 10:00 (or t+00:00)
		bad  bool
	}{
		{"t+05:30", 5*time.Minute + 30*time.Second, false},
		{"T+1:02:03", time.Hour + 2*time.Minute + 3*time.Second, false},
		{"t+90:00", 90 * time.Minute, false},
		{"t+90s", 90 * time.Second, false},
		{"t+00:01.5", 1500 * time.Millisecond, false},
		{"t+5:7x", 0, true},
		{"t-01:00", 0, true},
		{"90:00", 90 * time.Minute, false},
	}
	for _, c := range cases {
		csv := "number,time,subject\n0,t+00:00,start\n1," + c.cell + ",x\n"
		sc, probs, err := register.ReadMSEL(strings.NewReader(csv), "t.csv")
		if err != nil {
			t.Errorf("%s: %v", c.cell, err)
			continue
		}
		x := sc.Injects[1]
		if c.bad {
			if x.Timed || !hasProblem(probs, "row 3") {
				t.Errorf("%s: read as %v (%v)", c.cell, x.Offset, probs)
			}
			continue
		}
		if !x.Timed || x.Offset != c.want {
			t.Errorf("%s: %v, want %v", c.cell, x.Offset, c.want)
		}
	}
	clocks := []struct {
		cell string
		want time.Duration
	}{
		{"10:00", 0}, {"10:30", 30 * time.Minute}, {"10:30:15", 30*time.Minute + 15*time.Second}, {"07:29 PM", 9*time.Hour + 29*time.Minute},
		{"12:00 am", 0}, {"0.4583333333333333", time.Hour}, {"2019-03-01 11:00", time.Hour},
	}
	for _, c := range clocks {
		first := "10:00"
		if strings.Contains(c.cell, "2019") {
			first = "2019-03-01 10:00"
		}
		if c.cell == "12:00 am" {
			first = "00:00"
		}
		csv := "number,time,subject\n0," + first + ",start\n1," + c.cell + ",x\n"
		sc, _, err := register.ReadMSEL(strings.NewReader(csv), "t.csv")
		if err != nil {
			t.Errorf("%s: %v", c.cell, err)
			continue
		}
		if x := sc.Injects[1]; !x.Timed || x.Offset != c.want {
			t.Errorf("%s after %s: %v, want %v", c.cell, first, x.Offset, c.want)
		}
	}
}

func TestDays(t *testing.T) {
	csv := "number,Day,time,subject\n1,1,10:00,a\n2,Day 2,09:00,b\n3,2,,c\n4,soon,,d\n"
	sc, probs, err := register.ReadMSEL(strings.NewReader(csv), "days.csv")
	if err != nil {
		t.Fatal(err)
	}
	in := sc.Injects
	if in[0].Offset != 0 || in[1].Offset != 23*time.Hour || in[2].Timed || in[2].Notes != "Day: 2" || in[3].Notes != "Day: soon" {
		t.Errorf("days: %v %v %v %q %q", in[0].Offset, in[1].Offset, in[2].Timed, in[2].Notes, in[3].Notes)
	}
	if !hasProblem(probs, `row 5, column "Day": "soon" is not a day number`) {
		t.Errorf("problems: %v", probs)
	}
}

func TestNotAnMSEL(t *testing.T) {
	for name, text := range map[string]string{
		"no header":   "a,b,c\n1,2,3\n",
		"no injects":  "number,time,subject\n,,\n",
		"empty":       "",
		"xls":         "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
		"not a zip":   "PK\x03\x04garbage",
		"binary junk": "\x00\xff\xfe\x80",
	} {
		if _, _, err := register.ReadMSEL(strings.NewReader(text), "f.csv"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := register.ReadMSELWith(strings.NewReader("number,time,subject\n1,,x\n"), "f.csv", register.ReadOptions{Sheet: "A"}); err == nil {
		t.Error("a sheet of a CSV file accepted")
	}
}

func TestWriteRefusesWhatItCannotWrite(t *testing.T) {
	sc := fullScenario()
	sc.Injects[0].Message.Text = strings.Repeat("x", 40000)
	if err := register.WriteMSELXLSX(&bytes.Buffer{}, sc); err == nil {
		t.Error("a text over Excel's cell limit written")
	}
	sc = fullScenario()
	sc.Injects[0].Geometry = orb.Point{math.NaN(), 0}
	if err := register.WriteMSELCSV(&bytes.Buffer{}, sc); err == nil {
		t.Error("a NaN coordinate written")
	}
}

func FuzzReadMSELCSV(f *testing.F) {
	var b bytes.Buffer
	if err := register.WriteMSELCSV(&b, fullScenario()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	var x bytes.Buffer
	sc := fullScenario()
	sc.Injects = sc.Injects[:2]
	if err := register.WriteMSELXLSX(&x, sc); err != nil {
		f.Fatal(err)
	}
	f.Add(x.Bytes())
	f.Add([]byte("MSEL #,Real Time,Player,SENT FROM,Subject,Script,Location\n1,07:29 PM,A,B,C,D,E\n1,0.5,A,B,C,D,E\n,,,,,,legend\n"))
	f.Add([]byte("序号,时间,发送方,接收方,主题\n1,t+00:00,a,b,c\n2,10:00,a,b,c\n"))
	f.Add([]byte("number,time,kind,expect ack,condition after,condition missing,condition within\n1,t+1:00,contingent,1m,2,ack,5s\n2,,,,1,resolve,x\n"))
	f.Add([]byte(`[{"#": 1, "Real Time": "07:29 PM", "Subject": "a", "Player": "b", "Script": "c\n", "Poll": null, "x": {"y": [1]}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []register.Mode{register.ModeAuto, register.ModeLenient, register.ModeStrict} {
			sc, _, err := register.ReadMSELWith(bytes.NewReader(data), "fuzz.csv", register.ReadOptions{Mode: mode, Codes: func(c string) bool { return len(c)%2 == 0 }})
			if err != nil {
				continue
			}
			if errs := sc.Validate(nil); len(errs) > 0 {
				t.Fatalf("a scenario read without error does not validate: %v", errs)
			}
			var out bytes.Buffer
			if err := register.WriteMSELCSV(&out, sc); err != nil {
				t.Fatalf("a scenario read cannot be written: %v", err)
			}
			back, _, err := register.ReadMSEL(bytes.NewReader(out.Bytes()), "back.csv")
			if err != nil {
				t.Fatalf("our own file of a read scenario is refused: %v", err)
			}
			if !reflect.DeepEqual(back.Injects, sc.Injects) {
				t.Fatalf("round trip of a read scenario differs:\n%+v\n%+v", back.Injects, sc.Injects)
			}
		}
	})
}
