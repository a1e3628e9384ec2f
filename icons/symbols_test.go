package icons

import "testing"

// TestSymbols checks that every symbol constant names an SVG file and that
// Fyne draws each one opaque at its centre at 24 pixels.
func TestSymbols(t *testing.T) {
	names := []string{CameraOnline, CameraOffline, CameraMaintenance, CameraPlanned, Extinguisher,
		ExtinguisherWheeled, Hydrant, FireCabinet, SupplyStore, Defibrillator, Hazard,
		VehicleGate, PedestrianGate, Door, Barrier, Ramp, Police, FireStation,
		AssemblyPoint, GuardBooth, ManagementOffice, Clinic, RefusePoint, Facility, NorthArrow,
		AlertFire, AlertIntrusion, AlertAccess, AlertMedical, AlertCamera, AlertAlarm, AlertRule}
	if got := len(SymbolNames()); got != len(names) {
		t.Errorf("%d SVG files in symbols/, %d constants", got, len(names))
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			res := Symbol(n)
			if res == nil {
				t.Fatalf("no symbol %q", n)
			}
			img := render(t, res, 24)
			if c := img.NRGBAAt(12, 12); c.A < 200 {
				t.Errorf("centre pixel %v is not opaque", c)
			}
			if c := img.NRGBAAt(0, 0); c.A > 64 && n != NorthArrow {
				t.Errorf("corner pixel %v is not transparent", c)
			}
		})
	}
	if Symbol("no such") != nil {
		t.Error("Symbol of an unknown name is not nil")
	}
}
