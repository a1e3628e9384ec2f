//go:build !race

package mapview

const raceEnabled = false
