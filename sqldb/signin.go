package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/openrcm/openrcm"
)

var _ rcm.SignInService = (*DB)(nil)

// Throttle keys. An account is keyed by the SHA-256 of the username typed,
// known or not, so a stranger learns nothing from which names lock and a
// password typed into the username box is never stored.
func accountKey(username string) string {
	h := sha256.Sum256([]byte(username))
	return "user:" + hex.EncodeToString(h[:])
}

func addressKey(client string) string { return "addr:" + client }
func tokenKey(client string) string   { return "token:" + client }

// maxClientLen bounds a stored client address (an IPv6 address with a
// zone fits).
const maxClientLen = 64

func cleanClient(client string) string {
	if client == "" {
		return "unknown"
	}
	if len(client) > maxClientLen {
		return client[:maxClientLen]
	}
	return client
}

// loadThrottle reads and locks a key's record, making it first if absent,
// so two processes charging the same key queue on one row.
func (tx *Tx) loadThrottle(ctx context.Context, key string) (rcm.ThrottleState, error) {
	var s rcm.ThrottleState
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_throttle (throttle_key, failures, last_failure_at, blocked_until, locked)
		VALUES (?, 0, '', '', 0) ON CONFLICT DO NOTHING`, key); err != nil {
		return s, fmt.Errorf("throttle: %w", err)
	}
	var last, until string
	var locked int
	err := tx.QueryRowContext(ctx, `SELECT failures, last_failure_at, blocked_until, locked FROM signin_throttle WHERE throttle_key = ?`+tx.forUpdate(), key).
		Scan(&s.Failures, &last, &until, &locked)
	if err != nil {
		return s, fmt.Errorf("throttle: %w", err)
	}
	s.Locked = locked != 0
	if s.LastFailure, err = parseOptionalTime(last); err != nil {
		return s, err
	}
	s.BlockedUntil, err = parseOptionalTime(until)
	return s, err
}

// readThrottle reads a key's record without locking it.
func (db *DB) readThrottle(ctx context.Context, key string) (rcm.ThrottleState, error) {
	var s rcm.ThrottleState
	var last, until string
	var locked int
	err := db.QueryRowContext(ctx, `SELECT failures, last_failure_at, blocked_until, locked FROM signin_throttle WHERE throttle_key = ?`, key).
		Scan(&s.Failures, &last, &until, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return s, fmt.Errorf("throttle: %w", err)
	}
	s.Locked = locked != 0
	if s.LastFailure, err = parseOptionalTime(last); err != nil {
		return s, err
	}
	s.BlockedUntil, err = parseOptionalTime(until)
	return s, err
}

// saveThrottle writes a key's record; a clean record is deleted, so the
// table holds only keys with something against them.
func (tx *Tx) saveThrottle(ctx context.Context, key string, s rcm.ThrottleState) error {
	var err error
	if s == (rcm.ThrottleState{}) {
		_, err = tx.ExecContext(ctx, `DELETE FROM signin_throttle WHERE throttle_key = ?`, key)
	} else {
		locked := 0
		if s.Locked {
			locked = 1
		}
		_, err = tx.ExecContext(ctx, `UPDATE signin_throttle SET failures = ?, last_failure_at = ?, blocked_until = ?, locked = ? WHERE throttle_key = ?`,
			s.Failures, formatOptionalTime(s.LastFailure), formatOptionalTime(s.BlockedUntil), locked, key)
	}
	if err != nil {
		return fmt.Errorf("throttle: %w", err)
	}
	return nil
}

func formatOptionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func parseOptionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

// signInTarget is the user an attempt was aimed at; zero for an unknown
// username.
type signInTarget struct {
	user *rcm.User
}

func (t signInTarget) orgID() int64 {
	if t.user == nil {
		return 0
	}
	return t.user.OrgID
}

func (t signInTarget) userID() int64 {
	if t.user == nil {
		return 0
	}
	return t.user.ID
}

func (t signInTarget) username() string {
	if t.user == nil {
		return ""
	}
	return t.user.Username
}

func (tx *Tx) findSignInTarget(ctx context.Context, username string) (signInTarget, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM app_user WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return signInTarget{}, nil
	}
	return signInTarget{user: u}, err
}

// securityEvent records a security event: in the security_event log
// always, and in the organization's audit chain when the target user is
// known. by is the acting user (0 for a stranger's attempt); the username
// typed for an unknown account is not kept, as it may be a password.
func (tx *Tx) securityEvent(ctx context.Context, action string, by int64, t signInTarget, client string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO security_event (at, action, org_id, user_id, username, client) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(tx.Now()), action, t.orgID(), t.userID(), t.username(), client); err != nil {
		return fmt.Errorf("security event: %w", err)
	}
	if t.user == nil {
		return nil
	}
	return tx.audit(ctx, rcm.Actor{OrgID: t.orgID(), UserID: by, Reason: "client " + client}, action, "user", t.userID(), 0)
}

// throttled is the error of a refused attempt.
func throttled(wait time.Duration, locked bool) error {
	secs := int64((wait + time.Second - 1) / time.Second)
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	msg := fmt.Sprintf("Too many failed attempts. Wait %d %s and try again.", secs, unit)
	if locked {
		msg = fmt.Sprintf("Too many failed attempts: this account is locked for %d minutes, or until an administrator unlocks it.", (secs+59)/60)
	}
	return &rcm.RetryError{Err: rcm.Errorf(rcm.ETOOMANY, "%s", msg), After: time.Duration(secs) * time.Second}
}

// charge checks an account and an address before an attempt and charges
// the attempt to both in advance, in one transaction: attempts sent in
// parallel, or to several processes, each see the ones before them, so
// none slips past the limit while the password is being tested. It returns
// the refusal when the attempt must wait, and whether the charge locked
// the account.
func (tx *Tx) charge(ctx context.Context, acctKey, addrKey string, t signInTarget, client, refusedAction string) (refusal error, lockedNow bool, err error) {
	now := tx.Now()
	acct, err := tx.loadThrottle(ctx, acctKey)
	if err != nil {
		return nil, false, err
	}
	addr, err := tx.loadThrottle(ctx, addrKey)
	if err != nil {
		return nil, false, err
	}
	wAcct, wAddr := rcm.AccountThrottle.Wait(acct, now), rcm.AddressThrottle.Wait(addr, now)
	wasLocked := rcm.AccountThrottle.Current(acct, now).Locked
	acct2, addr2 := rcm.AccountThrottle.Fail(acct, now), rcm.AddressThrottle.Fail(addr, now)
	if err := tx.saveThrottle(ctx, acctKey, acct2); err != nil {
		return nil, false, err
	}
	if err := tx.saveThrottle(ctx, addrKey, addr2); err != nil {
		return nil, false, err
	}
	lockedNow = !wasLocked && acct2.Locked
	if w := max(wAcct, wAddr); w > 0 {
		if err := tx.securityEvent(ctx, refusedAction, 0, t, client); err != nil {
			return nil, false, err
		}
		if lockedNow {
			if err := tx.securityEvent(ctx, rcm.AuditLock, 0, t, client); err != nil {
				return nil, false, err
			}
			w = max(w, acct2.BlockedUntil.Sub(now))
		}
		return throttled(w, wasLocked || lockedNow), false, nil
	}
	return nil, lockedNow, nil
}

// failed records a failure already charged by charge.
func (tx *Tx) failed(ctx context.Context, action string, t signInTarget, client string, lockedNow bool) error {
	if err := tx.securityEvent(ctx, action, 0, t, client); err != nil {
		return err
	}
	if lockedNow {
		return tx.securityEvent(ctx, rcm.AuditLock, 0, t, client)
	}
	return nil
}

// succeeded gives back the advance charge: the address gets its one
// failure back; the account's record is cleared when the sign-in is
// complete (no second factor still to come).
func (tx *Tx) succeeded(ctx context.Context, acctKey, addrKey string, complete bool) error {
	now := tx.Now()
	if complete {
		if err := tx.saveThrottle(ctx, acctKey, rcm.ThrottleState{}); err != nil {
			return err
		}
	}
	addr, err := tx.loadThrottle(ctx, addrKey)
	if err != nil {
		return err
	}
	return tx.saveThrottle(ctx, addrKey, rcm.AddressThrottle.Succeed(addr, now, false))
}

// SignIn checks a username and password from a client address, throttled
// per account and per address (see rcm.AccountThrottle). A throttled
// attempt is refused before the password is tested, so even the right
// password does not get in during a lock.
func (db *DB) SignIn(ctx context.Context, username, password, client string) (*rcm.SignInResult, error) {
	client = cleanClient(client)
	acctKey, addrKey := accountKey(username), addressKey(client)
	var t signInTarget
	var refusal error
	var lockedNow bool
	err := db.Transact(ctx, func(tx *Tx) error {
		var err error
		if t, err = tx.findSignInTarget(ctx, username); err != nil {
			return err
		}
		refusal, lockedNow, err = tx.charge(ctx, acctKey, addrKey, t, client, rcm.AuditSignInRefused)
		return err
	})
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return nil, refusal
	}
	// The slow argon2id check runs outside any transaction.
	ok := false
	if t.user == nil || len(password) > 256 {
		CheckPassword(dummyHash(), password)
	} else {
		ok = CheckPassword(t.user.PasswordHash, password)
	}
	if !ok {
		if err := db.Transact(ctx, func(tx *Tx) error { return tx.failed(ctx, rcm.AuditSignInFailed, t, client, lockedNow) }); err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	res := &rcm.SignInResult{User: t.user}
	err = db.Transact(ctx, func(tx *Tx) error {
		has, err := tx.hasTOTP(ctx, t.user.ID)
		if err != nil {
			return err
		}
		res.SecondFactor = has
		res.MustEnrol = !has && t.user.Role == rcm.RoleAdmin
		return tx.succeeded(ctx, acctKey, addrKey, !has)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// SignInWithToken returns the user of a live API token. Bad tokens count
// against the client address; while it must wait, even a good token is
// refused. A good token writes nothing, so the API's every request costs
// one extra read only.
func (db *DB) SignInWithToken(ctx context.Context, secret, client string) (*rcm.User, error) {
	client = cleanClient(client)
	key := tokenKey(client)
	s, err := db.readThrottle(ctx, key)
	if err != nil {
		return nil, err
	}
	now := db.Clock.Now()
	if w := rcm.AddressThrottle.Wait(s, now); w > 0 {
		err := db.Transact(ctx, func(tx *Tx) error {
			s, err := tx.loadThrottle(ctx, key)
			if err != nil {
				return err
			}
			if err := tx.saveThrottle(ctx, key, rcm.AddressThrottle.Fail(s, tx.Now())); err != nil {
				return err
			}
			return tx.securityEvent(ctx, rcm.AuditSignInRefused, 0, signInTarget{}, client)
		})
		if err != nil {
			return nil, err
		}
		return nil, throttled(w, false)
	}
	u, err := db.FindUserByToken(ctx, secret)
	if rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
		return u, err
	}
	terr := db.Transact(ctx, func(tx *Tx) error {
		s, err := tx.loadThrottle(ctx, key)
		if err != nil {
			return err
		}
		if err := tx.saveThrottle(ctx, key, rcm.AddressThrottle.Fail(s, tx.Now())); err != nil {
			return err
		}
		return tx.securityEvent(ctx, rcm.AuditTokenFailed, 0, signInTarget{}, client)
	})
	if terr != nil {
		return nil, terr
	}
	return nil, err
}

// findOrgUser finds the user an admin names, in the admin's organization:
// a user of another organization is not found, as if there were none.
func (tx *Tx) findOrgUser(ctx context.Context, a rcm.Actor, username string) (signInTarget, error) {
	t, err := tx.findSignInTarget(ctx, username)
	if err != nil {
		return t, err
	}
	if t.user == nil || t.user.OrgID != a.OrgID {
		return t, rcm.FieldErrorf(rcm.ENOTFOUND, "username", "No user named %q in your organization.", username)
	}
	return t, nil
}

// UnlockUser clears the failure record of a user of the actor's
// organization, ending a lock before its cooling time.
func (db *DB) UnlockUser(ctx context.Context, username string) error {
	a, err := rcm.RequireActor(ctx, rcm.PermManageUsers)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		t, err := tx.findOrgUser(ctx, a, username)
		if err != nil {
			return err
		}
		if err := tx.saveThrottle(ctx, accountKey(username), rcm.ThrottleState{}); err != nil {
			return err
		}
		return tx.securityEvent(ctx, rcm.AuditUnlock, a.UserID, t, "admin")
	})
}

// SecurityEvent is one row of the security log.
type SecurityEvent struct {
	At       time.Time
	Action   string
	OrgID    int64
	UserID   int64
	Username string
	Client   string
}

// FindSecurityEvents returns the newest security events, for the operator
// and for tests; limit bounds them (default 100, at most 1000).
func (db *DB) FindSecurityEvents(ctx context.Context, n int) ([]*SecurityEvent, error) {
	return queryAll(ctx, db, func(s scanner) (*SecurityEvent, error) {
		e := &SecurityEvent{}
		var at string
		if err := s.Scan(&at, &e.Action, &e.OrgID, &e.UserID, &e.Username, &e.Client); err != nil {
			return nil, err
		}
		var err error
		e.At, err = parseTime(at)
		return e, err
	}, `SELECT at, action, org_id, user_id, username, client FROM security_event ORDER BY id DESC LIMIT ?`, limit(n))
}
