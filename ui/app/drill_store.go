package app

import (
	"safetynet/data/store"
	"safetynet/ui/drill"
)

// scenariosFor returns where the scenarios of s are kept: the GeoPackage
// itself (nil when no file is open).
func scenariosFor(s *store.Store) drill.Scenarios {
	if s == nil {
		return nil
	}
	return s
}
