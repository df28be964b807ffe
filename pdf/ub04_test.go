package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// ubBundle is a synthetic inpatient hospital claim: a dependent of a
// commercial plan's subscriber with a secondary plan, admission data, POA
// indicators, an ICD-10-PCS procedure, occurrence, span, value and
// condition codes, accommodation days, a revenue-code-only line and a
// non-covered charge. No real person, provider or payer.
func ubBundle() *claim.Bundle {
	b := bundle()
	c := b.Claim
	c.Frequency, c.PayerClaimNumber = rcm.FrequencyOriginal, ""
	c.AccidentCause, c.AccidentState = "", ""
	admit := rcm.MustParseDate("2024-03-10")
	c.DateOfService = admit
	c.Diagnoses = []rcm.Diagnosis{{Code: "K35.80"}, {Code: "E11.9"}, {Code: "I10"}}
	c.Lines = []rcm.ClaimLine{
		{ServiceLine: rcm.ServiceLine{Units: 3, Charge: rcm.MustParseMoney("3600.00")}},
		{ServiceLine: rcm.ServiceLine{Units: 1, Charge: rcm.MustParseMoney("5200.00"), DateOfService: rcm.MustParseDate("2024-03-11")}},
		{ServiceLine: rcm.ServiceLine{Code: "80053", Units: 1, Charge: rcm.MustParseMoney("90.00")}},
		{ServiceLine: rcm.ServiceLine{Code: "J3490", Modifiers: []string{"JW"}, Units: 1, Charge: rcm.MustParseMoney("25.00")}},
	}
	c.Institutional = &rcm.Institutional{TypeOfBill: "0111", StatementFrom: admit, StatementTo: rcm.MustParseDate("2024-03-13"),
		AdmissionDate: admit, AdmissionHour: "14", AdmissionType: "1", AdmissionSource: "7", DischargeHour: "11", PatientStatus: "01",
		POA: []string{"Y", "N", "1"}, AdmittingDiagnosis: "R10.31",
		Procedures:      []rcm.PCSProcedure{{Code: "0DTJ4ZZ", Date: rcm.MustParseDate("2024-03-11")}},
		DRG:             "343",
		Occurrences:     []rcm.Occurrence{{Code: "11", Date: rcm.MustParseDate("2024-03-09")}},
		OccurrenceSpans: []rcm.OccurrenceSpan{{Code: "74", From: rcm.MustParseDate("2024-03-12"), To: rcm.MustParseDate("2024-03-12")}},
		Values:          []rcm.ValueCode{{Code: "80", Amount: 300}},
		ConditionCodes:  []string{"39", "A3"},
		Lines:           []rcm.RevenueLine{{RevenueCode: "0120"}, {RevenueCode: "0360"}, {RevenueCode: "0300"}, {RevenueCode: "0636", NonCovered: 2500}}}
	b.Attending = &rcm.Provider{FirstName: "Ada", LastName: "Example", NPI: "1245319599"}
	b.Operating = &rcm.Provider{FirstName: "Bo", LastName: "Surgeon", NPI: "1003000126"}
	return b
}

func renderUB(t *testing.T, b *claim.Bundle) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := UB04(&buf, b, Options{SignedOn: rcm.MustParseDate("2024-03-20")}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ub04.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, buf.Bytes()
}

// ubBoxText is the text pdftotext finds inside form locator k.
func ubBoxText(t *testing.T, file string, page int, k string) string {
	t.Helper()
	b, ok := ubBoxes[k]
	if !ok {
		t.Fatalf("no form locator %q", k)
	}
	pt := func(mm float64) string { return fmt.Sprintf("%d", int(mm*72/25.4+0.5)) }
	out := pdftotext(t, file, "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-r", "72",
		"-x", pt(b.X), "-y", pt(b.Y), "-W", pt(b.W), "-H", pt(b.H), "-layout")
	return strings.TrimSpace(spaces.ReplaceAllString(out, " "))
}

// Every form locator 1-81 is drawn with its caption, and the claim's data
// is read back from inside the locator the NUBC manual puts it in.
func TestUB04Locators(t *testing.T) {
	needPdftotext(t)
	file, _ := renderUB(t, ubBundle())
	all := pdftotext(t, file, "-layout")
	for _, want := range []string{"UB-04", "TYPE OF BILL"} {
		if !strings.Contains(all, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	for n := 1; n <= 81; n++ {
		k := fmt.Sprint(n)
		if n == 3 {
			k = "3a"
		}
		if _, ok := ubBoxes[k]; !ok {
			t.Errorf("form locator %d has no box", n)
		}
	}
	tests := []struct {
		fl   string
		want []string
	}{
		{"1", []string{"1 BILLING PROVIDER", "SAMPLE FAMILY CLINIC", "100 MAIN ST SUITE 2", "SPRINGFIELD IL 62704-0000"}},
		{"3a", []string{"3a PAT. CNTL #", "ACCT1001-7-1"}},
		{"4", []string{"4 TYPE OF BILL", "0111"}},
		{"5", []string{"5 FED. TAX NO.", "123456789"}},
		{"6", []string{"6 STATEMENT COVERS PERIOD", "031024", "031324"}},
		{"8", []string{"8 PATIENT NAME", "TESTPERSON, JAMIE, Q"}},
		{"9", []string{"9 PATIENT ADDRESS", "12 SAMPLE WAY", "SPRINGFIELD", "IL", "62701-0000"}},
		{"10", []string{"10 BIRTHDATE", "050912"}},
		{"12", []string{"12 ADMISSION DATE", "031024"}},
		{"13", []string{"13 HR", "14"}},
		{"14", []string{"14 TYPE", "1"}},
		{"15", []string{"15 SRC", "7"}},
		{"16", []string{"16 DHR", "11"}},
		{"17", []string{"17 STAT", "01"}},
		{"18", []string{"18", "39"}},
		{"19", []string{"19", "A3"}},
		{"31", []string{"31 OCCURRENCE CODE DATE", "11 030924"}},
		{"35", []string{"35 OCCURRENCE SPAN", "74 031224 031224"}},
		{"38", []string{"38 RESPONSIBLE PARTY", "TESTPERSON, ROBERT", "12 SAMPLE WAY"}},
		{"39", []string{"39 VALUE CODES", "80", "3.00"}},
		{"42", []string{"42 REV. CD.", "0120", "0360", "0300", "0636", "0001"}},
		{"43", []string{"43 DESCRIPTION", "ROOM AND BOARD SEMI-PRIVATE", "OPERATING ROOM", "LABORATORY", "DRUGS DETAIL CODED", "PAGE 1 OF 1"}},
		{"44", []string{"44 HCPCS", "80053", "J3490 JW"}},
		{"45", []string{"45 SERV. DATE", "031024", "031124", "031024", "031024", "032024"}},
		{"46", []string{"46 SERV. UNITS", "3", "1", "1", "1"}},
		{"47", []string{"47 TOTAL CHARGES", "3600.00", "5200.00", "90.00", "25.00", "8915.00"}},
		{"48", []string{"48 NON-COVERED CHARGES", "25.00", "25.00"}},
		{"50", []string{"50 PAYER NAME", "A SAMPLE HEALTH PLAN", "B STATE MEDICAID SAMPLE"}},
		{"51", []string{"51 HEALTH PLAN ID", "SHP01", "SMS02"}},
		{"55", []string{"55 EST. AMOUNT DUE", "8915.00"}},
		{"56", []string{"56 NPI", "1234567893"}},
		{"58", []string{"58 INSURED'S NAME", "TESTPERSON, ROBERT", "TESTPERSON, JAMIE, Q"}},
		{"59", []string{"59 P.REL", "19", "18"}},
		{"60", []string{"60 INSURED'S UNIQUE ID", "XYZ123456789", "MCD998877"}},
		{"62", []string{"62 INSURANCE GROUP NO.", "GRP5500"}},
		{"63", []string{"63 TREATMENT AUTHORIZATION CODES", "AUTH778"}},
		{"66", []string{"66 DX", "0"}},
		{"67", []string{"67 PRINCIPAL AND OTHER DIAGNOSIS CODES (POA)", "K3580 Y", "A E119 N", "B I10 1"}},
		{"69", []string{"69 ADMIT DX", "R1031"}},
		{"71", []string{"71 PPS CODE", "343"}},
		{"74", []string{"74 PRINCIPAL AND OTHER PROCEDURES", "0DTJ4ZZ 031124"}},
		{"76", []string{"76 ATTENDING NPI", "1245319599", "LAST EXAMPLE FIRST ADA"}},
		{"77", []string{"77 OPERATING NPI", "1003000126", "LAST SURGEON FIRST BO"}},
		{"81", []string{"81 CC", "B3 207Q00000X"}},
	}
	for _, tt := range tests {
		t.Run("FL "+tt.fl, func(t *testing.T) {
			got := ubBoxText(t, file, 1, tt.fl)
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("FL %s: %q not found after %q in:\n%s", tt.fl, w, got[:at], got)
				}
				at += i + len(w)
			}
		})
	}
}

// A claim of more than 22 lines continues on a second form; the totals
// (line 23) go on the last page only. The same claim renders to the same
// bytes.
func TestUB04Pages(t *testing.T) {
	needPdftotext(t)
	b := ubBundle()
	for len(b.Claim.Lines) < 25 {
		b.Claim.Lines = append(b.Claim.Lines, rcm.ClaimLine{ServiceLine: rcm.ServiceLine{Code: "80053", Units: 1, Charge: 1000}})
		b.Claim.Institutional.Lines = append(b.Claim.Institutional.Lines, rcm.RevenueLine{RevenueCode: "0300"})
	}
	file, data := renderUB(t, b)
	if n := strings.Count(pdftotext(t, file, "-layout"), "\f"); n != 2 {
		t.Fatalf("pages = %d, want 2", n)
	}
	if got := ubBoxText(t, file, 1, "43"); !strings.Contains(got, "PAGE 1 OF 2") {
		t.Errorf("page 1 FL 43 = %q", got)
	}
	if got := ubBoxText(t, file, 1, "47"); strings.Contains(got, "9125.00") {
		t.Errorf("page 1 carries the total: %q", got)
	}
	if got := ubBoxText(t, file, 2, "47"); !strings.Contains(got, "9125.00") {
		t.Errorf("page 2 FL 47 lacks the total 9125.00: %q", got)
	}
	_, again := renderUB(t, b)
	if !bytes.Equal(data, again) {
		t.Error("the same claim rendered to different bytes")
	}
}

// A professional claim or one missing what the form needs is refused with
// the locators named, and nothing is written.
func TestUB04Refuses(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*claim.Bundle)
		want   string
	}{
		{"professional", func(b *claim.Bundle) { b.Claim.Institutional = nil }, "CMS-1500"},
		{"no diagnosis", func(b *claim.Bundle) { b.Claim.Diagnoses = nil }, "FL 67"},
		{"revenue codes short", func(b *claim.Bundle) { b.Claim.Institutional.Lines = b.Claim.Institutional.Lines[:2] }, "2 of its 4 lines"},
		{"no payer", func(b *claim.Bundle) { b.Payer = nil }, "FL 50-62"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ubBundle()
			tt.break_(b)
			var buf bytes.Buffer
			err := UB04(&buf, b, Options{})
			if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want EINVALID naming %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}
