package x12

import (
	"fmt"
	"strings"
)

// Level says which envelope a finding belongs to, which decides where it
// is reported in an acknowledgement: TA1 for the interchange, AK9 for the
// functional group, IK5 for a transaction set, IK3/IK4 for a segment or
// an element.
type Level uint8

// Finding levels, from the outermost envelope in.
const (
	LevelInterchange Level = iota + 1
	LevelGroup
	LevelTransaction
	LevelSegment
	LevelElement
)

// String names the level for messages.
func (l Level) String() string {
	switch l {
	case LevelInterchange:
		return "interchange"
	case LevelGroup:
		return "group"
	case LevelTransaction:
		return "transaction"
	case LevelSegment:
		return "segment"
	case LevelElement:
		return "element"
	}
	return "?"
}

// Finding is one rule a file breaks, located precisely enough for a biller
// to find and fix it and coded the way a 999 or TA1 reports it.
type Finding struct {
	Level Level `json:"level"`
	// Code is the acknowledgement code: TA105 for the interchange, AK905
	// for a group, IK502 for a transaction, IK304 for a segment and IK403
	// for an element.
	Code string `json:"code"`
	// Interchange is ISA13, Group is GS06, Transaction is ST02 and
	// TransactionSet is ST01 of the envelope the finding is in.
	Interchange    string `json:"interchange,omitempty"`
	Group          string `json:"group,omitempty"`
	TransactionSet string `json:"transaction_set,omitempty"`
	Transaction    string `json:"transaction,omitempty"`
	// Segment is the 1-based ordinal of the segment in the file;
	// Position is its ordinal in the transaction set counting ST as 1
	// (IK302).
	Segment   int64  `json:"segment,omitempty"`
	Position  int    `json:"position,omitempty"`
	SegmentID string `json:"segment_id,omitempty"`
	// Loop is the guide loop id (IK303), e.g. "2010AA".
	Loop string `json:"loop,omitempty"`
	// Element, Component and Repetition locate an element error (IK401).
	Element    int `json:"element,omitempty"`
	Component  int `json:"component,omitempty"`
	Repetition int `json:"repetition,omitempty"`
	// Value is a copy of the bad data (IK404), at most 99 characters.
	Value string `json:"value,omitempty"`
	// BusinessUnit identifies the claim or payment the segment belongs to,
	// for example "CLM01:A37YH556" (999 CTX business unit identifier).
	BusinessUnit string `json:"business_unit,omitempty"`
	// Trigger is the other segment whose content made the broken
	// situational rule apply, such as the 2000B HL04 for SBR02 or CLM05-3
	// for REF*F8; it is zero when the rule depends on nothing outside the
	// segment in error.
	Trigger Trigger `json:"trigger,omitzero"`
	Message string  `json:"message"`
}

// Trigger locates the segment, and within it the element, that a
// situational rule depends on, as the 999 reports it in a CTX segment
// context ("SITUATIONAL TRIGGER"): CTX02 segment id, CTX03 position in
// the transaction set, CTX04 loop id and CTX05 element and component.
type Trigger struct {
	SegmentID string `json:"segment_id"`
	Position  int    `json:"position"`
	Loop      string `json:"loop,omitempty"`
	Element   int    `json:"element,omitempty"`
	Component int    `json:"component,omitempty"`
}

// Where renders the location of a finding for people.
func (f *Finding) Where() string {
	var b strings.Builder
	if f.Transaction != "" {
		fmt.Fprintf(&b, "transaction %s %s", f.TransactionSet, f.Transaction)
	} else if f.Group != "" {
		fmt.Fprintf(&b, "group %s", f.Group)
	} else if f.Interchange != "" {
		fmt.Fprintf(&b, "interchange %s", f.Interchange)
	}
	if f.Segment > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "segment %d", f.Segment)
		if f.Position > 0 {
			fmt.Fprintf(&b, " (#%d in transaction)", f.Position)
		}
	}
	if f.SegmentID != "" {
		fmt.Fprintf(&b, " %s", f.SegmentID)
		if f.Element > 0 {
			fmt.Fprintf(&b, "%02d", f.Element)
			if f.Component > 0 {
				fmt.Fprintf(&b, "-%d", f.Component)
			}
		}
	}
	if f.Loop != "" {
		fmt.Fprintf(&b, " in loop %s", f.Loop)
	}
	return b.String()
}

// String renders the finding on one line: where, what, and its code,
// with the situational trigger when there is one.
func (f Finding) String() string {
	if t := f.Trigger; t.SegmentID != "" {
		return fmt.Sprintf("%s: %s [%s %s; trigger %s]", f.Where(), f.Message, f.Level, f.Code, t)
	}
	return fmt.Sprintf("%s: %s [%s %s]", f.Where(), f.Message, f.Level, f.Code)
}

// String renders the trigger for people, e.g. "CLM05-3 (#19 in loop
// 2300)".
func (t Trigger) String() string {
	var b strings.Builder
	b.WriteString(t.SegmentID)
	if t.Element > 0 {
		fmt.Fprintf(&b, "%02d", t.Element)
		if t.Component > 0 {
			fmt.Fprintf(&b, "-%d", t.Component)
		}
	}
	fmt.Fprintf(&b, " (#%d", t.Position)
	if t.Loop != "" {
		fmt.Fprintf(&b, " in loop %s", t.Loop)
	}
	b.WriteString(")")
	return b.String()
}

// IK304 segment syntax error codes (005010X231A1).
const (
	SegUnrecognized     = "1"  // Unrecognized segment ID
	SegUnexpected       = "2"  // Unexpected segment
	SegRequiredMissing  = "3"  // Required segment missing
	SegLoopOverMax      = "4"  // Loop occurs over maximum times
	SegOverMax          = "5"  // Segment exceeds maximum use
	SegNotInSet         = "6"  // Segment not in defined transaction set
	SegOutOfOrder       = "7"  // Segment not in proper sequence
	SegElementErrors    = "8"  // Segment has data element errors
	SegNotUsed          = "I4" // Implementation "not used" segment present
	SegDependentMissing = "I6" // Implementation dependent segment missing
	SegDependentNotUsed = "I9" // Implementation dependent "not used" segment present
)

// IK403 element syntax error codes (005010X231A1).
const (
	ElemRequiredMissing    = "1"   // Required data element missing
	ElemConditionalMissing = "2"   // Conditional required data element missing
	ElemTooMany            = "3"   // Too many data elements
	ElemTooShort           = "4"   // Data element too short
	ElemTooLong            = "5"   // Data element too long
	ElemInvalidChar        = "6"   // Invalid character in data element
	ElemInvalidCode        = "7"   // Invalid code value
	ElemInvalidDate        = "8"   // Invalid date
	ElemInvalidTime        = "9"   // Invalid time
	ElemExclusion          = "10"  // Exclusion condition violated
	ElemTooManyRepeats     = "12"  // Too many repetitions
	ElemTooManyComponents  = "13"  // Too many components
	ElemNotUsed            = "I10" // Implementation "not used" data element present
	ElemPattern            = "I12" // Implementation pattern match failure
	ElemDependentMissing   = "I9"  // Implementation dependent data element missing
	ElemDependentNotUsed   = "I13" // Implementation dependent "not used" data element present
)

// IK502 transaction set error codes.
const (
	TxNotSupported     = "1"  // Transaction set not supported
	TxTrailerMissing   = "2"  // Transaction set trailer missing
	TxControlMismatch  = "3"  // Control number in header and trailer do not match
	TxCountMismatch    = "4"  // Number of included segments does not match actual count
	TxSegmentErrors    = "5"  // One or more segments in error
	TxBadID            = "6"  // Missing or invalid transaction set identifier
	TxBadControl       = "7"  // Missing or invalid transaction set control number
	TxDuplicateControl = "23" // Control number not unique within the functional group
	TxBadConvention    = "I6" // Implementation convention not supported
)

// AK905 functional group error codes.
const (
	GroupNotSupported    = "1" // Functional group not supported
	GroupVersion         = "2" // Functional group version not supported
	GroupTrailerMissing  = "3" // Functional group trailer missing
	GroupControlMismatch = "4" // Group control number in header and trailer do not agree
	GroupCountMismatch   = "5" // Number of included transaction sets does not match actual count
	GroupBadControl      = "6" // Group control number violates syntax
)

// TA105 interchange note codes.
const (
	TA1ControlMismatch = "001" // Interchange control number in header and trailer do not match
	TA1Standard        = "002" // This standard as noted in the control standards identifier is not supported
	TA1Version         = "003" // This version of the controls is not supported
	TA1Terminator      = "004" // The segment terminator is invalid
	TA1SenderQual      = "005" // Invalid interchange ID qualifier for sender
	TA1Sender          = "006" // Invalid interchange sender ID
	TA1ReceiverQual    = "007" // Invalid interchange ID qualifier for receiver
	TA1Receiver        = "008" // Invalid interchange receiver ID
	TA1AuthQual        = "010" // Invalid authorization information qualifier value
	TA1Auth            = "011" // Invalid authorization information value
	TA1SecurityQual    = "012" // Invalid security information qualifier value
	TA1Security        = "013" // Invalid security information value
	TA1Date            = "014" // Invalid interchange date value
	TA1Time            = "015" // Invalid interchange time value
	TA1StandardsID     = "016" // Invalid interchange standards identifier value
	TA1VersionID       = "017" // Invalid interchange version ID value
	TA1ControlNumber   = "018" // Invalid interchange control number value
	TA1AckRequested    = "019" // Invalid acknowledgment requested value
	TA1TestIndicator   = "020" // Invalid test indicator value
	TA1GroupCount      = "021" // Invalid number of included groups value
	TA1Structure       = "022" // Invalid control structure
	TA1EOF             = "023" // Improper (premature) end-of-file (transmission)
	TA1Content         = "024" // Invalid interchange content (e.g., invalid GS segment)
	TA1ElementSep      = "026" // Invalid data element separator
	TA1ComponentSep    = "027" // Invalid component element separator
)
