package claim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// codedEncounters stores n coded encounters of the fixture's patient. The
// ones bad says are broken as named: "nocoverage" dates the visit before
// any coverage; "future" points a line at a diagnosis that is not there
// (a claim that builds but fails the scrub, CLM-POINTER).
func codedEncounters(t *testing.T, ctx context.Context, f *fixture, n int, bad func(i int) string) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range n {
		e := &rcm.Encounter{PatientID: f.encounter.PatientID, PracticeID: f.practice.ID, RenderingProviderID: f.prov.ID, DateOfService: rcm.MustParseDate("2026-01-02"),
			PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: 1200, Pointers: []int{1}}}}
		switch bad(i) {
		case "nocoverage":
			e.DateOfService = rcm.MustParseDate("2024-06-03")
		case "future":
			e.DateOfService = rcm.MustParseDate("2026-05-04")
		}
		must(t, f.db.CreateEncounter(ctx, e))
		ids[i] = e.ID
	}
	return ids
}

// A build and a scrub over more than two pages handle every encounter and
// every draft exactly once, and the ones that fail (no coverage; a scrub
// error in every claim of the whole first page) hold up none of the
// others: the keyset cursor passes them (issue 15, scrub --all starved).
func TestBuildAllAndScrubAllPageThroughEverything(t *testing.T) {
	ctx, f := setup(t)
	n := 2*claim.PageSize + 37
	kind := func(i int) string {
		switch {
		case i%97 == 5:
			return "nocoverage"
		case i < claim.PageSize+10:
			return "future"
		}
		return ""
	}
	ids := codedEncounters(t, ctx, f, n, kind)
	want := map[int64]string{}
	for i, id := range ids {
		want[id] = kind(i)
	}

	seen := map[int64]int{}
	claimOf := map[int64]int64{}
	var order []int64
	err := claim.BuildAll(ctx, f.db, 1, func(r claim.Built) error {
		seen[r.EncounterID]++
		order = append(order, r.EncounterID)
		switch {
		case want[r.EncounterID] == "nocoverage" && rcm.ErrorCode(r.Err) != rcm.EUNPROCESSABLE:
			t.Errorf("encounter %d without coverage: %v", r.EncounterID, r.Err)
		case want[r.EncounterID] != "nocoverage" && r.Err != nil:
			t.Errorf("encounter %d: %v", r.EncounterID, r.Err)
		case r.Claim != nil:
			if r.Claim.ID == 0 || r.Claim.Lines[0].Charge != 11000 {
				t.Errorf("encounter %d: claim id %d, first line %v", r.EncounterID, r.Claim.ID, r.Claim.Lines[0].Charge)
			}
			claimOf[r.EncounterID] = r.Claim.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's own encounter is open, so it is not billed.
	if len(seen) != n {
		t.Fatalf("build reported %d encounters, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("encounter %d reported %d times", id, k)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Fatalf("build order not by id at %d: %d after %d", i, order[i], order[i-1])
		}
	}
	for i, id := range ids {
		e, err := f.db.FindEncounterByID(ctx, id)
		must(t, err)
		wantStatus := rcm.EncounterBilled
		if kind(i) == "nocoverage" {
			wantStatus = rcm.EncounterCoded
		}
		if e.Status != wantStatus {
			t.Errorf("encounter %d (%s) is %s, want %s", id, kind(i), e.Status, wantStatus)
		}
		if i%211 != 0 || claimOf[id] == 0 {
			continue
		}
		// A claim built in a set is the claim built one at a time.
		got, err := f.db.FindClaimByID(ctx, claimOf[id])
		must(t, err)
		if got.EncounterID != id || len(got.Lines) != 2 || len(got.Diagnoses) != 1 || got.State != rcm.ClaimDraft || len(got.History) != 1 {
			t.Errorf("stored claim of encounter %d: %+v", id, got)
		}
	}

	// A second run picks up only what is still coded: the encounters
	// without coverage, once each.
	again := 0
	must(t, claim.BuildAll(ctx, f.db, 1, func(r claim.Built) error {
		again++
		if want[r.EncounterID] != "nocoverage" || r.Err == nil {
			t.Errorf("second build: encounter %d (%q): %v", r.EncounterID, want[r.EncounterID], r.Err)
		}
		return nil
	}))
	if again == 0 {
		t.Error("second build reported nothing")
	}

	s := &claim.Scrubber{Today: rcm.MustParseDate("2026-03-02")}
	scrubbed := map[int64]int{}
	states := map[string]int{}
	must(t, claim.ScrubAll(ctx, f.db, s, rcm.ClaimDraft, nil, func(r claim.Scrubbed) error {
		scrubbed[r.Claim.ID]++
		states[r.State]++
		return nil
	}))
	if len(scrubbed) != len(claimOf) {
		t.Errorf("scrubbed %d claims, want %d", len(scrubbed), len(claimOf))
	}
	for enc, id := range claimOf {
		if scrubbed[id] != 1 {
			t.Errorf("claim %d scrubbed %d times", id, scrubbed[id])
		}
		c, err := f.db.FindClaimByID(ctx, id)
		must(t, err)
		wantState := rcm.ClaimReady
		if want[enc] == "future" {
			wantState = rcm.ClaimDraft
			fs, err := f.db.FindClaimFindings(ctx, id)
			must(t, err)
			if len(fs) == 0 || fs[0].Rule != "CLM-DOS" {
				t.Errorf("claim %d findings %+v, want CLM-DOS", id, fs)
			}
		}
		if c.State != wantState {
			t.Errorf("claim %d of encounter %d (%q) is %s, want %s", id, enc, want[enc], c.State, wantState)
		}
	}
	if states[rcm.ClaimReady] == 0 || states[rcm.ClaimDraft] == 0 {
		t.Errorf("states after scrub: %v", states)
	}

	// The ready claims go out in one file though they span pages; the same
	// key again sends nothing new.
	send := &recorder{}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	subs, err := claim.SubmitAll(ctx, f.db, send, partner, f.primary.ID, "k", now, false)
	must(t, err)
	if len(subs) != 1 || len(subs[0].ClaimIDs) != states[rcm.ClaimReady] || len(send.files) != 1 {
		t.Fatalf("submitted %d files (%d sent) for %d ready claims", len(subs), len(send.files), states[rcm.ClaimReady])
	}
	subs, err = claim.SubmitAll(ctx, f.db, send, partner, f.primary.ID, "k", now, false)
	must(t, err)
	if len(subs) != 1 || send.sends != 1 {
		t.Errorf("second submit: %d submissions, %d sends", len(subs), send.sends)
	}
	left, err := f.db.FindClaimIDs(ctx, rcm.ClaimReady, 0, 0, claim.PageSize)
	must(t, err)
	if len(left) != 0 {
		t.Errorf("%d claims still ready after the submission", len(left))
	}
}

// A claim the store refuses (its claim number taken) would roll its page
// back whole: BuildAll stores that page claim by claim instead, names the
// refused one and builds the others.
func TestBuildAllRefusedClaimDoesNotBlockPage(t *testing.T) {
	ctx, f := setup(t)
	ids := codedEncounters(t, ctx, f, 5, func(int) string { return "" })
	// A claim already holds the number the third encounter's claim would get.
	taken := &rcm.Claim{EncounterID: f.encounter.ID, PatientID: f.encounter.PatientID, PayerID: f.primary.ID, CoverageID: f.c1.ID,
		ControlNumber: fmt.Sprintf("ACC1-%d-1", ids[2]), Frequency: rcm.FrequencyOriginal, DateOfService: f.encounter.DateOfService, PlaceOfService: "11",
		Diagnoses: f.encounter.Diagnoses, Lines: []rcm.ClaimLine{{ServiceLine: f.encounter.Lines[1]}}}
	must(t, f.db.CreateClaims(ctx, []*rcm.Claim{taken}))
	built := map[int64]bool{}
	var refused []int64
	must(t, claim.BuildAll(ctx, f.db, 1, func(r claim.Built) error {
		switch {
		case r.Err != nil && rcm.ErrorCode(r.Err) == rcm.ECONFLICT:
			refused = append(refused, r.EncounterID)
		case r.Err != nil:
			t.Errorf("encounter %d: %v", r.EncounterID, r.Err)
		default:
			built[r.EncounterID] = true
		}
		return nil
	}))
	if len(refused) != 1 || refused[0] != ids[2] || len(built) != 4 {
		t.Errorf("refused %v, built %v; want only encounter %d refused", refused, built, ids[2])
	}
	for _, id := range ids {
		e, err := f.db.FindEncounterByID(ctx, id)
		must(t, err)
		if want := built[id]; (e.Status == rcm.EncounterBilled) != want {
			t.Errorf("encounter %d is %s (built %v)", id, e.Status, want)
		}
	}
}
