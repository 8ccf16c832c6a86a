package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrLastAdmin is returned when a change would leave no enabled
// administrator: nobody could manage the accounts any more.
var ErrLastAdmin = errors.New("store: the last enabled administrator cannot be demoted or disabled")

// UserChange is what an administrator changes in an account; nil fields
// are left as they are, so that two administrators changing different
// things at once (one the role, one the password) both keep theirs.
type UserChange struct {
	Display, Role, PasswordHash *string
	Disabled                    *bool
}

// ChangeUser applies a change to the user with that ID in one
// transaction: the changed columns only; the user's sessions ended when
// the account is disabled or its password replaced; refused with
// ErrLastAdmin when no enabled administrator would be left. It returns the
// user as stored after the change.
func (s *Store) ChangeUser(ctx context.Context, id int64, c UserChange) (User, error) {
	var sets []string
	var args []any
	if c.Display != nil {
		sets, args = append(sets, "display = ?"), append(args, *c.Display)
	}
	if c.Role != nil {
		sets, args = append(sets, "role = ?"), append(args, *c.Role)
	}
	if c.PasswordHash != nil {
		if *c.PasswordHash == "" {
			return User{}, fmt.Errorf("store: change user %d: empty password hash", id)
		}
		sets, args = append(sets, "password_hash = ?"), append(args, *c.PasswordHash)
	}
	if c.Disabled != nil {
		sets, args = append(sets, "disabled = ?"), append(args, boolInt(*c.Disabled))
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return User{}, fmt.Errorf("store: change user %d: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	if s.w.dialect == postgresDialect {
		// Changes of roles and of disabled accounts, made at once through
		// several replicas, are counted one after the other: two
		// administrators demoting each other must not leave none. SQLite
		// has one writer and needs no lock.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "ogi-admins"); err != nil {
			return User{}, fmt.Errorf("store: change user %d: %w", id, err)
		}
	}
	if len(sets) > 0 {
		res, err := tx.ExecContext(ctx, `UPDATE users SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return User{}, fmt.Errorf("store: change user %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return User{}, fmt.Errorf("store: change user %d: %w", id, err)
		} else if n == 0 {
			return User{}, fmt.Errorf("store: change user %d: %w", id, ErrNotFound)
		}
	}
	var admins int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0`).Scan(&admins); err != nil {
		return User{}, fmt.Errorf("store: change user %d: %w", id, err)
	}
	if admins == 0 {
		return User{}, ErrLastAdmin
	}
	if c.PasswordHash != nil || c.Disabled != nil && *c.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return User{}, fmt.Errorf("store: change user %d: %w", id, err)
		}
	}
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, fmt.Errorf("store: change user %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return User{}, fmt.Errorf("store: change user %d: %w", id, err)
	}
	return u, nil
}
