package claim_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/x12"
)

// seedEncounters stores n coded encounters of two diagnoses and four lines
// (the first priced from the fee schedule) straight into the tables: the
// benchmark times building, scrubbing and writing claims, not coding.
func seedEncounters(tb testing.TB, ctx context.Context, f *fixture, n int) {
	tb.Helper()
	a, _ := rcm.ActorFromContext(ctx)
	err := f.db.Transact(ctx, func(tx *sqldb.Tx) error {
		enc, err := tx.PrepareContext(ctx, `INSERT INTO encounter (org_id, patient_id, practice_id, rendering_provider_id, date_of_service, place_of_service, note, status)
			VALUES (?, ?, ?, ?, '2026-01-02', '11', '', 'coded') RETURNING id`)
		if err != nil {
			return err
		}
		dx, err := tx.PrepareContext(ctx, `INSERT INTO encounter_diagnosis (org_id, encounter_id, seq, code) VALUES (?, ?, 1, 'E11.9'), (?, ?, 2, 'I10')`)
		if err != nil {
			return err
		}
		lines, err := tx.PrepareContext(ctx, `INSERT INTO service_line (org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service) VALUES
			(?, ?, 1, '99213', '', 1, 0, '1,2', '', ''), (?, ?, 2, '83036', '', 1, 10000, '1', '', ''),
			(?, ?, 3, '36415', '', 1, 1200, '1', '', ''), (?, ?, 4, '81002', '', 1, 900, '2', '', '')`)
		if err != nil {
			return err
		}
		for range n {
			var id int64
			if err := enc.QueryRowContext(ctx, a.OrgID, f.encounter.PatientID, f.practice.ID, f.prov.ID).Scan(&id); err != nil {
				return err
			}
			if _, err := dx.ExecContext(ctx, a.OrgID, id, a.OrgID, id); err != nil {
				return err
			}
			if _, err := lines.ExecContext(ctx, a.OrgID, id, a.OrgID, id, a.OrgID, id, a.OrgID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

var benchNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func benchScrubber() *claim.Scrubber {
	return &claim.Scrubber{Today: rcm.MustParseDate("2026-03-02"), Codes: claim.CatalogChecker{Catalog: codeset.NewCatalog(codeset.Starter())}}
}

// setBased is the pipeline `rcm claim build --all`, `scrub --all` and the
// submission run: every coded encounter built, every draft scrubbed, every
// ready claim written as 837P, a page at a time.
func setBased(tb testing.TB, ctx context.Context, f *fixture) int {
	t0 := time.Now()
	built := 0
	must(tb, claim.BuildAll(ctx, f.db, 1, func(r claim.Built) error {
		if r.Err != nil {
			return r.Err
		}
		built++
		return nil
	}))
	t1 := time.Now()
	must(tb, claim.ScrubAll(ctx, f.db, benchScrubber(), rcm.ClaimDraft, nil, func(claim.Scrubbed) error { return nil }))
	t2 := time.Now()
	written := 0
	var after int64
	for {
		ids, err := f.db.FindClaimIDs(ctx, rcm.ClaimReady, 0, after, claim.PageSize)
		must(tb, err)
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		claims := make([]*rcm.Claim, len(ids))
		for i, id := range ids {
			claims[i] = &rcm.Claim{ID: id}
		}
		bundles, err := claim.LoadAll(ctx, f.db, claims)
		must(tb, err)
		batch := &claim.Batch{Partner: partner, Reference: strconv.FormatInt(after, 10), Time: benchNow, Bundles: bundles}
		must(tb, claim.Write837P(io.Discard, batch, &x12.Counter{}))
		written += len(bundles)
	}
	if written != built {
		tb.Fatalf("built %d claims, wrote %d", built, written)
	}
	tb.Logf("set-based, %d claims: build %v, scrub %v, write 837P %v", built, t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), time.Since(t2).Round(time.Millisecond))
	return built
}

// perClaim is the path the commands took before issue 15: for each coded
// encounter (at most 1,000 per run, so runs repeat) the claim built and
// stored and the encounter read and marked billed; each draft read and
// scrubbed alone; ready claims listed 1,000 at a time and written.
func perClaim(tb testing.TB, ctx context.Context, f *fixture) int {
	s := benchScrubber()
	built := 0
	for {
		es, err := f.db.FindEncounters(ctx, rcm.EncounterFilter{Status: rcm.EncounterCoded, Limit: 1000})
		must(tb, err)
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			c, err := claim.Build(ctx, f.db, e.ID, 1)
			must(tb, err)
			must(tb, f.db.CreateClaim(ctx, c))
			e, err := f.db.FindEncounterByID(ctx, e.ID)
			must(tb, err)
			e.Status = rcm.EncounterBilled
			must(tb, f.db.UpdateEncounter(ctx, e))
			built++
		}
	}
	for {
		cs, err := f.db.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimDraft, Limit: 1000})
		must(tb, err)
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			_, err := f.db.FindClaimByID(ctx, c.ID)
			must(tb, err)
			if _, _, err := claim.ScrubClaim(ctx, f.db, s, c.ID); err != nil {
				tb.Fatal(err)
			}
		}
	}
	written := 0
	for before := int64(0); ; {
		cs, err := f.db.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimReady, Before: before, Limit: 1000})
		must(tb, err)
		if len(cs) == 0 {
			break
		}
		before = cs[len(cs)-1].ID
		bundles, err := claim.LoadAll(ctx, f.db, cs)
		must(tb, err)
		batch := &claim.Batch{Partner: partner, Reference: strconv.FormatInt(before, 10), Time: benchNow, Bundles: bundles}
		must(tb, claim.Write837P(io.Discard, batch, &x12.Counter{}))
		written += len(bundles)
	}
	if written != built {
		tb.Fatalf("built %d claims, wrote %d", built, written)
	}
	return built
}

// BenchmarkPipeline builds, scrubs and writes as 837P the claims of n coded
// encounters on SQLite, set-based (the commands now) and, on a smaller
// set in the same run, claim by claim (the commands before), and reports
// claims per second for each. The target: 100,000 encounters in
// under 10 s. RCM_BENCH_ENCOUNTERS sets n (default 100,000) and
// RCM_BENCH_PERCLAIM the per-claim set (default 2,000).
func BenchmarkPipeline(b *testing.B) {
	n, small := 100000, 2000
	if v, err := strconv.Atoi(os.Getenv("RCM_BENCH_ENCOUNTERS")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("RCM_BENCH_PERCLAIM")); err == nil && v > 0 {
		small = v
	}
	var setRate, oneRate, setCPU, oneCPU float64
	b.Run(fmt.Sprintf("set-based/encounters=%d", n), func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			ctx, f := setup(b)
			seedEncounters(b, ctx, f, n)
			b.StartTimer()
			start, cpu := time.Now(), processCPU()
			if got := setBased(b, ctx, f); got != n {
				b.Fatalf("%d claims, want %d", got, n)
			}
			setRate = float64(n) / time.Since(start).Seconds()
			setCPU = float64(n) / (processCPU() - cpu).Seconds()
		}
		b.ReportMetric(setRate, "claims/s")
		b.ReportMetric(setCPU, "claims/cpu-s")
	})
	b.Run(fmt.Sprintf("per-claim/encounters=%d", small), func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			ctx, f := setup(b)
			seedEncounters(b, ctx, f, small)
			b.StartTimer()
			start, cpu := time.Now(), processCPU()
			if got := perClaim(b, ctx, f); got != small {
				b.Fatalf("%d claims, want %d", got, small)
			}
			oneRate = float64(small) / time.Since(start).Seconds()
			oneCPU = float64(small) / (processCPU() - cpu).Seconds()
		}
		b.ReportMetric(oneRate, "claims/s")
		b.ReportMetric(oneCPU, "claims/cpu-s")
	})
	if setRate > 0 && oneRate > 0 {
		b.Logf("set-based %.0f claims/s (%.0f per CPU second), per-claim %.0f claims/s (%.0f per CPU second): %.1fx wall, %.1fx CPU",
			setRate, setCPU, oneRate, oneCPU, setRate/oneRate, setCPU/oneCPU)
	}
}
