package payer

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// claimStatusVersion is the 276/277 guide the sandbox reads and writes.
const claimStatusVersion = "005010X212"

// claimStatus answers every accepted 276 of a file with one 277 in one
// interchange, from the sandbox's own state: a claim waiting for the
// payment cycle is pending (P1:20), an adjudicated one is finalized, paid
// (F1:65) or denied (F2:1), with its adjudication date, check date and the
// 835's trace number, and one it never received is not found (A4:35).
func (e *Engine) claimStatus(name string, data []byte, accepted map[string]bool, now time.Time) ([]File, error) {
	return e.answerInquiries(name, data, accepted, now, answerKind{id: "276", answer: "277", functionalID: "HN", version: claimStatusVersion, write: e.write277})
}

// ClaimStatus is what the sandbox says of one claim asked about.
type ClaimStatus struct {
	Category, Code string
	PayerClaim     string
	Charge, Paid   rcm.Money
	Adjudicated    rcm.Date
	CheckDate      rcm.Date
	CheckNumber    string
}

// StatusOf looks a claim up by payer, member and patient control number.
func (e *Engine) StatusOf(payerID, member, controlNumber string) ClaimStatus {
	for _, c := range e.State.Pending {
		if c.PayerID == payerID && c.ID == controlNumber && c.SubscriberID == member {
			return ClaimStatus{Category: "P1", Code: "20", PayerClaim: c.PayerClaim, Charge: c.Charge}
		}
	}
	// The latest adjudication that was not reversed answers; payer claim
	// numbers grow, so the largest is the latest.
	var keys []string
	for k, r := range e.State.Claims {
		if r.Payer == payerID && r.Payment != nil && r.Payment.MemberID == member && r.Payment.ClaimID == controlNumber && !r.Reversed {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ClaimStatus{Category: "A4", Code: "35"}
	}
	slices.Sort(keys)
	r := e.State.Claims[keys[len(keys)-1]]
	cs := ClaimStatus{Category: "F1", Code: "65", PayerClaim: r.Payment.PayerClaim, Charge: r.Payment.Charge, Paid: r.Payment.Paid,
		Adjudicated: r.PaidOn, CheckDate: r.PaidOn, CheckNumber: r.Trace}
	if r.Payment.Paid == 0 {
		cs.Category, cs.Code = "F2", "1"
		if r.Payment.Status != "4" {
			cs.Category = "F4" // adjudicated, nothing forthcoming (all to the patient's share)
		}
	}
	return cs
}

// write277 answers one 276, echoing its hierarchy.
func (e *Engine) write277(w *x12.Writer, tx *x12.Transaction, now time.Time) error {
	if _, err := w.StartTransaction("277", claimStatusVersion); err != nil {
		return err
	}
	seg := x12.SegmentRun{W: w}
	ref := "0"
	if b := tx.Root.Segment("BHT"); b != nil {
		ref = orDefault(clean(b.String(3), 50), "0")
	}
	seg.Put("BHT", "0010", "08", ref, rcm.DateOf(now).D8(), now.Format("1504"), "DG")
	hl := 0
	nm1 := func(n *x12.Node, loop string) *x12.Segment {
		for _, l := range childLoops(n, loop) {
			if s := l.Segment("NM1"); s != nil {
				return s
			}
		}
		return nil
	}
	echo := func(s *x12.Segment) {
		if s != nil {
			seg.Put("NM1", clean(s.String(1), 3), clean(s.String(2), 1), clean(s.String(3), 60), clean(s.String(4), 35), clean(s.String(5), 25),
				"", clean(s.String(7), 10), clean(s.String(8), 2), clean(s.String(9), 80))
		}
	}
	for _, a := range tx.Loops("2000A") {
		hl++
		src := hl
		payerID := ""
		if s := nm1(a, "2100A"); s != nil {
			payerID = s.String(9)
		}
		seg.Put("HL", strconv.Itoa(src), "", "20", "1")
		echo(nm1(a, "2100A"))
		for _, b := range childLoops(a, "2000B") {
			hl++
			rcv := hl
			seg.Put("HL", strconv.Itoa(rcv), strconv.Itoa(src), "21", boolFlag(len(childLoops(b, "2000C")) > 0))
			echo(nm1(b, "2100B"))
			for _, c := range childLoops(b, "2000C") {
				hl++
				prov := hl
				seg.Put("HL", strconv.Itoa(prov), strconv.Itoa(rcv), "19", boolFlag(len(childLoops(c, "2000D")) > 0))
				echo(nm1(c, "2100C"))
				for _, d := range childLoops(c, "2000D") {
					hl++
					sub := hl
					deps := childLoops(d, "2000E")
					seg.Put("HL", strconv.Itoa(sub), strconv.Itoa(prov), "22", boolFlag(len(deps) > 0))
					subNM1 := nm1(d, "2100D")
					echo(subNM1)
					member := ""
					if subNM1 != nil {
						member = subNM1.String(9)
					}
					for _, t := range childLoops(d, "2200D") {
						e.answerClaim(&seg, t, payerID, member, now)
					}
					for _, dep := range deps {
						hl++
						seg.Put("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23")
						echo(nm1(dep, "2100E"))
						for _, t := range childLoops(dep, "2200E") {
							e.answerClaim(&seg, t, payerID, member, now)
						}
					}
				}
			}
		}
	}
	if seg.Err != nil {
		return seg.Err
	}
	return w.EndTransaction()
}

// answerClaim writes one 2200D/E answer for a 276 tracking loop.
func (e *Engine) answerClaim(seg *x12.SegmentRun, t *x12.Node, payerID, member string, now time.Time) {
	trace, ctl, payerClaim, dtp := "", "", "", (*x12.Segment)(nil)
	if s := t.Segment("TRN"); s != nil {
		trace = s.String(2)
	}
	for _, s := range t.Segments {
		if s.ID() == "REF" {
			switch s.String(1) {
			case "EJ":
				ctl = s.String(2)
			case "1K":
				payerClaim = s.String(2)
			}
		}
		if s.ID() == "DTP" && s.String(1) == "472" {
			dtp = s
		}
	}
	cs := e.StatusOf(payerID, member, ctl)
	seg.Put("TRN", "2", clean(orDefault(trace, "0"), 50))
	today := rcm.DateOf(now)
	stc := []string{seg.W.Composite(cs.Category, cs.Code), today.D8(), "", cs.Charge.X12()}
	if strings.HasPrefix(cs.Category, "F") {
		stc = append(stc, cs.Paid.X12(), d8OrEmpty(cs.Adjudicated), "", d8OrEmpty(cs.CheckDate), clean(cs.CheckNumber, 16))
	}
	if cs.Category == "A4" {
		stc = stc[:2]
	}
	seg.Put("STC", stc...)
	if cs.PayerClaim != "" {
		payerClaim = cs.PayerClaim
	}
	if payerClaim != "" {
		seg.Put("REF", "1K", clean(payerClaim, 50))
	}
	if ctl != "" {
		seg.Put("REF", "EJ", clean(ctl, 50))
	}
	if dtp != nil {
		seg.Put("DTP", "472", clean(dtp.String(2), 3), clean(dtp.String(3), 35))
	}
}

func d8OrEmpty(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.D8()
}
