package rcm

import "testing"

func TestBilledOf(t *testing.T) {
	line := func(cents Money) []ClaimLine { return []ClaimLine{{ServiceLine: ServiceLine{Charge: cents}}} }
	cs := []*Claim{
		{Frequency: FrequencyOriginal, State: ClaimPaid, Lines: line(10000)},
		{Frequency: FrequencyOriginal, State: ClaimSubmitted, Lines: line(2500)},
		{Frequency: FrequencyOriginal, State: ClaimVoided, Lines: line(700)},
		{Frequency: FrequencyReplacement, State: ClaimSubmitted, Lines: line(9000)},
		{Frequency: FrequencyVoid, State: ClaimSubmitted, Lines: line(10000)},
		{Frequency: FrequencyOriginal, State: ClaimSubmitted, Lines: line(10000), Prior: []PriorPayment{{PayerID: 1}}},
	}
	got := BilledOf(cs)
	if got.Amount != 12500 || got.Claims != 2 || got.Meaning != BilledMeaning {
		t.Fatalf("BilledOf = %+v, want $125.00 on 2 claims", got)
	}
	if got := BilledOf(nil); got.Amount != 0 || got.Claims != 0 {
		t.Fatalf("BilledOf(nil) = %+v", got)
	}
}
