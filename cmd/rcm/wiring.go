package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/edit/ncci"
	"github.com/openrcm/openrcm/sqldb"
)

// orgFlag adds --org, the organization an operator command acts in; 0
// means the only organization of the database.
func orgFlag(fs *flag.FlagSet) *int64 {
	return fs.Int64("org", 0, "organization id (default: the only organization in the database)")
}

// orgContext returns a context acting as an operator of the organization.
func orgContext(ctx context.Context, db *sqldb.DB, org int64) (context.Context, error) {
	if org == 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM organization`).Scan(&n, &org); err != nil {
			return nil, err
		}
		if n != 1 {
			return nil, usagef("the database has %d organizations: choose one with --org", n)
		}
	}
	return operator(ctx, org), nil
}

// catalogFor loads the code sets: every imported release, and the starter
// set for any system with none imported yet.
func catalogFor(ctx context.Context, db *sqldb.DB) (*codeset.Catalog, error) {
	rels, err := db.CodeSets().Releases(ctx)
	if err != nil {
		return nil, err
	}
	have := map[codeset.System]bool{}
	for _, r := range rels {
		if r.Org == "" && len(r.Codes) > 0 {
			have[r.System] = true
		}
	}
	for _, r := range codeset.Starter() {
		if !have[r.System] {
			rels = append(rels, r)
		}
	}
	return codeset.NewCatalog(rels), nil
}

// scrubberFor builds the scrubber from what the database holds: code sets,
// NCCI tables (when imported) and the payer rules.
func scrubberFor(ctx context.Context, db *sqldb.DB, today rcm.Date, orgID int64) (*claim.Scrubber, error) {
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return nil, err
	}
	edits, err := db.LoadNCCI(ctx)
	if err != nil {
		return nil, fmt.Errorf("load NCCI edits: %w", err)
	}
	return assembleScrubber(db, cat, edits, today, orgID)
}

// assembleScrubber puts a scrubber together from a loaded catalogue and NCCI
// tables: the one recipe for the command line, the demo and the servers'
// shared catalogue.
func assembleScrubber(db *sqldb.DB, cat *codeset.Catalog, edits *ncci.Edits, today rcm.Date, orgID int64) (*claim.Scrubber, error) {
	cc := claim.CatalogChecker{Catalog: cat, Org: strconv.FormatInt(orgID, 10)}
	s := &claim.Scrubber{Today: today, Codes: cc, Taxonomy: cc, Eligibility: eligibilityLookup(db)}
	if edits.PTPRows(ncci.Practitioner) > 0 || edits.MUERows(ncci.Practitioner) > 0 {
		var err error
		if s.NCCI, err = edit.NewEngine(&ncci.Checker{Edits: edits, Setting: ncci.Practitioner}); err != nil {
			return nil, err
		}
	}
	if edits.MUERows(ncci.OutpatientHospital) > 0 || edits.PTPRows(ncci.OutpatientHospital) > 0 || edits.PTPRows(ncci.Practitioner) > 0 {
		s.FacilityNCCI = &ncci.FacilityChecker{Edits: edits}
	}
	return s, nil
}

// openTransport opens the clearinghouse transport a settings URL names.
func openTransport(ctx context.Context, spec string) (clearinghouse.Transport, error) {
	switch {
	case strings.HasPrefix(spec, "dir:"):
		root := strings.TrimPrefix(spec, "dir:")
		return clearinghouse.OpenDir(clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"), Inbound: filepath.Join(root, "inbound"),
			Archive: filepath.Join(root, "archive")})
	case strings.HasPrefix(spec, "sftp://"):
		u, err := url.Parse(spec)
		if err != nil {
			return nil, rcm.Errorf(rcm.EINVALID, "Bad SFTP transport URL: %v", err)
		}
		keyFile, known := u.Query().Get("key"), u.Query().Get("known_hosts")
		if keyFile == "" || known == "" {
			return nil, rcm.Errorf(rcm.EINVALID, "The SFTP transport URL needs ?key=PRIVATE_KEY_FILE&known_hosts=FILE.")
		}
		key, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(u.Path, "/")
		return clearinghouse.DialSFTP(ctx, clearinghouse.SFTPConfig{Addr: u.Host, User: u.User.Username(), PrivateKey: key, KnownHostsFile: known,
			Layout: clearinghouse.Layout{Outbound: base + "/outbound", Inbound: base + "/inbound", Archive: base + "/archive"}})
	}
	return nil, rcm.Errorf(rcm.EINVALID, "Unknown transport %q: use dir:/path or sftp://...", spec)
}
