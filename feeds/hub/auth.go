package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"safetynet/data/store"
	"safetynet/feeds/event"
)

// Rights of a token's role.
func canPublish(role string) bool { return role == store.RolePublisher || role == store.RoleOperator }
func canRead(role string) bool    { return role == store.RoleViewer || role == store.RoleOperator }

// OperatorClaimed is the property in which the hub keeps the operator name
// a client wrote into an operator's act (properties.operator) when it
// differs from the name of the token that published it. It is what the
// client claims, not verified: properties.operator is always the token's
// name.
const OperatorClaimed = "operator_claimed"

// needsOperator reports whether e is an operator's act: an event of the
// operator family (operator.ack, operator.resolve, ...) or any
// acknowledgement (op ack). Only tokens with the operator role may
// publish those.
func needsOperator(e *event.Event) bool {
	return e.Op == event.Ack || e.TypeFamily() == "operator"
}

// admit checks that the token named name with role may publish e and, for
// an operator's act, stamps who acted: properties.operator becomes the
// token's name, and a different name the client gave is kept in
// OperatorClaimed. It returns nil, or an Ack with the error and status
// 403.
func admit(name, role string, e *event.Event) *Ack {
	if !needsOperator(e) {
		return nil
	}
	if role != store.RoleOperator {
		return &Ack{ID: e.ID, Status: http.StatusForbidden,
			Error: fmt.Sprintf("token %s has role %s, which may not publish %s (operator actions and acknowledgements need a token with role %s)",
				name, role, actKind(e), store.RoleOperator)}
	}
	if e.Properties == nil {
		e.Properties = map[string]any{}
	}
	delete(e.Properties, OperatorClaimed)
	if claimed, _ := e.Properties["operator"].(string); claimed != "" && claimed != name {
		e.Properties[OperatorClaimed] = claimed
	}
	e.Properties["operator"] = name
	return nil
}

// actKind names e in admit's error: its type, and its op when that is ack.
func actKind(e *event.Event) string {
	if e.Op == event.Ack {
		return e.Type + " (op ack)"
	}
	return e.Type
}

// authenticate returns the token of the request's "Authorization: Bearer"
// header. It refreshes the token store first, so that a token revoked by
// another process is refused from the next request on. On failure it has
// written the response (401, or 503 when the store cannot be read).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (store.Token, bool) {
	h := r.Header.Get("Authorization")
	// The scheme is case-insensitive (RFC 9110 11.1).
	ok := len(h) > 7 && strings.EqualFold(h[:7], "bearer ")
	secret := ""
	if ok {
		secret = h[7:]
	}
	if !ok || strings.TrimSpace(secret) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="safetynet-hub"`)
		writeError(w, http.StatusUnauthorized, "missing token: send the header Authorization: Bearer TOKEN")
		s.logger.Info("refused request without token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		return store.Token{}, false
	}
	changed, err := s.tokens.Refresh(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the hub cannot read its tokens; try again")
		s.logger.Error("token refresh failed", "err", redact(err.Error()))
		return store.Token{}, false
	}
	if changed {
		s.closeRevoked()
	}
	tok, ok := s.tokens.Verify(strings.TrimSpace(secret))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="safetynet-hub", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid or revoked token")
		s.logger.Info("refused request with invalid or revoked token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		return store.Token{}, false
	}
	return tok, true
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request, need func(string) bool, what string) (store.Token, bool) {
	tok, ok := s.authenticate(w, r)
	if !ok {
		return tok, false
	}
	if !need(tok.Role) {
		writeError(w, http.StatusForbidden, "token "+tok.Name+" has role "+tok.Role+", which may not "+what)
		s.logger.Info("refused request: role may not "+what, "token", tok.Name, "role", tok.Role, "path", r.URL.Path, "remote", r.RemoteAddr)
		return tok, false
	}
	return tok, true
}

// secretRE matches token secrets wherever they might appear.
var secretRE = regexp.MustCompile(store.TokenPrefix + `[A-Za-z0-9_-]+`)

// redact hides anything that looks like a token secret.
func redact(s string) string { return secretRE.ReplaceAllString(s, store.TokenPrefix+"[redacted]") }

// redactHandler is a slog handler that redacts token secrets from messages
// and string attributes, the last line of defence for the rule that the
// hub's log never contains a token.
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(redactAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, nr)
}

func redactAttr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString, slog.KindAny, slog.KindLogValuer:
		a.Value = slog.StringValue(redact(a.Value.Resolve().String()))
	case slog.KindGroup:
		g := a.Value.Group()
		as := make([]slog.Attr, len(g))
		for i, x := range g {
			as[i] = redactAttr(x)
		}
		a.Value = slog.GroupValue(as...)
	}
	return a
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return redactHandler{h.Handler.WithAttrs(red)}
}
func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}

// RedactingLogger wraps a handler so that nothing logged through it
// contains a token secret.
func RedactingLogger(h slog.Handler) *slog.Logger { return slog.New(redactHandler{h}) }

// limiter is a token bucket: rate events per second, up to burst at once.
// A negative rate never limits. It is safe for concurrent use.
type limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

type limiterKey struct{}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

func (l *limiter) allow() bool {
	if l == nil || l.rate < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers {"error": msg, "status": status}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": msg, "status": status})
}
