package sqldb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eligibility/eligibilitytest"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// eligibilitySetup makes an organization with a payer, a patient and her
// coverage, and returns the acting context and the coverage.
func eligibilitySetup(t *testing.T, db *sqldb.DB, name string) (context.Context, *rcm.Coverage) {
	t.Helper()
	ctx, _ := sqldbtest.Org(t, db, name)
	payer := eligibilitytest.Payer()
	pat := eligibilitytest.Patient()
	if err := db.CreatePayer(ctx, payer); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePatient(ctx, pat); err != nil {
		t.Fatal(err)
	}
	cov := eligibilitytest.SelfCoverage()
	cov.PatientID, cov.PayerID = pat.ID, payer.ID
	if err := db.CreateCoverage(ctx, cov); err != nil {
		t.Fatal(err)
	}
	return ctx, cov
}

func TestEligibilityStore(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, cov := eligibilitySetup(t, db, "Lakeside")
		checks := []*eligibility.Check{
			{CoverageID: cov.ID, Reference: "REF1", ServiceTypes: []string{"30", "98"}, DateOfService: rcm.MustParseDate("2026-01-05")},
			{CoverageID: cov.ID, Reference: "REF1"},
		}
		if err := db.CreateEligibilityChecks(ctx, checks); err != nil {
			t.Fatal(err)
		}
		if checks[0].Trace != "0000000001" || checks[1].Trace != "0000000002" || checks[0].PatientID != cov.PatientID || checks[0].PayerID != cov.PayerID {
			t.Fatalf("checks %+v %+v", checks[0], checks[1])
		}
		more := []*eligibility.Check{{CoverageID: cov.ID, Reference: "REF2"}}
		if err := db.CreateEligibilityChecks(ctx, more); err != nil {
			t.Fatal(err)
		}
		if more[0].Trace != "0000000003" {
			t.Fatalf("third trace %q: traces must not repeat", more[0].Trace)
		}
		got, err := db.FindEligibilityCheckByTrace(ctx, "0000000001")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(checks[0], got); diff != "" {
			t.Errorf("stored check mismatch (-want +got):\n%s", diff)
		}

		if _, err := db.FindLatestEligibility(ctx, cov.ID); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Fatalf("latest before any answer: %v", err)
		}
		orig := eligibility.Originator(checks[0].OrgID)
		active := eligibility.Result{Trace: "0000000001", Originator: orig, Reference: "REF1", Status: eligibility.Active,
			Benefits: []eligibility.Benefit{{Code: "1", ServiceTypes: []string{"30"}}, {Code: "B", ServiceTypes: []string{"98"}, Amount: 2500, HasAmount: true}}}
		recs, err := db.RecordEligibility(ctx, []eligibility.Result{active})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Repeated || recs[0].Summary != "Active. Office visit copay $25.00." || recs[0].CheckedOn != rcm.DateOf(sqldbtest.Start) {
			t.Fatalf("records %+v", recs[0])
		}

		// The same 271 read again stores nothing new.
		again, err := db.RecordEligibility(ctx, []eligibility.Result{active})
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 1 || !again[0].Repeated || again[0].ID != recs[0].ID {
			t.Fatalf("re-read: %+v", again[0])
		}

		// A rejection of the whole inquiry (no TRN) reaches every check of
		// that reference.
		reject := eligibility.Result{Reference: "REF2", Status: eligibility.Rejected,
			Rejections: []eligibility.Rejection{{Loop: "2100B", Valid: true, Reason: "42", FollowUp: "R"}}}
		if recs, err = db.RecordEligibility(ctx, []eligibility.Result{reject}); err != nil || len(recs) != 1 || recs[0].CheckID != more[0].ID {
			t.Fatalf("reference match: %+v %v", recs, err)
		}

		hist, err := db.FindEligibility(ctx, cov.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Status != eligibility.Rejected || hist[1].Status != eligibility.Active {
			t.Fatalf("history %+v", hist)
		}
		if diff := cmp.Diff(&active, hist[1].Result); diff != "" {
			t.Errorf("stored result mismatch (-want +got):\n%s", diff)
		}
		latest, err := db.FindLatestEligibility(ctx, cov.ID)
		if err != nil || latest.ID != hist[0].ID || latest.Trace != "0000000003" {
			t.Fatalf("latest %+v %v", latest, err)
		}

		// Every store and read was audited against the patient.
		events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: cov.PatientID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action+" "+e.Entity]++
		}
		want := map[string]int{"create eligibility_check": 3, "read eligibility_check": 1, "create eligibility_result": 2,
			"read eligibility_result": 1, "read coverage_eligibility": 3}
		for k, n := range want {
			if count[k] != n {
				t.Errorf("audit %q: %d events, want %d (all: %v)", k, count[k], n, count)
			}
		}
		if _, err := db.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestEligibilityUnmatched(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, cov := eligibilitySetup(t, db, "Lakeside")
		checks := []*eligibility.Check{{CoverageID: cov.ID, Reference: "REF1"}}
		if err := db.CreateEligibilityChecks(ctx, checks); err != nil {
			t.Fatal(err)
		}
		orig := checks[0].Originator
		known := eligibility.Result{Trace: checks[0].Trace, Originator: orig, Status: eligibility.Active, Benefits: []eligibility.Benefit{{Code: "1"}}}
		tests := []struct {
			name string
			res  eligibility.Result
		}{
			{"unknown trace", eligibility.Result{Trace: "9999999999", Originator: orig, Status: eligibility.Active}},
			{"another organization's originator", eligibility.Result{Trace: checks[0].Trace, Originator: "9000000999", Status: eligibility.Active}},
			{"unknown reference", eligibility.Result{Reference: "NOPE", Status: eligibility.Rejected}},
		}
		for _, tt := range tests {
			// With a known answer beside it: nothing of the 271 is stored.
			_, err := db.RecordEligibility(ctx, []eligibility.Result{known, tt.res})
			var ue *sqldb.UnmatchedError
			if !errors.As(err, &ue) || len(ue.Traces) != 1 {
				t.Fatalf("%s: err = %v, want an UnmatchedError", tt.name, err)
			}
		}
		if hist, err := db.FindEligibility(ctx, cov.ID); err != nil || len(hist) != 0 {
			t.Fatalf("stored despite unmatched answers: %+v %v", hist, err)
		}

		// Another organization sees neither the check nor the coverage.
		other, _ := sqldbtest.Org(t, db, "Elsewhere")
		if _, err := db.FindEligibilityCheckByTrace(other, checks[0].Trace); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Fatalf("other org found the check: %v", err)
		}
		if err := db.CreateEligibilityChecks(other, []*eligibility.Check{{CoverageID: cov.ID, Reference: "X"}}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Fatalf("other org checked a foreign coverage: %v", err)
		}
		if _, err := db.FindEligibility(other, cov.ID); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Fatalf("other org read a foreign coverage: %v", err)
		}
		// A check without a reference, and a caller without rights, change nothing.
		wantCode(t, db.CreateEligibilityChecks(ctx, []*eligibility.Check{{CoverageID: cov.ID}}), rcm.EINVALID)
		wantCode(t, db.CreateEligibilityChecks(context.Background(), checks), rcm.EUNAUTHORIZED)
	})
}
