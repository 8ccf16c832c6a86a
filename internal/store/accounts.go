package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// ErrExists is returned when a row with the same key is already stored (a
// user name, in any case, or a session or token hash).
var ErrExists = errors.New("store: already exists")

// ErrNotFound is returned when a row to change does not exist.
var ErrNotFound = errors.New("store: not found")

// User is an account of `ogi serve`. Name is kept as typed, but names are
// unique by NameKey, so "Zhang" and "zhang" cannot both exist.
type User struct {
	ID                                int64
	Name, Display, Role, PasswordHash string
	Created                           time.Time
	Disabled                          bool
}

// NameKey is the form of a user name that lookups and uniqueness use:
// surrounding space removed, compatibility forms folded (full-width
// letters typed in a Chinese input method become ASCII) and case folded.
// The server should use it for the login limiter's per-user key too, or a
// change of case would get a fresh allowance.
func NameKey(name string) string {
	k := norm.NFKC.String(strings.TrimSpace(name))
	// Folding can leave a string that is not NFKC; normalise once more.
	return norm.NFKC.String(cases.Fold().String(k))
}

const userColumns = `id, name, display, role, password_hash, created, disabled`

// CreateUser stores a new user and returns its ID; u.ID is ignored. It
// returns ErrExists when a user of the same NameKey exists.
func (s *Store) CreateUser(ctx context.Context, u User) (int64, error) {
	key := NameKey(u.Name)
	if key == "" || u.Role == "" || u.PasswordHash == "" {
		return 0, fmt.Errorf("store: create user %q: name, role and password hash needed", u.Name)
	}
	// RETURNING rather than LastInsertId, which PostgreSQL's driver
	// lacks; a conflict returns no row.
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO users (name, name_key, display, role, password_hash, created, disabled)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name_key) DO NOTHING RETURNING id`,
		u.Name, key, u.Display, u.Role, u.PasswordHash, formatTime(u.Created), boolInt(u.Disabled)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: create user %q: %w", u.Name, ErrExists)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create user %q: %w", u.Name, err)
	}
	return id, nil
}

// UserByName finds a user by NameKey(name); false when there is none.
func (s *Store) UserByName(ctx context.Context, name string) (User, bool, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name_key = ?`, NameKey(name))
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("store: user %q: %w", name, err)
	}
	return u, true, nil
}

// UserByID finds a user by ID; false when there is none.
func (s *Store) UserByID(ctx context.Context, id int64) (User, bool, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, true, nil
}

// Users returns every user, by NameKey so that case does not split the
// list.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name_key`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// UpdateUser changes the display name, role, password hash and disabled
// flag of the user u.ID; the name and creation time stay. It returns
// ErrNotFound when there is no such user. It does not end the user's
// sessions: after disabling a user or changing a password, the caller
// should call DeleteUserSessions.
func (s *Store) UpdateUser(ctx context.Context, u User) error {
	if u.Role == "" || u.PasswordHash == "" {
		return fmt.Errorf("store: update user %d: role and password hash needed", u.ID)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE users SET display = ?, role = ?, password_hash = ?, disabled = ? WHERE id = ?`,
		u.Display, u.Role, u.PasswordHash, boolInt(u.Disabled), u.ID)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	} else if n == 0 {
		return fmt.Errorf("store: update user %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// CountUsers counts the users, disabled ones included, so that the server
// can tell a fresh installation (no user yet) from a configured one.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// boolInt stores a flag as 0 or 1: the column is an integer on both
// engines, and PostgreSQL will not take a bool for one.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanUser(r scanner) (User, error) {
	var u User
	var created string
	var disabled int64
	if err := r.Scan(&u.ID, &u.Name, &u.Display, &u.Role, &u.PasswordHash, &created, &disabled); err != nil {
		return User{}, err
	}
	var err error
	if u.Created, err = parseTime(created); err != nil {
		return User{}, fmt.Errorf("user %q: created: %w", u.Name, err)
	}
	u.Disabled = disabled != 0
	return u, nil
}

// isTokenHash reports whether h looks like account.TokenHash's output (64
// lowercase hex digits). The store refuses to keep anything else under a
// hash column, so a token passed by mistake in place of its hash is an
// error instead of a credential at rest.
func isTokenHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := range len(h) {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Session is a login: the hash of the cookie's token, whose user, and
// until when it holds.
type Session struct {
	Hash             string
	UserID           int64
	Created, Expires time.Time
}

// PutSession stores a new session. It returns ErrExists if the hash is
// already stored (a random token repeating means a broken random source).
func (s *Store) PutSession(ctx context.Context, se Session) error {
	if !isTokenHash(se.Hash) {
		return errors.New("store: put session: the hash is not a token hash (64 lowercase hex digits)")
	}
	if se.Expires.IsZero() {
		return errors.New("store: put session: no expiry")
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, created, expires) VALUES (?, ?, ?, ?)
		ON CONFLICT(hash) DO NOTHING`, se.Hash, se.UserID, formatTime(se.Created), formatTime(se.Expires))
	if err != nil {
		return fmt.Errorf("store: put session of user %d: %w", se.UserID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: put session of user %d: %w", se.UserID, err)
	} else if n == 0 {
		return fmt.Errorf("store: put session of user %d: %w", se.UserID, ErrExists)
	}
	return nil
}

// Session finds the session of hash at now. A session whose Expires is not
// after now is not returned; it is deleted, together with every other
// expired session, so the table does not grow with abandoned logins. The
// caller still has to check that the user exists and is not disabled.
func (s *Store) Session(ctx context.Context, hash string, now time.Time) (Session, bool, error) {
	if !isTokenHash(hash) {
		return Session{}, false, nil
	}
	var se Session
	var created, expires string
	err := s.r.QueryRowContext(ctx, `SELECT hash, user_id, created, expires FROM sessions WHERE hash = ?`, hash).
		Scan(&se.Hash, &se.UserID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, fmt.Errorf("store: session: %w", err)
	}
	if se.Created, err = parseTime(created); err != nil {
		return Session{}, false, fmt.Errorf("store: session of user %d: created: %w", se.UserID, err)
	}
	if se.Expires, err = parseTime(expires); err != nil {
		return Session{}, false, fmt.Errorf("store: session of user %d: expires: %w", se.UserID, err)
	}
	if se.Expires.After(now) {
		return se, true, nil
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ? OR expires <= ?`, hash, formatTime(now)); err != nil {
		return Session{}, false, fmt.Errorf("store: deleting expired sessions: %w", err)
	}
	return Session{}, false, nil
}

// DeleteExpiredSessions deletes every session whose Expires is not after
// now and says how many, for a periodic sweep of logins nobody came back
// to (Session only sweeps when it meets an expired one).
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: deleting expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: deleting expired sessions: %w", err)
	}
	return n, nil
}

// DeleteSession ends one session (logout); deleting one that is not there
// is not an error, since the outcome is the same.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user, after a password
// change or when the user is disabled.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// APIToken is a long-lived token for scripts, kept by the hash of the
// token; Name is the label its owner gave it.
type APIToken struct {
	Hash    string
	UserID  int64
	Name    string
	Created time.Time
}

// PutAPIToken stores a new API token; ErrExists if the hash is stored.
func (s *Store) PutAPIToken(ctx context.Context, t APIToken) error {
	if !isTokenHash(t.Hash) {
		return errors.New("store: put API token: the hash is not a token hash (64 lowercase hex digits)")
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO api_tokens (hash, user_id, name, created) VALUES (?, ?, ?, ?)
		ON CONFLICT(hash) DO NOTHING`, t.Hash, t.UserID, t.Name, formatTime(t.Created))
	if err != nil {
		return fmt.Errorf("store: put API token %q of user %d: %w", t.Name, t.UserID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: put API token %q of user %d: %w", t.Name, t.UserID, err)
	} else if n == 0 {
		return fmt.Errorf("store: put API token %q of user %d: %w", t.Name, t.UserID, ErrExists)
	}
	return nil
}

// APIToken finds the API token of hash; false when there is none.
func (s *Store) APIToken(ctx context.Context, hash string) (APIToken, bool, error) {
	if !isTokenHash(hash) {
		return APIToken{}, false, nil
	}
	row := s.r.QueryRowContext(ctx, `SELECT hash, user_id, name, created FROM api_tokens WHERE hash = ?`, hash)
	t, err := scanAPIToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, false, nil
	}
	if err != nil {
		return APIToken{}, false, fmt.Errorf("store: API token: %w", err)
	}
	return t, true, nil
}

// APITokens returns a user's API tokens, oldest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT hash, user_id, name, created FROM api_tokens WHERE user_id = ?
		ORDER BY created, hash`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: API tokens of user %d: %w", userID, err)
	}
	defer func() { _ = rows.Close() }()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: API tokens of user %d: %w", userID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: API tokens of user %d: %w", userID, err)
	}
	return out, nil
}

func scanAPIToken(r scanner) (APIToken, error) {
	var t APIToken
	var created string
	if err := r.Scan(&t.Hash, &t.UserID, &t.Name, &created); err != nil {
		return APIToken{}, err
	}
	var err error
	if t.Created, err = parseTime(created); err != nil {
		return APIToken{}, fmt.Errorf("token %q: created: %w", t.Name, err)
	}
	return t, nil
}

// DeleteAPIToken revokes an API token; revoking one that is not there is
// not an error.
func (s *Store) DeleteAPIToken(ctx context.Context, hash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM api_tokens WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("store: delete API token: %w", err)
	}
	return nil
}

// AuditEntry is one line of the audit log: who (Actor, a user name) did
// what (Action, an id such as "login" or "user.create") to what (Target),
// from where (Remote, the client address). Detail must never hold a
// password or a token.
type AuditEntry struct {
	ID                                    int64
	At                                    time.Time
	Actor, Action, Target, Detail, Remote string
}

// MaxAuditPage is the most entries AuditLog returns at once, so a page of
// the log has bounded size whatever the caller asks.
const MaxAuditPage = 1000

// Audit appends an entry to the audit log; e.ID is ignored. There is no
// way to change or remove an entry: the table refuses it too.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.Action == "" || e.At.IsZero() {
		return fmt.Errorf("store: audit %q: action and time needed", e.Action)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit (at, actor, action, target, detail, remote) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), e.Actor, e.Action, e.Target, e.Detail, e.Remote)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns up to limit entries, newest first, starting below
// beforeID (0: from the newest), so that pages follow each other by the
// last ID seen even while entries are added. A limit below 1 or above
// MaxAuditPage means MaxAuditPage.
func (s *Store) AuditLog(ctx context.Context, limit int, beforeID int64) ([]AuditEntry, error) {
	if limit < 1 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	q := `SELECT id, at, actor, action, target, detail, remote FROM audit ORDER BY id DESC LIMIT ?`
	args := []any{limit}
	if beforeID > 0 {
		q = `SELECT id, at, actor, action, target, detail, remote FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`
		args = []any{beforeID, limit}
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Remote); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: audit entry %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
