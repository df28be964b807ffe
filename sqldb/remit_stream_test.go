package sqldb_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

// reversal turns a claim payment into its reversal (CLP02 22): every
// amount negated.
func reversal(cp *remit.ClaimPayment) *remit.ClaimPayment {
	r := *cp
	r.Status = remit.StatusReversal
	r.Charge, r.Paid, r.PatientResponsibility = -cp.Charge, -cp.Paid, -cp.PatientResponsibility
	r.Lines = nil
	for _, l := range cp.Lines {
		x := *l
		x.Charge, x.Paid = -l.Charge, -l.Paid
		x.Adjustments = nil
		for _, a := range l.Adjustments {
			a.Amount = -a.Amount
			x.Adjustments = append(x.Adjustments, a)
		}
		r.Lines = append(r.Lines, &x)
	}
	return &r
}

// streamScenario makes, in a new organization, 24 submitted claims with a
// secondary coverage, posts a first 835 paying claims 5 and 6, and
// returns a second 835 of 33 CLPs that exercises what spans batches when
// it is posted a few claims at a time: payments that make secondary
// claims, an unknown claim, a second payment of one claim, reversals of
// the first 835's payments with their corrected payments, a second
// reversal of one payment (nothing left to reverse), a CLP naming a
// secondary claim this 835 made, and a PLB.
func streamScenario(t *testing.T, db *sqldb.DB, org string) (*remitFixture, *remit.Remittance) {
	f := newRemitFixture(t, db, org, true)
	var cns []string
	for i := range 24 {
		cns = append(cns, f.claim(fmt.Sprintf("S%02d-1", i), dos(), threeLines()...).ControlNumber)
	}
	first := primary835("FIRST", cns[5])
	first.Claims = append(first.Claims, primary835("", cns[6]).Claims...)
	first.Amount *= 2
	f.post(first)
	rem := primary835("STREAM", cns[0])
	rem.Claims = nil
	rem.Amount = 0
	rem.PayeeName, rem.PayeeID = "LAKESIDE FAMILY MEDICINE", "1234567893"
	add := func(cp *remit.ClaimPayment) {
		rem.Claims = append(rem.Claims, cp)
		rem.Amount += cp.Paid
	}
	pay := func(cn string) *remit.ClaimPayment { return primary835("", cn).Claims[0] }
	for i, cn := range cns {
		switch i {
		case 3:
			add(pay("NOPE-1"))
		case 5, 6:
			add(reversal(pay(cn)))
		case 9:
			add(pay(cns[2])) // a second payment of claim 2
		case 12:
			add(reversal(pay(cns[6]))) // claim 6 reversed again
			add(pay(cns[5]))           // claim 5 paid again
			add(pay("S00-2"))          // the secondary claim of S00-1, made by this 835
		}
		if i != 5 && i != 6 {
			add(pay(cn))
		}
	}
	add(pay(cns[6]))
	rem.ProviderAdjustments = []remit.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Reference: "INT", Amount: m("-1.25")}}
	rem.Amount += m("1.25")
	return f, rem
}

// posted is what a posting left in an organization, without the ids that
// differ between organizations.
type posted struct {
	Result *remit.Result
	Detail *remit.RemittanceDetail
	States map[string]string
	Totals ledger.Totals
	// PayerPaid and InsuranceAR are the totals' maps by payer, keyed
	// "primary" and "secondary" rather than by the payers' ids.
	PayerPaid, InsuranceAR map[string]rcm.Money
	Deposit                ledger.DepositTotals
	Claims                 int
}

// ids are the numbers a message quotes that differ between organizations.
var ids = regexp.MustCompile(`(Line|payer) [0-9]+`)

func postedIn(t *testing.T, f *remitFixture, res *remit.Result) posted {
	t.Helper()
	det, err := f.db.GetRemittance(f.ctx, res.RemittanceID)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := f.db.FindClaims(f.ctx, rcm.ClaimFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range cs {
		states[c.ControlNumber] = c.State
	}
	totals, err := f.db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := f.db.DepositTotals(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := *res
	r.Claims, r.RemittanceID, r.SecondaryClaims = len(res.SecondaryClaims), 0, nil
	for i, x := range r.Exceptions {
		r.Exceptions[i] = ids.ReplaceAllString(x, "$1 N")
	}
	for _, x := range det.Exceptions {
		x.Reason = ids.ReplaceAllString(x.Reason, "$1 N")
	}
	name := map[int64]string{f.s.payer.ID: "primary", f.secondary.ID: "secondary"}
	byName := func(m map[int64]rcm.Money) map[string]rcm.Money {
		out := map[string]rcm.Money{}
		for id, v := range m {
			out[name[id]] = v
		}
		return out
	}
	p := posted{Result: &r, Detail: det, States: states, Totals: totals, PayerPaid: byName(totals.PayerPaid), InsuranceAR: byName(totals.InsuranceAR),
		Deposit: dep, Claims: len(cs)}
	p.Totals.PayerPaid, p.Totals.InsuranceAR = nil, nil
	return p
}

// An 835 read from its file as a stream and posted a few claims at a time
// leaves exactly what the same 835 read whole and posted in one batch
// leaves: result, claim payments with their outcomes and exceptions,
// deposit journal, ledger totals and claim states.
func TestPostStreamedMatchesWhole(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		whole, rem := streamScenario(t, db, "Whole")
		res, err := remit.Post(remit.WithBatchSize(whole.ctx, 1000), db, roundTrip(t, rem))
		if err != nil {
			t.Fatal(err)
		}
		want := postedIn(t, whole, res)
		if want.Result.Reversals != 2 || len(want.Result.Exceptions) != 4 || want.Result.Claims == 0 {
			t.Fatalf("the scenario does not post what it should: %+v", want.Result)
		}
		for _, size := range []int{1, 4, 7} {
			f, rem := streamScenario(t, db, fmt.Sprintf("Stream %d", size))
			var file bytes.Buffer
			if err := remit.Write835(&file, remit.Envelope{Sender: "PAYER", Receiver: "LAKESIDE"}, rem); err != nil {
				t.Fatal(err)
			}
			results, err := remit.PostFile(remit.WithBatchSize(f.ctx, size), db, bytes.NewReader(file.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			got := postedIn(t, f, results[0])
			ignore := cmp.Options{
				cmpopts.IgnoreFields(remit.Result{}, "PostedAt", "Payer"),
				cmpopts.IgnoreFields(remit.RemittanceSummary{}, "ID", "PayerID", "PostedAt", "PostedBy", "PostedByName"),
				cmpopts.IgnoreFields(remit.ClaimPaymentRecord{}, "ID", "ClaimID", "PatientID"),
				cmpopts.IgnoreFields(remit.Exception{}, "ID", "RemittanceID", "ClaimPaymentID", "CreatedAt"),
			}
			if diff := cmp.Diff(want, got, ignore); diff != "" {
				t.Errorf("batches of %d: mismatch (-whole +streamed):\n%s", size, diff)
			}
		}
		checkLedger(t, db)
	})
}

// A failure in a later batch rolls back the batches written before it:
// nothing of the 835 stays, and posting it again posts it whole.
func TestPostStreamedRollsBack(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f, rem := streamScenario(t, db, "Crash")
		var file bytes.Buffer
		if err := remit.Write835(&file, remit.Envelope{Sender: "PAYER", Receiver: "LAKESIDE"}, rem); err != nil {
			t.Fatal(err)
		}
		before, err := f.db.CountRemittances(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		totals, err := f.db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// Count the writes of a whole posting, then fail it at each of
		// the last ones, which belong to its last batches.
		writes := 0
		probe, _ := streamScenario(t, db, "Crash probe")
		if _, err := remit.PostFile(remit.WithBatchSize(remit.WithWriteHook(probe.ctx, func(n int) error { writes = n; return nil }), 4), db, bytes.NewReader(file.Bytes())); err != nil {
			t.Fatal(err)
		}
		total := writes
		ctx := remit.WithBatchSize(f.ctx, 4)
		if total < 20 {
			t.Fatalf("a posting of %d batches made only %d writes", (len(rem.Claims)+3)/4, total)
		}
		for _, at := range []int{total / 2, total - 3, total} {
			crash := remit.WithWriteHook(ctx, func(n int) error {
				if n == at {
					return errors.New("crash")
				}
				return nil
			})
			if _, err := remit.PostFile(crash, db, bytes.NewReader(file.Bytes())); err == nil {
				t.Fatalf("write %d of %d: the posting did not fail", at, total)
			}
			after, err := f.db.CountRemittances(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("write %d of %d: rows left (-before +after):\n%s", at, total, diff)
			}
			got, err := f.db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(totals, got); diff != "" {
				t.Errorf("write %d of %d: ledger changed (-before +after):\n%s", at, total, diff)
			}
		}
		res, err := remit.PostFile(remit.WithBatchSize(f.ctx, 4), db, bytes.NewReader(file.Bytes()))
		if err != nil || res[0].AlreadyPosted || res[0].Reversals != 2 {
			t.Fatalf("posting again after the crashes: %v %+v", err, res)
		}
		checkLedger(t, db)
	})
}
