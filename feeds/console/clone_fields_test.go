package console

import (
	"reflect"
	"slices"
	"testing"
)

// TestCloneKnowsEveryField: Clone copies the console field by field; a
// field added to Console, alertRec, Unit, Alert or chatter must be
// copied there too (deeply, when it is a map, slice or pointer), then
// listed here.
func TestCloneKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
	}{
		{Console{}, []string{"opt", "mu", "version", "lastSeq", "alerts", "units", "info", "ids", "gone", "changes", "saveErr",
			"folds", "sources", "rate", "recent"}},
		{alertRec{}, []string{"Alert", "resolvedAt", "key", "folded", "opened", "openedFor"}},
		{Unit{}, []string{"Subject", "Event", "Trail", "Stale", "LastSeen", "Warning"}},
		{chatter{}, []string{"times", "on", "last"}},
		{rate{}, []string{"b"}},
	} {
		typ := reflect.TypeOf(c.v)
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s has fields %v; Clone copies %v: copy the new ones in Clone", typ.Name(), got, c.want)
		}
	}
	// Alert's slices: Actions only.
	typ := reflect.TypeOf(Alert{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		if k := f.Type.Kind(); (k == reflect.Slice || k == reflect.Map || k == reflect.Pointer) && f.Name != "Actions" {
			t.Errorf("Alert.%s is a %s: Clone must copy it", f.Name, k)
		}
	}
}
