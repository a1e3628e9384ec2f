package store_test

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedTmp != "" {
		os.RemoveAll(sharedTmp)
	}
	os.Exit(code)
}
