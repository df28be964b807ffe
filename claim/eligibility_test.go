package claim

import (
	"context"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
)

// TestScrubEligibilityWords: the finding names the 271's date and repeats
// its words, and ScrubClaim's lookup is what brings the answer in.
func TestScrubEligibilityWords(t *testing.T) {
	b := testBundles()[0]
	calls := 0
	s := &Scrubber{Eligibility: func(ctx context.Context, coverageID int64) (EligibilityAnswer, bool, error) {
		calls++
		if coverageID != b.Coverage.ID {
			t.Errorf("looked up coverage %d, want %d", coverageID, b.Coverage.ID)
		}
		return EligibilityAnswer{Status: "inactive", CheckedOn: rcm.MustParseDate("2026-01-20"), Summary: "Inactive. Coverage ended 01/15/2026."}, true, nil
	}}
	if err := s.lookUpEligibility(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	fs := checkEligibility(b)
	if calls != 1 || len(fs) != 1 {
		t.Fatalf("%d lookups, findings %v", calls, fs)
	}
	for _, want := range []string{"271", "2026-01-20", "Inactive. Coverage ended 01/15/2026.", b.Payer.Name} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("message %q lacks %q", fs[0].Message, want)
		}
	}
	if !strings.Contains(fs[0].Fix, "self-pay") {
		t.Errorf("fix %q does not offer self-pay", fs[0].Fix)
	}
}
