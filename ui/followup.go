package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
)

// FollowUpStore is what the Follow-up queue reads; *sqldb.DB implements
// it.
type FollowUpStore interface {
	FindFollowUps(ctx context.Context, f followup.Filter) ([]*followup.Item, error)
	FindFollowUpItem(ctx context.Context, id int64) (*followup.Item, error)
}

// followupRow is one work item with its root cause in words.
type followupRow struct {
	Item     *followup.Item
	Category string
}

type followupData struct {
	Rows       []followupRow
	Payers     []*rcm.Payer
	Users      []*rcm.User
	Categories map[string]string
	// The filters as given, to keep them in the form and the next link.
	PayerID         int64
	Category, Owner string
	DueBy           string
	Next            string // the next page's query, "" on the last page
	Rules           []followup.CategoryRule
}

const followupPage = 50

// showFollowUps is the Follow-up queue: open work items (denied lines,
// claims the payer has no record of), soonest deadline first, then the
// most at stake; filtered by payer, root cause, owner and deadline, paged
// by keyset (?after= the last item shown).
func (h *Handler) showFollowUps(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	q := r.URL.Query()
	d := followupData{Categories: followup.Categories, Rules: followup.CategoryRules, Category: q.Get("category"), Owner: q.Get("owner"), DueBy: q.Get("due_by")}
	f := followup.Filter{Category: d.Category, Limit: followupPage}
	if v := q.Get("payer"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "payer", "Choose a payer from the list.")
		}
		f.PayerID, d.PayerID = id, id
	}
	if d.Category != "" {
		if _, ok := followup.Categories[d.Category]; !ok {
			return rcm.FieldErrorf(rcm.EINVALID, "category", "Choose a root cause from the list.")
		}
	}
	switch d.Owner {
	case "":
	case "none":
		f.OwnerID = -1
	default:
		id, err := strconv.ParseInt(d.Owner, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "owner", "Choose an owner from the list.")
		}
		f.OwnerID = id
	}
	if d.DueBy != "" {
		due, err := rcm.ParseDate(d.DueBy)
		if err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "due_by", "Give the deadline as a date (YYYY-MM-DD).")
		}
		f.DueBy = due
	}
	if v := q.Get("after"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "after", "The page link is broken; start from the first page.")
		}
		if f.After, err = h.store.FindFollowUpItem(ctx, id); err != nil {
			return err
		}
	}
	items, err := h.store.FindFollowUps(ctx, f)
	if err != nil {
		return err
	}
	for _, it := range items {
		d.Rows = append(d.Rows, followupRow{Item: it, Category: followup.Categories[it.Category]})
	}
	if len(items) == followupPage {
		next := r.URL.Query()
		next.Set("after", strconv.FormatInt(items[len(items)-1].ID, 10))
		d.Next = next.Encode()
	}
	if d.Payers, err = h.store.FindPayers(ctx); err != nil {
		return err
	}
	// Administrators see every user to filter by; a biller, who may not
	// list users, sees the owners of the items shown.
	if users, err := h.store.FindUsers(ctx); err == nil {
		d.Users = users
	} else if rcm.ErrorCode(err) != rcm.EFORBIDDEN {
		return err
	} else {
		seen := map[int64]bool{}
		for _, it := range items {
			if it.OwnerID != 0 && !seen[it.OwnerID] {
				seen[it.OwnerID] = true
				d.Users = append(d.Users, &rcm.User{ID: it.OwnerID, Name: it.OwnerName})
			}
		}
	}
	h.renderPage(w, r, s, "followups", &view{Title: "Follow-up", Nav: "followups", Data: d})
	return nil
}
