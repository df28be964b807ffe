package remit

import (
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Envelope is what Write835 puts in the ISA and GS headers.
type Envelope struct {
	Sender, Receiver string
	Time             time.Time
}

// Write835 writes remittances as one interchange of 835 (005010X221A1)
// transaction sets, the reverse of Read835. Tests and the demo use it to
// play the payer; it writes what Read835 reads, with the guide's required
// segments (1000A N3/N4/PER*BL, 2100 NM1*QC) filled with neutral values
// where a Remittance has no field for them.
func Write835(w io.Writer, env Envelope, rems ...*Remittance) error {
	xw := x12.NewWriter(w, x12.DefaultDelimiters, true, &x12.Counter{})
	if err := xw.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: env.Sender, ReceiverQual: "ZZ", Receiver: env.Receiver, Time: env.Time}); err != nil {
		return err
	}
	if err := xw.StartGroup(x12.GroupHeader{FunctionalID: "HP", Sender: env.Sender, Receiver: env.Receiver, Time: env.Time, Version: "005010X221A1"}); err != nil {
		return err
	}
	for _, rem := range rems {
		if err := writeTransaction(xw, rem); err != nil {
			return err
		}
	}
	if err := xw.EndGroup(); err != nil {
		return err
	}
	if err := xw.EndInterchange(); err != nil {
		return err
	}
	return xw.Flush()
}

func d8(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.D8()
}

func qty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func writeTransaction(xw *x12.Writer, rem *Remittance) error {
	var err error
	seg := func(id string, els ...string) {
		if err == nil {
			err = xw.Segment(id, els...)
		}
	}
	if _, err := xw.StartTransaction("835", "005010X221A1"); err != nil {
		return err
	}
	amount, cd := rem.Amount, rem.CreditDebit
	if cd == "" {
		cd = "C"
	}
	if amount < 0 {
		amount, cd = -amount, "D"
	}
	handling := rem.Handling
	if handling == "" {
		handling = "I"
	}
	method := rem.Method
	if method == "" {
		method = "CHK"
	}
	bpr := []string{handling, amount.X12(), cd, method}
	if method == "ACH" {
		bpr = append(bpr, "CCP", "01", "999999992", "DA", "123456", "1512345678", "", "01", "999988880", "DA", "98765")
	} else {
		bpr = append(bpr, "", "", "", "", "", "", "", "", "", "", "")
	}
	seg("BPR", append(bpr, d8(rem.PaidOn))...)
	seg("TRN", "1", rem.Trace, rem.TraceOriginator)
	if !rem.ProductionDate.IsZero() {
		seg("DTM", "405", d8(rem.ProductionDate))
	}
	plan := ""
	if rem.PayerPlanID != "" {
		plan = "XV"
	}
	seg("N1", "PR", rem.PayerName, plan, rem.PayerPlanID)
	seg("N3", "1 PAYER WAY")
	seg("N4", "ANYTOWN", "MN", "55401")
	if rem.PayerIdentifier != "" {
		seg("REF", "2U", rem.PayerIdentifier)
	}
	seg("PER", "BL", "PROVIDER SERVICES", "TE", "8005550100")
	payeeQual := ""
	if rem.PayeeID != "" {
		payeeQual = "XX"
	}
	seg("N1", "PE", rem.PayeeName, payeeQual, rem.PayeeID)
	for i, c := range rem.Claims {
		if i == 0 {
			seg("LX", "1")
		}
		pr := ""
		if c.PatientResponsibility != 0 {
			pr = c.PatientResponsibility.X12()
		}
		seg("CLP", c.ControlNumber, c.Status, c.Charge.X12(), c.Paid.X12(), pr, c.FilingIndicator, c.PayerClaimNumber)
		writeCAS(seg, c.Adjustments)
		seg("NM1", "QC", "1", "PATIENT", "", "", "", "", "MI", "M"+c.ControlNumber)
		if len(c.Remarks) > 0 {
			moa := []string{"", ""}
			for j, r := range c.Remarks {
				if j < 5 {
					moa = append(moa, r)
				}
			}
			seg("MOA", moa...)
		}
		if !c.StatementFrom.IsZero() {
			seg("DTM", "232", d8(c.StatementFrom))
		}
		if !c.StatementTo.IsZero() {
			seg("DTM", "233", d8(c.StatementTo))
		}
		for _, l := range c.Lines {
			proc := xw.Composite(append([]string{qualOr(l.Qualifier), l.Code}, l.Modifiers...)...)
			var orig string
			if l.OriginalCode != "" {
				orig = xw.Composite(append([]string{qualOr(l.Qualifier), l.OriginalCode}, l.OriginalModifiers...)...)
			}
			units := ""
			if l.Units != 1 {
				units = qty(l.Units)
			}
			seg("SVC", proc, l.Charge.X12(), l.Paid.X12(), "", units, orig, qty(l.OriginalUnits))
			if !l.DateOfService.IsZero() {
				seg("DTM", "472", d8(l.DateOfService))
			}
			writeCAS(seg, l.Adjustments)
			if l.ControlNumber != "" {
				seg("REF", "6R", l.ControlNumber)
			}
			if l.HasAllowed {
				seg("AMT", "B6", l.Allowed.X12())
			}
			for _, r := range l.Remarks {
				seg("LQ", "HE", r)
			}
		}
	}
	for _, p := range rem.ProviderAdjustments {
		seg("PLB", p.Provider, d8(p.FiscalPeriod), xw.Composite(p.Reason, p.Reference), p.Amount.X12())
	}
	if err != nil {
		return err
	}
	return xw.EndTransaction()
}

func qualOr(q string) string {
	if q == "" {
		return "HC"
	}
	return q
}

// writeCAS writes adjustments as CAS segments, one per group, up to six
// triplets each, in first-seen group order.
func writeCAS(seg func(string, ...string), adjs []rcm.Adjustment) {
	var groups []string
	by := map[string][]rcm.Adjustment{}
	for _, a := range adjs {
		if by[a.Group] == nil {
			groups = append(groups, a.Group)
		}
		by[a.Group] = append(by[a.Group], a)
	}
	for _, g := range groups {
		as := by[g]
		for start := 0; start < len(as); start += 6 {
			els := []string{g}
			for _, a := range as[start:min(start+6, len(as))] {
				els = append(els, a.Reason, a.Amount.X12(), qty(a.Quantity))
			}
			seg("CAS", els...)
		}
	}
}
