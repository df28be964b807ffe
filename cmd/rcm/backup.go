package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("backup", "write a consistent, verified copy of the database", runBackup)
	register("restore", "put a backup in place and verify its ledger and audit chain", runRestore)
}

const backupUsage = `[--db DB] --out FILE

SQLite: copies the database with VACUUM INTO while others go on writing
(one consistent moment), then checks the copy (integrity check, schema
version). PostgreSQL: runs pg_dump --format=custom (pg_dump must be on the
PATH; without it the command to run is printed and the exit status is 2).
FILE must not exist; it is created with mode 0600. The copy holds patient
data: encrypt it and keep a copy off the machine (docs/backup.md).`

const restoreUsage = `--from FILE [--db DB] [--force]

SQLite: verifies FILE and puts it in place as DB through a temporary file
and a rename. PostgreSQL: pg_restore into the database (and schema) of the
URL. A database that already holds OpenRCM tables is replaced only with
--force, and only with rcm stopped. Afterwards the ledger and every audit
chain are checked; a failing check exits 1.`

// pgDumpHelp is the documented PostgreSQL backup, printed when pg_dump is
// not at hand.
const pgDumpHelp = `pg_dump is not on the PATH. Back up PostgreSQL with the client tools of the
server's major version (docs/backup.md):

    umask 077; pg_dump --format=custom --no-owner --file=FILE 'postgres://user@host:5432/db'

and restore with:

    pg_restore --no-owner --exit-on-error --single-transaction --dbname='postgres://user@host:5432/newdb' FILE

For point-in-time recovery use pg_basebackup with WAL archiving instead.`

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "backup", backupUsage)
	dsn := dbFlag(fs, env)
	out := fs.String("out", "", "the backup file to create")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return usagef("--out FILE is required")
	}
	if isPostgres(*dsn) {
		return backupPostgres(ctx, env, *dsn, *out)
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.Backup(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Backed up %s to %s (mode 0600): integrity check ok, %d schema migrations.\n", *dsn, *out, info.Migrations)
	if len(info.SealedKeys) > 0 {
		keyFile := env.Getenv("RCM_KEY_FILE")
		if keyFile == "" && env.Getenv("RCM_KEY") == "" {
			keyFile = sqldb.KeyFileFor(*dsn)
		}
		if keyFile != "" {
			keyFile = " (" + keyFile + ")"
		}
		fmt.Fprintf(env.Stdout, "Its member IDs, notes and stored files are sealed under key %s: keep the key file%s with your keys, apart from the backup; the backup cannot be read without it.\n",
			strings.Join(info.SealedKeys, ", "), keyFile)
	}
	return nil
}

func runRestore(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "restore", restoreUsage)
	dsn := dbFlag(fs, env)
	from := fs.String("from", "", "the backup file")
	force := fs.Bool("force", false, "replace a database that holds data (stop rcm first)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" {
		return usagef("--from FILE is required")
	}
	if isPostgres(*dsn) {
		if err := restorePostgres(ctx, env, *from, *dsn, *force); err != nil {
			return err
		}
	} else {
		keys, err := keyOptions(env)
		if err != nil {
			return err
		}
		info, err := sqldb.RestoreSQLite(ctx, *from, *dsn, *force, keys...)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Restored %s from %s (%d schema migrations", *dsn, *from, info.Migrations)
		if len(info.Missing) > 0 {
			fmt.Fprintf(env.Stdout, "; %d newer ones are applied now", len(info.Missing))
		}
		fmt.Fprintln(env.Stdout, ").")
	}
	return checkRestored(ctx, env, *dsn)
}

// checkRestored opens the restored database (which applies any newer
// migrations) and checks its ledger and every organization's audit chain.
func checkRestored(ctx context.Context, env *Env, dsn string) error {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ledgers, err := db.CheckLedger(ctx)
	if err != nil {
		return err
	}
	chains, err := db.CheckAuditChains(ctx, 0)
	if err != nil {
		return err
	}
	bad, lines, events := 0, 0, 0
	// A PostgreSQL dump carries no list of its keys to check beforehand:
	// the restored rows are checked against the keyring instead.
	counts, err := db.KeyStatus(ctx)
	if err != nil {
		return err
	}
	for _, c := range counts {
		if c.KeyID != "" && !db.Keyring().Has(c.KeyID) {
			fmt.Fprintf(env.Stderr, "KEY MISSING: %d rows of %s are sealed under key %s, which the keyring does not hold; give its key file with RCM_KEY_FILE.\n", c.Rows, c.Table, c.KeyID)
			bad++
		}
	}
	for _, r := range ledgers {
		lines += r.Totals.Lines
		for _, v := range r.Violations {
			fmt.Fprintf(env.Stderr, "LEDGER VIOLATION in organization %d: %s\n", r.OrgID, v)
			bad++
		}
	}
	for _, r := range chains {
		events += r.Events
		if b := r.Break; b != nil {
			fmt.Fprintf(env.Stderr, "AUDIT CHAIN BROKEN in organization %d at chain %d, event %d (id %d): %s\n", r.OrgID, b.Shard, b.Seq, b.EventID, b.Problem)
			bad++
		}
	}
	if bad > 0 {
		fmt.Fprintf(env.Stderr, "The restored database FAILED its checks (%d problem(s)).\n", bad)
		return exitCode(1)
	}
	fmt.Fprintf(env.Stdout, "Ledger OK (%d lines) and audit chains OK (%d events) in %d organization(s).\n", lines, events, len(chains))
	return nil
}

// openExistingDB opens a database that must already exist: opening a
// missing SQLite file would create an empty one, and a backup or an audit
// check of nothing would look like success.
func openExistingDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	if !isPostgres(dsn) {
		if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	return openDB(ctx, dsn)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// pgTarget splits an rcm PostgreSQL URL into what the client tools take:
// the URL without the password (which goes in PGPASSWORD, out of the
// process list) and without search_path (which libpq does not know; it
// becomes --schema), the schema, and the environment.
func pgTarget(dsn string) (conn, schema string, env []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", nil, rcm.Errorf(rcm.EINVALID, "The database URL cannot be read: %v", err)
	}
	env = os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema, env, nil
}

func backupPostgres(ctx context.Context, env *Env, dsn, out string) error {
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		fmt.Fprintln(env.Stderr, pgDumpHelp)
		return exitCode(exitUsage)
	}
	conn, schema, cmdEnv, err := pgTarget(dsn)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return rcm.Errorf(rcm.ECONFLICT, "%s already exists: a backup never overwrites a file.", out)
		}
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	args := []string{"--format=custom", "--no-owner", "--file=" + out}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	if err := runTool(ctx, env, cmdEnv, pgDump, append(args, conn)...); err != nil {
		os.Remove(out)
		return fmt.Errorf("pg_dump: %w", err)
	}
	// A dump pg_restore can list is a whole archive.
	if pgRestore, err := exec.LookPath("pg_restore"); err == nil {
		if err := runTool(ctx, env, cmdEnv, pgRestore, "--list", out); err != nil {
			os.Remove(out)
			return fmt.Errorf("the dump does not read back: %w", err)
		}
	}
	fmt.Fprintf(env.Stdout, "Backed up the PostgreSQL database to %s (pg_dump custom format, mode 0600).\n", out)
	return nil
}

func restorePostgres(ctx context.Context, env *Env, from, dsn string, force bool) error {
	pgRestore, err := exec.LookPath("pg_restore")
	if err != nil {
		fmt.Fprintln(env.Stderr, pgDumpHelp)
		return exitCode(exitUsage)
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	conn, _, cmdEnv, err := pgTarget(dsn)
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	var has sql.NullString
	err = db.QueryRowContext(ctx, `SELECT to_regclass('goose_db_version')::text`).Scan(&has)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	args := []string{"--no-owner", "--exit-on-error", "--single-transaction", "--dbname=" + conn}
	if has.Valid {
		if !force {
			return rcm.Errorf(rcm.ECONFLICT, "The target database already holds OpenRCM tables: restore over it only with --force, with rcm stopped.")
		}
		args = append(args, "--clean", "--if-exists")
	}
	if err := runTool(ctx, env, cmdEnv, pgRestore, append(args, from)...); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Restored the PostgreSQL database from %s.\n", from)
	return nil
}

// runTool runs a PostgreSQL client tool; its messages go to standard
// error (they name tables, never rows).
func runTool(ctx context.Context, env *Env, cmdEnv []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = cmdEnv
	cmd.Stderr = env.Stderr
	return cmd.Run()
}
