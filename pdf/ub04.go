package pdf

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
)

// UB04LinesPerPage is the number of service lines form locators 42-49
// hold; line 23 carries the page count and, on the last page, the totals.
const UB04LinesPerPage = 22

// ubLineY and ubLineH place the service-line grid of FL 42-49.
const (
	ubLineY = 90.0
	ubLineH = 4.3
)

// ubBoxes are the UB-04's form locators by number, in millimetres from the
// top-left corner of a US Letter page, laid out as on the printed CMS-1450.
// The tests read the text inside each box back from the PDF.
var ubBoxes = map[string]rect{
	"1": {8, 8, 66, 22}, "2": {74, 8, 66, 22},
	"3a": {140, 8, 56, 5.5}, "3b": {140, 13.5, 56, 5.5}, "4": {196, 8, 14, 11},
	"5": {140, 19, 24, 11}, "6": {164, 19, 32, 11}, "7": {196, 19, 14, 11},
	"8": {8, 30, 72, 10}, "9": {80, 30, 130, 10},
	"10": {8, 40, 20, 9}, "11": {28, 40, 8, 9}, "12": {36, 40, 18, 9}, "13": {54, 40, 8, 9}, "14": {62, 40, 8, 9},
	"15": {70, 40, 8, 9}, "16": {78, 40, 8, 9}, "17": {86, 40, 9, 9},
	"18": {95, 40, 8, 9}, "19": {103, 40, 8, 9}, "20": {111, 40, 8, 9}, "21": {119, 40, 8, 9}, "22": {127, 40, 8, 9},
	"23": {135, 40, 8, 9}, "24": {143, 40, 8, 9}, "25": {151, 40, 8, 9}, "26": {159, 40, 8, 9}, "27": {167, 40, 8, 9},
	"28": {175, 40, 8, 9}, "29": {183, 40, 13, 9}, "30": {196, 40, 14, 9},
	"31": {8, 49, 22, 13}, "32": {30, 49, 22, 13}, "33": {52, 49, 22, 13}, "34": {74, 49, 22, 13},
	"35": {96, 49, 38, 13}, "36": {134, 49, 38, 13}, "37": {172, 49, 38, 13},
	"38": {8, 62, 100, 24}, "39": {108, 62, 34, 24}, "40": {142, 62, 34, 24}, "41": {176, 62, 34, 24},
	"42": {8, 86, 12, 4 + 23*ubLineH}, "43": {20, 86, 64, 4 + 23*ubLineH}, "44": {84, 86, 36, 4 + 23*ubLineH},
	"45": {120, 86, 18, 4 + 23*ubLineH}, "46": {138, 86, 14, 4 + 23*ubLineH}, "47": {152, 86, 24, 4 + 23*ubLineH},
	"48": {176, 86, 24, 4 + 23*ubLineH}, "49": {200, 86, 10, 4 + 23*ubLineH},
	"50": {8, 193, 52, 13}, "51": {60, 193, 32, 13}, "52": {92, 193, 8, 13}, "53": {100, 193, 8, 13},
	"54": {108, 193, 26, 13}, "55": {134, 193, 26, 13}, "56": {160, 193, 50, 6.5}, "57": {160, 199.5, 50, 6.5},
	"58": {8, 206, 62, 13}, "59": {70, 206, 8, 13}, "60": {78, 206, 52, 13}, "61": {130, 206, 40, 13}, "62": {170, 206, 40, 13},
	"63": {8, 219, 70, 10}, "64": {78, 219, 70, 10}, "65": {148, 219, 62, 10},
	"66": {8, 229, 6, 13}, "67": {14, 229, 186, 13}, "68": {200, 229, 10, 13},
	"69": {8, 242, 32, 6}, "70": {40, 242, 50, 6}, "71": {90, 242, 20, 6}, "72": {110, 242, 60, 6}, "73": {170, 242, 40, 6},
	"74": {8, 248, 102, 14}, "75": {110, 248, 10, 14}, "76": {120, 248, 90, 7.5}, "77": {120, 255.5, 90, 7.5},
	"78": {120, 263, 90, 7.5}, "79": {120, 270.5, 90, 7.5}, "80": {8, 262, 76, 16.5}, "81": {84, 262, 36, 16.5},
}

// ubLabels are the captions of the form locators.
var ubLabels = map[string]string{
	"1": "1 BILLING PROVIDER", "2": "2 PAY-TO NAME AND ADDRESS", "3a": "3a PAT. CNTL #", "3b": "b. MED. REC. #",
	"4": "4 TYPE OF BILL", "5": "5 FED. TAX NO.", "6": "6 STATEMENT COVERS PERIOD FROM THROUGH", "7": "7",
	"8": "8 PATIENT NAME", "9": "9 PATIENT ADDRESS",
	"10": "10 BIRTHDATE", "11": "11 SEX", "12": "12 ADMISSION DATE", "13": "13 HR", "14": "14 TYPE", "15": "15 SRC",
	"16": "16 DHR", "17": "17 STAT", "18": "18", "19": "19", "20": "20", "21": "21", "22": "22", "23": "23", "24": "24",
	"25": "25", "26": "26", "27": "27", "28": "28", "29": "29 ACDT STATE", "30": "30",
	"31": "31 OCCURRENCE CODE DATE", "32": "32 OCCURRENCE CODE DATE", "33": "33 OCCURRENCE CODE DATE", "34": "34 OCCURRENCE CODE DATE",
	"35": "35 OCCURRENCE SPAN CODE FROM THROUGH", "36": "36 OCCURRENCE SPAN CODE FROM THROUGH", "37": "37",
	"38": "38 RESPONSIBLE PARTY NAME AND ADDRESS", "39": "39 VALUE CODES CODE AMOUNT", "40": "40 VALUE CODES CODE AMOUNT", "41": "41 VALUE CODES CODE AMOUNT",
	"42": "42 REV. CD.", "43": "43 DESCRIPTION", "44": "44 HCPCS / RATE / HIPPS CODE", "45": "45 SERV. DATE",
	"46": "46 SERV. UNITS", "47": "47 TOTAL CHARGES", "48": "48 NON-COVERED CHARGES", "49": "49",
	"50": "50 PAYER NAME", "51": "51 HEALTH PLAN ID", "52": "52 REL INFO", "53": "53 ASG BEN", "54": "54 PRIOR PAYMENTS",
	"55": "55 EST. AMOUNT DUE", "56": "56 NPI", "57": "57 OTHER PRV ID",
	"58": "58 INSURED'S NAME", "59": "59 P.REL", "60": "60 INSURED'S UNIQUE ID", "61": "61 GROUP NAME", "62": "62 INSURANCE GROUP NO.",
	"63": "63 TREATMENT AUTHORIZATION CODES", "64": "64 DOCUMENT CONTROL NUMBER", "65": "65 EMPLOYER NAME",
	"66": "66 DX", "67": "67 PRINCIPAL AND OTHER DIAGNOSIS CODES (POA)", "68": "68",
	"69": "69 ADMIT DX", "70": "70 PATIENT REASON DX", "71": "71 PPS CODE", "72": "72 ECI", "73": "73",
	"74": "74 PRINCIPAL AND OTHER PROCEDURES CODE DATE", "75": "75", "76": "76 ATTENDING NPI",
	"77": "77 OPERATING NPI", "78": "78 OTHER NPI", "79": "79 OTHER NPI", "80": "80 REMARKS", "81": "81 CC",
}

// revenueCategories are our own short words for the revenue code
// categories the demo and common bills use (FL 43): the NUBC's own
// descriptions are licensed and not shipped.
var revenueCategories = map[string]string{
	"010": "ROOM AND BOARD ALL-INCLUSIVE", "011": "ROOM AND BOARD PRIVATE", "012": "ROOM AND BOARD SEMI-PRIVATE",
	"020": "INTENSIVE CARE", "021": "CORONARY CARE", "025": "PHARMACY", "026": "IV THERAPY", "027": "MED/SURG SUPPLIES",
	"030": "LABORATORY", "031": "PATHOLOGY LAB", "032": "RADIOLOGY DIAGNOSTIC", "035": "CT SCAN", "036": "OPERATING ROOM",
	"037": "ANESTHESIA", "045": "EMERGENCY ROOM", "049": "AMBULATORY SURGERY", "051": "CLINIC", "063": "DRUGS DETAIL CODED",
	"071": "RECOVERY ROOM", "073": "EKG/ECG", "076": "TREATMENT/OBSERVATION",
}

// UB04 draws the UB-04 (CMS-1450) of an institutional claim, form locators
// 1 to 81 in their places, filled as the NUBC manual says for each, with
// more pages when the claim has more than 22 lines.
func UB04(w io.Writer, b *claim.Bundle, opt Options) error {
	if err := ubCheck(b); err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "Letter", "")
	f.SetAutoPageBreak(false, 0)
	f.SetCreator("OpenRCM", false)
	f.SetTitle("UB-04 claim "+b.Claim.ControlNumber, false)
	f.SetCatalogSort(true)
	fixed := time.Date(2007, 3, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(fixed)
	f.SetModificationDate(fixed)
	lines := b.Claim.Lines
	pages := max(1, (len(lines)+UB04LinesPerPage-1)/UB04LinesPerPage)
	for p := 0; p < pages; p++ {
		start, end := p*UB04LinesPerPage, min((p+1)*UB04LinesPerPage, len(lines))
		u := &ub{form: form{f: f, b: b, opt: opt}}
		f.AddPage()
		u.drawBlank()
		u.fillHeader()
		u.fillLines(start, end, p+1, pages)
		u.fillFooter()
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("render UB-04: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write UB-04: %w", err)
	}
	return nil
}

// ubCheck refuses a bundle the form cannot be filled from, naming what is
// missing and the locators it feeds.
func ubCheck(b *claim.Bundle) error {
	if b == nil || b.Claim == nil {
		return rcm.Errorf(rcm.EINVALID, "The UB-04 form needs a claim.")
	}
	c := b.Claim
	if c.Institutional == nil {
		return rcm.Errorf(rcm.EINVALID, "Claim %s is a professional claim: it prints on the CMS-1500, not the UB-04 (no type of bill, FL 4).", c.ControlNumber)
	}
	var missing []string
	if b.Practice == nil {
		missing = append(missing, "billing provider (FL 1, 5, 56)")
	}
	if b.Patient == nil {
		missing = append(missing, "patient (FL 8-11)")
	}
	if b.Coverage == nil || b.Payer == nil {
		missing = append(missing, "payer and coverage (FL 50-62)")
	}
	if len(c.Diagnoses) == 0 {
		missing = append(missing, "principal diagnosis (FL 67)")
	}
	if len(c.Lines) == 0 {
		missing = append(missing, "service lines (FL 42-49)")
	}
	if len(missing) > 0 {
		return rcm.Errorf(rcm.EINVALID, "Claim %s cannot be printed on a UB-04: missing %s.", c.ControlNumber, strings.Join(missing, ", "))
	}
	if len(c.Institutional.Lines) != len(c.Lines) {
		return rcm.Errorf(rcm.EINVALID, "Claim %s gives revenue codes (FL 42) for %d of its %d lines.", c.ControlNumber, len(c.Institutional.Lines), len(c.Lines))
	}
	if b.Coverage.Relationship != "18" && b.Coverage.Subscriber == nil {
		return rcm.Errorf(rcm.EINVALID, "Claim %s: the patient is not the insured, but the coverage has no subscriber (FL 58).", c.ControlNumber)
	}
	return nil
}

type ub struct{ form }

// at writes data in the smaller monospaced face the UB-04's narrow
// locators need.
func (u *ub) at(x, y float64, s string) {
	if s == "" {
		return
	}
	u.f.SetFont("Courier", "", 7)
	u.f.Text(x, y, strings.ToUpper(s))
}

func (u *ub) atRight(x, y float64, s string) {
	if s == "" {
		return
	}
	u.f.SetFont("Courier", "", 7)
	u.f.Text(x-u.f.GetStringWidth(s), y, s)
}

// value writes the data of locator k on its n-th row below the caption.
func (u *ub) value(k string, n int, dx float64, s string) {
	b := ubBoxes[k]
	u.at(b.X+0.8+dx, b.Y+5.2+float64(n)*3.1, s)
}

func (u *ub) drawBlank() {
	f := u.f
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.2)
	f.SetFont("Helvetica", "B", 8)
	f.Text(8, 6.5, "UB-04 CMS-1450")
	u.label(40, 6.5, "NUBC National Uniform Billing Committee")
	keys := make([]string, 0, len(ubBoxes))
	for k := range ubBoxes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b := ubBoxes[k]
		f.Rect(b.X, b.Y, b.W, b.H, "D")
		f.SetFont("Helvetica", "", 4.2)
		f.Text(b.X+0.6, b.Y+1.9, ubLabels[k])
	}
	// The service-line grid: 22 lines and the totals line 23.
	for i := 0; i <= 23; i++ {
		y := ubLineY + float64(i)*ubLineH
		f.Line(8, y, 210, y)
		if i < 23 {
			f.SetFont("Helvetica", "", 4.2)
			f.Text(5.5, y+3.2, strconv.Itoa(i+1))
		}
	}
}

// date8 is MMDDYY, the UB-04's six-digit date.
func date8(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d%02d%02d", int(d.Month), d.Day, d.Year%100)
}

// fillHeader fills form locators 1 to 41, which repeat on every page.
func (u *ub) fillHeader() {
	b, c, in, p, pr := u.b, u.b.Claim, u.b.Claim.Institutional, u.b.Patient, u.b.Practice
	street := func(a rcm.Address) string {
		if a.Line2 != "" {
			return a.Line1 + " " + a.Line2
		}
		return a.Line1
	}
	u.value("1", 0, 0, pr.Name)
	u.value("1", 1, 0, street(pr.Address))
	u.value("1", 2, 0, pr.Address.City+" "+pr.Address.State+" "+zip(pr.Address.ZIP))
	if len(pr.Phone) == 10 {
		u.value("1", 3, 0, "("+pr.Phone[:3]+") "+pr.Phone[3:])
	}
	u.value("3a", 0, 18, c.ControlNumber)
	u.value("3b", 0, 18, p.AccountNumber)
	u.value("4", 1, 0, "0"+in.FacilityCode()+claim.InstitutionalFrequency(c))
	tin, _ := rcm.NormalizeTIN(pr.TIN)
	u.value("5", 1, 0, tin)
	u.value("6", 1, 0, date8(in.StatementFrom))
	u.value("6", 1, 15, date8(in.StatementTo))
	u.value("8", 0, 0, p.AccountNumber)
	u.value("8", 1, 0, name(p.LastName, p.FirstName, p.MiddleName))
	u.value("9", 0, 0, street(p.Address))
	u.value("9", 1, 0, p.Address.City)
	u.value("9", 1, 60, p.Address.State)
	u.value("9", 1, 72, zip(p.Address.ZIP))
	u.value("10", 1, 0, date8(p.BirthDate))
	u.value("11", 1, 0, p.Sex)
	u.value("12", 1, 0, date8(in.AdmissionDate))
	u.value("13", 1, 0, in.AdmissionHour)
	u.value("14", 1, 0, in.AdmissionType)
	u.value("15", 1, 0, in.AdmissionSource)
	u.value("16", 1, 0, in.DischargeHour)
	u.value("17", 1, 0, in.PatientStatus)
	for i, cc := range in.ConditionCodes {
		if i < 11 {
			u.value(strconv.Itoa(18+i), 1, 0, cc)
		}
	}
	if c.AccidentState != "" {
		u.value("29", 1, 0, c.AccidentState)
	}
	for i, o := range in.Occurrences {
		if i < 4 {
			k := strconv.Itoa(31 + i)
			u.value(k, 1, 0, o.Code)
			u.value(k, 1, 5, date8(o.Date))
		}
	}
	for i, o := range in.OccurrenceSpans {
		if i < 2 {
			k := strconv.Itoa(35 + i)
			u.value(k, 1, 0, o.Code)
			u.value(k, 1, 5, date8(o.From))
			u.value(k, 1, 18, date8(o.To))
		}
	}
	nm, _, _, addr, _ := insured(p, b.Coverage)
	u.value("38", 0, 0, nm)
	u.value("38", 1, 0, street(addr))
	u.value("38", 2, 0, addr.City+" "+addr.State+" "+zip(addr.ZIP))
	for i, v := range in.Values {
		if i >= 12 {
			break
		}
		k := strconv.Itoa(39 + i/4)
		u.value(k, 1+i%4, 0, v.Code)
		u.atRight(ubBoxes[k].X+ubBoxes[k].W-1, ubBoxes[k].Y+5.2+float64(1+i%4)*3.1, v.Amount.String())
	}
}

// fillLines fills FL 42-49 for lines [start, end) and line 23: the page
// count, the creation date and, on the last page, the totals.
func (u *ub) fillLines(start, end, page, pages int) {
	c, in := u.b.Claim, u.b.Claim.Institutional
	for i := start; i < end; i++ {
		l, rl := c.Lines[i], in.Lines[i]
		y := ubLineY + float64(i-start)*ubLineH + 3.2
		u.at(ubBoxes["42"].X+0.8, y, rl.RevenueCode)
		if len(rl.RevenueCode) == 4 {
			u.at(ubBoxes["43"].X+0.8, y, revenueCategories[rl.RevenueCode[:3]])
		}
		hcpcs := l.Code
		if len(l.Modifiers) > 0 {
			hcpcs += " " + strings.Join(l.Modifiers, " ")
		}
		u.at(ubBoxes["44"].X+0.8, y, hcpcs)
		dos := l.DateOfService
		if dos.IsZero() {
			dos = c.DateOfService
		}
		u.at(ubBoxes["45"].X+0.8, y, date8(dos))
		u.atRight(ubBoxes["46"].X+ubBoxes["46"].W-1, y, strconv.Itoa(l.Units))
		u.atRight(ubBoxes["47"].X+ubBoxes["47"].W-1, y, l.Charge.String())
		if rl.NonCovered != 0 {
			u.atRight(ubBoxes["48"].X+ubBoxes["48"].W-1, y, rl.NonCovered.String())
		}
	}
	y := ubLineY + 22*ubLineH + 3.2
	u.at(ubBoxes["42"].X+0.8, y, "0001")
	u.at(ubBoxes["43"].X+0.8, y, fmt.Sprintf("PAGE %d OF %d", page, pages))
	u.at(ubBoxes["45"].X+0.8, y, date8(u.opt.SignedOn))
	if page == pages {
		var nc rcm.Money
		for _, rl := range in.Lines {
			nc += rl.NonCovered
		}
		u.atRight(ubBoxes["47"].X+ubBoxes["47"].W-1, y, c.TotalCharge().String())
		u.atRight(ubBoxes["48"].X+ubBoxes["48"].W-1, y, nc.String())
	}
}

// fillFooter fills form locators 50 to 81: payers (A primary, B and C the
// others in order), insureds, diagnoses with POA, procedures, providers.
func (u *ub) fillFooter() {
	b, c, in, pr := u.b, u.b.Claim, u.b.Claim.Institutional, u.b.Practice
	type row struct {
		payer *rcm.Payer
		cov   *rcm.Coverage
	}
	rows := []row{{b.Payer, b.Coverage}}
	for _, oc := range b.OtherCoverages {
		if op := b.OtherPayers[oc.PayerID]; op != nil {
			rows = append(rows, row{op, oc})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].cov.Order < rows[j].cov.Order })
	for i, r := range rows {
		if i >= 3 {
			break
		}
		u.value("50", i, 0, string(rune('A'+i))+" "+r.payer.Name)
		u.value("51", i, 0, r.payer.PayerID)
		u.value("52", i, 0, "Y")
		u.value("53", i, 0, "Y")
		if p := priorFor(c, r.cov.ID); p != nil {
			u.atRight(ubBoxes["54"].X+ubBoxes["54"].W-1, ubBoxes["54"].Y+5.2+float64(i)*3.1, p.Paid.String())
		}
		if r.cov == b.Coverage {
			u.atRight(ubBoxes["55"].X+ubBoxes["55"].W-1, ubBoxes["55"].Y+5.2+float64(i)*3.1, c.TotalCharge().String())
		}
		nm, _, _, _, _ := insured(b.Patient, r.cov)
		u.value("58", i, 0, nm)
		u.value("59", i, 0, r.cov.Relationship)
		u.value("60", i, 0, r.cov.MemberID)
		u.value("62", i, 0, r.cov.GroupNumber)
	}
	u.value("56", 0, 8, pr.NPI)
	if pr.Taxonomy != "" {
		u.value("57", 0, 14, "ZZ "+pr.Taxonomy)
	}
	u.value("63", 0, 0, c.PriorAuth)
	if c.Frequency != rcm.FrequencyOriginal {
		u.value("64", 0, 0, c.PayerClaimNumber)
	}
	u.value("66", 1, 0, "0")
	// FL 67: the principal diagnosis, then 67A-Q, each with its POA.
	for i, d := range c.Diagnoses {
		if i >= 18 {
			break
		}
		code := noDot(d.Code)
		if i < len(in.POA) {
			code += " " + in.POA[i]
		}
		bx := ubBoxes["67"]
		col, rowN := i%9, i/9
		tag := ""
		if i > 0 {
			tag = string(rune('A'+i-1)) + " "
		}
		u.at(bx.X+0.8+float64(col)*20.6, bx.Y+5.2+float64(rowN)*3.6, tag+code)
	}
	u.value("69", 0, 16, noDot(in.AdmittingDiagnosis))
	u.value("71", 0, 12, in.DRG)
	for i, p := range in.Procedures {
		if i >= 6 {
			break
		}
		bx := ubBoxes["74"]
		col, rowN := i%3, i/3
		u.at(bx.X+0.8+float64(col)*34, bx.Y+5.2+float64(rowN)*3.6, p.Code+" "+date8(p.Date))
	}
	for _, pv := range []struct {
		k string
		p *rcm.Provider
	}{{"76", b.Attending}, {"77", b.Operating}, {"78", b.OtherOperating}} {
		k, p := pv.k, pv.p
		if p == nil {
			continue
		}
		u.value(k, 0, 16, p.NPI)
		u.value(k, 0, 34, "LAST "+p.LastName+"  FIRST "+p.FirstName)
	}
	if c.Frequency == rcm.FrequencyVoid {
		u.value("80", 0, 0, "VOID OF "+c.PayerClaimNumber)
	} else if c.Frequency == rcm.FrequencyReplacement {
		u.value("80", 0, 0, "REPLACES "+c.PayerClaimNumber)
	}
	if pr.Taxonomy != "" {
		u.value("81", 0, 0, "B3 "+pr.Taxonomy)
	}
}

func noDot(code string) string { return strings.ReplaceAll(code, ".", "") }

// priorFor returns an earlier payer's adjudication of the claim (FL 54).
func priorFor(c *rcm.Claim, coverageID int64) *rcm.PriorPayment {
	for i := range c.Prior {
		if c.Prior[i].CoverageID == coverageID {
			return &c.Prior[i]
		}
	}
	return nil
}
