package clocale

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"LANG=C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"LANG=C.utf8", map[string]string{"LANG": "C.utf8"}, "en"},
		{"LC_ALL=POSIX.UTF-8 over LANG=zh_CN", map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"},
		{"LC_MESSAGES=C@euro", map[string]string{"LC_MESSAGES": "C@euro"}, "en"},
		{"bare C: go-locale handles it", map[string]string{"LANG": "C"}, ""},
		{"bare POSIX", map[string]string{"LANG": "POSIX"}, ""},
		{"nothing set", map[string]string{}, ""},
		{"a real locale", map[string]string{"LANG": "zh_CN.UTF-8"}, ""},
		{"Catalan is not C", map[string]string{"LANG": "ca_ES.UTF-8"}, ""},
		{"LANGUAGE kept", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, "zh_CN"},
		{"LC_ALL real over LANG=C.UTF-8", map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "C.UTF-8"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			Normalize(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if env["LANGUAGE"] != tc.want {
				t.Errorf("LANGUAGE = %q, want %q", env["LANGUAGE"], tc.want)
			}
			for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
				if env[k] != tc.env[k] {
					t.Errorf("%s changed to %q", k, env[k])
				}
			}
		})
	}
}
