package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCI: the CI variable's usual spellings.
func TestCI(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{{"", false}, {"false", false}, {"0", false}, {"FALSE", false}, {"true", true}, {"1", true}, {"yes", true}} {
		t.Setenv("CI", tc.v)
		if got := CI(); got != tc.want {
			t.Errorf("CI=%q: CI() = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestMissingFailsInCI runs this package's test binary again on a test
// that asks for absent data, a tool and a font: with CI=true each fails,
// naming what is missing; without CI each is skipped with the reason.
func TestMissingFailsInCI(t *testing.T) {
	if os.Getenv("TESTENV_PROBE") != "" {
		t.Skip("only the probe runs here")
	}
	for _, probe := range []string{"TestProbeSharedData", "TestProbeTool", "TestProbeFont"} {
		for _, ci := range []string{"true", ""} {
			cmd := exec.Command(os.Args[0], "-test.run", "^"+probe+"$", "-test.v")
			cmd.Env = append(os.Environ(), "TESTENV_PROBE=1", "CI="+ci)
			out, err := cmd.CombinedOutput()
			if ci != "" {
				if err == nil || !strings.Contains(string(out), "--- FAIL: "+probe) || !strings.Contains(string(out), "no-such") {
					t.Errorf("%s with CI=true: %v\n%s", probe, err, out)
				}
			} else if err != nil || !strings.Contains(string(out), "--- SKIP: "+probe) || !strings.Contains(string(out), "no-such") {
				t.Errorf("%s without CI: %v\n%s", probe, err, out)
			}
		}
	}
}

func probe(t *testing.T) {
	if os.Getenv("TESTENV_PROBE") == "" {
		t.Skip("run by TestMissingFailsInCI")
	}
}

func TestProbeSharedData(t *testing.T) {
	probe(t)
	SharedData(t, "no-such/file.osm")
	t.Error("SharedData returned for a missing file")
}

func TestProbeTool(t *testing.T) {
	probe(t)
	Tool(t, "no-such-tool-of-safetynet")
	t.Error("Tool returned for a missing tool")
}

func TestProbeFont(t *testing.T) {
	probe(t)
	Font(t, filepath.Join(t.TempDir(), "no-such.ttc"))
	t.Error("Font returned for a missing font")
}
