package jobs_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// pipelineOrg stores an organization with a practice, a payer, patients
// with coverage, a fee, a clearinghouse whose outbound folder is dir, and
// n coded encounters.
func pipelineOrg(t *testing.T, db *sqldb.DB, name, dir string, n int) context.Context {
	t.Helper()
	ctx, _ := sqldbtest.Org(t, db, name)
	addr := rcm.Address{Line1: "1 Main St", City: "Springfield", State: "IL", ZIP: "627011234"}
	practice := &rcm.Practice{Name: "P", NPI: "1234567893", TIN: "12-3456789", Address: addr}
	must(t, db.CreatePractice(ctx, practice))
	prov := &rcm.Provider{PracticeID: practice.ID, FirstName: "A", LastName: "B", NPI: "1245319599"}
	must(t, db.CreateProvider(ctx, prov))
	payer := &rcm.Payer{Name: "Medicare", PayerID: "P1", FilingIndicator: "MB"}
	must(t, db.CreatePayer(ctx, payer))
	must(t, db.SetFee(ctx, rcm.FeeScheduleEntry{Code: "99213", Charge: 11000, EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
	must(t, db.SetClearinghouse(ctx, &rcm.Clearinghouse{SubmitterID: "SUB1", SubmitterName: "P", ContactName: "Billing", ContactPhone: "2175550140",
		ReceiverID: "CH1", ReceiverName: "Clearinghouse", Transport: "dir:" + dir}))
	var pats []*rcm.Patient
	for i := range 3 {
		pat := &rcm.Patient{AccountNumber: fmt.Sprintf("ACC%d", i), FirstName: "C", LastName: "D", BirthDate: rcm.MustParseDate("1950-01-01"), Sex: "F", Address: addr}
		must(t, db.CreatePatient(ctx, pat))
		must(t, db.CreateCoverage(ctx, &rcm.Coverage{PatientID: pat.ID, PayerID: payer.ID, Order: 1, MemberID: fmt.Sprintf("1EG4TE5MK7%d", i),
			Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}))
		pats = append(pats, pat)
	}
	for i := range n {
		e := &rcm.Encounter{PatientID: pats[i%len(pats)].ID, PracticeID: practice.ID, RenderingProviderID: prov.ID,
			DateOfService: rcm.MustParseDate("2026-01-02").AddDays(i), PlaceOfService: "11", Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: 1200, Pointers: []int{1}}}}
		must(t, db.CreateEncounter(ctx, e))
		e.Status = rcm.EncounterCoded
		must(t, db.UpdateEncounter(ctx, e))
	}
	return ctx
}

// Two queue workers running the claim pipeline split an organization's
// blocks of encounters between them, and no claim is built or submitted
// twice (issue 15).
func TestClaimPipelineTwoWorkers(t *testing.T) {
	const perOrg = 6
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := open(t, dialect)
			dir := t.TempDir()
			// The pipeline is off until an admin sets its schedule.
			for _, org := range []string{"Org A", "Org B"} {
				ctx := pipelineOrg(t, db, org, filepath.Join(dir, org), perOrg)
				must(t, db.SetJobSchedule(ctx, rcm.JobSchedule{Kind: "claim_pipeline", Every: 5 * time.Minute, Enabled: true}, nil))
			}
			var mu sync.Mutex
			done := map[string][]jobs.PipelineBlockArgs{}
			submitted := 0
			scrubber := &claim.Scrubber{Today: rcm.MustParseDate("2026-03-02"), Codes: claim.CatalogChecker{Catalog: codeset.NewCatalog(codeset.Starter())}}
			start := func(name string) {
				p := jobs.Pipeline{Store: db, Block: 4, Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) },
					Open: openDir,
					Scrubber: func(context.Context, rcm.Date, int64) (*claim.Scrubber, error) {
						return scrubber, nil
					},
					Done: func(_ context.Context, a jobs.PipelineBlockArgs, r jobs.PipelineResult) {
						mu.Lock()
						defer mu.Unlock()
						done[name] = append(done[name], a)
						submitted += r.Submitted
					}}
				q, err := jobs.New(jobs.Config{DB: db.SQL(), Dialect: db.Dialect(), Kinds: jobs.ClaimPipeline(p), Schedules: db, Work: true,
					Workers: 1, Tick: time.Minute, Poll: 250 * time.Millisecond, Observer: failures{t}})
				must(t, err)
				must(t, q.Start(context.Background()))
				t.Cleanup(func() {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					q.Stop(ctx)
				})
			}
			start("first")
			start("second")
			deadline := time.Now().Add(30 * time.Second)
			for {
				var n int
				must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM claim WHERE state = 'submitted'`).Scan(&n))
				mu.Lock()
				reported := submitted
				mu.Unlock()
				if n == 2*perOrg && reported == n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d claims submitted after 30 s", n, 2*perOrg)
				}
				time.Sleep(50 * time.Millisecond)
			}
			var claims, encounters, twice, sentTwice, lines int
			must(t, db.SQL().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT encounter_id) FROM claim`).Scan(&claims, &encounters))
			must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM (SELECT encounter_id FROM claim GROUP BY encounter_id HAVING COUNT(*) > 1) d`).Scan(&twice))
			must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM (SELECT claim_id FROM submission_claim GROUP BY claim_id HAVING COUNT(*) > 1) d`).Scan(&sentTwice))
			must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM submission_claim`).Scan(&lines))
			if claims != 2*perOrg || encounters != 2*perOrg || twice != 0 {
				t.Errorf("%d claims of %d encounters, %d encounters with two claims; want %d each, none twice", claims, encounters, twice, 2*perOrg)
			}
			if lines != 2*perOrg || sentTwice != 0 {
				t.Errorf("%d claims in submissions, %d claims sent twice; want %d, none twice", lines, sentTwice, 2*perOrg)
			}
			mu.Lock()
			defer mu.Unlock()
			if submitted != 2*perOrg {
				t.Errorf("the block jobs report %d claims submitted, want %d", submitted, 2*perOrg)
			}
			// Every block of each organization was worked once, whichever
			// worker took it.
			seen := map[jobs.PipelineBlockArgs]int{}
			for _, blocks := range done {
				for _, b := range blocks {
					seen[b]++
				}
			}
			for b, n := range seen {
				if n != 1 {
					t.Errorf("block %+v worked %d times", b, n)
				}
			}
			if len(seen) < 4 {
				t.Errorf("%d blocks worked; want at least 4 (%d encounters per organization in blocks of 4 ids)", len(seen), perOrg)
			}
			t.Logf("%s: first worker %d blocks, second %d", dialect, len(done["first"]), len(done["second"]))
		})
	}
}

// failures reports the jobs that failed.
type failures struct{ t *testing.T }

func (f failures) JobDone(kind string, _ time.Duration, err error) {
	if err != nil {
		f.t.Logf("job %s failed: %v", kind, err)
	}
}
