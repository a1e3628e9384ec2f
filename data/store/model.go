package store

import (
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Layer names: one GeoPackage feature table each.
const (
	Buildings     = "buildings"
	Roads         = "roads"
	Landuse       = "landuse"
	Water         = "water"
	Barriers      = "barriers"
	Cameras       = "cameras"
	PatrolRoutes  = "patrol_routes"
	Checkpoints   = "checkpoints"
	FireEquipment = "fire_equipment"
	Hazards       = "hazards"
	KeyAreas      = "key_areas"
	AccessPoints  = "access_points"
	Facilities    = "facilities"
)

// Feature is one typed feature of a layer: Building, Road, Camera, ...
// Its exported fields tagged `gpkg:"column"` are the columns of the layer's
// table; the field tagged `gpkg:"geom"` is its geometry (EPSG:4326) and the
// one tagged `gpkg:"fid"` its primary key, which Insert fills in.
//
// Field types map to columns as: string TEXT, float64 REAL, int INTEGER,
// bool BOOLEAN, time.Time DATE. A tag option ",omitempty" stores the zero
// value as NULL (an unknown height is NULL, not 0 m).
type Feature interface {
	// Layer returns the name of the layer the feature belongs to.
	Layer() string
}

// Names are the name of a feature in the local language and in Chinese and
// English where known (OSM name, name:zh, name:en).
type Names struct {
	Name   string `gpkg:"name,omitempty"`
	NameZh string `gpkg:"name_zh,omitempty"`
	NameEn string `gpkg:"name_en,omitempty"`
}

// Label returns the name to show in the given language ("zh" or "en"),
// falling back to the local name.
func (n Names) Label(lang string) string {
	switch {
	case lang == "zh" && n.NameZh != "":
		return n.NameZh
	case lang == "en" && n.NameEn != "":
		return n.NameEn
	case n.Name != "":
		return n.Name
	case n.NameEn != "":
		return n.NameEn
	}
	return n.NameZh
}

// Building is a building footprint. Height is in metres (NULL when unknown).
type Building struct {
	FID  int64            `gpkg:"fid"`
	Geom orb.MultiPolygon `gpkg:"geom"`
	Names
	Height float64 `gpkg:"height,omitempty"`
	Levels int     `gpkg:"levels,omitempty"`
	// Use is the building's use: residential, commercial, retail, school,
	// kindergarten, industrial, office, public, substation, shed, yes, ...
	Use   string `gpkg:"use,omitempty"`
	OSMID string `gpkg:"osm_id,omitempty"` // "way/123", "relation/45"; empty for our own data
}

// Road is a road, street, footway or path centre line.
type Road struct {
	FID  int64          `gpkg:"fid"`
	Geom orb.LineString `gpkg:"geom"`
	Names
	// Class is the OSM highway class: motorway, trunk, primary, secondary,
	// tertiary, residential, service, living_street, pedestrian, footway,
	// path, cycleway, steps, track, unclassified, ...
	Class string `gpkg:"class"`
	OSMID string `gpkg:"osm_id,omitempty"`
}

// Land is a landuse or leisure area: residential, commercial, grass, park,
// garden, playground, parking, pitch, forest, ...
type Land struct {
	FID  int64            `gpkg:"fid"`
	Geom orb.MultiPolygon `gpkg:"geom"`
	Names
	Class string `gpkg:"class"`
	OSMID string `gpkg:"osm_id,omitempty"`
}

// WaterArea is a body of water: water, pond, river, basin, fountain, ...
type WaterArea struct {
	FID  int64            `gpkg:"fid"`
	Geom orb.MultiPolygon `gpkg:"geom"`
	Names
	Class string `gpkg:"class"`
	OSMID string `gpkg:"osm_id,omitempty"`
}

// Barrier kinds.
const (
	BarrierWall          = "wall"
	BarrierFence         = "fence"
	BarrierHedge         = "hedge"
	BarrierRetainingWall = "retaining_wall"
	BarrierCityWall      = "city_wall"
)

// Barrier is a wall, fence or hedge: a line people cannot walk through.
// Opaque barriers (walls, hedges, wooden or concrete fences) also block
// sight; a fence one sees through (chain-link, railings, wire) does not.
// Height is in metres (NULL when unknown).
type Barrier struct {
	FID  int64          `gpkg:"fid"`
	Geom orb.LineString `gpkg:"geom"`
	Names
	// Kind is wall, fence, hedge, retaining_wall, city_wall, ...
	Kind   string  `gpkg:"kind"`
	Height float64 `gpkg:"height,omitempty"`
	Opaque bool    `gpkg:"opaque"`
	OSMID  string  `gpkg:"osm_id,omitempty"`
}

// Camera statuses. A planned camera is not mounted yet: a plan counts it,
// the coverage of what exists does not.
const (
	CameraOnline      = "online"
	CameraOffline     = "offline"
	CameraMaintenance = "maintenance"
	CameraPlanned     = "planned"
)

// CameraStatuses are the statuses a camera may have, besides none ("").
var CameraStatuses = []string{CameraOnline, CameraOffline, CameraMaintenance, CameraPlanned}

// ValidCameraStatus reports whether s is one of CameraStatuses or "".
func ValidCameraStatus(s string) bool {
	return s == "" || slices.Contains(CameraStatuses, s)
}

// Camera is a video camera. Angles are in degrees: Heading clockwise from
// north, Tilt downward from the horizontal. The horizontal field of view is
// HFOV, or when HFOV is 0 it follows from SensorWidth and FocalLength (mm).
type Camera struct {
	FID  int64     `gpkg:"fid"`
	Geom orb.Point `gpkg:"geom"`
	Names
	Code        string  `gpkg:"code,omitempty"`
	Model       string  `gpkg:"model,omitempty"`
	MountHeight float64 `gpkg:"mount_height"` // metres above ground
	Heading     float64 `gpkg:"heading"`
	Tilt        float64 `gpkg:"tilt"`
	HFOV        float64 `gpkg:"hfov,omitempty"`
	VFOV        float64 `gpkg:"vfov,omitempty"`
	SensorWidth float64 `gpkg:"sensor_width_mm,omitempty"`
	FocalLength float64 `gpkg:"focal_length_mm,omitempty"`
	ResolutionH int     `gpkg:"resolution_h"` // horizontal pixels
	ResolutionV int     `gpkg:"resolution_v,omitempty"`
	MaxRange    float64 `gpkg:"max_range"` // metres
	PTZ         bool    `gpkg:"ptz"`
	Status      string  `gpkg:"status"`
	// Watches lists the codes of the key areas the camera is meant to
	// watch, separated by commas.
	Watches string `gpkg:"watches,omitempty"`
	// Estimated is true when the heading was not known and a default was
	// assumed, as for OSM cameras without camera:direction.
	Estimated   bool   `gpkg:"estimated"`
	StreamURL   string `gpkg:"stream_url,omitempty"`
	SnapshotURL string `gpkg:"snapshot_url,omitempty"`
	OSMID       string `gpkg:"osm_id,omitempty"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here (its own type, road group, image
	// links, ...).
	Attributes string `gpkg:"attributes,omitempty"`
}

// Fire equipment kinds.
const (
	ExtinguisherHandheld = "extinguisher_handheld"
	ExtinguisherWheeled  = "extinguisher_wheeled"
	HydrantOutdoor       = "hydrant_outdoor"
	HydrantIndoor        = "hydrant_indoor"
	FireCabinet          = "fire_cabinet"
	Defibrillator        = "defibrillator"
	SupplyStore          = "supply_store"
)

// Hazard levels of an area (GB 50140).
const (
	HazardLight  = "light"
	HazardMedium = "medium"
	HazardSevere = "severe"
)

// Equipment is a piece of fire or emergency equipment.
type Equipment struct {
	FID  int64     `gpkg:"fid"`
	Geom orb.Point `gpkg:"geom"`
	Names
	Code string `gpkg:"code,omitempty"`
	Kind string `gpkg:"kind"`
	// FireClass is the extinguisher's rating classes, e.g. "A", "ABC", "BC", "K".
	FireClass   string  `gpkg:"fire_class,omitempty"`
	HazardLevel string  `gpkg:"hazard_level,omitempty"` // of the area it protects
	Capacity    float64 `gpkg:"capacity,omitempty"`
	// CapacityUnit is the unit of Capacity: kg, L, L/s.
	CapacityUnit   string    `gpkg:"capacity_unit,omitempty"`
	LastInspection time.Time `gpkg:"last_inspection,omitempty"`
	Expiry         time.Time `gpkg:"expiry,omitempty"`
	// Manufactured is the date the equipment was made (an extinguisher's
	// service life counts from it).
	Manufactured time.Time `gpkg:"manufactured,omitempty"`
	OSMID        string    `gpkg:"osm_id,omitempty"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here (brand, address, ...).
	Attributes string `gpkg:"attributes,omitempty"`
}

// PatrolRoute is a route walked by a patrol team.
type PatrolRoute struct {
	FID  int64          `gpkg:"fid"`
	Geom orb.LineString `gpkg:"geom"`
	Names
	Code string `gpkg:"code"`
	Team string `gpkg:"team,omitempty"`
	// Shifts lists the shifts as "HH:MM-HH:MM" separated by commas.
	Shifts         string `gpkg:"shifts,omitempty"`
	RoundsPerShift int    `gpkg:"rounds_per_shift"`
}

// Checkpoint is a point a patrol must pass, Seq-th on route RouteCode.
type Checkpoint struct {
	FID  int64     `gpkg:"fid"`
	Geom orb.Point `gpkg:"geom"`
	Names
	Code      string `gpkg:"code,omitempty"`
	RouteCode string `gpkg:"route_code"`
	Seq       int    `gpkg:"seq"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here.
	Attributes string `gpkg:"attributes,omitempty"`
}

// Hazard lifecycle states.
const (
	HazardOpen      = "open"
	HazardMitigated = "mitigated"
	HazardClosed    = "closed"
)

// Hazard is a known hazard: a point or a polygon.
type Hazard struct {
	FID  int64        `gpkg:"fid"`
	Geom orb.Geometry `gpkg:"geom"`
	Names
	Code string `gpkg:"code,omitempty"`
	// Category is one of ebike_charging, gas, electrical, construction,
	// blocked_fire_lane, flood_prone, vulnerable_resident, ... .
	Category    string    `gpkg:"category"`
	Severity    string    `gpkg:"severity"` // low, medium, high, critical
	Status      string    `gpkg:"status"`   // open, mitigated, closed
	Reported    time.Time `gpkg:"reported,omitempty"`
	Mitigated   time.Time `gpkg:"mitigated,omitempty"`
	Closed      time.Time `gpkg:"closed,omitempty"`
	Responsible string    `gpkg:"responsible,omitempty"`
	Note        string    `gpkg:"note,omitempty"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here.
	Attributes string `gpkg:"attributes,omitempty"`
}

// KeyArea is an area that must be watched, with the image detail level
// (an IEC 62676-4 level name such as detect, observe, recognise, identify)
// its cameras must reach.
type KeyArea struct {
	FID  int64       `gpkg:"fid"`
	Geom orb.Polygon `gpkg:"geom"`
	Names
	Code string `gpkg:"code"`
	// Kind is gate, perimeter, playground, parking, kindergarten_entrance,
	// ebike_shed, building_entrance, square, ...
	Kind          string `gpkg:"kind"`
	RequiredLevel string `gpkg:"required_level"`
}

// AccessPoint is a gate, door or barrier.
type AccessPoint struct {
	FID  int64     `gpkg:"fid"`
	Geom orb.Point `gpkg:"geom"`
	Names
	Code string `gpkg:"code,omitempty"`
	// Kind is vehicle_gate, pedestrian_gate, door, barrier, ramp, ...
	Kind       string `gpkg:"kind"`
	Controlled bool   `gpkg:"controlled"` // card reader, face gate or guard
	Hours      string `gpkg:"hours,omitempty"`
	OSMID      string `gpkg:"osm_id,omitempty"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here.
	Attributes string `gpkg:"attributes,omitempty"`
}

// Facility is a place that matters in an emergency: police, fire_station,
// assembly_point, guard_booth, management_office, ...
type Facility struct {
	FID  int64     `gpkg:"fid"`
	Geom orb.Point `gpkg:"geom"`
	Names
	Kind  string `gpkg:"kind"`
	OSMID string `gpkg:"osm_id,omitempty"`
	// Attributes holds, as a JSON object, the columns of an imported
	// register that have no column here.
	Attributes string `gpkg:"attributes,omitempty"`
}

func (Building) Layer() string    { return Buildings }
func (Road) Layer() string        { return Roads }
func (Land) Layer() string        { return Landuse }
func (WaterArea) Layer() string   { return Water }
func (Barrier) Layer() string     { return Barriers }
func (Camera) Layer() string      { return Cameras }
func (Equipment) Layer() string   { return FireEquipment }
func (PatrolRoute) Layer() string { return PatrolRoutes }
func (Checkpoint) Layer() string  { return Checkpoints }
func (Hazard) Layer() string      { return Hazards }
func (KeyArea) Layer() string     { return KeyAreas }
func (AccessPoint) Layer() string { return AccessPoints }
func (Facility) Layer() string    { return Facilities }
