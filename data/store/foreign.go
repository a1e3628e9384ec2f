package store

import "strings"

// Other people's registers name their columns their own way: a council's
// camera list has "ID" and "LOCATION_NAME", not code and name. aliases
// lists, per column, the names such data uses for it, the likeliest
// first; matching ignores case. A column's own name always comes first.
var aliases = map[string][]string{
	"code": {"code", "camera_id", "cameraid", "cam_id", "camera_code", "camera_no", "camera_number", "asset_id", "assetid",
		"equipment_id", "hydrant_id", "ref", "id", "_id", "objectid", "object_id", "px", "number", "no", "编号", "设备编号", "点位编号"},
	"name": {"name", "location_name", "locationname", "location", "site_name", "site", "title", "label", "description",
		"desc", "address", "名称", "位置", "点位名称", "地址"},
	"heading":      {"heading", "direction", "camera:direction", "camera_direction", "bearing", "azimuth", "orientation", "方向", "朝向"},
	"hfov":         {"hfov", "fov", "field_of_view", "angle_of_view", "view_angle", "视角"},
	"mount_height": {"mount_height", "mounting_height", "height", "安装高度"},
	"model":        {"model", "camera_model", "make_model", "型号"},
	"status":       {"status", "状态"},
}

// MapColumns returns, for the column names of another program's record
// of a layer with columns cols (see Columns), which column each one fills:
// its own name (ignoring case), else the first alias present (see
// aliases). Names not in the result have no column; an importer keeps
// them in the layer's "attributes" column where it has one. Each column is
// filled from one name only.
func MapColumns(cols []Column, names []string) map[string]string {
	out := map[string]string{}
	taken := map[string]bool{} // names used
	find := func(want string) (string, bool) {
		for _, n := range names {
			if !taken[n] && strings.EqualFold(strings.TrimSpace(n), want) {
				return n, true
			}
		}
		return "", false
	}
	// Own names first, so that a "name" column is never taken by an
	// alias of another column.
	for _, c := range cols {
		if n, ok := find(c.Name); ok {
			out[n], taken[n] = c.Name, true
		}
	}
	filled := func(col string) bool {
		for _, c := range out {
			if c == col {
				return true
			}
		}
		return false
	}
	for _, c := range cols {
		if filled(c.Name) {
			continue
		}
		for _, a := range aliases[c.Name] {
			if n, ok := find(a); ok {
				out[n], taken[n] = c.Name, true
				break
			}
		}
	}
	return out
}
