package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Roles a hub token may have.
const (
	// RolePublisher may publish events only.
	RolePublisher = "publisher"
	// RoleOperator may publish events and read the stream.
	RoleOperator = "operator"
	// RoleViewer may read the stream only.
	RoleViewer = "viewer"
)

// ErrNoToken is returned for a token name that is not in the store.
var ErrNoToken = errors.New("store: no such token")

// ErrTokenExists is returned when adding a token under a name in use.
var ErrTokenExists = errors.New("store: token name in use")

// TokenPrefix starts every token secret, so that a leaked one is easy to
// recognise (and to scan logs for).
const TokenPrefix = "snt_"

// Token is a hub access token as listed: its name, role and dates. The
// secret itself is never stored, only its SHA-256.
type Token struct {
	Name    string
	Role    string
	Created time.Time
	Revoked time.Time // zero while the token is valid
	hash    [sha256.Size]byte
}

// Active reports whether the token has not been revoked.
func (t Token) Active() bool { return t.Revoked.IsZero() }

// Tokens is the hub's token store, in the same kind of SQLite file as the
// event log (usually the same file). Secrets are stored as SHA-256 hashes
// of 256-bit random values and compared in constant time.
//
// Verify answers from memory; Refresh brings that memory up to date when
// another process (safetynet-hub token revoke) changed the file. Tokens is
// safe for concurrent use.
type Tokens struct {
	path string
	db   *sql.DB
	mu   sync.Mutex // guards conn, version, cache
	conn *sql.Conn  // pinned: PRAGMA data_version is per connection
	ver  int64
	all  []Token
}

const tokenSchema = `
CREATE TABLE IF NOT EXISTS hub_tokens (
  name    TEXT PRIMARY KEY,
  role    TEXT NOT NULL,
  hash    BLOB NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  revoked INTEGER
);
`

var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// OpenTokens opens the token store in the SQLite file at path, creating
// the file and its table when they do not exist.
func OpenTokens(path string) (*Tokens, error) {
	db, _, err := openHubDB(path, tokenSchema, 5*time.Second)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	t := &Tokens{path: path, db: db}
	t.conn, err = db.Conn(context.Background())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: tokens %s: %w", path, err)
	}
	t.ver = -1
	if _, err := t.Refresh(context.Background()); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// HashToken returns the SHA-256 of a token secret.
func HashToken(secret string) [sha256.Size]byte { return sha256.Sum256([]byte(secret)) }

// Add creates a token with name and role and returns its secret, which is
// shown this once and stored only as its hash.
func (t *Tokens) Add(ctx context.Context, name, role string) (string, error) {
	if !tokenName.MatchString(name) {
		return "", fmt.Errorf("store: token name %q: use 1 to 64 letters, digits, '.', '_' or '-'", name)
	}
	switch role {
	case RolePublisher, RoleOperator, RoleViewer:
	default:
		return "", fmt.Errorf("store: token %s: role %q is not publisher, operator or viewer", name, role)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("store: token %s: %w", name, err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	h := HashToken(secret)
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := t.conn.ExecContext(ctx, "INSERT INTO hub_tokens(name, role, hash, created) VALUES (?, ?, ?, ?)", name, role, h[:], time.Now().Unix())
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return "", fmt.Errorf("%w: %s (revoke it or choose another name)", ErrTokenExists, name)
		}
		return "", fmt.Errorf("store: tokens %s: add %s: %w", t.path, name, err)
	}
	return secret, t.reload(ctx)
}

// Revoke revokes the token called name; it stops working as soon as the
// hub refreshes (within a request, or its refresh interval for open
// connections).
func (t *Tokens) Revoke(ctx context.Context, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	res, err := t.conn.ExecContext(ctx, "UPDATE hub_tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", time.Now().Unix(), name)
	if err != nil {
		return fmt.Errorf("store: tokens %s: revoke %s: %w", t.path, name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := t.conn.QueryRowContext(ctx, "SELECT 1 FROM hub_tokens WHERE name = ?", name).Scan(&one); err == nil {
			return nil // already revoked
		}
		return fmt.Errorf("%w: %q (safetynet-hub token list shows the names)", ErrNoToken, name)
	}
	return t.reload(ctx)
}

// List returns every token, active and revoked, by name.
func (t *Tokens) List(ctx context.Context) ([]Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(ctx); err != nil {
		return nil, err
	}
	out := append([]Token(nil), t.all...)
	for i := range out {
		out[i].hash = [sha256.Size]byte{}
	}
	return out, nil
}

// Refresh reloads the tokens when the file changed since the last look
// (another process added or revoked one) and reports whether it did. It
// costs one PRAGMA when nothing changed.
func (t *Tokens) Refresh(ctx context.Context) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return false, fmt.Errorf("%w: tokens %s", ErrClosed, t.path)
	}
	var v int64
	if err := t.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return false, fmt.Errorf("store: tokens %s: %w", t.path, err)
	}
	if v == t.ver {
		return false, nil
	}
	old := t.all
	if err := t.reload(ctx); err != nil {
		return false, err
	}
	t.ver = v
	return !sameTokens(old, t.all), nil
}

func sameTokens(a, b []Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Role != b[i].Role || !a[i].Revoked.Equal(b[i].Revoked) || a[i].hash != b[i].hash {
			return false
		}
	}
	return true
}

// reload reads every token; t.mu must be held.
func (t *Tokens) reload(ctx context.Context) error {
	rows, err := t.conn.QueryContext(ctx, "SELECT name, role, hash, created, revoked FROM hub_tokens ORDER BY name")
	if err != nil {
		return fmt.Errorf("store: tokens %s: %w", t.path, err)
	}
	defer rows.Close()
	var all []Token
	for rows.Next() {
		var tok Token
		var hash []byte
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&tok.Name, &tok.Role, &hash, &created, &revoked); err != nil {
			return fmt.Errorf("store: tokens %s: %w", t.path, err)
		}
		copy(tok.hash[:], hash)
		tok.Created = time.Unix(created, 0)
		if revoked.Valid {
			tok.Revoked = time.Unix(revoked.Int64, 0)
		}
		all = append(all, tok)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: tokens %s: %w", t.path, err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	t.all = all
	return nil
}

// Verify returns the active token whose secret this is. It compares the
// secret's hash with every active token's in constant time, and reads
// only memory: call Refresh first to see changes made by other processes.
func (t *Tokens) Verify(secret string) (Token, bool) {
	h := HashToken(secret)
	t.mu.Lock()
	defer t.mu.Unlock()
	var found Token
	ok := 0
	for _, tok := range t.all {
		if !tok.Active() {
			continue
		}
		if subtle.ConstantTimeCompare(h[:], tok.hash[:]) == 1 {
			found, ok = tok, 1
		}
	}
	found.hash = [sha256.Size]byte{}
	return found, ok == 1
}

// Valid reports whether the token called name is still active, from
// memory.
func (t *Tokens) Valid(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tok := range t.all {
		if tok.Name == name {
			return tok.Active()
		}
	}
	return false
}

// Close closes the store.
func (t *Tokens) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	if t.conn != nil {
		errs = append(errs, t.conn.Close())
		t.conn = nil
	}
	errs = append(errs, t.db.Close())
	return errors.Join(errs...)
}
