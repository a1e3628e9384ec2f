package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The hub token is kept out of Fyne's preferences, in a file of our own
// that only its owner may read. Fyne writes preferences.json with
// os.Create, so its mode depends on the umask (0644 as a rule) and on
// whether its folder existed before, and it rewrites the file in place
// from a goroutine some time after each change: a chmod after saving
// would race with that, and would not hold on the next version of Fyne.
// Our file is written whole to a temporary file of mode 0600 beside it,
// synced and renamed over the old one, so it is never readable by others,
// not even for a moment, and never half written.

// tokenFile returns the path of the file holding the hub token:
// safetynet/hub-token.json in the user's config folder
// ($XDG_CONFIG_HOME, else ~/.config, on Linux). Tests replace it.
var tokenFile = func() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the folder for the hub token: %w", err)
	}
	return filepath.Join(dir, "safetynet", "hub-token.json"), nil
}

// storedToken is the content of the token file: the token and the hub it
// was given for, so that it is never sent to another hub typed later.
type storedToken struct {
	HubURL string `json:"hub_url"`
	Token  string `json:"token"`
}

// sameHub reports whether two hub URLs name the same hub.
func sameHub(a, b string) bool {
	norm := func(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), "/") }
	return norm(a) == norm(b)
}

// readHubToken returns the token stored for hubURL, "" when none is
// stored or the one stored is for another hub. A file readable by others
// (written by an older version, or copied) is made owner-only first.
func readHubToken(hubURL string) (string, error) {
	path, err := tokenFile()
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the hub token %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("make the hub token %s readable by its owner only: %w", path, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the hub token %s: %w", path, err)
	}
	var st storedToken
	if err := json.Unmarshal(b, &st); err != nil {
		return "", fmt.Errorf("read the hub token %s: not a token file (%v); enter the token again in Settings", path, err)
	}
	if !sameHub(st.HubURL, hubURL) {
		return "", nil
	}
	return st.Token, nil
}

// writeHubToken stores token for hubURL, readable by its owner only, in
// place of any token stored before; an empty token removes the file.
func writeHubToken(hubURL, token string) error {
	path, err := tokenFile()
	if err != nil {
		return err
	}
	if token == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the hub token %s: %w", path, err)
		}
		return nil
	}
	b, err := json.Marshal(storedToken{HubURL: strings.TrimSpace(hubURL), Token: token})
	if err != nil {
		return err
	}
	if err := writePrivate(path, b); err != nil {
		return fmt.Errorf("store the hub token in %s: %w", path, err)
	}
	return nil
}

// writePrivate replaces the file at path with data atomically: a
// temporary file of mode 0600 in the same folder (created 0700 when
// missing), synced, then renamed over path.
func writePrivate(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		d.Sync()
		d.Close()
	}
	return nil
}
