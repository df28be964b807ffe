// Package sqldb implements OpenRCM's storage services over database/sql,
// for both the embedded SQLite file (modernc.org/sqlite, no cgo) and
// PostgreSQL (pgx v5). Queries are written once with ? placeholders; the few
// differences between the two live in the migrations and in this file.
//
// Every table carries org_id and every query is scoped by the organization
// of the actor in the context; every read or change of patient data writes
// an audit event in the same transaction.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open OpenRCM database.
type DB struct {
	db      *sql.DB
	dialect string
	// Clock stamps audit events and creation times; tests and the demo set
	// a fixed one.
	Clock rcm.Clock

	rebound sync.Map  // query text -> PostgreSQL text
	stmts   stmtCache // SQLite statements kept prepared (stmtcache.go)

	keys *seal.Keyring // seals and opens the sensitive fields (sealed.go)
	// sealLater skips sealing plaintext rows at Open (WithSealLater).
	sealLater bool
}

// Open opens the database named by dsn, a SQLite file path (or ":memory:")
// or a postgres:// URL, and brings its schema up to date: it migrates, then
// seals the sensitive fields of rows an earlier release wrote in plaintext.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db, err := open(dsn)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(db)
	}
	if db.keys == nil {
		if db.keys, err = db.defaultKeyring(dsn); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.sealLater {
		return db, nil
	}
	if _, err := db.SealPlaintext(ctx, 0); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func open(dsn string) (*DB, error) {
	d := &DB{Clock: rcm.SystemClock{}}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		d.dialect = Postgres
		d.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		d.db.SetMaxOpenConns(16)
		d.db.SetMaxIdleConns(16)
		return d, nil
	}
	if dsn == "" {
		return nil, rcm.Errorf(rcm.EINVALID, "No database given: pass --db or set RCM_DB.")
	}
	d.dialect = SQLite
	path := strings.TrimPrefix(dsn, "sqlite:")
	memory := path == ":memory:"
	// WAL lets readers run beside the one writer; immediate transactions
	// take the write lock at BEGIN, so two writers queue on busy_timeout
	// instead of failing on a lock upgrade. A page cache of up to 32 MiB per
	// connection (SQLite's default is 2 MiB) keeps the indexes a set-based
	// claim run walks in memory: 28% less CPU per claim at 30,000 claims.
	// temp_store(MEMORY) keeps statement journals (a multi-row INSERT in a
	// transaction writes one) in memory instead of spilling them to a file.
	q := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
	if !memory {
		q += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_pragma=temp_store(MEMORY)"
	}
	d.db, err = sql.Open("sqlite", "file:"+path+"?"+q)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if memory {
		// Each connection to :memory: is its own database.
		d.db.SetMaxOpenConns(1)
		d.stmts.off = true
	}
	return d, nil
}

// Dialect returns SQLite or Postgres.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers, for health checks.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.close()
	return db.db.Close()
}

// migrate applies the embedded migrations of the dialect. On PostgreSQL a
// session lock keeps two starting processes from migrating at once.
func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return err
	}
	return db.migrateFS(ctx, sub)
}

func (db *DB) migrateFS(ctx context.Context, sub fs.FS) error {
	dialect := database.DialectSQLite3
	// Migration numbers are ranges per area (00001 foundation, 00100 code
	// sets, 00200 claims, ...), so a database made before one area landed may
	// lack a lower number than its highest: apply it anyway.
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	if db.dialect == Postgres {
		dialect = database.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", db.dialect, err)
	}
	return nil
}

// Tx is a transaction. Its query methods take ? placeholders.
type Tx struct {
	tx *sql.Tx
	db *DB
	// audits are the audit events of the transaction, linked into their
	// chains and written just before it commits (audit_chain.go).
	audits []pendingAudit
	// prepared are the transaction's copies of cached statements.
	prepared map[*sql.Stmt]*sql.Stmt
	// depth counts the open savepoints (atomic.go).
	depth int
}

// Transact runs fn in a transaction, committing when it returns nil and
// rolling back otherwise. On PostgreSQL a serialization failure or deadlock
// is retried a few times, since fn has then changed nothing.
func (db *DB) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	if tx := db.ambient(ctx); tx != nil {
		return fn(tx)
	}
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		err = db.transactOnce(ctx, fn)
		if !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 10 * time.Millisecond)
	}
	return err
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	tx := &Tx{tx: stx, db: db}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := tx.flushAudit(ctx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}

// rebind rewrites ? placeholders as $1, $2 ... for PostgreSQL. Queries are
// constants, so each is rewritten once and cached.
func (db *DB) rebind(query string) string {
	if db.dialect != Postgres {
		return query
	}
	if q, ok := db.rebound.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	q := b.String()
	db.rebound.Store(query, q)
	return q
}

// ExecContext runs a statement outside a transaction.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx := db.ambient(ctx); tx != nil {
		return tx.ExecContext(ctx, query, args...)
	}
	return db.db.ExecContext(ctx, db.rebind(query), args...)
}

// QueryContext runs a query outside a transaction.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx := db.ambient(ctx); tx != nil {
		return tx.QueryContext(ctx, query, args...)
	}
	return db.db.QueryContext(ctx, db.rebind(query), args...)
}

// QueryRowContext runs a single-row query outside a transaction.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if tx := db.ambient(ctx); tx != nil {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return db.db.QueryRowContext(ctx, db.rebind(query), args...)
}

// PrepareContext prepares a statement outside a transaction.
func (db *DB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return db.db.PrepareContext(ctx, db.rebind(query))
}

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.db.rebind(query), args...)
}

// QueryContext runs a query in the transaction.
//
// It never uses a cached statement: modernc.org/sqlite runs a prepared
// statement on one statement handle, so the same query run again while
// rows of an earlier run are still being read would reset them. ExecContext
// and QueryRowContext are done with their statement when they return
// (QueryRow's at Scan).
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.rebind(query), args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(query), args...)
}

// PrepareContext prepares a statement in the transaction, for bulk inserts.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.rebind(query))
}

// Dialect returns the dialect of the transaction's database.
func (tx *Tx) Dialect() string { return tx.db.dialect }

// Now returns the database clock's time in UTC.
func (tx *Tx) Now() time.Time { return tx.db.Clock.Now().UTC() }

// insert runs an INSERT ... RETURNING id and returns the id.
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, mapError(err)
	}
	return id, nil
}

// mapError turns constraint violations into domain errors a user can act
// on; other errors pass through.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return rcm.Errorf(rcm.ECONFLICT, "A record with the same %s already exists.", uniqueWhat(pgErr.ConstraintName))
		case "23503":
			return rcm.Errorf(rcm.EINVALID, "A referenced record does not exist in this organization.")
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return rcm.Errorf(rcm.ECONFLICT, "A record with the same %s already exists.", uniqueWhat(msg))
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return rcm.Errorf(rcm.EINVALID, "A referenced record does not exist in this organization.")
	}
	return err
}

// uniqueWhat names the columns of a unique constraint from its name or the
// SQLite message, for a conflict message.
func uniqueWhat(s string) string {
	for _, k := range []struct{ key, what string }{
		{"account_number", "account number"}, {"username", "username"}, {"payer_id", "payer ID"},
		{"npi", "NPI"}, {"member", "coverage order"}, {"ord", "coverage order"}, {"name", "name"},
	} {
		if strings.Contains(s, k.key) {
			return k.what
		}
	}
	return "key"
}

// notFound returns the ENOTFOUND error for a kind of record.
func notFound(what string, id int64) error {
	return rcm.Errorf(rcm.ENOTFOUND, "%s %d not found.", what, id)
}

// Time and date columns are text in both dialects, in forms that sort as
// they compare: dates as YYYY-MM-DD, instants as fixed-width UTC.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}

func formatDate(d rcm.Date) string { return d.String() }

func parseDate(s string) (rcm.Date, error) {
	if s == "" {
		return rcm.Date{}, nil
	}
	return rcm.ParseDate(s)
}
