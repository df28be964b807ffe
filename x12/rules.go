package x12

import "fmt"

// Situational rules of the 837 guides that depend on whether the
// subscriber is the patient, which the 2000B HL04 hierarchical child
// code tells (0: no patient level follows, so the subscriber is the
// patient). Billers break these often, so they are checked explicitly:
//
//   - SBR02 (individual relationship code 18, self) is required when the
//     subscriber is the patient and must not be sent otherwise
//     (005010X222A1 and X223A2, loop 2000B SBR02).
//   - 2010BA N3, N4 and DMG are required when the patient is the
//     subscriber (loop 2010BA, "Required when the patient is the
//     subscriber or considered to be the subscriber", X12 RFI 2281).
//
// They run only with Validator.Situational. They are reported with the
// 999's implementation codes: I9 for an
// implementation-dependent element missing, I13 for one present that
// must not be, I6 for an implementation-dependent segment missing.

// is837 reports whether the schema is one of the 837 claim guides.
func (s *txState) is837() bool { return s.schema != nil && s.schema.TransactionSet == "837" }

// subscriberRules runs when a segment of 2000B or 2010BA is checked.
func (s *txState) subscriberRules(v *Validator, seg *Segment, def *SegmentDef, loop string, pos int) {
	if !v.Situational || !s.is837() || loop != "2000B" || def.ID != "SBR" {
		return
	}
	rel := seg.Element(2)
	switch {
	case s.subscriberIsPatient && len(rel) == 0:
		fd := s.segFinding(seg, pos, loop, SegElementErrors, "SBR02 must be 18 (self) because the subscriber is the patient (2000B HL04 is 0)")
		fd.Level, fd.Code, fd.Element = LevelElement, ElemDependentMissing, 2
		v.add(fd)
	case !s.subscriberIsPatient && len(rel) > 0:
		fd := s.segFinding(seg, pos, loop, SegElementErrors, "SBR02 must be left empty because a patient level (2000C) follows this subscriber (2000B HL04 is 1)")
		fd.Level, fd.Code, fd.Element, fd.Value = LevelElement, ElemDependentNotUsed, 2, clip(rel)
		v.add(fd)
	}
}

// subscriberNameRules runs when loop 2010BA closes.
func (s *txState) subscriberNameRules(v *Validator, f *frame, seg *Segment, pos int) {
	if !v.Situational || !s.is837() || f.loop.ID != "2010BA" || !s.subscriberIsPatient {
		return
	}
	for i, it := range f.loop.Items {
		if it.Segment == nil || f.counts[i] > 0 {
			continue
		}
		switch it.Segment.ID {
		case "N3", "N4", "DMG":
			fd := s.segFinding(seg, pos, f.loop.ID, SegDependentMissing, fmt.Sprintf("%s is required in loop 2010BA because the subscriber is the patient (2000B HL04 is 0)", it.Segment.ID))
			fd.SegmentID = it.Segment.ID
			v.add(fd)
		}
	}
}
