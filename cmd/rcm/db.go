package main

import (
	"context"
	"flag"

	"github.com/openrcm/openrcm/sqldb"
)

// dbFlag adds the --db flag every storage command shares: a SQLite file
// path or a postgres:// URL, defaulting to $RCM_DB, else rcm.db.
func dbFlag(fs *flag.FlagSet, env *Env) *string {
	def := env.Getenv("RCM_DB")
	if def == "" {
		def = "rcm.db"
	}
	return fs.String("db", def, "database: a SQLite file path or a postgres:// URL (env RCM_DB)")
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	return sqldb.Open(ctx, dsn)
}
