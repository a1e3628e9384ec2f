package icons

import (
	"embed"
	"path"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
)

// The map symbols are 24×24 SVG files in symbols/, drawn to stay legible
// at 24 pixels. Colour and shape both say what a symbol is, so that they
// read with any colour vision (the Okabe–Ito palette): cameras are
// circles (blue online, greyed and struck through offline, orange in
// maintenance, white with a dashed blue ring and a hollow camera planned), fire equipment rounded red squares (an AED green),
// hazards yellow triangles, gates and doors black diamonds, facilities
// dark squares (assembly points and clinics green, fire stations red).
// The alert_* files are white glyphs only, tinted by the map.
//
//go:embed symbols/*.svg
var symbolFiles embed.FS

// symbols maps a symbol name (its file name without .svg) to its resource.
var symbols = func() map[string]fyne.Resource {
	entries, err := symbolFiles.ReadDir("symbols")
	if err != nil {
		panic("icons: " + err.Error())
	}
	out := make(map[string]fyne.Resource, len(entries))
	for _, e := range entries {
		b, err := symbolFiles.ReadFile(path.Join("symbols", e.Name()))
		if err != nil {
			panic("icons: " + err.Error())
		}
		out[strings.TrimSuffix(e.Name(), ".svg")] = fyne.NewStaticResource(e.Name(), b)
	}
	return out
}()

// Symbol names, one per SVG file in symbols/.
const (
	CameraOnline        = "camera_online"
	CameraOffline       = "camera_offline"
	CameraMaintenance   = "camera_maintenance"
	CameraPlanned       = "camera_planned"
	Extinguisher        = "extinguisher"
	ExtinguisherWheeled = "extinguisher_wheeled"
	Hydrant             = "hydrant"
	FireCabinet         = "fire_cabinet"
	SupplyStore         = "supply_store"
	Defibrillator       = "defibrillator"
	Hazard              = "hazard"
	VehicleGate         = "vehicle_gate"
	PedestrianGate      = "pedestrian_gate"
	Door                = "door"
	Barrier             = "barrier"
	Ramp                = "ramp"
	Police              = "police"
	FireStation         = "fire_station"
	AssemblyPoint       = "assembly_point"
	GuardBooth          = "guard_booth"
	ManagementOffice    = "management_office"
	Clinic              = "clinic"
	RefusePoint         = "refuse_point"
	Facility            = "facility"
	NorthArrow          = "north_arrow"

	// Glyphs of live alerts, white on transparent: the map draws them
	// tinted on a disc coloured by severity.
	AlertFire      = "alert_fire"
	AlertIntrusion = "alert_intrusion"
	AlertAccess    = "alert_access"
	AlertMedical   = "alert_medical"
	AlertCamera    = "alert_camera"
	AlertAlarm     = "alert_alarm"
	AlertRule      = "alert_rule"
)

// Symbol returns the SVG resource of the map symbol name (one of the
// constants above), or nil when there is no such symbol. Resources are
// shared and read-only; Symbol is safe for concurrent use.
func Symbol(name string) fyne.Resource { return symbols[name] }

// SymbolNames returns the names of all map symbols, sorted.
func SymbolNames() []string {
	out := make([]string, 0, len(symbols))
	for n := range symbols {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
