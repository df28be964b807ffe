package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/password"
	"github.com/openrcm/openrcm/sqldb"
)

// userCommand parses the flags every credential subcommand shares, opens
// the database and finds the user by username.
func userCommand(ctx context.Context, env *Env, name string, args []string, extra func(fs *flag.FlagSet)) (*sqldb.DB, *rcm.User, error) {
	fs := newFlagSet(env, "user "+name, userUsage)
	dsn := dbFlag(fs, env)
	username := fs.String("username", "", "the user")
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	if *username == "" {
		return nil, nil, usagef("--username is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return nil, nil, err
	}
	u, err := findUser(ctx, db, *username)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, u, nil
}

func runUserToken(ctx context.Context, env *Env, args []string) error {
	var label, scope *string
	var ttl *time.Duration
	db, u, err := userCommand(ctx, env, "token", args, func(fs *flag.FlagSet) {
		label = fs.String("token-name", "cli", "a label to recognize the token by")
		scope = fs.String("scope", rcm.ScopeAdmin, "read (GET only), billing (the biller's permissions) or admin (all the user's role allows)")
		ttl = fs.Duration("ttl", rcm.DefaultTokenTTL, "lifetime, at most 8760h (365 days); every token expires")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if *ttl <= 0 || *ttl > rcm.MaxTokenTTL {
		return usagef("--ttl must be more than 0 and at most %s (365 days): every token expires; make a new one when it does", rcm.MaxTokenTTL)
	}
	if !rcm.ValidScope(*scope) {
		return usagef("--scope must be read, billing or admin")
	}
	t, secret, err := db.CreateScopedAPIToken(operator(ctx, u.OrgID), u.ID, *label, *scope, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	fmt.Fprintf(env.Stderr, "%s token %q for %s, expires %s; it is shown only now. Use it as: Authorization: Bearer <token>\n",
		t.Scope, t.Name, u.Username, t.ExpiresAt.Format(cliTime))
	return nil
}

// cliTime is how the credential commands print an instant.
const cliTime = "2006-01-02 15:04 UTC"

func runUserTokens(ctx context.Context, env *Env, args []string) error {
	var format listFormat
	db, u, err := userCommand(ctx, env, "tokens", args, func(fs *flag.FlagSet) { format = listFlags(fs) })
	if err != nil {
		return err
	}
	defer db.Close()
	if err := format.check(); err != nil {
		return err
	}
	toks, err := db.FindAPITokens(operator(ctx, u.OrgID), u.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	t := &table{header: []string{"TOKEN", "NAME", "SCOPE", "CREATED", "EXPIRES", "LAST USED"}, none: u.Username + " has no live token."}
	for _, tok := range toks {
		expires := tok.ExpiresAt.UTC().Format(cliTime)
		if !now.Before(tok.ExpiresAt) {
			expires += " (expired)"
		}
		used := "never"
		if !tok.LastUsedAt.IsZero() {
			used = tok.LastUsedAt.UTC().Format(cliTime)
		}
		t.add(strconv.FormatInt(tok.ID, 10), tok.Name, tok.Scope, tok.CreatedAt.UTC().Format(cliTime), expires, used)
	}
	return format.print(env.Stdout, t, toks)
}

func runUserRevoke(ctx context.Context, env *Env, args []string) error {
	var which *string
	db, u, err := userCommand(ctx, env, "revoke", args, func(fs *flag.FlagSet) {
		which = fs.String("token", "", "the token's name or id, as 'rcm user tokens' lists them")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if *which == "" {
		return usagef("--token is required")
	}
	op := operator(ctx, u.OrgID)
	toks, err := db.FindAPITokens(op, u.ID)
	if err != nil {
		return err
	}
	var match []*rcm.APIToken
	for _, t := range toks {
		if strconv.FormatInt(t.ID, 10) == *which {
			match = []*rcm.APIToken{t}
			break
		}
		if t.Name == *which {
			match = append(match, t)
		}
	}
	switch len(match) {
	case 0:
		return rcm.Errorf(rcm.ENOTFOUND, "%s has no live token named %q; 'rcm user tokens --username %s' lists them.", u.Username, *which, u.Username)
	case 1:
	default:
		var ids []string
		for _, t := range match {
			ids = append(ids, strconv.FormatInt(t.ID, 10))
		}
		return rcm.Errorf(rcm.ECONFLICT, "%s has %d tokens named %q (ids %s); give the id.", u.Username, len(match), *which, strings.Join(ids, ", "))
	}
	if err := db.RevokeAPIToken(op, u.ID, match[0].ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked token %d %q of %s\n", match[0].ID, match[0].Name, u.Username)
	return nil
}

// runUserReset is the operator's forced reset. It makes the temporary
// password itself (password.Temporary) and prints it once, rather than
// reading one: an operator resetting an account should not have to invent
// a password that passes the policy, and 100 random bits always do.
func runUserReset(ctx context.Context, env *Env, args []string) error {
	db, u, err := userCommand(ctx, env, "reset", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	temp := password.Temporary()
	if err := db.ResetPassword(operator(ctx, u.OrgID), u.ID, temp); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, temp)
	fmt.Fprintf(env.Stderr, "temporary password for %s, shown only now: they must change it at the next sign-in. Their sessions and API tokens have ended.\n", u.Username)
	return nil
}

func runUserSessions(ctx context.Context, env *Env, args []string) error {
	var format listFormat
	db, u, err := userCommand(ctx, env, "sessions", args, func(fs *flag.FlagSet) { format = listFlags(fs) })
	if err != nil {
		return err
	}
	defer db.Close()
	if err := format.check(); err != nil {
		return err
	}
	list, err := db.FindSessions(operator(ctx, u.OrgID), u.ID)
	if err != nil {
		return err
	}
	t := &table{header: []string{"SESSION", "SIGNED IN", "LAST SEEN", "FROM"}, none: u.Username + " has no session open."}
	for _, s := range list {
		t.add(s.ID, s.CreatedAt.UTC().Format(cliTime), s.SeenAt.UTC().Format(cliTime), s.Client)
	}
	return format.print(env.Stdout, t, list)
}

func runUserEndSession(ctx context.Context, env *Env, args []string) error {
	var id *string
	db, u, err := userCommand(ctx, env, "end-session", args, func(fs *flag.FlagSet) {
		id = fs.String("session", "", "the session's id, as 'rcm user sessions' lists them")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if *id == "" {
		return usagef("--session is required")
	}
	if err := db.EndSession(operator(ctx, u.OrgID), u.ID, *id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ended session %s of %s\n", *id, u.Username)
	return nil
}
