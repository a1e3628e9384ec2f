//go:build !race

package app

// raceEnabled is true in a build with the race detector, which slows
// everything several times: timing checks are left to the plain build.
const raceEnabled = false
