package ncci

import "github.com/openrcm/openrcm/edit"

// FacilityChecker runs the NCCI edits over an outpatient facility claim
// (837I): the outpatient hospital MUE table, and the outpatient hospital
// PTP table when one is loaded. CMS publishes that PTP table apart from the
// practitioner one; when it is absent the practitioner PTP table stands in,
// and every PTP finding says so.
type FacilityChecker struct {
	Edits *Edits
}

// StandInNote ends each PTP finding made with the practitioner table for a
// facility claim.
const StandInNote = " The outpatient hospital PTP table is not loaded, so the practitioner PTP table stands in for it."

// CheckFacility returns the claim's MUE and PTP findings.
func (c *FacilityChecker) CheckFacility(cl *edit.Claim) []edit.Finding {
	mue := &Checker{Edits: c.Edits, Setting: OutpatientHospital}
	fs := mue.CheckMUE(cl, nil)
	if c.Edits.PTPRows(OutpatientHospital) > 0 {
		return mue.CheckPTP(cl, fs)
	}
	n := len(fs)
	fs = (&Checker{Edits: c.Edits, Setting: Practitioner}).CheckPTP(cl, fs)
	for i := n; i < len(fs); i++ {
		fs[i].Message += StandInNote
	}
	return fs
}
