package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/password"
)

var _ rcm.CredentialService = (*DB)(nil)

// checkPassword applies the password policy (package password, the one
// place it is defined) for the account u.
func checkPassword(pw string, u *rcm.User) error { return password.Check(pw, u.Username, u.Name) }

// tokenTouchEvery bounds how often a token's last use is written: to the
// minute is precise enough to spot an unused token and spares the
// database a write per API request.
const tokenTouchEvery = time.Minute

// sessionIDLen is the length of a session's public handle: a prefix of
// the stored hash of its id, which itself cannot be turned back into the
// cookie's id.
const sessionIDLen = rcm.SessionIDLen

// credentialUser returns the user userID of the actor's organization that
// the actor may manage credentials of: their own, or anyone's in the
// organization with PermManageUsers. A user of another organization is
// not found, so an admin cannot even learn that it exists.
func credentialUser(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, a rcm.Actor, userID int64) (*rcm.User, error) {
	if userID != a.UserID && !a.Can(rcm.PermManageUsers) {
		return nil, rcm.Errorf(rcm.EFORBIDDEN, "You may manage only your own sign-in (%s).", rcm.PermManageUsers)
	}
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM app_user WHERE org_id = ? AND id = ?`, a.OrgID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User", userID)
	}
	return u, err
}

// requireChanger returns the actor of ctx when it may change credentials:
// a read-only token may look, never change.
func requireChanger(ctx context.Context, perm string) (rcm.Actor, error) {
	a, err := rcm.RequireActor(ctx, perm)
	if err != nil {
		return a, err
	}
	if a.Scope == rcm.ScopeRead {
		return a, rcm.Errorf(rcm.EFORBIDDEN, "This API token's scope (read) does not allow changes.")
	}
	return a, nil
}

// CreateScopedAPIToken makes a bearer token with a scope and a lifetime
// for a user of the actor's organization (a user may make their own; an
// admin, anyone's).
func (db *DB) CreateScopedAPIToken(ctx context.Context, userID int64, name, scope string, ttl time.Duration) (*rcm.APIToken, string, error) {
	a, err := requireChanger(ctx, "")
	if err != nil {
		return nil, "", err
	}
	if scope == "" {
		scope = a.Scope
		if scope == "" {
			scope = rcm.ScopeAdmin
		}
	}
	if !rcm.ValidScope(scope) {
		return nil, "", rcm.FieldErrorf(rcm.EINVALID, "scope", "scope must be read, billing or admin.")
	}
	if !rcm.ScopeWithin(scope, a.Scope) {
		return nil, "", rcm.FieldErrorf(rcm.EFORBIDDEN, "scope", "A token with the %s scope cannot make one with the broader %s scope.", a.Scope, scope)
	}
	if ttl == 0 {
		ttl = rcm.DefaultTokenTTL
	}
	if ttl < 0 || ttl > rcm.MaxTokenTTL {
		return nil, "", rcm.FieldErrorf(rcm.EINVALID, "ttl", "A token's lifetime must be positive and at most %d days (%s); every token expires.",
			rcm.MaxTokenTTL/(24*time.Hour), rcm.MaxTokenTTL)
	}
	if strings.TrimSpace(name) == "" || len(name) > 100 {
		return nil, "", rcm.FieldErrorf(rcm.EINVALID, "name", "token name is required (at most 100 characters).")
	}
	secret, err := newTokenSecret()
	if err != nil {
		return nil, "", err
	}
	t := &rcm.APIToken{OrgID: a.OrgID, UserID: userID, Name: name, Scope: scope}
	err = db.Transact(ctx, func(tx *Tx) error {
		if _, err := credentialUser(ctx, tx, a, userID); err != nil {
			return err
		}
		t.CreatedAt = tx.Now()
		t.ExpiresAt = t.CreatedAt.Add(ttl)
		id, err := tx.insert(ctx, `INSERT INTO api_token (org_id, user_id, name, token_hash, created_at, expires_at, scope) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.OrgID, userID, name, tokenHash(secret), formatTime(t.CreatedAt), formatTime(t.ExpiresAt), scope)
		if err != nil {
			return err
		}
		t.ID = id
		return tx.audit(ctx, a, rcm.AuditTokenCreate, "api_token", id, 0)
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// tokenExpiry is when a stored token ends. Tokens stored before every
// token had a lifetime end rcm.MaxTokenTTL after they were made.
func tokenExpiry(created time.Time, expires string) (time.Time, error) {
	if expires == "" {
		return created.Add(rcm.MaxTokenTTL), nil
	}
	return parseTime(expires)
}

// findUserByToken returns the user a live token belongs to, with the
// token's scope, and records the token's use.
func (db *DB) findUserByToken(ctx context.Context, secret string) (*rcm.User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 200 {
		return nil, rcm.Errorf(rcm.EUNAUTHORIZED, "Invalid API token.")
	}
	var tokenID int64
	var created, expires, revoked, lastUsed, userCreated string
	u := &rcm.User{}
	err := db.QueryRowContext(ctx, `SELECT u.id, u.org_id, u.username, u.name, u.role, u.password_hash, u.created_at,
			t.id, t.scope, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
		FROM api_token t JOIN app_user u ON u.id = t.user_id AND u.org_id = t.org_id WHERE t.token_hash = ?`, tokenHash(secret)).
		Scan(&u.ID, &u.OrgID, &u.Username, &u.Name, &u.Role, &u.PasswordHash, &userCreated,
			&tokenID, &u.TokenScope, &created, &expires, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rcm.Errorf(rcm.EUNAUTHORIZED, "Invalid API token.")
	} else if err != nil {
		return nil, err
	}
	if revoked != "" {
		return nil, rcm.Errorf(rcm.EUNAUTHORIZED, "API token revoked.")
	}
	createdAt, err := parseTime(created)
	if err != nil {
		return nil, err
	}
	exp, err := tokenExpiry(createdAt, expires)
	if err != nil {
		return nil, err
	}
	now := db.Clock.Now()
	if !now.Before(exp) {
		return nil, rcm.Errorf(rcm.EUNAUTHORIZED, "API token expired.")
	}
	if last, err := parseTime(lastUsed); err != nil {
		return nil, err
	} else if now.Sub(last) >= tokenTouchEvery {
		if _, err := db.ExecContext(ctx, `UPDATE api_token SET last_used_at = ? WHERE id = ?`, formatTime(now), tokenID); err != nil {
			return nil, fmt.Errorf("record token use: %w", err)
		}
	}
	u.CreatedAt, err = parseTime(userCreated)
	return u, err
}

// FindAPITokens lists a user's tokens that are not revoked, newest first.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]*rcm.APIToken, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	if _, err := credentialUser(ctx, db, a, userID); err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scanToken, `SELECT id, org_id, user_id, name, scope, created_at, expires_at, last_used_at
		FROM api_token WHERE org_id = ? AND user_id = ? AND revoked_at = '' ORDER BY created_at DESC, id DESC`, a.OrgID, userID)
}

func scanToken(s scanner) (*rcm.APIToken, error) {
	t := &rcm.APIToken{}
	var created, expires, used string
	if err := s.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Scope, &created, &expires, &used); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = tokenExpiry(t.CreatedAt, expires); err != nil {
		return nil, err
	}
	t.LastUsedAt, err = parseTime(used)
	return t, err
}

// RevokeAPIToken ends a token of the user at once; its next request gets
// 401. The row is kept (marked revoked), so the audit log's reference to
// it still names something.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	a, err := requireChanger(ctx, "")
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := credentialUser(ctx, tx, a, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND id = ? AND revoked_at = ''`,
			formatTime(tx.Now()), a.OrgID, userID, tokenID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("API token", tokenID)
		}
		return tx.audit(ctx, a, rcm.AuditTokenRevoke, "api_token", tokenID, 0)
	})
}

// ChangePassword replaces the actor's own password; see
// rcm.CredentialService for what it ends and what it keeps.
func (db *DB) ChangePassword(ctx context.Context, current, next string) error {
	a, err := requireChanger(ctx, "")
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return rcm.Errorf(rcm.EINVALID, "The command line has no password of its own; use rcm user reset.")
	}
	u, err := credentialUser(ctx, db, a, a.UserID)
	if err != nil {
		return err
	}
	if !CheckPassword(u.PasswordHash, current) {
		return rcm.FieldErrorf(rcm.EINVALID, "current_password", "The current password is not right.")
	}
	if next == current {
		return rcm.FieldErrorf(rcm.EINVALID, "password", "The new password must differ from the current one.")
	}
	if err := checkPassword(next, u); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE app_user SET password_hash = ?, must_change_password = 0 WHERE org_id = ? AND id = ?`,
			hash, a.OrgID, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ui_session WHERE org_id = ? AND user_id = ?`, a.OrgID, u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditPasswordChange, "user", u.ID, 0)
	})
}

// ResetPassword is an admin's forced reset; see rcm.CredentialService.
func (db *DB) ResetPassword(ctx context.Context, userID int64, temporary string) error {
	a, err := requireChanger(ctx, rcm.PermManageUsers)
	if err != nil {
		return err
	}
	u, err := credentialUser(ctx, db, a, userID)
	if err != nil {
		return err
	}
	if err := checkPassword(temporary, u); err != nil {
		return err
	}
	hash, err := HashPassword(temporary)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		now := formatTime(tx.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE app_user SET password_hash = ?, must_change_password = 1 WHERE org_id = ? AND id = ?`,
			hash, a.OrgID, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ui_session WHERE org_id = ? AND user_id = ?`, a.OrgID, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = ''`,
			now, a.OrgID, u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditPasswordReset, "user", u.ID, 0)
	})
}

// FindSessions lists a user's stored workbench sessions, newest first.
// Sessions past their timeouts may still be listed until the next
// sign-in sweeps them; the workbench never accepts them.
func (db *DB) FindSessions(ctx context.Context, userID int64) ([]*rcm.Session, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	if _, err := credentialUser(ctx, db, a, userID); err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scanSession, `SELECT s.id_hash, s.user_id, u.username, s.created_at, s.seen_at, s.client
		FROM ui_session s JOIN app_user u ON u.id = s.user_id AND u.org_id = s.org_id
		WHERE s.org_id = ? AND s.user_id = ? ORDER BY s.created_at DESC, s.id_hash`, a.OrgID, userID)
}

func scanSession(s scanner) (*rcm.Session, error) {
	x := &rcm.Session{}
	var idHash, created, seen string
	if err := s.Scan(&idHash, &x.UserID, &x.Username, &created, &seen, &x.Client); err != nil {
		return nil, err
	}
	x.ID = rcm.SessionID(idHash)
	var err error
	if x.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	x.SeenAt, err = parseTime(seen)
	return x, err
}

// EndSession ends one of the user's workbench sessions, named by its
// public handle.
func (db *DB) EndSession(ctx context.Context, userID int64, sessionID string) error {
	a, err := requireChanger(ctx, "")
	if err != nil {
		return err
	}
	if len(sessionID) != sessionIDLen {
		return rcm.FieldErrorf(rcm.EINVALID, "session", "A session id is %d characters, as listed.", sessionIDLen)
	}
	return db.Transact(ctx, func(tx *Tx) error {
		if _, err := credentialUser(ctx, tx, a, userID); err != nil {
			return err
		}
		// The handle is a prefix of the hash; matching it among one user's
		// few sessions in Go keeps the query the same in both dialects.
		hashes, err := queryAll(ctx, tx, func(s scanner) (string, error) {
			var h string
			return h, s.Scan(&h)
		}, `SELECT id_hash FROM ui_session WHERE org_id = ? AND user_id = ?`, a.OrgID, userID)
		if err != nil {
			return err
		}
		for _, h := range hashes {
			if rcm.SessionID(h) != sessionID {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM ui_session WHERE org_id = ? AND user_id = ? AND id_hash = ?`, a.OrgID, userID, h); err != nil {
				return err
			}
			return tx.audit(ctx, a, rcm.AuditSessionEnd, "ui_session", userID, 0)
		}
		return rcm.Errorf(rcm.ENOTFOUND, "Session %s not found.", sessionID)
	})
}

// newTokenSecret returns a new API token secret: the prefix and 256
// random bits.
func newTokenSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(raw), nil
}
