package demo

import (
	"reflect"
	"testing"

	"safetynet/data/store"
)

func TestScenarioUsesTheCommunity(t *testing.T) {
	sc := Scenario()
	codes := map[string]bool{}
	for _, f := range Community() {
		v := reflect.Indirect(reflect.ValueOf(f))
		if c := v.FieldByName("Code"); c.IsValid() && c.String() != "" {
			codes[c.String()] = true
		}
	}
	if n := len(sc.Injects); n < 8 || n > 12 {
		t.Errorf("%d injects, want 8 to 12", n)
	}
	if !codes[sc.Exercises] {
		t.Errorf("exercises %q is not a feature of the community", sc.Exercises)
	}
	numbers := map[string]bool{}
	for _, in := range sc.Injects {
		numbers[in.Number] = true
		if in.LocationCode != "" && !codes[in.LocationCode] {
			t.Errorf("inject %s: location %q is not a feature of the community", in.Number, in.LocationCode)
		}
		if in.LocationCode == "" && in.Geometry == nil && in.Location == "" {
			t.Errorf("inject %s has no place", in.Number)
		}
		if in.Title.TextZh == "" || in.Title.TextEn == "" || in.Message.TextZh == "" || in.Message.TextEn == "" {
			t.Errorf("inject %s lacks a Chinese or English text", in.Number)
		}
		if in.Format != "" && in.Type == "" {
			t.Errorf("inject %s is sent without a type", in.Number)
		}
	}
	if g := sc.Injects[4].Geometry; g == nil || g.Bound().Center()[0] < 121.604 {
		t.Errorf("inject 4 is not at Building 130: %v", g)
	}
	var contingent int
	for _, in := range sc.Injects {
		if c := in.Condition; c != nil {
			contingent++
			if !numbers[c.After] || c.Missing != store.StepAck {
				t.Errorf("inject %s: condition %+v", in.Number, *c)
			}
		}
	}
	if contingent != 1 {
		t.Errorf("%d contingency injects, want the escalation", contingent)
	}
	if !reflect.DeepEqual(sc, Scenario()) {
		t.Error("Scenario differs between calls")
	}
}
