package console

import (
	"strings"

	"safetynet/feeds/event"
)

// Kind says how the console shows an event.
type Kind string

// Kinds.
const (
	// Alert: something for an operator to handle; it goes in the queue.
	KindAlert Kind = "alert"
	// Unit: a moving patrol or track, drawn with its trail.
	KindUnit Kind = "unit"
	// Info: for the record (a checkpoint passed, a camera back online, a
	// chat message, an operator's action); never in the queue.
	KindInfo Kind = "info"
)

// KindOf returns how the console shows e: Unit for patrol.position and the
// track family (CoT tracks), Info for patrol.checkpoint, camera.online,
// chat.message, operator.*, marker.point, route, drawing.shape, drill.end
// and <family>.normal, and Alert for everything else.
func KindOf(e *event.Event) Kind {
	switch e.Type {
	case "patrol.position":
		return KindUnit
	case "patrol.checkpoint", "camera.online", "chat.message", "marker.point", "route", "drawing.shape", TypeDrillEnd:
		return KindInfo
	}
	if strings.HasSuffix(e.Type, normalSuffix) {
		return KindInfo
	}
	switch e.TypeFamily() {
	case "track":
		return KindUnit
	case "operator":
		return KindInfo
	}
	return KindAlert
}

// isAction reports whether e is an operator's action on an alert.
func isAction(e *event.Event) bool {
	return e.Op == event.Ack && strings.HasPrefix(e.Type, "operator.")
}
