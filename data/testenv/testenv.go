// Package testenv is for tests only: it finds the shared test data beside
// the repository (../shared/data), the reference tools (GDAL, xmllint) and
// the fonts that tests and benchmarks need, and says whether the tests run
// in CI.
//
// Outside CI a test whose data, tool or font is missing is skipped with a
// printed reason; in CI (CI=true, as .ci/run and every CI service set it)
// the same absence is a failure, since CI installs all of them.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CI reports whether the tests run in continuous integration: the CI
// environment variable is set to anything but "", "0" or "false".
func CI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false", "no":
		return false
	}
	return true
}

// Missing ends the test because something outside the repository that it
// needs is absent, with the reason (format and args, as in fmt.Sprintf)
// printed: a failure in CI, a skip elsewhere. It does not return.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatalf("%s (CI=%s: CI installs it, so its absence is a failure)", msg, os.Getenv("CI"))
	}
	t.Skip(msg)
}

// SharedDataDir is the folder of the shared test data beside the
// repository (../shared/data).
func SharedDataDir() string {
	return filepath.Join(Root(), "..", "shared", "data")
}

// SharedData returns the path of a file under ../shared/data (beside the
// repository). When it is absent the test is skipped with the reason
// printed, or fails in CI.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(SharedDataDir(), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "shared test data %s is not here (%v); it lives in ../shared/data beside the repository", rel, err)
	}
	return p
}

// Tool returns the path of a reference command such as ogrinfo. When it is
// missing the test is skipped on a developer machine, and fails in CI
// (CI=true), where .ci/run installs it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed (go run ./cmd/dev deps test installs it); the test needs it", name)
	}
	return p
}

// Font returns the first of paths (font files) that exists. When none
// does the test is skipped with the reason printed, or fails in CI.
func Font(t testing.TB, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Missing(t, "no font of %s is installed (go run ./cmd/dev deps test installs fonts-wqy-microhei and fonts-noto-cjk)", strings.Join(paths, ", "))
	return ""
}

// NoFont ends the test because a font it needs could not be loaded (err
// says why): skipped with the reason printed, or a failure in CI.
func NoFont(t testing.TB, err error) {
	t.Helper()
	Missing(t, "no CJK font installed: %v (go run ./cmd/dev deps test installs fonts-wqy-microhei and fonts-noto-cjk)", err)
}
