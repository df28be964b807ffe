package sqldb

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// Ready reports an error unless the database answers and every migration
// of this release has been applied, for /readyz: a server of a newer
// release must not take traffic on a schema it does not know.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	sub, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return err
	}
	dialect := database.DialectSQLite3
	if db.dialect == Postgres {
		dialect = database.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if pending {
		return fmt.Errorf("migrations pending")
	}
	return nil
}
