package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/edit/ncci"
	"github.com/openrcm/openrcm/fee"
	"github.com/openrcm/openrcm/sqldb"
)

// liveCatalog is the one loaded code-set catalogue and NCCI edit table of
// a server process, shared by the API, the workbench and every scrub (the
// scrubber used to reload both from the database on each click). Every
// few seconds it asks the database whether a release was imported or
// removed, by this process or any other, and then loads the new state and
// swaps it in: an import on one instance is seen by all within seconds,
// without a restart.
type liveCatalog struct {
	db     *sqldb.DB
	logger *slog.Logger
	cur    atomic.Pointer[loadedCodes]
}

type loadedCodes struct {
	version string
	cat     *codeset.Catalog
	edits   *ncci.Edits
}

func newLiveCatalog(ctx context.Context, db *sqldb.DB, logger *slog.Logger) (*liveCatalog, error) {
	c := &liveCatalog{db: db, logger: logger}
	if _, err := c.reload(ctx, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// reload loads the releases when their version differs from seen.
func (c *liveCatalog) reload(ctx context.Context, seen string) (bool, error) {
	v, err := c.db.CodeSetVersion(ctx)
	if err != nil {
		return false, err
	}
	if v == seen {
		return false, nil
	}
	cat, err := catalogFor(ctx, c.db)
	if err != nil {
		return false, fmt.Errorf("load code sets: %w", err)
	}
	// Build the search index before serving from it, not on the first search.
	cat.Warm()
	edits, err := c.db.LoadNCCI(ctx)
	if err != nil {
		return false, fmt.Errorf("load NCCI edits: %w", err)
	}
	c.cur.Store(&loadedCodes{version: v, cat: cat, edits: edits})
	return true, nil
}

// Catalog returns the loaded catalogue.
func (c *liveCatalog) Catalog() *codeset.Catalog { return c.cur.Load().cat }

// watch checks for new releases every interval until ctx ends.
func (c *liveCatalog) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := c.reload(ctx, c.cur.Load().version)
		switch {
		case err != nil && ctx.Err() == nil:
			c.logger.Warn("code sets not reloaded; serving the loaded ones", "error", err)
		case changed:
			c.logger.Info("code sets reloaded", "version", c.cur.Load().version)
		}
	}
}

// Scrubber builds an organization's scrubber from the loaded catalogue and
// edits, as scrubberFor does from the database.
func (c *liveCatalog) Scrubber(_ context.Context, today rcm.Date, orgID int64) (*claim.Scrubber, error) {
	l := c.cur.Load()
	return assembleScrubber(c.db, l.cat, l.edits, today, orgID)
}

// Codes checks codes against the catalogue loaded at the time of the check,
// so the FHIR and HL7 doors see a newly imported release without a restart.
func (c *liveCatalog) Codes() liveCodes { return liveCodes{c} }

type liveCodes struct{ c *liveCatalog }

func (l liveCodes) CheckDiagnosis(ctx context.Context, code string, dos rcm.Date) error {
	return codeset.Checker{Catalog: l.c.Catalog()}.CheckDiagnosis(ctx, code, dos)
}

func (l liveCodes) CheckProcedure(ctx context.Context, code string, dos rcm.Date) error {
	return codeset.Checker{Catalog: l.c.Catalog()}.CheckProcedure(ctx, code, dos)
}

// FeeCodes checks a fee schedule's codes against the loaded catalogue.
func (c *liveCatalog) FeeCodes(ctx context.Context, orgID int64) (fee.Codes, error) {
	return feeCodes(c.Catalog())(ctx, orgID)
}
