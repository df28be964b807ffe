package claim

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Version837I is the implementation guide OpenRCM writes institutional
// claims to (GS08 and ST03).
const Version837I = "005010X223A2"

// Write837I writes a batch of institutional claims as one interchange with
// one functional group and as many 837I transaction sets as the claim count
// needs, the way Write837P writes professional ones. Every claim must carry
// its institutional data.
func Write837I(w io.Writer, b *Batch, seq x12.Sequence) error {
	if len(b.Bundles) == 0 {
		return rcm.Errorf(rcm.EINVALID, "An 837I batch needs at least one claim.")
	}
	for _, bd := range b.Bundles {
		if bd.Claim.Institutional == nil {
			return rcm.Errorf(rcm.EINVALID, "Claim %s has no institutional data (type of bill, statement period, revenue codes); it is a professional claim.", bd.Claim.ControlNumber)
		}
		if len(bd.Claim.Institutional.Lines) != len(bd.Claim.Lines) {
			return rcm.Errorf(rcm.EINVALID, "Claim %s gives revenue codes for %d of its %d lines.", bd.Claim.ControlNumber, len(bd.Claim.Institutional.Lines), len(bd.Claim.Lines))
		}
		if bd.Attending == nil {
			return rcm.Errorf(rcm.EINVALID, "Claim %s has no attending provider (837I loop 2310A, UB-04 FL 76).", bd.Claim.ControlNumber)
		}
	}
	xw := x12.NewWriter(w, x12.DefaultDelimiters, true, seq)
	if err := xw.StartInterchange(x12.InterchangeHeader{
		SenderQual: "ZZ", Sender: b.Partner.SubmitterID, ReceiverQual: "ZZ", Receiver: b.Partner.ReceiverID,
		Time: b.Time, AckRequested: false, Production: b.Partner.Production,
	}); err != nil {
		return err
	}
	if err := xw.StartGroup(x12.GroupHeader{FunctionalID: "HC", Sender: b.Partner.SubmitterID, Receiver: b.Partner.ReceiverID,
		Time: b.Time, Version: Version837I}); err != nil {
		return err
	}
	for start := 0; start < len(b.Bundles); start += maxClaimsPerTransaction {
		end := min(start+maxClaimsPerTransaction, len(b.Bundles))
		if err := writeInstitutionalTransaction(xw, b, b.Bundles[start:end]); err != nil {
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

func writeInstitutionalTransaction(xw *x12.Writer, b *Batch, bundles []*Bundle) error {
	if _, err := xw.StartTransaction("837", Version837I); err != nil {
		return err
	}
	s := &segWriter{w: xw}
	s.seg("BHT", "0019", "00", b.Reference, b.Time.Format("20060102"), b.Time.Format("1504"), "CH")
	p := b.Partner
	s.seg("NM1", "41", "2", upper(p.SubmitterName), "", "", "", "", "46", p.SubmitterID)
	s.seg("PER", "IC", upper(p.ContactName), "TE", p.ContactPhone)
	s.seg("NM1", "40", "2", upper(p.ReceiverName), "", "", "", "", "46", p.ReceiverID)
	hl := 0
	var lastPractice int64 = -1
	billingHL := 0
	for _, bd := range bundles {
		if bd.Practice.ID != lastPractice {
			hl++
			billingHL = hl
			lastPractice = bd.Practice.ID
			s.seg("HL", strconv.Itoa(hl), "", "20", "1")
			// The facility's own taxonomy (an ASC, a hospital) describes
			// the bill better than the group's.
			tax := bd.Practice.Taxonomy
			if bd.Facility != nil && bd.Facility.Taxonomy != "" {
				tax = bd.Facility.Taxonomy
			}
			if tax != "" {
				s.seg("PRV", "BI", "PXC", tax)
			}
			pr := bd.Practice
			s.seg("NM1", "85", "2", upper(pr.Name), "", "", "", "", "XX", pr.NPI)
			address(s, pr.Address)
			s.seg("REF", "EI", pr.TIN)
		}
		hl = writeInstitutionalSubscriber(s, bd, hl, billingHL)
	}
	if s.err != nil {
		return s.err
	}
	return xw.EndTransaction()
}

// writeInstitutionalSubscriber writes 2000B (and 2000C for a dependent)
// with the claim; the loops are the 837P's but for the 2300 and 2400.
func writeInstitutionalSubscriber(s *segWriter, bd *Bundle, hl, parent int) int {
	cov, pat := bd.Coverage, bd.Patient
	self := cov.Relationship == "18"
	hl++
	subscriberHL := hl
	child := "1"
	if self {
		child = "0"
	}
	s.seg("HL", strconv.Itoa(hl), strconv.Itoa(parent), "22", child)
	rel := ""
	if self {
		rel = "18"
	}
	s.seg("SBR", responsibility(cov.Order), rel, cov.GroupNumber, "", "", "", "", "", bd.Payer.FilingIndicator)
	if self {
		s.seg("NM1", "IL", "1", upper(pat.LastName), upper(pat.FirstName), upper(pat.MiddleName), "", "", "MI", cov.MemberID)
		address(s, pat.Address)
		s.seg("DMG", "D8", pat.BirthDate.D8(), pat.Sex)
	} else {
		sub := cov.Subscriber
		s.seg("NM1", "IL", "1", upper(sub.LastName), upper(sub.FirstName), "", "", "", "MI", cov.MemberID)
		address(s, sub.Address)
	}
	s.seg("NM1", "PR", "2", upper(bd.Payer.Name), "", "", "", "", "PI", bd.Payer.PayerID)
	if !self {
		hl++
		s.seg("HL", strconv.Itoa(hl), strconv.Itoa(subscriberHL), "23", "0")
		s.seg("PAT", cov.Relationship)
		s.seg("NM1", "QC", "1", upper(pat.LastName), upper(pat.FirstName), upper(pat.MiddleName))
		address(s, pat.Address)
		s.seg("DMG", "D8", pat.BirthDate.D8(), pat.Sex)
	}
	writeInstitutionalClaim(s, bd)
	return hl
}

// InstitutionalFrequency is the claim frequency an institutional claim
// is sent with (CLM05-3, the fourth digit of UB-04 FL 4): the type of
// bill's own on an original claim (1 admit through discharge, 2-4 interim
// bills), the claim's on a replacement or void.
func InstitutionalFrequency(c *rcm.Claim) string {
	if c.Frequency == rcm.FrequencyOriginal && c.Institutional != nil && len(c.Institutional.TypeOfBill) == 4 {
		return c.Institutional.TypeOfBill[3:]
	}
	return c.Frequency
}

func writeInstitutionalClaim(s *segWriter, bd *Bundle) {
	c := bd.Claim
	in := c.Institutional
	// CLM05: facility type and classification (FL 4 digits 2-3), A
	// (UB-04 uniform billing code), frequency. CLM07 assignment accepted,
	// CLM08 benefits assigned, CLM09 release of information.
	s.seg("CLM", c.ControlNumber, c.TotalCharge().X12(), "", "", s.w.Composite(in.FacilityCode(), "A", InstitutionalFrequency(c)), "", "A", "Y", "Y")
	if in.Inpatient() && in.DischargeHour != "" {
		s.seg("DTP", "096", "TM", in.DischargeHour+"00")
	}
	s.seg("DTP", "434", "RD8", in.StatementFrom.D8()+"-"+in.StatementTo.D8())
	if !in.AdmissionDate.IsZero() {
		if in.AdmissionHour != "" {
			s.seg("DTP", "435", "DT", in.AdmissionDate.D8()+in.AdmissionHour+"00")
		} else {
			s.seg("DTP", "435", "D8", in.AdmissionDate.D8())
		}
	}
	s.seg("CL1", in.AdmissionType, in.AdmissionSource, in.PatientStatus)
	if c.Referral != "" {
		s.seg("REF", "9F", c.Referral)
	}
	if c.PriorAuth != "" {
		s.seg("REF", "G1", c.PriorAuth)
	}
	if c.Frequency != rcm.FrequencyOriginal {
		s.seg("REF", "F8", c.PayerClaimNumber)
	}
	// HI segments in the guide's order: principal diagnosis, admitting
	// diagnosis, DRG, other diagnoses, principal and other procedures,
	// occurrence spans, occurrences, values, conditions. HI01-9 is the
	// present-on-admission indicator (1, exempt, is sent as blank).
	dx := func(q string, i int, code string) string {
		poa := ""
		if i < len(in.POA) && in.POA[i] != "1" {
			poa = in.POA[i]
		}
		if poa == "" {
			return s.w.Composite(q, noDot(code))
		}
		return s.w.Composite(q, noDot(code), "", "", "", "", "", "", poa)
	}
	if len(c.Diagnoses) > 0 {
		s.seg("HI", dx("ABK", 0, c.Diagnoses[0].Code))
	}
	if in.AdmittingDiagnosis != "" && in.Inpatient() {
		s.seg("HI", s.w.Composite("ABJ", noDot(in.AdmittingDiagnosis)))
	}
	if in.DRG != "" {
		s.seg("HI", s.w.Composite("DR", in.DRG))
	}
	var others []string
	for i := 1; i < len(c.Diagnoses); i++ {
		others = append(others, dx("ABF", i, c.Diagnoses[i].Code))
	}
	hiChunks(s, others)
	if len(in.Procedures) > 0 {
		p := in.Procedures[0]
		s.seg("HI", s.w.Composite("BBR", p.Code, "D8", p.Date.D8()))
		var rest []string
		for _, p := range in.Procedures[1:] {
			rest = append(rest, s.w.Composite("BBQ", p.Code, "D8", p.Date.D8()))
		}
		hiChunks(s, rest)
	}
	var spans, occ, vals, conds []string
	for _, o := range in.OccurrenceSpans {
		spans = append(spans, s.w.Composite("BI", o.Code, "RD8", o.From.D8()+"-"+o.To.D8()))
	}
	for _, o := range in.Occurrences {
		occ = append(occ, s.w.Composite("BH", o.Code, "D8", o.Date.D8()))
	}
	for _, v := range in.Values {
		vals = append(vals, s.w.Composite("BE", v.Code, "", "", v.Amount.X12()))
	}
	for _, cc := range in.ConditionCodes {
		conds = append(conds, s.w.Composite("BG", cc))
	}
	hiChunks(s, spans)
	hiChunks(s, occ)
	hiChunks(s, vals)
	hiChunks(s, conds)
	provider := func(qual string, p *rcm.Provider, prv bool) {
		if p == nil {
			return
		}
		s.seg("NM1", qual, "1", upper(p.LastName), upper(p.FirstName), "", "", "", "XX", p.NPI)
		if prv && p.Taxonomy != "" {
			s.seg("PRV", "AT", "PXC", p.Taxonomy)
		}
	}
	provider("71", bd.Attending, true)
	provider("72", bd.Operating, false)
	provider("ZZ", bd.OtherOperating, false)
	// 2310E is sent only when the services were rendered somewhere other
	// than the billing provider's address.
	if f := bd.Facility; f != nil && f.Address != bd.Practice.Address {
		nm1 := []string{"77", "2", upper(f.Name)}
		if f.NPI != "" {
			nm1 = append(nm1, "", "", "", "", "XX", f.NPI)
		}
		s.seg("NM1", nm1...)
		address(s, f.Address)
	}
	writeOtherSubscribers(s, bd)
	for i, l := range c.Lines {
		rl := in.Lines[i]
		s.seg("LX", strconv.Itoa(i+1))
		proc := ""
		if l.Code != "" {
			proc = s.w.Composite(append([]string{"HC", l.Code}, l.Modifiers...)...)
		}
		sv2 := []string{rl.RevenueCode, proc, l.Charge.X12(), "UN", strconv.Itoa(l.Units)}
		if rl.NonCovered != 0 {
			sv2 = append(sv2, "", rl.NonCovered.X12())
		}
		s.seg("SV2", sv2...)
		dos := l.DateOfService
		if dos.IsZero() {
			dos = c.DateOfService
		}
		s.seg("DTP", "472", "D8", dos.D8())
		if l.NDC != "" {
			s.seg("LIN", "", "N4", l.NDC)
			s.seg("CTP", "", "", "", strconv.Itoa(l.Units), "UN")
		}
		writeInstitutionalLineAdjudications(s, bd, i+1, rl.RevenueCode)
	}
}

// hiChunks writes composites as HI segments of at most twelve each.
func hiChunks(s *segWriter, comps []string) {
	for len(comps) > 0 {
		n := min(12, len(comps))
		s.seg("HI", comps[:n]...)
		comps = comps[n:]
	}
}

// writeInstitutionalLineAdjudications writes 2430 as for the 837P, but
// SVD04 carries the line's revenue code and SVD05 its units.
func writeInstitutionalLineAdjudications(s *segWriter, bd *Bundle, n int, revenue string) {
	for _, oc := range bd.OtherCoverages {
		p := priorFor(bd.Claim, oc.ID)
		op := bd.OtherPayers[oc.PayerID]
		if p == nil || op == nil {
			continue
		}
		for _, pl := range p.Lines {
			if pl.Line != n {
				continue
			}
			proc := ""
			if pl.Code != "" && pl.Code != revenue {
				proc = s.w.Composite(append([]string{"HC", pl.Code}, pl.Modifiers...)...)
			}
			s.seg("SVD", op.PayerID, pl.Paid.X12(), proc, revenue, strconv.Itoa(pl.Units))
			writeCAS(s, pl.Adjustments)
			s.seg("DTP", "573", "D8", p.AdjudicatedOn.D8())
		}
	}
}

func noDot(code string) string { return strings.ReplaceAll(code, ".", "") }

// copyInstitutional gives a claim its own copy of the encounter's data, so
// later edits of the encounter never change what a payer was told.
func copyInstitutional(in *rcm.Institutional) *rcm.Institutional {
	b, err := json.Marshal(in)
	if err != nil {
		panic(err) // plain data always marshals
	}
	out := &rcm.Institutional{}
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

// loadInstitutionalProviders loads the attending, operating and other
// operating providers an institutional claim names.
func loadInstitutionalProviders(ctx context.Context, svc Services, b *Bundle) error {
	in := b.Claim.Institutional
	if in == nil {
		return nil
	}
	for _, p := range []struct {
		id  int64
		dst **rcm.Provider
	}{{in.AttendingProviderID, &b.Attending}, {in.OperatingProviderID, &b.Operating}, {in.OtherProviderID, &b.OtherOperating}} {
		if p.id == 0 {
			continue
		}
		pr, err := svc.FindProviderByID(ctx, p.id)
		if err != nil {
			return err
		}
		*p.dst = pr
	}
	return nil
}
