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
// They are stored in one transaction (CreateEncounter joins it), which
// makes a thousand of them cheap enough for a unit test.
func codedEncounters(t *testing.T, ctx context.Context, f *fixture, n int, bad func(i int) string) []int64 {
	t.Helper()
	ids := make([]int64, n)
	must(t, f.db.Atomically(ctx, func(ctx context.Context) error {
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
			if err := f.db.CreateEncounter(ctx, e); err != nil {
				return err
			}
			ids[i] = e.ID
		}
		return nil
	}))
	return ids
}

// claimsIn returns the ids of every claim in a state, paging as the
// pipeline does: one query per page instead of a read per claim.
func claimsIn(t *testing.T, ctx context.Context, f *fixture, state string) map[int64]bool {
	t.Helper()
	out := map[int64]bool{}
	var after int64
	for {
		ids, err := f.db.FindClaimIDs(ctx, state, 0, after, claim.PageSize)
		must(t, err)
		if len(ids) == 0 {
			return out
		}
		for _, id := range ids {
			out[id] = true
		}
		after = ids[len(ids)-1]
	}
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
	// Only the encounters without coverage are still coded (one read of
	// the coded list); every other one has its claim, and a sample is
	// read whole.
	coded, err := f.db.FindEncounters(ctx, rcm.EncounterFilter{Status: rcm.EncounterCoded, Limit: 1000})
	must(t, err)
	stillCoded := map[int64]bool{}
	for _, e := range coded {
		stillCoded[e.ID] = true
	}
	for i, id := range ids {
		if stillCoded[id] != (kind(i) == "nocoverage") || (claimOf[id] == 0) != (kind(i) == "nocoverage") {
			t.Errorf("encounter %d (%s): still coded %v, claim %d", id, kind(i), stillCoded[id], claimOf[id])
		}
		if i%211 != 0 || claimOf[id] == 0 {
			continue
		}
		e, err := f.db.FindEncounterByID(ctx, id)
		must(t, err)
		if e.Status != rcm.EncounterBilled {
			t.Errorf("encounter %d is %s, want billed", id, e.Status)
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
	ready, drafts := claimsIn(t, ctx, f, rcm.ClaimReady), claimsIn(t, ctx, f, rcm.ClaimDraft)
	for i, enc := range ids {
		id := claimOf[enc]
		if id == 0 {
			continue
		}
		if scrubbed[id] != 1 {
			t.Errorf("claim %d scrubbed %d times", id, scrubbed[id])
		}
		if isDraft := want[enc] == "future"; ready[id] == isDraft || drafts[id] != isDraft {
			t.Errorf("claim %d of encounter %d (%q): ready %v, draft %v", id, enc, want[enc], ready[id], drafts[id])
		}
		if want[enc] == "future" && i%53 == 0 {
			fs, err := f.db.FindClaimFindings(ctx, id)
			must(t, err)
			if len(fs) == 0 || fs[0].Rule != "CLM-DOS" {
				t.Errorf("claim %d findings %+v, want CLM-DOS", id, fs)
			}
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
