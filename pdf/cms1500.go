// Package pdf renders printable documents of the revenue cycle. CMS1500
// draws the 1500 Health Insurance Claim Form (version 02/12) for payers that
// still take paper: the form's boxes and labels are drawn here, not copied
// from an image, and filled as the NUCC 1500 Claim Form Reference
// Instruction Manual says for each item number.
package pdf

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// LinesPerPage is the number of service lines item 24 holds. A claim with
// more lines continues on further forms, each a complete claim form with
// the same header items (NUCC: the total charge, item 28, goes on the last
// page only).
const LinesPerPage = 6

// Options are the choices a form needs that are not in the claim.
type Options struct {
	// SignedOn is the date printed beside the signature of the physician
	// or supplier (item 31): the date the form is produced, passed in so
	// the output is repeatable. The zero Date leaves the date blank.
	SignedOn rcm.Date
}

// rect is a box on the form, in millimetres from the top-left corner of a
// US Letter page.
type rect struct{ X, Y, W, H float64 }

// Page geometry: a left margin and three columns of header boxes, as on the
// printed form.
const (
	left   = 8.0
	right  = 208.0
	colMid = 88.0  // start of items 3, 6, 8, 10
	colR   = 138.0 // start of items 1a, 4, 7, 11
	rowH   = 9.0
	lineY  = 183.0 // top of the first service line of item 24
	lineH  = 10.0  // shaded supplemental half plus unshaded half
)

// boxes are the form's boxes by item number. The renderer draws each with
// its label; the tests read the text inside each box back from the PDF.
var boxes = map[string]rect{
	"carrier": {colR - 20, 8, right - colR + 20, 16},
	"1":       {left, 30, colR - left, rowH},
	"1a":      {colR, 30, right - colR, rowH},
	"2":       {left, 39, colMid - left, rowH},
	"3":       {colMid, 39, colR - colMid, rowH},
	"4":       {colR, 39, right - colR, rowH},
	"5":       {left, 48, colMid - left, 3 * rowH},
	"6":       {colMid, 48, colR - colMid, rowH},
	"7":       {colR, 48, right - colR, 3 * rowH},
	"8":       {colMid, 57, colR - colMid, 2 * rowH},
	"9":       {left, 75, colMid - left, rowH},
	"9a":      {left, 84, colMid - left, rowH},
	"9b":      {left, 93, colMid - left, rowH},
	"9c":      {left, 102, colMid - left, rowH},
	"9d":      {left, 111, colMid - left, rowH},
	"10":      {colMid, 75, colR - colMid, rowH},
	"10a":     {colMid, 84, colR - colMid, rowH},
	"10b":     {colMid, 93, colR - colMid, rowH},
	"10c":     {colMid, 102, colR - colMid, rowH},
	"10d":     {colMid, 111, colR - colMid, rowH},
	"11":      {colR, 75, right - colR, rowH},
	"11a":     {colR, 84, right - colR, rowH},
	"11b":     {colR, 93, right - colR, rowH},
	"11c":     {colR, 102, right - colR, rowH},
	"11d":     {colR, 111, right - colR, rowH},
	"12":      {left, 120, colR - left, 12},
	"13":      {colR, 120, right - colR, 12},
	"14":      {left, 132, colMid - left, rowH},
	"15":      {colMid, 132, colR - colMid, rowH},
	"16":      {colR, 132, right - colR, rowH},
	"17":      {left, 141, colMid - left, rowH},
	"17b":     {colMid, 141, colR - colMid, rowH},
	"18":      {colR, 141, right - colR, rowH},
	"19":      {left, 150, colR - left, rowH},
	"20":      {colR, 150, right - colR, rowH},
	"21":      {left, 159, colR - left, 16},
	"22":      {colR, 159, right - colR, 8},
	"23":      {colR, 167, right - colR, 8},
	"24":      {left, 175, right - left, lineY - 175 + LinesPerPage*lineH},
	"25":      {left, 243, 52, rowH},
	"26":      {60, 243, 50, rowH},
	"27":      {110, 243, 28, rowH},
	"28":      {colR, 243, 27, rowH},
	"29":      {165, 243, 25, rowH},
	"30":      {190, 243, right - 190, rowH},
	"31":      {left, 252, 52, 22},
	"32":      {60, 252, 78, 22},
	"33":      {colR, 252, right - colR, 22},
}

// labels are the printed captions of the boxes.
var labels = map[string]string{
	"1":   "1. MEDICARE   MEDICAID   TRICARE   CHAMPVA   GROUP HEALTH PLAN   FECA BLK LUNG   OTHER",
	"1a":  "1a. INSURED'S I.D. NUMBER (For Program in Item 1)",
	"2":   "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)",
	"3":   "3. PATIENT'S BIRTH DATE (MM DD YY)   SEX",
	"4":   "4. INSURED'S NAME (Last Name, First Name, Middle Initial)",
	"5":   "5. PATIENT'S ADDRESS (No., Street)",
	"6":   "6. PATIENT RELATIONSHIP TO INSURED",
	"7":   "7. INSURED'S ADDRESS (No., Street)",
	"8":   "8. RESERVED FOR NUCC USE",
	"9":   "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)",
	"9a":  "a. OTHER INSURED'S POLICY OR GROUP NUMBER",
	"9b":  "b. RESERVED FOR NUCC USE",
	"9c":  "c. RESERVED FOR NUCC USE",
	"9d":  "d. INSURANCE PLAN NAME OR PROGRAM NAME",
	"10":  "10. IS PATIENT'S CONDITION RELATED TO:",
	"10a": "a. EMPLOYMENT? (Current or Previous)",
	"10b": "b. AUTO ACCIDENT?   PLACE (State)",
	"10c": "c. OTHER ACCIDENT?",
	"10d": "10d. CLAIM CODES (Designated by NUCC)",
	"11":  "11. INSURED'S POLICY GROUP OR FECA NUMBER",
	"11a": "a. INSURED'S DATE OF BIRTH (MM DD YY)   SEX",
	"11b": "b. OTHER CLAIM ID (Designated by NUCC)",
	"11c": "c. INSURANCE PLAN NAME OR PROGRAM NAME",
	"11d": "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?",
	"12":  "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE",
	"13":  "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE",
	"14":  "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)",
	"15":  "15. OTHER DATE",
	"16":  "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION",
	"17":  "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE",
	"17b": "17a.   17b. NPI",
	"18":  "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES",
	"19":  "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)",
	"20":  "20. OUTSIDE LAB?   $ CHARGES",
	"21":  "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY Relate A-L to service line below (24E)   ICD Ind.",
	"22":  "22. RESUBMISSION CODE   ORIGINAL REF. NO.",
	"23":  "23. PRIOR AUTHORIZATION NUMBER",
	"25":  "25. FEDERAL TAX I.D. NUMBER   SSN EIN",
	"26":  "26. PATIENT'S ACCOUNT NO.",
	"27":  "27. ACCEPT ASSIGNMENT?",
	"28":  "28. TOTAL CHARGE",
	"29":  "29. AMOUNT PAID",
	"30":  "30. Rsvd for NUCC Use",
	"31":  "31. SIGNATURE OF PHYSICIAN OR SUPPLIER",
	"32":  "32. SERVICE FACILITY LOCATION INFORMATION",
	"33":  "33. BILLING PROVIDER INFO & PH #",
}

// Columns of item 24, as x offsets from the left margin.
var col24 = struct{ A, AT, B, C, D, E, F, FC, G, H, I, J, End float64 }{
	A: left, AT: 27, B: 46, C: 54, D: 60, E: 100, F: 114, FC: 131, G: 136, H: 146, I: 152, J: 162, End: right,
}

// insuranceType maps the payer's claim filing indicator (837P SBR09) to the
// program boxes of item 1. NUCC: "Other" covers HMOs, commercial plans
// bought by individuals, automobile, liability and workers' compensation;
// "Group Health Plan" is coverage through an employer, union or
// association.
func insuranceType(filing string) string {
	switch filing {
	case "MA", "MB", "16":
		return "MEDICARE"
	case "MC":
		return "MEDICAID"
	case "CH":
		return "TRICARE"
	case "VA":
		return "CHAMPVA"
	case "12", "13", "14", "15", "BL", "CI", "FI":
		return "GROUP HEALTH PLAN"
	}
	return "OTHER"
}

var insuranceTypes = []string{"MEDICARE", "MEDICAID", "TRICARE", "CHAMPVA", "GROUP HEALTH PLAN", "FECA BLK LUNG", "OTHER"}

// relationship maps the patient's relationship to the insured (SBR02) to
// the boxes of item 6.
func relationship(code string) string {
	switch code {
	case "18":
		return "SELF"
	case "01":
		return "SPOUSE"
	case "19":
		return "CHILD"
	}
	return "OTHER"
}

// check reports what a form cannot be drawn without, in words a biller can
// act on.
func check(b *claim.Bundle) error {
	if b == nil || b.Claim == nil {
		return rcm.Errorf(rcm.EINVALID, "The CMS-1500 form needs a claim.")
	}
	c := b.Claim
	var missing []string
	if b.Practice == nil {
		missing = append(missing, "billing provider (items 25, 33)")
	}
	if b.Patient == nil {
		missing = append(missing, "patient (items 2, 3, 5)")
	}
	if b.Coverage == nil {
		missing = append(missing, "coverage (items 1a, 4, 11)")
	}
	if b.Payer == nil {
		missing = append(missing, "payer (item 1)")
	}
	if len(c.Diagnoses) == 0 {
		missing = append(missing, "diagnoses (item 21)")
	}
	if len(c.Lines) == 0 {
		missing = append(missing, "service lines (item 24)")
	}
	if len(missing) > 0 {
		return rcm.Errorf(rcm.EINVALID, "Claim %s cannot be printed on a CMS-1500: missing %s.", c.ControlNumber, strings.Join(missing, ", "))
	}
	if len(c.Diagnoses) > rcm.MaxDiagnoses {
		return rcm.Errorf(rcm.EINVALID, "Claim %s has %d diagnoses; item 21 holds %d (A-L).", c.ControlNumber, len(c.Diagnoses), rcm.MaxDiagnoses)
	}
	if b.Coverage.Relationship != "18" && b.Coverage.Subscriber == nil {
		return rcm.Errorf(rcm.EINVALID, "Claim %s: the patient is not the insured, but the coverage has no subscriber (items 4, 7, 11a).", c.ControlNumber)
	}
	for i, l := range c.Lines {
		if len(l.Pointers) == 0 || len(l.Pointers) > rcm.MaxPointers {
			return rcm.Errorf(rcm.EINVALID, "Claim %s line %d needs one to four diagnosis pointers (item 24E).", c.ControlNumber, i+1)
		}
		for _, p := range l.Pointers {
			if p < 1 || p > len(c.Diagnoses) {
				return rcm.Errorf(rcm.EINVALID, "Claim %s line %d points at diagnosis %d of %d (item 24E).", c.ControlNumber, i+1, p, len(c.Diagnoses))
			}
		}
		if len(l.Modifiers) > rcm.MaxModifiers {
			return rcm.Errorf(rcm.EINVALID, "Claim %s line %d has more than four modifiers (item 24D).", c.ControlNumber, i+1)
		}
	}
	return nil
}

// CMS1500 writes the claim in b as a CMS-1500 (02/12) PDF to w, six service
// lines to a page. A bundle missing what the form needs is an EINVALID
// error and nothing is written.
//
// Where the claim records nothing, the form says what the 837P writer
// sends for the same claim: signatures on file (items 12, 13, 31, as CLM09,
// CLM08 and CLM06 say Y) and assignment accepted (item 27, CLM07 A). Item 17 (referring provider) stays blank
// because a claim records only the referral number, which goes in item 23
// when there is no prior authorization. Only the first other coverage fits
// items 9-9d. CPT descriptors are never printed, only codes.
func CMS1500(w io.Writer, b *claim.Bundle, opt Options) error {
	if err := check(b); err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "Letter", "")
	f.SetAutoPageBreak(false, 0)
	f.SetCreator("OpenRCM", false)
	f.SetTitle("CMS-1500 claim "+b.Claim.ControlNumber, false)
	// Fixed dates and sorted resources keep the file identical for
	// identical input.
	f.SetCatalogSort(true)
	fixed := time.Date(2012, 2, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(fixed)
	f.SetModificationDate(fixed)

	lines := b.Claim.Lines
	pages := (len(lines) + LinesPerPage - 1) / LinesPerPage
	for p := 0; p < pages; p++ {
		end := min((p+1)*LinesPerPage, len(lines))
		r := &form{f: f, b: b, opt: opt}
		f.AddPage()
		r.drawBlank(p+1, pages)
		r.fillHeader()
		r.fillLines(lines[p*LinesPerPage : end])
		r.fillFooter(p == pages-1)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("render CMS-1500: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write CMS-1500: %w", err)
	}
	return nil
}

type form struct {
	f   *fpdf.Fpdf
	b   *claim.Bundle
	opt Options
}

// label writes a caption in the small sans-serif of the printed form.
func (r *form) label(x, y float64, s string) {
	r.f.SetFont("Helvetica", "", 5.5)
	r.f.Text(x, y, s)
}

// put writes data in the monospaced face payers' scanners read best,
// upper case as the NUCC recommends.
func (r *form) put(x, y float64, s string) {
	if s == "" {
		return
	}
	r.f.SetFont("Courier", "", 9)
	r.f.Text(x, y, strings.ToUpper(s))
}

// putRight writes data right-aligned to x (amounts, units).
func (r *form) putRight(x, y float64, s string) {
	if s == "" {
		return
	}
	r.f.SetFont("Courier", "", 9)
	r.f.Text(x-r.f.GetStringWidth(s), y, s)
}

// value writes the data of box k on its n-th data row (0 is the first row
// below the caption), indented by dx.
func (r *form) value(k string, n int, dx float64, s string) {
	b := boxes[k]
	r.put(b.X+1+dx, b.Y+6+float64(n)*3.6, s)
}

// checkbox draws a small square at x, y with a caption before it, crossed
// when on (NUCC: enter an X in the correct box).
func (r *form) checkbox(x, y float64, caption string, on bool) float64 {
	r.label(x, y+2.3, caption)
	bx := x + r.f.GetStringWidth(caption) + 0.8
	r.f.Rect(bx, y, 2.8, 2.8, "D")
	if on {
		r.f.SetFont("Courier", "", 9)
		r.f.Text(bx+0.3, y+2.6, "X")
	}
	r.f.SetFont("Helvetica", "", 5.5)
	return bx + 4.5
}

func (r *form) yesNo(k string, yes bool) {
	b := boxes[k]
	x := r.checkbox(b.X+8, b.Y+4.5, "YES", yes)
	r.checkbox(x+4, b.Y+4.5, "NO", !yes)
}

func (r *form) sex(x, y float64, sex string) {
	x = r.checkbox(x, y, "M", sex == rcm.SexMale)
	r.checkbox(x+2, y, "F", sex == rcm.SexFemale)
}

// drawBlank draws the empty form: the boxes, their captions and the
// service-line grid with its shaded supplemental rows.
func (r *form) drawBlank(page, pages int) {
	f := r.f
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.2)
	f.SetFont("Helvetica", "B", 11)
	f.Text(left, 27, "HEALTH INSURANCE CLAIM FORM")
	r.label(left, 12, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12")
	r.label(left, 15, fmt.Sprintf("PAGE %d OF %d", page, pages))
	keys := make([]string, 0, len(boxes))
	for k := range boxes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b := boxes[k]
		if k == "carrier" {
			continue
		}
		f.Rect(b.X, b.Y, b.W, b.H, "D")
		if l, ok := labels[k]; ok && k != "1" {
			r.label(b.X+0.8, b.Y+2.2, l)
		}
	}
	r.label(boxes["1"].X+0.8, boxes["1"].Y+2.2, "1.")
	// Item 24 heading and line grid.
	heads := []struct {
		x float64
		s string
	}{
		{col24.A, "24. A. DATE(S) OF SERVICE"}, {col24.B, "B. POS"}, {col24.C, "C."},
		{col24.D, "D. PROCEDURES, SERVICES, OR SUPPLIES"}, {col24.E, "E. DIAG."},
		{col24.F, "F. $ CHARGES"}, {col24.G, "G. DAYS"}, {col24.H, "H."},
		{col24.I, "I. ID."}, {col24.J, "J. RENDERING"},
	}
	for _, h := range heads {
		r.label(h.x+0.8, 177.5, h.s)
	}
	subs := []struct {
		x float64
		s string
	}{
		{col24.A, "From MM DD YY"}, {col24.AT, "To MM DD YY"}, {col24.C, "EMG"},
		{col24.D, "CPT/HCPCS   MODIFIER"}, {col24.E, "POINTER"}, {col24.G, "OR UNITS"}, {col24.H, "EPSDT"},
		{col24.I, "QUAL."}, {col24.J, "PROVIDER ID. #"},
	}
	for _, h := range subs {
		r.label(h.x+0.8, 181.5, h.s)
	}
	f.SetFillColor(235, 235, 235)
	for i := 0; i < LinesPerPage; i++ {
		y := lineY + float64(i)*lineH
		f.Rect(left, y, right-left, lineH/2, "FD")
		f.Rect(left, y+lineH/2, right-left, lineH/2, "D")
		r.label(left-3.5, y+lineH-1.5, fmt.Sprint(i+1))
	}
	for _, x := range []float64{col24.AT, col24.B, col24.C, col24.D, col24.E, col24.F, col24.G, col24.H, col24.I, col24.J} {
		f.Line(x, 175, x, lineY+LinesPerPage*lineH)
	}
	f.SetDashPattern([]float64{0.5, 0.5}, 0)
	for _, x := range []float64{col24.FC, boxes["28"].X + 21, boxes["29"].X + 19} {
		top, bottom := lineY, lineY+LinesPerPage*lineH
		if x != col24.FC {
			top, bottom = 246, 252
		}
		f.Line(x, top, x, bottom)
	}
	f.SetDashPattern(nil, 0)
}

// name formats "Last, First, Middle Initial" as items 2, 4 and 9 ask.
func name(last, first, middle string) string {
	s := last + ", " + first
	if middle != "" {
		s += ", " + middle[:1]
	}
	return s
}

// mmddyy formats a date as the six-digit dates of items 3, 11a, 14 and 24A,
// with the spaces the form's date boxes separate.
func mmddyy(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d %02d %02d", int(d.Month), d.Day, d.Year%100)
}

// phone splits a 10-digit phone for the form's "( )" area code field; NUCC
// says not to use a hyphen or space inside the number.
func (r *form) phone(x, y float64, p string) {
	r.label(x, y, "TELEPHONE (Include Area Code)")
	if len(p) == 10 {
		r.put(x, y+3.6, "("+p[:3]+") "+p[3:])
	}
}

func (r *form) address(k string, a rcm.Address, phone string) {
	street := a.Line1
	if a.Line2 != "" {
		street += " " + a.Line2
	}
	bx := boxes[k]
	r.value(k, 0, 0, street)
	r.f.Line(bx.X, bx.Y+rowH, bx.X+bx.W, bx.Y+rowH)
	r.f.Line(bx.X, bx.Y+2*rowH, bx.X+bx.W, bx.Y+2*rowH)
	r.f.Line(bx.X+bx.W-12, bx.Y+rowH, bx.X+bx.W-12, bx.Y+2*rowH)
	r.label(bx.X+0.8, bx.Y+rowH+2.2, "CITY")
	r.label(bx.X+bx.W-11.2, bx.Y+rowH+2.2, "STATE")
	r.put(bx.X+1, bx.Y+rowH+6, a.City)
	r.put(bx.X+bx.W-11, bx.Y+rowH+6, a.State)
	r.label(bx.X+0.8, bx.Y+2*rowH+2.2, "ZIP CODE")
	r.put(bx.X+1, bx.Y+2*rowH+6, zip(a.ZIP))
	r.phone(bx.X+28, bx.Y+2*rowH+2.2, phone)
}

func zip(z string) string {
	z = strings.ReplaceAll(z, "-", "")
	if len(z) == 9 {
		return z[:5] + "-" + z[5:]
	}
	return z
}

// insured returns the insured's name, birth date, sex and address: the
// subscriber's, or the patient's own when the patient is the insured.
func insured(p *rcm.Patient, c *rcm.Coverage) (nm string, birth rcm.Date, sex string, addr rcm.Address, phone string) {
	if c.Relationship == "18" || c.Subscriber == nil {
		return name(p.LastName, p.FirstName, p.MiddleName), p.BirthDate, p.Sex, p.Address, p.Phone
	}
	s := c.Subscriber
	return name(s.LastName, s.FirstName, ""), s.BirthDate, s.Sex, s.Address, ""
}

// fillHeader fills items 1 to 23, which repeat on every page.
func (r *form) fillHeader() {
	b, c, p, cov := r.b, r.b.Claim, r.b.Patient, r.b.Coverage
	car := boxes["carrier"]
	r.put(car.X, car.Y+4, b.Payer.Name)
	r.put(car.X, car.Y+8, "PAYER ID "+b.Payer.PayerID)

	// Item 1: the program the payer is.
	kind := insuranceType(b.Payer.FilingIndicator)
	x := boxes["1"].X + 4
	for _, t := range insuranceTypes {
		x = r.checkbox(x, boxes["1"].Y+4.5, t, t == kind) + 1.5
	}
	r.value("1a", 0, 0, cov.MemberID)

	// Items 2, 3, 5: the patient.
	r.value("2", 0, 0, name(p.LastName, p.FirstName, p.MiddleName))
	r.value("3", 0, 0, mmddyy(p.BirthDate))
	r.sex(boxes["3"].X+26, boxes["3"].Y+4.5, p.Sex)
	r.address("5", p.Address, p.Phone)

	// Items 4, 6, 7, 11, 11a, 11c, 11d: the insured and this coverage.
	inName, inBirth, inSex, inAddr, inPhone := insured(p, cov)
	r.value("4", 0, 0, inName)
	rel := relationship(cov.Relationship)
	x = boxes["6"].X + 1
	for _, t := range []string{"SELF", "SPOUSE", "CHILD", "OTHER"} {
		x = r.checkbox(x, boxes["6"].Y+4.5, t, t == rel) + 1
	}
	r.address("7", inAddr, inPhone)
	r.value("11", 0, 0, cov.GroupNumber)
	r.value("11a", 0, 0, mmddyy(inBirth))
	r.sex(boxes["11a"].X+40, boxes["11a"].Y+4.5, inSex)
	r.value("11c", 0, 0, b.Payer.Name)
	r.yesNo("11d", len(b.OtherCoverages) > 0)

	// Items 9, 9a, 9d: the other insured (NUCC: only when 11d is YES).
	if len(b.OtherCoverages) > 0 {
		oc := b.OtherCoverages[0]
		on, _, _, _, _ := insured(p, oc)
		r.value("9", 0, 0, on)
		r.value("9a", 0, 0, oc.MemberID)
		if op := b.OtherPayers[oc.PayerID]; op != nil {
			r.value("9d", 0, 0, op.Name)
		}
	}

	// Items 10a-10c: accident or employment (CLM11: EM, AA, OA).
	r.yesNo("10a", c.AccidentCause == "EM")
	r.yesNo("10b", c.AccidentCause == "AA")
	if c.AccidentCause == "AA" {
		r.put(boxes["10b"].X+38, boxes["10b"].Y+7, c.AccidentState)
	}
	r.yesNo("10c", c.AccidentCause == "OA")

	// Items 12, 13: signatures on file (NUCC allows "SIGNATURE ON FILE").
	r.value("12", 1, 8, "SIGNATURE ON FILE")
	r.label(boxes["12"].X+0.8, boxes["12"].Y+10, "SIGNED")
	r.value("13", 1, 8, "SIGNATURE ON FILE")
	r.label(boxes["13"].X+0.8, boxes["13"].Y+10, "SIGNED")

	// Item 14: onset, qualifier 431; item 15: accident date, qualifier 439.
	if !c.OnsetDate.IsZero() {
		r.value("14", 0, 0, mmddyy(c.OnsetDate)+"  QUAL 431")
	}
	if !c.AccidentDate.IsZero() {
		r.value("15", 0, 0, "QUAL 439  "+mmddyy(c.AccidentDate))
	}

	// Item 21: ICD indicator 0 (ICD-10-CM) and A-L, without the decimal
	// point, which the NUCC says is implied.
	d := boxes["21"]
	r.put(d.X+d.W-8, d.Y+2.6, "0")
	for i, dx := range c.Diagnoses {
		row, colN := i/4, i%4
		x := d.X + 2 + float64(colN)*32
		y := d.Y + 6.5 + float64(row)*3.8
		r.label(x, y, string(rune('A'+i))+".")
		r.put(x+3, y, strings.ReplaceAll(dx.Code, ".", ""))
	}

	// Item 22: frequency 7 or 8 with the payer's claim number; blank on an
	// original claim.
	if c.Frequency == rcm.FrequencyReplacement || c.Frequency == rcm.FrequencyVoid {
		r.value("22", 0, 0, c.Frequency)
		r.value("22", 0, 22, c.PayerClaimNumber)
	}
	// Item 23 holds one number: the prior authorization, else the referral.
	if c.PriorAuth != "" {
		r.value("23", 0, 0, c.PriorAuth)
	} else {
		r.value("23", 0, 0, c.Referral)
	}
}

// fillLines fills item 24 with up to six lines.
func (r *form) fillLines(lines []rcm.ClaimLine) {
	c := r.b.Claim
	for i, l := range lines {
		top := lineY + float64(i)*lineH
		y := top + lineH - 1.3 // unshaded half
		dos := l.DateOfService
		if dos.IsZero() {
			dos = c.DateOfService
		}
		r.put(col24.A+1, y, mmddyy(dos))
		r.put(col24.AT+1, y, mmddyy(dos))
		r.put(col24.B+1, y, c.PlaceOfService)
		r.put(col24.D+1, y, l.Code)
		for j, m := range l.Modifiers {
			r.put(col24.D+14+float64(j)*6.5, y, m)
		}
		ptr := ""
		for _, p := range l.Pointers {
			ptr += string(rune('A' + p - 1))
		}
		r.put(col24.E+1, y, ptr)
		r.money(col24.FC, y, l.Charge)
		r.putRight(col24.H-1, y, fmt.Sprint(l.Units))
		if rp := r.b.Rendering; rp != nil {
			r.put(col24.J+1, y, rp.NPI)
			r.put(col24.I+1, y, "NPI")
			if rp.Taxonomy != "" {
				// Shaded 24I/24J: the non-NPI id with its qualifier.
				r.put(col24.I+1, top+lineH/2-1.2, "ZZ")
				r.put(col24.J+1, top+lineH/2-1.2, rp.Taxonomy)
			}
		}
		if l.NDC != "" {
			// Shaded 24A-24G: N4, the 11-digit NDC with no space, three
			// spaces, then unit qualifier and quantity. The claim line has
			// no NDC quantity of its own, so the billed units (UN) stand in,
			// as in the 837P's CTP04-05.
			r.put(col24.A+1, top+lineH/2-1.2, fmt.Sprintf("N4%s   UN%d", l.NDC, l.Units))
		}
	}
}

// money writes an amount split at the dotted line between dollars and
// cents (items 24F and 28).
func (r *form) money(centsX, y float64, m rcm.Money) {
	s := m.String()
	dollars, cents, _ := strings.Cut(s, ".")
	r.putRight(centsX-0.8, y, dollars)
	r.put(centsX+0.8, y, cents)
}

// fillFooter fills items 25 to 33; the total charge only on the last page.
func (r *form) fillFooter(last bool) {
	b, c, pr := r.b, r.b.Claim, r.b.Practice
	tin, _ := rcm.NormalizeTIN(pr.TIN)
	r.value("25", 0, 0, tin)
	x := r.checkbox(boxes["25"].X+32, boxes["25"].Y+4.5, "SSN", false)
	r.checkbox(x+1, boxes["25"].Y+4.5, "EIN", true)
	r.value("26", 0, 0, c.ControlNumber)
	r.yesNo("27", true)
	if last {
		bx := boxes["28"]
		r.label(bx.X+0.8, bx.Y+7, "$")
		r.money(bx.X+21, bx.Y+7, c.TotalCharge())
	}

	r.label(boxes["31"].X+0.8, boxes["31"].Y+4.4, "INCLUDING DEGREES OR CREDENTIALS")
	r.value("31", 1, 0, "SIGNATURE ON FILE")
	r.label(boxes["31"].X+0.8, boxes["31"].Y+19, "SIGNED")
	r.label(boxes["31"].X+26, boxes["31"].Y+19, "DATE")
	r.put(boxes["31"].X+33, boxes["31"].Y+19, mmddyy(r.opt.SignedOn))

	if fac := b.Facility; fac != nil {
		r.block("32", fac.Name, fac.Address, "")
		r.labeled("32", "a.", fac.NPI, "b.", "")
	} else {
		r.labeled("32", "a.", "", "b.", "")
	}
	r.block("33", pr.Name, pr.Address, pr.Phone)
	other := ""
	if pr.Taxonomy != "" {
		other = "ZZ" + pr.Taxonomy
	}
	r.labeled("33", "a.", pr.NPI, "b.", other)
}

// block writes a name and address (items 32 and 33) with an optional phone
// in the caption row.
func (r *form) block(k, nm string, a rcm.Address, phone string) {
	bx := boxes[k]
	if len(phone) == 10 {
		r.put(bx.X+42, bx.Y+3.2, "("+phone[:3]+") "+phone[3:])
	}
	street := a.Line1
	if a.Line2 != "" {
		street += " " + a.Line2
	}
	r.put(bx.X+1, bx.Y+6, nm)
	r.put(bx.X+1, bx.Y+9.6, street)
	r.put(bx.X+1, bx.Y+13.2, a.City+" "+a.State+" "+zip(a.ZIP))
}

// labeled fills the a. (NPI) and b. (other id) cells at the foot of items
// 32 and 33.
func (r *form) labeled(k, la, a, lb, b string) {
	bx := boxes[k]
	y := bx.Y + bx.H - 5
	r.f.Line(bx.X, y, bx.X+bx.W, y)
	mid := bx.X + bx.W/2
	r.f.Line(mid, y, mid, bx.Y+bx.H)
	r.label(bx.X+0.8, y+4, la)
	r.label(mid+0.8, y+4, lb)
	r.put(bx.X+4, y+4, a)
	r.put(mid+4, y+4, b)
}
