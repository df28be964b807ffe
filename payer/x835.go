package payer

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Remittance is one 835 transaction set: one payer paying one payee in one
// payment (BPR, TRN), with its claims and provider-level adjustments.
type Remittance struct {
	Payer  *Payer
	Trace  string // TRN02
	Date   rcm.Date
	Claims []*ClaimPayment
	PLB    []PLB
	// Total is BPR02: the claims' payments less the PLB amounts.
	Total rcm.Money
}

// newRemittance builds the payment for one payee: configured PLB
// adjustments, then the forward balance (PLB FB, 835 guide PLB03-1). When
// reversals leave the payment below zero the payer pays nothing (BPR02
// cannot be negative), reports the shortfall as a negative FB and keeps it
// in the state; a later payment to the same payee recovers it with a
// positive FB.
func newRemittance(st *State, p *Payer, payee, trace string, date rcm.Date, claims []*ClaimPayment) *Remittance {
	r := &Remittance{Payer: p, Trace: trace, Date: date, Claims: claims}
	var paid rcm.Money
	for _, c := range claims {
		paid += c.Paid
	}
	var adj rcm.Money
	for _, pl := range p.PLB {
		r.PLB = append(r.PLB, pl)
		adj += pl.Amount
	}
	key := p.ID + "/" + payee
	if owed := st.Balances[key]; owed > 0 && paid-adj > 0 {
		recover := min(owed, paid-adj)
		r.PLB = append(r.PLB, PLB{Code: "FB", Reference: "RECOVERY", Amount: recover})
		adj += recover
		st.Balances[key] = owed - recover
	}
	if short := paid - adj; short < 0 {
		r.PLB = append(r.PLB, PLB{Code: "FB", Reference: trace, Amount: short})
		adj += short
		st.Balances[key] -= short
	}
	if st.Balances[key] == 0 {
		delete(st.Balances, key)
	}
	r.Total = paid - adj
	return r
}

// write835 writes one 835 transaction set (005010X221A1) in w's open
// group, balanced as the guide requires: SVC02 less the line CAS equals
// SVC03, CLP03 less claim and line CAS equals CLP04, and BPR02 equals the
// sum of CLP04 less the sum of PLB.
func write835(w *x12.Writer, r *Remittance) error {
	p := r.Payer
	// ST03 is left out: the 835 guide leaves it situational and some
	// validators (pyx12) treat it as not used; GS08 names the guide.
	if _, err := w.StartTransaction("835", ""); err != nil {
		return err
	}
	seg := x12.SegmentRun{W: w}
	d8 := r.Date.D8()
	switch {
	case r.Total == 0:
		// H: notification only; NON: no payment (BPR01, BPR04).
		seg.Put("BPR", "H", "0", "C", "NON", "", "", "", "", "", "", "", "", "", "", "", d8)
	case p.Payment.Method == "ACH":
		seg.Put("BPR", "I", r.Total.X12(), "C", "ACH", "CCP", "01", p.Payment.PayerRouting, "DA", p.Payment.PayerAccount,
			"1"+p.TIN, "", "01", p.Payment.PayeeRouting, "DA", p.Payment.PayeeAccount, d8)
	default:
		seg.Put("BPR", "C", r.Total.X12(), "C", "CHK", "", "", "", "", "", "", "", "", "", "", "", d8)
	}
	// TRN02 is the check or EFT trace number; TRN03 the payer's "1" + TIN.
	seg.Put("TRN", "1", r.Trace, "1"+p.TIN)
	seg.Put("DTM", "405", d8)
	seg.Put("N1", "PR", clean(p.Name, 60))
	seg.Put("N3", clean(p.Address.Line, 55))
	seg.Put("N4", clean(p.Address.City, 30), clean(p.Address.State, 2), clean(p.Address.Zip, 15))
	seg.Put("REF", "2U", clean(p.ID, 50))
	seg.Put("PER", "BL", "PROVIDER SERVICES", "TE", clean(p.Phone, 256))
	first := r.Claims[0]
	seg.Put("N1", "PE", clean(orDefault(first.PayeeName, "PAYEE"), 60), "XX", clean(orDefault(first.PayeeNPI, "0000000000"), 80))
	if tin := clean(first.PayeeTIN, 50); tin != "" {
		seg.Put("REF", "TJ", tin)
	}
	seg.Put("LX", "1")
	for _, c := range r.Claims {
		writeClaim(&seg, c)
	}
	for i := 0; i < len(r.PLB); i += 6 {
		els := []string{clean(orDefault(first.PayeeNPI, "0000000000"), 50), fmt.Sprintf("%04d1231", r.Date.Year)}
		for _, pl := range r.PLB[i:min(i+6, len(r.PLB))] {
			els = append(els, w.Composite(pl.Code, clean(pl.Reference, 50)), pl.Amount.X12())
		}
		seg.Put("PLB", els...)
	}
	if seg.Err != nil {
		return seg.Err
	}
	return w.EndTransaction()
}

func writeClaim(seg *x12.SegmentRun, c *ClaimPayment) {
	clp := []string{clean(c.ClaimID, 38), c.Status, c.Charge.X12(), c.Paid.X12(), c.PatientResp.X12(), c.FilingIndicator,
		clean(orDefault(c.PayerClaim, "0"), 50), clean(c.Place, 2), clean(c.Frequency, 1)}
	if c.DRG != "" {
		// CLP11: the diagnosis-related group the facility billed.
		clp = append(clp, "", clean(c.DRG, 4))
	}
	seg.Put("CLP", clp...)
	writeCAS(seg, c.Adjustments)
	pat := c.Patient
	seg.Put("NM1", "QC", "1", clean(orDefault(pat.Last, "UNKNOWN"), 60), clean(pat.First, 35), "", "", "", "MI", clean(orDefault(c.MemberID, "UNKNOWN"), 80))
	if c.Inpatient {
		// MIA01 covered days of an inpatient stay; MIA05, MIA20-23 its
		// claim-level remark codes.
		mia := make([]string, 5)
		mia[0] = strconv.Itoa(c.CoveredDays)
		if len(c.Remarks) > 0 {
			mia[4] = c.Remarks[0]
		}
		seg.Put("MIA", mia...)
	} else if len(c.Remarks) > 0 {
		// MOA03-07 carry claim-level remark codes for professional claims.
		els := append([]string{"", ""}, c.Remarks[:min(5, len(c.Remarks))]...)
		seg.Put("MOA", els...)
	}
	if !c.Received.IsZero() {
		seg.Put("DTM", "050", c.Received.D8())
	}
	for _, l := range c.Lines {
		comp := []string{l.Qualifier, l.Code}
		comp = append(comp, l.Modifiers...)
		for i := range comp {
			comp[i] = clean(comp[i], 48)
		}
		// SVC04 carries the revenue code of a facility line billed by
		// HCPCS; one billed by revenue code alone has it in SVC01 (NU).
		rev := ""
		if l.RevenueCode != "" && l.Qualifier != "NU" {
			rev = clean(l.RevenueCode, 48)
		}
		seg.Put("SVC", seg.W.Composite(comp...), l.Charge.X12(), l.Paid.X12(), rev, clean(l.Units, 15))
		if l.From == l.To || l.To.IsZero() {
			seg.Put("DTM", "472", l.From.D8())
		} else {
			seg.Put("DTM", "150", l.From.D8())
			seg.Put("DTM", "151", l.To.D8())
		}
		writeCAS(seg, l.Adjustments)
		if ctl := clean(l.Control, 50); ctl != "" {
			seg.Put("REF", "6R", ctl)
		}
		if l.Allowed != 0 {
			seg.Put("AMT", "B6", l.Allowed.X12())
		}
		for _, r := range l.Remarks {
			seg.Put("LQ", "HE", r)
		}
	}
}

// writeCAS writes adjustments grouped by CAS01 in the order groups first
// appear, at most six reason/amount pairs to a segment.
func writeCAS(seg *x12.SegmentRun, adjs []Adjustment) {
	var groups []string
	by := map[string][]Adjustment{}
	for _, a := range adjs {
		if _, ok := by[a.Group]; !ok {
			groups = append(groups, a.Group)
		}
		by[a.Group] = append(by[a.Group], a)
	}
	for _, g := range groups {
		list := by[g]
		for i := 0; i < len(list); i += 6 {
			els := []string{g}
			for _, a := range list[i:min(i+6, len(list))] {
				els = append(els, a.Reason, a.Amount.X12(), "")
			}
			seg.Put("CAS", els...)
		}
	}
}

// clean makes a value read from an inbound file safe to write: X12
// delimiters and control characters become spaces, runs of spaces are
// trimmed and the value is cut to the element's maximum length.
func clean(s string, n int) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7E || strings.IndexByte("*~:^>|", c) >= 0 {
			b[i] = ' '
		}
	}
	s = strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		s = strings.TrimSpace(s[:n])
	}
	return s
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

// write835File writes one interchange for one payer and one receiver,
// with a transaction set per payee.
func write835File(dst io.Writer, st *State, newline bool, now time.Time, rems []*Remittance) error {
	c := rems[0].Claims[0]
	p := rems[0].Payer
	w := x12.NewWriter(dst, x12.DefaultDelimiters, newline, st)
	if err := w.StartInterchange(x12.InterchangeHeader{
		SenderQual: "ZZ", Sender: clean(p.ID, 15), ReceiverQual: isaQual(c.ReceiverQual), Receiver: clean(orDefault(c.Receiver, "UNKNOWN"), 15),
		Time: now, Production: c.Production,
	}); err != nil {
		return err
	}
	if err := w.StartGroup(x12.GroupHeader{FunctionalID: "HP", Sender: gsID(p.ID), Receiver: gsID(c.Receiver), Time: now, Version: "005010X221A1"}); err != nil {
		return err
	}
	for _, r := range rems {
		if err := write835(w, r); err != nil {
			return err
		}
	}
	if err := w.EndGroup(); err != nil {
		return err
	}
	return w.EndInterchange()
}

// isaQual keeps an ISA05/07 qualifier the envelope allows, else ZZ.
func isaQual(q string) string {
	switch q {
	case "01", "14", "20", "27", "28", "29", "30", "33", "ZZ":
		return q
	}
	return "ZZ"
}

// gsID makes a GS02/GS03 application code (2 to 15 characters).
func gsID(s string) string {
	s = clean(s, 15)
	if len(s) < 2 {
		return "UNKNOWN"
	}
	return s
}
