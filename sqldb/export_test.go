package sqldb

import (
	"context"
	"io/fs"
	"testing/fstest"
)

// OpenWithout opens dsn with the dialect's embedded migrations applied
// except the files named in skip, so a test can make a database as an
// earlier release left it and then migrate it with Open. It seals with the
// keyring of opts, or as Open does without one.
func OpenWithout(ctx context.Context, dsn string, opts []Option, skip ...string) (*DB, error) {
	db, err := open(dsn)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(db)
	}
	if db.keys == nil {
		if db.keys, err = db.defaultKeyring(dsn); err != nil {
			return nil, err
		}
	}
	sub, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, err
	}
next:
	for _, e := range entries {
		for _, s := range skip {
			if e.Name() == s {
				continue next
			}
		}
		b, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return nil, err
		}
		files[e.Name()] = &fstest.MapFile{Data: b}
	}
	if err := db.migrateFS(ctx, files); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
