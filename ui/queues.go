package ui

import (
	"context"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// queueItem is one claim in a work queue, with why it is there and what
// to do next.
type queueItem struct {
	Row  claimRow
	Why  string
	Next string
}

// denialItem is one denied line from a posted 835, its codes in words.
type denialItem struct {
	Denial  *remit.Denial
	Patient *rcm.Patient
	Next    string
}

type queuesData struct {
	Rejections []queueItem
	Denials    []denialItem
	Exceptions exceptionsPanel
	Unclean    []queueItem
	Pending    []*rcm.Submission
	// Quarantined are the clearinghouse files the inbox set aside.
	Quarantined []*rcm.QuarantinedFile
}

// What to do next, per queue. The reason itself comes from the claim's
// history, written by whatever moved it (acknowledgement, remittance).
const (
	nextRejection = "Open the claim, fix what the reason names (patient, coverage, provider or codes), put it back to draft with Correct, scrub and submit."
	nextDenial    = "Read the reason; correct and resubmit, appeal, or bill the next payer or the patient."
	nextUnclean   = "Open the claim and fix each error finding; scrub again."
)

// nextForReason is the next step for the common claim adjustment reason
// codes (CARC) a denial carries; others get nextDenial.
var nextForReason = map[string]string{
	"16":  "Information is missing or wrong: read the remark code, correct the claim and resubmit it.",
	"18":  "Duplicate: check whether the first claim was paid; if so, nothing to do.",
	"22":  "Another payer may be primary: check coverage order with the patient and bill the primary payer.",
	"26":  "Coverage had not begun: check eligibility for the date of service; bill the right payer or the patient.",
	"27":  "Coverage had ended: check eligibility, update the patient's coverage, and bill the new payer or the patient.",
	"29":  "Filed too late: if you have proof of timely filing, appeal with it; otherwise write the line off.",
	"31":  "The payer could not identify the patient: check name, birth date and member ID, correct and resubmit.",
	"50":  "Not medically necessary for the diagnoses billed: review the note and the diagnosis coding; appeal with records, or bill the patient if an advance notice was signed.",
	"96":  "Not covered: bill the patient if they agreed in advance; otherwise write the line off.",
	"97":  "Bundled into another service: if the service was distinct, add the right modifier and send a corrected claim.",
	"109": "Not this payer's claim: bill the right payer.",
	"119": "The benefit maximum was reached: bill secondary coverage or the patient.",
	"197": "Authorization was missing: obtain a retro-authorization and resubmit, or appeal.",
	"204": "Not covered under the patient's plan: bill the patient if they agreed in advance.",
}

// showQueues shows the billers' work queues: claims rejected by the
// clearinghouse or payer (999, 277CA), denied lines of posted
// remittances with their codes in words, posting exceptions, drafts whose
// last scrub found errors, batches stored but not yet delivered, and the
// clearinghouse files the inbox set aside.
func (h *Handler) showQueues(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return err
	}
	n := newNames(h, payers, nil)
	var d queuesData
	// A rejection's reason is in the claim's history, which only the
	// single-claim read returns; rejected claims are few and each one is
	// about to be worked.
	rejected, err := h.store.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimRejected, Limit: listLimit})
	if err != nil {
		return err
	}
	if err := n.readPatients(ctx, claimPatientIDs(rejected)); err != nil {
		return err
	}
	for _, c := range rejected {
		full, err := h.store.FindClaimByID(ctx, c.ID)
		if err != nil {
			return err
		}
		p, err := n.patient(ctx, c.PatientID)
		if err != nil {
			return err
		}
		d.Rejections = append(d.Rejections, queueItem{Row: claimRow{Claim: c, Patient: p, Payer: n.payers[c.PayerID]},
			Why: lastReason(full, rcm.ClaimRejected), Next: nextRejection})
	}
	if d.Denials, err = h.denials(ctx, n, 0); err != nil {
		return err
	}
	// ?exceptions=resolved shows the resolved exceptions instead of the
	// open ones, with how each was settled.
	status := remit.ExceptionsOpen
	if r.URL.Query().Get("exceptions") == remit.ExceptionsResolved {
		status = remit.ExceptionsResolved
	}
	xs, err := h.store.FindRemitExceptionQueue(ctx, remit.ExceptionFilter{Status: status, Limit: listLimit})
	if err != nil {
		return err
	}
	d.Exceptions = newExceptionsPanel(s, xs, backQueues)
	d.Exceptions.Resolved = status == remit.ExceptionsResolved
	if err := h.unclean(ctx, n, &d); err != nil {
		return err
	}
	if d.Pending, err = h.store.FindSubmissions(ctx, rcm.SubmissionPending); err != nil {
		return err
	}
	if d.Quarantined, err = h.store.FindQuarantinedFiles(ctx, listLimit); err != nil {
		return err
	}
	h.renderPage(w, r, s, "queues", &view{Title: "Work queues", Nav: "queues", Data: d})
	return nil
}

// denials lists the denied lines of posted remittances, newest first,
// with CARC and RARC meanings and a next step; claimID > 0 keeps only
// that claim's.
func (h *Handler) denials(ctx context.Context, n *names, claimID int64) ([]denialItem, error) {
	ds, err := h.store.FindDenials(ctx, remit.DenialFilter{Limit: listLimit})
	if err != nil {
		return nil, err
	}
	set, err := h.store.CodeSet(ctx)
	if err != nil {
		return nil, err
	}
	remit.Explain(ds, set)
	// One set-based read of the claims names the patients.
	claims := map[int64]*rcm.Claim{}
	if claimID > 0 {
		// The claim page's own claim names the patient of its denials.
		c, err := h.store.FindClaimByID(ctx, claimID)
		if err != nil {
			return nil, err
		}
		claims[claimID] = c
	}
	if claimID == 0 && len(ds) > 0 {
		cs, err := h.store.FindClaims(ctx, rcm.ClaimFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		var shown []*rcm.Claim
		for _, c := range cs {
			claims[c.ID] = c
		}
		for _, dn := range ds {
			if c := claims[dn.ClaimID]; c != nil {
				shown = append(shown, c)
			}
		}
		if err := n.readPatients(ctx, claimPatientIDs(shown)); err != nil {
			return nil, err
		}
	}
	var out []denialItem
	for _, dn := range ds {
		if claimID > 0 && dn.ClaimID != claimID {
			continue
		}
		it := denialItem{Denial: dn, Next: nextDenial}
		for _, rs := range dn.Reasons {
			if next, ok := nextForReason[rs.Code]; ok {
				it.Next = next
				break
			}
		}
		if c := claims[dn.ClaimID]; c != nil {
			if it.Patient, err = n.patient(ctx, c.PatientID); err != nil {
				return nil, err
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// unclean lists draft claims whose recorded findings hold an error.
func (h *Handler) unclean(ctx context.Context, n *names, d *queuesData) error {
	cs, err := h.store.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimDraft, Limit: listLimit})
	if err != nil {
		return err
	}
	for _, c := range cs {
		fs, err := h.store.FindClaimFindings(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f.Severity == "error" {
				p, err := n.patient(ctx, c.PatientID)
				if err != nil {
					return err
				}
				d.Unclean = append(d.Unclean, queueItem{Row: claimRow{Claim: c, Patient: p, Payer: n.payers[c.PayerID]},
					Why: f.Rule + ": " + f.Message, Next: nextUnclean})
				break
			}
		}
	}
	return nil
}

// lastReason is the reason recorded when the claim last entered state.
func lastReason(c *rcm.Claim, state string) string {
	for i := len(c.History) - 1; i >= 0; i-- {
		if c.History[i].To == state {
			return c.History[i].Reason
		}
	}
	return ""
}
