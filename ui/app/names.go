package app

import "safetynet/ui/locale"

// typeText is an event type code in the interface language.
func typeText(code string) string { return locale.EventType(code) }

// familyText is a type family in the interface language.
func familyText(code string) string { return locale.Family(code) }

// sourceText is an event's source in the interface language, with the
// name of the camera, gate or equipment it names when the store has one.
func (l *liveConsole) sourceText(source string) string {
	name := ""
	if ss := l.running(); ss != nil {
		name = ss.look.names[source]
	}
	return locale.Source(source, name)
}
