package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// historyFixture is an organization with three 835s posted on three days:
// one paying a claim in full detail (ACME, paid 2026-02-03), one paying a
// second claim with a claim it does not have and a PLB (ACME, paid
// 2026-02-10), and one with only a claim it does not have (the secondary
// payer, paid 2026-02-20).
type historyFixture struct {
	*remitFixture
	rems    []*remit.Remittance
	results []*remit.Result
	claims  map[string]*rcm.Claim // by control number
}

func newHistoryFixture(t *testing.T, db *sqldb.DB, org string) *historyFixture {
	t.Helper()
	f := &historyFixture{remitFixture: newRemitFixture(t, db, org, false), claims: map[string]*rcm.Claim{}}
	c1 := f.claim("H-1", dos(), threeLines()...)
	c2 := f.claim("H-2", dos(), rcm.ServiceLine{Code: "99213", Charge: m("100")})
	f.claims[c1.ControlNumber], f.claims[c2.ControlNumber] = c1, c2

	rem1 := primary835("EFT100", c1.ControlNumber)

	rem2 := primary835("EFT200", c2.ControlNumber)
	rem2.PaidOn = rcm.MustParseDate("2026-02-10")
	rem2.Claims = []*remit.ClaimPayment{
		{ControlNumber: c2.ControlNumber, Status: "1", Charge: m("100"), Paid: m("60"), PatientResponsibility: m("15"), PayerClaimNumber: "P2",
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("15")}}},
		{ControlNumber: "NOT-OURS-1", Status: "1", Charge: m("40"), Paid: m("30"), PayerClaimNumber: "P3",
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}},
	}
	rem2.ProviderAdjustments = []remit.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Amount: m("-2.25")},
		{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "WO", Reference: "R1", Amount: m("5")}}
	rem2.Amount = m("90") - m("2.75")

	rem3 := &remit.Remittance{Handling: "I", Amount: m("12"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-20"), Trace: "CHK300",
		TraceOriginator: "1888888888", PayerName: "SECOND HEALTH", PayerIdentifier: "SEC22",
		Claims: []*remit.ClaimPayment{{ControlNumber: "NOT-OURS-2", Status: "1", Charge: m("12"), Paid: m("12")}}}

	for i, rem := range []*remit.Remittance{rem1, rem2, rem3} {
		// Each 835 is posted on its own day.
		db.Clock = rcm.NewStepClock(time.Date(2026, 2, 4+7*i, 14, 0, 0, 0, time.UTC))
		f.rems = append(f.rems, rem)
		f.results = append(f.results, f.post(rem))
	}
	return f
}

// want is the summary the history should give for the i-th 835, worked
// out from the 835 itself and what posting reported.
func (f *historyFixture) want(i int) *remit.RemittanceSummary {
	rem, res := f.rems[i], f.results[i]
	payer := f.s.payer
	if rem.PayerIdentifier == f.secondary.PayerID {
		payer = f.secondary
	}
	a, _ := rcm.ActorFromContext(f.ctx)
	w := &remit.RemittanceSummary{ID: res.RemittanceID, PayerID: payer.ID, PayerName: payer.Name, Trace: rem.Trace, Handling: rem.Handling,
		Method: rem.Method, Amount: rem.Amount, PaidOn: rem.PaidOn, Claims: len(rem.Claims), Posted: res.Posted + res.Reversals,
		Exceptions: len(res.Exceptions), OpenExceptions: len(res.Exceptions), PostedAt: res.PostedAt, PostedBy: a.UserID, PostedByName: "Org Hist admin"}
	for _, cp := range rem.Claims {
		if f.claims[cp.ControlNumber] == nil {
			continue
		}
		w.Paid += cp.Paid
		w.PatientResponsibility += cp.PatientResponsibility
		w.Adjusted += cp.Charge - cp.Paid - cp.PatientResponsibility
	}
	for _, p := range rem.ProviderAdjustments {
		w.PLBTotal += p.Amount
	}
	return w
}

func TestFindRemittances(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newHistoryFixture(t, db, "Org Hist")
		all := []*remit.RemittanceSummary{f.want(2), f.want(1), f.want(0)}
		got, err := db.FindRemittances(f.ctx, remit.RemittanceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, got); diff != "" {
			t.Fatalf("history mismatch (-want +got):\n%s", diff)
		}

		// The sums are what the ledger holds: every payment the payer
		// made, and the contractual adjustments of the one 835 that paid
		// a claim with CO adjustments only on posted lines.
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var paid rcm.Money
		for i, r := range got {
			paid += r.Paid
			// The history is newest first, the results in posting order.
			if res := f.results[len(got)-1-i]; r.Paid != res.PostedAmount {
				t.Errorf("remittance %d: paid %s, posting reported %s", r.ID, r.Paid, res.PostedAmount)
			}
		}
		if paid != tot.PayerPaid[f.s.payer.ID] {
			t.Errorf("history paid %s, ledger payer paid %s", paid, tot.PayerPaid[f.s.payer.ID])
		}
		if got[1].Adjusted+got[2].Adjusted != tot.Adjusted["CO"] {
			t.Errorf("history adjusted %s + %s, ledger CO %s", got[1].Adjusted, got[2].Adjusted, tot.Adjusted["CO"])
		}

		id := func(i int) int64 { return f.results[i].RemittanceID }
		d := rcm.MustParseDate
		for _, tc := range []struct {
			name   string
			filter remit.RemittanceFilter
			want   []int64
		}{
			{"payer", remit.RemittanceFilter{PayerID: f.secondary.ID}, []int64{id(2)}},
			{"other payer", remit.RemittanceFilter{PayerID: f.s.payer.ID}, []int64{id(1), id(0)}},
			{"trace", remit.RemittanceFilter{Trace: "EFT200"}, []int64{id(1)}},
			{"unknown trace", remit.RemittanceFilter{Trace: "EFT2"}, nil},
			{"paid from", remit.RemittanceFilter{PaidFrom: d("2026-02-10")}, []int64{id(2), id(1)}},
			{"paid to", remit.RemittanceFilter{PaidTo: d("2026-02-10")}, []int64{id(1), id(0)}},
			{"paid on one day", remit.RemittanceFilter{PaidFrom: d("2026-02-03"), PaidTo: d("2026-02-03")}, []int64{id(0)}},
			{"posted from", remit.RemittanceFilter{PostedFrom: d("2026-02-11")}, []int64{id(2), id(1)}},
			{"posted to", remit.RemittanceFilter{PostedTo: d("2026-02-11")}, []int64{id(1), id(0)}},
			{"posted on one day", remit.RemittanceFilter{PostedFrom: d("2026-02-18"), PostedTo: d("2026-02-18")}, []int64{id(2)}},
			{"posted before any", remit.RemittanceFilter{PostedTo: d("2026-02-03")}, nil},
			{"payer and date", remit.RemittanceFilter{PayerID: f.s.payer.ID, PaidFrom: d("2026-02-04")}, []int64{id(1)}},
			{"first page", remit.RemittanceFilter{Limit: 2}, []int64{id(2), id(1)}},
			{"second page by offset", remit.RemittanceFilter{Limit: 2, Offset: 2}, []int64{id(0)}},
			{"second page by key", remit.RemittanceFilter{Limit: 2, Before: id(1)}, []int64{id(0)}},
			{"key and limit", remit.RemittanceFilter{Limit: 1, Before: id(2)}, []int64{id(1)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.FindRemittances(f.ctx, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				if diff := cmp.Diff(tc.want, ids); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
			})
		}

		for _, tc := range []struct {
			filter remit.RemittanceFilter
			field  string
		}{
			{remit.RemittanceFilter{PaidFrom: d("2026-02-10"), PaidTo: d("2026-02-09")}, "paid_to"},
			{remit.RemittanceFilter{PostedFrom: d("2026-02-10"), PostedTo: d("2026-02-09")}, "posted_to"},
			{remit.RemittanceFilter{Trace: strings.Repeat("9", 81)}, "trace"},
		} {
			_, err := db.FindRemittances(f.ctx, tc.filter)
			if rcm.ErrorCode(err) != rcm.EINVALID || rcm.ErrorField(err) != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.filter, err, tc.field)
			}
		}

		// Coders and auditors read the history; no one outside the
		// organization sees it, and no one signed out.
		a, _ := rcm.ActorFromContext(f.ctx)
		for _, role := range []string{rcm.RoleCoder, rcm.RoleAuditor, rcm.RoleBiller} {
			ctx := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: a.UserID, OrgID: a.OrgID, Role: role, Reason: "test"})
			if got, err := db.FindRemittances(ctx, remit.RemittanceFilter{}); err != nil || len(got) != 3 {
				t.Errorf("%s: %d remittances, %v", role, len(got), err)
			}
		}
		if _, err := db.FindRemittances(context.Background(), remit.RemittanceFilter{}); rcm.ErrorCode(err) != rcm.EUNAUTHORIZED {
			t.Errorf("signed out: %v", err)
		}
		other, _ := sqldbtest.Org(t, db, "Org Other")
		if got, err := db.FindRemittances(other, remit.RemittanceFilter{}); err != nil || len(got) != 0 {
			t.Errorf("another organization sees %d remittances, %v", len(got), err)
		}
		if _, err := db.GetRemittance(other, id(0)); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("another organization's remittance: %v", err)
		}
		if _, err := db.GetRemittance(f.ctx, id(2)+1000); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("no such remittance: %v", err)
		}

		events, err := db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		reads := 0
		for _, e := range events {
			if e.Action == rcm.AuditRead && e.Entity == "remittances" {
				reads++
			}
		}
		// One per list above that was not refused: the first, the filter
		// cases and the three roles (the other organization's read is in
		// its own log).
		if want := 1 + 16 + 3; reads != want {
			t.Errorf("%d remittance list reads audited, want %d", reads, want)
		}
	})
}

func TestGetRemittance(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newHistoryFixture(t, db, "Org Hist")
		rem, res := f.rems[1], f.results[1]
		got, err := db.GetRemittance(f.ctx, res.RemittanceID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.want(1), &got.Summary); diff != "" {
			t.Errorf("summary mismatch (-want +got):\n%s", diff)
		}
		if len(got.ClaimPayments) != len(rem.Claims) {
			t.Fatalf("%d claim payments, want %d", len(got.ClaimPayments), len(rem.Claims))
		}
		var wantClaims []*remit.ClaimPaymentRecord
		for i, cp := range rem.Claims {
			// Ids are the store's; everything else comes from the 835.
			w := &remit.ClaimPaymentRecord{ID: got.ClaimPayments[i].ID, Seq: i + 1, ControlNumber: cp.ControlNumber,
				PayerClaimNumber: cp.PayerClaimNumber, Status: cp.Status, Charge: cp.Charge, Paid: cp.Paid, PatientResponsibility: cp.PatientResponsibility,
				Outcome: remit.OutcomeException}
			if c := f.claims[cp.ControlNumber]; c != nil {
				w.ClaimID, w.PatientID, w.Outcome, w.ClaimState = c.ID, c.PatientID, remit.OutcomePosted, rcm.ClaimPaid
			}
			wantClaims = append(wantClaims, w)
		}
		if diff := cmp.Diff(wantClaims, got.ClaimPayments); diff != "" {
			t.Errorf("claim payments mismatch (-want +got):\n%s", diff)
		}
		var wantPLB []*remit.ProviderAdjustmentRecord
		for i, p := range rem.ProviderAdjustments {
			wantPLB = append(wantPLB, &remit.ProviderAdjustmentRecord{Seq: i + 1, ProviderAdjustment: p})
		}
		if diff := cmp.Diff(wantPLB, got.ProviderAdjustments); diff != "" {
			t.Errorf("provider adjustments mismatch (-want +got):\n%s", diff)
		}
		if len(got.Exceptions) != 1 || got.Exceptions[0].ControlNumber != "NOT-OURS-1" || got.Exceptions[0].Amount != m("30") ||
			got.Exceptions[0].Resolution != nil || got.Exceptions[0].ClaimPaymentID != got.ClaimPayments[1].ID {
			t.Errorf("exceptions: %+v", got.Exceptions)
		}

		// The read is in the audit log of the remittance and of the
		// patient whose claim it pays.
		events, err := db.FindAuditEvents(f.ctx, rcm.AuditFilter{PatientID: f.s.patient.ID})
		if err != nil {
			t.Fatal(err)
		}
		if e := events[0]; e.Action != rcm.AuditRead || e.Entity != "remittance" || e.EntityID != res.RemittanceID {
			t.Errorf("patient's latest audit event: %+v", e)
		}
		// One event records the read, naming the patients it showed.
		all, _ := db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 2})
		if e := all[0]; e.Entity != "remittance" || e.EntityID != res.RemittanceID || !slices.Contains(e.PatientIDs, f.s.patient.ID) {
			t.Errorf("remittance read event: %+v", e)
		}
		if e := all[1]; e.Action == rcm.AuditRead && e.Entity == "remittance" {
			t.Errorf("the read wrote a second event: %+v", e)
		}
	})
}

func TestResolveRemitException(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newHistoryFixture(t, db, "Org Hist")
		a, _ := rcm.ActorFromContext(f.ctx)
		as := func(role string) context.Context {
			u := &rcm.User{OrgID: a.OrgID, Username: "hist." + role, Name: "Hist " + role, Role: role}
			if err := db.CreateUserWithHash(f.ctx, u, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
				t.Fatal(err)
			}
			return rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: u.ID, OrgID: a.OrgID, Role: role, Reason: "test"})
		}
		biller, coder, auditor := as(rcm.RoleBiller), as(rcm.RoleCoder), as(rcm.RoleAuditor)
		queue := func(status string) []*remit.Exception {
			t.Helper()
			xs, err := db.FindRemitExceptionQueue(coder, remit.ExceptionFilter{Status: status})
			if err != nil {
				t.Fatal(err)
			}
			return xs
		}
		open := queue("")
		if len(open) != 2 || open[0].ControlNumber != "NOT-OURS-1" || open[1].ControlNumber != "NOT-OURS-2" {
			t.Fatalf("open queue: %+v", open)
		}
		if diff := cmp.Diff(open, queue(remit.ExceptionsOpen)); diff != "" {
			t.Errorf("open by default mismatch (-want +got):\n%s", diff)
		}
		if got := queue(remit.ExceptionsResolved); len(got) != 0 {
			t.Errorf("resolved before any resolution: %+v", got)
		}
		x1, x2 := open[0].ID, open[1].ID

		// Refused: bad input, roles that may not resolve, an exception
		// that does not exist. Each changes nothing.
		events, _ := db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 1000})
		for _, tc := range []struct {
			name       string
			ctx        context.Context
			id         int64
			kind, note string
			code       string
			field      string
		}{
			{"unknown kind", biller, x1, "lost", "x", rcm.EINVALID, "kind"},
			{"no kind", biller, x1, "", "x", rcm.EINVALID, "kind"},
			{"empty note", biller, x1, remit.ResolvedNotOurs, "", rcm.EINVALID, "note"},
			{"blank note", biller, x1, remit.ResolvedNotOurs, " \n\t ", rcm.EINVALID, "note"},
			{"oversized note", biller, x1, remit.ResolvedNotOurs, strings.Repeat("é", remit.MaxResolutionNote+1), rcm.EINVALID, "note"},
			{"control character", biller, x1, remit.ResolvedNotOurs, "sent back\x00", rcm.EINVALID, "note"},
			{"invalid UTF-8", biller, x1, remit.ResolvedNotOurs, "sent \xff back", rcm.EINVALID, "note"},
			{"coder", coder, x1, remit.ResolvedNotOurs, "not ours", rcm.EFORBIDDEN, ""},
			{"auditor", auditor, x1, remit.ResolvedNotOurs, "not ours", rcm.EFORBIDDEN, ""},
			{"signed out", context.Background(), x1, remit.ResolvedNotOurs, "not ours", rcm.EUNAUTHORIZED, ""},
			{"no such exception", biller, x2 + 1000, remit.ResolvedNotOurs, "not ours", rcm.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.ResolveRemitException(tc.ctx, tc.id, tc.kind, tc.note)
				if rcm.ErrorCode(err) != tc.code || rcm.ErrorField(err) != tc.field {
					t.Errorf("error %v, want %s on field %q", err, tc.code, tc.field)
				}
			})
		}
		if diff := cmp.Diff(open, queue("")); diff != "" {
			t.Errorf("refused resolutions changed the queue (-want +got):\n%s", diff)
		}
		// Only the queue reads just above were written to the log.
		if after, _ := db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 1000}); len(after) != len(events)+1 {
			t.Errorf("refused resolutions wrote %d audit events", len(after)-len(events)-1)
		}

		// The biller resolves the first: who, when, how and why are kept.
		note := "Payer's claim for another practice; told the payer on 2026-02-12.\nNo refund due."
		got, err := db.ResolveRemitException(biller, x1, remit.ResolvedNotOurs, "  "+note+"  ")
		if err != nil {
			t.Fatal(err)
		}
		ba, _ := rcm.ActorFromContext(biller)
		if last, _ := db.FindAuditEvents(f.ctx, rcm.AuditFilter{Limit: 1}); last[0].Action != rcm.AuditUpdate || last[0].Entity != "remit_exception" ||
			last[0].EntityID != x1 || last[0].UserID != ba.UserID {
			t.Errorf("resolution audit event: %+v", last[0])
		}
		r := got.Resolution
		if got.ID != x1 || r == nil || r.ExceptionID != x1 || r.Kind != remit.ResolvedNotOurs || r.Note != note || r.UserID != ba.UserID ||
			r.UserName != "Hist biller" || r.ResolvedAt.IsZero() || !r.ResolvedAt.After(got.CreatedAt) {
			t.Errorf("resolved exception: %+v %+v", got, r)
		}
		if diff := cmp.Diff([]*remit.Exception{got}, queue(remit.ExceptionsResolved)); diff != "" {
			t.Errorf("resolved queue mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(open[1:], queue("")); diff != "" {
			t.Errorf("open queue after resolving mismatch (-want +got):\n%s", diff)
		}
		if xs := queue(remit.ExceptionsAll); len(xs) != 2 || xs[0].Resolution == nil || xs[1].Resolution != nil {
			t.Errorf("all: %+v", xs)
		}
		if old, err := db.FindRemitExceptions(biller); err != nil || len(old) != 1 || old[0].ID != x2 {
			t.Errorf("the open queue as posting lists it: %+v, %v", old, err)
		}
		sum, err := db.FindRemittances(biller, remit.RemittanceFilter{Trace: "EFT200"})
		if err != nil || len(sum) != 1 || sum[0].Exceptions != 1 || sum[0].OpenExceptions != 0 {
			t.Errorf("history after resolving: %+v, %v", sum, err)
		}

		// Resolved once: a second resolution, of any kind, is a conflict
		// and leaves the first as it was.
		for _, kind := range []string{remit.ResolvedNotOurs, remit.ResolvedOther} {
			if _, err := db.ResolveRemitException(f.ctx, x1, kind, "again"); rcm.ErrorCode(err) != rcm.ECONFLICT {
				t.Errorf("resolve again as %s: %v", kind, err)
			}
		}
		if diff := cmp.Diff([]*remit.Exception{got}, queue(remit.ExceptionsResolved)); diff != "" {
			t.Errorf("a second resolution changed the first (-want +got):\n%s", diff)
		}
		// Nor can the database be talked into it.
		for _, q := range []string{
			`UPDATE remit_exception_resolution SET note = 'changed' WHERE exception_id = ?`,
			`DELETE FROM remit_exception_resolution WHERE exception_id = ?`,
			`UPDATE remit_exception SET resolved_at = '' WHERE id = ?`,
		} {
			if _, err := db.ExecContext(context.Background(), q, x1); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}

		// Another organization cannot resolve this one's.
		other, _ := sqldbtest.Org(t, db, "Org Other")
		if _, err := db.ResolveRemitException(other, x2, remit.ResolvedOther, "mine?"); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("another organization resolves: %v", err)
		}

		// Resolving at the same moment from several connections resolves
		// once.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.ResolveRemitException(biller, x2, remit.ResolvedRefundRequested, fmt.Sprintf("refund asked, try %d", i))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch rcm.ErrorCode(err) {
			case "":
				won++
			case rcm.ECONFLICT:
			default:
				t.Errorf("concurrent resolve: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent resolutions succeeded, want 1", won)
		}
		if xs := queue(remit.ExceptionsResolved); len(xs) != 2 {
			t.Errorf("resolved after the race: %+v", xs)
		}
		if n, err := db.VerifyAuditChain(f.ctx); err != nil || n == 0 {
			t.Errorf("audit chain: %d, %v", n, err)
		}
	})
}
