package ui

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sheet"
)

// FollowUpStore is what the Follow-up queue reads; *sqldb.DB implements
// it.
type FollowUpStore interface {
	FindFollowUps(ctx context.Context, f followup.Filter) ([]*followup.Item, error)
	FindFollowUpItem(ctx context.Context, id int64) (*followup.Item, error)
	FindClaimStatusChecks(ctx context.Context, claimID int64) ([]*claimstatus.Check, error)
	CreateAppeal(ctx context.Context, ap *followup.Appeal) error
	FindAppeals(ctx context.Context, claimID int64) ([]*followup.Appeal, error)
	FindDenials(ctx context.Context, f remit.DenialFilter) ([]*remit.Denial, error)
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
	// Next is the next page's link, "" on the last page; CSV downloads
	// every matching item. Both are built from url.Values on this path.
	Next, CSV template.URL
	// Back is this page, for the assign form to return to.
	Back  string
	Rules []followup.CategoryRule
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
	switch q.Get("format") {
	case "":
	case "csv":
		return h.downloadFollowUps(w, r, f)
	default:
		return rcm.FieldErrorf(rcm.EINVALID, "format", "The download format is csv.")
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
		d.Next = template.URL("/followups?" + next.Encode())
	}
	if d.Payers, err = h.store.FindPayers(ctx); err != nil {
		return err
	}
	// The owners to filter by and assign to: the users who may bill,
	// and whoever owns an item shown though their role changed since.
	if d.Users, err = h.store.FindFollowUpOwners(ctx); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, u := range d.Users {
		seen[u.ID] = true
	}
	for _, it := range items {
		if it.OwnerID != 0 && !seen[it.OwnerID] {
			seen[it.OwnerID] = true
			d.Users = append(d.Users, &rcm.User{ID: it.OwnerID, Name: it.OwnerName})
		}
	}
	d.Back = "/followups"
	if r.URL.RawQuery != "" {
		d.Back += "?" + r.URL.RawQuery
	}
	csvQuery := r.URL.Query()
	csvQuery.Del("after")
	csvQuery.Set("format", "csv")
	d.CSV = template.URL("/followups?" + csvQuery.Encode())
	h.renderPage(w, r, s, "followups", &view{Title: "Follow-up", Nav: "followups", Data: d})
	return nil
}

// claimDesk is the A/R desk's part of the claim page: what the payer said
// to status inquiries, the claim's work items with their logs, and its
// appeals.
type claimDesk struct {
	Status    []*claimstatus.Check
	Items     []*workItem
	Appeals   []*followup.Appeal
	CanAppeal bool
	Levels    []string
}

func (h *Handler) claimDesk(ctx context.Context, s *session, c *rcm.Claim) (*claimDesk, error) {
	d := &claimDesk{Levels: []string{followup.LevelFirst, followup.LevelSecond, followup.LevelExternal}}
	var err error
	if d.Status, err = h.store.FindClaimStatusChecks(ctx, c.ID); err != nil {
		return nil, err
	}
	var owners []*rcm.User
	if s.actor.Can(rcm.PermBill) {
		if owners, err = h.store.FindFollowUpOwners(ctx); err != nil {
			return nil, err
		}
	}
	for _, state := range []string{followup.Open, followup.Closed} {
		items, err := h.store.FindFollowUps(ctx, followup.Filter{ClaimID: c.ID, State: state, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			full, err := h.store.FindFollowUpItem(ctx, it.ID)
			if err != nil {
				return nil, err
			}
			d.Items = append(d.Items, h.workItem(s, full, owners, fmt.Sprintf("/claims/%d", c.ID)))
		}
	}
	if d.Appeals, err = h.store.FindAppeals(ctx, c.ID); err != nil {
		return nil, err
	}
	d.CanAppeal = s.actor.Can(rcm.PermBill) && rcm.CanMoveClaim(c.State, rcm.ClaimAppealed)
	return d, nil
}

// appealClaim records an appeal from the claim page's form and shows the
// claim, whose letter is then one click away.
func (h *Handler) appealClaim(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := h.store.FindClaimByID(ctx, id); err != nil {
		return err
	}
	lines := func(name string) []string {
		var out []string
		for _, l := range strings.Split(r.PostFormValue(name), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	ap := &followup.Appeal{ClaimID: id, Level: r.PostFormValue("level"), Reason: strings.TrimSpace(r.PostFormValue("reason")),
		Argument: strings.TrimSpace(r.PostFormValue("argument")), Documents: lines("documents"), PayerAddress: lines("address"),
		SentOn: rcm.DateOf(h.clock.Now())}
	if v := r.PostFormValue("item"); v != "" {
		if ap.ItemID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "item", "The work item is not valid.")
		}
	}
	if err := h.store.CreateAppeal(ctx, ap); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/claims/%d?done=appealed#appeals", id), http.StatusSeeOther)
	return nil
}

// downloadAppealLetter answers the letter of the claim's latest appeal.
func (h *Handler) downloadAppealLetter(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	aps, err := h.store.FindAppeals(ctx, id)
	if err != nil {
		return err
	}
	if len(aps) == 0 {
		return rcm.Errorf(rcm.ENOTFOUND, "The claim has no appeal yet.")
	}
	l, err := followup.BuildLetter(ctx, h.store, aps[len(aps)-1])
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.AppealLetter(&buf, l); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="appeal-`+l.Claim.ControlNumber+`.pdf"`)
	w.Write(buf.Bytes())
	return nil
}

// followupCSVMax caps one download; a queue longer than this is filtered
// first.
const followupCSVMax = 100_000

// downloadFollowUps downloads every item the queue's filters match, not
// only the page shown, as CSV (the same columns as the API's and rcm
// followup list --csv).
func (h *Handler) downloadFollowUps(w http.ResponseWriter, r *http.Request, f followup.Filter) error {
	var all []*followup.Item
	f.Limit = 1000
	for {
		page, err := h.store.FindFollowUps(r.Context(), f)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		if len(all) >= followupCSVMax {
			return rcm.Errorf(rcm.EINVALID, "More than %d work items match; narrow the filters to download them.", followupCSVMax)
		}
		f.After = page[len(page)-1]
	}
	sheet.Headers(w, "followups.csv")
	return followup.WriteCSV(w, all)
}
