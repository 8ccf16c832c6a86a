package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/store"
)

// sessionCookie holds the session token; the store keeps only its hash.
const sessionCookie = "ogi_session"

type userKey struct{}

// viewer is who makes a request: the account and how it signed in.
type viewer struct {
	store.User
	// Token is set for API token requests (no cookie, no cross-origin
	// concern).
	Token bool
	// Session is the session's hash, for logout.
	Session string
}

func userOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(userKey{}).(*viewer)
	return v
}

// authenticate finds the account behind a request: a session cookie or an
// API token (Authorization: Bearer). Disabled accounts are nobody.
func (s *Server) authenticate(r *http.Request) (*viewer, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, nil
		}
		t, found, err := s.db.APIToken(ctx, account.TokenHash(strings.TrimSpace(tok)))
		if err != nil || !found {
			return nil, err
		}
		u, found, err := s.db.UserByID(ctx, t.UserID)
		if err != nil || !found || u.Disabled {
			return nil, err
		}
		return &viewer{User: u, Token: true}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := account.TokenHash(c.Value)
	se, found, err := s.db.Session(ctx, hash, s.now())
	if err != nil || !found {
		return nil, err
	}
	u, found, err := s.db.UserByID(ctx, se.UserID)
	if err != nil || !found || u.Disabled {
		return nil, err
	}
	return &viewer{User: u, Session: hash}, nil
}

// need wraps a handler that answers only to a signed-in account allowed
// to do action (account.Can): others get 401 (API) or the login page, and
// a signed-in account without the right gets 403.
func (s *Server) need(action string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if v == nil {
			if isAPI(r) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ogi"`)
				writeJSONError(w, http.StatusUnauthorized, msgText("unauthorized"))
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !account.Can(v.Role, action) {
			s.forbidden(w, r)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, v)))
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// remoteIP is the client's address: the proxy's X-Forwarded-For only when
// trusted, and then its last entry, the one our proxy appended: the
// entries before it are whatever the client sent, and taking the first
// would let anyone pick a fresh address for each login attempt.
func (s *Server) remoteIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xf := r.Header.Values("X-Forwarded-For"); len(xf) > 0 {
			last := xf[len(xf)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := strings.TrimSpace(last); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure tells whether the client reached us over TLS, directly or
// through a trusted proxy: the session cookie is then Secure.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, u store.User) error {
	tok, hash, err := account.NewToken()
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.db.PutSession(r.Context(), store.Session{Hash: hash, UserID: u.ID, Created: now, Expires: now.Add(s.cfg.SessionTTL)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: int(s.cfg.SessionTTL / time.Second)})
	return nil
}

// safeNext keeps a post-login redirect on this site: a path of ours, not
// "//host" nor anything a browser turns into it ("/\\host", or "/<tab>/host",
// since browsers drop tabs and newlines from URLs).
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if v, _ := s.authenticate(r); v != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", map[string]any{"Next": r.URL.Query().Get("next"), "Setup": s.SetupURL("") != ""})
}

// errLoginFailed is what a failed login says, whatever failed: the name
// or the password (not telling which).
var errLoginFailed = errors.New("login failed")

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	pw := r.PostForm.Get("password")
	next := r.PostForm.Get("next")
	u, err := s.checkLogin(r, name, pw)
	if err != nil {
		status, msg := http.StatusUnauthorized, "login_failed"
		if errors.Is(err, errRateLimited) {
			status, msg = http.StatusTooManyRequests, "login_limited"
		} else if !errors.Is(err, errLoginFailed) {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if isAPI(r) {
			writeJSONError(w, status, msgText(msg))
			return
		}
		s.render(w, r, status, "login", map[string]any{"Next": next, "Name": name, "Error": msgText(msg).pick(langOf(r))})
		return
	}
	// A session the browser already had ends: a login always starts a
	// new one.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		_ = s.db.DeleteSession(r.Context(), account.TokenHash(c.Value))
	}
	if err := s.setSession(w, r, u); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, apiUser(u))
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

var errRateLimited = errors.New("too many attempts")

// checkLogin checks a name and password under the rate limits (per name
// and per address) and records the attempt in the audit log; the password
// is never logged.
func (s *Server) checkLogin(r *http.Request, name, pw string) (store.User, error) {
	ctx := r.Context()
	now := s.now()
	ip := s.remoteIP(r)
	// The same key the store finds the account by, so that "Li", "li"
	// and a full-width "ｌｉ" share one allowance.
	key := "u:" + store.NameKey(name)
	// The name typed is attacker-chosen text of up to 64 KB; the audit
	// keeps a line of it.
	actor := clipName(name)
	if !s.logins.Allow(key, now) || !s.ipLimit.Allow("ip:"+ip, now) {
		s.audit(ctx, actor, "login.limited", "", "", ip)
		return store.User{}, errRateLimited
	}
	u, found, err := s.db.UserByName(ctx, name)
	if err != nil {
		return store.User{}, err
	}
	// A missing account costs the same hashing time as a wrong password.
	hash := dummyHash()
	if found {
		hash = u.PasswordHash
	}
	ok := account.CheckPassword(hash, pw)
	if !found || !ok || u.Disabled {
		s.audit(ctx, actor, "login.failed", "", "", ip)
		return store.User{}, errLoginFailed
	}
	s.logins.Reset(key)
	// Only failures count against the address: an office signing in
	// through one NAT address is not locked out at nine in the morning.
	s.ipLimit.Refund("ip:" + ip)
	s.audit(ctx, u.Name, "login", "", "", ip)
	return u, nil
}

// dummyHash is checked against when the name is unknown. It is made on
// first use, not when the package loads: every ogi command links this
// package, and only the server needs the hash.
var dummyHash = sync.OnceValue(func() string {
	h, err := account.HashPassword("ogi-no-such-account-password")
	if err != nil {
		return ""
	}
	return h
})

// clipName shortens a typed user name for the audit log.
func clipName(name string) string {
	const most = 64
	if r := []rune(name); len(r) > most {
		return string(r[:most]) + "…"
	}
	return name
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	v := userOf(r)
	if v != nil && v.Session != "" {
		_ = s.db.DeleteSession(r.Context(), v.Session)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r), MaxAge: -1})
	if isAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setupAllowed checks a one-time token printed at a first start, by this
// replica or another: the store keeps them.
func (s *Server) setupAllowed(ctx context.Context, tok string) bool {
	if tok == "" {
		return false
	}
	ok, err := s.db.SetupTokenValid(ctx, account.TokenHash(tok))
	if err != nil {
		s.log.Warn("setup token", "err", err)
	}
	return ok
}

// claimSetup uses the setup tokens up: true for the one caller, in any
// replica, whose token was valid.
func (s *Server) claimSetup(ctx context.Context, tok string) bool {
	if tok == "" {
		return false
	}
	ok, err := s.db.ClaimSetup(ctx, account.TokenHash(tok))
	if err != nil {
		s.log.Warn("setup token", "err", err)
	}
	return ok
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if !s.setupAllowed(r.Context(), tok) {
		s.render(w, r, http.StatusNotFound, "message", map[string]any{"Message": msgText("setup_done").pick(langOf(r))})
		return
	}
	s.render(w, r, http.StatusOK, "setup", map[string]any{"Token": tok})
}

// setup creates the first administrator and signs them in.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	tok := r.PostForm.Get("token")
	if !s.setupAllowed(r.Context(), tok) {
		s.render(w, r, http.StatusNotFound, "message", map[string]any{"Message": msgText("setup_done").pick(langOf(r))})
		return
	}
	lang := langOf(r)
	name := strings.TrimSpace(r.PostForm.Get("name"))
	display := strings.TrimSpace(r.PostForm.Get("display"))
	pw, pw2 := r.PostForm.Get("password"), r.PostForm.Get("password2")
	form := map[string]any{"Token": tok, "Name": name, "Display": display}
	if msg := checkNewAccount(name, pw, pw2, lang); msg != "" {
		form["Error"] = msg
		s.render(w, r, http.StatusBadRequest, "setup", form)
		return
	}
	hash, err := account.HashPassword(pw)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// The token is taken before the account is made: two forms sent at
	// once must not make two administrators.
	if !s.claimSetup(r.Context(), tok) {
		s.render(w, r, http.StatusNotFound, "message", map[string]any{"Message": msgText("setup_done").pick(langOf(r))})
		return
	}
	u := store.User{Name: name, Display: display, Role: account.RoleAdmin, PasswordHash: hash, Created: s.now()}
	if u.ID, err = s.db.CreateUser(r.Context(), u); err != nil {
		// The token is given back, so that the link works again.
		if aerr := s.db.AddSetupToken(context.WithoutCancel(r.Context()), account.TokenHash(tok), s.now()); aerr != nil {
			s.log.Warn("setup token", "err", aerr)
		}
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), name, "user.create", "user:"+name, bi("角色：管理员（首个账户）", "role: admin (first account)"), s.remoteIP(r))
	if err := s.setSession(w, r, u); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkNewAccount says what is wrong with a new account's name and
// password, in the page's language ("" when nothing).
func checkNewAccount(name, pw, pw2, lang string) string {
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n/\\<>\"'") {
		return msgText("bad_name").pick(lang)
	}
	if pw != pw2 {
		return msgText("password_mismatch").pick(lang)
	}
	if err := account.CheckPasswordPolicy(pw); err != nil {
		var pe *account.PolicyError
		if errors.As(err, &pe) {
			return pick(lang, pe.Zh, pe.En)
		}
		return err.Error()
	}
	return ""
}

// audit records an action; a failure to record is logged, not fatal to
// the request that caused it, except for decisions (see decide).
func (s *Server) audit(ctx context.Context, actor, action, target, detail, remote string) {
	if err := s.db.Audit(ctx, store.AuditEntry{At: s.now(), Actor: actor, Action: action, Target: target, Detail: detail, Remote: remote}); err != nil {
		s.log.Error("audit log", "action", action, "err", err)
	}
}
