// Package sqldbtest opens real databases for tests: a SQLite file in the
// test's temporary directory, and a fresh schema in the PostgreSQL named by
// RCM_TEST_POSTGRES. Without that variable the PostgreSQL cases skip with a
// reason, except in CI (CI=true), where a missing database is a failure.
package sqldbtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
)

// EnvPostgres names the environment variable with the PostgreSQL DSN.
const EnvPostgres = "RCM_TEST_POSTGRES"

// Dialects lists the dialects a conformance test runs on.
func Dialects() []string { return []string{sqldb.SQLite, sqldb.Postgres} }

// Start is the instant the test clock starts at.
var Start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Open returns a migrated, empty database of the dialect, closed (and on
// PostgreSQL dropped) when the test ends. Its clock is a StepClock from
// Start.
func Open(t testing.TB, dialect string) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch dialect {
	case sqldb.SQLite:
		dsn = filepath.Join(t.TempDir(), "rcm.db")
	case sqldb.Postgres:
		dsn = PostgresDSN(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	// SQLite makes the key file beside the database, as a new install
	// does; PostgreSQL needs a key given.
	var opts []sqldb.Option
	if dialect == sqldb.Postgres {
		opts = append(opts, sqldb.WithKeyring(Keyring()))
	}
	db, err := sqldb.Open(ctx, dsn, opts...)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	db.Clock = rcm.NewStepClock(Start)
	t.Cleanup(func() { db.Close() })
	return db
}

// testKey is the key of Keyring, made once per test binary.
var testKey = sync.OnceValue(func() seal.Key {
	key, err := seal.GenerateKey(nil)
	if err != nil {
		panic(err)
	}
	return key
})

// Keyring is a keyring of one key made once per test binary, for databases
// a test opens with sqldb.WithKeyring (PostgreSQL needs one given).
var Keyring = sync.OnceValue(func() *seal.Keyring {
	k, err := seal.NewKeyring(testKey())
	if err != nil {
		panic(err)
	}
	return k
})

// KeyringLine is Keyring's key in the key file format, for RCM_KEY.
func KeyringLine() string { return testKey().Line() }

// PostgresDSN creates a schema of its own for the test in the database
// named by RCM_TEST_POSTGRES and returns a DSN that uses it; the schema is
// dropped when the test ends. It skips (or fails in CI) without a database.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", EnvPostgres)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("rcmtest_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema in %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// Org creates an organization with an admin user and returns a context
// acting as that admin, for tests that need an authorized caller.
func Org(t testing.TB, db *sqldb.DB, name string) (context.Context, *rcm.Organization) {
	t.Helper()
	ctx := context.Background()
	org := &rcm.Organization{Name: name}
	if err := db.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	// The admin is stored directly with a precomputed hash: argon2id at
	// 64 MiB per test would dominate the suite's run time.
	u := &rcm.User{OrgID: org.ID, Username: strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".admin", Name: name + " admin", Role: rcm.RoleAdmin}
	if err := db.CreateUserWithHash(ctx, u, testHash()); err != nil {
		t.Fatal(err)
	}
	return rcm.NewContextWithActor(ctx, rcm.Actor{UserID: u.ID, OrgID: org.ID, Role: rcm.RoleAdmin, Reason: "test"}), org
}

// testHash is an argon2id hash of TestPassword, made once per test binary.
var testHash = sync.OnceValue(func() string {
	h, err := sqldb.HashPassword(TestPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// TestPassword is the password of the admin users Org makes.
const TestPassword = "correct horse battery staple"

// Seeded is a practice, provider, payer and patient made in the actor's
// organization, for tests that are not about creating them.
type Seeded struct {
	Practice *rcm.Practice
	Provider *rcm.Provider
	Payer    *rcm.Payer
	Patient  *rcm.Patient
}

// Address is a valid synthetic address (ZIP+4, as the 837P wants).
func Address() rcm.Address {
	return rcm.Address{Line1: "100 Main St", City: "Springfield", State: "IL", ZIP: "627011234"}
}

// Seed stores a practice, provider, payer and patient with the context's
// actor.
func Seed(t testing.TB, ctx context.Context, db *sqldb.DB) Seeded {
	t.Helper()
	s := Seeded{
		Practice: &rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "12-3456789", Taxonomy: "207Q00000X", Address: Address()},
		Payer:    &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI", TimelyFilingDays: 90},
		Patient: &rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Testpatient", BirthDate: rcm.MustParseDate("1980-02-29"),
			Sex: "F", Address: Address()},
	}
	if err := db.CreatePractice(ctx, s.Practice); err != nil {
		t.Fatal(err)
	}
	s.Provider = &rcm.Provider{PracticeID: s.Practice.ID, FirstName: "Gil", LastName: "Doctor", NPI: "1245319599", Taxonomy: "207Q00000X"}
	if err := db.CreateProvider(ctx, s.Provider); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePayer(ctx, s.Payer); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePatient(ctx, s.Patient); err != nil {
		t.Fatal(err)
	}
	return s
}
