package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
)

func testLetter() *followup.Letter {
	m := rcm.MustParseMoney
	return &followup.Letter{
		Date: rcm.MustParseDate("2026-03-10"),
		Practice: &rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "364815162", Phone: "2175550140",
			Address: rcm.Address{Line1: "400 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014105"}},
		PayerName: "Prairie Commercial PPO", PayerAddress: []string{"PO Box 4400", "Peoria, IL 61601"},
		Patient:  &rcm.Patient{FirstName: "Casey", LastName: "Calloway", BirthDate: rcm.MustParseDate("1979-06-30")},
		MemberID: "PPO48151623",
		Claim: &rcm.Claim{ControlNumber: "LFM01003-3-1", DateOfService: rcm.MustParseDate("2026-02-02"), Diagnoses: []rcm.Diagnosis{{Code: "E11.9"}},
			Lines: []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Code: "99214", Units: 1, Charge: m("165")}},
				{ServiceLine: rcm.ServiceLine{Code: "83036", Modifiers: []string{"QW"}, Units: 1, Charge: m("35")}}}},
		PayerClaim: "SBPPO2603024300008",
		Appeal: &followup.Appeal{Level: followup.LevelFirst, Reason: "coverage was in force on the date of service",
			Argument:  "The employer reinstated the plan retroactively; the enclosed letter confirms coverage through the date of service.",
			Documents: []string{"Employer letter of reinstatement", "Member ID card"}, SentOn: rcm.MustParseDate("2026-03-10"),
			AnswerBy: rcm.MustParseDate("2026-05-09")},
		Denials: []*remit.Denial{{Line: 1, Code: "99214", Amount: m("165"), Date: rcm.MustParseDate("2026-03-02"),
			Reasons: []remit.Reason{{Group: "CO", Code: "27", Meaning: "Service happened after coverage ended."}},
			Remarks: []remit.Reason{{Code: "N130", Meaning: "Consult plan benefit documents."}}}},
	}
}

// TestAppealLetterText reads the letter back with pdftotext: the payer and
// its address, the patient, member ID, claim and payer claim numbers, the
// date of service, codes, the denial's codes in words, the argument and
// the documents enclosed.
func TestAppealLetterText(t *testing.T) {
	needPdftotext(t)
	var a, b bytes.Buffer
	if err := AppealLetter(&a, testLetter()); err != nil {
		t.Fatal(err)
	}
	if err := AppealLetter(&b, testLetter()); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same letter printed twice differs (%v)", err)
	}
	file := filepath.Join(t.TempDir(), "appeal.pdf")
	if err := os.WriteFile(file, a.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftotext(t, file, "-layout")), " ")
	for _, want := range []string{
		"Lakeside Family Medicine", "Prairie Commercial PPO", "Attn: Appeals", "PO Box 4400", "Peoria, IL 61601",
		"Re: First-level appeal: claim LFM01003-3-1", "Patient: Casey Calloway", "Member ID: PPO48151623",
		"Payer claim number: SBPPO2603024300008", "Date(s) of service: 02/02/2026", "Line 2: 83036-QW, 1 unit(s), $35.00",
		"Diagnoses (ICD-10-CM): E11.9", "Line 1 (99214), $165.00 not paid on the remittance of 03/02/2026: CO-27 Service happened after coverage ended.; remark N130",
		"The employer reinstated the plan retroactively", "- Employer letter of reinstatement", "Please send your decision by 05/09/2026",
		"We appeal your decision",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q:\n%s", want, text)
		}
	}
	if err := AppealLetter(&b, &followup.Letter{}); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("a letter without facts: %v", err)
	}
}
