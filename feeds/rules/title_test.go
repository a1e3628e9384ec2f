package rules

import (
	"testing"
	"time"

	"safetynet/feeds/event"
)

// TestTitlesInChinese: with Language "zh" the titles of every kind of
// raised event are Chinese, with the numbers and names in their places;
// the same stream in English gives the English titles.
func TestTitlesInChinese(t *testing.T) {
	for _, tt := range []struct {
		lang string
		want map[string]string
	}{
		{"zh", map[string]string{
			TypeCoverageDrop:     "North Gate：摄像机 CAM-1 离线，覆盖率降至 65%",
			TypeMissedCheckpoint: "Team 1 漏巡巡更点 CP-2",
			TypeZoneEnter:        "Team of patrol:U7 进入 North Gate",
			TypeZoneLeave:        "Team of patrol:U7 离开 North Gate",
			TypeAbsence:          "North Gate 已 30 min 无人巡逻",
		}},
		{"en", map[string]string{
			TypeCoverageDrop:     "North Gate: coverage 65% with camera CAM-1 offline",
			TypeMissedCheckpoint: "Team 1 missed checkpoint CP-2",
			TypeZoneEnter:        "Team of patrol:U7 entered North Gate",
			TypeZoneLeave:        "Team of patrol:U7 left North Gate",
			TypeAbsence:          "No unit at North Gate for 30 min",
		}},
	} {
		env := testEnv()
		env.Language = tt.lang
		env.Coverage = &fakeCoverage{base: map[string]float64{"KA-A": 0.9},
			loss: map[string]map[string]float64{"CAM-1": {"KA-A": 0.25}}, off: map[string]bool{}}
		g := newEngine(t, []Rule{
			{ID: "cov", Kind: CameraCoverage},
			{ID: "in", Kind: Enter, Zone: "KA-A"},
			{ID: "out", Kind: Leave, Zone: "KA-A"},
			{ID: "empty", Kind: Absence, Zone: "KA-A", Minutes: 30},
			{ID: "rounds", Kind: Checkpoint, Route: "PR-1"},
		}, env)
		var raised []event.Event
		observe := func(e event.Event) { raised = append(raised, g.Observe(e, e.Time)...) }
		observe(camEvent("camera.offline", "CAM-1", at(time.Minute)))
		observe(pos("patrol:U7", at(2*time.Minute), outA))
		observe(pos("patrol:U7", at(3*time.Minute), inA))
		observe(pos("patrol:U7", at(4*time.Minute), outA))
		raised = append(raised, g.Tick(at(40*time.Minute))...)
		observe(cpEvent("PR-1", "CP-1", 1, at(41*time.Minute)))
		observe(cpEvent("PR-1", "CP-3", 3, at(42*time.Minute)))
		got := map[string]string{}
		for _, e := range raised {
			if _, seen := got[e.Type]; !seen {
				got[e.Type] = e.Title
			}
		}
		for typ, want := range tt.want {
			if got[typ] != want {
				t.Errorf("%s %s: title %q, want %q", tt.lang, typ, got[typ], want)
			}
		}
	}
}
