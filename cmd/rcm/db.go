package main

import (
	"context"
	"flag"

	"github.com/openrcm/openrcm/sqldb"
)

// defaultDB is the database a command opens without --db or RCM_DB.
const defaultDB = "rcm.db"

// dbFlag adds the --db flag every storage command shares: a SQLite file
// path or a postgres:// URL, defaulting to $RCM_DB, else rcm.db.
func dbFlag(fs *flag.FlagSet, env *Env) *string {
	def := env.Getenv("RCM_DB")
	if def == "" {
		def = defaultDB
	}
	return fs.String("db", def, "database: a SQLite file path or a postgres:// URL (env RCM_DB)")
}

// openDB opens and migrates the database, sealing its sensitive fields with
// the keys the environment names (keys.go).
func openDB(ctx context.Context, dsn string) (*sqldb.DB, error) {
	opts, err := keyOptionsFor(envFrom(ctx), dsn)
	if err != nil {
		return nil, err
	}
	noticeNewDefaultDB(envFrom(ctx), dsn)
	return sqldb.Open(ctx, dsn, opts...)
}

type envKey struct{}

// withEnv carries the command's Env in its context, so openDB, which every
// command calls with a context and a DSN, reads the key settings from the
// same environment as the command's flags do.
func withEnv(ctx context.Context, env *Env) context.Context {
	return context.WithValue(ctx, envKey{}, env)
}

// envFrom returns the Env withEnv stored, or one with an empty
// environment.
func envFrom(ctx context.Context) *Env {
	if env, ok := ctx.Value(envKey{}).(*Env); ok && env.Getenv != nil {
		return env
	}
	return &Env{Getenv: func(string) string { return "" }}
}
