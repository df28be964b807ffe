package jobs_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// submittedClaim stores a claim of the seeded patient and submits it
// through the clearinghouse folder at root.
func submittedClaim(t *testing.T, ctx context.Context, db *sqldb.DB, root string) *rcm.Claim {
	t.Helper()
	s := sqldbtest.Seed(t, ctx, db)
	cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W123456789", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	must(t, db.CreateCoverage(ctx, cov))
	e := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
		PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 11000, Pointers: []int{1}}}}
	must(t, db.CreateEncounter(ctx, e))
	c, err := claim.Build(ctx, db, e.ID, 1)
	must(t, err)
	must(t, db.CreateClaim(ctx, c))
	if st, err := db.RecordScrub(ctx, c.ID, nil); err != nil || st != rcm.ClaimReady {
		t.Fatalf("scrub: %s, %v", st, err)
	}
	ch := &rcm.Clearinghouse{SubmitterID: "LAKESIDE01", SubmitterName: "Lakeside", ContactName: "Billing", ContactPhone: "2175550140",
		ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: "dir:" + root}
	must(t, db.SetClearinghouse(ctx, ch))
	t2, err := openDir(ctx, ch.Transport)
	must(t, err)
	defer t2.Close()
	sub, err := claim.Submit(ctx, db, t2, claim.PartnerOf(ch), s.Payer.ID, "k1", db.Clock.Now())
	if err != nil || sub == nil {
		t.Fatalf("submit: %v, %v", sub, err)
	}
	return c
}

func openDir(ctx context.Context, spec string) (clearinghouse.Transport, error) {
	root := strings.TrimPrefix(spec, "dir:")
	return clearinghouse.OpenDir(clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"), Inbound: filepath.Join(root, "inbound"),
		Archive: filepath.Join(root, "archive")})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The scheduled 276: enqueued by the admin's schedule, run by a worker,
// it asks about the submitted claim once, in a 276 in the outbound folder;
// run again the same day it sends nothing new.
func TestClaimStatusInquiryJob(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			ctx, org := sqldbtest.Org(t, db, "Org A")
			root := t.TempDir()
			c := submittedClaim(t, ctx, db, root)
			type run struct {
				b        *claimstatus.Batch
				repeated bool
			}
			runs := make(chan run, 4)
			kind := jobs.ClaimStatusInquiry(db, openDir, 0, db.Clock.Now, func(ctx context.Context, o int64, b *claimstatus.Batch, repeated bool) {
				if o == org.ID {
					runs <- run{b, repeated}
				}
			})
			q := startQueue(t, db, kind)
			desk := jobs.Desk{Queue: q, Store: db}
			if _, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: jobs.StatusArgs{}.Kind(), Every: 24 * time.Hour, Enabled: true}); err != nil {
				t.Fatal(err)
			}
			var first run
			select {
			case first = <-runs:
			case <-time.After(30 * time.Second):
				t.Fatal("the scheduled inquiry did not run")
			}
			if first.repeated || len(first.b.Checks) != 1 || first.b.Checks[0].ControlNumber != c.ControlNumber {
				t.Fatalf("inquiry: repeated %v, checks %+v", first.repeated, first.b.Checks)
			}
			data, err := os.ReadFile(filepath.Join(root, "outbound", first.b.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte("ST*276*")) || !bytes.Contains(data, []byte(c.ControlNumber)) {
				t.Errorf("276 file lacks the transaction or the claim number:\n%s", data)
			}
			// Run now again: the day's key finds the batch sent; nothing new.
			if _, err := desk.SetSchedule(ctx, rcm.JobSchedule{Kind: jobs.StatusArgs{}.Kind(), Every: 24 * time.Hour, Enabled: true}); err != nil {
				t.Fatal(err)
			}
			select {
			case again := <-runs:
				if !again.repeated || again.b.FileName != first.b.FileName {
					t.Errorf("second run: repeated %v, file %s (first %s)", again.repeated, again.b.FileName, first.b.FileName)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the second run did not happen")
			}
			files, err := os.ReadDir(filepath.Join(root, "outbound"))
			must(t, err)
			n276 := 0
			for _, f := range files {
				if b, _ := os.ReadFile(filepath.Join(root, "outbound", f.Name())); bytes.Contains(b, []byte("ST*276*")) {
					n276++
				}
			}
			if n276 != 1 {
				t.Errorf("%d 276 files in the outbound folder, want 1", n276)
			}
		})
	}
}
