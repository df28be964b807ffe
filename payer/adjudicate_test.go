package payer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// summary is a payment in one line per claim and service line, so a
// table's expectations read like the 835.
func summary(cps []*ClaimPayment) []string {
	var out []string
	adj := func(as []Adjustment) string {
		var parts []string
		for _, a := range as {
			parts = append(parts, fmt.Sprintf("%s-%s %s", a.Group, a.Reason, a.Amount.X12()))
		}
		return strings.Join(parts, ", ")
	}
	for _, c := range cps {
		s := fmt.Sprintf("%s status %s charge %s paid %s pr %s", c.ClaimID, c.Status, c.Charge.X12(), c.Paid.X12(), c.PatientResp.X12())
		if len(c.Adjustments) > 0 {
			s += " [" + adj(c.Adjustments) + "]"
		}
		if len(c.Remarks) > 0 {
			s += " " + strings.Join(c.Remarks, ",")
		}
		out = append(out, s)
		for _, l := range c.Lines {
			s := fmt.Sprintf("  %s allowed %s paid %s", strings.Join(append([]string{l.Code}, l.Modifiers...), ":"), l.Allowed.X12(), l.Paid.X12())
			if len(l.Adjustments) > 0 {
				s += " [" + adj(l.Adjustments) + "]"
			}
			if len(l.Remarks) > 0 {
				s += " " + strings.Join(l.Remarks, ",")
			}
			out = append(out, s)
		}
	}
	return out
}

// noCostSharing is member A400: no deductible, no coinsurance, so the
// contract tests see the allowed amount paid in full.
func contractClaim(lines ...tl) tc {
	return tc{member: "A400", last: "LOE", first: "LEE", birth: "1990-01-01", lines: lines}
}

func TestContract(t *testing.T) {
	tests := []struct {
		name  string
		claim tc
		want  []string
	}{
		{"fee schedule amount, rest written off CO-45", contractClaim(tl{code: "99213", charge: "150"}),
			[]string{"C1 status 1 charge 150 paid 80 pr 0", "  99213 allowed 80 paid 80 [CO-45 70]"}},
		{"fee for code with modifier wins", contractClaim(tl{code: "99213", mods: []string{"GT"}, charge: "150"}),
			[]string{"C1 status 1 charge 150 paid 70 pr 0", "  99213:GT allowed 70 paid 70 [CO-45 80]"}},
		{"percentage of base schedule times units", contractClaim(tl{code: "J3420", charge: "30", units: "4"}),
			[]string{"C1 status 1 charge 30 paid 6 pr 0", "  J3420 allowed 6 paid 6 [CO-45 24]"}},
		{"allowed never above the charge", contractClaim(tl{code: "99214", charge: "100"}),
			[]string{"C1 status 1 charge 100 paid 100 pr 0", "  99214 allowed 100 paid 100"}},
		{"bilateral -50 at 150%", contractClaim(tl{code: "20610", mods: []string{"50"}, charge: "200"}),
			[]string{"C1 status 1 charge 200 paid 90 pr 0", "  20610:50 allowed 90 paid 90 [CO-45 110]"}},
		{"assistant surgeon -80 at 16%", contractClaim(tl{code: "29881", mods: []string{"80"}, charge: "300"}),
			[]string{"C1 status 1 charge 300 paid 80 pr 0", "  29881:80 allowed 80 paid 80 [CO-45 220]"}},
		{"multiple procedures 100/50 ranked by allowed, CO-59", contractClaim(
			tl{code: "11042", charge: "300"}, tl{code: "29881", charge: "900"}, tl{code: "20610", charge: "100"}),
			[]string{"C1 status 1 charge 1300 paid 590 pr 0",
				"  11042 allowed 60 paid 60 [CO-45 180, CO-59 60]",
				"  29881 allowed 500 paid 500 [CO-45 400]",
				"  20610 allowed 30 paid 30 [CO-45 40, CO-59 30]"}},
		{"code in no schedule is not covered", contractClaim(tl{code: "99999", charge: "50"}),
			[]string{"C1 status 4 charge 50 paid 0 pr 0", "  99999 allowed 0 paid 0 [CO-96 50] N130"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(adjudicateOne(t, testConfig(), tt.claim))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChargePercentPricesUnlistedCodes(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].Contract.ChargePercent = 6000
	got := summary(adjudicateOne(t, cfg, contractClaim(tl{code: "99999", charge: "50"})))
	want := []string{"C1 status 1 charge 50 paid 30 pr 0", "  99999 allowed 30 paid 30 [CO-45 20]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestBenefits follows member A100 (deductible 100, coinsurance 20%,
// out-of-pocket maximum 150, office copay 20) through claims adjudicated in
// order: the deductible fills first, then coinsurance, until the
// out-of-pocket maximum stops all cost sharing; the office visit takes the
// copay only.
func TestBenefits(t *testing.T) {
	e := newEngine(testConfig())
	claims := []tc{
		{id: "K1", lines: []tl{{code: "20610", charge: "100"}}},                     // allowed 60: all deductible
		{id: "K2", lines: []tl{{code: "11042", charge: "200"}}},                     // allowed 120: 40 deductible, 16 coinsurance
		{id: "K3", lines: []tl{{code: "99213", charge: "90"}}},                      // office visit: copay 20
		{id: "K4", lines: []tl{{code: "29881", charge: "600"}}},                     // allowed 500: coinsurance 100 capped at 14 left
		{id: "K5", lines: []tl{{code: "20610", charge: "100", date: "2026-02-11"}}}, // OOP met: plan pays all
		{id: "K6", lines: []tl{{code: "99213", charge: "90", date: "2026-02-12"}}},  // the copay stops at the OOP maximum too
	}
	for _, c := range claims {
		runFiles(t, e, mk837(t, c))
	}
	want := []string{
		"K1 status 1 charge 100 paid 0 pr 60", "  20610 allowed 60 paid 0 [CO-45 40, PR-1 60]",
		"K2 status 1 charge 200 paid 64 pr 56", "  11042 allowed 120 paid 64 [CO-45 80, PR-1 40, PR-2 16]",
		"K3 status 1 charge 90 paid 60 pr 20", "  99213 allowed 80 paid 60 [CO-45 10, PR-3 20]",
		"K4 status 1 charge 600 paid 486 pr 14", "  29881 allowed 500 paid 486 [CO-45 100, PR-2 14]",
		"K5 status 1 charge 100 paid 60 pr 0", "  20610 allowed 60 paid 60 [CO-45 40]",
		"K6 status 1 charge 90 paid 80 pr 0", "  99213 allowed 80 paid 80 [CO-45 10]",
	}
	if diff := cmp.Diff(want, summary(e.Payments)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	acc := e.State.Accumulators["PAYA//A100/2026-01-01"]
	if acc == nil || acc.Deductible != rcm.MustParseMoney("100") || acc.OOP != rcm.MustParseMoney("150") {
		t.Errorf("accumulator = %+v, want deductible 100 and OOP 150", acc)
	}
}

// TestCopayOncePerClaim pins that the second office visit line of the same
// claim is not charged a second copay but goes to deductible/coinsurance.
func TestCopayOncePerClaim(t *testing.T) {
	got := summary(adjudicateOne(t, testConfig(), tc{lines: []tl{{code: "99213", charge: "90"}, {code: "99213", mods: []string{"GT"}, charge: "90"}}}))
	want := []string{"C1 status 1 charge 180 paid 60 pr 90",
		"  99213 allowed 80 paid 60 [CO-45 10, PR-3 20]",
		"  99213:GT allowed 70 paid 0 [CO-45 20, PR-1 70]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestDenialRules(t *testing.T) {
	future := tl{code: "99213", charge: "90"}
	tests := []struct {
		name   string
		claims []tc
		want   []string // summary of the last claim
		rules  []string // rule ids fired on the last claim or its lines
	}{
		{"member not found CO-31", []tc{{member: "NOPE", lines: []tl{future}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0 [CO-31 90]"}, []string{RuleMemberNotFound}},
		{"birth date mismatch is not our insured CO-31", []tc{{birth: "1980-01-03", lines: []tl{future}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0 [CO-31 90]"}, []string{RuleMemberNotFound}},
		{"service before coverage CO-26", []tc{{member: "A200", last: "ROE", first: "RICH", birth: "1970-05-06", lines: []tl{{code: "99213", charge: "90", date: "2026-01-15"}}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0 [CO-26 90]"}, []string{RuleCoverageInactive}},
		{"service after coverage ended CO-27 on the line", []tc{{member: "A200", last: "ROE", first: "RICH", birth: "1970-05-06", lines: []tl{
			{code: "99213", charge: "90", date: "2026-02-20"}, {code: "99213", charge: "90", date: "2026-03-01"}}}},
			[]string{"C1 status 1 charge 180 paid 72 pr 8", "  99213 allowed 80 paid 72 [CO-45 10, PR-2 8]", "  99213 allowed 0 paid 0 [CO-27 90]"}, []string{RuleCoverageInactive}},
		{"another payer primary CO-22 MA04", []tc{{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", lines: []tl{future}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0 [CO-22 90] MA04"}, []string{RuleOtherPrimary}},
		{"rendering NPI check digit CO-16 N290", []tc{{rendering: "1245319590", lines: []tl{future}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0 [CO-16 90] N290"}, []string{RuleRenderingNPI}},
		{"diagnosis pointer to nothing CO-16 M76", []tc{{lines: []tl{{code: "99213", charge: "90", pointers: "3"}}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0", "  99213 allowed 0 paid 0 [CO-16 90] M76"}, []string{RuleDiagnosis}},
		{"timely filing CO-29", []tc{{lines: []tl{{code: "99213", charge: "90", date: "2025-11-01"}}}},
			[]string{"C1 status 4 charge 90 paid 0 pr 0", "  99213 allowed 0 paid 0 [CO-29 90]"}, []string{RuleTimelyFiling}},
		{"duplicate of a paid service OA-18", []tc{{id: "C0", lines: []tl{{code: "20610", charge: "100"}}}, {lines: []tl{{code: "20610", charge: "100"}}}},
			[]string{"C1 status 4 charge 100 paid 0 pr 0", "  20610 allowed 0 paid 0 [OA-18 100]"}, []string{RuleDuplicate}},
		{"bundled into another line CO-97 M15", []tc{{lines: []tl{{code: "80053", charge: "20"}, {code: "36415", charge: "10"}}}},
			[]string{"C1 status 1 charge 30 paid 0 pr 11", "  80053 allowed 11 paid 0 [CO-45 9, PR-1 11]", "  36415 allowed 0 paid 0 [CO-97 10] M15"}, []string{"A-BUNDLE"}},
		{"bundle bypassed by modifier 59", []tc{{lines: []tl{{code: "80053", charge: "20"}, {code: "36415", mods: []string{"59"}, charge: "10"}}}},
			[]string{"C1 status 1 charge 30 paid 0 pr 14", "  80053 allowed 11 paid 0 [CO-45 9, PR-1 11]", "  36415:59 allowed 3 paid 0 [CO-45 7, PR-1 3]"}, nil},
		{"not medically necessary for the diagnoses CO-50", []tc{{dx: []string{"I10"}, lines: []tl{{code: "83036", charge: "20"}}}},
			[]string{"C1 status 4 charge 20 paid 0 pr 0", "  83036 allowed 0 paid 0 [CO-50 20]"}, []string{"A-LCD"}},
		{"necessary with a listed diagnosis", []tc{{dx: []string{"I10", "E119"}, lines: []tl{{code: "83036", charge: "20", pointers: "2"}}}},
			[]string{"C1 status 1 charge 20 paid 0 pr 13", "  83036 allowed 13 paid 0 [CO-45 7, PR-1 13]"}, nil},
		{"non-covered CO-96 with the configured remark", []tc{{lines: []tl{{code: "17110", charge: "150"}}}},
			[]string{"C1 status 4 charge 150 paid 0 pr 0", "  17110 allowed 0 paid 0 [CO-96 150] N425"}, []string{"A-NC"}},
		{"frequency exceeded CO-119 N640", []tc{{id: "C0", lines: []tl{{code: "99396", charge: "200", date: "2026-01-05"}}}, {lines: []tl{{code: "99396", charge: "200"}}}},
			[]string{"C1 status 4 charge 200 paid 0 pr 0", "  99396 allowed 0 paid 0 [CO-119 200] N640"}, []string{"A-FREQ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(testConfig())
			for _, c := range tt.claims {
				runFiles(t, e, mk837(t, c))
			}
			last := e.Payments[len(e.Payments)-1]
			if diff := cmp.Diff(tt.want, summary([]*ClaimPayment{last})); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			fired := append([]string(nil), last.Rules...)
			for _, l := range last.Lines {
				fired = append(fired, l.Rules...)
			}
			if diff := cmp.Diff(tt.rules, fired); diff != "" {
				t.Errorf("rules mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFrontEnd pins the 277CA rejections: these claims never reach the 835.
func TestFrontEnd(t *testing.T) {
	tests := []struct {
		name  string
		claim tc
		want  string // STC01
	}{
		{"accepted", tc{lines: []tl{{code: "99213", charge: "90"}}}, "A2:20"},
		{"payer not played by the sandbox", tc{payer: "ZZZ", lines: []tl{{code: "99213", charge: "90"}}}, "A3:116"},
		{"unknown member where the payer rejects at the front end", tc{payer: "PAYB", member: "NOPE", lines: []tl{{code: "99213", charge: "90"}}}, "A3:33"},
		{"billing NPI check digit", tc{billing: "1234567890", lines: []tl{{code: "99213", charge: "90"}}}, "A7:562:85"},
		{"charges do not add up", tc{charge: "100", lines: []tl{{code: "99213", charge: "90"}}}, "A7:178"},
		{"replacement without REF*F8", tc{freq: "7", lines: []tl{{code: "99213", charge: "90"}}}, "A6:464"},
		{"replacement of an unknown claim", tc{freq: "7", f8: "NOSUCH", lines: []tl{{code: "99213", charge: "90"}}}, "A7:464"},
		{"date of service in the future", tc{lines: []tl{{code: "99213", charge: "90", date: "2026-04-01"}}}, "A7:187"},
		{"second line in the future", tc{lines: []tl{{code: "99213", charge: "90"}, {code: "36415", charge: "12", date: "2026-04-01"}}}, "A7:187"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(testConfig())
			files := runFiles(t, e, mk837(t, tt.claim))
			v := e.Verdicts[0]
			got := strings.TrimRight(v.Category+":"+v.Status+":"+v.Entity, ":")
			if got != tt.want {
				t.Errorf("STC01 = %s, want %s (%s)", got, tt.want, v.Reason)
			}
			ca := string(files[1].Data)
			action := "*U*"
			if v.Accepted {
				action = "*WQ*"
			}
			if !strings.Contains(ca, "STC*"+tt.want+"*20260303"+action) {
				t.Errorf("277CA lacks STC*%s...%s:\n%s", tt.want, action, ca)
			}
			if strings.Contains(ca, "REF*1K") != v.Accepted {
				t.Errorf("277CA REF*1K present = %v, want %v", !v.Accepted, v.Accepted)
			}
			if has835 := len(files) == 3; has835 != v.Accepted {
				t.Errorf("835 written = %v, want %v", has835, v.Accepted)
			}
			// A line-level rejection names its line in loop 2220D; the
			// 277CA validates either way.
			if v.Line > 0 {
				l := tt.claim.lines[v.Line-1]
				want := fmt.Sprintf("SVC*HC:%s*%s*****1~\nSTC*%s*20260303*U~\nDTP*472*D8*%s~", l.code, l.charge, tt.want, strings.ReplaceAll(l.date, "-", ""))
				if !strings.Contains(ca, want) {
					t.Errorf("277CA lacks the rejected line\n%s\nin\n%s", want, ca)
				}
			} else if strings.Contains(ca, "SVC*") {
				t.Errorf("277CA names a line for a claim-level verdict:\n%s", ca)
			}
			if res := x12.Validate(strings.NewReader(ca)); !res.Valid() {
				t.Errorf("277CA invalid: %v", res.Findings)
			}
		})
	}
}

// TestSecondary pays the same crossover claim under each COB method. The
// primary allowed 100 of a 150 charge, paid 70 and left deductible 10 and
// coinsurance 20 to the patient; the secondary (A300, deductible 50,
// coinsurance 20%) allows 140 for 99214.
func TestSecondary(t *testing.T) {
	m := rcm.MustParseMoney
	claim := tc{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S",
		prior: &Prior{PayerID: "PAYB", Paid: m("70")},
		lines: []tl{{code: "99214", charge: "150", prior: &PriorLine{Paid: m("70"), Adjustments: []Adjustment{
			{"CO", "45", m("50")}, {"PR", "1", m("10")}, {"PR", "2", m("20")}}}}}}
	tests := []struct {
		method string
		want   []string
	}{
		// Normal benefit: 140 - 50 deductible - 18 coinsurance = 72; the
		// balance is 30, so standard pays all of it.
		{COBStandard, []string{"C1 status 2 charge 150 paid 30 pr 0", "  99214 allowed 140 paid 30 [OA-23 120]"}},
		// Carve-out: (140 - 70) = 70, less deductible 50 and 20% of 20 = 16,
		// paying 16 of the 30 balance; 14 stays with the patient.
		{COBCarveOut, []string{"C1 status 2 charge 150 paid 16 pr 14", "  99214 allowed 140 paid 16 [OA-23 120, PR-1 10, PR-2 4]"}},
		// Non-duplication: 72 - 70 = 2.
		{COBNonDuplication, []string{"C1 status 2 charge 150 paid 2 pr 28", "  99214 allowed 140 paid 2 [OA-23 120, PR-1 10, PR-2 18]"}},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			cfg := testConfig()
			cfg.Payers[0].COB = tt.method
			got := summary(adjudicateOne(t, cfg, claim))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTertiary: a claim to the third payer carries two 2320 loops. The
// primary (PAYB) paid 70 and left deductible 10 and coinsurance 20; the
// secondary (PAYC) paid 20 of that and left coinsurance 10. The tertiary
// follows the secondary, whatever order the loops come in: the balance is
// 10, not the primary's 30; carve-out and non-duplication subtract both
// payments (90), not only the secondary's.
func TestTertiary(t *testing.T) {
	m := rcm.MustParseMoney
	claim := tc{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "T",
		prior:  &Prior{PayerID: "PAYB", Paid: m("70")},
		prior2: &Prior{PayerID: "PAYC", Paid: m("20")},
		lines: []tl{{code: "99214", charge: "150",
			prior:  &PriorLine{Paid: m("70"), Adjustments: []Adjustment{{"CO", "45", m("50")}, {"PR", "1", m("10")}, {"PR", "2", m("20")}}},
			prior2: &PriorLine{Paid: m("20"), Adjustments: []Adjustment{{"OA", "23", m("120")}, {"PR", "2", m("10")}}}}}}
	tests := []struct {
		method string
		want   []string
	}{
		// Normal benefit 72 covers the whole balance of 10.
		{COBStandard, []string{"C1 status 3 charge 150 paid 10 pr 0", "  99214 allowed 140 paid 10 [OA-23 140]"}},
		// Carve-out: 140 - 90 = 50, all of it deductible: nothing paid.
		{COBCarveOut, []string{"C1 status 3 charge 150 paid 0 pr 10", "  99214 allowed 140 paid 0 [OA-23 140, PR-2 10]"}},
		// Non-duplication: 72 - 90 < 0: nothing paid.
		{COBNonDuplication, []string{"C1 status 3 charge 150 paid 0 pr 10", "  99214 allowed 140 paid 0 [OA-23 140, PR-2 10]"}},
	}
	for _, tt := range tests {
		for _, first := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/secondary first %v", tt.method, first), func(t *testing.T) {
				cfg := testConfig()
				cfg.Payers[0].COB = tt.method
				c := claim
				c.prior2First = first
				got := summary(adjudicateOne(t, cfg, c))
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSecondaryClaimLevelPrior shares a claim-level 2320 adjudication (no
// 2430) across the lines by charge.
func TestSecondaryClaimLevelPrior(t *testing.T) {
	m := rcm.MustParseMoney
	claim := tc{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S",
		prior: &Prior{PayerID: "PAYB", Paid: m("120"), Adjustments: []Adjustment{{"CO", "45", m("60")}, {"PR", "2", m("30")}}},
		lines: []tl{{code: "99214", charge: "150"}, {code: "20610", charge: "60"}}}
	got := summary(adjudicateOne(t, testConfig(), claim))
	// PR-2 30 is shared 21.42 / 8.58 by charge (150 / 60 of 210).
	want := []string{"C1 status 2 charge 210 paid 30 pr 0",
		"  99214 allowed 140 paid 21.42 [OA-23 128.58]",
		"  20610 allowed 60 paid 8.58 [OA-23 51.42]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestReplacementAndVoid: a replacement (CLM05-3 7, REF*F8) reverses the
// original payment with CLP02 22 and negated amounts, gives back the
// accumulators and is adjudicated anew; a void (8) only reverses.
func TestReplacementAndVoid(t *testing.T) {
	e := newEngine(testConfig())
	runFiles(t, e, mk837(t, tc{id: "R1", lines: []tl{{code: "20610", charge: "100"}}}))
	orig := e.Payments[0].PayerClaim
	runFiles(t, e, mk837(t, tc{id: "R1", freq: "7", f8: orig, lines: []tl{{code: "11042", charge: "200"}}}))
	repl := e.Payments[2].PayerClaim
	files := runFiles(t, e, mk837(t, tc{id: "R1", freq: "8", f8: repl, lines: []tl{{code: "11042", charge: "200"}}}))
	want := []string{
		"R1 status 1 charge 100 paid 0 pr 60", "  20610 allowed 60 paid 0 [CO-45 40, PR-1 60]",
		"R1 status 22 charge -100 paid 0 pr -60", "  20610 allowed -60 paid 0 [CO-45 -40, PR-1 -60]",
		"R1 status 1 charge 200 paid 16 pr 104", "  11042 allowed 120 paid 16 [CO-45 80, PR-1 100, PR-2 4]",
		"R1 status 22 charge -200 paid -16 pr -104", "  11042 allowed -120 paid -16 [CO-45 -80, PR-1 -100, PR-2 -4]",
	}
	if diff := cmp.Diff(want, summary(e.Payments)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if e.Payments[1].PayerClaim != orig || e.Payments[3].PayerClaim != repl {
		t.Errorf("reversals carry CLP07 %s, %s; want the original numbers %s, %s", e.Payments[1].PayerClaim, e.Payments[3].PayerClaim, orig, repl)
	}
	acc := e.State.Accumulators["PAYA//A100/2026-01-01"]
	if acc.Deductible != 0 || acc.OOP != 0 {
		t.Errorf("accumulator after void = %+v, want zero", acc)
	}
	// The void's 835 pays -16: a forward balance PLB keeps BPR02 at zero.
	var got835 string
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".835") {
			got835 = string(f.Data)
		}
	}
	if !strings.Contains(got835, "BPR*H*0*C*NON") || !strings.Contains(got835, "*FB:") {
		t.Errorf("void 835 lacks the zero payment and forward balance:\n%s", got835)
	}
	if got := e.State.Balances["PAYA/"+billingNPI]; got != rcm.MustParseMoney("16") {
		t.Errorf("balance owed after the void = %s, want 16", got)
	}
	// The next payment (office visit: 80 allowed less the 20 copay) recovers
	// it: 60 paid, 16 held back as a positive FB.
	files = runFiles(t, e, mk837(t, tc{id: "R2", lines: []tl{{code: "99213", charge: "90", date: "2026-02-15"}}}))
	if got := string(files[len(files)-1].Data); !strings.Contains(got, "BPR*C*44*C*CHK") || !strings.Contains(got, "*FB:RECOVERY*16~") {
		t.Errorf("835 after the void should recover 16 of the 60 paid:\n%s", got)
	}
	if len(e.State.Balances) != 0 {
		t.Errorf("balances after recovery = %v, want none", e.State.Balances)
	}
	// A second replacement of the reversed original is refused at the front end.
	runFiles(t, e, mk837(t, tc{id: "R1", freq: "7", f8: orig, lines: []tl{{code: "11042", charge: "200"}}}))
	if v := e.Verdicts[len(e.Verdicts)-1]; v.Accepted || v.Status != "464" {
		t.Errorf("replacing a reversed claim: verdict %+v, want rejected 464", v)
	}
}

func TestDependentPatient(t *testing.T) {
	kim := &Person{Last: "LOE", First: "KIM", Birth: rcm.MustParseDate("2015-01-01")}
	got := summary(adjudicateOne(t, testConfig(), tc{member: "A400", last: "LOE", first: "LEE", dependent: kim, lines: []tl{{code: "20610", charge: "100"}}}))
	want := []string{"C1 status 1 charge 100 paid 54 pr 6", "  20610 allowed 60 paid 54 [CO-45 40, PR-2 6]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestSecondaryNothingLeft: when the primary left the patient nothing, the
// secondary processes the claim (CLP02 2) and pays nothing, reporting the
// primary's impact as OA-23; it is not a denial.
func TestSecondaryNothingLeft(t *testing.T) {
	m := rcm.MustParseMoney
	claim := tc{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S", prior: &Prior{PayerID: "PAYB", Paid: m("100")},
		lines: []tl{{code: "20610", charge: "120", prior: &PriorLine{Paid: m("100"), Adjustments: []Adjustment{{"CO", "45", m("20")}}}}}}
	got := summary(adjudicateOne(t, testConfig(), claim))
	want := []string{"C1 status 2 charge 120 paid 0 pr 0", "  20610 allowed 60 paid 0 [OA-23 120]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
