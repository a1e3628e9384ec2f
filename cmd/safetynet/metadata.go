package main

import (
	"fyne.io/fyne/v2"

	fyneapp "fyne.io/fyne/v2/app"

	"safetynet/icons"
)

// metadata is the root FyneApp.toml's [Details] and [Migrations] for the
// app built with go build (go run ./cmd/dev run, build, package). Fyne
// reads FyneApp.toml itself only when `fyne build` compiles it in or
// when the binary runs beside the file, and the toml sits at the
// repository's root while main is here, so without this its migrations
// (fyneDo: Fyne drops its thread-check wrapping, since every widget
// change from our goroutines goes through fyne.Do) would never apply.
// TestMetadataMatchesFyneAppToml keeps the two the same.
var metadata = fyne.AppMetadata{
	ID:         "org.safetynet.app",
	Name:       "SafetyNet",
	Version:    "0.1.0",
	Build:      3,
	Migrations: map[string]bool{"fyneDo": true},
}

// newApp creates the Fyne app with metadata, which must be set before
// Fyne first reads it (it decides fyneDo once).
func newApp() fyne.App {
	m := metadata
	m.Icon = icons.App
	fyneapp.SetMetadata(m)
	return fyneapp.NewWithID(m.ID)
}
