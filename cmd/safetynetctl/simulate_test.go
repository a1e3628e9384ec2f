package main

import (
	"path/filepath"
	"strings"
	"testing"

	"safetynet/feeds/console"
	"safetynet/feeds/event"
)

// TestSimulateFlagsAndDrillEnd: the alarm flags are checked, an
// accelerated run sends its alarms and false alarms through the hub, and
// a drill run ends with drill.end naming the drill, after every other
// event of it.
func TestSimulateFlagsAndDrillEnd(t *testing.T) {
	th := startHub(t)
	db := filepath.Join(t.TempDir(), "demo.gpkg")
	mustCtl(t, "demo", "--db", db)
	hubArgs := []string{"--db", db, "--hub", th.url, "--token", th.publisher}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"negative rate", []string{"--alarms-per-hour", "-1"}, "--alarms-per-hour"},
		{"false share over 1", []string{"--false-share", "1.5"}, "--false-share"},
		{"shares over 1", []string{"--extreme-share", "0.6", "--severe-share", "0.6"}, "--severe-share"},
		{"no time", []string{"--accel", "0"}, "--accel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := ctl(t, append(append([]string{"simulate"}, hubArgs...), tc.args...)...)
			if code != 2 || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output %q; want 2 naming %s", code, out, tc.want)
			}
		})
	}
	out := mustCtl(t, append(append([]string{"simulate"}, hubArgs...), "--duration", "2s", "--rate", "50", "--accel", "7200",
		"--seed", "5", "--drill")...)
	if !strings.Contains(out, "0 refused") || !strings.Contains(out, "1 drill.end") {
		t.Errorf("summary: %s", out)
	}
	es := th.events(t)
	alarms, falses := 0, 0
	for _, e := range es {
		switch {
		case e.Op == event.Cancel, strings.HasSuffix(e.Type, ".normal"):
			falses++
		case e.Properties["repeat"] != true && (strings.HasPrefix(e.Type, "intrusion.") || strings.HasPrefix(e.Type, "access.") ||
			e.Type == "fire.smoke" || e.Type == "equipment.fault"):
			alarms++
		}
	}
	if alarms < 2 || falses == 0 {
		t.Errorf("2 s at 7200 times real time: %d alarms, %d false; want a few and some false", alarms, falses)
	}
	last := es[len(es)-1]
	if last.Type != console.TypeDrillEnd || last.Status != event.Exercise || last.Properties["drill"] == nil ||
		last.Properties["drill"] != es[0].Properties["drill"] {
		t.Errorf("the drill's last event: %s %s %v; first %v", last.Type, last.Status, last.Properties, es[0].Properties)
	}
	for _, e := range es[:len(es)-1] {
		if e.Type == console.TypeDrillEnd {
			t.Errorf("drill.end %s before the end", e.ID)
		}
	}
}
