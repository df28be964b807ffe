package kpi_test

import (
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/kpi"
)

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

// TestCompute: 30 days; $3,000 net revenue ($100 a day), $1,000 open, of
// which $250 on a service older than 90 days; $2,400 collected; 1 of 4
// claims denied.
func TestCompute(t *testing.T) {
	m := rcm.MustParseMoney
	lines := []kpi.LineFacts{
		{Payer: "Acme", Provider: "Dr. A", DateOfService: day("2026-11-10"), OpenAtEnd: m("750"), Charged: m("2500"), Contractual: m("500"), Collected: m("1500")},
		{Payer: "Self-pay", Provider: "Dr. B", DateOfService: day("2026-08-01"), OpenAtEnd: m("250"), Charged: m("1000"), Contractual: 0, Collected: m("900")},
	}
	claims := []kpi.ClaimFacts{{"Acme", "Dr. A", true, false}, {"Acme", "Dr. A", false, true}, {"Acme", "Dr. A", false, false}, {"Self-pay", "Dr. B", false, true}}
	subs := []kpi.SubmissionFacts{{"Acme", "Dr. A", true}, {"Acme", "Dr. A", false}, {"Acme", "Dr. A", true}, {"Acme", "Dr. A", true}, {"Self-pay", "Dr. B", true}}
	r := kpi.Compute(day("2026-11-01"), day("2026-11-30"), lines, claims, subs)
	f := r.Total
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got < want-0.001 || *got > want+0.001 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("days in A/R", f.DaysInAR, 10)
	check("A/R over 90 %", f.AROver90Pct, 25)
	check("net collection rate", f.NetCollectionRate, 80)
	check("denial rate", f.DenialRate, 25)
	check("first-pass resolution rate", f.FirstPassRate, 50)
	check("clean claim rate", f.CleanClaimRate, 80)
	if len(r.ByPayer) != 2 || r.ByPayer[0].Group != "Acme" {
		t.Fatalf("by payer: %+v", r.ByPayer)
	}
	check("Acme denial rate", r.ByPayer[0].DenialRate, 100.0/3)
	check("Acme collection", r.ByPayer[0].NetCollectionRate, 75)
	if r.ByPayer[0].AROver90Pct == nil || *r.ByPayer[0].AROver90Pct != 0 {
		t.Errorf("Acme over 90: %v", r.ByPayer[0].AROver90Pct)
	}
	// No revenue, no claims: no number rather than a made-up one.
	empty := kpi.Compute(day("2026-11-01"), day("2026-11-30"), nil, nil, nil).Total
	if empty.DaysInAR != nil || empty.DenialRate != nil || empty.NetCollectionRate != nil || empty.CleanClaimRate != nil || empty.FirstPassRate != nil {
		t.Errorf("empty period: %+v", empty)
	}
	if len(r.Definitions) != 6 || r.Definitions[0].Definition == "" {
		t.Errorf("definitions missing")
	}
}

func TestPct(t *testing.T) {
	v := 12.345
	if got := kpi.Pct(&v); got != "12.3%" {
		t.Errorf("Pct(12.345) = %q", got)
	}
	if got := kpi.Pct(nil); got != "n/a" {
		t.Errorf("Pct(nil) = %q, want n/a without a percent sign", got)
	}
}
