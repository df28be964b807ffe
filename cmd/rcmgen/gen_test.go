package main

import (
	"context"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestGenerate makes 200 claims (and a second organization of 40) on both
// databases and reads them back through the store as the screens do: the
// ledger check finds every line balanced, the KPI report says what the
// fates were made to say, the denials and the follow-up queue hold the
// denied lines, and one more 835 posts through the real posting code on
// a generated claim, leaving the ledger balanced.
func TestGenerate(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := sqldbtest.Open(t, dialect)
			today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			orgs, st, err := Generate(ctx, db, Options{Claims: 200, Others: 1, OtherClaims: 40, Payers: 3, Providers: 2, Today: today})
			if err != nil {
				t.Fatal(err)
			}
			if len(orgs) != 2 || st.Rows < 200*20 {
				t.Fatalf("%d organizations, %d rows", len(orgs), st.Rows)
			}
			checkLedger(t, ctx, db.CheckLedger, 2, 2*240)
			o := orgs[0]
			actx := o.Ctx(ctx)
			r, err := db.KPIReport(actx, o.Start.Time(), today)
			if err != nil {
				t.Fatal(err)
			}
			// 200 claims: 190 answered (x % 20 = 7 never), 20 denied in
			// whole, 4 rejected once (x % 50 = 3) of 200 submitted.
			tot := r.Total
			if tot.ClaimsAnswered != 190 || tot.ClaimsDenied != 20 || tot.ClaimsSubmitted != 200 || tot.ClaimsClean != 196 {
				t.Errorf("KPI report: answered %d denied %d submitted %d clean %d, want 190, 20, 200, 196", tot.ClaimsAnswered, tot.ClaimsDenied, tot.ClaimsSubmitted, tot.ClaimsClean)
			}
			// Open A/R: 10 unanswered claims at $230.50, 20 partly paid
			// with $35.50 to the patient, 20 with a $155.50 deductible,
			// 130 paid with $35.50 coinsurance.
			if want := rcm.Money(10*23050 + 20*3550 + 20*15550 + 130*3550); tot.OpenAR != want {
				t.Errorf("open A/R %s, want %s", tot.OpenAR, want)
			}
			ds, err := db.FindDenials(actx, remit.DenialFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			// Denied lines: 2 per claim denied in whole, 1 per partly paid.
			if len(ds) != 20*2+20 {
				t.Errorf("%d denied lines, want 60", len(ds))
			}
			items, err := db.FindFollowUps(actx, followup.Filter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			// The denied lines, and the unanswered claims seen 45 days
			// after their visit before today.
			if len(items) < 60 || len(items) > 70 {
				t.Errorf("%d open work items, want 60 denials and up to 10 without answer", len(items))
			}
			if _, err := postOne(actx, db, o); err != nil {
				t.Fatal(err)
			}
			checkLedger(t, ctx, db.CheckLedger, 2, 2*240)
		})
	}
}

func checkLedger(t *testing.T, ctx context.Context, check func(context.Context) ([]*sqldb.LedgerReport, error), orgs, lines int) {
	t.Helper()
	reps, err := check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range reps {
		n += r.Totals.Lines
		for _, v := range r.Violations {
			t.Errorf("%s: %s", r.OrgName, v)
		}
	}
	if len(reps) != orgs || n != lines {
		t.Errorf("ledger check: %d organizations, %d lines, want %d and %d", len(reps), n, orgs, lines)
	}
}
