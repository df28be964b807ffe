// Package eligibility asks payers whether a patient's coverage is in force
// and what the patient will owe, with the X12 270 inquiry and 271 answer of
// the 005010X279A1 implementation guide.
//
// Build270 writes the inquiry for one or more coverages; each inquiry (a
// 2000C subscriber or 2000D dependent loop) carries a TRN trace number that
// the payer echoes in its 271, which is how an answer finds its question.
// Read271 turns the answer into Results: active or not, plan dates, and
// copays, coinsurance, deductibles and out-of-pocket amounts by service
// type, or the AAA rejection with what to do next. Result.Summary says it in
// the words a front desk uses with the patient.
//
// The package depends on the domain and the X12 engine only; storage and
// transport are the caller's.
package eligibility

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Version is the implementation guide of the 270 and 271 (GS08, ST03).
const Version = "005010X279A1"

// DefaultServiceType is EQ01 30, "Health Benefit Plan Coverage": the
// general inquiry every payer must answer (005010X279A1 section 1.4.7), with
// the plan's status and its general benefits.
const DefaultServiceType = "30"

// Partner names the two ends of the interchange: the practice or billing
// service sending the inquiry and the clearinghouse or payer receiving it
// (ISA06/GS02 and ISA08/GS03).
type Partner struct {
	SenderID, ReceiverID string
	Production           bool // ISA15 P, else T
}

// Inquiry is one 270 file: the inquiries of a practice to one or more
// payers, sent together.
type Inquiry struct {
	Partner Partner
	// Reference is BHT03, the submitter's transaction reference; the
	// payer echoes it in the 271's BHT03, which matches answers that
	// reject the whole inquiry (2100A or 2100B AAA) and so carry no TRN.
	Reference string
	// Originator is TRN03, the 10-character identifier of whoever
	// assigned the trace numbers: "1" and an EIN, or "9" and an
	// identifier of the sender's choosing (005010X279A1 2000C TRN03).
	Originator string
	Time       time.Time
	Requests   []*Request
}

// Request is one coverage check: the patient, the coverage and who asks
// whom. A payer and practice shared by several requests are written once
// (2000A and 2000B loops).
type Request struct {
	// Trace is TRN02, unique among the originator's inquiries. Callers take
	// it from their own sequence and store it before the file leaves, so
	// that the 271 can be matched whenever it arrives.
	Trace    string
	Payer    *rcm.Payer
	Practice *rcm.Practice
	Patient  *rcm.Patient
	Coverage *rcm.Coverage
	// ServiceTypes are the EQ01 service type codes asked about, one 2110
	// loop each; empty means DefaultServiceType.
	ServiceTypes []string
	// DateOfService is DTP*291, the date the benefits are asked for; the
	// zero Date lets the payer answer as of the day it processes the
	// inquiry.
	DateOfService rcm.Date
}

// Dependent reports whether the patient goes in the 2000D dependent loop.
// OpenRCM's coverage holds the subscriber's member ID, and when the payer
// can identify the patient by it, the guide puts the patient under the
// subscriber as a dependent (005010X279A1 section 1.4.3). A patient who is
// the subscriber (relationship 18) is the 2000C subscriber.
func (r *Request) Dependent() bool { return r.Coverage.Relationship != "18" }

func (r *Request) serviceTypes() []string {
	if len(r.ServiceTypes) == 0 {
		return []string{DefaultServiceType}
	}
	return r.ServiceTypes
}

// validate checks what the 270 cannot go out without, with messages a
// user can act on.
func (r *Request) validate(i int) error {
	bad := func(format string, args ...any) error {
		return rcm.Errorf(rcm.EINVALID, "Eligibility request %d: %s", i+1, fmt.Sprintf(format, args...))
	}
	switch {
	case r.Payer == nil || r.Practice == nil || r.Patient == nil || r.Coverage == nil:
		return bad("the payer, practice, patient and coverage are all required.")
	case r.Trace == "" || len(r.Trace) > 50 || !x12.PlainText(r.Trace):
		return bad("the trace number (TRN02) must be 1 to 50 printable characters.")
	case r.Payer.PayerID == "" || r.Payer.Name == "":
		return bad("the payer needs a name and a payer ID.")
	case !rcm.ValidNPI(r.Practice.NPI):
		return bad("the practice's NPI %q is not valid; the payer identifies the information receiver by it (2100B NM109).", r.Practice.NPI)
	case !rcm.ValidMemberID(r.Coverage.MemberID):
		return bad("the coverage has no valid member ID.")
	case r.Dependent() && r.Coverage.Subscriber == nil:
		return bad("the coverage names no subscriber, but the patient is not the subscriber.")
	}
	for _, st := range r.serviceTypes() {
		if _, ok := ServiceTypes[st]; !ok {
			return bad("service type %q is not an EQ01 service type code OpenRCM knows (30 plan coverage, 98 office visit ...).", st)
		}
	}
	if len(r.serviceTypes()) > 99 {
		return bad("at most 99 service types fit one inquiry (2110 loop repeat).")
	}
	return nil
}

// Build270 writes the inquiry as one interchange with one functional group
// and one 270 transaction set. Control numbers come from seq, which the
// caller stores before the file leaves, as for claims. Every request must
// carry a distinct trace number.
func Build270(w io.Writer, in *Inquiry, seq x12.Sequence) error {
	if len(in.Requests) == 0 {
		return rcm.Errorf(rcm.EINVALID, "A 270 needs at least one eligibility request.")
	}
	if len(in.Originator) != 10 || !x12.PlainText(in.Originator) {
		return rcm.Errorf(rcm.EINVALID, "The trace originator (TRN03) must be 10 characters: 1 and an EIN, or 9 and an identifier.")
	}
	if in.Reference == "" || len(in.Reference) > 50 || !x12.PlainText(in.Reference) {
		return rcm.Errorf(rcm.EINVALID, "The inquiry reference (BHT03) must be 1 to 50 printable characters.")
	}
	if in.Partner.SenderID == "" || in.Partner.ReceiverID == "" || len(in.Partner.SenderID) > 15 || len(in.Partner.ReceiverID) > 15 {
		return rcm.Errorf(rcm.EINVALID, "The sender and receiver IDs (ISA06, ISA08) must be 1 to 15 characters.")
	}
	seen := map[string]bool{}
	for i, r := range in.Requests {
		if err := r.validate(i); err != nil {
			return err
		}
		if seen[r.Trace] {
			return rcm.Errorf(rcm.EINVALID, "Trace number %q is used twice; the 271 could not tell the answers apart.", r.Trace)
		}
		seen[r.Trace] = true
	}

	p := in.Partner
	env := x12.Single{
		Interchange: x12.InterchangeHeader{SenderQual: "ZZ", Sender: p.SenderID, ReceiverQual: "ZZ", Receiver: p.ReceiverID,
			Time: in.Time, Production: p.Production},
		Group: x12.GroupHeader{FunctionalID: "HS", Sender: p.SenderID, Receiver: p.ReceiverID, Time: in.Time, Version: Version},
		SetID: "270",
	}
	return x12.NewWriter(w, x12.DefaultDelimiters, true, seq).WriteSingle(env, func(s *x12.SegmentRun) {
		// BHT02 13 request; BHT01 0022 information source, receiver,
		// subscriber, dependent: the hierarchy every 270 uses.
		s.Put("BHT", "0022", "13", in.Reference, in.Time.Format("20060102"), in.Time.Format("1504"))
		writeHierarchy(s, in)
	})
}

// writeHierarchy writes 2000A once per payer and 2000B once per practice
// under it, in the order requests first name them.
func writeHierarchy(s *x12.SegmentRun, in *Inquiry) {
	var payers []string
	byPayer := map[string][]*Request{}
	for _, r := range in.Requests {
		k := r.Payer.PayerID + "\x00" + r.Payer.Name
		if _, ok := byPayer[k]; !ok {
			payers = append(payers, k)
		}
		byPayer[k] = append(byPayer[k], r)
	}
	hl := 0
	for _, k := range payers {
		reqs := byPayer[k]
		hl++
		sourceHL := hl
		// 2000A/2100A information source: the payer, by its payer ID (PI).
		s.Put("HL", strconv.Itoa(hl), "", "20", "1")
		s.Put("NM1", "PR", "2", x12.NameElement(reqs[0].Payer.Name, 60), "", "", "", "", "PI", reqs[0].Payer.PayerID)
		var npis []string
		byPractice := map[string][]*Request{}
		for _, r := range reqs {
			if _, ok := byPractice[r.Practice.NPI]; !ok {
				npis = append(npis, r.Practice.NPI)
			}
			byPractice[r.Practice.NPI] = append(byPractice[r.Practice.NPI], r)
		}
		for _, npi := range npis {
			group := byPractice[npi]
			hl++
			receiverHL := hl
			// 2000B/2100B information receiver: the practice, by NPI (XX).
			s.Put("HL", strconv.Itoa(hl), strconv.Itoa(sourceHL), "21", "1")
			s.Put("NM1", "1P", "2", x12.NameElement(group[0].Practice.Name, 60), "", "", "", "", "XX", npi)
			for _, r := range group {
				hl = writeRequest(s, in, r, hl, receiverHL)
			}
		}
	}
}

// writeRequest writes the 2000C subscriber loop, and the 2000D dependent
// loop when the patient is not the subscriber, and returns the last HL
// number used. The TRN, the date of service and the EQ inquiries go in the
// loop of the patient (2000C or 2000D), as the guide requires.
func writeRequest(s *x12.SegmentRun, in *Inquiry, r *Request, hl, parent int) int {
	hl++
	subscriberHL := hl
	dep := r.Dependent()
	child := "0"
	if dep {
		child = "1"
	}
	s.Put("HL", strconv.Itoa(hl), strconv.Itoa(parent), "22", child)
	cov, pat := r.Coverage, r.Patient
	if !dep {
		s.Put("TRN", "1", r.Trace, in.Originator)
		s.Put("NM1", "IL", "1", x12.NameElement(pat.LastName, 60), x12.NameElement(pat.FirstName, 35), x12.NameElement(pat.MiddleName, 25), "", "", "MI", cov.MemberID)
		demographics(s, pat.BirthDate, pat.Sex)
		inquiries(s, r)
		return hl
	}
	sub := cov.Subscriber
	s.Put("NM1", "IL", "1", x12.NameElement(sub.LastName, 60), x12.NameElement(sub.FirstName, 35), "", "", "", "MI", cov.MemberID)
	demographics(s, sub.BirthDate, sub.Sex)
	hl++
	s.Put("HL", strconv.Itoa(hl), strconv.Itoa(subscriberHL), "23", "0")
	s.Put("TRN", "1", r.Trace, in.Originator)
	s.Put("NM1", "03", "1", x12.NameElement(pat.LastName, 60), x12.NameElement(pat.FirstName, 35), x12.NameElement(pat.MiddleName, 25))
	demographics(s, pat.BirthDate, pat.Sex)
	inquiries(s, r)
	return hl
}

// demographics writes DMG: the birth date is one of the search options the
// guide requires payers to support (section 1.4.8), and the sex helps the
// payer tell apart people with one name.
func demographics(s *x12.SegmentRun, birth rcm.Date, sex string) {
	if birth.IsZero() {
		return
	}
	if sex != rcm.SexFemale && sex != rcm.SexMale {
		sex = ""
	}
	s.Put("DMG", "D8", birth.D8(), sex)
}

// inquiries writes DTP*291 (plan date) and one EQ per service type.
func inquiries(s *x12.SegmentRun, r *Request) {
	if !r.DateOfService.IsZero() {
		s.Put("DTP", "291", "D8", r.DateOfService.D8())
	}
	for _, st := range r.serviceTypes() {
		s.Put("EQ", st)
	}
}

// ErrNot271 means the input holds a transaction set other than a 271, or
// no 271 at all.
var ErrNot271 = errors.New("not an X12 271 eligibility response")

// ErrBadValue means a 271 element holds a value that cannot be read, such
// as an amount that is not a number.
var ErrBadValue = errors.New("unreadable value")
