package dori

import (
	"errors"
	"math"
	"testing"
)

func TestHFOV(t *testing.T) {
	// docs/STANDARDS.md: a 1/2.8" sensor 5.6 mm wide.
	tests := []struct {
		name  string
		w, f  float64
		about float64 // degrees, as the table rounds it
	}{
		{"2.8 mm: about 90°", 5.6, 2.8, 90},
		{"4 mm: about 70°", 5.6, 4, 70},
		{"6 mm: about 50°", 5.6, 6, 50},
		{"12 mm: about 26°", 5.6, 12, 26},
		{"no lens", 5.6, 0, 0},
		{"no sensor", 0, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := HFOV(tc.w, tc.f)
			if math.Abs(got-tc.about) > 0.5 {
				t.Errorf("HFOV(%v, %v) = %.2f°, want about %v°", tc.w, tc.f, got, tc.about)
			}
		})
	}
	// Exactly: 2 atan(5.6 / 5.6) = 90°.
	if got := HFOV(5.6, 2.8); math.Abs(got-90) > 1e-12 {
		t.Errorf("HFOV(5.6, 2.8) = %v, want 90", got)
	}
}

func TestRecogniseDistances(t *testing.T) {
	// The "recognise to" column of docs/STANDARDS.md, rounded as there.
	tests := []struct {
		name string
		f    float64
		px   int
		want float64
	}{
		{"2.8 mm 1920 px", 2.8, 1920, 7.7}, {"2.8 mm 2560 px", 2.8, 2560, 10.2}, {"2.8 mm 3840 px", 2.8, 3840, 15.4},
		{"4 mm 1920 px", 4, 1920, 11}, {"4 mm 2560 px", 4, 2560, 14.6}, {"4 mm 3840 px", 4, 3840, 21.9},
		{"6 mm 1920 px", 6, 1920, 16.5}, {"6 mm 2560 px", 6, 2560, 22}, {"6 mm 3840 px", 6, 3840, 33},
		{"12 mm 1920 px", 12, 1920, 33}, {"12 mm 2560 px", 12, 2560, 44}, {"12 mm 3840 px", 12, 3840, 66},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Distance(125, tc.px, HFOV(5.6, tc.f))
			if math.Abs(got-tc.want)/tc.want > 0.01 {
				t.Errorf("Distance = %.2f m, want about %v m", got, tc.want)
			}
			// And back: the density at that distance is the level's.
			if ppm := PPM(got, tc.px, HFOV(5.6, tc.f)); math.Abs(ppm-125) > 1e-9 {
				t.Errorf("PPM at the far edge = %v, want 125", ppm)
			}
		})
	}
}

func TestPanoramic(t *testing.T) {
	// 360°, 3600 px: 1 px per 0.1°; at 10/(2π) m the circle is 10 m long.
	d := 10 / (2 * math.Pi)
	if got := PPM(d, 3600, 360); math.Abs(got-360) > 1e-9 {
		t.Errorf("PPM = %v, want 360", got)
	}
	if got := Distance(360, 3600, 360); math.Abs(got-d) > 1e-12 {
		t.Errorf("Distance = %v, want %v", got, d)
	}
}

func TestBlindZoneHorizon(t *testing.T) {
	tests := []struct {
		name           string
		h, tilt, vfov  float64
		blind, horizon float64
	}{
		{"45° down edge: blind = height", 3, 30, 30, 3, 3 / math.Tan(15*math.Pi/180)},
		{"top edge at the horizon", 4, 15, 30, 4 / math.Tan(30*math.Pi/180), math.Inf(1)},
		{"looking straight down", 5, 80, 30, 0, 5 / math.Tan(65*math.Pi/180)},
		{"looking up: no ground", 3, -30, 20, math.Inf(1), math.Inf(1)},
		{"on the ground", 0, 10, 30, 0, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BlindZone(tc.h, tc.tilt, tc.vfov); !same(got, tc.blind) {
				t.Errorf("BlindZone = %v, want %v", got, tc.blind)
			}
			if got := Horizon(tc.h, tc.tilt, tc.vfov); !same(got, tc.horizon) {
				t.Errorf("Horizon = %v, want %v", got, tc.horizon)
			}
		})
	}
}

func same(a, b float64) bool {
	if math.IsInf(b, 1) {
		return math.IsInf(a, 1)
	}
	return math.Abs(a-b) < 1e-9
}

func TestVFOV(t *testing.T) {
	// 90° wide at 16:9: 2 atan(9/16) = 58.7°.
	if got := VFOV(90, 1920, 1080); math.Abs(got-2*math.Atan(9.0/16)*180/math.Pi) > 1e-9 {
		t.Errorf("VFOV 16:9 = %v", got)
	}
	if got, want := VFOV(90, 1920, 0), VFOV(90, 16, 9); math.Abs(got-want) > 1e-12 {
		t.Errorf("VFOV with unknown height = %v, want the 16:9 %v", got, want)
	}
	if got := VFOV(90, 1000, 1000); math.Abs(got-90) > 1e-9 {
		t.Errorf("VFOV square = %v, want 90", got)
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name    string
		level   string
		want    int
		wantErr bool
	}{
		{"monitor", "monitor", 0, false},
		{"recognise", "recognise", 3, false},
		{"American spelling", "Recognize", 3, false},
		{"noun form", "identification", 4, false},
		{"unknown", "validate", -1, true},
		{"empty", "", -1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IEC2014.Index(tc.level)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("Index(%q) = %d, %v; want %d, error %v", tc.level, got, err, tc.want, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrLevel) {
				t.Errorf("error %v is not ErrLevel", err)
			}
		})
	}
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Table
		wantErr bool
	}{
		{"2025 levels sorted", "validate=500, overview=10,discern=60", Table{{"overview", 10}, {"discern", 60}, {"validate", 500}}, false},
		{"no equals", "validate 500", nil, true},
		{"not a number", "validate=lots", nil, true},
		{"zero", "validate=0", nil, true},
		{"twice", "a=1,A=2", nil, true},
		{"same density", "a=1,b=1", nil, true},
		{"empty", "", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTable(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("level %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestBest(t *testing.T) {
	tests := []struct {
		ppm  float64
		want string
	}{
		{10, ""}, {12.5, "monitor"}, {62.4, "detect"}, {62.5, "observe"}, {249, "recognise"}, {5000, "inspect"},
	}
	for _, tc := range tests {
		i := IEC2014.Best(tc.ppm)
		got := ""
		if i >= 0 {
			got = IEC2014[i].Name
		}
		if got != tc.want {
			t.Errorf("Best(%v) = %q, want %q", tc.ppm, got, tc.want)
		}
	}
}
