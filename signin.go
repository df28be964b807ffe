package rcm

import (
	"context"
	"errors"
	"time"
)

// ETOOMANY says an attempt was refused because too many failed before it:
// the caller must wait (see RetryAfter) or have an administrator unlock the
// account. The HTTP edge answers it with 429 and Retry-After.
const ETOOMANY = "too_many_requests"

// Audit actions of sign-in and second factors. Failures name the user they
// were aimed at as the entity; the actor of a failure is nobody (user 0).
const (
	AuditSignInFailed  = "signin_failed"
	AuditSignInRefused = "signin_refused"
	AuditTokenFailed   = "token_failed"
	AuditLock          = "lock"
	AuditUnlock        = "unlock"
	AuditMFAFailed     = "mfa_failed"
	AuditMFAEnrol      = "mfa_enrol"
	AuditMFADisable    = "mfa_disable"
	AuditMFAReset      = "mfa_reset"
	AuditRecoveryUsed  = "mfa_recovery_used"
)

// RetryError is an ETOOMANY error with the time the caller must wait.
type RetryError struct {
	Err   *Error
	After time.Duration
}

// Error implements the error interface.
func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap lets ErrorCode and ErrorMessage find the domain error.
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter returns how long a refused caller must wait, or zero.
func RetryAfter(err error) time.Duration {
	var e *RetryError
	if errors.As(err, &e) {
		return e.After
	}
	return 0
}

// ThrottlePolicy is how failed attempts slow down the next ones: the first
// Free failures cost nothing, each later one doubles the wait from Base up
// to Max, and LockAfter consecutive failures (0: never) lock for LockFor.
// A counter with no failure for Forget starts again from zero, and an
// ended lock starts from zero too, so nobody is locked out for ever by a
// stranger: the cooling time ends every lock.
type ThrottlePolicy struct {
	Free      int
	Base      time.Duration
	Max       time.Duration
	LockAfter int
	LockFor   time.Duration
	Forget    time.Duration
}

// Policies of sign-in. An account locks after ten failures in a row (which
// also counts attempts made while told to wait); a client address is only
// slowed, since many honest people can share one.
var (
	AccountThrottle = ThrottlePolicy{Free: 3, Base: time.Second, Max: 5 * time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, Forget: 24 * time.Hour}
	AddressThrottle = ThrottlePolicy{Free: 10, Base: time.Second, Max: 5 * time.Minute, Forget: time.Hour}
)

// ThrottleState is the failure record of one account or client address.
type ThrottleState struct {
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
	Locked       bool
}

// Current returns s as it stands at now: an ended lock, or a counter idle
// for Forget, is cleared.
func (p ThrottlePolicy) Current(s ThrottleState, now time.Time) ThrottleState {
	if s.Locked && !now.Before(s.BlockedUntil) {
		return ThrottleState{}
	}
	if !s.Locked && p.Forget > 0 && !s.LastFailure.IsZero() && now.Sub(s.LastFailure) >= p.Forget {
		return ThrottleState{}
	}
	return s
}

// Wait returns how long an attempt at now must still wait; zero means it
// may go ahead.
func (p ThrottlePolicy) Wait(s ThrottleState, now time.Time) time.Duration {
	s = p.Current(s, now)
	if now.Before(s.BlockedUntil) {
		return s.BlockedUntil.Sub(now)
	}
	return 0
}

// Fail returns the state after an attempt at now that failed or was
// refused. A refused attempt counts toward the lock but does not push a
// running wait further out, and a lock is never extended by attempts made
// while it holds.
func (p ThrottlePolicy) Fail(s ThrottleState, now time.Time) ThrottleState {
	s = p.Current(s, now)
	waiting := now.Before(s.BlockedUntil)
	s.Failures++
	s.LastFailure = now
	switch {
	case s.Locked:
	case p.LockAfter > 0 && s.Failures >= p.LockAfter:
		s.Locked, s.BlockedUntil = true, now.Add(p.LockFor)
	case !waiting && s.Failures > p.Free:
		d := p.Base
		for i := p.Free + 1; i < s.Failures && d < p.Max; i++ {
			d *= 2
		}
		s.BlockedUntil = now.Add(min(d, p.Max))
	}
	return s
}

// Succeed returns the state after an attempt that passed: an account's
// record is cleared, while an address only gets back the one failure its
// attempt was charged in advance (a successful sign-in by one person must
// not wipe out a guesser's record from the same address).
func (p ThrottlePolicy) Succeed(s ThrottleState, now time.Time, account bool) ThrottleState {
	if account {
		return ThrottleState{}
	}
	s = p.Current(s, now)
	if s.Failures > 0 {
		s.Failures--
	}
	if !s.Locked && s.Failures <= p.Free {
		s.BlockedUntil = time.Time{}
	}
	return s
}

// SignInResult is a password that matched. SecondFactor is set when the
// user has TOTP and must give a code before a session starts; MustEnrol
// when the user is an admin without TOTP, who must enrol first.
type SignInResult struct {
	User         *User
	SecondFactor bool
	MustEnrol    bool
}

// SignInService checks credentials with throttling: per account and per
// client address, the counters kept in the database so that every server
// process shares them. A throttled attempt is refused with ETOOMANY before
// any password is tested, and every failure is audited.
type SignInService interface {
	// SignIn checks a username and password from a client address.
	SignIn(ctx context.Context, username, password, client string) (*SignInResult, error)
	// SignInWithToken returns the user of a live API token; bad tokens
	// count against the client address.
	SignInWithToken(ctx context.Context, secret, client string) (*User, error)
	// UnlockUser clears the failure record of a user of the actor's
	// organization (PermManageUsers); it is audited.
	UnlockUser(ctx context.Context, username string) error
}
