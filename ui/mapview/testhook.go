package mapview

// TestHandOff makes maps created from now on hand their results to WaitIdle
// instead of fyne.Do (see handOffInWait). It is for the tests of packages
// that embed the map, whose own goroutine must run what the Fyne goroutine
// would; the app never calls it.
func TestHandOff(on bool) { handOffInWait = on }
