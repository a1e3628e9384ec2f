package rules

import (
	"reflect"
	"strings"
	"testing"

	"safetynet/feeds/event"
)

const sampleJSON = `[
  {"id": "gate-s-absence", "kind": "absence", "zone": "KA-GATE-S", "minutes": 30},
  {"id": "ebike-in", "kind": "enter", "name": "Someone at the e-bike shed", "zone": "KA-EBIKE", "units": "track.", "severity": "severe"},
  {"id": "ebike-out", "kind": "leave", "zone": "KA-EBIKE", "disabled": true},
  {"id": "coverage", "kind": "camera_coverage", "min_share": 0.75},
  {"id": "cp", "kind": "checkpoint", "route": "PR-1", "minutes": 5.5}
]`

func sampleRules() []Rule {
	return []Rule{
		{ID: "gate-s-absence", Kind: Absence, Zone: "KA-GATE-S", Minutes: 30},
		{ID: "ebike-in", Kind: Enter, Name: "Someone at the e-bike shed", Zone: "KA-EBIKE", Units: "track.", Severity: event.Severe},
		{ID: "ebike-out", Kind: Leave, Zone: "KA-EBIKE", Disabled: true},
		{ID: "coverage", Kind: CameraCoverage, MinShare: 0.75},
		{ID: "cp", Kind: Checkpoint, Route: "PR-1", Minutes: 5.5},
	}
}

func TestParse(t *testing.T) {
	got, err := Parse([]byte(sampleJSON))
	if err != nil {
		t.Fatal(err)
	}
	if want := sampleRules(); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", got, want)
	}
	for _, empty := range []string{"[]", "null", " [ ] "} {
		if rs, err := Parse([]byte(empty)); err != nil || len(rs) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no rules", empty, rs, err)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	in := sampleRules()
	in = append(in, Rule{ID: "zh", Kind: Enter, Name: "南门 <入口> & 出口", Zone: "区-1"})
	data := Format(in)
	out, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(Format(r)): %v\n%s", err, data)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	if !strings.Contains(string(data), "\n  {\n    \"id\": \"gate-s-absence\",") {
		t.Errorf("Format is not indented JSON:\n%s", data)
	}
	if strings.Contains(string(data), "units") && !strings.Contains(string(data), `"units": "track."`) {
		t.Errorf("Format writes default fields:\n%s", data)
	}
	if s := string(Format(nil)); strings.TrimSpace(s) != "[]" {
		t.Errorf("Format(nil) = %q, want []", s)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"not an array", `{"id":"a"}`, []string{"not a JSON array"}},
		{"bad json", `[{"id":"a",}]`, []string{"not a JSON array"}},
		{"unknown kind", `[{"id":"a","kind":"absence","zone":"Z","minutes":1},{"id":"b","kind":"teleport"}]`, []string{`rules[1] (id "b")`, `kind "teleport"`}},
		{"missing kind", `[{"id":"a"}]`, []string{`rules[0] (id "a")`, "kind is missing"}},
		{"missing zone", `[{"id":"gate","kind":"enter"}]`, []string{`rules[0] (id "gate")`, "zone is missing"}},
		{"blank zone", `[{"id":"gate","kind":"leave","zone":"  "}]`, []string{"zone is missing"}},
		{"negative minutes", `[{"id":"late","kind":"checkpoint","minutes":-5}]`, []string{`(id "late")`, "minutes -5 is negative"}},
		{"absence without minutes", `[{"id":"abs","kind":"absence","zone":"Z"}]`, []string{`(id "abs")`, "minutes is missing"}},
		{"too many minutes", `[{"id":"abs","kind":"absence","zone":"Z","minutes":1e9}]`, []string{"more than 10080"}},
		{"min_share above 1", `[{"id":"cov","kind":"camera_coverage","min_share":80}]`, []string{`(id "cov")`, "min_share 80 is outside 0..1"}},
		{"min_share negative", `[{"id":"cov","kind":"camera_coverage","min_share":-0.1}]`, []string{"min_share -0.1 is outside 0..1"}},
		{"duplicate id", `[{"id":"x","kind":"camera_coverage"},{"id":"y","kind":"camera_coverage"},{"id":"x","kind":"checkpoint"}]`, []string{`rules[2] (id "x")`, "duplicate id", "rules[0]"}},
		{"unknown field", `[{"id":"g","kind":"enter","zone":"Z","zonee":"Q"}]`, []string{`rules[0] (id "g")`, `unknown field "zonee"`}},
		{"wrong type", `[{"id":"g","kind":"absence","zone":"Z","minutes":"30"}]`, []string{`rules[0] (id "g")`, "minutes"}},
		{"missing id", `[{"kind":"checkpoint"}]`, []string{"rules[0]", "id is missing"}},
		{"bad id", `[{"id":"a b","kind":"checkpoint"}]`, []string{"rules[0]", `id "a b" may hold only`}},
		{"id not a string", `[{"id":7,"kind":"checkpoint"}]`, []string{"rules[0]:", "id"}},
		{"null rule", `[null]`, []string{"rules[0]", "null is not a rule"}},
		{"zone on checkpoint", `[{"id":"c","kind":"checkpoint","zone":"Z"}]`, []string{"zone does not apply to checkpoint"}},
		{"route on enter", `[{"id":"c","kind":"enter","zone":"Z","route":"PR-1"}]`, []string{"route does not apply to enter"}},
		{"minutes on leave", `[{"id":"c","kind":"leave","zone":"Z","minutes":3}]`, []string{"minutes does not apply to leave"}},
		{"bad severity", `[{"id":"c","kind":"checkpoint","severity":"awful"}]`, []string{`severity "awful"`}},
		{"control character", `[{"id":"c","kind":"enter","zone":"Z\u0007"}]`, []string{"zone", "control character"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("Parse accepted %s: %+v", tc.in, rs)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
