package rcm

import (
	"context"
	"time"
)

// Roles. Each grants a set of permissions; the server checks them on every
// request, never the client.
const (
	RoleAdmin   = "admin"
	RoleCoder   = "coder"
	RoleBiller  = "biller"
	RoleAuditor = "auditor"
)

// Permissions a role may hold.
const (
	PermReadPatients  = "patients:read"
	PermWritePatients = "patients:write"
	PermWriteSetup    = "setup:write" // practices, providers, payers
	PermCode          = "encounters:code"
	PermBill          = "claims:bill"
	PermReadAudit     = "audit:read"
	PermManageUsers   = "users:manage"
	// PermAuditCoding draws coding-audit samples, re-codes them blind and
	// reads their reports (package codingaudit).
	PermAuditCoding = "coding:audit"
)

var rolePerms = map[string][]string{
	RoleAdmin:   {PermReadPatients, PermWritePatients, PermWriteSetup, PermCode, PermBill, PermReadAudit, PermManageUsers, PermAuditCoding},
	RoleCoder:   {PermReadPatients, PermCode},
	RoleBiller:  {PermReadPatients, PermWritePatients, PermBill},
	RoleAuditor: {PermReadPatients, PermReadAudit, PermAuditCoding},
}

// ValidRole reports whether r is one of the roles.
func ValidRole(r string) bool { _, ok := rolePerms[r]; return ok }

// RoleCan reports whether role r holds permission p.
func RoleCan(r, p string) bool {
	for _, q := range rolePerms[r] {
		if q == p {
			return true
		}
	}
	return false
}

// User is a person who signs in. PasswordHash is an argon2id hash in the
// PHC string format; it never leaves the server.
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Username     string    `json:"username"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// TokenScope is the scope of the API token the user was found by
	// (FindUserByToken), to be carried into the Actor; empty otherwise.
	TokenScope string `json:"-"`
}

// Validate checks a user's fields.
func (u *User) Validate() error {
	v := &validator{}
	v.check(len(u.Username) >= 2 && len(u.Username) <= 64 && usernameChars(u.Username), "username", "username must be 2 to 64 lower-case letters, digits, dots, hyphens or underscores.")
	v.text(u.Name, "name", 100)
	v.check(ValidRole(u.Role), "role", "role must be admin, coder, biller or auditor.")
	return v.result()
}

func usernameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// APIToken is a bearer token for the API. Only its SHA-256 is stored; the
// secret is shown once, when it is made.
type APIToken struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the token stops working; every token has one.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Scope narrows what the token may do: ScopeRead, ScopeBilling or
	// ScopeAdmin (all the user's role allows).
	Scope string `json:"scope"`
	// LastUsedAt is zero for a token never used; it is kept to the
	// minute, not written on every request.
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// UserService manages users, passwords and API tokens.
type UserService interface {
	// CreateUser stores u with the argon2id hash of password.
	CreateUser(ctx context.Context, u *User, password string) error
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)
	// Authenticate returns the user with that username (usernames are
	// unique across organizations) when password matches; any failure is
	// EUNAUTHORIZED with one message, so callers cannot tell which part was
	// wrong.
	Authenticate(ctx context.Context, username, password string) (*User, error)
	// CreateAPIToken makes a token for the user with the broadest scope
	// the actor may give and returns its secret, the only time the secret
	// is seen. A ttl of 0 means DefaultTokenTTL.
	CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (*APIToken, string, error)
	// FindUserByToken returns the user a live token belongs to.
	FindUserByToken(ctx context.Context, secret string) (*User, error)
}

// Actor is who is acting, in which organization, and why: every service
// call runs as one, storage scopes every query by its OrgID and the audit
// log records it.
type Actor struct {
	UserID int64
	OrgID  int64
	Role   string
	// Reason is why patient data is being read or changed, for the audit
	// log ("treatment", "payment", "operations", a ticket number...).
	Reason string
	// Scope is the scope of the API token the actor signed in with; empty
	// for a workbench session or the command line.
	Scope string
}

// Can reports whether the actor's role holds permission p and the
// actor's token scope allows it: the effective permission is the
// intersection of the two.
func (a Actor) Can(p string) bool { return RoleCan(a.Role, p) && ScopeAllows(a.Scope, p) }

type actorKey struct{}

// NewContextWithActor returns ctx carrying a.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor in ctx; ok is false when there is none.
func ActorFromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.OrgID > 0
}

// RequireActor returns the actor in ctx holding permission perm, or an
// EUNAUTHORIZED or EFORBIDDEN error. Services call it first, so no path
// reaches data without an authorized actor.
func RequireActor(ctx context.Context, perm string) (Actor, error) {
	a, ok := ActorFromContext(ctx)
	if !ok {
		return Actor{}, Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	if perm != "" && !a.Can(perm) {
		if RoleCan(a.Role, perm) {
			return Actor{}, Errorf(EFORBIDDEN, "This API token's scope (%s) does not allow this (%s).", a.Scope, perm)
		}
		return Actor{}, Errorf(EFORBIDDEN, "Your role (%s) may not do this (%s).", a.Role, perm)
	}
	return a, nil
}
