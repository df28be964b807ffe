package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// The set-based store methods on both dialects: a page of billable
// encounters, claims stored in one transaction (ids matched back), the
// claim id cursor, and many scrubs recorded at once.
func TestPipelineStore(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		e, cov := seedEncounter(t, ctx, db, s)
		au := &rcm.Authorization{CoverageID: cov.ID, Kind: rcm.AuthPrior, Number: "PA-77", CodeFrom: "99213", CodeTo: "99213", Units: 3,
			StartsOn: rcm.MustParseDate("2025-12-01"), EndsOn: rcm.MustParseDate("2026-06-30")}
		if err := db.CreateAuthorization(ctx, au); err != nil {
			t.Fatal(err)
		}
		var encs []int64
		for i := range 3 {
			e2 := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
				DateOfService: rcm.MustParseDate(fmt.Sprintf("2026-01-%02d", 5+i)), PlaceOfService: "11", Status: rcm.EncounterCoded,
				Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}, {Code: "I10"}},
				Lines:     []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 11000, Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: 1200, Pointers: []int{2}}}}
			if err := db.CreateEncounter(ctx, e2); err != nil {
				t.Fatal(err)
			}
			encs = append(encs, e2.ID)
		}
		page, err := db.FindBillable(ctx, e.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || page[0].Encounter.ID != encs[0] || page[1].Encounter.ID != encs[1] {
			t.Fatalf("page after encounter %d: %d encounters", e.ID, len(page))
		}
		one, err := db.FindEncounterByID(ctx, encs[0])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(one, page[0].Encounter); diff != "" {
			t.Errorf("billable encounter mismatch (-one +page):\n%s", diff)
		}
		lineIDs, err := db.FindServiceLineIDs(ctx, encs[0])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(lineIDs, page[0].LineIDs); diff != "" {
			t.Errorf("line ids mismatch (-want +got):\n%s", diff)
		}
		if page[0].Patient.ID != s.patient.ID || len(page[0].Coverages) != 1 || len(page[0].Authorizations[cov.ID]) != 1 ||
			page[0].Authorizations[cov.ID][0].Number != "PA-77" {
			t.Errorf("billable page: patient %d, %d coverages, authorizations %v", page[0].Patient.ID, len(page[0].Coverages), page[0].Authorizations)
		}

		// Build everything: the authorization is used by the first line
		// built that it covers, and every encounter is billed.
		var built []*rcm.Claim
		if err := claim.BuildAll(ctx, db, 1, func(r claim.Built) error {
			if r.Err != nil {
				t.Errorf("encounter %d: %v", r.EncounterID, r.Err)
			}
			built = append(built, r.Claim)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(built) != 4 {
			t.Fatalf("built %d claims, want 4", len(built))
		}
		for _, c := range built {
			got, err := db.FindClaimByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ControlNumber != c.ControlNumber || got.EncounterID != c.EncounterID || len(got.Lines) != len(c.Lines) || got.State != rcm.ClaimDraft {
				t.Errorf("stored claim %d: %s of encounter %d, %d lines, %s; built %s of %d", c.ID, got.ControlNumber, got.EncounterID, len(got.Lines), got.State,
					c.ControlNumber, c.EncounterID)
			}
		}
		if built[0].PriorAuth != "PA-77" {
			t.Errorf("first claim prior authorization %q, want PA-77", built[0].PriorAuth)
		}
		left, err := db.FindBillable(ctx, 0, 10)
		if err != nil || len(left) != 0 {
			t.Errorf("after the build, %d billable (%v)", len(left), err)
		}

		ids, err := db.FindClaimIDs(ctx, rcm.ClaimDraft, s.payer.ID, built[0].ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{built[1].ID, built[2].ID}, ids); diff != "" {
			t.Errorf("claim ids after the first (-want +got):\n%s", diff)
		}
		bad := []rcm.ClaimFinding{{Rule: "CLM-DOS", Severity: "error", Message: "m", Fix: "f"}, {Rule: "CLM-CHARGE", Severity: "warning", Lines: []int{1}, Message: "w"}}
		states, err := db.RecordScrubs(ctx, []claim.Scrub{{ClaimID: built[0].ID, Findings: bad}, {ClaimID: built[1].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{rcm.ClaimDraft, rcm.ClaimReady}, states); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
		fs, err := db.FindClaimFindings(ctx, built[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(bad, fs); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
		// The ready claim with an error goes back to draft, as RecordScrub.
		states, err = db.RecordScrubs(ctx, []claim.Scrub{{ClaimID: built[1].ID, Findings: bad[:1]}})
		if err != nil || states[0] != rcm.ClaimDraft {
			t.Errorf("ready claim scrubbed dirty: %v, %v", states, err)
		}
		got, err := db.FindClaimByID(ctx, built[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(got.History); n != 3 || got.History[2].Reason != "scrubbed: 1 findings, 1 errors" {
			t.Errorf("history %+v", got.History)
		}
		if _, err := db.RecordScrubs(ctx, []claim.Scrub{{ClaimID: 999999}}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("scrub of a missing claim: %v", err)
		}
		elig, err := db.FindLatestEligibilities(ctx, []int64{cov.ID})
		if err != nil || len(elig) != 0 {
			t.Errorf("eligibility never checked: %v, %v", elig, err)
		}
		if n, err := db.VerifyAuditChain(ctx); err != nil || n == 0 {
			t.Errorf("audit chain: %d events, %v", n, err)
		}
	})
}
