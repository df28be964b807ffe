package sqldb_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
)

func TestContractRates(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Contract", false)
		d := rcm.MustParseDate
		rates := []rcm.ContractRate{
			{PayerID: f.s.payer.ID, Code: "99214", Allowed: m("120"), EffectiveFrom: d("2025-01-01"), EffectiveTo: d("2025-12-31")},
			{PayerID: f.s.payer.ID, Code: "99214", Allowed: m("130"), EffectiveFrom: d("2026-01-01")},
			{PayerID: f.s.payer.ID, Code: "99214", Modifier: "25", Allowed: m("135"), EffectiveFrom: d("2026-01-01")},
			{PayerID: f.s.payer.ID, Code: "97110", Allowed: m("31.15"), PerUnit: true, EffectiveFrom: d("2026-01-01")},
		}
		if err := db.ImportContractRates(f.ctx, rates); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			code, mod, on string
			want          rcm.Money
		}{
			{"99214", "", "2025-06-01", m("120")},
			{"99214", "", "2026-02-01", m("130")},
			{"99214", "25", "2026-02-01", m("135")},
			{"99214", "59", "2026-02-01", m("130")}, // no rate for 59: the code's own
		} {
			r, err := db.FindContractRateFor(f.ctx, rcm.ContractQuery{PayerID: f.s.payer.ID, Code: tc.code, Modifier: tc.mod, On: d(tc.on)})
			if err != nil || r.Allowed != tc.want {
				t.Errorf("%s-%s on %s: %v, %v; want %s", tc.code, tc.mod, tc.on, r, err, tc.want)
			}
		}
		if _, err := db.FindContractRateFor(f.ctx, rcm.ContractQuery{PayerID: f.s.payer.ID, Code: "99214", On: d("2024-06-01")}); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("before any rate: %v, want ENOTFOUND", err)
		}
		// A bad rate in a batch refuses the batch: nothing of it is stored.
		bad := []rcm.ContractRate{{PayerID: f.s.payer.ID, Code: "99215", Allowed: m("150"), EffectiveFrom: d("2026-01-01")},
			{PayerID: f.s.payer.ID, Code: "99213", Allowed: -1, EffectiveFrom: d("2026-01-01")}}
		if err := db.ImportContractRates(f.ctx, bad); rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(rcm.ErrorMessage(err), "Rate 2") {
			t.Errorf("bad batch: %v", err)
		}
		other := []rcm.ContractRate{{PayerID: 999999, Code: "99215", Allowed: m("150"), EffectiveFrom: d("2026-01-01")}}
		if err := db.ImportContractRates(f.ctx, other); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("unknown payer: %v", err)
		}
		list, err := db.FindContractRates(f.ctx, rcm.ContractFilter{PayerID: f.s.payer.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 {
			t.Errorf("%d rates stored, want 4: %v", len(list), list)
		}
	})
}

// TestPostUnderpayment: a line paid below the payer's contract, after the
// patient's share, is flagged with the difference on the remittance and
// opens one work item of category underpayment; a line paid as agreed is
// not; the ledger holds.
func TestPostUnderpayment(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Underpaid", false)
		d := rcm.MustParseDate
		if err := db.ImportContractRates(f.ctx, []rcm.ContractRate{
			{PayerID: f.s.payer.ID, Code: "99214", Allowed: m("130"), EffectiveFrom: d("2026-01-01")},
			{PayerID: f.s.payer.ID, Code: "97110", Allowed: m("30"), PerUnit: true, EffectiveFrom: d("2026-01-01")},
			{PayerID: f.s.payer.ID, Code: "36415", Allowed: m("10"), EffectiveFrom: d("2026-01-01")},
		}); err != nil {
			t.Fatal(err)
		}
		c := f.claim("U1001-1", dos(),
			rcm.ServiceLine{Code: "99214", Charge: m("150")},
			rcm.ServiceLine{Code: "97110", Charge: m("120"), Units: 3},
			rcm.ServiceLine{Code: "36415", Charge: m("20")})
		rem := &remit.Remittance{Handling: "I", Amount: m("165"), Method: "ACH", PaidOn: d("2026-02-03"), Trace: "EFT-UNDER",
			TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1",
			Claims: []*remit.ClaimPayment{{ControlNumber: c.ControlNumber, Status: "1", Charge: m("290"), Paid: m("165"), PatientResponsibility: m("20"),
				FilingIndicator: "12", PayerClaimNumber: "PCN-U1",
				Lines: []*remit.LinePayment{
					// allowed 120 = 100 paid + 20 patient; contract 130: 10 short.
					{Code: "99214", Charge: m("150"), Paid: m("100"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("30")}, {Group: "PR", Reason: "2", Amount: m("20")}}},
					// 3 units at 30 = 90 expected, 55 paid: 35 short.
					{Code: "97110", Charge: m("120"), Paid: m("55"), Units: 3, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("65")}}},
					// 10 as agreed.
					{Code: "36415", Charge: m("20"), Paid: m("10"), Units: 1, DateOfService: dos(),
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}},
				}}},
		}
		res := f.post(rem)
		if res.Posted != 1 || len(res.Exceptions) != 0 {
			t.Fatalf("result: %+v", res)
		}
		checkLedger(t, db)
		detail, err := db.GetRemittance(f.ctx, res.RemittanceID)
		if err != nil {
			t.Fatal(err)
		}
		want := []*remit.UnderpaidLine{
			{ControlNumber: "U1001-1", Line: 1, Code: "99214", Expected: m("110"), Paid: m("100"), Difference: m("10")},
			{ControlNumber: "U1001-1", Line: 2, Code: "97110", Expected: m("90"), Paid: m("55"), Difference: m("35")},
		}
		if diff := cmp.Diff(want, detail.Underpayments, cmpopts.IgnoreFields(remit.UnderpaidLine{}, "ClaimPaymentID")); diff != "" {
			t.Errorf("underpaid lines mismatch (-want +got):\n%s", diff)
		}
		items, err := db.FindFollowUps(f.ctx, followup.Filter{Category: "underpayment"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Stake.String()+" "+it.Summary)
			if it.Kind != followup.KindUnderpayment || it.ClaimID != c.ID || it.OpenedOn != d("2026-02-03") {
				t.Errorf("item %+v", it)
			}
		}
		wantItems := []string{
			// The payer as the practice names it, not as the 835 spells it.
			"35.00 line 2 97110 underpaid $35.00 by Acme Health: expected $90.00 (contract allows $90.00, less patient $0.00), paid $55.00",
			"10.00 line 1 99214 underpaid $10.00 by Acme Health: expected $110.00 (contract allows $130.00, less patient $20.00), paid $100.00",
		}
		if diff := cmp.Diff(wantItems, got); diff != "" {
			t.Errorf("work items mismatch (-want +got):\n%s", diff)
		}
		// A paid claim closes its denial items by itself, but an
		// underpaid line was paid: its item stays open until the biller
		// works it.
		if _, err := db.ResolveFollowUps(f.ctx); err != nil {
			t.Fatal(err)
		}
		// The same 835 again posts nothing and opens nothing.
		if again := f.post(rem); !again.AlreadyPosted {
			t.Errorf("second posting: %+v", again)
		}
		items, err = db.FindFollowUps(f.ctx, followup.Filter{Category: "underpayment"})
		if err != nil || len(items) != 2 {
			t.Errorf("after a second posting: %d items, %v", len(items), err)
		}
	})
}
