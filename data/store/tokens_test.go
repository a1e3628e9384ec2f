package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	toks, err := OpenTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	defer toks.Close()
	secrets := map[string]string{}
	for _, r := range []struct{ name, role string }{{"cam-gate-1", RolePublisher}, {"desk", RoleOperator}, {"wall", RoleViewer}} {
		s, err := toks.Add(ctx, r.name, r.role)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, TokenPrefix) || len(s) != len(TokenPrefix)+43 {
			t.Errorf("secret %q is not %s + 256 random bits", s, TokenPrefix)
		}
		secrets[r.name] = s
	}
	verify := []struct {
		name, secret, wantName, wantRole string
		ok                               bool
	}{
		{"publisher", secrets["cam-gate-1"], "cam-gate-1", RolePublisher, true},
		{"operator", secrets["desk"], "desk", RoleOperator, true},
		{"viewer", secrets["wall"], "wall", RoleViewer, true},
		{"wrong", secrets["wall"] + "x", "", "", false},
		{"empty", "", "", "", false},
		{"prefix only", TokenPrefix, "", "", false},
	}
	for _, v := range verify {
		t.Run(v.name, func(t *testing.T) {
			tok, ok := toks.Verify(v.secret)
			if ok != v.ok || tok.Name != v.wantName || tok.Role != v.wantRole {
				t.Errorf("got %+v %v", tok, ok)
			}
		})
	}
	// Only hashes are stored.
	if err := toks.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		for name, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds the secret of %s", f, name)
			}
		}
	}
	toks, err = OpenTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	defer toks.Close()
	// A revoke by another process is seen after Refresh.
	other, err := OpenTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if changed, _ := toks.Refresh(ctx); changed {
		t.Error("refresh without a change reported one")
	}
	if err := other.Revoke(ctx, "wall"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	if _, ok := toks.Verify(secrets["wall"]); !ok {
		t.Error("Verify reads memory: the revoke is not seen before Refresh")
	}
	if changed, err := toks.Refresh(ctx); err != nil || !changed {
		t.Errorf("refresh after a revoke: changed %v err %v", changed, err)
	}
	if _, ok := toks.Verify(secrets["wall"]); ok {
		t.Error("revoked token still verifies")
	}
	if toks.Valid("wall") || !toks.Valid("desk") || toks.Valid("nobody") {
		t.Error("Valid")
	}
	list, err := toks.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[2].Name != "wall" || list[2].Active() || !list[0].Active() {
		t.Errorf("list %+v", list)
	}
}

func TestTokenErrors(t *testing.T) {
	ctx := context.Background()
	toks, err := OpenTokens(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer toks.Close()
	if _, err := toks.Add(ctx, "a", RoleViewer); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		run  func() error
		want string
		is   error
	}{
		{"bad role", func() error { _, err := toks.Add(ctx, "b", "admin"); return err }, `role "admin"`, nil},
		{"bad name", func() error { _, err := toks.Add(ctx, "has space", RoleViewer); return err }, "token name", nil},
		{"empty name", func() error { _, err := toks.Add(ctx, "", RoleViewer); return err }, "token name", nil},
		{"name in use", func() error { _, err := toks.Add(ctx, "a", RoleViewer); return err }, "a", ErrTokenExists},
		{"revoke unknown", func() error { return toks.Revoke(ctx, "zz") }, `"zz"`, ErrNoToken},
		{"revoke twice is fine", func() error {
			if err := toks.Revoke(ctx, "a"); err != nil {
				return err
			}
			return toks.Revoke(ctx, "a")
		}, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %q (%v)", err, tc.want, tc.is)
			}
		})
	}
}
