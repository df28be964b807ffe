package payer

import (
	"bytes"
	"fmt"
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
	var txs []*x12.Transaction
	env := map[string]envelope{}
	rd := x12.NewReader(bytes.NewReader(data))
	for {
		seg, err := rd.Next()
		if err != nil {
			break
		}
		if seg.ID() == "ISA" {
			env[seg.String(13)] = envelope{strings.TrimSpace(seg.String(5)), strings.TrimSpace(seg.String(6)), strings.TrimSpace(seg.String(7)), strings.TrimSpace(seg.String(8)), seg.String(15) == "P"}
		}
	}
	_ = x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		if tx.ID == "276" && tx.Schema != nil && accepted[txKey(tx.Interchange, tx.Group, tx.Control)] {
			txs = append(txs, tx)
		}
		return nil
	})
	if len(txs) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	ev := env[txs[0].Interchange]
	w := x12.NewWriter(&buf, x12.DefaultDelimiters, e.Newline, e.State)
	if err := w.StartInterchange(x12.InterchangeHeader{
		SenderQual: isaQual(ev.receiverQual), Sender: clean(orDefault(ev.receiver, "UNKNOWN"), 15),
		ReceiverQual: isaQual(ev.senderQual), Receiver: clean(orDefault(ev.sender, "UNKNOWN"), 15),
		Time: now, Production: ev.production,
	}); err != nil {
		return nil, err
	}
	if err := w.StartGroup(x12.GroupHeader{FunctionalID: "HN", Sender: gsID(ev.receiver), Receiver: gsID(ev.sender), Time: now, Version: claimStatusVersion}); err != nil {
		return nil, err
	}
	for _, tx := range txs {
		if err := e.write277(w, tx, now); err != nil {
			return nil, fmt.Errorf("write 277 for %s: %w", name, err)
		}
	}
	if err := w.EndGroup(); err != nil {
		return nil, err
	}
	if err := w.EndInterchange(); err != nil {
		return nil, err
	}
	return []File{{Name: name + ".277", Data: buf.Bytes()}}, nil
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
	seg := segWriter{w: w}
	ref := "0"
	if b := tx.Root.Segment("BHT"); b != nil {
		ref = orDefault(clean(b.String(3), 50), "0")
	}
	seg.put("BHT", "0010", "08", ref, rcm.DateOf(now).D8(), now.Format("1504"), "DG")
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
			seg.put("NM1", clean(s.String(1), 3), clean(s.String(2), 1), clean(s.String(3), 60), clean(s.String(4), 35), clean(s.String(5), 25),
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
		seg.put("HL", strconv.Itoa(src), "", "20", "1")
		echo(nm1(a, "2100A"))
		for _, b := range childLoops(a, "2000B") {
			hl++
			rcv := hl
			seg.put("HL", strconv.Itoa(rcv), strconv.Itoa(src), "21", boolFlag(len(childLoops(b, "2000C")) > 0))
			echo(nm1(b, "2100B"))
			for _, c := range childLoops(b, "2000C") {
				hl++
				prov := hl
				seg.put("HL", strconv.Itoa(prov), strconv.Itoa(rcv), "19", boolFlag(len(childLoops(c, "2000D")) > 0))
				echo(nm1(c, "2100C"))
				for _, d := range childLoops(c, "2000D") {
					hl++
					sub := hl
					deps := childLoops(d, "2000E")
					seg.put("HL", strconv.Itoa(sub), strconv.Itoa(prov), "22", boolFlag(len(deps) > 0))
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
						seg.put("HL", strconv.Itoa(hl), strconv.Itoa(sub), "23")
						echo(nm1(dep, "2100E"))
						for _, t := range childLoops(dep, "2200E") {
							e.answerClaim(&seg, t, payerID, member, now)
						}
					}
				}
			}
		}
	}
	if seg.err != nil {
		return seg.err
	}
	return w.EndTransaction()
}

// answerClaim writes one 2200D/E answer for a 276 tracking loop.
func (e *Engine) answerClaim(seg *segWriter, t *x12.Node, payerID, member string, now time.Time) {
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
	seg.put("TRN", "2", clean(orDefault(trace, "0"), 50))
	today := rcm.DateOf(now)
	stc := []string{seg.w.Composite(cs.Category, cs.Code), today.D8(), "", cs.Charge.X12()}
	if strings.HasPrefix(cs.Category, "F") {
		stc = append(stc, cs.Paid.X12(), d8OrEmpty(cs.Adjudicated), "", d8OrEmpty(cs.CheckDate), clean(cs.CheckNumber, 16))
	}
	if cs.Category == "A4" {
		stc = stc[:2]
	}
	seg.put("STC", stc...)
	if cs.PayerClaim != "" {
		payerClaim = cs.PayerClaim
	}
	if payerClaim != "" {
		seg.put("REF", "1K", clean(payerClaim, 50))
	}
	if ctl != "" {
		seg.put("REF", "EJ", clean(ctl, 50))
	}
	if dtp != nil {
		seg.put("DTP", "472", clean(dtp.String(2), 3), clean(dtp.String(3), 35))
	}
}

func d8OrEmpty(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.D8()
}
