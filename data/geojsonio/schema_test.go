package geojsonio

import "safetynet/data/store"

// Test schemas mirroring data/store/model.go, so the codec can be tested
// without a store.
var (
	text = func(names ...string) []store.Column {
		cs := make([]store.Column, len(names))
		for i, n := range names {
			cs[i] = store.Column{Name: n, Type: "TEXT"}
		}
		return cs
	}
	names = text("name", "name_zh", "name_en")

	camerasSchema = schema{layer: store.Cameras, geom: "POINT", cols: append(append([]store.Column{}, names...),
		store.Column{Name: "code", Type: "TEXT"},
		store.Column{Name: "mount_height", Type: "REAL"},
		store.Column{Name: "heading", Type: "REAL"},
		store.Column{Name: "resolution_h", Type: "INTEGER"},
		store.Column{Name: "ptz", Type: "BOOLEAN"},
		store.Column{Name: "status", Type: "TEXT"},
	)}
	buildingsSchema = schema{layer: store.Buildings, geom: "MULTIPOLYGON", cols: append(append([]store.Column{}, names...),
		store.Column{Name: "height", Type: "REAL"},
		store.Column{Name: "levels", Type: "INTEGER"},
		store.Column{Name: "use", Type: "TEXT"},
	)}
	roadsSchema    = schema{layer: store.Roads, geom: "LINESTRING", cols: append(append([]store.Column{}, names...), text("class")...)}
	keyAreasSchema = schema{layer: store.KeyAreas, geom: "POLYGON", cols: append(append([]store.Column{}, names...), text("code", "kind")...)}
	hazardsSchema  = schema{layer: store.Hazards, geom: "GEOMETRY", cols: append(append([]store.Column{}, names...),
		store.Column{Name: "category", Type: "TEXT"},
		store.Column{Name: "reported", Type: "DATE"},
	)}
	equipmentSchema = schema{layer: store.FireEquipment, geom: "POINT", cols: append(append([]store.Column{}, names...),
		store.Column{Name: "kind", Type: "TEXT"},
		store.Column{Name: "capacity", Type: "REAL"},
		store.Column{Name: "last_inspection", Type: "DATE"},
	)}
	// uncheckedSchema has the columns of camerasSchema in a layer without
	// value rules, for the limits of number conversion.
	uncheckedSchema   = schema{layer: "unchecked", geom: "POINT", cols: camerasSchema.cols}
	multiPointsSchema = schema{layer: "multi_points", geom: "MULTIPOINT", cols: names}
	multiLinesSchema  = schema{layer: "multi_lines", geom: "MULTILINESTRING", cols: names}

	testSchemas = []schema{camerasSchema, buildingsSchema, roadsSchema, keyAreasSchema,
		hazardsSchema, equipmentSchema, multiPointsSchema, multiLinesSchema}
)
