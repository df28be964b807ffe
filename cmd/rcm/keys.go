package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("keys", "the keys that encrypt member IDs and clinical notes: new, status, rotate", runKeys)
}

const keysUsage = `new [--out FILE] [--db DB]
       rcm keys status [--db DB]
       rcm keys rotate [--db DB] [--batch N]

Member IDs, subscribers (with their dates of birth) and clinical notes are
stored encrypted. The keys come from RCM_KEY_FILE (a file of "id:base64key"
lines, mode 0600, the last key encrypts) or RCM_KEY; without either, a SQLite
database uses the key file beside it (DB.key), made on first open, a
PostgreSQL server on this machine uses
~/.config/openrcm/keys/HOST_PORT_DATABASE.key, made on first use, and a
PostgreSQL server elsewhere refuses to start.

'keys new' adds a key to FILE (default $RCM_KEY_FILE, else the key file beside
a SQLite --db), creating it with mode 0600. Restart the servers, then run
'keys rotate': it moves every row to the newest key in small transactions
while the servers serve, and can be stopped and run again. When 'keys status'
shows nothing under an old key, that key may leave the file.`

// keySource says where the keys of a command come from, for messages.
func keySource(env *Env, dsn string) string {
	switch {
	case env.Getenv("RCM_KEY_FILE") != "":
		return "key file " + env.Getenv("RCM_KEY_FILE") + " (RCM_KEY_FILE)"
	case env.Getenv("RCM_KEY") != "":
		return "RCM_KEY"
	case sqldb.KeyFileFor(dsn) != "":
		return "key file " + sqldb.KeyFileFor(dsn) + " (beside the database)"
	}
	if path, err := localPostgresKeyFile(env, dsn); err == nil && path != "" {
		return "key file " + path + " (this machine's default for the database)"
	}
	return "no key"
}

// keyOptions returns the Open options for the keys the environment names:
// RCM_KEY_FILE or RCM_KEY, never both, or none (sqldb's default then).
func keyOptions(env *Env) ([]sqldb.Option, error) {
	file, key := env.Getenv("RCM_KEY_FILE"), env.Getenv("RCM_KEY")
	var k *seal.Keyring
	var err error
	switch {
	case file != "" && key != "":
		return nil, fmt.Errorf("both RCM_KEY_FILE and RCM_KEY are set; set one")
	case file != "":
		k, err = seal.LoadFile(file)
	case key != "":
		k, err = seal.ParseEnv(key)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []sqldb.Option{sqldb.WithKeyring(k)}, nil
}

// keyOptionsFor is keyOptions for the database dsn: with no key given, a
// PostgreSQL server on this machine gets its default key file
// (keydefault.go), made on first use with a notice on the command's error
// stream.
func keyOptionsFor(env *Env, dsn string) ([]sqldb.Option, error) {
	if env.Getenv("RCM_KEY_FILE") != "" || env.Getenv("RCM_KEY") != "" {
		return keyOptions(env)
	}
	path, err := localPostgresKeyFile(env, dsn)
	if err != nil || path == "" {
		return nil, err
	}
	k, created, err := ensureKeyFile(path)
	if err != nil {
		return nil, err
	}
	if created && env.Stderr != nil {
		fmt.Fprintf(env.Stderr, "rcm: made key file %s for this database (no RCM_KEY_FILE or RCM_KEY given); back it up apart from the database\n", path)
	}
	return []sqldb.Option{sqldb.WithKeyring(k)}, nil
}

func runKeys(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "keys", keysUsage, args); done {
		return err
	}
	switch args[0] {
	case "new":
		return runKeysNew(env, args[1:])
	case "status":
		return runKeysStatus(ctx, env, args[1:])
	case "rotate":
		return runKeysRotate(ctx, env, args[1:])
	}
	return usagef("unknown subcommand %q; usage: rcm keys %s", args[0], keysUsage)
}

func runKeysNew(env *Env, args []string) error {
	fs := newFlagSet(env, "keys new", keysUsage)
	out := fs.String("out", env.Getenv("RCM_KEY_FILE"), "key file to create or add a key to (env RCM_KEY_FILE)")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	path := *out
	if path == "" {
		if path = sqldb.KeyFileFor(*dsn); path == "" {
			return usagef("--out is required: PostgreSQL has no key file beside it")
		}
	}
	k, err := seal.AppendNewKey(path, nil)
	if err != nil {
		return err
	}
	ring, err := seal.LoadFile(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added key %s to %s (keys, oldest first: %s); %s encrypts from now on\n", k.ID, path, strings.Join(ring.IDs(), ", "), ring.Current())
	fmt.Fprintln(env.Stdout, "restart the servers, then run 'rcm keys rotate' to move stored values to it")
	return nil
}

func runKeysStatus(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "keys status", keysUsage)
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	counts, err := db.KeyStatus(ctx)
	if err != nil {
		return err
	}
	ring := db.Keyring()
	fmt.Fprintf(env.Stdout, "keys: %s, %s (oldest first); %s encrypts\n", keySource(env, *dsn), strings.Join(ring.IDs(), ", "), ring.Current())
	return writeKeyCounts(env, counts, ring)
}

func writeKeyCounts(env *Env, counts []sqldb.KeyCount, ring *seal.Keyring) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tkey\trows\t")
	old := false
	for _, c := range counts {
		key, note := c.KeyID, ""
		switch {
		case key == "":
			key, note = "(plaintext)", "not yet encrypted: run rcm keys rotate"
		case !ring.Has(key):
			note = "MISSING from the keyring: these rows cannot be read"
		case key != ring.Current():
			note, old = "older key", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c.Table, key, c.Rows, note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if old {
		fmt.Fprintln(env.Stdout, "rows under an older key: run 'rcm keys rotate' before removing it")
	}
	return nil
}

func runKeysRotate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "keys rotate", keysUsage)
	dsn := dbFlag(fs, env)
	batch := fs.Int("batch", sqldb.DefaultRekeyBatch, "rows per transaction")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if *batch < 1 || *batch > 10000 {
		return usagef("--batch must be 1 to 10000")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	done, err := db.RotateKeys(ctx, *batch)
	for _, c := range done {
		fmt.Fprintf(env.Stdout, "%s: %d rows moved to key %s, %d plaintext rows encrypted\n", c.Table, c.Rewrapped, db.Keyring().Current(), c.Sealed)
	}
	if err != nil {
		return fmt.Errorf("%w (what was moved stays moved; run rcm keys rotate again to finish)", err)
	}
	counts, err := db.KeyStatus(ctx)
	if err != nil {
		return err
	}
	return writeKeyCounts(env, counts, db.Keyring())
}
