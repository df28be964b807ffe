package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/openrcm/openrcm"
	"golang.org/x/crypto/argon2"
)

var _ rcm.UserService = (*DB)(nil)

// argon2id parameters: OWASP's first recommended option (46 MiB, one
// pass, one lane), which it rates as strong as its other options and as
// RFC 9106's 64 MiB, 3 passes, at a third of the time: a sign-in took 1.3
// to 2 s on the project's two shared cores with 64 MiB and 3 passes, and
// takes about 0.2 s now (BENCHMARKS.md). Hashes made with the old
// parameters still verify: CheckPassword reads them from the hash.
const (
	argonTime    = 1
	argonMemory  = 46 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns the argon2id hash of password in the PHC string
// format, with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a PHC argon2id hash, using
// the parameters stored in the hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// MinPasswordLength follows NIST SP 800-63B for memorized secrets.
const MinPasswordLength = 12

// dummyHash is checked when a username is unknown, so that an unknown user
// costs the same time as a wrong password.
// It is made on first use, not at start-up: argon2id is deliberately slow.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a password of anyone")
	return h
})

// CreateUser stores a user with the argon2id hash of password. Creating the
// first user of an organization needs no actor (that is how an
// organization gets its admin); every later one needs PermManageUsers.
func (db *DB) CreateUser(ctx context.Context, u *rcm.User, password string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if err := checkPassword(password, u); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.createUser(ctx, u, hash)
}

// CreateUserWithHash stores a user whose argon2id hash was made elsewhere:
// users moved from another OpenRCM database, or many seeded at once.
func (db *DB) CreateUserWithHash(ctx context.Context, u *rcm.User, hash string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Count(hash, "$") != 5 {
		return rcm.FieldErrorf(rcm.EINVALID, "password_hash", "password hash must be an argon2id PHC string.")
	}
	return db.createUser(ctx, u, hash)
}

func (db *DB) createUser(ctx context.Context, u *rcm.User, hash string) error {
	return db.Transact(ctx, func(tx *Tx) error { return tx.createUser(ctx, u, hash) })
}

// CreateOrganizationWithAdmin makes a tenant and its first user, an admin,
// in one transaction: a failure leaves neither behind.
func (db *DB) CreateOrganizationWithAdmin(ctx context.Context, o *rcm.Organization, u *rcm.User, password string) error {
	if o.Name == "" || len(o.Name) > 100 {
		return rcm.FieldErrorf(rcm.EINVALID, "name", "name is required (at most 100 characters).")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := checkPassword(password, u); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.Transact(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO organization (name, created_at) VALUES (?, ?)`, o.Name, formatTime(tx.Now()))
		if err != nil {
			return err
		}
		o.ID, u.OrgID = id, id
		return tx.createUser(ctx, u, hash)
	})
}

func (tx *Tx) createUser(ctx context.Context, u *rcm.User, hash string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM app_user WHERE org_id = ?`, u.OrgID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		a, err := rcm.RequireActor(ctx, rcm.PermManageUsers)
		if err != nil {
			return err
		}
		if a.OrgID != u.OrgID {
			return rcm.Errorf(rcm.EFORBIDDEN, "You may add users only to your own organization.")
		}
	} else if u.Role != rcm.RoleAdmin {
		return rcm.FieldErrorf(rcm.EINVALID, "role", "The first user of an organization must be an admin.")
	}
	u.PasswordHash = hash
	u.CreatedAt = tx.Now()
	id, err := tx.insert(ctx, `INSERT INTO app_user (org_id, username, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.OrgID, u.Username, u.Name, u.Role, u.PasswordHash, formatTime(u.CreatedAt))
	u.ID = id
	return err
}

const userCols = `id, org_id, username, name, role, password_hash, created_at`

func scanUser(s scanner) (*rcm.User, error) {
	u := &rcm.User{}
	var created string
	if err := s.Scan(&u.ID, &u.OrgID, &u.Username, &u.Name, &u.Role, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	var err error
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// FindUserByID returns a user of the actor's organization.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*rcm.User, error) {
	a, err := rcm.RequireActor(ctx, "")
	if err != nil {
		return nil, err
	}
	if id != a.UserID && !a.Can(rcm.PermManageUsers) {
		return nil, rcm.Errorf(rcm.EFORBIDDEN, "You may see only your own user.")
	}
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userCols+` FROM app_user WHERE org_id = ? AND id = ?`, a.OrgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User", id)
	}
	return u, err
}

// FindUsers returns the users of the actor's organization.
func (db *DB) FindUsers(ctx context.Context) ([]*rcm.User, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermManageUsers)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, db, scanUser, `SELECT `+userCols+` FROM app_user WHERE org_id = ? ORDER BY username`, a.OrgID)
}

var errBadLogin = rcm.Errorf(rcm.EUNAUTHORIZED, "Wrong username or password.")

// Authenticate checks a username and password, unthrottled: sign-in
// paths use SignIn, which throttles and audits.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*rcm.User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userCols+` FROM app_user WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash(), password)
		return nil, errBadLogin
	} else if err != nil {
		return nil, err
	}
	if !CheckPassword(u.PasswordHash, password) {
		return nil, errBadLogin
	}
	return u, nil
}

// tokenPrefix marks OpenRCM API tokens, so secret scanners can spot a leaked one.
const tokenPrefix = "rcm_"

// CreateAPIToken makes a bearer token for a user of the actor's
// organization with the broadest scope the actor may give.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (*rcm.APIToken, string, error) {
	return db.CreateScopedAPIToken(ctx, userID, name, "", ttl)
}

// tokenHash is what is stored of a token: its SHA-256. The secret has 256
// random bits, so a fast hash is enough and lookups stay cheap.
func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// FindUserByToken returns the user a live token belongs to, with the
// token's scope in TokenScope; a revoked or expired token is EUNAUTHORIZED.
func (db *DB) FindUserByToken(ctx context.Context, secret string) (*rcm.User, error) {
	return db.findUserByToken(ctx, secret)
}
