// Package eligibilitytest answers 270 inquiries with 271s the way a payer
// would, from segments a test chooses, so that eligibility can be tested
// end to end without the payer sandbox. It also holds synthetic patients
// and coverages for those tests. Nothing here is real PHI.
package eligibilitytest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Question is one inquiry of a 270 (a 2000C or 2000D loop with a TRN).
type Question struct {
	Trace, Originator string
	MemberID          string
	Dependent         bool
	ServiceTypes      []string
}

// Responder writes 271s. Answer returns, for each question, the segments
// of the person's loops after the NM1 (AAA, DTP, then EB loops), each as
// an id followed by its elements. ReceiverReject, when set, is an AAA
// (elements AAA01..AAA04) for the 2100B loop that rejects the whole
// inquiry, in which case no person loops are written.
type Responder struct {
	Answer         func(Question) [][]string
	ReceiverReject []string
	Time           time.Time
}

type person struct {
	q       Question
	name    []string // NM1 elements of the subscriber
	depName []string // NM1 elements of the dependent
}

// Respond reads the 270 in and writes the 271.
func (rs *Responder) Respond(w io.Writer, in []byte) error {
	var (
		ref, payerName, payerID, provName, provID string
		people                                    []*person
		cur                                       *person
		level                                     string
	)
	err := x12.ReadTransactions(bytes.NewReader(in), func(tx *x12.Transaction) error {
		if tx.ID != "270" {
			return fmt.Errorf("not a 270: %s", tx.ID)
		}
		var all []*x12.Segment
		var walk func(n *x12.Node)
		walk = func(n *x12.Node) {
			all = append(all, n.Segments...)
			for _, c := range n.Children {
				walk(c)
			}
		}
		walk(tx.Root)
		for _, s := range all {
			switch s.ID() {
			case "BHT":
				ref = s.String(3)
			case "HL":
				level = s.String(3)
				if level == "22" {
					cur = &person{}
					people = append(people, cur)
				}
			case "NM1":
				switch level {
				case "20":
					payerName, payerID = s.String(3), s.String(9)
				case "21":
					provName, provID = s.String(3), s.String(9)
				case "22":
					cur.name = []string{"IL", "1", s.String(3), s.String(4), "", "", "", "MI", s.String(9)}
					cur.q.MemberID = s.String(9)
				case "23":
					cur.depName = []string{"03", "1", s.String(3), s.String(4)}
					cur.q.Dependent = true
				}
			case "TRN":
				cur.q.Trace, cur.q.Originator = s.String(2), s.String(3)
			case "EQ":
				cur.q.ServiceTypes = append(cur.q.ServiceTypes, s.String(1))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	t := rs.Time
	if t.IsZero() {
		t = time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	}
	xw := x12.NewWriter(w, x12.DefaultDelimiters, true, &x12.Counter{N: 500})
	if err := xw.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "SANDBOXPAYER", ReceiverQual: "ZZ", Receiver: "PRACTICE", Time: t}); err != nil {
		return err
	}
	if err := xw.StartGroup(x12.GroupHeader{FunctionalID: "HB", Sender: "SANDBOXPAYER", Receiver: "PRACTICE", Time: t, Version: "005010X279A1"}); err != nil {
		return err
	}
	if _, err := xw.StartTransaction("271", "005010X279A1"); err != nil {
		return err
	}
	var werr error
	seg := func(id string, els ...string) {
		if werr == nil {
			werr = xw.Segment(id, els...)
		}
	}
	seg("BHT", "0022", "11", ref, t.Format("20060102"), t.Format("1504"))
	seg("HL", "1", "", "20", "1")
	seg("NM1", "PR", "2", payerName, "", "", "", "", "PI", payerID)
	seg("HL", "2", "1", "21", boolCode(rs.ReceiverReject == nil && len(people) > 0))
	seg("NM1", "1P", "2", provName, "", "", "", "", "XX", provID)
	if rs.ReceiverReject != nil {
		seg("AAA", rs.ReceiverReject...)
	} else {
		hl := 2
		for _, p := range people {
			hl++
			sub := hl
			seg("HL", strconv.Itoa(hl), "2", "22", boolCode(p.q.Dependent))
			var answer [][]string
			if rs.Answer != nil {
				answer = rs.Answer(p.q)
			}
			if !p.q.Dependent {
				seg("TRN", "2", p.q.Trace, p.q.Originator)
				seg("NM1", p.name...)
			} else {
				seg("NM1", p.name...)
				hl++
				seg("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23", "0")
				seg("TRN", "2", p.q.Trace, p.q.Originator)
				seg("NM1", p.depName...)
			}
			for _, a := range answer {
				seg(a[0], a[1:]...)
			}
		}
	}
	if werr != nil {
		return werr
	}
	if err := xw.EndTransaction(); err != nil {
		return err
	}
	if err := xw.EndGroup(); err != nil {
		return err
	}
	return xw.EndInterchange()
}

func boolCode(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Addr is a synthetic address.
var Addr = rcm.Address{Line1: "100 Test Way", City: "Springfield", State: "IL", ZIP: "62701"}

// Practice returns a synthetic practice with a valid NPI.
func Practice() *rcm.Practice {
	return &rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "123456789", Taxonomy: "207Q00000X", Address: Addr}
}

// Payer returns a synthetic commercial payer.
func Payer() *rcm.Payer {
	return &rcm.Payer{Name: "Acme Health Plan", PayerID: "ACME1", FilingIndicator: "CI"}
}

// Patient returns a synthetic adult patient.
func Patient() *rcm.Patient {
	return &rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Testperson", BirthDate: rcm.MustParseDate("1980-02-03"), Sex: "F", Address: Addr}
}

// Child returns a synthetic child patient, a dependent of Patient's
// subscriber.
func Child() *rcm.Patient {
	return &rcm.Patient{AccountNumber: "A1002", FirstName: "Ben", LastName: "Testperson", BirthDate: rcm.MustParseDate("2015-06-07"), Sex: "M", Address: Addr}
}

// SelfCoverage returns a coverage the patient holds as subscriber.
func SelfCoverage() *rcm.Coverage {
	return &rcm.Coverage{Order: 1, MemberID: "XYZ123456", GroupNumber: "G100", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
}

// ChildCoverage returns a coverage of a child under a parent subscriber.
func ChildCoverage() *rcm.Coverage {
	return &rcm.Coverage{Order: 1, MemberID: "XYZ123456", GroupNumber: "G100", Relationship: "19", EffectiveFrom: rcm.MustParseDate("2025-01-01"),
		Subscriber: &rcm.Subscriber{FirstName: "Ada", LastName: "Testperson", BirthDate: rcm.MustParseDate("1980-02-03"), Sex: "F", Address: Addr}}
}

// Benefits is a typical in-network commercial answer: active plan for
// 2026, $25 office visit copay, $1,500 deductible with $1,125 left, 20%
// coinsurance and a $5,000 out-of-pocket maximum with $4,000 left.
func Benefits(Question) [][]string {
	return [][]string{
		{"DTP", "346", "D8", "20260101"},
		{"DTP", "347", "D8", "20261231"},
		{"EB", "1", "IND", "30", "PR", "GOLD PPO"},
		{"EB", "B", "IND", "98", "PR", "", "27", "25", "", "", "", "", "Y"},
		{"EB", "C", "IND", "30", "PR", "", "23", "1500", "", "", "", "", "Y"},
		{"EB", "C", "IND", "30", "PR", "", "29", "1125", "", "", "", "", "Y"},
		{"EB", "A", "IND", "30", "PR", "", "", "", ".2", "", "", "", "Y"},
		{"EB", "G", "IND", "30", "PR", "", "23", "5000", "", "", "", "", "Y"},
		{"EB", "G", "IND", "30", "PR", "", "29", "4000", "", "", "", "", "Y"},
	}
}
