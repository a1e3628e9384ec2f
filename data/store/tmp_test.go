package store_test

import "os"

// tmpDir is a folder that outlives one benchmark function, removed by TestMain.
var sharedTmp string

func tmpDir() (string, error) {
	if sharedTmp == "" {
		d, err := os.MkdirTemp("", "safetynet-bench-")
		if err != nil {
			return "", err
		}
		sharedTmp = d
	}
	return sharedTmp, nil
}
