package mapview

import (
	"maps"
	"slices"

	"safetynet/data/store"
	"safetynet/icons"
)

// SetCameraStatus shows the cameras named in byCode (camera code →
// status) with that status in place of the one the store holds, at once:
// a live feed's camera.offline and camera.online events. A status is one
// of store.CameraStatuses; any other non-empty value (a fault) shows the
// camera as offline, and "" as stored. Cameras not named, and cameras
// without a code, show their stored status; nil or an empty map clears
// every override. A camera not online is drawn greyed and struck
// through, never merged into a cluster, and its field of view as a
// dashed outline that covers nothing. The map copies byCode; a call with
// the statuses already shown costs nothing, so it may be made on every
// update of the feed.
func (m *Map) SetCameraStatus(byCode map[string]string) {
	over := make(map[string]string, len(byCode))
	for code, st := range byCode {
		if code == "" || st == "" {
			continue
		}
		if !store.ValidCameraStatus(st) {
			st = store.CameraOffline
		}
		over[code] = st
	}
	m.mu.Lock()
	if maps.Equal(over, m.camStatus) {
		m.mu.Unlock()
		return
	}
	m.camStatus = over
	if m.data != nil {
		m.data = m.data.withCameraStatus(over)
	}
	m.mu.Unlock()
	m.Refresh()
}

// CameraStatus returns the status the map shows for the camera with
// code: the one given to SetCameraStatus, else the stored one, else "".
func (m *Map) CameraStatus(code string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st, ok := m.camStatus[code]; ok {
		return st
	}
	if m.data == nil {
		return ""
	}
	for _, it := range m.data.points[store.Cameras] {
		if c, ok := it.feature.(store.Camera); ok && c.Code == code {
			return c.Status
		}
	}
	return ""
}

// cameraSymbol is the symbol of a camera of status st.
func cameraSymbol(st string) string {
	switch st {
	case store.CameraOffline:
		return icons.CameraOffline
	case store.CameraMaintenance:
		return icons.CameraMaintenance
	case store.CameraPlanned:
		return icons.CameraPlanned
	}
	return icons.CameraOnline
}

// withCameraStatus returns a copy of d in which every camera has the
// status over gives its code, or its stored one. d itself, shared with
// the overlay goroutine, does not change.
func (d *overlayData) withCameraStatus(over map[string]string) *overlayData {
	out := *d
	out.root = d.base()
	out.points = maps.Clone(d.points)
	pts := slices.Clone(d.points[store.Cameras])
	out.status = make(map[int64]string, len(pts))
	for i := range pts {
		c, _ := pts[i].feature.(store.Camera)
		st := c.Status
		if o, ok := over[c.Code]; ok && c.Code != "" {
			st = o
		}
		pts[i].status, pts[i].symbol = st, cameraSymbol(st)
		out.status[pts[i].fid] = st
	}
	out.points[store.Cameras] = pts
	return &out
}
