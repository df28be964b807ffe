package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
)

// BackupInfo describes a verified SQLite backup.
type BackupInfo struct {
	// Migrations is how many schema migrations the copy has applied;
	// Missing lists those this program has and the copy lacks (an older
	// copy: opening it applies them).
	Migrations int
	Missing    []int64
	// SealedKeys are the ids of the keys the copy's sealed fields are
	// under: without them its member IDs, notes and stored files cannot be
	// read, so they must be kept (apart from the backup) as long as it is.
	SealedKeys []string
}

// Backup writes a consistent copy of the SQLite database to path with
// VACUUM INTO, which reads one snapshot while other connections go on
// writing, and then verifies the copy. The file is created empty with mode
// 0600 first (VACUUM INTO accepts an empty file): an existing file is
// never overwritten, and the copy, which holds patient data, is never
// readable by others, not even for a moment. A failed backup removes what
// it wrote. PostgreSQL is backed up with pg_dump (see docs/backup.md).
func (db *DB) Backup(ctx context.Context, path string) (*BackupInfo, error) {
	if db.dialect != SQLite {
		return nil, rcm.Errorf(rcm.EINVALID, "Backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/backup.md).")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, rcm.Errorf(rcm.ECONFLICT, "%s already exists: a backup never overwrites a file.", path)
		}
		return nil, fmt.Errorf("backup: %w", err)
	}
	f.Close()
	info, err := db.backupInto(ctx, path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return info, nil
}

func (db *DB) backupInto(ctx context.Context, path string) (*BackupInfo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		return nil, fmt.Errorf("backup into %s: %w", path, err)
	}
	return VerifySQLiteFile(ctx, path)
}

// VerifySQLiteFile checks that the file at path is a sound OpenRCM SQLite
// database: PRAGMA integrity_check passes, and its schema migrations are
// ones this program knows (a copy made by a newer version is refused). It
// opens the file read-only and changes nothing.
func VerifySQLiteFile(ctx context.Context, path string) (*BackupInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "%s is not a database file.", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != "SQLite format 3\x00" {
		return nil, rcm.Errorf(rcm.EINVALID, "%s is not a SQLite database.", path)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "%s cannot be read as a database: %v", path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "%s failed its integrity check: %v", path, err)
	}
	if len(problems) > 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "%s failed its integrity check: %s", path, strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	applied, err := queryAll(ctx, conn, func(s scanner) (int64, error) {
		var v int64
		return v, s.Scan(&v)
	}, `SELECT DISTINCT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY version_id`)
	if err != nil || len(applied) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "%s is not an OpenRCM database: it has no schema migrations.", path)
	}
	known, err := knownMigrations(SQLite)
	if err != nil {
		return nil, err
	}
	info := &BackupInfo{Migrations: len(applied)}
	for _, v := range applied {
		if !slices.Contains(known, v) {
			return nil, rcm.Errorf(rcm.EINVALID, "%s was made by a newer OpenRCM: it has migration %d, which this program does not know.", path, v)
		}
	}
	for _, v := range known {
		if !slices.Contains(applied, v) {
			info.Missing = append(info.Missing, v)
		}
	}
	if info.SealedKeys, err = sealedKeyIDs(ctx, conn); err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "%s cannot be read as a database: %v", path, err)
	}
	return info, nil
}

// sealedKeyIDs lists the keys the sealed fields of a database are under. A
// copy made before fields were sealed has no sealed_key columns, and none.
func sealedKeyIDs(ctx context.Context, q *sql.DB) ([]string, error) {
	var ids []string
	for _, t := range sealedTables {
		var has int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'sealed_key'`, t.name).Scan(&has); err != nil {
			return nil, err
		}
		if has == 0 {
			continue
		}
		got, err := queryAll(ctx, q, func(s scanner) (string, error) {
			var id string
			return id, s.Scan(&id)
		}, `SELECT DISTINCT sealed_key FROM `+t.name+` WHERE sealed_key <> ''`)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// checkKeys refuses a restore whose sealed fields are under a key the
// restored database will not have: it would open, pass its ledger and
// audit checks, and fail on the first member ID or note it read.
func checkKeys(info *BackupInfo, ring *seal.Keyring, to string) error {
	var missing []string
	for _, id := range info.SealedKeys {
		if ring == nil || !ring.Has(id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	where := "the key file beside it (" + KeyFileFor(to) + ") does not exist"
	if ring != nil {
		where = "the keyring given holds " + strings.Join(ring.IDs(), ", ")
	}
	return rcm.Errorf(rcm.EINVALID, "The backup's member IDs, notes and stored files are sealed under key %s, and %s. "+
		"Give the key file of the database the backup came from (RCM_KEY_FILE; for SQLite it is the .key file beside that database) and restore again. Nothing was restored.",
		strings.Join(missing, ", "), where)
}

// knownMigrations lists the embedded migration versions of a dialect.
func knownMigrations(dialect string) ([]int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+dialect)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(num, 10, 64); ok && err == nil {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out, nil
}

// RestoreSQLite puts the verified backup at from in place as the database
// file to. It refuses a target that exists and is not empty unless force
// is set (the database must then not be in use: stop rcm serve first). The
// copy is written to a temporary file beside the target, synced, and
// renamed over it, so the target is at every moment either the old file or
// the whole new one; the old database's WAL and shared-memory files are
// removed so they cannot be replayed onto the restored copy. The keyring
// the restored database will open with (given in opts, else the key file
// beside to) must hold every key the backup's sealed fields are under, or
// nothing is restored.
func RestoreSQLite(ctx context.Context, from, to string, force bool, opts ...Option) (*BackupInfo, error) {
	info, err := VerifySQLiteFile(ctx, from)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(to); err == nil {
		if !st.Mode().IsRegular() {
			return nil, rcm.Errorf(rcm.EINVALID, "%s is not a regular file.", to)
		}
		if st.Size() > 0 && !force {
			return nil, rcm.Errorf(rcm.ECONFLICT, "%s already holds a database: restore over it only with --force, with rcm stopped.", to)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var keys DB
	for _, o := range opts {
		o(&keys)
	}
	ring := keys.keys
	if path := KeyFileFor(to); ring == nil && path != "" {
		if _, err := os.Stat(path); err == nil {
			if ring, err = seal.LoadFile(path); err != nil {
				return nil, err
			}
		}
	}
	if err := checkKeys(info, ring, to); err != nil {
		return nil, err
	}
	src, err := os.Open(from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(to), "."+filepath.Base(to)+".restore-*")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return nil, err
	}
	if _, err := io.Copy(tmp, src); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), to); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	done = true
	if d, err := os.Open(filepath.Dir(to)); err == nil {
		d.Sync()
		d.Close()
	}
	return info, nil
}
