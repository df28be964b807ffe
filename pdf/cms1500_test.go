package pdf

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// bundle is a synthetic claim: a child covered by a parent's commercial
// plan with a secondary Medicaid plan, three diagnoses, a modifier, an NDC
// line and eight lines, so that the form runs to two pages. No real person,
// provider or payer.
func bundle() *claim.Bundle {
	line := func(code string, mods []string, units int, charge string, ptrs []int, ndc string) rcm.ClaimLine {
		return rcm.ClaimLine{ServiceLine: rcm.ServiceLine{
			Code: code, Modifiers: mods, Units: units, Charge: rcm.MustParseMoney(charge), Pointers: ptrs, NDC: ndc,
		}}
	}
	sub := &rcm.Subscriber{
		FirstName: "Robert", LastName: "Testperson", BirthDate: rcm.MustParseDate("1980-07-04"), Sex: rcm.SexMale,
		Address: rcm.Address{Line1: "12 Sample Way", City: "Springfield", State: "IL", ZIP: "627010000"},
	}
	return &claim.Bundle{
		Claim: &rcm.Claim{
			ID: 41, ControlNumber: "ACCT1001-7-1", Frequency: rcm.FrequencyReplacement, PayerClaimNumber: "PCN20240001",
			PriorAuth: "AUTH778", OnsetDate: rcm.MustParseDate("2024-03-01"),
			AccidentCause: "AA", AccidentState: "IL", AccidentDate: rcm.MustParseDate("2024-02-28"),
			DateOfService: rcm.MustParseDate("2024-03-15"), PlaceOfService: "11",
			Diagnoses: []rcm.Diagnosis{{Code: "S93.401A"}, {Code: "M25.571"}, {Code: "E11.9"}},
			Lines: []rcm.ClaimLine{
				line("99214", []string{"25"}, 1, "180.00", []int{1, 2}, ""),
				line("73610", nil, 1, "95.50", []int{1}, ""),
				line("J1100", nil, 2, "24.00", []int{2}, "00009012345"),
				line("96372", nil, 1, "40.00", []int{2, 3}, ""),
				line("29540", []string{"RT", "59"}, 1, "75.00", []int{1}, ""),
				line("L4361", []string{"RT"}, 1, "210.00", []int{1}, ""),
				line("82962", nil, 1, "12.25", []int{3}, ""),
				line("99417", nil, 3, "150.00", []int{1, 2, 3}, ""),
			},
		},
		Practice: &rcm.Practice{
			Name: "Sample Family Clinic", NPI: "1234567893", TIN: "12-3456789", Taxonomy: "207Q00000X",
			Address: rcm.Address{Line1: "100 Main St", Line2: "Suite 2", City: "Springfield", State: "IL", ZIP: "627040000"},
			Phone:   "2175550100",
		},
		Rendering: &rcm.Provider{FirstName: "Ada", LastName: "Example", NPI: "1245319599", Taxonomy: "207R00000X"},
		Facility: &rcm.Facility{
			Name: "Sample Urgent Care", NPI: "1003000126",
			Address: rcm.Address{Line1: "9 Side Rd", City: "Springfield", State: "IL", ZIP: "62702"},
		},
		Patient: &rcm.Patient{
			AccountNumber: "ACCT1001", FirstName: "Jamie", MiddleName: "Quinn", LastName: "Testperson",
			BirthDate: rcm.MustParseDate("2012-05-09"), Sex: rcm.SexFemale, Phone: "2175550123",
			Address: rcm.Address{Line1: "12 Sample Way", City: "Springfield", State: "IL", ZIP: "627010000"},
		},
		Coverage: &rcm.Coverage{ID: 5, PayerID: 1, Order: 1, MemberID: "XYZ123456789", GroupNumber: "GRP5500", Relationship: "19", Subscriber: sub},
		Payer:    &rcm.Payer{ID: 1, Name: "Sample Health Plan", PayerID: "SHP01", FilingIndicator: "CI"},
		OtherCoverages: []*rcm.Coverage{
			{ID: 6, PayerID: 2, Order: 2, MemberID: "MCD998877", Relationship: "18"},
		},
		OtherPayers: map[int64]*rcm.Payer{2: {ID: 2, Name: "State Medicaid Sample", PayerID: "SMS02", FilingIndicator: "MC"}},
	}
}

// needPdftotext skips without poppler-utils locally and fails in CI, where
// the form's text must be checked.
func needPdftotext(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is missing (Debian poppler-utils): %v", err)
		}
		t.Skip("pdftotext is missing; install Debian poppler-utils to test the CMS-1500 form")
	}
}

// pdftotext runs poppler's pdftotext on file with extra arguments and
// returns the text.
func pdftotext(t *testing.T, file string, args ...string) string {
	t.Helper()
	cmd := exec.Command("pdftotext", append(append(args, "-enc", "UTF-8"), file, "-")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func render(t *testing.T, b *claim.Bundle) string {
	t.Helper()
	var buf bytes.Buffer
	if err := CMS1500(&buf, b, Options{SignedOn: rcm.MustParseDate("2024-03-20")}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cms1500.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

var spaces = regexp.MustCompile(`\s+`)

// boxText is the text pdftotext finds inside box k of a page, with runs of
// white space made one space. Points are 1/72 inch, so at -r 72 a pixel is
// a point.
func boxText(t *testing.T, file string, page int, k string) string {
	t.Helper()
	b, ok := boxes[k]
	if !ok {
		t.Fatalf("no box %q", k)
	}
	pt := func(mm float64) string { return fmt.Sprintf("%d", int(mm*72/25.4+0.5)) }
	out := pdftotext(t, file, "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-r", "72",
		"-x", pt(b.X), "-y", pt(b.Y), "-W", pt(b.W), "-H", pt(b.H), "-layout")
	return strings.TrimSpace(spaces.ReplaceAllString(out, " "))
}

func TestCMS1500Boxes(t *testing.T) {
	needPdftotext(t)
	file := render(t, bundle())
	if n := strings.Count(pdftotext(t, file, "-layout"), "\f"); n != 2 {
		t.Fatalf("pages = %d, want 2 (eight lines, six to a page)", n)
	}
	// Each case: the page, the item, and what its box must contain (the
	// caption first, so the value is known to be in the right box).
	tests := []struct {
		page int
		item string
		want []string
	}{
		{1, "1", []string{"GROUP HEALTH PLAN X", "OTHER"}},
		{1, "1a", []string{"1a. INSURED'S I.D. NUMBER", "XYZ123456789"}},
		{1, "2", []string{"2. PATIENT'S NAME", "TESTPERSON, JAMIE, Q"}},
		{1, "3", []string{"3. PATIENT'S BIRTH DATE", "05 09 12", "M F X"}},
		{1, "4", []string{"4. INSURED'S NAME", "TESTPERSON, ROBERT"}},
		{1, "5", []string{"5. PATIENT'S ADDRESS", "12 SAMPLE WAY", "SPRINGFIELD IL", "62701-0000", "(217) 5550123"}},
		{1, "6", []string{"6. PATIENT RELATIONSHIP TO INSURED", "SELF SPOUSE CHILD X OTHER"}},
		{1, "7", []string{"7. INSURED'S ADDRESS", "12 SAMPLE WAY", "62701-0000"}},
		{1, "9", []string{"9. OTHER INSURED'S NAME", "TESTPERSON, JAMIE, Q"}},
		{1, "9a", []string{"a. OTHER INSURED'S POLICY OR GROUP NUMBER", "MCD998877"}},
		{1, "9d", []string{"d. INSURANCE PLAN NAME OR PROGRAM NAME", "STATE MEDICAID SAMPLE"}},
		{1, "10a", []string{"a. EMPLOYMENT?", "YES NO X"}},
		{1, "10b", []string{"b. AUTO ACCIDENT?", "YES X NO", "IL"}},
		{1, "10c", []string{"c. OTHER ACCIDENT?", "YES NO X"}},
		{1, "11", []string{"11. INSURED'S POLICY GROUP OR FECA NUMBER", "GRP5500"}},
		{1, "11a", []string{"a. INSURED'S DATE OF BIRTH", "07 04 80", "M X F"}},
		{1, "11c", []string{"c. INSURANCE PLAN NAME OR PROGRAM NAME", "SAMPLE HEALTH PLAN"}},
		{1, "11d", []string{"d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", "YES X NO"}},
		{1, "12", []string{"12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", "SIGNATURE ON FILE"}},
		{1, "13", []string{"13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", "SIGNATURE ON FILE"}},
		{1, "14", []string{"14. DATE OF CURRENT ILLNESS", "03 01 24 QUAL 431"}},
		{1, "15", []string{"15. OTHER DATE", "QUAL 439 02 28 24"}},
		{1, "21", []string{"ICD Ind. 0", "A. S93401A", "B. M25571", "C. E119"}},
		{1, "22", []string{"22. RESUBMISSION CODE", "7", "PCN20240001"}},
		{1, "23", []string{"23. PRIOR AUTHORIZATION NUMBER", "AUTH778"}},
		{1, "25", []string{"25. FEDERAL TAX I.D. NUMBER", "123456789", "SSN EIN X"}},
		{1, "26", []string{"26. PATIENT'S ACCOUNT NO.", "ACCT1001-7-1"}},
		{1, "27", []string{"27. ACCEPT ASSIGNMENT?", "YES X NO"}},
		{1, "31", []string{"31. SIGNATURE OF PHYSICIAN", "SIGNATURE ON FILE", "DATE 03 20 24"}},
		{1, "32", []string{"32. SERVICE FACILITY LOCATION INFORMATION", "SAMPLE URGENT CARE", "9 SIDE RD", "SPRINGFIELD IL 62702", "a. 1003000126"}},
		{1, "33", []string{"33. BILLING PROVIDER INFO & PH #", "(217) 5550100", "SAMPLE FAMILY CLINIC", "100 MAIN ST SUITE 2", "SPRINGFIELD IL 62704-0000", "a. 1234567893", "b. ZZ207Q00000X"}},
		{2, "2", []string{"TESTPERSON, JAMIE, Q"}},
		{2, "21", []string{"A. S93401A", "C. E119"}},
		{2, "28", []string{"28. TOTAL CHARGE", "$ 786 75"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page %d item %s", tt.page, tt.item), func(t *testing.T) {
			got := boxText(t, file, tt.page, tt.item)
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("box %s: %q not found after %q in:\n%s", tt.item, w, got[:at], got)
				}
				at += i + len(w)
			}
		})
	}
	// Item 28: the total goes on the last page only.
	if got := boxText(t, file, 1, "28"); strings.ContainsAny(strings.TrimPrefix(got, "28. TOTAL CHARGE"), "0123456789") {
		t.Errorf("page 1 item 28 = %q, want no amount before the last page", got)
	}
}

// lineText is the text of service line i (0-5) of item 24 on a page, the
// shaded supplemental half and the unshaded half together.
func lineText(t *testing.T, file string, page, i int) string {
	t.Helper()
	pt := func(mm float64) string { return fmt.Sprintf("%d", int(mm*72/25.4+0.5)) }
	y := lineY + float64(i)*lineH
	out := pdftotext(t, file, "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-r", "72",
		"-x", pt(left), "-y", pt(y+0.3), "-W", pt(right-left), "-H", pt(lineH-0.6), "-layout")
	return strings.TrimSpace(spaces.ReplaceAllString(out, " "))
}

func TestCMS1500Lines(t *testing.T) {
	needPdftotext(t)
	file := render(t, bundle())
	shaded := "ZZ 207R00000X "
	want := [2][LinesPerPage]string{{
		shaded + "03 15 24 03 15 24 11 99214 25 AB 180 00 1 NPI 1245319599",
		shaded + "03 15 24 03 15 24 11 73610 A 95 50 1 NPI 1245319599",
		"N400009012345 UN2 " + shaded + "03 15 24 03 15 24 11 J1100 B 24 00 2 NPI 1245319599",
		shaded + "03 15 24 03 15 24 11 96372 BC 40 00 1 NPI 1245319599",
		shaded + "03 15 24 03 15 24 11 29540 RT 59 A 75 00 1 NPI 1245319599",
		shaded + "03 15 24 03 15 24 11 L4361 RT A 210 00 1 NPI 1245319599",
	}, {
		shaded + "03 15 24 03 15 24 11 82962 C 12 25 1 NPI 1245319599",
		shaded + "03 15 24 03 15 24 11 99417 ABC 150 00 3 NPI 1245319599",
	}}
	for page := 1; page <= 2; page++ {
		for i := 0; i < LinesPerPage; i++ {
			got := lineText(t, file, page, i)
			if got != want[page-1][i] {
				t.Errorf("page %d line %d:\n got %q\nwant %q", page, i+1, got, want[page-1][i])
			}
		}
	}
}

// TestCMS1500OnePage is a claim that fits one form: an original claim of
// the patient's own single coverage, so items 9, 22 and the second page
// stay empty and the total is on the only page.
func TestCMS1500OnePage(t *testing.T) {
	needPdftotext(t)
	b := bundle()
	b.Claim.Lines = b.Claim.Lines[:2]
	b.Claim.Frequency, b.Claim.PayerClaimNumber = rcm.FrequencyOriginal, ""
	b.Claim.PriorAuth, b.Claim.Referral = "", "REF4455"
	b.Claim.AccidentCause, b.Claim.AccidentState, b.Claim.AccidentDate = "", "", rcm.Date{}
	b.Coverage.Relationship, b.Coverage.Subscriber = "18", nil
	b.OtherCoverages, b.OtherPayers = nil, nil
	b.Payer.FilingIndicator = "MB"
	b.Facility = nil
	file := render(t, b)
	if n := strings.Count(pdftotext(t, file, "-layout"), "\f"); n != 1 {
		t.Fatalf("pages = %d, want 1", n)
	}
	tests := []struct{ item, want string }{
		{"1", "1. MEDICARE X MEDICAID TRICARE CHAMPVA GROUP HEALTH PLAN FECA BLK LUNG OTHER"},
		{"4", "4. INSURED'S NAME (Last Name, First Name, Middle Initial) TESTPERSON, JAMIE, Q"},
		{"6", "6. PATIENT RELATIONSHIP TO INSURED SELF X SPOUSE CHILD OTHER"},
		{"9", "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)"},
		{"9d", "d. INSURANCE PLAN NAME OR PROGRAM NAME"},
		{"10b", "b. AUTO ACCIDENT? PLACE (State) YES NO X"},
		{"11d", "d. IS THERE ANOTHER HEALTH BENEFIT PLAN? YES NO X"},
		{"15", "15. OTHER DATE"},
		{"22", "22. RESUBMISSION CODE ORIGINAL REF. NO."},
		{"23", "23. PRIOR AUTHORIZATION NUMBER REF4455"},
		{"28", "28. TOTAL CHARGE $ 275 50"},
		{"32", "32. SERVICE FACILITY LOCATION INFORMATION a. b."},
	}
	for _, tt := range tests {
		if got := boxText(t, file, 1, tt.item); got != tt.want {
			t.Errorf("item %s:\n got %q\nwant %q", tt.item, got, tt.want)
		}
	}
}

func TestCMS1500Refuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(b *claim.Bundle)
		want string // in the message
	}{
		{"no claim", func(b *claim.Bundle) { b.Claim = nil }, "needs a claim"},
		{"no practice", func(b *claim.Bundle) { b.Practice = nil }, "billing provider (items 25, 33)"},
		{"no patient", func(b *claim.Bundle) { b.Patient = nil }, "patient (items 2, 3, 5)"},
		{"no coverage or payer", func(b *claim.Bundle) { b.Coverage, b.Payer = nil, nil }, "coverage (items 1a, 4, 11), payer (item 1)"},
		{"no diagnoses", func(b *claim.Bundle) { b.Claim.Diagnoses = nil }, "diagnoses (item 21)"},
		{"no lines", func(b *claim.Bundle) { b.Claim.Lines = nil }, "service lines (item 24)"},
		{"thirteen diagnoses", func(b *claim.Bundle) {
			b.Claim.Diagnoses = make([]rcm.Diagnosis, 13)
		}, "item 21 holds 12"},
		{"pointer past the diagnoses", func(b *claim.Bundle) { b.Claim.Lines[7].Pointers = []int{4} }, "line 8 points at diagnosis 4 of 3"},
		{"line without pointer", func(b *claim.Bundle) { b.Claim.Lines[0].Pointers = nil }, "line 1 needs one to four diagnosis pointers"},
		{"five modifiers", func(b *claim.Bundle) { b.Claim.Lines[1].Modifiers = []string{"A", "B", "C", "D", "E"} }, "line 2 has more than four modifiers"},
		{"dependent without subscriber", func(b *claim.Bundle) { b.Coverage.Subscriber = nil }, "no subscriber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bundle()
			tt.edit(b)
			var buf bytes.Buffer
			err := CMS1500(&buf, b, Options{})
			var e *rcm.Error
			if !errors.As(err, &e) || e.Code != rcm.EINVALID || !strings.Contains(e.Message, tt.want) {
				t.Fatalf("CMS1500 = %v, want %s error containing %q", err, rcm.EINVALID, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written for a refused claim", buf.Len())
			}
		})
	}
	if err := CMS1500(&bytes.Buffer{}, nil, Options{}); err == nil {
		t.Error("CMS1500(nil bundle) = nil error")
	}
}

// TestCMS1500Golden compares the whole text of the two-page form with
// testdata/cms1500.golden; run with -update to rewrite it, and review the
// diff.
func TestCMS1500Golden(t *testing.T) {
	needPdftotext(t)
	got := pdftotext(t, render(t, bundle()), "-layout")
	golden := filepath.Join("testdata", "cms1500.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("form text mismatch (-want +got):\n%s", diff)
	}
}

// TestCMS1500Repeatable: the same claim gives the same bytes, so a form
// can be stored and compared.
func TestCMS1500Repeatable(t *testing.T) {
	var a, b bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b} {
		if err := CMS1500(buf, bundle(), Options{SignedOn: rcm.MustParseDate("2024-03-20")}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of one claim differ")
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Errorf("output starts %q, want a PDF", a.Bytes()[:8])
	}
}
