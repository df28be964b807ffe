package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/ledger"
)

// claimData is everything the claim page shows.
type claimData struct {
	Claim    *rcm.Claim
	Bundle   *claim.Bundle
	Findings []rcm.ClaimFinding
	Errors   int
	// Submissions are the 837P batches that carried the claim.
	Submissions []*rcm.Submission
	// Acks are the state changes that acknowledgements (999, 277CA) made.
	Acks []rcm.ClaimEvent
	// Remits are the state changes that remittances (835) made, and
	// Denials the claim's denied lines with their reasons in words.
	Remits  []rcm.ClaimEvent
	Denials []denialItem
	// Ledger holds the balance of each claim line that has entries.
	Ledger []lineLedger
	// Related are the claims that replace or void this one, or that it
	// replaces.
	Related []*rcm.Claim
	// Desk is the A/R desk's part: status answers, work items, appeals.
	Desk *claimDesk
	// Words are the codes' descriptions ("dx:I10", "px:99213").
	Words map[string]string
	// CanPrint shows the CMS-1500 link to those who may print it.
	CanPrint bool
	// Actions say which buttons apply to the claim's state.
	CanScrub, CanSubmit, CanCorrect, CanReplace, CanVoid, CanVoidClaim bool
}

// lineLedger is one claim line's money.
type lineLedger struct {
	Line     int
	Code     string
	Balance  *ledger.LineBalance
	Paid     rcm.Money
	Adjusted rcm.Money
	// WrittenOff is the practice's own write-offs (group WO), a part of
	// Adjusted: a work item closed as written off shows here.
	WrittenOff rcm.Money
	OpenIns    rcm.Money
}

// showClaim shows a claim: lines, findings, history, the batch it went out
// in, what came back and its ledger, with the actions the user's role and
// the claim's state allow.
func (h *Handler) showClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := claim.Load(ctx, h.store, id)
	if err != nil {
		return err
	}
	c := b.Claim
	d := claimData{Claim: c, Bundle: b, Words: h.codeWords(r, s, c), CanPrint: s.actor.Can(rcm.PermBill)}
	if d.Findings, err = h.store.FindClaimFindings(ctx, id); err != nil {
		return err
	}
	for _, f := range d.Findings {
		if f.Severity == "error" {
			d.Errors++
		}
	}
	for _, ev := range c.History {
		switch {
		case isAck(ev.Reason):
			d.Acks = append(d.Acks, ev)
		case strings.HasPrefix(ev.Reason, "835 "):
			d.Remits = append(d.Remits, ev)
		}
	}
	if s.actor.Can(rcm.PermBill) {
		subs, err := h.store.FindSubmissions(ctx, "")
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if slices.Contains(sub.ClaimIDs, id) {
				d.Submissions = append(d.Submissions, sub)
			}
		}
	}
	bal, err := h.store.FindLineBalances(ctx, rcm.LedgerFilter{EncounterID: c.EncounterID})
	if err != nil {
		return err
	}
	for i, l := range c.Lines {
		for _, lb := range bal {
			if lb.Line == l.ServiceLineID && l.ServiceLineID != 0 {
				ll := lineLedger{Line: i + 1, Code: l.Code, Balance: lb}
				for _, v := range lb.PayerPaid {
					ll.Paid += v
				}
				for _, v := range lb.Insurance {
					ll.OpenIns += v
				}
				for _, v := range lb.Adjusted {
					ll.Adjusted += v
				}
				ll.WrittenOff = lb.Adjusted[ledger.GroupWO]
				d.Ledger = append(d.Ledger, ll)
			}
		}
	}
	if len(d.Remits) > 0 {
		n := newNames(h, nil, nil)
		n.patients[c.PatientID] = b.Patient
		if d.Denials, err = h.denials(ctx, n, c.ID); err != nil {
			return err
		}
	}
	others, err := h.store.FindClaims(ctx, rcm.ClaimFilter{PatientID: c.PatientID, Limit: 1000})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != c.ID && (o.ReplacesClaimID == c.ID || c.ReplacesClaimID == o.ID) {
			d.Related = append(d.Related, o)
		}
	}
	if s.actor.Can(rcm.PermBill) {
		d.CanScrub = c.State == rcm.ClaimDraft || c.State == rcm.ClaimReady
		d.CanSubmit = c.State == rcm.ClaimReady
		d.CanCorrect = c.State == rcm.ClaimRejected || c.State == rcm.ClaimDenied
		d.CanReplace = c.PayerClaimNumber != "" && c.Frequency != rcm.FrequencyVoid &&
			(c.State == rcm.ClaimPaid || c.State == rcm.ClaimPartlyPaid || c.State == rcm.ClaimDenied)
		d.CanVoid = rcm.CanMoveClaim(c.State, rcm.ClaimVoided)
		d.CanVoidClaim = c.PayerClaimNumber != "" && c.Frequency != rcm.FrequencyVoid &&
			(c.State == rcm.ClaimPaid || c.State == rcm.ClaimPartlyPaid || c.State == rcm.ClaimAccepted)
	}
	if d.Desk, err = h.claimDesk(ctx, s, c); err != nil {
		return err
	}
	h.renderPage(w, r, s, "claim", &view{Title: "Claim " + c.ControlNumber, Nav: "claims", Data: d})
	return nil
}

// isAck reports whether a history reason was written by an
// acknowledgement (claim.ReadAcknowledgement words its reasons so).
func isAck(reason string) bool {
	return strings.HasPrefix(reason, "999 ") || strings.HasPrefix(reason, "277CA")
}

// downloadSubmission sends the stored 837P file a claim went out in,
// byte for byte as it was sent. The file carries every claim of the
// batch, so it is for billers only (the submission service checks).
func (h *Handler) downloadSubmission(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	subID, err := strconv.ParseInt(r.URL.Query().Get("submission"), 10, 64)
	if err != nil {
		return rcm.Errorf(rcm.ENOTFOUND, "Name the submission.")
	}
	subs, err := h.store.FindSubmissions(r.Context(), "")
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if sub.ID == subID && slices.Contains(sub.ClaimIDs, id) {
			w.Header().Set("Content-Type", "text/plain; charset=us-ascii")
			w.Header().Set("Content-Disposition", `attachment; filename="`+sub.FileName+`"`)
			w.Header().Set("Cache-Control", "no-store")
			_, err := w.Write(sub.Content)
			return err
		}
	}
	return rcm.Errorf(rcm.ENOTFOUND, "Claim %d went out in no such submission.", id)
}
