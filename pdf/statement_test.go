package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/statement"
)

func testStatement(lines int) *statement.Statement {
	m := rcm.MustParseMoney
	st := &statement.Statement{
		Practice: &rcm.Practice{Name: "Lakeside Family Medicine", Address: rcm.Address{Line1: "400 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014105"}},
		Patient: &rcm.Patient{AccountNumber: "LFM01001", FirstName: "Avery", MiddleName: "J", LastName: "Ashgrove",
			Address: rcm.Address{Line1: "12 Birch Rd", Line2: "Apt 4", City: "Springfield", State: "IL", ZIP: "62704"}},
		Date: rcm.MustParseDate("2026-03-15"), DueBy: rcm.MustParseDate("2026-04-14"),
	}
	for i := range lines {
		l := statement.Line{DateOfService: rcm.MustParseDate("2026-02-10").AddDays(i), Code: "99213", Modifiers: []string{"25"}, Charge: m("125"),
			InsurancePaid: m("80"), Adjusted: m("25"), PatientPaid: m("5"), Due: m("15")}
		st.Lines = append(st.Lines, l)
		st.Charges += l.Charge
		st.InsurancePaid += l.InsurancePaid
		st.Adjusted += l.Adjusted
		st.PatientPaid += l.PatientPaid
		st.Due += l.Due
	}
	return st
}

// TestStatementCodeWords: each service's code is printed with its words
// under it (issue 16), and the taller rows move onto more pages.
func TestStatementCodeWords(t *testing.T) {
	needPdftotext(t)
	for _, tc := range []struct{ lines, pages int }{{2, 1}, {17, 1}, {18, 2}} {
		st := testStatement(tc.lines)
		st.Describe(func(code string, dos rcm.Date) string {
			return fmt.Sprintf("Words for %s on %s", code, dos)
		})
		var buf bytes.Buffer
		if err := Statement(&buf, st); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "statement.pdf")
		if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdftotext(t, file)), " ")
		for i := range tc.lines {
			if want := fmt.Sprintf("Words for 99213 on %s", rcm.MustParseDate("2026-02-10").AddDays(i)); !strings.Contains(text, want) {
				t.Errorf("%d lines: statement lacks %q", tc.lines, want)
			}
		}
		if want := fmt.Sprintf("Page %d of %d", tc.pages, tc.pages); !strings.Contains(text, want) {
			t.Errorf("%d described lines: want %q in\n%s", tc.lines, want, text)
		}
	}
}

// TestStatementText reads the statement back with pdftotext: the amount
// due and its date, each service with its figures, the totals, and more
// pages when the services do not fit on one.
func TestStatementText(t *testing.T) {
	needPdftotext(t)
	for _, tc := range []struct {
		lines, pages int
		due          string
	}{{2, 1, "$30.00"}, {30, 2, "$450.00"}} {
		t.Run(fmt.Sprint(tc.lines), func(t *testing.T) {
			st := testStatement(tc.lines)
			var a, b bytes.Buffer
			if err := Statement(&a, st); err != nil {
				t.Fatal(err)
			}
			if err := Statement(&b, st); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("the same statement printed twice differs (%v)", err)
			}
			file := filepath.Join(t.TempDir(), "statement.pdf")
			if err := os.WriteFile(file, a.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdftotext(t, file)), " ")
			for _, want := range []string{
				"Lakeside Family Medicine", "Springfield, IL 62701-4105", "Statement", "Date: 03/15/2026", "Account: LFM01001",
				"Avery J Ashgrove", "12 Birch Rd, Apt 4", "Amount due", tc.due, "Pay by", "04/14/2026",
				"02/10/2026 99213-25 $125.00 $80.00 $25.00 $5.00 $0.00 $15.00",
				fmt.Sprintf("Page %d of %d", tc.pages, tc.pages),
				"Total",
				// The totals row: charges, insurance paid, adjusted, paid,
				// with insurance, owed.
				strings.Join([]string{st.Charges.Dollars(), st.InsurancePaid.Dollars(), st.Adjusted.Dollars(), st.PatientPaid.Dollars(), "$0.00", st.Due.Dollars()}, " "),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("statement lacks %q:\n%s", want, text)
				}
			}
		})
	}
	// A statement for a child goes to the parent responsible for the bill.
	st := testStatement(1)
	st.Patient.Guarantor = &rcm.Guarantor{Relationship: rcm.GuarantorParent, FirstName: "Morgan", LastName: "Ashgrove",
		Address: rcm.Address{Line1: "8 Quarry Ln", City: "Chatham", State: "IL", ZIP: "62629"}}
	var buf bytes.Buffer
	if err := Statement(&buf, st); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "guarantor.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftotext(t, file)), " ")
	for _, want := range []string{"Morgan Ashgrove", "8 Quarry Ln", "Chatham, IL 62629", "For patient: Avery J Ashgrove"} {
		if !strings.Contains(text, want) {
			t.Errorf("guarantor statement lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "12 Birch Rd") {
		t.Errorf("guarantor statement is addressed to the patient's address:\n%s", text)
	}
	if err := Statement(&bytes.Buffer{}, &statement.Statement{}); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("empty statement: %v", err)
	}
}
