package fire

import (
	"errors"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestReach(t *testing.T) {
	tests := []struct {
		name                 string
		rules                Rules
		kind, rating, hazard string
		want                 float64
		wantErr              bool
	}{
		{"GB handheld A medium", GB50140, Handheld, "ABC", Medium, 20, false},
		{"GB handheld A severe", GB50140, Handheld, "A", Severe, 15, false},
		{"GB handheld A light", GB50140, Handheld, "ABC", Light, 25, false},
		{"GB wheeled A severe", GB50140, Wheeled, "ABC", Severe, 30, false},
		{"GB wheeled A light", GB50140, Wheeled, "ABC", Light, 50, false},
		{"GB handheld CO2 (BC) medium", GB50140, Handheld, "BC", Medium, 12, false},
		{"GB wheeled B light", GB50140, Wheeled, "B", Light, 30, false},
		{"GB hazard unknown: medium", GB50140, Handheld, "ABC", "", 20, false},
		{"GB rating unknown: class A", GB50140, Handheld, "", Light, 25, false},
		{"GB hydrant", GB50140, Hydrant, "", "", 150, false},
		{"GB has no class K", GB50140, Handheld, "K", Medium, 0, true},
		{"GB nonsense rating", GB50140, Handheld, "Z", Medium, 0, true},
		{"NFPA class A", NFPA10, Handheld, "A", Severe, 22.86, false},
		{"NFPA class B handheld", NFPA10, Handheld, "B", Light, 9.14, false},
		{"NFPA class B wheeled", NFPA10, Wheeled, "BC", Light, 15.24, false},
		{"NFPA class K", NFPA10, Handheld, "K", "", 9.14, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.rules.Reach(tc.kind, tc.rating, tc.hazard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrNoRule) {
				t.Errorf("err = %v, want ErrNoRule", err)
			}
			if got != tc.want {
				t.Errorf("Reach = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSpacing(t *testing.T) {
	road := orb.LineString{{0, 0}, {300, 0}, {300, 300}}
	tests := []struct {
		name     string
		hydrants []orb.Point
		want     []Gap
	}{
		{"every 100 m or so", []orb.Point{{0, 5}, {100, -5}, {200, 5}, {296, 5}}, nil},
		// 130, 115 and 105 m along the road (the last round the corner).
		{"one gap of 130 m", []orb.Point{{0, 5}, {130, 5}, {245, 4}, {304, 50}}, []Gap{{A: 0, B: 1, Distance: 130, Road: 0}, {A: 0, B: -1, Distance: 130, Road: -1}}},
		{"far from the road: only the straight check", []orb.Point{{0, 50}, {200, 50}}, []Gap{{A: 0, B: -1, Distance: 200, Road: -1}, {A: 1, B: -1, Distance: 200, Road: -1}}},
		{"one hydrant: nothing to space", []orb.Point{{0, 0}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spacing(tc.hydrants, []orb.LineString{road}, 120, 15)
			for i := range got {
				got[i].Distance = float64(int(got[i].Distance*1000+0.5)) / 1000
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Spacing = %+v, want %+v", got, tc.want)
			}
		})
	}
}
