package osmimport

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestProbeCorpus(t *testing.T) {
	dir := os.Getenv("HOME") + "/.cache/go-build/fuzz/safetynet/data/osmimport/FuzzReadPBF/"
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		lines := strings.SplitN(string(b), "\n", 2)
		s := strings.TrimSpace(lines[1])
		s = strings.TrimSuffix(strings.TrimPrefix(s, "[]byte("), ")")
		v, err := strconv.Unquote(s)
		if err != nil {
			t.Log(e.Name(), err)
			continue
		}
		t0 := time.Now()
		_, _, err = Read(context.Background(), bytes.NewReader([]byte(v)), "x", nil)
		t.Log(e.Name(), len(v), time.Since(t0), err)
	}
}
