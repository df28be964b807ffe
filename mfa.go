package rcm

import (
	"context"
	"time"
)

// TOTPEnrolment is a TOTP secret waiting for its first code: the secret in
// base32 for typing into an authenticator app, and the otpauth:// URI that
// a QR code would carry.
type TOTPEnrolment struct {
	Secret string
	URI    string
}

// MFAStatus is a user's second factor.
type MFAStatus struct {
	TOTP              bool
	RecoveryCodesLeft int
}

// MFAService manages second factors: TOTP (RFC 6238, 30-second steps, six
// digits, one step of clock skew either way) and single-use recovery
// codes. Enrolment, disabling, resets and failed codes are audited. The
// methods that check a code take the time to check it at, so the caller's
// clock decides.
type MFAService interface {
	// BeginTOTPEnrolment returns the actor's pending TOTP secret, making
	// one if none waits; ECONFLICT when TOTP is already on.
	BeginTOTPEnrolment(ctx context.Context) (*TOTPEnrolment, error)
	// ConfirmTOTPEnrolment turns TOTP on when code matches the pending
	// secret, and returns ten new recovery codes: the only time they are
	// seen.
	ConfirmTOTPEnrolment(ctx context.Context, code string, at time.Time) ([]string, error)
	// DisableTOTP turns the actor's TOTP off; it takes a current code.
	DisableTOTP(ctx context.Context, code string, at time.Time) error
	// ResetMFA removes the second factor of a user of the actor's
	// organization (PermManageUsers), who then enrols again.
	ResetMFA(ctx context.Context, username string) error
	// FindMFAStatus returns the actor's own second factor.
	FindMFAStatus(ctx context.Context) (*MFAStatus, error)
	// VerifySecondFactor checks a TOTP or recovery code of a user whose
	// password was right, as the second step of signing in. Wrong codes
	// count toward the same throttle as wrong passwords; a code is never
	// accepted twice.
	VerifySecondFactor(ctx context.Context, userID int64, code, client string, at time.Time) error
}
