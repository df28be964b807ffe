package payer

import (
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

// Verdict is the front end's answer for one claim on the 277CA (005010X214
// loop 2200D STC): accepted into adjudication (A2:20, action WQ) or
// rejected (A3, A6 or A7 with a claim status code, action U).
type Verdict struct {
	Claim    *Claim
	Accepted bool
	// Category and Status are STC01-1 and STC01-2; Entity is STC01-3
	// when the status code needs one (562 NPI: 85 billing provider).
	Category string
	Status   string
	Entity   string
	Reason   string // in words, for the command's report
	// Line is the 1-based service line a line-level rejection is about
	// (loop 2220D), 0 when the claim as a whole is rejected. A 277CA
	// accepts or rejects a claim whole: a rejected line rejects its
	// claim.
	Line int
}

// front checks what a payer's front end checks before a claim enters
// adjudication, in this order: a readable claim, a payer the sandbox plays
// (A3:116 submitted to incorrect payer), a billing NPI with a valid check
// digit (A7:562:85), charges that add up (A7:178), a replacement or void
// that names a claim the payer paid (A6/A7:464), the member when the payer
// rejects unknown members at the front end (A3:33), and dates of service
// not in the future (A7:187).
func front(cfg *Config, st *State, c *Claim, today rcm.Date) Verdict {
	v := Verdict{Claim: c}
	reject := func(cat, status, entity, why string) Verdict {
		v.Category, v.Status, v.Entity, v.Reason = cat, status, entity, why
		return v
	}
	if c.Problem != "" {
		return reject("A7", c.ProblemStatus, "", c.Problem)
	}
	p := cfg.PayerByID(c.PayerID)
	if p == nil {
		return reject("A3", "116", "", "payer "+c.PayerID+" is not a payer of this sandbox")
	}
	if !validNPI(c.BillingNPI) {
		return reject("A7", "562", "85", "billing provider NPI "+c.BillingNPI+" fails its check digit")
	}
	var sum rcm.Money
	for _, l := range c.Lines {
		sum += l.Charge
	}
	if sum != c.Charge {
		return reject("A7", "178", "", "CLM02 "+c.Charge.String()+" is not the sum of the lines "+sum.String())
	}
	if c.Frequency == "7" || c.Frequency == "8" {
		if c.OriginalRef == "" {
			return reject("A6", "464", "", "a replacement or void needs REF*F8 with the payer claim control number")
		}
		if r := st.Claims[c.OriginalRef]; r == nil || r.Payer != p.ID || r.Reversed {
			return reject("A7", "464", "", "REF*F8 "+c.OriginalRef+" is not a claim this payer paid and has not reversed")
		}
	}
	if p.RejectUnknownMembers {
		if _, known := cfg.findMember(p.ID, c.SubscriberID, c.PatientName(), c.Patient != nil); !known {
			return reject("A3", "33", "", "subscriber ID "+c.SubscriberID+" not found")
		}
	}
	for i, l := range c.Lines {
		if l.From.After(today) {
			v := reject("A7", "187", "", "line "+strconv.Itoa(i+1)+" date of service "+l.From.String()+" is in the future")
			v.Line = i + 1
			return v
		}
	}
	v.Accepted, v.Category, v.Status = true, "A2", "20"
	return v
}

// write277CA writes the claim acknowledgment (005010X214) for the claims
// of one 837P interchange: 2000A payer > 2000B submitter (batch totals) >
// 2000C billing provider > 2000D one per claim, accepted with the payer
// claim control number in REF*1K or rejected with STC03 U.
func write277CA(dst io.Writer, cfg *Config, st *State, newline bool, now time.Time, vs []Verdict) error {
	c0 := vs[0].Claim
	w := x12.NewWriter(dst, x12.DefaultDelimiters, newline, st)
	if err := w.StartInterchange(x12.InterchangeHeader{
		SenderQual: isaQual(c0.ReceiverQual), Sender: clean(orDefault(c0.Receiver, "UNKNOWN"), 15),
		ReceiverQual: isaQual(c0.SenderQual), Receiver: clean(orDefault(c0.Sender, "UNKNOWN"), 15),
		Time: now, Production: c0.Production,
	}); err != nil {
		return err
	}
	if err := w.StartGroup(x12.GroupHeader{FunctionalID: "HN", Sender: gsID(c0.Receiver), Receiver: gsID(c0.Sender), Time: now, Version: "005010X214"}); err != nil {
		return err
	}
	ctl, err := w.StartTransaction("277", "005010X214")
	if err != nil {
		return err
	}
	seg := x12.SegmentRun{W: w}
	d8 := rcm.DateOf(now).D8()
	seg.Put("BHT", "0085", "08", clean(orDefault(c0.BatchID, "0"), 50), d8, now.Format("1504"), "TH")
	hl := 0
	nextHL := func(parent int, level string, child bool) int {
		hl++
		els := []string{strconv.Itoa(hl), "", level}
		if parent > 0 {
			els[1] = strconv.Itoa(parent)
		}
		if level != "PT" {
			els = append(els, map[bool]string{true: "1", false: "0"}[child])
		}
		seg.Put("HL", els...)
		return hl
	}
	// Claims are grouped by payer, then billing provider, in file order.
	for _, payerID := range orderedKeys(vs, func(v Verdict) string { return v.Claim.PayerID }) {
		pvs := filter(vs, func(v Verdict) bool { return v.Claim.PayerID == payerID })
		name := pvs[0].Claim.PayerName
		if p := cfg.PayerByID(payerID); p != nil {
			name = p.Name
		}
		a := nextHL(0, "20", true)
		seg.Put("NM1", "PR", "2", clean(orDefault(name, "UNKNOWN PAYER"), 60), "", "", "", "", "PI", clean(orDefault(payerID, "UNKNOWN"), 80))
		seg.Put("TRN", "1", ctl+strconv.Itoa(a))
		seg.Put("DTP", "050", "D8", d8)
		seg.Put("DTP", "009", "D8", d8)
		b := nextHL(a, "21", true)
		seg.Put("NM1", "41", "2", clean(orDefault(c0.SubmitterName, "SUBMITTER"), 60), "", "", "", "", "46", clean(orDefault(c0.SubmitterID, "UNKNOWN"), 80))
		seg.Put("TRN", "2", clean(orDefault(c0.BatchID, "0"), 50))
		acc, rej := tally(pvs)
		seg.Put("STC", w.Composite("A1", "19", "PR"), d8, "WQ", (acc.amount + rej.amount).X12())
		putTotals(&seg, "90", "AA", acc, rej)
		for _, npi := range orderedKeys(pvs, func(v Verdict) string { return v.Claim.BillingNPI }) {
			bvs := filter(pvs, func(v Verdict) bool { return v.Claim.BillingNPI == npi })
			c := bvs[0].Claim
			cl := nextHL(b, "19", true)
			seg.Put("NM1", "85", "2", clean(orDefault(c.BillingName, "BILLING PROVIDER"), 60), "", "", "", "", "XX", clean(orDefault(npi, "0000000000"), 80))
			seg.Put("TRN", "1", "0")
			acc, rej := tally(bvs)
			// 2200C STC: STC02 is not used here; the action is WQ when
			// any of the provider's claims was accepted.
			action := "U"
			if acc.n > 0 {
				action = "WQ"
			}
			seg.Put("STC", w.Composite("A1", "19", "PR"), "", action, (acc.amount + rej.amount).X12())
			putTotals(&seg, "QA", "QC", acc, rej)
			for _, v := range bvs {
				c := v.Claim
				nextHL(cl, "PT", false)
				pat := c.PatientName()
				seg.Put("NM1", "QC", "1", clean(orDefault(pat.Last, "UNKNOWN"), 60), clean(pat.First, 35), "", "", "", "MI", clean(orDefault(c.SubscriberID, "UNKNOWN"), 80))
				seg.Put("TRN", "2", clean(orDefault(c.ID, "0"), 50))
				stc := w.Composite(v.Category, v.Status, v.Entity)
				action := "U"
				if v.Accepted {
					action = "WQ"
				}
				seg.Put("STC", stc, d8, action, c.Charge.X12())
				if v.Accepted {
					seg.Put("REF", "1K", clean(c.PayerClaim, 50))
				}
				if ref := clean(c.ClearinghouseRef, 50); ref != "" {
					seg.Put("REF", "D9", ref)
				}
				if from, to := c.ServiceDates(); !from.IsZero() {
					if from == to {
						seg.Put("DTP", "472", "D8", from.D8())
					} else {
						seg.Put("DTP", "472", "RD8", from.D8()+"-"+to.D8())
					}
				}
				if v.Line > 0 && v.Line <= len(c.Lines) {
					// Loop 2220D: the rejected line, by its procedure,
					// charge, units and line control number.
					l := c.Lines[v.Line-1]
					proc := append([]string{orDefault(l.Qualifier, "HC"), l.Code}, l.Modifiers...)
					// SVC03 (payment) and the line STC04 (charge) are not
					// used in a 277CA.
					seg.Put("SVC", w.Composite(proc...), l.Charge.X12(), "", "", "", "", clean(orDefault(l.Units, "1"), 15))
					seg.Put("STC", stc, d8, action)
					if ref := clean(l.Control, 50); ref != "" {
						seg.Put("REF", "FJ", ref)
					}
					if l.From == l.To || l.To.IsZero() {
						seg.Put("DTP", "472", "D8", l.From.D8())
					} else {
						seg.Put("DTP", "472", "RD8", l.From.D8()+"-"+l.To.D8())
					}
				}
			}
		}
	}
	if seg.Err != nil {
		return seg.Err
	}
	if err := w.EndTransaction(); err != nil {
		return err
	}
	if err := w.EndGroup(); err != nil {
		return err
	}
	return w.EndInterchange()
}

type count struct {
	n      int
	amount rcm.Money
}

func tally(vs []Verdict) (acc, rej count) {
	for _, v := range vs {
		if v.Accepted {
			acc.n++
			acc.amount += v.Claim.Charge
		} else {
			rej.n++
			rej.amount += v.Claim.Charge
		}
	}
	return acc, rej
}

// putTotals writes the accepted and rejected quantities and amounts
// (QTY and AMT YU/YY), each only when there is something to count.
func putTotals(seg *x12.SegmentRun, accQ, rejQ string, acc, rej count) {
	if acc.n > 0 {
		seg.Put("QTY", accQ, strconv.Itoa(acc.n))
	}
	if rej.n > 0 {
		seg.Put("QTY", rejQ, strconv.Itoa(rej.n))
	}
	if acc.n > 0 {
		seg.Put("AMT", "YU", acc.amount.X12())
	}
	if rej.n > 0 {
		seg.Put("AMT", "YY", rej.amount.X12())
	}
}

func orderedKeys[T any](xs []T, key func(T) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if k := key(x); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
