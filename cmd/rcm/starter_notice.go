package main

import (
	"fmt"
	"os"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// starterNotice tells a new user, on standard error, that the codes come
// from the small starter set and how to import the current release, and
// warns when the date of service falls after the newest release the
// starter set follows (issue 16).
func starterNotice(env *Env, cat *codeset.Catalog, dos rcm.Date) {
	r, ok := cat.Release(codeset.ICD10CM, "", dos)
	if !ok || r.Version != "starter" {
		return
	}
	fmt.Fprintf(env.Stderr, "Note: only the starter code set is loaded (%s). Import the current official files with 'rcm codes import'.\n", codeset.StarterRelease)
	if dos.After(codeset.StarterNewest) {
		fmt.Fprintf(env.Stderr, "Warning: the date of service %s falls after the newest release the starter set follows (it ends %s): newer codes are missing.\n", dos, codeset.StarterNewest)
	}
}

// noticeNewDefaultDB says, once (when it creates the file), that a command
// run without --db or RCM_DB makes rcm.db in the working directory.
func noticeNewDefaultDB(env *Env, dsn string) {
	if dsn != defaultDB {
		return
	}
	if _, err := os.Stat(dsn); os.IsNotExist(err) {
		wd, _ := os.Getwd()
		fmt.Fprintf(env.Stderr, "rcm: no --db given: creating the database %s in %s (choose another with --db or RCM_DB).\n", dsn, wd)
	}
}
