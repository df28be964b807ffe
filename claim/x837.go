package claim

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Version837P is the implementation guide OpenRCM writes professional
// claims to (GS08 and ST03).
const Version837P = "005010X222A1"

// Partner names the two ends of a claim submission: the submitter (the
// practice or billing service, 1000A) and the receiver (the clearinghouse
// or payer, 1000B), with the ISA and GS identifiers they agreed on.
type Partner struct {
	SubmitterName, SubmitterID string // 1000A NM103, NM109 (also ISA06 and GS02)
	ContactName, ContactPhone  string // 1000A PER02, PER04 (10 digits)
	ReceiverName, ReceiverID   string // 1000B NM103, NM109 (also ISA08 and GS03)
	Production                 bool   // ISA15 P, else T
}

// PartnerOf takes the envelope identifiers from an organization's
// clearinghouse settings; every path that sends claims uses it, so a batch
// is marked for production (ISA15) exactly when the settings say so.
func PartnerOf(c *rcm.Clearinghouse) Partner {
	return Partner{SubmitterName: c.SubmitterName, SubmitterID: c.SubmitterID, ContactName: c.ContactName, ContactPhone: c.ContactPhone,
		ReceiverName: c.ReceiverName, ReceiverID: c.ReceiverID, Production: c.Production}
}

// Batch is a set of claims going to one receiver in one file.
type Batch struct {
	Partner Partner
	// Reference is BHT03, the submitter's batch reference, echoed in the
	// 999 and 277CA.
	Reference string
	Time      time.Time
	Bundles   []*Bundle
}

// maxClaimsPerTransaction keeps each ST/SE under the 5,000-claim (2300
// loop) limit the 837P guide sets per transaction.
const maxClaimsPerTransaction = 5000

// Write837P writes the batch as one interchange with one functional group
// and as many 837P transaction sets as the claim count needs. Control
// numbers come from seq, which the caller stores before the file leaves.
func Write837P(w io.Writer, b *Batch, seq x12.Sequence) error {
	if len(b.Bundles) == 0 {
		return rcm.Errorf(rcm.EINVALID, "An 837P batch needs at least one claim.")
	}
	xw := x12.NewWriter(w, x12.DefaultDelimiters, true, seq)
	if err := xw.StartInterchange(x12.InterchangeHeader{
		SenderQual: "ZZ", Sender: b.Partner.SubmitterID, ReceiverQual: "ZZ", Receiver: b.Partner.ReceiverID,
		Time: b.Time, AckRequested: false, Production: b.Partner.Production,
	}); err != nil {
		return err
	}
	if err := xw.StartGroup(x12.GroupHeader{FunctionalID: "HC", Sender: b.Partner.SubmitterID, Receiver: b.Partner.ReceiverID,
		Time: b.Time, Version: Version837P}); err != nil {
		return err
	}
	for start := 0; start < len(b.Bundles); start += maxClaimsPerTransaction {
		end := min(start+maxClaimsPerTransaction, len(b.Bundles))
		if err := writeTransaction(xw, b, b.Bundles[start:end]); err != nil {
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

// segWriter remembers the first error, so the mapping reads as a list of
// segments.
type segWriter struct {
	w   *x12.Writer
	err error
}

func (s *segWriter) seg(id string, elements ...string) {
	if s.err == nil {
		s.err = s.w.Segment(id, elements...)
	}
}

func writeTransaction(xw *x12.Writer, b *Batch, bundles []*Bundle) error {
	if _, err := xw.StartTransaction("837", Version837P); err != nil {
		return err
	}
	s := &segWriter{w: xw}
	// BHT02 00 original; BHT06 CH chargeable (fee-for-service claims).
	s.seg("BHT", "0019", "00", b.Reference, b.Time.Format("20060102"), b.Time.Format("1504"), "CH")
	p := b.Partner
	s.seg("NM1", "41", "2", upper(p.SubmitterName), "", "", "", "", "46", p.SubmitterID)
	s.seg("PER", "IC", upper(p.ContactName), "TE", p.ContactPhone)
	s.seg("NM1", "40", "2", upper(p.ReceiverName), "", "", "", "", "46", p.ReceiverID)

	// 2000A repeats per billing provider; claims of one practice share it.
	hl := 0
	var lastPractice int64 = -1
	billingHL := 0
	for _, bd := range bundles {
		if bd.Practice.ID != lastPractice {
			hl++
			billingHL = hl
			lastPractice = bd.Practice.ID
			s.seg("HL", strconv.Itoa(hl), "", "20", "1")
			if bd.Practice.Taxonomy != "" {
				s.seg("PRV", "BI", "PXC", bd.Practice.Taxonomy)
			}
			pr := bd.Practice
			s.seg("NM1", "85", "2", upper(pr.Name), "", "", "", "", "XX", pr.NPI)
			address(s, pr.Address)
			s.seg("REF", "EI", pr.TIN)
		}
		hl = writeSubscriber(s, bd, hl, billingHL)
	}
	if s.err != nil {
		return s.err
	}
	return xw.EndTransaction()
}

// writeSubscriber writes 2000B (and 2000C when the patient is a dependent)
// with the claim, and returns the last HL number used.
func writeSubscriber(s *segWriter, bd *Bundle, hl, parent int) int {
	cov, pat := bd.Coverage, bd.Patient
	self := cov.Relationship == "18"
	hl++
	subscriberHL := hl
	child := "1"
	if self {
		child = "0"
	}
	s.seg("HL", strconv.Itoa(hl), strconv.Itoa(parent), "22", child)
	// SBR01 payer responsibility: P, S, T by coverage order. SBR02 is 18
	// only when the patient is the subscriber.
	rel := ""
	if self {
		rel = "18"
	}
	s.seg("SBR", responsibility(cov.Order), rel, cov.GroupNumber, "", medicareSecondaryType(cov, bd.Payer), "", "", "", bd.Payer.FilingIndicator)
	if self {
		s.seg("NM1", "IL", "1", upper(pat.LastName), upper(pat.FirstName), upper(pat.MiddleName), "", "", "MI", cov.MemberID)
		address(s, pat.Address)
		s.seg("DMG", "D8", pat.BirthDate.D8(), pat.Sex)
	} else {
		// 2010BA DMG is sent only when the subscriber is the patient ("if
		// not required by this implementation guide, do not send").
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
	writeClaim(s, bd)
	return hl
}

func writeClaim(s *segWriter, bd *Bundle) {
	c := bd.Claim
	// CLM05: place of service, B (professional), frequency. CLM06 provider
	// signature on file, CLM07 assignment accepted, CLM08 benefits
	// assigned, CLM09 release of information (Y: signed statement).
	clm := []string{c.ControlNumber, c.TotalCharge().X12(), "", "", s.w.Composite(c.PlaceOfService, "B", c.Frequency), "Y", "A", "Y", "Y"}
	if c.AccidentCause != "" {
		clm = append(clm, "", s.w.Composite(c.AccidentCause, "", "", c.AccidentState))
	}
	s.seg("CLM", clm...)
	if !c.OnsetDate.IsZero() {
		s.seg("DTP", "431", "D8", c.OnsetDate.D8())
	}
	if !c.AccidentDate.IsZero() {
		s.seg("DTP", "439", "D8", c.AccidentDate.D8())
	}
	if c.Referral != "" {
		s.seg("REF", "9F", c.Referral)
	}
	if c.PriorAuth != "" {
		s.seg("REF", "G1", c.PriorAuth)
	}
	if c.Frequency != rcm.FrequencyOriginal {
		s.seg("REF", "F8", c.PayerClaimNumber)
	}
	// HI: ABK principal diagnosis, ABF the others, codes without the dot.
	hi := make([]string, 0, len(c.Diagnoses))
	for i, d := range c.Diagnoses {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		hi = append(hi, s.w.Composite(q, strings.ReplaceAll(d.Code, ".", "")))
	}
	s.seg("HI", hi...)
	r := bd.Rendering
	s.seg("NM1", "82", "1", upper(r.LastName), upper(r.FirstName), "", "", "", "XX", r.NPI)
	if r.Taxonomy != "" {
		s.seg("PRV", "PE", "PXC", r.Taxonomy)
	}
	if f := bd.Facility; f != nil {
		nm1 := []string{"77", "2", upper(f.Name)}
		if f.NPI != "" {
			nm1 = append(nm1, "", "", "", "", "XX", f.NPI)
		}
		s.seg("NM1", nm1...)
		address(s, f.Address)
	}
	writeOtherSubscribers(s, bd)
	for i, l := range c.Lines {
		s.seg("LX", strconv.Itoa(i+1))
		proc := append([]string{"HC", l.Code}, l.Modifiers...)
		ptrs := make([]string, len(l.Pointers))
		for j, p := range l.Pointers {
			ptrs[j] = strconv.Itoa(p)
		}
		s.seg("SV1", s.w.Composite(proc...), l.Charge.X12(), "UN", strconv.Itoa(l.Units), "", "", s.w.Composite(ptrs...))
		dos := l.DateOfService
		if dos.IsZero() {
			dos = c.DateOfService
		}
		s.seg("DTP", "472", "D8", dos.D8())
		if l.NDC != "" {
			// 2410: the drug billed, by National Drug Code, with its
			// quantity in units (UN).
			s.seg("LIN", "", "N4", l.NDC)
			s.seg("CTP", "", "", "", strconv.Itoa(l.Units), "UN")
		}
		writeLineAdjudications(s, bd, i+1)
	}
}

// priorFor returns the earlier payer's adjudication for a coverage.
func priorFor(c *rcm.Claim, coverageID int64) *rcm.PriorPayment {
	for i := range c.Prior {
		if c.Prior[i].CoverageID == coverageID {
			return &c.Prior[i]
		}
	}
	return nil
}

// writeLineAdjudications writes 2430 for each earlier payer that
// adjudicated line n: SVD with the payer ID of its 2330B, the CAS
// adjustments, and the remittance date.
func writeLineAdjudications(s *segWriter, bd *Bundle, n int) {
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
			proc := append([]string{"HC", pl.Code}, pl.Modifiers...)
			s.seg("SVD", op.PayerID, pl.Paid.X12(), s.w.Composite(proc...), "", strconv.Itoa(pl.Units))
			writeCAS(s, pl.Adjustments)
			s.seg("DTP", "573", "D8", p.AdjudicatedOn.D8())
		}
	}
}

// writeCAS writes adjustments as CAS segments: one per group, up to six
// reason/amount/quantity triplets each.
func writeCAS(s *segWriter, adjs []rcm.Adjustment) {
	var groups []string
	by := map[string][]rcm.Adjustment{}
	for _, a := range adjs {
		if _, ok := by[a.Group]; !ok {
			groups = append(groups, a.Group)
		}
		by[a.Group] = append(by[a.Group], a)
	}
	for _, g := range groups {
		list := by[g]
		for len(list) > 0 {
			n := min(6, len(list))
			els := []string{g}
			for _, a := range list[:n] {
				q := ""
				if a.Quantity != 0 {
					q = strconv.Itoa(a.Quantity)
				}
				els = append(els, a.Reason, a.Amount.X12(), q)
			}
			s.seg("CAS", els...)
			list = list[n:]
		}
	}
}

// writeOtherSubscribers writes 2320/2330A/2330B for each other coverage in
// force, so the payer can coordinate benefits. The prior payer's
// adjudication (CAS, AMT*D, 2430) is added by secondary-claim creation.
func writeOtherSubscribers(s *segWriter, bd *Bundle) {
	for _, oc := range bd.OtherCoverages {
		op := bd.OtherPayers[oc.PayerID]
		if op == nil {
			continue
		}
		rel := oc.Relationship
		s.seg("SBR", responsibility(oc.Order), rel, oc.GroupNumber, "", "", "", "", "", op.FilingIndicator)
		if p := priorFor(bd.Claim, oc.ID); p != nil {
			// The earlier payer's claim-level adjustments, what it paid
			// (AMT*D) and what it left to the patient (AMT*EAF).
			writeCAS(s, p.Adjustments)
			s.seg("AMT", "D", p.Paid.X12())
			if p.PatientResponsibility != 0 {
				s.seg("AMT", "EAF", p.PatientResponsibility.X12())
			}
		}
		// OI03 benefits assignment, OI06 release of information.
		s.seg("OI", "", "", "Y", "", "", "Y")
		last, first := bd.Patient.LastName, bd.Patient.FirstName
		addr := bd.Patient.Address
		if oc.Subscriber != nil {
			last, first, addr = oc.Subscriber.LastName, oc.Subscriber.FirstName, oc.Subscriber.Address
		}
		s.seg("NM1", "IL", "1", upper(last), upper(first), "", "", "", "MI", oc.MemberID)
		address(s, addr)
		s.seg("NM1", "PR", "2", upper(op.Name), "", "", "", "", "PI", op.PayerID)
	}
}

func address(s *segWriter, a rcm.Address) {
	if a.Line2 != "" {
		s.seg("N3", upper(a.Line1), upper(a.Line2))
	} else {
		s.seg("N3", upper(a.Line1))
	}
	s.seg("N4", upper(a.City), a.State, strings.ReplaceAll(a.ZIP, "-", ""))
}

// medicareSecondaryType is SBR05: the coverage's Medicare Secondary Payer
// type when the claim goes to Medicare (claim filing indicator MA or MB)
// after another payer; the guide has SBR05 sent only then.
func medicareSecondaryType(cov *rcm.Coverage, payer *rcm.Payer) string {
	if cov.Order > 1 && isMedicare(payer) {
		return cov.InsuranceType
	}
	return ""
}

// isMedicare reports whether the payer is Medicare Part A or B by its claim
// filing indicator (SBR09).
func isMedicare(p *rcm.Payer) bool { return p.FilingIndicator == "MA" || p.FilingIndicator == "MB" }

func responsibility(order int) string {
	switch order {
	case 1:
		return "P"
	case 2:
		return "S"
	case 3:
		return "T"
	}
	panic(fmt.Sprintf("claim: coverage order %d", order))
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
