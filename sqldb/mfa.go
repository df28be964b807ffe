package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var _ rcm.MFAService = (*DB)(nil)

// TOTP parameters: what every authenticator app understands.
const (
	totpIssuer    = "OpenRCM"
	totpPeriod    = 30
	totpSkew      = 1
	recoveryCodes = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep returns the time step whose code matches, within the skew, or
// false. Every candidate is computed, so the time taken does not say which
// one matched.
func totpStep(secret, code string, at time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	step, found := int64(0), false
	for d := -totpSkew; d <= totpSkew; d++ {
		t := at.Add(time.Duration(d) * totpPeriod * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, found = t.Unix()/totpPeriod, true
		}
	}
	return step, found
}

// normalizeCode drops the spaces and hyphens people type or paste.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// newRecoveryCode returns 80 random bits as four groups of four base32
// characters.
func newRecoveryCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := base32.StdEncoding.EncodeToString(b)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}

func recoveryHash(code string) string {
	h := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(h[:])
}

func (tx *Tx) hasTOTP(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_totp WHERE user_id = ? AND confirmed_at <> ''`, userID).Scan(&n)
	return n > 0, err
}

type totpRow struct {
	secret    string
	confirmed bool
	lastStep  int64
}

func (tx *Tx) findTOTP(ctx context.Context, userID int64) (*totpRow, error) {
	r := &totpRow{}
	var confirmed, key, stored string
	var org int64
	err := tx.QueryRowContext(ctx, `SELECT org_id, secret, sealed_key, confirmed_at, last_step FROM user_totp WHERE user_id = ?`+tx.forUpdate(), userID).
		Scan(&org, &stored, &key, &confirmed, &r.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	r.confirmed = confirmed != ""
	r.secret, err = tx.db.openValue(totpSealed.name, "secret", org, userID, key, stored)
	return r, err
}

// useTOTP checks code against the row at the given time and records its
// step, so the same code (or an older one) is never accepted again.
func (tx *Tx) useTOTP(ctx context.Context, userID int64, r *totpRow, code string, at time.Time) (bool, error) {
	step, ok := totpStep(r.secret, code, at)
	if !ok || step <= r.lastStep {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// BeginTOTPEnrolment returns the actor's pending TOTP secret, making one
// if none waits.
func (db *DB) BeginTOTPEnrolment(ctx context.Context) (*rcm.TOTPEnrolment, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	var out *rcm.TOTPEnrolment
	err = db.Transact(ctx, func(tx *Tx) error {
		var username string
		if err := tx.QueryRowContext(ctx, `SELECT username FROM app_user WHERE org_id = ? AND id = ?`, a.OrgID, a.UserID).Scan(&username); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("User", a.UserID)
			}
			return err
		}
		r, err := tx.findTOTP(ctx, a.UserID)
		if err != nil {
			return err
		}
		if r != nil && r.confirmed {
			return rcm.Errorf(rcm.ECONFLICT, "Two-step sign-in is already on. Turn it off first to set up a new authenticator.")
		}
		if r != nil {
			out = &rcm.TOTPEnrolment{Secret: r.secret, URI: totpURL(r.secret, username)}
			return nil
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username, Period: totpPeriod, SecretSize: 20, Rand: rand.Reader})
		if err != nil {
			return err
		}
		sealed, err := tx.db.sealRow(totpSealed, a.OrgID, a.UserID, []string{key.Secret()})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_totp (user_id, org_id, secret, sealed_key, confirmed_at, last_step) VALUES (?, ?, ?, ?, '', 0)`,
			a.UserID, a.OrgID, sealed.values[0], sealed.key); err != nil {
			return err
		}
		out = &rcm.TOTPEnrolment{Secret: key.Secret(), URI: totpURL(key.Secret(), username)}
		return nil
	})
	return out, err
}

// totpURL is the otpauth:// URI of a stored secret.
func totpURL(secret, username string) string {
	return "otpauth://totp/" + totpIssuer + ":" + username + "?algorithm=SHA1&digits=6&issuer=" + totpIssuer + "&period=30&secret=" + secret
}

// ConfirmTOTPEnrolment turns TOTP on with a first code and returns new
// recovery codes.
func (db *DB) ConfirmTOTPEnrolment(ctx context.Context, code string, at time.Time) ([]string, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	code = normalizeCode(code)
	var codes []string
	err = db.Transact(ctx, func(tx *Tx) error {
		r, err := tx.findTOTP(ctx, a.UserID)
		if err != nil {
			return err
		}
		if r == nil {
			return rcm.Errorf(rcm.ECONFLICT, "Start setting up two-step sign-in first.")
		}
		if r.confirmed {
			return rcm.Errorf(rcm.ECONFLICT, "Two-step sign-in is already on.")
		}
		ok, err := tx.useTOTP(ctx, a.UserID, r, code, at)
		if err != nil {
			return err
		}
		if !ok {
			return rcm.FieldErrorf(rcm.EINVALID, "code", "That code does not match. Check the authenticator app's clock and enter the current six-digit code.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_totp SET confirmed_at = ? WHERE user_id = ?`, formatTime(tx.Now()), a.UserID); err != nil {
			return err
		}
		if codes, err = tx.replaceRecoveryCodes(ctx, a.UserID); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditMFAEnrol, "user", a.UserID, 0)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

func (tx *Tx) replaceRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_recovery_code WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, recoveryCodes)
	for i := range codes {
		c, err := newRecoveryCode()
		if err != nil {
			return nil, err
		}
		codes[i] = c
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_recovery_code (user_id, code_hash, used_at) VALUES (?, ?, '')`, userID, recoveryHash(c)); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

func (tx *Tx) removeMFA(ctx context.Context, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_recovery_code WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = ?`, userID)
	return err
}

// DisableTOTP turns the actor's TOTP off, given a current code.
func (db *DB) DisableTOTP(ctx context.Context, code string, at time.Time) error {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return err
	}
	if a.Role == rcm.RoleAdmin {
		return rcm.Errorf(rcm.EFORBIDDEN, "Admins must keep two-step sign-in. Another admin can reset it if the authenticator is lost.")
	}
	code = normalizeCode(code)
	return db.Transact(ctx, func(tx *Tx) error {
		r, err := tx.findTOTP(ctx, a.UserID)
		if err != nil {
			return err
		}
		if r == nil || !r.confirmed {
			return rcm.Errorf(rcm.ECONFLICT, "Two-step sign-in is not on.")
		}
		ok, err := tx.useTOTP(ctx, a.UserID, r, code, at)
		if err != nil {
			return err
		}
		if !ok {
			return rcm.FieldErrorf(rcm.EINVALID, "code", "That code does not match; two-step sign-in stays on.")
		}
		if err := tx.removeMFA(ctx, a.UserID); err != nil {
			return err
		}
		return tx.audit(ctx, a, rcm.AuditMFADisable, "user", a.UserID, 0)
	})
}

// ResetMFA removes a user's second factor, for one who lost the
// authenticator and the recovery codes, and ends their workbench sessions.
func (db *DB) ResetMFA(ctx context.Context, username string) error {
	a, err := rcm.RequireActor(ctx, rcm.PermManageUsers)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		t, err := tx.findOrgUser(ctx, a, username)
		if err != nil {
			return err
		}
		if err := tx.removeMFA(ctx, t.user.ID); err != nil {
			return err
		}
		// Whoever holds the lost authenticator may also hold a signed-in
		// browser: the user's workbench sessions end too.
		if _, err := tx.ExecContext(ctx, `DELETE FROM ui_session WHERE user_id = ?`, t.user.ID); err != nil {
			return err
		}
		return tx.securityEvent(ctx, rcm.AuditMFAReset, a.UserID, t, "admin")
	})
}

// FindMFAStatus returns the actor's own second factor.
func (db *DB) FindMFAStatus(ctx context.Context) (*rcm.MFAStatus, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	st := &rcm.MFAStatus{}
	err = db.Transact(ctx, func(tx *Tx) error {
		if st.TOTP, err = tx.hasTOTP(ctx, a.UserID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM user_recovery_code WHERE user_id = ? AND used_at = ''`, a.UserID).Scan(&st.RecoveryCodesLeft)
	})
	return st, err
}

var errBadCode = rcm.FieldErrorf(rcm.EUNAUTHORIZED, "code", "Wrong code.")

// VerifySecondFactor checks the second step of signing in, throttled like
// the password.
func (db *DB) VerifySecondFactor(ctx context.Context, userID int64, code, client string, at time.Time) error {
	client = cleanClient(client)
	code = normalizeCode(code)
	var t signInTarget
	var username string
	if err := db.QueryRowContext(ctx, `SELECT username FROM app_user WHERE id = ?`, userID).Scan(&username); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errBadCode
		}
		return err
	}
	acctKey, addrKey := accountKey(username), addressKey(client)
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
		return err
	}
	if refusal != nil {
		return refusal
	}
	ok := false
	err = db.Transact(ctx, func(tx *Tx) error {
		r, err := tx.findTOTP(ctx, userID)
		if err != nil {
			return err
		}
		if r == nil || !r.confirmed {
			return nil
		}
		if len(code) == 6 {
			if ok, err = tx.useTOTP(ctx, userID, r, code, at); err != nil || !ok {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE user_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = ''`,
				formatTime(tx.Now()), userID, recoveryHash(code))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil || n != 1 {
				return err
			}
			ok = true
			if err := tx.securityEvent(ctx, rcm.AuditRecoveryUsed, userID, t, client); err != nil {
				return err
			}
		}
		return tx.succeeded(ctx, acctKey, addrKey, true)
	})
	if err != nil {
		return err
	}
	if !ok {
		if err := db.Transact(ctx, func(tx *Tx) error { return tx.failed(ctx, rcm.AuditMFAFailed, t, client, lockedNow) }); err != nil {
			return err
		}
		return errBadCode
	}
	return nil
}
