package sqldb_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

func seedEncounter(t *testing.T, ctx context.Context, db *sqldb.DB, s seeded) (*rcm.Encounter, *rcm.Coverage) {
	t.Helper()
	cov := &rcm.Coverage{PatientID: s.patient.ID, PayerID: s.payer.ID, Order: 1, MemberID: "W123456789", Relationship: "18",
		EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	if err := db.CreateCoverage(ctx, cov); err != nil {
		t.Fatal(err)
	}
	e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
		DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Status: rcm.EncounterCoded,
		Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
		Lines:     []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 11000, Pointers: []int{1}}}}
	if err := db.CreateEncounter(ctx, e); err != nil {
		t.Fatal(err)
	}
	return e, cov
}

func TestClaims(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		e, cov := seedEncounter(t, ctx, db, s)
		ids, err := db.FindServiceLineIDs(ctx, e.ID)
		if err != nil || len(ids) != 1 {
			t.Fatalf("ServiceLineIDs = %v, %v", ids, err)
		}
		c := &rcm.Claim{EncounterID: e.ID, PatientID: s.patient.ID, PayerID: s.payer.ID, CoverageID: cov.ID, ControlNumber: "A1001-1-1",
			Frequency: "1", DateOfService: e.DateOfService, PlaceOfService: "11", Diagnoses: e.Diagnoses, PriorAuth: "PA123",
			Lines: []rcm.ClaimLine{{ServiceLineID: ids[0], ServiceLine: e.Lines[0]}}}
		if err := db.CreateClaim(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindClaimByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("claim mismatch (-want +got):\n%s", diff)
		}
		dup := *c
		dup.ID = 0
		wantCode(t, db.CreateClaim(ctx, &dup), rcm.ECONFLICT)

		// The state machine: draft -> ready -> submitted; submitted cannot go
		// back to draft.
		wantCode(t, db.MoveClaim(ctx, c.ID, rcm.ClaimReady, "no scrub"), rcm.ECONFLICT)
		dirty := []rcm.ClaimFinding{{Rule: "CLM-ZIP9", Severity: "error", Message: "m", Fix: "f"}, {Rule: "CLM-CHARGE", Severity: "warning", Lines: []int{1}, Message: "m", Fix: "f"}}
		if state, err := db.RecordScrub(ctx, c.ID, dirty); err != nil || state != rcm.ClaimDraft {
			t.Fatalf("scrub with an error: %s, %v; want the claim kept in draft", state, err)
		}
		if got, err := db.FindClaimFindings(ctx, c.ID); err != nil || !cmp.Equal(got, dirty) {
			t.Errorf("findings = %+v, %v", got, err)
		}
		if state, err := db.RecordScrub(ctx, c.ID, dirty[1:]); err != nil || state != rcm.ClaimReady {
			t.Fatalf("scrub with a warning only: %s, %v; want ready", state, err)
		}
		for _, to := range []string{rcm.ClaimSubmitted, rcm.ClaimRejected, rcm.ClaimDraft} {
			if err := db.MoveClaim(ctx, c.ID, to, "test move to "+to); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		wantCode(t, db.MoveClaim(ctx, c.ID, rcm.ClaimPaid, "skip the line"), rcm.ECONFLICT)
		wantCode(t, db.MoveClaim(ctx, c.ID, rcm.ClaimReady, ""), rcm.EINVALID)
		got, err = db.FindClaimByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, h := range got.History {
			path = append(path, h.From+">"+h.To)
		}
		want := []string{">draft", "draft>ready", "ready>submitted", "submitted>rejected", "rejected>draft"}
		if got.History[1].Reason != "scrubbed: 1 findings, 0 errors" {
			t.Errorf("ready reason = %q", got.History[1].Reason)
		}
		if diff := cmp.Diff(want, path); diff != "" {
			t.Errorf("history mismatch (-want +got):\n%s", diff)
		}
		list, err := db.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: "A1001-1-1"})
		if err != nil || len(list) != 1 || list[0].State != rcm.ClaimDraft {
			t.Errorf("FindClaims by control number = %v, %v", list, err)
		}
		if _, err := db.ExecContext(context.Background(), `DELETE FROM claim_event`); err == nil {
			t.Error("claim history could be deleted")
		}
		// A replacement needs the payer's claim number.
		repl := *c
		repl.ID, repl.ControlNumber, repl.Frequency = 0, "A1001-1-1R", rcm.FrequencyReplacement
		wantCode(t, db.CreateClaim(ctx, &repl), rcm.EINVALID)
	})
}

func TestFeeSchedule(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		for _, e := range []rcm.FeeScheduleEntry{
			{Code: "99213", Charge: 10000, EffectiveFrom: rcm.MustParseDate("2025-01-01")},
			{Code: "99213", Charge: 11000, EffectiveFrom: rcm.MustParseDate("2026-01-01")},
			{Code: "99213", Modifier: "25", Charge: 12000, EffectiveFrom: rcm.MustParseDate("2026-01-01")},
		} {
			if err := db.SetFee(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			mod, on string
			want    rcm.Money
		}{
			{"", "2025-06-01", 10000},
			{"", "2026-01-01", 11000},
			{"25", "2026-02-01", 12000},
			{"25", "2025-06-01", 10000}, // no modifier price yet: the code's
			{"59", "2026-02-01", 11000},
		}
		for _, tt := range tests {
			got, err := db.FindFee(ctx, "99213", tt.mod, rcm.MustParseDate(tt.on))
			if err != nil || got != tt.want {
				t.Errorf("FindFee(99213, %q, %s) = %v, %v; want %v", tt.mod, tt.on, got, err, tt.want)
			}
		}
		_, err := db.FindFee(ctx, "99213", "", rcm.MustParseDate("2024-01-01"))
		wantCode(t, err, rcm.ENOTFOUND)
		wantCode(t, db.SetFee(ctx, rcm.FeeScheduleEntry{Code: "992", Charge: 1, EffectiveFrom: rcm.MustParseDate("2026-01-01")}), rcm.EINVALID)
	})
}

// Control numbers reserved concurrently never overlap, on either store.
func TestReserveControlNumbers(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		const workers, each = 4, 10
		firsts := make(chan int64, workers*each)
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			go func() {
				for i := 0; i < each; i++ {
					n, err := db.ReserveControlNumbers(ctx, "RECV", 3)
					firsts <- n
					errs <- err
				}
			}()
		}
		seen := map[int64]bool{}
		for i := 0; i < workers*each; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			n := <-firsts
			for k := n; k < n+3; k++ {
				if seen[k] {
					t.Fatalf("control number %d handed out twice", k)
				}
				seen[k] = true
			}
		}
		if len(seen) != workers*each*3 {
			t.Errorf("%d numbers, want %d", len(seen), workers*each*3)
		}
		other, err := db.ReserveControlNumbers(ctx, "OTHER", 1)
		if err != nil || other != 1 {
			t.Errorf("another receiver starts at %d, %v; want 1", other, err)
		}
		_, err = db.ReserveControlNumbers(ctx, "", 1)
		wantCode(t, err, rcm.EINVALID)
	})
}

func TestClearinghouseSettings(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		_, err := db.FindClearinghouse(ctx)
		wantCode(t, err, rcm.ENOTFOUND)
		c := &rcm.Clearinghouse{SubmitterID: "LAKESIDE01", SubmitterName: "Lakeside", ContactName: "Billing", ContactPhone: "2175550140",
			ReceiverID: "SANDBOXCH", ReceiverName: "Sandbox", Transport: "dir:/tmp/ch"}
		if err := db.SetClearinghouse(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Production = true
		if err := db.SetClearinghouse(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindClearinghouse(ctx)
		if err != nil || !cmp.Equal(c, got) {
			t.Errorf("FindClearinghouse = %+v, %v; want %+v", got, err, c)
		}
		bad := *c
		bad.Transport = "ftp://x"
		wantCode(t, db.SetClearinghouse(ctx, &bad), rcm.EINVALID)
		bad = *c
		bad.SubmitterID = "A*B"
		wantCode(t, db.SetClearinghouse(ctx, &bad), rcm.EINVALID)
	})
}
