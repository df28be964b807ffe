package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("user", "add users and make API tokens", runUser)
	register("migrate", "create or upgrade the database schema", runMigrate)
}

const userUsage = `add --username NAME --role ROLE (--org ID | --new-org NAME) [--name FULLNAME] [--db DB]
       rcm user token --username NAME [--token-name LABEL] [--scope read|billing|admin] [--ttl DURATION] [--db DB]
       rcm user tokens --username NAME [--db DB] [--json|--csv]
       rcm user revoke --username NAME --token NAME-OR-ID [--db DB]
       rcm user reset --username NAME [--db DB]
       rcm user sessions --username NAME [--db DB] [--json|--csv]
       rcm user end-session --username NAME --session ID [--db DB]
       rcm user list [--org ID] [--json | --csv] [--db DB]
       rcm user unlock --username NAME [--db DB]
       rcm user mfa-reset --username NAME [--db DB]

The password of 'user add' is read from standard input (one line), never from
the command line, where other users of the machine could see it. Passwords
must pass the policy: 12 to 256 characters, not easy to guess.
A token lasts --ttl (default 2160h, 90 days; at most 8760h, 365 days); its scope
(default admin: all the user's role allows) can narrow it to read (GET only) or
billing. 'user reset' prints a one-time temporary password: the user must
change it at the next sign-in, and their sessions and tokens end.
Roles: admin, coder, biller, auditor.`

// runUser is an operator's tool: whoever can open the database directly is
// trusted as an administrator of every organization in it.
func runUser(ctx context.Context, env *Env, args []string) error {
	if done, err := familyHelp(env, "user", userUsage, args); done {
		return err
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, env, args[1:])
	case "token":
		return runUserToken(ctx, env, args[1:])
	case "list":
		return runUserList(ctx, env, args[1:])
	case "tokens":
		return runUserTokens(ctx, env, args[1:])
	case "revoke":
		return runUserRevoke(ctx, env, args[1:])
	case "reset":
		return runUserReset(ctx, env, args[1:])
	case "sessions":
		return runUserSessions(ctx, env, args[1:])
	case "end-session":
		return runUserEndSession(ctx, env, args[1:])
	case "unlock":
		return runUserUnlock(ctx, env, args[1:])
	case "mfa-reset":
		return runUserMFAReset(ctx, env, args[1:])
	}
	return usagef("unknown subcommand %q; usage: rcm user %s", args[0], userUsage)
}

func runUserAdd(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "user add", userUsage)
	dsn := dbFlag(fs, env)
	username := fs.String("username", "", "login name (lower-case)")
	role := fs.String("role", "", "admin, coder, biller or auditor")
	name := fs.String("name", "", "full name")
	orgID := fs.Int64("org", 0, "organization id")
	newOrg := fs.String("new-org", "", "create a new organization with this name; its first user must be an admin")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*orgID == 0) == (*newOrg == "") {
		return usagef("give exactly one of --org and --new-org")
	}
	if *username == "" || *role == "" {
		return usagef("--username and --role are required")
	}
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &rcm.User{OrgID: *orgID, Username: *username, Name: *name, Role: *role}
	if err := u.Validate(); err != nil {
		return err
	}
	if *newOrg != "" {
		org := &rcm.Organization{Name: *newOrg}
		if err := db.CreateOrganizationWithAdmin(ctx, org, u, password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "created organization %d %q\n", org.ID, org.Name)
	} else if err := db.CreateUser(operator(ctx, u.OrgID), u, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created user %d %s (%s) in organization %d\n", u.ID, u.Username, u.Role, u.OrgID)
	return nil
}

func runUserList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "user list", userUsage)
	dsn := dbFlag(fs, env)
	orgID := orgFlag(fs)
	format := listFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := format.check(); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *orgID); err != nil {
		return err
	}
	users, err := db.FindUsers(ctx)
	if err != nil {
		return err
	}
	t := &table{header: []string{"USERNAME", "ROLE", "NAME", "CREATED"}, none: "No users."}
	for _, u := range users {
		t.add(u.Username, u.Role, u.Name, u.CreatedAt.UTC().Format("2006-01-02"))
	}
	t.total = plural(len(users), "user") + " in the organization."
	return format.print(env.Stdout, t, users)
}

// operator is the actor of a command run with direct access to the
// database: an administrator of the given organization.
func operator(ctx context.Context, orgID int64) context.Context {
	return rcm.NewContextWithActor(ctx, rcm.Actor{OrgID: orgID, Role: rcm.RoleAdmin, Reason: "rcm command line"})
}

// findUser looks a user up by username across organizations (usernames are
// unique), for operator commands.
func findUser(ctx context.Context, db *sqldb.DB, username string) (*rcm.User, error) {
	var orgID, id int64
	err := db.QueryRowContext(ctx, `SELECT org_id, id FROM app_user WHERE username = ?`, username).Scan(&orgID, &id)
	if err != nil {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "No user named %q.", username)
	}
	return db.FindUserByID(operator(ctx, orgID), id)
}

func readPassword(env *Env) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("the password is read from standard input; none was given")
	}
	// The policy (package password) is checked where the user is made,
	// with the username and name it compares against.
	return strings.TrimRight(line, "\r\n"), nil
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "migrate", "[--db DB]")
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.Stdout, "database schema is up to date (%s)\n", db.Dialect())
	return nil
}
