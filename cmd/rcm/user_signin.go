package main

import (
	"context"
	"fmt"

	"github.com/openrcm/openrcm/sqldb"
)

// runUserUnlock ends a sign-in lock before its cooling time, for a user
// who was locked out by failed attempts (theirs or a stranger's).
func runUserUnlock(ctx context.Context, env *Env, args []string) error {
	return runUserSecurity(ctx, env, args, "user unlock", func(ctx context.Context, db *sqldb.DB, username string) (string, error) {
		return "unlocked " + username + "; failed sign-ins are counted from zero again", db.UnlockUser(ctx, username)
	})
}

// runUserMFAReset removes a user's second factor (TOTP and recovery
// codes), for one who lost the authenticator; an admin then enrols again
// at the next sign-in.
func runUserMFAReset(ctx context.Context, env *Env, args []string) error {
	return runUserSecurity(ctx, env, args, "user mfa-reset", func(ctx context.Context, db *sqldb.DB, username string) (string, error) {
		return "two-step sign-in reset for " + username + "; they set it up again when they next sign in", db.ResetMFA(ctx, username)
	})
}

// runUserSecurity runs an operator's audited change to one user's sign-in.
func runUserSecurity(ctx context.Context, env *Env, args []string, name string, fn func(context.Context, *sqldb.DB, string) (string, error)) error {
	fs := newFlagSet(env, name, userUsage)
	dsn := dbFlag(fs, env)
	username := fs.String("username", "", "the user")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usagef("--username is required")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := findUser(ctx, db, *username)
	if err != nil {
		return err
	}
	msg, err := fn(operator(ctx, u.OrgID), db, u.Username)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, msg)
	return nil
}
