package drill

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/paulmach/orb"

	"safetynet/data/store"
	"safetynet/ui/locale"
)

// useEnglish gives the test a test app and English strings.
func useEnglish(t *testing.T) {
	t.Helper()
	for _, name := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(name, "")
	}
	t.Setenv("LANG", "en_US.UTF-8")
	if err := locale.Use(locale.English); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// sampleScenario is a fire in the e-bike shed: ten injects, one of them
// a contingency, one untimed.
func sampleScenario() store.Scenario {
	m := time.Minute
	exp := store.Expect{AckWithin: time.Minute, OnSceneWithin: 3 * time.Minute}
	return store.Scenario{
		Code: "DR-FIRE-SHED", Names: store.Names{NameZh: "电动车棚火灾", NameEn: "Fire in the e-bike shed"},
		Norm: store.NormMFS135, Exercises: "KA-EBIKE",
		Objectives: []store.Objective{{Code: "O1", Text: store.Texts{Text: "Alarm acknowledged within 1 minute"}}, {Code: "O2", Text: store.Texts{Text: "On scene within 3 minutes"}}},
		Injects: []store.Inject{
			{Number: "1", Offset: 0, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "severe", Format: store.FormatJSON, LocationCode: "KA-EBIKE", Expect: exp, Objective: "O1"},
			{Number: "2", Offset: 2 * m, Timed: true, Kind: store.InjectContextual, Type: "camera.offline", Severity: "minor", Format: store.FormatJSON, LocationCode: "CAM-012"},
			{Number: "3", Offset: 3 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.heat", Severity: "extreme", Format: store.FormatCAP, Geometry: orb.Point{121.6003, 31.2001}, Expect: exp, Objective: "O2"},
			{Number: "3-A", Timed: false, Kind: store.InjectContingent, Type: "fire.alarm", Severity: "extreme", Format: store.FormatJSON,
				Condition: &store.Condition{After: "3", Missing: store.StepOnScene, Within: 3 * m}},
			{Number: "4", Offset: 5 * m, Timed: true, Kind: store.InjectPrimary, Type: "medical.emergency", Severity: "severe", Format: store.FormatCoT, LocationCode: "GATE-N"},
			{Number: "5", Offset: 6*m + 30*time.Second, Timed: true, Kind: store.InjectContextual, Type: "access.held_open", Severity: "moderate", Format: store.FormatJSON, LocationCode: "GATE-E"},
			{Number: "6", Offset: 8 * m, Timed: true, Kind: store.InjectPrimary, Type: "intrusion.perimeter", Severity: "severe", Format: store.FormatJSON, LocationCode: "KA-PER-N"},
			{Number: "7", Offset: 10 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.alarm", Severity: "severe", Format: store.FormatCAP, LocationCode: "KA-PLAY"},
			{Number: "8", Offset: 12 * m, Timed: true, Kind: store.InjectContextual, Type: "equipment.fault", Severity: "minor", Format: "", Method: "phone"},
			{Number: "9", Offset: 15 * m, Timed: true, Kind: store.InjectPrimary, Type: "fire.smoke", Severity: "moderate", Format: store.FormatJSON, LocationCode: "KA-SQUARE"},
		},
	}
}
