// Package icons holds SafetyNet's symbols as Fyne resources, drawn as SVG.
package icons

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed safetynet.svg
var appSVG []byte

// App is SafetyNet's application and window icon: a blue shield holding a
// white net with an amber node at its centre. safetynet.png beside it is
// the same icon at 512×512 for packaging (FyneApp.toml); the test in this
// package regenerates it with -update.
var App fyne.Resource = fyne.NewStaticResource("safetynet.svg", appSVG)
