package remit

import (
	"testing"

	"github.com/openrcm/openrcm"
)

// An 835 names a facility line billed by revenue code alone by that code
// (SVC01 NU:0272); it matches that claim line, not a HCPCS line of the
// same charge, and never a professional claim's line.
func TestMatchRevenueCodeLine(t *testing.T) {
	dos := rcm.MustParseDate("2026-02-10")
	c := &rcm.Claim{DateOfService: dos, Lines: []rcm.ClaimLine{
		{ServiceLine: rcm.ServiceLine{Code: "45378", Units: 1, Charge: 18000}},
		{ServiceLine: rcm.ServiceLine{Units: 1, Charge: 18000}},
		{ServiceLine: rcm.ServiceLine{Units: 1, Charge: 35000}},
	}, Institutional: &rcm.Institutional{Lines: []rcm.RevenueLine{{RevenueCode: "0490"}, {RevenueCode: "0272"}, {RevenueCode: "0370"}}}}
	tests := []struct {
		qual, code string
		charge     rcm.Money
		want       int
	}{
		{"NU", "0272", 18000, 1},
		{"NU", "0370", 35000, 2},
		{"HC", "45378", 18000, 0},
		{"NU", "0370", 18000, -1},
		{"NU", "0490", 18000, -1},
	}
	for _, tt := range tests {
		got, _ := matchLine(&LinePayment{Qualifier: tt.qual, Code: tt.code, Charge: tt.charge, DateOfService: dos}, c, make([]bool, 3))
		if got != tt.want {
			t.Errorf("%s:%s %s matched line %d, want %d", tt.qual, tt.code, tt.charge, got, tt.want)
		}
	}
	prof := *c
	prof.Institutional = nil
	if got, _ := matchLine(&LinePayment{Qualifier: "NU", Code: "0272", Charge: 18000, DateOfService: dos}, &prof, make([]bool, 3)); got != -1 {
		t.Errorf("a professional claim's line matched a revenue code: %d", got)
	}
}
