// Package testenv is for tests only: it finds the shared test data beside
// the repository (../shared/data) and the reference tools (GDAL, xmllint)
// that tests and benchmarks compare against.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// SharedData returns the path of a file under ../shared/data (beside the
// repository), skipping the test with a clear message when it is absent.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Root(), "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data %s is not here (%v); it lives in ../shared/data beside the repository", rel, err)
	}
	return p
}

// Tool returns the path of a reference command such as ogrinfo. When it is
// missing the test is skipped on a developer machine, and fails in CI
// (CI=true), where .ci/run installs it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run should have installed it", name)
	}
	t.Skipf("%s is not installed (apt-get install gdal-bin libxml2-utils); skipping the comparison with it", name)
	return ""
}
