package jobs

import (
	"context"
	"database/sql"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// ScheduleStore keeps the organizations' schedules.
type ScheduleStore interface {
	FindJobSchedules(ctx context.Context) ([]rcm.JobSchedule, error)
	// SetJobSchedule stores a schedule and runs then in its transaction.
	SetJobSchedule(ctx context.Context, s rcm.JobSchedule, then func(tx *sql.Tx) error) error
}

// Desk is what an admin does with jobs, for the command line and the Jobs
// screen alike: the queue's jobs and the organization's schedules.
type Desk struct {
	*Queue
	Store ScheduleStore
	// Imports, when set, takes code-set and NCCI uploads to import.
	Imports ImportStore
}

// ScheduleView is one scheduled kind as the organization runs it.
type ScheduleView struct {
	Kind  string
	Label string
	Every time.Duration
	// Default is true when the organization kept the kind's default.
	Default bool
	Enabled bool
}

// Schedules returns every scheduled kind with the organization's period.
func (d Desk) Schedules(ctx context.Context) ([]ScheduleView, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermWriteSetup); err != nil {
		return nil, err
	}
	set, err := d.Store.FindJobSchedules(ctx)
	if err != nil {
		return nil, err
	}
	chosen := map[string]rcm.JobSchedule{}
	for _, s := range set {
		chosen[s.Kind] = s
	}
	var out []ScheduleView
	for _, k := range d.ScheduledKinds() {
		v := ScheduleView{Kind: k.Name, Label: k.Label, Every: k.Every, Default: true, Enabled: !k.Off}
		if s, ok := chosen[k.Name]; ok {
			v.Every, v.Enabled, v.Default = s.Every, s.Enabled, false
		}
		out = append(out, v)
	}
	return out, nil
}

// SetSchedule stores the organization's schedule for a kind; when it is
// on, the kind's first run is queued in the same transaction. It returns
// that job's id, or 0.
func (d Desk) SetSchedule(ctx context.Context, s rcm.JobSchedule) (int64, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermWriteSetup)
	if err != nil {
		return 0, err
	}
	if k, ok := d.kinds[s.Kind]; !ok || k.forOrg == nil {
		return 0, rcm.FieldErrorf(rcm.EINVALID, "kind", "No scheduled job is called %q.", s.Kind)
	}
	var id int64
	err = d.Store.SetJobSchedule(ctx, s, func(tx *sql.Tx) error {
		if !s.Enabled {
			return nil
		}
		var err error
		id, err = d.RunNowTx(ctx, tx, s.Kind, a.OrgID)
		return err
	})
	return id, err
}

// EnqueueImport stores an admin's upload and enqueues its import (see
// EnqueueImport); the desk's Imports must be set.
func (d Desk) EnqueueImport(ctx context.Context, req ImportRequest) (int64, error) {
	if d.Imports == nil {
		return 0, rcm.Errorf(rcm.ENOTFOUND, "This server does not take imports.")
	}
	if err := d.checkSharedImport(ctx, req); err != nil {
		return 0, err
	}
	return EnqueueImport(ctx, d.Queue, d.Imports, req)
}

// OrganizationCounter counts the organizations a database serves.
type OrganizationCounter interface {
	CountOrganizations(ctx context.Context) (int, error)
}

// checkSharedImport refuses, from the workbench, an import that would
// change what every organization of the database sees (the public code
// sets and the NCCI tables) when the database serves more than one: an
// organization's administrator decides for that organization only. A
// licensed CPT file is the organization's own and is always taken; the
// operator of a billing service imports the public sets with rcm codes
// import or rcm edits import on the server.
func (d Desk) checkSharedImport(ctx context.Context, req ImportRequest) error {
	if req.What == ImportCodes {
		if kind, ok := codeset.DetectKind(req.Data[:min(len(req.Data), 4096)]); ok && kind == codeset.KindCPT {
			return nil
		}
	}
	counter, ok := d.Imports.(OrganizationCounter)
	if !ok {
		return nil
	}
	n, err := counter.CountOrganizations(ctx)
	if err != nil {
		return err
	}
	if n > 1 {
		return rcm.Errorf(rcm.EFORBIDDEN, "Public code sets and NCCI tables serve all %d organizations of this database, so only its operator imports them (rcm codes import or rcm edits import on the server); an organization imports its own licensed CPT file here. Nothing was imported.", n)
	}
	return nil
}
