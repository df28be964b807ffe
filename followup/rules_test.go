package followup

import (
	"testing"

	"github.com/openrcm/openrcm"
)

// TestCategorize: the root cause of a denied line from its codes, the
// patient's share never being the cause.
func TestCategorize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reasons []Reason
		want    string
	}{
		{"coverage ended", []Reason{{"CO", "27"}}, "eligibility"},
		{"medical necessity by remark", []Reason{{"CO", "16"}, {"", "N115"}}, "medical_necessity"},
		{"bundled", []Reason{{"CO", "97"}, {"", "N130"}}, "bundling"},
		{"timely filing wins over missing info", []Reason{{"CO", "16"}, {"CO", "29"}}, "timely_filing"},
		{"duplicate", []Reason{{"OA", "18"}}, "duplicate"},
		{"another payer first", []Reason{{"CO", "22"}, {"", "MA04"}}, "cob"},
		{"the patient's deductible is not a denial", []Reason{{"PR", "1"}}, "other"},
		{"contractual write-down is underpayment only in CO", []Reason{{"PI", "45"}}, "other"},
		{"unknown code", []Reason{{"CO", "B99"}}, "other"},
	} {
		if got, _ := Categorize(tc.reasons); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
		if _, ok := Categories[tc.want]; !ok {
			t.Errorf("%s: category %s has no words", tc.name, tc.want)
		}
	}
}

// TestDeadlines: the appeal limit counts from the payer's answer, timely
// filing from the date of service; the queue sorts by the earlier, and a
// claim the payer never processed is due by timely filing.
func TestDeadlines(t *testing.T) {
	dos, answered := rcm.MustParseDate("2026-01-10"), rcm.MustParseDate("2026-03-02")
	for _, tc := range []struct {
		name                string
		payer               *rcm.Payer
		kind                string
		appeal, filing, due string
	}{
		{"Medicare denial", &rcm.Payer{FilingIndicator: "MB", TimelyFilingDays: 365}, KindDenial, "2026-06-30", "2027-01-10", "2026-06-30"},
		{"commercial, short filing", &rcm.Payer{FilingIndicator: "12", TimelyFilingDays: 90}, KindDenial, "2026-08-29", "2026-04-10", "2026-04-10"},
		{"Medicaid, no filing limit set", &rcm.Payer{FilingIndicator: "MC"}, KindDenial, "2026-05-31", "2027-01-10", "2026-05-31"},
		{"not on file: resend within filing", &rcm.Payer{FilingIndicator: "MB", TimelyFilingDays: 365}, KindStatus, "2026-06-30", "2027-01-10", "2027-01-10"},
	} {
		it := &Item{Kind: tc.kind, OpenedOn: answered}
		it.Deadlines(tc.payer, dos)
		if it.AppealBy.String() != tc.appeal || it.FilingBy.String() != tc.filing || it.Due.String() != tc.due {
			t.Errorf("%s: appeal %s filing %s due %s", tc.name, it.AppealBy, it.FilingBy, it.Due)
		}
	}
}
