// Package clocale makes the C and POSIX locales (C.UTF-8, POSIX.utf8,
// C@euro...) read as English by Fyne, which otherwise logs "Error parsing
// user locale C" at every start: jeandeaual/go-locale passes "C.UTF-8" on
// as the language "C", which no BCP 47 parser accepts.
//
// Fyne reads the locale in the init function of fyne.io/fyne/v2/lang, so
// this package does its work in its own init and imports nothing but os
// and strings. Go initialises packages in import-path order once their
// imports are ready, and fyne/v2/lang waits on text/template, which sorts
// after safetynet/..., so importing this package (for its side effect)
// anywhere in a program runs it before Fyne looks. The app's test of
// `LANG=C.UTF-8 safetynet -h` checks that this holds.
package clocale

import (
	"os"
	"strings"
)

func init() {
	Normalize(os.Getenv, os.Setenv)
}

// Normalize sets LANGUAGE to "en" (through setenv) when the locale that
// decides (the first set of LC_ALL, LC_MESSAGES, LANG, read with getenv)
// is C or POSIX with a codeset or modifier and LANGUAGE is empty, since
// go-locale then reads LANGUAGE instead. The locale variables themselves
// are left alone (C libraries keep their codeset). It reports whether it
// set LANGUAGE.
func Normalize(getenv func(string) string, setenv func(string, string) error) bool {
	if !IsC(Effective(getenv)) || getenv("LANGUAGE") != "" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}

// Effective returns the locale that decides the language of messages:
// the first set of LC_ALL, LC_MESSAGES and LANG, or "".
func Effective(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// IsC reports whether locale is the C or POSIX locale with a codeset or a
// modifier ("C.UTF-8", "POSIX.utf8", "C@euro"). The bare "C" and "POSIX"
// go-locale already treats as no locale, so they need nothing.
func IsC(locale string) bool {
	name, _, _ := strings.Cut(locale, "@")
	name, _, _ = strings.Cut(name, ".")
	return (name == "C" || name == "POSIX") && locale != name
}
