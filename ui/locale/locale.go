// Package locale holds SafetyNet's translations (English and Simplified
// Chinese) and chooses the language of the interface.
//
// Strings are translated with Fyne's lang package (lang.L); this package
// only loads the translation files and picks the language. The choice is
// process-wide, like Fyne's own, so call Use once at start-up, before any
// window is built.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// Languages the interface is translated into.
const (
	Chinese = "zh"
	English = "en"
)

// The Chinese file is named zh_Hans.json, not zh.json: Fyne ships its own
// strings (dialog buttons, file picker) as zh-Hans, and Fyne's localizer
// reads messages of exactly one language tag, so ours must share that tag.
//
//go:embed translations
var translations embed.FS

// Use loads the translations and makes language ("zh" or "en") the language
// of every string translated from now on. With "" it follows the user's
// locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): Chinese when that asks for
// Chinese, English otherwise, since SafetyNet has no other translation.
//
// Fyne reads the language from the environment only, so Use sets LANGUAGE
// (and LANG when the locale is unset or C) for this process.
func Use(language string) error {
	if language == "" {
		language = System()
	}
	if language != Chinese && language != English {
		return fmt.Errorf("locale: no translation for %q; use %q or %q", language, Chinese, English)
	}
	full := map[string]string{Chinese: "zh_CN.UTF-8", English: "en_US.UTF-8"}[language]
	os.Setenv("LANGUAGE", full[:5])
	// LANGUAGE counts only when the locale is set and not C or POSIX.
	set := false
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			os.Setenv(name, full)
		}
		set = true
		break
	}
	if !set {
		os.Setenv("LANG", full)
	}
	// Adding translations makes Fyne choose its language again.
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("locale: %w", err)
	}
	return nil
}

// System returns the language the user's locale asks for: "zh" when the
// first of LANGUAGE's entries (or else LC_ALL, LC_MESSAGES, LANG) that is
// Chinese or English is Chinese, and "en" otherwise.
func System() string {
	var wants []string
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			wants = []string{v}
			break
		}
	}
	if len(wants) == 1 && wants[0] != "C" && wants[0] != "POSIX" && !strings.HasPrefix(wants[0], "C.") {
		if l := os.Getenv("LANGUAGE"); l != "" {
			wants = append(strings.Split(l, ":"), wants...)
		}
	}
	for _, w := range wants {
		switch {
		case w == Chinese || strings.HasPrefix(w, "zh_") || strings.HasPrefix(w, "zh-") || strings.HasPrefix(w, "zh."):
			return Chinese
		case w == English || strings.HasPrefix(w, "en_") || strings.HasPrefix(w, "en-") || strings.HasPrefix(w, "en."):
			return English
		}
	}
	return English
}

// Current returns the language strings are shown in: "zh" or "en".
func Current() string {
	// Each translation file names its own language under this key.
	return lang.X("locale.code", English)
}

// Layer returns the name of a store layer ("buildings", "patrol_routes")
// in the current language, or the layer name itself when it has no
// translation.
func Layer(name string) string { return keyed("layer.", name) }

// Column returns the name of an attribute column ("mount_height") in the
// current language, or the column name itself when it has no translation.
func Column(name string) string { return keyed("col.", name) }

// Value returns a coded attribute value ("hydrant_outdoor", "online") in
// the current language, or the value itself when it is not a code we know.
func Value(v string) string { return keyed("val.", v) }

func keyed(prefix, name string) string {
	if !keys[prefix+name] {
		return name // lang would log every miss
	}
	return lang.X(prefix+name, name)
}

// keys are the keys of the English translation file.
var keys = func() map[string]bool {
	b, err := translations.ReadFile("translations/en.json")
	if err != nil {
		panic(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic("locale: en.json: " + err.Error())
	}
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}()

// EventType returns an event type code ("fire.smoke") as people read it in
// the current language: its own translation when there is one, else its
// family's name and the rest of the code in words ("Fire · pump room"),
// else the code with underscores as spaces. It never shows a bare code
// where a word is known.
func EventType(code string) string {
	if keys["type."+code] {
		return lang.X("type."+code, code)
	}
	fam, rest, _ := strings.Cut(code, ".")
	words := strings.ReplaceAll(rest, "_", " ")
	if keys["family."+fam] {
		f := lang.X("family."+fam, fam)
		if words == "" {
			return f
		}
		return f + " · " + words
	}
	return strings.ReplaceAll(code, "_", " ")
}

// Family returns a type family ("fire", "intrusion") in the current
// language.
func Family(code string) string { return keyed("family.", code) }

// Source returns an event's source ("camera:CAM-012", "sensor:SD-07") in
// the current language: name, the name of what it names, when it is not
// empty; else the kind translated and the code ("传感器 SD-07").
func Source(source, name string) string {
	if name != "" {
		return name
	}
	kind, code, ok := strings.Cut(source, ":")
	if !ok {
		return source
	}
	if keys["source."+kind] {
		return lang.X("source."+kind, kind) + " " + code
	}
	return kind + " " + code
}
