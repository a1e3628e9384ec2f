package drill

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/data/store"
)

func TestClock(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Duration
		bad  bool
	}{
		{"t plus", "t+05:30", 5*time.Minute + 30*time.Second, false},
		{"bare", "12:05", 12*time.Minute + 5*time.Second, false},
		{"minutes only", "7", 7 * time.Minute, false},
		{"hours", "t+1:02:03", time.Hour + 2*time.Minute + 3*time.Second, false},
		{"upper T", "T+00:10", 10 * time.Second, false},
		{"seconds 60", "t+01:60", 0, true},
		{"negative", "t+-1:00", 0, true},
		{"letters", "t+ab:cd", 0, true},
		{"empty", " ", 0, true},
		{"four fields", "1:2:3:4", 0, true},
		{"empty field", "5:", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseClock(tt.in)
			if (err != nil) != tt.bad {
				t.Fatalf("ParseClock(%q) error %v, want bad=%v", tt.in, err, tt.bad)
			}
			if !tt.bad && got != tt.want {
				t.Errorf("ParseClock(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for _, d := range []time.Duration{0, 5 * time.Second, 61 * time.Second, 59*time.Minute + 59*time.Second, 2*time.Hour + 5*time.Second} {
		s := FormatClock(d)
		if back, err := ParseClock(s); err != nil || back != d {
			t.Errorf("FormatClock(%v) = %q reads back as %v, %v", d, s, back, err)
		}
	}
	if s := FormatClock(-90 * time.Second); s != "t-01:30" {
		t.Errorf("FormatClock(-90 s) = %q", s)
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, {"90", 90 * time.Second, false}, {"1:30", 90 * time.Second, false},
		{"-5", 0, true}, {"1:5", 0, true}, {"x", 0, true}, {"1:75", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSpan(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v bad=%v", tt.in, got, err, tt.want, tt.bad)
		}
		if !tt.bad {
			if back, err := ParseSpan(FormatSpan(got)); err != nil || back != got {
				t.Errorf("FormatSpan(%v) = %q reads back as %v, %v", got, FormatSpan(got), back, err)
			}
		}
	}
}

// FuzzParseClock: any text either is refused or reads as a time that
// is not negative and formats back to itself.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"t+05:30", "12", "1:02:03", "t+-1", ":", "99999:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClock(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseClock(%q) = %v, negative", s, d)
		}
		back, err := ParseClock(FormatClock(d))
		if err != nil || back != d {
			t.Fatalf("ParseClock(%q) = %v; FormatClock gives %q, which reads as %v, %v", s, d, FormatClock(d), back, err)
		}
	})
}

// FuzzParseSpan: a deadline read is never negative and formats back to
// itself to the second.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"90", "1:30", "-1", "1e3", "0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseSpan(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseSpan(%q) = %v", s, d)
		}
		if d%time.Second == 0 {
			if back, err := ParseSpan(FormatSpan(d)); err != nil || back != d {
				t.Fatalf("ParseSpan(%q) = %v; FormatSpan gives %q, which reads as %v, %v", s, d, FormatSpan(d), back, err)
			}
		}
	})
}

func TestCheck(t *testing.T) {
	useEnglish(t)
	known := func(c string) bool { return c != "NOPE" }
	if ps := Check(sampleScenario(), known); len(ps) != 0 {
		t.Fatalf("the sample scenario has problems: %+v", ps)
	}
	tests := []struct {
		name   string
		edit   func(*sampleEdit)
		inject int
		field  string
		says   string
	}{
		{"duplicate number", func(e *sampleEdit) { e.in(4).Number = "1" }, 4, FieldNumber, "used by another"},
		{"empty number", func(e *sampleEdit) { e.in(2).Number = "" }, 2, FieldNumber, "number"},
		{"negative time", func(e *sampleEdit) { e.in(1).Offset = -time.Second }, 1, FieldTime, "before the start"},
		{"unknown code", func(e *sampleEdit) { e.in(0).LocationCode = "NOPE" }, 0, FieldLocation, "NOPE"},
		{"negative ack", func(e *sampleEdit) { e.in(0).Expect.AckWithin = -time.Second }, 0, FieldAck, "negative"},
		{"negative radius", func(e *sampleEdit) { e.in(0).Expect.OnSceneRadius = -1 }, 0, FieldRadius, "negative"},
		{"condition on nothing", func(e *sampleEdit) { e.in(3).Condition.After = "42" }, 3, FieldCondition, "42"},
		{"condition on itself", func(e *sampleEdit) { e.in(3).Condition.After = "3-A" }, 3, FieldCondition, "itself"},
		{"contingency without condition", func(e *sampleEdit) { e.in(3).Condition = nil }, 3, FieldCondition, "condition"},
		{"unknown objective", func(e *sampleEdit) { e.in(0).Objective = "O9" }, 0, FieldObjective, "O9"},
		{"bad type", func(e *sampleEdit) { e.in(0).Type = "Fire Smoke" }, 0, FieldType, "dotted"},
		{"no code", func(e *sampleEdit) { e.sc.Code = "" }, -1, FieldCode, "code"},
		{"no name", func(e *sampleEdit) { e.sc.Names = store.Names{} }, -1, FieldName, "name"},
		{"objective twice", func(e *sampleEdit) { e.sc.Objectives[1].Code = "O1" }, -1, FieldObjectives, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &sampleEdit{sc: sampleScenario()}
			tt.edit(e)
			ps := Check(e.sc, known)
			found := false
			for _, p := range ps {
				if p.Inject == tt.inject && p.Field == tt.field && strings.Contains(p.Text, tt.says) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem in inject %d field %s saying %q: %+v", tt.inject, tt.field, tt.says, ps)
			}
		})
	}
}

// sampleEdit edits a copy of the sample scenario.
type sampleEdit struct{ sc store.Scenario }

func (e *sampleEdit) in(i int) *store.Inject { return &e.sc.Injects[i] }

func TestSortInjects(t *testing.T) {
	m := time.Minute
	ins := []store.Inject{
		{Number: "0"}, // nothing timed before it: first
		{Number: "3", Offset: 3 * m, Timed: true},
		{Number: "3-A"}, // follows 3
		{Number: "1", Offset: m, Timed: true},
		{Number: "2", Offset: 2 * m, Timed: true},
	}
	order := SortInjects(ins)
	var got []string
	for _, in := range ins {
		got = append(got, in.Number)
	}
	if want := "0 1 2 3 3-A"; strings.Join(got, " ") != want {
		t.Errorf("sorted %q, want %q", got, want)
	}
	if want := []int{0, 3, 4, 1, 2}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("old indices %v, want %v", order, want)
	}
}
