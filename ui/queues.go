package ui

import (
	"context"
	"net/http"

	"github.com/openrcm/openrcm"
)

// queueItem is one claim in a work queue, with why it is there and what
// to do next.
type queueItem struct {
	Row  claimRow
	Why  string
	Next string
}

type queuesData struct {
	Rejections []queueItem
	Denials    []queueItem
	Unclean    []queueItem
	Pending    []*rcm.Submission
}

// What to do next, per queue. The reason itself comes from the claim's
// history, written by whatever moved it (acknowledgement, remittance).
const (
	nextRejection = "Open the claim, fix what the reason names (patient, coverage, provider or codes), put it back to draft with Correct, scrub and submit."
	nextDenial    = "Read the reason; correct and resubmit, appeal, or bill the next payer or the patient."
	nextUnclean   = "Open the claim and fix each error finding; scrub again."
)

// showQueues shows the billers' work queues: claims rejected by the
// clearinghouse or payer (999, 277CA), denied claims, drafts whose last
// scrub found errors, and batches stored but not yet delivered.
func (h *Handler) showQueues(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return err
	}
	providers, err := h.store.FindProviders(ctx)
	if err != nil {
		return err
	}
	n := newNames(h, payers, providers)
	var d queuesData
	fill := func(state, next string, into *[]queueItem) error {
		cs, err := h.store.FindClaims(ctx, rcm.ClaimFilter{State: state, Limit: listLimit})
		if err != nil {
			return err
		}
		for _, c := range cs {
			full, err := h.store.FindClaimByID(ctx, c.ID)
			if err != nil {
				return err
			}
			row, err := n.row(ctx, full)
			if err != nil {
				return err
			}
			*into = append(*into, queueItem{Row: row, Why: lastReason(full, state), Next: next})
		}
		return nil
	}
	if err := fill(rcm.ClaimRejected, nextRejection, &d.Rejections); err != nil {
		return err
	}
	if err := fill(rcm.ClaimDenied, nextDenial, &d.Denials); err != nil {
		return err
	}
	if err := h.unclean(ctx, n, &d); err != nil {
		return err
	}
	if d.Pending, err = h.store.FindSubmissions(ctx, rcm.SubmissionPending); err != nil {
		return err
	}
	h.renderPage(w, r, s, "queues", &view{Title: "Work queues", Nav: "queues", Data: d})
	return nil
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
				row, err := n.row(ctx, c)
				if err != nil {
					return err
				}
				d.Unclean = append(d.Unclean, queueItem{Row: row, Why: f.Rule + ": " + f.Message, Next: nextUnclean})
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
