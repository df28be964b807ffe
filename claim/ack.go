package claim

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// AckServices are the stores reading acknowledgements needs.
type AckServices interface {
	rcm.ClaimService
	rcm.SubmissionService
}

// AckResult is what one response file did to the claims it names.
type AckResult struct {
	// Kind is "999" or "277CA".
	Kind     string
	Accepted []ClaimUpdate
	Rejected []ClaimUpdate
	// Unchanged lists claims the file named that were already in the state
	// it reports (a duplicate response), or could not move there.
	Unchanged []ClaimUpdate
	// Unmatched lists what the file named that matches no claim or
	// submission here, in words.
	Unmatched []string
	// SetsAccepted and SetsRejected count a 999's transaction sets by
	// IK501: accepted (A, E) or rejected.
	SetsAccepted, SetsRejected int
}

// ClaimUpdate is one claim's answer.
type ClaimUpdate struct {
	ClaimID       int64
	ControlNumber string
	Reason        string
}

// ReadAcknowledgement reads a 999 or 277CA response file and moves the
// claims it names: a rejected transaction set (999 IK5) rejects every claim
// it carried; a 277CA moves each claim to accepted (STC category A1, A2) or
// rejected (A3, A4, A6, A7, A8 and the E categories), with the reason in
// words for the rejection worklist. Reading the same file twice changes
// nothing the second time.
func ReadAcknowledgement(ctx context.Context, svc AckServices, data []byte) (*AckResult, error) {
	if res := x12.Validate(bytes.NewReader(data)); res.Err != nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The response file cannot be read: %v", res.Err)
	}
	isa, err := x12.NewReader(bytes.NewReader(data)).Next()
	if err != nil || isa.ID() != "ISA" {
		return nil, rcm.Errorf(rcm.EINVALID, "The response file does not start with an ISA segment.")
	}
	// The response comes from the partner we sent the batch to.
	sender := strings.TrimSpace(isa.String(6))
	var out *AckResult
	err = x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		var err error
		switch tx.ID {
		case "999":
			if out == nil {
				out = &AckResult{Kind: "999"}
			}
			err = read999(ctx, svc, tx, sender, out)
		case "277":
			if out == nil {
				out = &AckResult{Kind: "277CA"}
			}
			err = read277CA(ctx, svc, tx, out)
		default:
			err = rcm.Errorf(rcm.EINVALID, "Transaction set %s is not an acknowledgement OpenRCM reads (999, 277CA).", tx.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, rcm.Errorf(rcm.EINVALID, "The file holds no transaction set.")
	}
	return out, nil
}

// read999 applies one 999: each AK2 names a transaction set of the group
// AK1 names; IK5 A or E accepts it (E: with errors noted), R, M, W or X
// rejects every claim in it.
func read999(ctx context.Context, svc AckServices, tx *x12.Transaction, sender string, out *AckResult) error {
	ak1 := tx.Root.Segment("AK1")
	if ak1 == nil {
		return rcm.Errorf(rcm.EINVALID, "999 %s has no AK1.", tx.Control)
	}
	gs, err := strconv.ParseInt(ak1.String(2), 10, 64)
	if err != nil {
		return rcm.Errorf(rcm.EINVALID, "999 AK102 %q is not a group control number.", ak1.String(2))
	}
	// OpenRCM numbers a batch's ISA13, GS06 and ST02s consecutively from
	// one reserved block, so the group number names the submission.
	sub, err := svc.FindSubmissionByControl(ctx, sender, gs-1)
	if err != nil {
		out.Unmatched = append(out.Unmatched, fmt.Sprintf("999 for group %d: no batch of ours has it", gs))
		return nil
	}
	sets, err := claimsBySet(sub)
	if err != nil {
		return err
	}
	for _, ak2 := range tx.Loops("2000") {
		head := ak2.Segment("AK2")
		ik5 := ak2.Segment("IK5")
		if head == nil || ik5 == nil {
			continue
		}
		st := strings.TrimLeft(head.String(2), "0")
		code := ik5.String(1)
		var problems []string
		for _, l := range ak2.Loops("2100") {
			if ik3 := l.Segment("IK3"); ik3 != nil {
				p := fmt.Sprintf("segment %s at position %s: %s", ik3.String(1), ik3.String(2), ik3Words[ik3.String(4)])
				// IK4 sits in loop 2110 under its IK3 (or in 2100 where a
				// reader flattens the loops).
				ik4 := l.Segment("IK4")
				for _, el := range l.Loops("2110") {
					if ik4 == nil {
						ik4 = el.Segment("IK4")
					}
				}
				if ik4 != nil {
					p += fmt.Sprintf(", element %s: %s", ik4.String(1), ik4Words[ik4.String(3)])
				}
				problems = append(problems, p)
			}
		}
		if code == "A" || code == "E" {
			out.SetsAccepted++
		} else {
			out.SetsRejected++
		}
		controls, ok := sets[st]
		if !ok {
			out.Unmatched = append(out.Unmatched, fmt.Sprintf("999 names transaction set %s, not in batch %s", head.String(2), sub.FileName))
			continue
		}
		for _, cn := range controls {
			switch code {
			case "A", "E":
				// Syntax accepted: the claims wait for the payer's 277CA,
				// so their state does not change here.
				continue
			default:
				reason := "999 rejected the transaction set (IK5 " + code + ")"
				if len(problems) > 0 {
					reason += ": " + strings.Join(problems, "; ")
				}
				moveByControl(ctx, svc, cn, rcm.ClaimRejected, reason, out)
			}
		}
	}
	return nil
}

// claimsBySet reads a stored batch and lists the patient control numbers
// (CLM01) of each transaction set by ST02 without leading zeros.
func claimsBySet(sub *rcm.Submission) (map[string][]string, error) {
	sets := map[string][]string{}
	err := x12.ReadTransactions(bytes.NewReader(sub.Content), func(tx *x12.Transaction) error {
		st := strings.TrimLeft(tx.Control, "0")
		for _, n := range tx.Loops("2300") {
			if clm := n.Segment("CLM"); clm != nil {
				sets[st] = append(sets[st], clm.String(1))
			}
		}
		return nil
	})
	return sets, err
}

// read277CA applies the claim statuses (loop 2200D) of a 277CA, with the
// service lines a status names (loop 2220D). A 277CA accepts or rejects a
// claim whole: a rejected line rejects the claim, and the reason names the
// line.
func read277CA(ctx context.Context, svc AckServices, tx *x12.Transaction, out *AckResult) error {
	for _, n := range tx.Loops("2200D") {
		trn := n.Segment("TRN")
		if trn == nil {
			continue
		}
		control := trn.String(2)
		var accepted, rejected bool
		var words []string
		statuses := func(segs []*x12.Segment, prefix string) {
			for _, s := range segs {
				if s.ID() != "STC" {
					continue
				}
				w, cat := stcWords(s)
				words = append(words, prefix+w)
				switch cat {
				case "A1", "A2", "A5":
					accepted = true
				case "A3", "A4", "A6", "A7", "A8", "E0", "E1", "E2", "E3", "E4":
					rejected = true
				}
			}
		}
		statuses(n.Segments, "")
		for _, l := range n.Children {
			if l.ID != "2220D" {
				continue
			}
			line := "line"
			if sv := l.Segment("SVC"); sv != nil {
				line += " " + strings.Trim(strings.Join([]string{string(sv.Component(1, 2)), string(sv.Component(1, 3)), string(sv.Component(1, 4))}, "-"), "-")
			}
			if ref := l.Segment("REF", "FJ"); ref != nil {
				line += " (line control " + ref.String(2) + ")"
			}
			statuses(l.Segments, line+": ")
		}
		reason := "277CA: " + strings.Join(words, "; ")
		switch {
		case rejected:
			moveByControl(ctx, svc, control, rcm.ClaimRejected, reason, out)
		case accepted:
			id := moveByControl(ctx, svc, control, rcm.ClaimAccepted, reason, out)
			if ref := n.Segment("REF", "1K"); ref != nil && id > 0 {
				if err := svc.SetPayerClaimNumber(ctx, id, ref.String(2)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// stcWords says what an STC's status (STC01) means, in words, and returns
// its category code.
func stcWords(s *x12.Segment) (string, string) {
	cat := string(s.Component(1, 1))
	w := categoryWords[cat]
	if w == "" {
		w = "category " + cat
	}
	if sw := statusWords[string(s.Component(1, 2))]; sw != "" {
		w += ": " + sw
	} else if st := s.Component(1, 2); len(st) > 0 {
		w += ": status " + string(st)
	}
	if ew := entityWords[string(s.Component(1, 3))]; ew != "" {
		w += " (" + ew + ")"
	}
	return w, cat
}

// moveByControl moves the claim with a patient control number and records
// the outcome; it returns the claim id, or 0 when no claim matched.
func moveByControl(ctx context.Context, svc AckServices, control, to, reason string, out *AckResult) int64 {
	cs, err := svc.FindClaims(ctx, rcm.ClaimFilter{ControlNumber: control, Limit: 1})
	if err != nil || len(cs) == 0 {
		out.Unmatched = append(out.Unmatched, fmt.Sprintf("claim %s: not found", control))
		return 0
	}
	c := cs[0]
	u := ClaimUpdate{ClaimID: c.ID, ControlNumber: control, Reason: reason}
	switch {
	case c.State == to:
		out.Unchanged = append(out.Unchanged, u)
	case svc.MoveClaim(ctx, c.ID, to, reason) != nil:
		u.Reason = fmt.Sprintf("%s (claim is %s; left as is)", reason, c.State)
		out.Unchanged = append(out.Unchanged, u)
	case to == rcm.ClaimAccepted:
		out.Accepted = append(out.Accepted, u)
	default:
		out.Rejected = append(out.Rejected, u)
	}
	return c.ID
}

// categoryWords says what each claim status category code (code source 507,
// STC01-1) means, in a biller's words.
var categoryWords = map[string]string{
	"A0": "forwarded to another entity", "A1": "received by the payer", "A2": "accepted into adjudication",
	"A3": "returned as unprocessable", "A4": "not found", "A5": "split by the payer", "A6": "rejected for missing information",
	"A7": "rejected for invalid information", "A8": "rejected for a relational field in error",
	"E0": "error in the submitted request", "E1": "payer system unavailable", "E2": "information holder not responding",
	"E3": "correction required: relational fields", "E4": "trading partner agreement requirement not met",
}

// statusWords covers the claim status codes (code source 508, STC01-2) that
// most front-end rejections use.
var statusWords = map[string]string{
	"20": "accepted for processing", "21": "missing or invalid information", "33": "subscriber and subscriber ID not found",
	"128": "tax ID", "145": "specialty or taxonomy code", "164": "contract or member number", "187": "date of service",
	"454": "procedure code", "562": "National Provider Identifier (NPI)",
	// More of the codes a 277CA commonly carries (issue 16: a rejection
	// read "status 116"); the words are ours, after code source 508.
	"0": "no further status electronically", "97": "patient eligibility not found with the entity", "109": "entity not eligible",
	"116": "claim sent to the wrong payer", "125": "entity's name", "153": "entity's ID number", "255": "diagnosis code",
	"400": "claim out of balance", "496": "submitter not approved to send claims for this entity", "535": "claim frequency code",
	"673": "patient's reason for visit", "732": "information inconsistent with billing guidelines",
}

// entityWords names the entity identifier codes (STC01-3) of the 837P.
var entityWords = map[string]string{
	"40": "receiver", "41": "submitter", "77": "service location", "82": "rendering provider", "85": "billing provider",
	"IL": "subscriber", "PR": "payer", "QC": "patient",
}

// ik3Words and ik4Words explain 999 segment (IK304) and element (IK403)
// syntax error codes.
var ik3Words = map[string]string{
	"1": "unrecognized segment", "2": "unexpected segment", "3": "required segment missing", "4": "loop occurs over maximum times",
	"5": "segment exceeds maximum use", "6": "segment not in defined transaction set", "7": "segment not in proper sequence",
	"8": "segment has data element errors", "I4": "implementation 'not used' segment present", "I6": "implementation dependent segment missing",
	"I7": "implementation loop occurs under minimum times", "I8": "implementation segment below minimum use",
	"I9": "implementation dependent 'not used' segment present",
}

var ik4Words = map[string]string{
	"1": "required data element missing", "2": "conditional required data element missing", "3": "too many data elements",
	"4": "data element too short", "5": "data element too long", "6": "invalid character in data element", "7": "invalid code value",
	"8": "invalid date", "9": "invalid time", "10": "exclusion condition violated", "12": "too many repetitions",
	"13": "too many components", "I10": "implementation 'not used' data element present", "I11": "implementation too few repetitions",
	"I12": "implementation pattern match failure", "I13": "implementation dependent 'not used' data element present",
	"I6": "code value not used in implementation", "I9": "implementation dependent data element missing",
}
