package demo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"safetynet/data/store"
)

// Image detail levels used by the demo's key areas (IEC 62676-4 names).
const (
	levelDetect    = "detect"
	levelObserve   = "observe"
	levelRecognise = "recognise"
	levelIdentify  = "identify"
)

// lens is a camera model with a 1/2.8" sensor.
type lens struct {
	focal float64 // mm; for a PTZ the wide end
	px    int     // horizontal pixels
	body  string  // bullet, dome, turret
	ptz   bool
}

const (
	sensorW = 5.6  // mm, 1/2.8" 16:9
	sensorH = 3.15 // mm
)

var (
	bullet12 = lens{12, 1920, "bullet", false}
	bullet6  = lens{6, 2560, "bullet", false}
	bullet4  = lens{4, 2560, "bullet", false}
	dome28   = lens{2.8, 2560, "dome", false}
	wide28   = lens{2.8, 3840, "bullet", false}
	plate12  = lens{12, 2560, "bullet", false}
	ptzDome  = lens{4.8, 2560, "PTZ dome", true}
)

// maxRange returns how far the camera sees usefully, metres: where the
// image falls below the detect level (25 px/m), but no further than its
// infrared lights reach at night.
func (l lens) maxRange() float64 {
	if l.ptz {
		return 150
	}
	detect := float64(l.px) * l.focal / (25 * sensorW)
	ir := map[float64]float64{2.8: 30, 4: 40, 6: 50, 12: 100}[l.focal]
	return math.Round(min(detect, ir))
}

func (l lens) model() string {
	mp := map[int]int{1920: 2, 2560: 4, 3840: 8}[l.px]
	if l.ptz {
		return fmt.Sprintf("%dMP 25x PTZ dome, 1/2.8\", 4.8-120 mm", mp)
	}
	return fmt.Sprintf("%dMP %s, 1/2.8\", %g mm", mp, l.body, l.focal)
}

func fov(size, focal float64) float64 { return round1(2 * math.Atan(size/(2*focal)) * 180 / math.Pi) }

// camera adds a camera mounted at the given height at p (compound frame)
// and aimed at the ground at aim.
func (s *site) camera(zh, en string, p, aim orb.Point, l lens, mount float64, watches ...string) {
	d := length(sub(aim, p))
	s.cameras = append(s.cameras, store.Camera{
		Geom:        p,
		Names:       names(zh, en),
		Code:        fmt.Sprintf("CAM-%03d", len(s.cameras)+1),
		Model:       l.model(),
		MountHeight: mount,
		Heading:     compass(bearing(p, aim)),
		Tilt:        math.Round(2*math.Atan2(mount, d)*180/math.Pi) / 2,
		HFOV:        fov(sensorW, l.focal),
		VFOV:        fov(sensorH, l.focal),
		SensorWidth: sensorW,
		FocalLength: l.focal,
		ResolutionH: l.px,
		ResolutionV: l.px * 9 / 16,
		MaxRange:    l.maxRange(),
		PTZ:         l.ptz,
		Status:      store.CameraOnline,
		Watches:     strings.Join(watches, ","),
	})
}

// compass turns a bearing in the compound frame into degrees clockwise
// from true north, in [0, 360).
func compass(b float64) float64 {
	h := math.Mod(b-rotation, 360)
	if h < 0 {
		h += 360
	}
	return round1(h)
}

func (s *site) keyArea(code, zh, en string, r orb.Ring, kind, level string) {
	s.keyAreas = append(s.keyAreas, store.KeyArea{
		Geom: orb.Polygon{r}, Names: names(zh, en), Code: code, Kind: kind, RequiredLevel: level,
	})
}

// wallEdge names a side of the perimeter wall.
type wallEdge struct {
	code, zh, en string
}

var wallEdges = []wallEdge{
	{"KA-PER-S", "南围墙", "South Wall"},
	{"KA-PER-E", "东围墙", "East Wall"},
	{"KA-PER-NE1", "东北角围墙（南段）", "North-East Corner Wall (South)"},
	{"KA-PER-NE2", "东北角围墙（西段）", "North-East Corner Wall (West)"},
	{"KA-PER-N", "北围墙", "North Wall"},
	{"KA-PER-W", "西围墙", "West Wall"},
	{"KA-PER-SW", "西南角围墙", "South-West Corner Wall"},
}

// gates adds the gates, doors and barriers, the guard and service
// facilities and the assembly point.
func (s *site) gates() {
	ap := func(code, zh, en string, p orb.Point, kind string, controlled bool, hours string) {
		s.access = append(s.access, store.AccessPoint{
			Geom: p, Names: names(zh, en), Code: code, Kind: kind, Controlled: controlled, Hours: hours,
		})
	}
	ap("GATE-S", "南门", "South Gate", gateSouth, "vehicle_gate", true, "00:00-24:00")
	ap("BAR-S", "南门车辆道闸", "South Gate Vehicle Barrier", orb.Point{0, -466}, "barrier", true, "00:00-24:00")
	ap("GATE-E", "东门", "East Gate", gateEast, "pedestrian_gate", true, "06:00-23:00")
	ap("GATE-W", "西门", "West Gate", gateWest, "pedestrian_gate", true, "06:30-21:00")
	ap("GATE-N", "北门", "North Gate", gateNorth, "vehicle_gate", true, "06:00-09:00,17:00-20:00")
	ap("RAMP-1", "1号地库出入口", "Car Park Ramp 1", orb.Point{42, -437}, "ramp", true, "00:00-24:00")
	ap("RAMP-2", "2号地库出入口", "Car Park Ramp 2", orb.Point{-152, 437}, "ramp", true, "00:00-24:00")
	ap("KG-GATE", "幼儿园大门", "Kindergarten Gate", orb.Point{kgPlot.x0, gateWest[1]}, "door", true, "07:30-17:30")

	fac := func(zh, en string, p orb.Point, kind string) {
		s.facility = append(s.facility, store.Facility{Geom: p, Names: names(zh, en), Kind: kind})
	}
	fac("南门岗亭", "South Gate Guard Booth", boothSouth.centre(), "guard_booth")
	fac("北门岗亭", "North Gate Guard Booth", boothNorth.centre(), "guard_booth")
	fac("物业服务中心", "Property Management Centre", office.centre(), "management_office")
	fac("社区警务室", "Community Police Office", orb.Point{100, -141}, "police")
	fac("微型消防站", "Mini Fire Station", orb.Point{140, -141}, "fire_station")
	fac("中心广场应急避难集合点", "Central Square Assembly Point", square.centre(), "assembly_point")
	fac("垃圾分类投放点", "Refuse Sorting Point", refusePoint.centre(), "refuse_point")
	fac("社区卫生服务站", "Community Health Station", clinic.centre(), "clinic")
}

// keyAreasAndCameras adds the areas that must be watched and the cameras
// an installer would put up for them.
func (s *site) keyAreasAndCameras() {
	// Gates: faces in and out at identify level, plates at the vehicle gates.
	s.keyArea("KA-GATE-S", "南门", "South Gate", rect{-16, -478, 16, -460}.ring(), "gate", levelIdentify)
	s.keyArea("KA-GATE-E", "东门", "East Gate", boxAround(gateEast, 12, 12).ring(), "gate", levelIdentify)
	s.keyArea("KA-GATE-W", "西门", "West Gate", boxAround(gateWest, 12, 12).ring(), "gate", levelIdentify)
	s.keyArea("KA-GATE-N", "北门", "North Gate", boxAround(gateNorth, 20, 12).ring(), "gate", levelIdentify)
	s.camera("南门 进门人脸", "South Gate inbound faces", orb.Point{-12, -465.5}, orb.Point{-5, -476}, bullet6, 3, "KA-GATE-S")
	s.camera("南门 出门人脸", "South Gate outbound faces", orb.Point{-12, -474.5}, orb.Point{-5, -463}, bullet6, 3, "KA-GATE-S")
	s.camera("南门 入口车牌", "South Gate inbound plates", orb.Point{5, -458}, orb.Point{1.5, -472}, plate12, 3.5, "KA-GATE-S")
	s.camera("南门 出口车牌", "South Gate outbound plates", orb.Point{-5, -482}, orb.Point{-1.5, -466}, plate12, 3.5, "KA-GATE-S")
	s.camera("南门 球机", "South Gate PTZ", orb.Point{-20, -462}, orb.Point{0, -490}, ptzDome, 6, "KA-GATE-S")
	s.camera("东门 进门人脸", "East Gate inbound faces", add(gateEast, orb.Point{-3.5, -4}), add(gateEast, orb.Point{7, 0}), bullet6, 3, "KA-GATE-E")
	s.camera("东门 出门人脸", "East Gate outbound faces", add(gateEast, orb.Point{3.5, 4}), add(gateEast, orb.Point{-8, 0}), bullet6, 3, "KA-GATE-E")
	s.camera("西门 进门人脸", "West Gate inbound faces", add(gateWest, orb.Point{3.5, 4}), add(gateWest, orb.Point{-7, 0}), bullet6, 3, "KA-GATE-W")
	s.camera("西门 出门人脸", "West Gate outbound faces", add(gateWest, orb.Point{-3.5, -4}), add(gateWest, orb.Point{8, 0}), bullet6, 3, "KA-GATE-W")
	s.camera("北门 进门", "North Gate inbound", add(gateNorth, orb.Point{-8, -3.5}), add(gateNorth, orb.Point{-1, 9}), plate12, 3.5, "KA-GATE-N")
	s.camera("北门 出门", "North Gate outbound", add(gateNorth, orb.Point{8, 3.5}), add(gateNorth, orb.Point{1, -10}), plate12, 3.5, "KA-GATE-N")

	// Car-park ramps: plates of cars going down and coming up.
	s.keyArea("KA-RAMP-1", "1号地库坡道", "Car Park Ramp 1", rect{36, -434, 48, -410}.ring(), "carpark_ramp", levelIdentify)
	s.keyArea("KA-RAMP-2", "2号地库坡道", "Car Park Ramp 2", rect{-158, 410, -146, 434}.ring(), "carpark_ramp", levelIdentify)
	s.camera("1号地库 入口", "Car Park Ramp 1 inbound", orb.Point{36.5, -404}, orb.Point{42, -432}, plate12, 3, "KA-RAMP-1")
	s.camera("1号地库 出口", "Car Park Ramp 1 outbound", orb.Point{48, -436}, orb.Point{42, -414}, bullet6, 3, "KA-RAMP-1")
	s.camera("2号地库 入口", "Car Park Ramp 2 inbound", orb.Point{-146.5, 404}, orb.Point{-152, 432}, plate12, 3, "KA-RAMP-2")
	s.camera("2号地库 出口", "Car Park Ramp 2 outbound", orb.Point{-158, 436}, orb.Point{-152, 414}, bullet6, 3, "KA-RAMP-2")

	// The perimeter wall: a pole every 95 m or so, 1.5 m inside the
	// wall, looking along it to the next pole.
	gates := []orb.Point{gateSouth, gateEast, gateWest, gateNorth}
	for i, e := range wallEdges {
		a, b := boundary[i], boundary[i+1]
		u := unit(sub(b, a))
		n := left(u)
		l := length(sub(b, a))
		s.keyArea(e.code, e.zh, e.en, closeRing([]orb.Point{a, b, add(b, scale(n, 6)), add(a, scale(n, 6))}), "perimeter", levelDetect)
		poles := int(math.Ceil((l - 6) / 95))
		step := (l - 6) / float64(poles)
		for k := 0; k < poles; k++ {
			d := 3 + step*float64(k)
			for _, g := range gates {
				if math.Abs(dot(sub(g, a), u)-d) < 14 && math.Abs(dot(sub(g, a), n)) < 1 {
					d += 18
				}
			}
			p := add(add(a, scale(u, d)), scale(n, 1.5))
			aim := add(add(a, scale(u, d+55)), scale(n, 3))
			s.camera(fmt.Sprintf("%s %d号杆", e.zh, k+1), fmt.Sprintf("%s pole %d", e.en, k+1), p, aim, bullet12, 6, e.code)
		}
	}

	// Places where people gather or things catch fire.
	s.keyArea("KA-PLAY", "儿童游乐场", "Children's Playground", playground.ring(), "playground", levelObserve)
	s.camera("游乐场 西南", "Playground south-west", orb.Point{playground.x0 - 3, playground.y0 - 3}, playground.centre(), bullet4, 3.5, "KA-PLAY")
	s.camera("游乐场 东北", "Playground north-east", orb.Point{playground.x1 + 3, playground.y1 + 3}, playground.centre(), bullet4, 3.5, "KA-PLAY")
	s.keyArea("KA-SQUARE", "中心广场", "Central Square", square.ring(), "square", levelObserve)
	s.camera("中心广场 球机", "Central Square PTZ", orb.Point{square.x1 + 2, square.y1 + 2}, square.centre(), ptzDome, 6, "KA-SQUARE")
	s.camera("中心广场 全景", "Central Square overview", orb.Point{office.x0 + 1, office.y1 + 0.5}, square.centre(), wide28, 4, "KA-SQUARE")
	s.keyArea("KA-EBIKE", "电动自行车充电棚", "E-bike Charging Shed", rect{495.5, -125, 509, -70}.ring(), "ebike_shed", levelObserve)
	s.camera("充电棚 南", "E-bike shed south", orb.Point{ebikeShed.x0 - 0.5, ebikeShed.y0 + 2}, orb.Point{499, -97}, bullet4, 3, "KA-EBIKE")
	s.camera("充电棚 北", "E-bike shed north", orb.Point{ebikeShed.x0 - 0.5, ebikeShed.y1 - 2}, orb.Point{499, -97}, bullet4, 3, "KA-EBIKE")
	s.keyArea("KA-KG", "幼儿园门口", "Kindergarten Entrance", boxAround(orb.Point{kgPlot.x0 - 4, gateWest[1]}, 10, 12).ring(), "kindergarten_entrance", levelRecognise)
	s.camera("幼儿园门口", "Kindergarten gate", orb.Point{kgPlot.x0 + 1.5, gateWest[1] - 6}, orb.Point{kgPlot.x0 - 7, gateWest[1]}, bullet6, 3, "KA-KG")
	s.camera("幼儿园入园通道", "Kindergarten gate path", orb.Point{kgPlot.x0 - 11, gateWest[1] + 5}, orb.Point{kgPlot.x0 - 1, gateWest[1]}, bullet6, 3, "KA-KG", "KA-GATE-W")
	s.keyArea("KA-PARK-1", "访客停车场", "Visitor Car Park", visitorLot.ring(), "parking", levelObserve)
	s.camera("访客停车场", "Visitor car park", orb.Point{-95, visitorLot.y1 + 2}, visitorLot.centre(), wide28, 4, "KA-PARK-1")
	s.keyArea("KA-PARK-2", "东侧停车位", "East Parking Bays", parkEast.ring(), "parking", levelObserve)
	s.camera("东侧停车位 南", "East parking bays south", orb.Point{parkEast.x1 + 2, parkEast.y0 - 2}, orb.Point{499, -320}, bullet6, 4, "KA-PARK-2")
	s.camera("东侧停车位 北", "East parking bays north", orb.Point{parkEast.x1 + 2, parkEast.y1 + 2}, orb.Point{499, -230}, bullet6, 4, "KA-PARK-2")
	s.camera("开闭所", "Substation", orb.Point{substation.x1 + 0.5, substation.y0 + 1}, orb.Point{-321, 448}, bullet4, 3)
	s.camera("物业中心门口", "Management centre entrance", orb.Point{118, office.y1 + 0.5}, orb.Point{118, -122}, dome28, 2.8)

	// Building entrances: a key area at a few, a camera at every sixth.
	var homes []*bldg
	for _, b := range s.buildings {
		if b.use == "residential" {
			homes = append(homes, b)
		}
	}
	watched := map[int]bool{}
	for _, f := range []float64{0.08, 0.3, 0.52, 0.74, 0.95} {
		watched[homes[int(f*float64(len(homes)-1))].no] = true
	}
	for i, b := range homes {
		e := b.entrance
		var codes []string
		if watched[b.no] {
			code := fmt.Sprintf("KA-ENT-%d", b.no)
			s.keyArea(code, fmt.Sprintf("%d号楼入口", b.no), fmt.Sprintf("Building %d Entrance", b.no),
				rect{e[0] - 4, e[1] + 0.5, e[0] + 4, e[1] + 6.5}.ring(), "building_entrance", levelRecognise)
			codes = append(codes, code)
		}
		if watched[b.no] || i%6 == 2 {
			s.camera(fmt.Sprintf("%d号楼 单元门", b.no), fmt.Sprintf("Building %d entrance", b.no),
				add(e, orb.Point{1.5, 0.5}), add(e, orb.Point{0, 8}), dome28, 2.8, codes...)
		}
	}

	// A few cameras are down, as in any real system.
	for _, st := range []string{store.CameraOffline, store.CameraOffline, store.CameraOffline, store.CameraMaintenance, store.CameraMaintenance} {
		for {
			i := s.rng.IntN(len(s.cameras))
			if s.cameras[i].Status == store.CameraOnline {
				s.cameras[i].Status = st
				break
			}
		}
	}
}

// date returns midnight UTC of the given day.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fireEquipment adds hydrants along the inner roads, extinguishers at
// every building entrance and the equipment kept at the guard booth and
// the management centre.
func (s *site) fireEquipment() {
	inspected := func() time.Time { return date(2026, 1, 6).AddDate(0, 0, s.rng.IntN(300)) }
	// Dry-powder extinguishers are scrapped 10 years after manufacture
	// (GB 50444); a few in the demo have run out.
	expiry := func() time.Time { return date(2026+s.rng.IntN(10), time.Month(1+s.rng.IntN(12)), 1) }
	eq := func(zh, en string, p orb.Point, kind, class, hazard string, cap float64, unit string, exp bool) {
		e := store.Equipment{
			Geom: p, Names: names(zh, en), Code: fmt.Sprintf("FE-%03d", len(s.equipment)+1),
			Kind: kind, FireClass: class, HazardLevel: hazard, Capacity: cap, CapacityUnit: unit,
			LastInspection: inspected(),
		}
		if exp {
			e.Expiry = expiry()
		}
		s.equipment = append(s.equipment, e)
	}

	// Outdoor hydrants every 100 m or less along the inner roads, 4.5 m
	// to the side, never two within 30 m.
	var hydrants []orb.Point
	for _, line := range s.inner {
		l := lineLength(line)
		n := int(math.Ceil(l / 100))
		for k := 0; k < n; k++ {
			p, u := pointAlong(line, (float64(k)+0.5)*l/float64(n))
			h := add(p, scale(left(u), -4.5))
			if s.inside(h) {
				h = add(p, scale(left(u), 4.5))
			}
			crowded := false
			for _, o := range hydrants {
				crowded = crowded || length(sub(o, h)) < 30
			}
			if crowded || s.inside(h) {
				continue
			}
			hydrants = append(hydrants, h)
			no := len(hydrants)
			eq(fmt.Sprintf("室外消火栓%d", no), fmt.Sprintf("Outdoor Hydrant %d", no), h,
				store.HydrantOutdoor, "", "", 15, "L/s", false)
		}
	}

	for _, b := range s.buildings {
		if !b.door {
			continue
		}
		p := add(b.entrance, orb.Point{-1.2, 0.3})
		switch {
		case b.use == "kindergarten":
			p = add(b.entrance, orb.Point{-0.3, 1.2})
			eq("幼儿园 消防箱", "Kindergarten fire cabinet", p, store.FireCabinet, "ABC", store.HazardMedium, 4, "kg", true)
		case b.use == "office":
			eq("物业中心 灭火器箱", "Management centre extinguishers", p, store.ExtinguisherHandheld, "ABC", store.HazardMedium, 4, "kg", true)
		case b.levels > slabLevels:
			eq(fmt.Sprintf("%d号楼 消防箱", b.no), fmt.Sprintf("Building %d fire cabinet", b.no), p, store.FireCabinet, "ABC", store.HazardMedium, 4, "kg", true)
		default:
			eq(fmt.Sprintf("%d号楼 灭火器箱", b.no), fmt.Sprintf("Building %d extinguishers", b.no), p, store.ExtinguisherHandheld, "ABC", store.HazardMedium, 4, "kg", true)
		}
	}
	for _, b := range s.buildings {
		if b.use == "retail" {
			eq(b.names.NameZh+" 灭火器箱", b.names.NameEn+" extinguishers", orb.Point{b.box.x0 + 2, b.box.y0 - 0.5},
				store.ExtinguisherHandheld, "ABC", store.HazardMedium, 4, "kg", true)
		}
	}
	eq("充电棚 灭火器箱（南）", "E-bike shed extinguishers (south)", orb.Point{ebikeShed.x0 - 0.5, -110}, store.ExtinguisherHandheld, "ABC", store.HazardSevere, 4, "kg", true)
	eq("充电棚 灭火器箱（北）", "E-bike shed extinguishers (north)", orb.Point{ebikeShed.x0 - 0.5, -85}, store.ExtinguisherHandheld, "ABC", store.HazardSevere, 4, "kg", true)
	eq("开闭所 二氧化碳灭火器", "Substation CO2 extinguishers", orb.Point{substation.x0 + 2, substation.y0 - 0.5}, store.ExtinguisherHandheld, "BC", store.HazardMedium, 5, "kg", true)
	eq("南门岗亭 推车式灭火器", "South Gate wheeled extinguisher", orb.Point{boothSouth.x1 + 0.6, boothSouth.y0 + 1}, store.ExtinguisherWheeled, "ABC", store.HazardMedium, 35, "kg", true)
	eq("南门岗亭 AED", "South Gate defibrillator (AED)", orb.Point{boothSouth.x1 + 0.6, boothSouth.y1 - 1}, store.Defibrillator, "", "", 0, "", false)
	s.equipment[len(s.equipment)-1].Expiry = date(2027, 3, 31) // electrode pads
	eq("应急物资储备库", "Emergency Supply Store", orb.Point{135, -141}, store.SupplyStore, "", "", 0, "", false)
}

// inside reports whether p lies within a metre of the bounding box of a
// building or of the water.
func (s *site) inside(p orb.Point) bool {
	for _, b := range s.buildings {
		if b.box.grow(1).overlaps(rect{p[0], p[1], p[0], p[1]}) {
			return true
		}
	}
	for _, w := range s.water {
		b := w.Geom.Bound()
		if b.Pad(1).Contains(p) {
			return true
		}
	}
	return false
}

// patrols adds the patrol routes and their checkpoints.
func (s *site) patrols() {
	const shifts = "08:00-16:00,16:00-24:00,00:00-08:00"
	type stop struct {
		zh, en string
		at     orb.Point
	}
	routes := []struct {
		code, zh, en, team string
		rounds             int
		line               orb.LineString
		stops              []stop
	}{
		{"PR-1", "外围巡逻线", "Perimeter Patrol", "安保一队 Security Team 1", 2, s.ring, []stop{
			{"南门", "South Gate", gateSouth},
			{"东南角", "South-East Corner", boundary[1]},
			{"东门", "East Gate", gateEast},
			{"电动车充电棚", "E-bike Shed", ebikeShed.centre()},
			{"东北角", "North-East Corner", boundary[3]},
			{"北门", "North Gate", gateNorth},
			{"开闭所", "Substation", substation.centre()},
			{"西北角", "North-West Corner", boundary[5]},
			{"西门", "West Gate", gateWest},
			{"西南角", "South-West Corner", boundary[6]},
		}},
		{"PR-2", "中心花园巡逻线", "Central Garden Patrol", "安保二队 Security Team 2", 3,
			rounded([]orb.Point{{-180, -160}, {180, -160}, {180, 140}, {-180, 140}}, 8, true), []stop{
				{"中心广场", "Central Square", square.centre()},
				{"物业服务中心", "Management Centre", office.centre()},
				{"镜湖东岸", "Mirror Pond East Bank", orb.Point{110, 20}},
				{"花园北入口", "Garden North Entrance", orb.Point{60, 136}},
				{"儿童游乐场", "Children's Playground", playground.centre()},
				{"健身角", "Fitness Corner", fitness.centre()},
			}},
		{"PR-3", "北区巡逻线", "North Sector Patrol", "安保三队 Security Team 3", 2,
			rounded([]orb.Point{{-492, 140}, {180, 140}, {180, 442}, {-492, 442}}, 18, true), []stop{
				{"北横道中段", "North Cross Road Middle", orb.Point{-160, 140}},
				{"东纵道北段", "East Spine Road North", orb.Point{180, 300}},
				{"2号地库出入口", "Car Park Ramp 2", orb.Point{-152, 437}},
				{"北门", "North Gate", gateNorth},
				{"垃圾分类投放点", "Refuse Sorting Point", refusePoint.centre()},
				{"开闭所", "Substation", substation.centre()},
				{"西北角", "North-West Corner", orb.Point{-492, 442}},
			}},
	}
	for ri, r := range routes {
		s.routes = append(s.routes, store.PatrolRoute{
			Geom: r.line, Names: names(r.zh, r.en), Code: r.code, Team: r.team, Shifts: shifts, RoundsPerShift: r.rounds,
		})
		type cp struct {
			p     orb.Point
			along float64
			stop
		}
		var cps []cp
		for _, st := range r.stops {
			q, along := nearestOn(r.line, st.at)
			// The tag hangs on a post at the side of the road, towards the place.
			if d := length(sub(st.at, q)); d > 0 {
				q = add(q, scale(sub(st.at, q), min(1.5, d)/d))
			}
			cps = append(cps, cp{q, along, st})
		}
		// Order the checkpoints as the patrol meets them.
		for i := 1; i < len(cps); i++ {
			for j := i; j > 0 && cps[j].along < cps[j-1].along; j-- {
				cps[j], cps[j-1] = cps[j-1], cps[j]
			}
		}
		for i, c := range cps {
			s.checkpts = append(s.checkpts, store.Checkpoint{
				Geom: c.p, Names: names(c.zh, c.en), Code: fmt.Sprintf("CP-%d-%02d", ri+1, i+1), RouteCode: r.code, Seq: i + 1,
			})
		}
	}
}

// hazardRegister adds the hazard register: a dozen hazards in every state.
func (s *site) hazardRegister() {
	var homes, towers []*bldg
	for _, b := range s.buildings {
		if b.use == "residential" {
			homes = append(homes, b)
			if b.levels > slabLevels {
				towers = append(towers, b)
			}
		}
	}
	slabA := homes[6]
	towerA, towerB, towerC := towers[2], towers[len(towers)/2], towers[len(towers)-3]
	bname := func(b *bldg) (string, string) { return fmt.Sprintf("%d号楼", b.no), fmt.Sprintf("Building %d", b.no) }
	lane := orb.LineString{{-470, 200}, {-180, 200}} // a lane in the north, found below
	for _, r := range s.roads {
		if r.Class == "service" && len(r.Geom) == 2 && r.Geom[0][1] == r.Geom[1][1] && r.Geom[0][1] > 150 {
			lane = r.Geom
			break
		}
	}
	type hz struct {
		zh, en   string
		geom     orb.Geometry
		category string
		severity string
		status   string
		reported time.Time
		who      string
		note     string
	}
	az, ae := bname(slabA)
	tz, te := bname(towerA)
	uz, ue := bname(towerB)
	vz, ve := bname(towerC)
	list := []hz{
		{az + " 楼道飞线充电", ae + " e-bike charged in the stairwell", add(slabA.entrance, orb.Point{0, -2}),
			"ebike_charging", "high", store.HazardOpen, date(2026, 11, 20), "物业安全主管 陈刚",
			"Cable run from a first-floor window to an e-bike in the stairwell; resident warned, follow-up check due."},
		{"充电棚超负荷", "E-bike shed charging overload", rect{ebikeShed.x0 - 1, ebikeShed.y0, ebikeShed.x1 + 1, ebikeShed.y1}.ring(),
			"ebike_charging", "medium", store.HazardMitigated, date(2026, 6, 3), "物业工程部 李伟",
			"Breaker tripped twice in summer; 40 smart charging posts with auto cut-off fitted in July."},
		{"燃气调压柜", "Gas pressure regulator cabinet", orb.Point{-250, 452},
			"gas", "medium", store.HazardClosed, date(2026, 3, 11), "燃气公司 王师傅",
			"Smell of gas reported at the regulator cabinet; seal replaced by the gas company, leak test passed."},
		{"沿街餐馆燃气泄漏报警", "Street-front restaurant gas alarm", orb.Point{-300, -488.5},
			"gas", "high", store.HazardMitigated, date(2026, 10, 14), "物业安全主管 陈刚",
			"Kitchen gas alarm went off twice; hose replaced and shut-off valve fitted, awaiting gas company inspection."},
		{"开闭所电缆老化", "Ageing cables at the substation", substation.grow(3).ring(),
			"electrical", "medium", store.HazardOpen, date(2026, 9, 2), "供电所 赵工",
			"Cable insulation cracked at the 10 kV incomer; replacement booked with the grid company."},
		{"商铺私拉电线", "Illegal wiring at the shops", orb.Point{250, -488.5},
			"electrical", "low", store.HazardClosed, date(2026, 4, 22), "物业工程部 李伟",
			"Extension leads across the shop front for a sign; removed by the tenant."},
		{tz + " 外立面脚手架", te + " facade scaffolding", towerA.box.grow(4).ring(),
			"construction", "high", store.HazardOpen, date(2026, 10, 8), "施工单位 周经理",
			"Facade repair until January; falling-object zone, entrance moved to the east side."},
		{"消防通道占用", "Cars parked on the fire lane", rect{lane[0][0] + 20, lane[0][1] - 3, lane[0][0] + 90, lane[0][1] + 3}.ring(),
			"blocked_fire_lane", "high", store.HazardOpen, date(2026, 11, 24), "安保一队 队长 孙强",
			"Residents park along this lane at night; fire engine cannot pass. Yellow grid and notices planned."},
		{"北门消防通道堆放垃圾桶", "Bins blocking the north fire access", rect{-104, 446, -96, 466}.ring(),
			"blocked_fire_lane", "medium", store.HazardClosed, date(2026, 2, 17), "物业环境部 吴敏",
			"Refuse bins left in the north gate lane; moved to the new refuse point."},
		{"1号地库坡道积水", "Car Park Ramp 1 flooding", ramp1.ring(),
			"flood_prone", "medium", store.HazardMitigated, date(2026, 6, 28), "物业工程部 李伟",
			"Water ran down the ramp in the plum-rain storms; flood boards and a second pump installed."},
		{"镜湖南岸低洼积水", "Low ground south of Mirror Pond", closeRing(circle(orb.Point{38, -24}, 14, 16)),
			"flood_prone", "low", store.HazardOpen, date(2026, 7, 9), "物业环境部 吴敏",
			"Path floods after heavy rain; drain to be re-laid in spring."},
		{uz + " 行动不便老人", ue + " resident with limited mobility", add(towerB.entrance, orb.Point{0, 0.5}),
			"vulnerable_resident", "high", store.HazardOpen, date(2026, 5, 16), "楼长 刘阿姨",
			"Wheelchair user on the 15th floor; needs two helpers and the evacuation chair in an evacuation."},
		{vz + " 独居卧床老人", ve + " bedridden resident living alone", add(towerC.entrance, orb.Point{0, 0.5}),
			"vulnerable_resident", "critical", store.HazardOpen, date(2026, 8, 30), "社区网格员 黄磊",
			"Bedridden resident on the 9th floor; carry-down with a stretcher. Daily visit by the grid worker."},
	}
	for i, h := range list {
		z := store.Hazard{
			Geom: h.geom, Names: names(h.zh, h.en), Code: fmt.Sprintf("HZ-%02d", i+1),
			Category: h.category, Severity: h.severity, Status: h.status, Reported: h.reported,
			Responsible: h.who, Note: h.note,
		}
		switch h.status {
		case store.HazardMitigated:
			z.Mitigated = h.reported.AddDate(0, 0, 12+s.rng.IntN(30))
		case store.HazardClosed:
			z.Mitigated = h.reported.AddDate(0, 0, 2+s.rng.IntN(10))
			z.Closed = z.Mitigated.AddDate(0, 0, 7+s.rng.IntN(20))
		}
		s.hazards = append(s.hazards, z)
	}
}
