package sqldb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

var m = rcm.MustParseMoney

// remitFixture is an organization with a primary payer (ACME1), a
// secondary payer (SEC22), a patient covered by both, and helpers to make
// submitted claims.
type remitFixture struct {
	t         testing.TB
	db        *sqldb.DB
	ctx       context.Context
	s         seeded
	secondary *rcm.Payer
	cov1      *rcm.Coverage
	cov2      *rcm.Coverage
}

func newRemitFixture(t testing.TB, db *sqldb.DB, org string, withSecondary bool) *remitFixture {
	t.Helper()
	ctx, _ := sqldbtest.Org(t, db, org)
	f := &remitFixture{t: t, db: db, ctx: ctx, s: seedTB(t, ctx, db)}
	f.secondary = &rcm.Payer{Name: "Second Health", PayerID: "SEC22", FilingIndicator: "CI"}
	if err := db.CreatePayer(ctx, f.secondary); err != nil {
		t.Fatal(err)
	}
	f.cov1 = &rcm.Coverage{PatientID: f.s.patient.ID, PayerID: f.s.payer.ID, Order: 1, MemberID: "W1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	if err := db.CreateCoverage(ctx, f.cov1); err != nil {
		t.Fatal(err)
	}
	if withSecondary {
		f.cov2 = &rcm.Coverage{PatientID: f.s.patient.ID, PayerID: f.secondary.ID, Order: 2, MemberID: "S2", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(ctx, f.cov2); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// claim makes a submitted claim of the lines to payer (the primary when
// 0), charged in the ledger as at submission.
func (f *remitFixture) claim(cn string, dos rcm.Date, lines ...rcm.ServiceLine) *rcm.Claim {
	t, ctx, db := f.t, f.ctx, f.db
	t.Helper()
	e := &rcm.Encounter{PatientID: f.s.patient.ID, PracticeID: f.s.practice.ID, RenderingProviderID: f.s.provider.ID,
		DateOfService: dos, PlaceOfService: "11", Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}}}
	for _, l := range lines {
		l.Pointers = []int{1}
		if l.Units == 0 {
			l.Units = 1
		}
		e.Lines = append(e.Lines, l)
	}
	if err := db.CreateEncounter(ctx, e); err != nil {
		t.Fatal(err)
	}
	ids, err := db.FindServiceLineIDs(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := &rcm.Claim{EncounterID: e.ID, PatientID: f.s.patient.ID, PayerID: f.s.payer.ID, CoverageID: f.cov1.ID, ControlNumber: cn,
		Frequency: "1", DateOfService: dos, PlaceOfService: "11", Diagnoses: e.Diagnoses}
	for i, l := range e.Lines {
		c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: ids[i], ServiceLine: l})
	}
	if err := db.CreateClaim(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordScrub(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "sent"); err != nil {
		t.Fatal(err)
	}
	if err := remit.ChargeClaim(ctx, db, c); err != nil {
		t.Fatal(err)
	}
	// Charging twice charges nothing.
	if err := remit.ChargeClaim(ctx, db, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *remitFixture) post(rem *remit.Remittance) *remit.Result {
	f.t.Helper()
	res, err := remit.Post(f.ctx, f.db, roundTrip(f.t, rem))
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// roundTrip writes rem as an 835 and reads it back, so every test posts
// what a payer's file would hold.
func roundTrip(t testing.TB, rem *remit.Remittance) *remit.Remittance {
	t.Helper()
	var b bytes.Buffer
	if err := remit.Write835(&b, remit.Envelope{Sender: "PAYER", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rem); err != nil {
		t.Fatal(err)
	}
	rems, err := remit.Read835(&b)
	if err != nil {
		t.Fatal(err)
	}
	return rems[0]
}

func (f *remitFixture) balances() []*ledger.LineBalance {
	f.t.Helper()
	bs, err := f.db.FindLineBalances(f.ctx, sqldb.LedgerFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return bs
}

func dos() rcm.Date { return rcm.MustParseDate("2026-01-02") }

// threeLines is a claim of an office visit with modifier 25, a lab test
// the payer will pay without its QW modifier, and a venipuncture it will
// deny.
func threeLines() []rcm.ServiceLine {
	return []rcm.ServiceLine{
		{Code: "99214", Modifiers: []string{"25"}, Charge: m("150")},
		{Code: "83036", Modifiers: []string{"QW"}, Charge: m("35.50")},
		{Code: "36415", Charge: m("20")},
	}
}

// primary835 pays claim cn: line 1 100 + CO-45 30 + PR-2 20; line 2 paid
// in full without its modifier; line 3 denied CO-97 with remark N130.
func primary835(trace, cn string) *remit.Remittance {
	d := dos()
	return &remit.Remittance{Handling: "I", Amount: m("135.50"), Method: "ACH", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: trace,
		TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1",
		Claims: []*remit.ClaimPayment{{ControlNumber: cn, Status: "1", Charge: m("205.50"), Paid: m("135.50"), PatientResponsibility: m("20"),
			FilingIndicator: "12", PayerClaimNumber: "PCN-" + cn,
			Lines: []*remit.LinePayment{
				{Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), Paid: m("100"), Units: 1, DateOfService: d, Allowed: m("120"), HasAllowed: true,
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("30")}, {Group: "PR", Reason: "2", Amount: m("20")}}},
				{Code: "83036", Charge: m("35.50"), Paid: m("35.50"), Units: 1, DateOfService: d},
				{Code: "36415", Charge: m("20"), Paid: m("0"), Units: 1, DateOfService: d, Remarks: []string{"N130"},
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: m("20")}}},
			}}},
	}
}

func TestPostRemittance(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Remit", true)
		c := f.claim("A1001-1-1", dos(), threeLines()...)
		res := f.post(primary835("EFT100", c.ControlNumber))
		if res.AlreadyPosted || res.Posted != 1 || len(res.Exceptions) != 0 || res.PostedAmount != m("135.50") || len(res.SecondaryClaims) != 1 {
			t.Fatalf("result: %+v", res)
		}
		got, err := db.FindClaimByID(f.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != rcm.ClaimPartlyPaid {
			t.Errorf("claim state %s, want partly_paid (a line was denied)", got.State)
		}
		tot, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := ledger.Totals{Lines: 3, Charges: m("205.50"), PayerPaid: map[int64]rcm.Money{f.s.payer.ID: m("135.50")},
			Adjusted: map[string]rcm.Money{"CO": m("50")}, InsuranceAR: map[int64]rcm.Money{f.secondary.ID: m("20")},
			Debits: tot.Debits, Credits: tot.Credits}
		if diff := cmp.Diff(want, tot); diff != "" {
			t.Errorf("ledger totals mismatch (-want +got):\n%s", diff)
		}

		// The secondary claim: to the secondary payer, with the primary's
		// adjudication per line for the 837P's 2320/2430 loops.
		sec, err := db.FindClaimByID(f.ctx, res.SecondaryClaims[0])
		if err != nil {
			t.Fatal(err)
		}
		if sec.ControlNumber != "A1001-1-2" || sec.PayerID != f.secondary.ID || sec.CoverageID != f.cov2.ID || sec.State != rcm.ClaimDraft ||
			len(sec.Lines) != 3 || len(sec.Diagnoses) != 1 || len(sec.Prior) != 1 {
			t.Fatalf("secondary claim: %+v", sec)
		}
		wantPrior := rcm.PriorPayment{CoverageID: f.cov1.ID, PayerID: f.s.payer.ID, Paid: m("135.50"), PatientResponsibility: m("20"),
			AdjudicatedOn: rcm.MustParseDate("2026-02-03"), Lines: []rcm.PriorLine{
				{Line: 1, Code: "99214", Modifiers: []string{"25"}, Units: 1, Paid: m("100"),
					Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("30")}, {Group: "PR", Reason: "2", Amount: m("20")}}},
				{Line: 2, Code: "83036", Units: 1, Paid: m("35.50")},
				{Line: 3, Code: "36415", Units: 1, Paid: 0, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: m("20")}}},
			}}
		if diff := cmp.Diff(wantPrior, sec.Prior[0]); diff != "" {
			t.Errorf("prior payment mismatch (-want +got):\n%s", diff)
		}

		// Denials: line 3 with its CARC and RARC explained.
		ds, err := db.FindDenials(f.ctx, remit.DenialFilter{})
		if err != nil {
			t.Fatal(err)
		}
		remit.Explain(ds, carc.NewSet())
		if len(ds) != 1 || ds[0].Line != 3 || ds[0].Code != "36415" || ds[0].Amount != m("20") || ds[0].ClaimID != c.ID ||
			len(ds[0].Reasons) != 1 || ds[0].Reasons[0].Code != "97" || ds[0].Reasons[0].Meaning == "" || len(ds[0].Remarks) != 1 || ds[0].Remarks[0].Meaning == "" {
			t.Errorf("denials: %+v", ds)
		}

		// The same 835 again, and the same trace inside another file:
		// nothing is posted, and the result says so.
		before := f.balances()
		for i, rem := range []*remit.Remittance{primary835("EFT100", c.ControlNumber), primary835("EFT100", "SOMETHING-ELSE")} {
			again := f.post(rem)
			if !again.AlreadyPosted || again.RemittanceID != res.RemittanceID || !strings.Contains(again.String(), "already posted") {
				t.Errorf("re-post %d: %+v", i, again)
			}
		}
		if diff := cmp.Diff(before, f.balances()); diff != "" {
			t.Errorf("re-post changed the ledger (-want +got):\n%s", diff)
		}

		// The secondary payer's 835 for the secondary claim: pays 15 and
		// leaves 5 of deductible to the patient.
		if _, err := db.RecordScrub(f.ctx, sec.ID, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveClaim(f.ctx, sec.ID, rcm.ClaimSubmitted, "sent"); err != nil {
			t.Fatal(err)
		}
		secRem := &remit.Remittance{Handling: "I", Amount: m("15"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-20"), Trace: "CHK77",
			TraceOriginator: "1888888888", PayerName: "SECOND HEALTH", PayerIdentifier: "SEC22",
			Claims: []*remit.ClaimPayment{{ControlNumber: "A1001-1-2", Status: "2", Charge: m("205.50"), Paid: m("15"), PatientResponsibility: m("5"),
				FilingIndicator: "12", PayerClaimNumber: "S-1",
				Lines: []*remit.LinePayment{
					{Code: "99214", Modifiers: []string{"25"}, Charge: m("150"), Paid: m("15"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "23", Amount: m("130")}, {Group: "PR", Reason: "1", Amount: m("5")}}},
					{Code: "83036", Modifiers: []string{"QW"}, Charge: m("35.50"), Paid: 0, Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("35.50")}}},
					{Code: "36415", Charge: m("20"), Paid: 0, Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "OA", Reason: "23", Amount: m("20")}}},
				}}},
		}
		res2 := f.post(secRem)
		if res2.Posted != 1 || len(res2.Exceptions) != 0 || len(res2.SecondaryClaims) != 0 || res2.Denied != 0 {
			t.Fatalf("secondary result: %+v", res2)
		}
		if got, _ := db.FindClaimByID(f.ctx, sec.ID); got.State != rcm.ClaimPaid {
			t.Errorf("secondary claim state %s, want paid", got.State)
		}
		pb, err := db.FindPatientBalances(f.ctx)
		if err != nil || len(pb) != 1 || pb[0].Open != m("5") {
			t.Fatalf("patient balances: %+v, %v", pb, err)
		}
		checkLedger(t, db)
	})
}

func checkLedger(t *testing.T, db *sqldb.DB) {
	t.Helper()
	reps, err := db.CheckLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if len(r.Violations) > 0 {
			t.Errorf("ledger violations: %v", r.Violations)
		}
	}
}

func TestPostExceptions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Exc", false)
		c := f.claim("C-1", dos(), threeLines()...)
		other := f.claim("C-2", dos(), rcm.ServiceLine{Code: "99213", Charge: m("100")})
		rem := primary835("EFT9", "NOPE")
		// A claim the org does not have, a line the claim does not have,
		// and a claim-level payment on a three-line claim.
		bad := primary835("x", c.ControlNumber).Claims[0]
		bad.Lines[2].Code = "36416"
		whole := &remit.ClaimPayment{ControlNumber: c.ControlNumber, Status: "1", Charge: m("205.50"), Paid: m("10"),
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("195.50")}}}
		one := &remit.ClaimPayment{ControlNumber: other.ControlNumber, Status: "4", Charge: m("100"), Paid: 0,
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "29", Amount: m("100")}}}
		rem.Claims = append(rem.Claims, bad, whole, one)
		rem.Amount = m("135.50")*2 + m("10")
		res := f.post(rem)
		if res.Posted != 1 || len(res.Exceptions) != 3 || res.Denied != 1 {
			t.Fatalf("result: %+v", res)
		}
		for i, want := range []string{"No claim has patient control number", "matches no unpaid line", "no SVC"} {
			if !strings.Contains(res.Exceptions[i], want) {
				t.Errorf("exception %d = %q, want %q", i, res.Exceptions[i], want)
			}
		}
		st, err := db.CountRemittances(f.ctx)
		if err != nil || st != (sqldb.RemitStats{Remittances: 1, ClaimPayments: 4, Lines: 7, Exceptions: 3}) {
			t.Errorf("stored: %+v, %v", st, err)
		}
		got, _ := db.FindClaimByID(f.ctx, other.ID)
		if got.State != rcm.ClaimDenied {
			t.Errorf("one-line claim denied whole: state %s", got.State)
		}
		ds, err := db.FindDenials(f.ctx, remit.DenialFilter{})
		if err != nil || len(ds) != 1 || ds[0].Reasons[0].Code != "29" {
			t.Errorf("denials: %+v %v", ds, err)
		}

		// Refused whole, nothing stored: an unknown payer and an 835 that
		// does not balance.
		before := f.balances()
		unknown := primary835("EFT10", c.ControlNumber)
		unknown.PayerIdentifier, unknown.TraceOriginator, unknown.PayerName = "ZZZ", "1000000000", "NOBODY"
		if _, err := remit.Post(f.ctx, db, unknown); rcm.ErrorCode(err) != rcm.ENOTFOUND || !strings.Contains(rcm.ErrorMessage(err), "not set up") {
			t.Errorf("unknown payer: %v", err)
		}
		unbalanced := primary835("EFT11", c.ControlNumber)
		unbalanced.Claims[0].Lines[0].Paid = m("99")
		if _, err := remit.Post(f.ctx, db, unbalanced); rcm.ErrorCode(err) != rcm.EINVALID || !errors.Is(err, remit.ErrUnbalanced) && !strings.Contains(err.Error(), "does not balance") {
			t.Errorf("unbalanced: %v", err)
		}
		if diff := cmp.Diff(before, f.balances()); diff != "" {
			t.Errorf("refused postings changed the ledger (-want +got):\n%s", diff)
		}
		if st2, _ := db.CountRemittances(f.ctx); st2 != st {
			t.Errorf("refused postings stored rows: %+v", st2)
		}
		checkLedger(t, db)
	})
}

// TestPostReversal: a payment, then an 835 that reverses it (CLP02 22)
// and pays the claim again correctly, as payers correct their own errors.
func TestPostReversal(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Rev", false)
		c := f.claim("R-1", dos(), rcm.ServiceLine{Code: "99213", Charge: m("100")}, rcm.ServiceLine{Code: "81002", Charge: m("10")})
		pay := func(paid1, co1 rcm.Money, status string, sign rcm.Money) *remit.ClaimPayment {
			return &remit.ClaimPayment{ControlNumber: c.ControlNumber, Status: status, Charge: sign * m("110"), Paid: sign * (paid1 + m("10")), PayerClaimNumber: "P1",
				Lines: []*remit.LinePayment{
					{Code: "99213", Charge: sign * m("100"), Paid: sign * paid1, Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: sign * co1}}},
					{Code: "81002", Charge: sign * m("10"), Paid: sign * m("10"), Units: 1, DateOfService: dos()},
				}}
		}
		first := primary835("T1", c.ControlNumber)
		first.Claims = []*remit.ClaimPayment{pay(m("90"), m("10"), "1", 1)}
		first.Amount = m("100")
		f.post(first)
		second := primary835("T2", c.ControlNumber)
		second.Claims = []*remit.ClaimPayment{pay(m("90"), m("10"), "22", -1), pay(m("70"), m("30"), "1", 1)}
		second.Amount = m("-20")
		res := f.post(second)
		if res.Reversals != 1 || res.Posted != 1 || len(res.Exceptions) != 0 {
			t.Fatalf("result: %+v", res)
		}
		got, _ := db.FindClaimByID(f.ctx, c.ID)
		var path []string
		for _, ev := range got.History {
			path = append(path, ev.To)
		}
		if diff := cmp.Diff([]string{"draft", "ready", "submitted", "paid", "reversed", "paid"}, path); diff != "" {
			t.Errorf("claim history mismatch (-want +got):\n%s", diff)
		}
		tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if tot.PayerPaid[f.s.payer.ID] != m("80") || tot.Adjusted["CO"] != m("30") || tot.InsuranceAR[f.s.payer.ID] != 0 {
			t.Errorf("totals after reversal and correction: %+v", tot)
		}
		// A reversal with nothing left to reverse is an exception.
		third := primary835("T3", c.ControlNumber)
		third.Claims = []*remit.ClaimPayment{pay(m("90"), m("10"), "22", -1)}
		third.Amount = m("-100")
		if res := f.post(third); len(res.Exceptions) != 1 {
			t.Errorf("third: %+v", res)
		}
		checkLedger(t, db)
	})
}

// TestPostCrash stops a posting after its N-th write, for every N, then
// posts the file again as a restarted process would: the ledger and the
// stored remittance must equal those of a clean run.
func TestPostCrash(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		run := func(org string, failAt int) (snapshot string, writes int) {
			f := newRemitFixture(t, db, org, true)
			c := f.claim("A1001-1-1", dos(), threeLines()...)
			c2 := f.claim("A1001-2-1", dos(), rcm.ServiceLine{Code: "99213", Charge: m("100")})
			rem := primary835("EFT1", c.ControlNumber)
			rem.Claims = append(rem.Claims, &remit.ClaimPayment{ControlNumber: c2.ControlNumber, Status: "1", Charge: m("100"), Paid: m("60"),
				PatientResponsibility: m("40"), Adjustments: []rcm.Adjustment{{Group: "PR", Reason: "1", Amount: m("40")}}},
				&remit.ClaimPayment{ControlNumber: "UNKNOWN", Status: "1", Charge: m("5"), Paid: m("5")})
			rem.ProviderAdjustments = []remit.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Amount: m("-2")}}
			rem.Amount = m("135.50") + m("65") + m("2")
			n := 0
			if failAt > 0 {
				ctx := remit.WithWriteHook(f.ctx, func(i int) error {
					n = i
					if i == failAt {
						return errors.New("crash")
					}
					return nil
				})
				if _, err := remit.Post(ctx, db, roundTrip(t, rem)); err == nil || !strings.Contains(err.Error(), "crash") {
					t.Fatalf("fail at %d: %v", failAt, err)
				}
				if st, _ := db.CountRemittances(f.ctx); st != (sqldb.RemitStats{}) {
					t.Fatalf("fail at %d left rows: %+v", failAt, st)
				}
			} else {
				ctx := remit.WithWriteHook(f.ctx, func(i int) error { n = i; return nil })
				f.ctx = ctx
			}
			res := f.post(rem)
			if res.AlreadyPosted || res.Posted != 2 {
				t.Fatalf("post after fail at %d: %+v", failAt, res)
			}
			st, _ := db.CountRemittances(f.ctx)
			tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
			pb, _ := db.FindPatientBalances(f.ctx)
			// Payer ids differ per organization; name them by order.
			ids := map[int64]string{f.s.payer.ID: "primary", f.secondary.ID: "secondary"}
			norm := func(mp map[int64]rcm.Money) map[string]rcm.Money {
				out := map[string]rcm.Money{}
				for k, v := range mp {
					out[ids[k]] = v
				}
				return out
			}
			snap := fmt.Sprintf("%+v %d %v %v %v %v %v %v", st, tot.Charges, norm(tot.PayerPaid), tot.Adjusted, tot.PatientShare, norm(tot.InsuranceAR), tot.PatientAR, len(pb))
			return snap, n
		}
		clean, writes := run("Clean", 0)
		if writes < 8 {
			t.Fatalf("clean run made %d writes", writes)
		}
		for n := 1; n <= writes; n++ {
			got, _ := run(fmt.Sprintf("Crash %d", n), n)
			if got != clean {
				t.Errorf("after a crash at write %d and a re-post:\n got %s\nwant %s", n, got, clean)
			}
		}
		checkLedger(t, db)
	})
}

// TestPostConcurrent posts one 835 from two connections at once, as two
// processes would: it posts once.
func TestPostConcurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Conc", false)
		c := f.claim("A1001-1-1", dos(), threeLines()...)
		rem := roundTrip(t, primary835("EFT5", c.ControlNumber))
		var wg sync.WaitGroup
		results := make([]*remit.Result, 4)
		errs := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = remit.Post(f.ctx, db, rem)
			}()
		}
		wg.Wait()
		posted := 0
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("post %d: %v", i, errs[i])
			}
			if !r.AlreadyPosted {
				posted++
			}
		}
		tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if posted != 1 || tot.PayerPaid[f.s.payer.ID] != m("135.50") {
			t.Errorf("posted %d times; payer paid %s", posted, tot.PayerPaid[f.s.payer.ID])
		}
		checkLedger(t, db)
	})
}

// TestPostSamples posts the shared 835 samples against claims made to
// match them: each CLP's control number, and its SVC lines' codes,
// modifiers, dates and charges (or one line of the claim charge when the
// CLP has no SVC). A sample that pays one claim several times posts the
// first and queues the rest as exceptions.
func TestPostSamples(t *testing.T) {
	dir := filepath.Dir(shareddata.Path(t, "x12-samples/stupidedi-005010/X221A1_HP835/pass/era-sample.edi"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.edi"))
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		for i, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rems, err := remit.Read835(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			rem := rems[0]
			f := newRemitFixture(t, db, fmt.Sprintf("Sample %d", i), false)
			if err := db.UpdatePayer(f.ctx, &rcm.Payer{ID: f.s.payer.ID, Name: f.s.payer.Name, PayerID: rem.PayerKeys()[0], FilingIndicator: "CI"}); err != nil {
				t.Fatal(err)
			}
			made := map[string]bool{}
			dups := 0
			for _, cp := range rem.Claims {
				if made[cp.ControlNumber] {
					dups++
					continue
				}
				made[cp.ControlNumber] = true
				d := cp.StatementFrom
				if d.IsZero() {
					d = rem.PaidOn
				}
				var lines []rcm.ServiceLine
				for _, l := range cp.Lines {
					if !l.DateOfService.IsZero() {
						d = l.DateOfService
					}
					lines = append(lines, rcm.ServiceLine{Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge, DateOfService: l.DateOfService})
				}
				if len(lines) == 0 {
					lines = []rcm.ServiceLine{{Code: "99213", Charge: cp.Charge}}
				}
				f.claim(cp.ControlNumber, d, lines...)
			}
			res, err := remit.Post(f.ctx, db, rem)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(file), err)
			}
			if res.Posted+res.NoPayment != len(rem.Claims)-dups || len(res.Exceptions) != dups {
				t.Errorf("%s: %s %v", filepath.Base(file), res, res.Exceptions)
			}
		}
		checkLedger(t, db)
	})
}

// A claim denied as a whole (no SVC, nothing paid, one reason for the whole
// charge) denies every line in full; two reasons would have to be
// apportioned, which is a guess, so that stays an exception.
func TestPostClaimLevelDenial(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Deny", false)
		c := f.claim("D-1", dos(), threeLines()...)
		c2 := f.claim("D-2", dos(), threeLines()...)
		rem := primary835("EFT20", "NOPE")
		rem.Claims = []*remit.ClaimPayment{
			{ControlNumber: c.ControlNumber, Status: "4", Charge: m("205.50"), Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "27", Amount: m("205.50")}}},
			{ControlNumber: c2.ControlNumber, Status: "4", Charge: m("205.50"), Adjustments: []rcm.Adjustment{
				{Group: "CO", Reason: "27", Amount: m("200.50")}, {Group: "CO", Reason: "16", Amount: m("5")}}},
		}
		rem.Amount = 0
		res := f.post(rem)
		if res.Posted != 1 || res.Denied != 1 || len(res.Exceptions) != 1 || !strings.Contains(res.Exceptions[0], "no SVC") {
			t.Fatalf("result: %+v", res)
		}
		got, _ := db.FindClaimByID(f.ctx, c.ID)
		if got.State != rcm.ClaimDenied {
			t.Errorf("claim state %s, want denied", got.State)
		}
		ds, err := db.FindDenials(f.ctx, remit.DenialFilter{})
		if err != nil || len(ds) != 3 {
			t.Fatalf("denials: %d, %v; want one per line", len(ds), err)
		}
		var total rcm.Money
		for _, d := range ds {
			total += d.Amount
			if d.Reasons[0].Group != "CO" || d.Reasons[0].Code != "27" {
				t.Errorf("line %d denied for %+v", d.Line, d.Reasons)
			}
		}
		if total != m("205.50") {
			t.Errorf("denied %v, want the whole charge", total)
		}
		// Paging: one at a time, newest first, the same three.
		for i := range ds {
			page, err := db.FindDenials(f.ctx, remit.DenialFilter{Limit: 1, Offset: i})
			if err != nil || len(page) != 1 || !cmp.Equal(page[0], ds[i]) {
				t.Errorf("page %d: %+v, %v; want %+v", i, page, err, ds[i])
			}
		}
		if page, err := db.FindDenials(f.ctx, remit.DenialFilter{Offset: 3}); err != nil || len(page) != 0 {
			t.Errorf("past the end: %+v, %v", page, err)
		}
		_, err = db.FindDenials(f.ctx, remit.DenialFilter{Offset: -1})
		wantCode(t, err, rcm.EINVALID)
		checkLedger(t, db)
	})
}

// TestPostSameContentOtherTrace is issue 11's garbled copy: the demo's 835
// with one byte of TRN02 changed was posted as a new remittance. A copy
// whose content matches an 835 posted before, under another trace, is
// refused whole, also when two copies race.
func TestPostSameContentOtherTrace(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Copy", false)
		c := f.claim("A1001-1-1", dos(), threeLines()...)
		f.post(primary835("EFT700", c.ControlNumber))
		before, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, trace := range []string{"EFT7O0", "EFT701", "EFT7\x170"} {
			_, err := remit.Post(f.ctx, db, roundTrip(t, primary835(trace, c.ControlNumber)))
			if rcm.ErrorCode(err) != rcm.ECONFLICT || !strings.Contains(rcm.ErrorMessage(err), "carries the same payments as 835 EFT700") {
				t.Errorf("copy with trace %q: %v; want a conflict naming EFT700", trace, err)
			}
		}
		after, err := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("refused copies changed the ledger (-before +after):\n%s", diff)
		}
		// Another payment on another day is another 835, even with the same
		// claims and amount (a reissued check): the fingerprint lets it in.
		reissued := primary835("EFT702", c.ControlNumber)
		reissued.PaidOn = rcm.MustParseDate("2026-02-10")
		if res, err := remit.Post(f.ctx, db, roundTrip(t, reissued)); err != nil || res.AlreadyPosted {
			t.Errorf("a payment of another date: %+v, %v", res, err)
		}
		var n int
		if err := db.QueryRowContext(f.ctx, `SELECT count(*) FROM remittance WHERE trace IN ('EFT7O0', 'EFT701')`).Scan(&n); err != nil || n != 0 {
			t.Errorf("copies stored: %d, %v", n, err)
		}
		checkLedger(t, db)
	})
}
