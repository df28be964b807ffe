// Package claimstatus asks payers where claims stand and reads their
// answers: the 005010X212 Health Care Claim Status Request (276) and
// Response (277). OpenRCM sends a 276 for claims that have no final answer
// (no 835 yet, or nothing at all), and the intake reads the 277 back: the
// status category and code in words, the payer's claim number and the
// adjudication or check dates. One builder and one reader serve the
// command line, the server, the demo and the scheduled job.
package claimstatus

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/x12"
)

// Version is the implementation guide of both transactions.
const Version = "005010X212"

// Inquiry is one 276 file: status requests for claims of one submitter,
// to one or more payers.
type Inquiry struct {
	Partner eligibility.Partner
	// Reference is BHT03; the 277 echoes it.
	Reference string
	Time      time.Time
	Requests  []*Request
}

// Request asks about one claim. The payer finds the claim by the
// subscriber's member ID, the patient control number (REF*EJ), the charge
// and the dates of service, and by its own claim number (REF*1K) when the
// claim has one.
type Request struct {
	// Trace is the 2200D/E TRN02 the 277 echoes; the caller stores it
	// before the file leaves, so the answer matches whenever it comes.
	Trace    string
	Payer    *rcm.Payer
	Practice *rcm.Practice
	Patient  *rcm.Patient
	Coverage *rcm.Coverage
	Claim    *rcm.Claim
}

func (r *Request) dependent() bool {
	return r.Coverage != nil && r.Coverage.Relationship != "" && r.Coverage.Relationship != "18"
}

// serviceDates is the claim's first and last date of service.
func (r *Request) serviceDates() (rcm.Date, rcm.Date) {
	from, to := r.Claim.DateOfService, r.Claim.DateOfService
	for _, l := range r.Claim.Lines {
		if d := l.DateOfService; !d.IsZero() {
			if from.IsZero() || d.Before(from) {
				from = d
			}
			if d.After(to) {
				to = d
			}
		}
	}
	return from, to
}

func (r *Request) validate(i int) error {
	bad := func(format string, args ...any) error {
		return rcm.Errorf(rcm.EINVALID, "Claim status request %d: %s", i+1, fmt.Sprintf(format, args...))
	}
	switch {
	case r.Payer == nil || r.Practice == nil || r.Patient == nil || r.Coverage == nil || r.Claim == nil:
		return bad("the claim, its payer, practice, patient and coverage are all required.")
	case r.Trace == "" || len(r.Trace) > 50 || !x12.PlainText(r.Trace):
		return bad("the trace number (TRN02) must be 1 to 50 printable characters.")
	case r.Payer.PayerID == "" || r.Payer.Name == "":
		return bad("the payer needs a name and a payer ID.")
	case !rcm.ValidNPI(r.Practice.NPI):
		return bad("the practice's NPI %q is not valid; the payer finds the provider by it (2100C NM109).", r.Practice.NPI)
	case !rcm.ValidMemberID(r.Coverage.MemberID):
		return bad("claim %s: the coverage has no valid member ID.", r.Claim.ControlNumber)
	case r.Claim.ControlNumber == "" || !x12.PlainText(r.Claim.ControlNumber):
		return bad("the claim has no patient control number.")
	case r.dependent() && r.Coverage.Subscriber == nil:
		return bad("claim %s: the coverage names no subscriber, but the patient is not the subscriber.", r.Claim.ControlNumber)
	}
	if from, _ := r.serviceDates(); from.IsZero() {
		return bad("claim %s has no date of service.", r.Claim.ControlNumber)
	}
	return nil
}

// Build276 writes the inquiry as one interchange, one group and one 276
// transaction set, with control numbers from seq.
func Build276(w io.Writer, in *Inquiry, seq x12.Sequence) error {
	if len(in.Requests) == 0 {
		return rcm.Errorf(rcm.EINVALID, "A 276 needs at least one claim.")
	}
	if in.Reference == "" || len(in.Reference) > 50 || !x12.PlainText(in.Reference) {
		return rcm.Errorf(rcm.EINVALID, "The inquiry reference (BHT03) must be 1 to 50 printable characters.")
	}
	p := in.Partner
	if p.SenderID == "" || p.ReceiverID == "" || len(p.SenderID) > 15 || len(p.ReceiverID) > 15 {
		return rcm.Errorf(rcm.EINVALID, "The sender and receiver IDs (ISA06, ISA08) must be 1 to 15 characters.")
	}
	seen := map[string]bool{}
	for i, r := range in.Requests {
		if err := r.validate(i); err != nil {
			return err
		}
		if seen[r.Trace] {
			return rcm.Errorf(rcm.EINVALID, "Trace number %q is used twice; the 277 could not tell the answers apart.", r.Trace)
		}
		seen[r.Trace] = true
	}
	env := x12.Single{
		Interchange: x12.InterchangeHeader{SenderQual: "ZZ", Sender: p.SenderID, ReceiverQual: "ZZ", Receiver: p.ReceiverID,
			Time: in.Time, Production: p.Production},
		Group: x12.GroupHeader{FunctionalID: "HR", Sender: p.SenderID, Receiver: p.ReceiverID, Time: in.Time, Version: Version},
		SetID: "276",
	}
	return x12.NewWriter(w, x12.DefaultDelimiters, true, seq).WriteSingle(env, func(s *x12.SegmentRun) {
		s.Put("BHT", "0010", "13", in.Reference, in.Time.Format("20060102"), in.Time.Format("1504"))
		writeHierarchy(s, in)
	})
}

// writeHierarchy writes 2000A once per payer, 2000B (the submitter) under
// it, 2000C once per billing provider, and the claims under each.
func writeHierarchy(s *x12.SegmentRun, in *Inquiry) {
	hl := 0
	for _, payer := range orderedBy(in.Requests, func(r *Request) string { return r.Payer.PayerID }) {
		hl++
		source := hl
		// 2000A/2100A: the payer, by payer ID.
		s.Put("HL", strconv.Itoa(hl), "", "20", "1")
		s.Put("NM1", "PR", "2", x12.NameElement(payer[0].Payer.Name, 60), "", "", "", "", "PI", payer[0].Payer.PayerID)
		// 2000B/2100B: the information receiver is the submitter, by its
		// electronic transmitter ID (46).
		hl++
		receiver := hl
		s.Put("HL", strconv.Itoa(hl), strconv.Itoa(source), "21", "1")
		s.Put("NM1", "41", "2", x12.NameElement(payer[0].Practice.Name, 60), "", "", "", "", "46", in.Partner.SenderID)
		for _, prov := range orderedBy(payer, func(r *Request) string { return r.Practice.NPI }) {
			// 2000C/2100C: the billing provider, by NPI.
			hl++
			provider := hl
			s.Put("HL", strconv.Itoa(hl), strconv.Itoa(receiver), "19", "1")
			s.Put("NM1", "1P", "2", x12.NameElement(prov[0].Practice.Name, 60), "", "", "", "", "XX", prov[0].Practice.NPI)
			for _, r := range prov {
				hl = writeClaim(s, r, hl, provider)
			}
		}
	}
}

// writeClaim writes the subscriber loop (2000D) and, when the patient is
// not the subscriber, the dependent loop (2000E), with the claim's 2200
// tracking loop under the patient. It returns the last HL number.
func writeClaim(s *x12.SegmentRun, r *Request, hl, parent int) int {
	hl++
	sub := hl
	dep := r.dependent()
	child := "0"
	if dep {
		child = "1"
	}
	s.Put("HL", strconv.Itoa(hl), strconv.Itoa(parent), "22", child)
	pat := r.Patient
	if !dep {
		demographics(s, pat.BirthDate, pat.Sex)
		s.Put("NM1", "IL", "1", x12.NameElement(pat.LastName, 60), x12.NameElement(pat.FirstName, 35), x12.NameElement(pat.MiddleName, 25), "", "", "MI", r.Coverage.MemberID)
		tracking(s, r)
		return hl
	}
	sb := r.Coverage.Subscriber
	s.Put("NM1", "IL", "1", x12.NameElement(sb.LastName, 60), x12.NameElement(sb.FirstName, 35), "", "", "", "MI", r.Coverage.MemberID)
	hl++
	s.Put("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23")
	demographics(s, pat.BirthDate, pat.Sex)
	s.Put("NM1", "QC", "1", x12.NameElement(pat.LastName, 60), x12.NameElement(pat.FirstName, 35), x12.NameElement(pat.MiddleName, 25))
	tracking(s, r)
	return hl
}

// tracking writes loop 2200D/E: the trace, the payer's claim number when
// known, the patient control number, the charge and the dates of service.
func tracking(s *x12.SegmentRun, r *Request) {
	s.Put("TRN", "1", r.Trace)
	if r.Claim.PayerClaimNumber != "" && x12.PlainText(r.Claim.PayerClaimNumber) {
		s.Put("REF", "1K", r.Claim.PayerClaimNumber)
	}
	s.Put("REF", "EJ", r.Claim.ControlNumber)
	s.Put("AMT", "T3", r.Claim.TotalCharge().X12())
	from, to := r.serviceDates()
	if from == to {
		s.Put("DTP", "472", "D8", from.D8())
	} else {
		s.Put("DTP", "472", "RD8", from.D8()+"-"+to.D8())
	}
}

func demographics(s *x12.SegmentRun, birth rcm.Date, sex string) {
	if birth.IsZero() {
		return
	}
	if sex != rcm.SexFemale && sex != rcm.SexMale {
		sex = ""
	}
	s.Put("DMG", "D8", birth.D8(), sex)
}

// orderedBy groups requests by key, in the order keys first appear.
func orderedBy(rs []*Request, key func(*Request) string) [][]*Request {
	var out [][]*Request
	idx := map[string]int{}
	for _, r := range rs {
		k := key(r)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}
