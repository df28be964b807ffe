package claim

import (
	"fmt"

	"github.com/openrcm/openrcm"
)

// Correction makes a replacement (frequency 7) or void (8) claim of c, for
// the caller to store: the same lines, linked to c, carrying the payer's
// claim number (2300 REF*F8), in draft for the scrubber. Its control number
// gets a suffix, as CLM01 must be unique. The workbench and the API both
// correct claims through it.
func Correction(c *rcm.Claim, freq string) (*rcm.Claim, error) {
	if c.PayerClaimNumber == "" {
		return nil, rcm.Errorf(rcm.ECONFLICT, "Claim %d has no payer claim number yet; a replacement or void needs it (REF*F8).", c.ID)
	}
	suffix, ok := map[string]string{rcm.FrequencyReplacement: "R", rcm.FrequencyVoid: "V"}[freq]
	if !ok {
		return nil, rcm.Errorf(rcm.EINVALID, "A correction is a replacement (7) or a void (8), not %q.", freq)
	}
	n := *c
	n.ID, n.History, n.State = 0, nil, ""
	n.Frequency, n.ReplacesClaimID = freq, c.ID
	n.ControlNumber = fmt.Sprintf("%s%s%d", c.ControlNumber, suffix, c.ID)
	if len(n.ControlNumber) > 38 {
		return nil, rcm.Errorf(rcm.EINVALID, "The control number %s is too long for a %s suffix.", c.ControlNumber, suffix)
	}
	return &n, nil
}
