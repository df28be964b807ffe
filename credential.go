package rcm

import (
	"context"
	"time"
)

// Token scopes. A token's scope narrows what its user's role allows, so a
// token handed to a reporting script cannot change data even when its
// user is an admin. The effective permission is the intersection: the
// role must hold it and the scope must allow it (Actor.Can).
const (
	// ScopeRead allows reading (patients and, for roles that may, the
	// audit log) and, at the API, only GET requests.
	ScopeRead = "read"
	// ScopeBilling allows what the biller role holds: reading and
	// changing patients and billing.
	ScopeBilling = "billing"
	// ScopeAdmin allows everything the user's role allows. It is the
	// default, so a token made without a scope keeps working as before.
	ScopeAdmin = "admin"
)

var scopePerms = map[string][]string{
	ScopeRead:    {PermReadPatients, PermReadAudit},
	ScopeBilling: rolePerms[RoleBiller],
}

// ValidScope reports whether s is one of the token scopes.
func ValidScope(s string) bool { return s == ScopeRead || s == ScopeBilling || s == ScopeAdmin }

// ScopeAllows reports whether scope s allows permission p. The empty
// scope is a workbench session or the operator's command line, which are
// limited by the role alone.
func ScopeAllows(s, p string) bool {
	if s == "" || s == ScopeAdmin {
		return true
	}
	for _, q := range scopePerms[s] {
		if q == p {
			return true
		}
	}
	return false
}

// ScopeWithin reports whether scope s is no broader than scope limit, so
// a token cannot be used to make a broader one.
func ScopeWithin(s, limit string) bool {
	switch limit {
	case "", ScopeAdmin:
		return true
	case ScopeBilling:
		return s == ScopeBilling || s == ScopeRead
	}
	return s == ScopeRead
}

// Token lifetimes. A token that never ends is a credential that outlives
// the reason it was made (the script, the contractor, the laptop), so
// every token ends: after DefaultTokenTTL unless asked otherwise, and
// never later than MaxTokenTTL. Tokens made before lifetimes existed
// (stored without an expiry) end MaxTokenTTL after they were made.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 365 * 24 * time.Hour
)

// Security events recorded in the audit log (entity "user", "api_token"
// or "ui_session"). They carry no patient.
const (
	AuditPasswordChange = "password_change"
	AuditPasswordReset  = "password_reset"
	AuditTokenCreate    = "token_create"
	AuditTokenRevoke    = "token_revoke"
	AuditSessionEnd     = "session_end"
)

// SessionIDLen is the length of a session's public handle.
const SessionIDLen = 16

// SessionID is the public handle of the session stored under idHash (the
// SHA-256 of its secret, in hex): a prefix of it, enough to name one of a
// user's sessions and useless for taking one over.
func SessionID(idHash string) string {
	if len(idHash) < SessionIDLen {
		return idHash
	}
	return idHash[:SessionIDLen]
}

// Session is a signed-in browser of the workbench, as its user or an
// admin sees it in a list. ID is a public handle derived from the stored
// hash of the session id: it names the session to end and cannot be used
// to ride it.
type Session struct {
	ID        string    `json:"id"`
	UserID    int64     `json:"user_id"`
	Username  string    `json:"username"`
	CreatedAt time.Time `json:"created_at"`
	SeenAt    time.Time `json:"seen_at"`
	// Client is the address and a summary of the browser it signed in
	// from ("Firefox on Linux from 10.0.0.7").
	Client string `json:"client"`
}

// CredentialService manages what a user proves who they are with:
// passwords, API tokens and workbench sessions. Every change is audited;
// everything is scoped to the actor's organization, and a user of
// another organization is not found.
type CredentialService interface {
	// ChangePassword replaces the actor's own password after checking the
	// current one and the password policy. It ends all of the user's
	// workbench sessions (the caller starts a fresh one for the browser
	// that asked) and clears a forced reset. API tokens are kept: they
	// are separate credentials with their own lifetimes, and a routine
	// change should not break the user's scripts; revoke them apart.
	ChangePassword(ctx context.Context, current, next string) error
	// ResetPassword is an admin's forced reset: it sets a temporary
	// password, makes the user change it at the next sign-in, ends every
	// session of the user and revokes every API token, since a reset is
	// what one does when an account may be in other hands.
	ResetPassword(ctx context.Context, userID int64, temporary string) error

	// CreateScopedAPIToken makes a token for the user with a scope ("" is
	// the broadest the actor may give: ScopeAdmin from the workbench or
	// the command line, never broader than the scope of the token the
	// actor uses) and a lifetime (0 means DefaultTokenTTL; more than
	// MaxTokenTTL is refused), and returns its secret, the only time the
	// secret is seen.
	CreateScopedAPIToken(ctx context.Context, userID int64, name, scope string, ttl time.Duration) (*APIToken, string, error)
	// FindAPITokens lists a user's tokens that are not revoked, expired
	// ones included (marked by ExpiresAt), newest first.
	FindAPITokens(ctx context.Context, userID int64) ([]*APIToken, error)
	// RevokeAPIToken ends a token of the user at once.
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) error

	// FindSessions lists a user's live workbench sessions, newest first.
	FindSessions(ctx context.Context, userID int64) ([]*Session, error)
	// EndSession ends one of the user's sessions.
	EndSession(ctx context.Context, userID int64, sessionID string) error
}
