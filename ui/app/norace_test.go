//go:build !race

package app

import "time"

// raceEnabled is true in a build with the race detector, which slows
// everything several times: timing checks are left to the plain build.
const raceEnabled = false

// waitLimit is how long a test waits for the window to show what it
// expects: the race detector makes everything several times slower.
const waitLimit = 20 * time.Second
