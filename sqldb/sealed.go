package sqldb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
)

// The most sensitive fields are stored sealed (package seal): a coverage's
// member ID and subscriber (the subscriber's name, date of birth and
// address, kept apart from the patient), the encounter's clinical note, and
// the stored files that repeat them: each 837P batch sent (member IDs, dates
// of birth, diagnoses) and each 271 answer kept (the member ID as the payer
// returned it).
// Each sealed value is bound to its table, column, organization and row, so
// one copied elsewhere does not open. A row's sealed_key names the key its
// values are under; '' marks a row an earlier release wrote in plaintext,
// which Open seals.

// sealedTable is a table with sealed columns.
type sealedTable struct {
	name string
	// id is the row's key column, bound into each value; "" means id.
	id      string
	columns []string
	// indexed is the column whose blind index is kept in member_index.
	indexed string
	// batch caps the rows of a rekeying transaction, for tables of whole
	// files; 0 means no cap.
	batch int
}

var (
	coverageSealed    = sealedTable{name: "coverage", columns: []string{"member_id", "subscriber"}, indexed: "member_id"}
	encounterSealed   = sealedTable{name: "encounter", columns: []string{"note"}}
	submissionSealed  = sealedTable{name: "submission", columns: []string{"content"}, batch: 10}
	eligibilitySealed = sealedTable{name: "eligibility_result", columns: []string{"detail"}}
	// The TOTP secret is a credential that opens an account with the
	// password: a copy of the database must not hand it over.
	totpSealed   = sealedTable{name: "user_totp", id: "user_id", columns: []string{"secret"}}
	sealedTables = []sealedTable{coverageSealed, encounterSealed, submissionSealed, eligibilitySealed, totpSealed}
)

// Option configures Open.
type Option func(*DB)

// WithKeyring makes the database seal and open its sensitive fields with
// k. Without it, a SQLite file uses the key file beside it (KeyFileFor),
// created on first open; PostgreSQL refuses to open.
func WithKeyring(k *seal.Keyring) Option { return func(db *DB) { db.keys = k } }

// WithSealLater opens without sealing the plaintext rows an earlier
// release (or a bulk load, cmd/rcmgen) wrote: Open returns at once and the
// next ordinary Open, or SealPlaintext, seals them. Reads work on both
// kinds of row. For tools that measure a freshly loaded database.
func WithSealLater() Option { return func(db *DB) { db.sealLater = true } }

// Keyring returns the keyring the database seals with.
func (db *DB) Keyring() *seal.Keyring { return db.keys }

// KeyFileFor returns the key file a SQLite database uses when no key is
// given: its path with ".key" appended. It returns "" for PostgreSQL and
// for an in-memory database.
func KeyFileFor(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return ""
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" || path == ":memory:" {
		return ""
	}
	return path + ".key"
}

// defaultKeyring is the keyring of a database opened without one. A SQLite
// file gets a key file of its own beside it, made on first open, so the
// demo, the tests and an upgraded database work with no setup and the
// fields are sealed all the same; an operator who wants the key away from
// the data moves that file and points RCM_KEY_FILE at it. An in-memory
// database, gone when the process ends, gets a key that goes with it.
// PostgreSQL has no file to put a key beside, and a key kept in the same
// database would protect nothing, so it needs one given.
func (db *DB) defaultKeyring(dsn string) (*seal.Keyring, error) {
	if db.dialect == Postgres {
		return nil, rcm.Errorf(rcm.EINVALID, "PostgreSQL stores member IDs and clinical notes encrypted and needs a key: set RCM_KEY_FILE to a key file (make one with `rcm keys new --out FILE`) or RCM_KEY.")
	}
	path := KeyFileFor(dsn)
	if path == "" {
		k, err := seal.GenerateKey(nil)
		if err != nil {
			return nil, err
		}
		return seal.NewKeyring(k)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, err := seal.AppendNewKey(path, nil); err != nil {
			return nil, err
		}
	}
	return seal.LoadFile(path)
}

// aad binds a sealed value to where it lives.
func aad(table, column string, org, id int64) string {
	return table + "\x00" + column + "\x00" + strconv.FormatInt(org, 10) + "\x00" + strconv.FormatInt(id, 10)
}

// normalizeMemberID is the form of a member ID the blind index hashes:
// payers print them with spaces and dashes and in either case.
func normalizeMemberID(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(s))
}

// indexScope keeps one member ID in two organizations from sharing an index.
func indexScope(org int64) string { return "org " + strconv.FormatInt(org, 10) }

// sealed is a row's values as stored: sealed under key, with the blind
// index of the indexed column.
type sealed struct {
	values []string
	key    string
	index  string
}

// sealRow seals plaintext values of a row under the newest key.
func (db *DB) sealRow(t sealedTable, org, id int64, plain []string) (sealed, error) {
	s := sealed{values: make([]string, len(plain)), key: db.keys.Current()}
	for i, col := range t.columns {
		v, err := db.keys.Seal([]byte(plain[i]), aad(t.name, col, org, id))
		if err != nil {
			return s, err
		}
		s.values[i] = v
		if col == t.indexed {
			if s.index, err = db.keys.Index(s.key, indexScope(org), normalizeMemberID(plain[i])); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}

// openValue returns the plaintext of a stored value: the value itself when
// the row is not sealed yet (an empty key), else the opened value.
func (db *DB) openValue(table, column string, org, id int64, key, stored string) (string, error) {
	if key == "" {
		return stored, nil
	}
	b, err := db.keys.Open(stored, aad(table, column, org, id))
	if errors.Is(err, seal.ErrUnknownKey) {
		return "", fmt.Errorf("%s %d %s: %w; restore that key to the key file (RCM_KEY_FILE) or RCM_KEY", table, id, column, err)
	} else if err != nil {
		return "", fmt.Errorf("%s %d %s: %w", table, id, column, err)
	}
	return string(b), nil
}

// idColumn is the table's row key column.
func (t sealedTable) idColumn() string {
	if t.id == "" {
		return "id"
	}
	return t.id
}

// writeSealed stores a row's sealed values.
func (tx *Tx) writeSealed(ctx context.Context, t sealedTable, org, id int64, s sealed) error {
	q, args := sealedUpdate(t, s)
	_, err := tx.ExecContext(ctx, q+` WHERE org_id = ? AND `+t.idColumn()+` = ?`, append(args, org, id)...)
	return err
}

// sealedUpdate is the UPDATE ... SET of a row's sealed values, without
// its WHERE.
func sealedUpdate(t sealedTable, s sealed) (string, []any) {
	var b strings.Builder
	b.WriteString("UPDATE " + t.name + " SET sealed_key = ?")
	args := []any{s.key}
	for i, col := range t.columns {
		b.WriteString(", " + col + " = ?")
		args = append(args, s.values[i])
	}
	if t.indexed != "" {
		b.WriteString(", member_index = ?")
		args = append(args, s.index)
	}
	return b.String(), args
}

// memberIndexes are the blind indexes a member ID may be stored under in
// the organization: one per key, since rows keep the index of the key they
// are sealed under until rotation moves them.
func (db *DB) memberIndexes(org int64, memberID string) []any {
	idx := db.keys.Indexes(indexScope(org), normalizeMemberID(memberID))
	out := make([]any, len(idx))
	for i, s := range idx {
		out[i] = s
	}
	return out
}

// memberIDMatch is the SQL condition (on coverage columns) that finds a
// member ID through its blind index, or in a row not sealed yet, through
// the plaintext normalized the same way.
func (db *DB) memberIDMatch(org int64, memberID string) (string, []any) {
	args := db.memberIndexes(org, memberID)
	cond := `(member_index IN (` + inList(len(args)) + `) OR (sealed_key = '' AND upper(replace(replace(member_id, ' ', ''), '-', '')) = ?))`
	return cond, append(args, normalizeMemberID(memberID))
}
