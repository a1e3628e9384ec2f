package mapview

import (
	"image/color"
	"math"
)

// styleVersion names the look of the basemap tiles. Change it whenever
// anything in this file changes how tiles look: the store then empties its
// cached tiles rendered in the old style.
const styleVersion = "calm-5-labels"

// Okabe–Ito colours, which stay distinct for every kind of colour vision.
var (
	okOrange    = rgb(0xE69F00)
	okSky       = rgb(0x56B4E9)
	okGreen     = rgb(0x009E73)
	okYellow    = rgb(0xF0E442)
	okBlue      = rgb(0x0072B2)
	okVermilion = rgb(0xD55E00)
	okPurple    = rgb(0xCC79A7)
	okBlack     = rgb(0x1A1A1A)
	white       = rgb(0xFFFFFF)
)

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}

func alpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(a * 255))
	return c
}

// palette is the colours of the basemap in one variant.
type palette struct {
	background   color.NRGBA
	land         map[string]color.NRGBA // by landuse class
	landDefault  color.NRGBA
	water        color.NRGBA
	waterEdge    color.NRGBA
	building     color.NRGBA
	buildingEdge color.NRGBA
	roadFill     [roadRanks]color.NRGBA
	roadCasing   [roadRanks]color.NRGBA
	path         color.NRGBA // footways, paths, steps
	wall         color.NRGBA // walls (solid) and fences (dashed)
	hedge        color.NRGBA
	labelText    [labelKinds]color.NRGBA // names, by label kind; their halo is the background
}

// Road ranks, from minor to major: they are drawn in this order so that
// major roads pass over minor ones.
const (
	rankPath = iota
	rankService
	rankMinor
	rankTertiary
	rankSecondary
	rankPrimary
	rankMotorway
	roadRanks
)

// roadRank maps an OSM highway class to its rank.
func roadRank(class string) int {
	switch class {
	case "motorway", "motorway_link", "trunk", "trunk_link":
		return rankMotorway
	case "primary", "primary_link":
		return rankPrimary
	case "secondary", "secondary_link":
		return rankSecondary
	case "tertiary", "tertiary_link":
		return rankTertiary
	case "residential", "unclassified", "living_street", "road", "busway":
		return rankMinor
	case "service", "track", "raceway":
		return rankService
	}
	return rankPath // footway, path, cycleway, steps, pedestrian, bridleway, corridor, ...
}

// roadWidth17 is the width in pixels of each rank at zoom 17; rankMinZoom
// the lowest zoom a rank is drawn at.
var (
	roadWidth17 = [roadRanks]float64{1.4, 5, 8, 10, 12, 13, 15}
	rankMinZoom = [roadRanks]int{16, 14, 13, 11, 9, 7, 5}
)

// roadWidth returns the width in pixels of a road of rank at zoom z (with
// device scale s): true to the ground above zoom 17, and thinning slower
// than the ground below it so that streets stay visible.
func roadWidth(rank int, z int, s float64) float64 {
	w := roadWidth17[rank] * math.Exp2(float64(z-17)*0.75)
	if z > 17 {
		w = roadWidth17[rank] * math.Exp2(float64(z-17))
	}
	if rank == rankPath {
		w = math.Min(math.Max(w, 1), 4)
	}
	return math.Max(w, 0.8) * s
}

// landRank orders landuse classes: broad zones first, then greens, then
// small surfaces on top.
func landRank(class string) int {
	switch class {
	case "residential", "commercial", "retail", "industrial", "education", "institutional", "construction", "military", "religious", "farmland", "farmyard", "allotments", "cemetery", "railway", "brownfield", "greenfield":
		return 0
	case "forest", "wood", "park", "nature_reserve", "meadow", "grassland", "scrub", "heath", "recreation_ground", "golf_course", "village_green":
		return 1
	case "grass", "garden", "flowerbed", "fitness_station", "dog_park":
		return 2
	}
	return 3 // parking, playground, pitch, kindergarten, school, pedestrian, beach, ...
}

var light = palette{
	background: rgb(0xF3F1EC),
	land: map[string]color.NRGBA{
		"residential": rgb(0xEEEBE5), "commercial": rgb(0xF1E9E4), "retail": rgb(0xF1E7E3),
		"industrial": rgb(0xECE7EC), "construction": rgb(0xE9E4D6), "education": rgb(0xF0EADB),
		"school": rgb(0xF0EADB), "kindergarten": rgb(0xF0EADB), "university": rgb(0xF0EADB),
		"cemetery": rgb(0xDCE3D6), "railway": rgb(0xE8E5E1),
		"forest": rgb(0xD5E2CC), "wood": rgb(0xD5E2CC), "park": rgb(0xDFEAD6), "nature_reserve": rgb(0xDCE8D2),
		"meadow": rgb(0xE2EBD6), "grassland": rgb(0xE2EBD6), "scrub": rgb(0xDAE5CF), "heath": rgb(0xE4E8D3),
		"recreation_ground": rgb(0xDFEAD6), "golf_course": rgb(0xDBE8D2), "village_green": rgb(0xDFEAD6),
		"grass": rgb(0xDDE8D3), "garden": rgb(0xD9E6CF), "flowerbed": rgb(0xDCE7D0), "fitness_station": rgb(0xE3E8D8),
		"playground": rgb(0xE3EDDF), "pitch": rgb(0xD6E6D6), "parking": rgb(0xE6E4E0),
		"pedestrian": rgb(0xEDEBE7), "beach": rgb(0xF3ECD2), "sand": rgb(0xF3ECD2),
	},
	landDefault:  rgb(0xEFEDE8),
	water:        rgb(0xC4DAE8),
	waterEdge:    rgb(0xA9C6DA),
	building:     rgb(0xDFDAD3),
	buildingEdge: rgb(0xC9C2B8),
	roadFill: [roadRanks]color.NRGBA{
		rgb(0xFFFFFF), rgb(0xFFFFFF), rgb(0xFFFFFF), rgb(0xFFFFFF),
		rgb(0xFDF6E3), rgb(0xFBEFD5), rgb(0xF7E3C4),
	},
	roadCasing: [roadRanks]color.NRGBA{
		{}, rgb(0xDCD6CC), rgb(0xD3CCC1), rgb(0xCFC7BA),
		rgb(0xD8CBA8), rgb(0xD6C399), rgb(0xCDB384),
	},
	path:  rgb(0xD0C9BE),
	wall:  rgb(0x6E665E),
	hedge: rgb(0x7FA070),
	labelText: [labelKinds]color.NRGBA{
		labelRoad: rgb(0x55504A), labelBuilding: rgb(0x6A645D), labelArea: rgb(0x7D756B),
		labelGreen: rgb(0x4F7A48), labelWater: rgb(0x3D74A3),
	},
}

var dark = palette{
	background: rgb(0x1D2126),
	land: map[string]color.NRGBA{
		"residential": rgb(0x22262B), "commercial": rgb(0x26252A), "retail": rgb(0x26252A),
		"industrial": rgb(0x252429), "construction": rgb(0x27261F), "education": rgb(0x27251F),
		"school": rgb(0x27251F), "kindergarten": rgb(0x27251F), "university": rgb(0x27251F),
		"cemetery": rgb(0x1F2621), "railway": rgb(0x232427),
		"forest": rgb(0x1C2A1F), "wood": rgb(0x1C2A1F), "park": rgb(0x1F2A22), "nature_reserve": rgb(0x1E2920),
		"meadow": rgb(0x212A22), "grassland": rgb(0x212A22), "scrub": rgb(0x1F2820), "heath": rgb(0x232822),
		"recreation_ground": rgb(0x1F2A22), "golf_course": rgb(0x1E2A21), "village_green": rgb(0x1F2A22),
		"grass": rgb(0x1F2A22), "garden": rgb(0x1D2A20), "flowerbed": rgb(0x1E2920), "fitness_station": rgb(0x222823),
		"playground": rgb(0x232C25), "pitch": rgb(0x1F2B23), "parking": rgb(0x26282C),
		"pedestrian": rgb(0x25272B), "beach": rgb(0x2B2922), "sand": rgb(0x2B2922),
	},
	landDefault:  rgb(0x202428),
	water:        rgb(0x1A2C3D),
	waterEdge:    rgb(0x24394D),
	building:     rgb(0x2F343B),
	buildingEdge: rgb(0x3C424A),
	roadFill: [roadRanks]color.NRGBA{
		rgb(0x4A4F57), rgb(0x3B4048), rgb(0x424851), rgb(0x474D56),
		rgb(0x51503F), rgb(0x5A5440), rgb(0x625A40),
	},
	roadCasing: [roadRanks]color.NRGBA{
		{}, rgb(0x272B31), rgb(0x272B31), rgb(0x2A2E34),
		rgb(0x2E2E27), rgb(0x302E25), rgb(0x333023),
	},
	path:  rgb(0x464B53),
	wall:  rgb(0x9097A0),
	hedge: rgb(0x4F7453),
	labelText: [labelKinds]color.NRGBA{
		labelRoad: rgb(0xBCC0C6), labelBuilding: rgb(0xA3A8AF), labelArea: rgb(0x8F949B),
		labelGreen: rgb(0x86AE7E), labelWater: rgb(0x79A9D2),
	},
}

func (p *palette) landColour(class string) color.NRGBA {
	if c, ok := p.land[class]; ok {
		return c
	}
	return p.landDefault
}

// overlayColours are the colours of the safety layers in one variant.
type overlayColours struct {
	keyArea, keyAreaFill         color.NRGBA
	hazardArea, hazardFill       color.NRGBA
	route, routeCasing           color.NRGBA
	fov                          map[string][2]color.NRGBA // by camera status: fill, edge
	halo, haloInner              color.NRGBA               // selection
	clusterEdge, text, textHalo  color.NRGBA
	measure                      color.NRGBA
	checkpointEdge, labelOutline color.NRGBA
}

var lightOverlay = overlayColours{
	keyArea: alpha(okGreen, 0.9), keyAreaFill: alpha(okGreen, 0.10),
	hazardArea: alpha(okOrange, 0.95), hazardFill: alpha(okOrange, 0.18),
	route: okPurple, routeCasing: alpha(white, 0.9),
	fov: map[string][2]color.NRGBA{
		"online":      {alpha(okSky, 0.22), alpha(okBlue, 0.55)},
		"offline":     {{}, alpha(rgb(0x5E5E5E), 0.8)}, // outlines only, dashed: they cover nothing
		"maintenance": {{}, alpha(rgb(0x5E5E5E), 0.8)},
		"planned":     {alpha(okSky, 0.06), alpha(okBlue, 0.8)}, // hollow, dashed
	},
	halo: okBlack, haloInner: okYellow,
	clusterEdge: white, text: white, textHalo: alpha(okBlack, 0.6),
	measure:        okBlack,
	checkpointEdge: white, labelOutline: alpha(white, 0.85),
}

var darkOverlay = overlayColours{
	keyArea: alpha(rgb(0x3CC9A0), 0.9), keyAreaFill: alpha(okGreen, 0.14),
	hazardArea: alpha(okOrange, 0.95), hazardFill: alpha(okOrange, 0.20),
	route: rgb(0xE08FBC), routeCasing: alpha(rgb(0x101214), 0.8),
	fov: map[string][2]color.NRGBA{
		"online":      {alpha(okSky, 0.20), alpha(okSky, 0.6)},
		"offline":     {{}, alpha(rgb(0xA0A6AE), 0.8)},
		"maintenance": {{}, alpha(rgb(0xA0A6AE), 0.8)},
		"planned":     {alpha(okSky, 0.06), alpha(okSky, 0.85)}, // hollow, dashed
	},
	halo: white, haloInner: okYellow,
	clusterEdge: white, text: white, textHalo: alpha(okBlack, 0.6),
	measure:        white,
	checkpointEdge: rgb(0x101214), labelOutline: alpha(rgb(0x101214), 0.85),
}
