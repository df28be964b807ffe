package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/followup"
)

// FollowUpWork is what the desk's actions change; *sqldb.DB implements it.
// The API's routes call the same methods, so a work item changes the same
// way (permissions, activity log, audit) whichever door it comes through.
type FollowUpWork interface {
	AssignFollowUps(ctx context.Context, ids []int64, ownerID int64) error
	NoteFollowUp(ctx context.Context, id int64, note string, followUp rcm.Date) error
	CloseFollowUp(ctx context.Context, id int64, c followup.Closing) error
	// FindFollowUpOwners lists the users who may work items (billers
	// and administrators), names only, for the assign lists.
	FindFollowUpOwners(ctx context.Context) ([]*rcm.User, error)
}

// outcomeChoice is one outcome a biller may close an item with, in words.
type outcomeChoice struct{ Value, Words string }

var outcomeChoices = []outcomeChoice{
	{followup.OutcomeResubmitted, "corrected and resubmitted"},
	{followup.OutcomeAppealed, "appealed"},
	{followup.OutcomePatientBill, "patient billed"},
	{followup.OutcomeWrittenOff, "written off (give the reason)"},
}

// workItem is a work item as a screen shows it, with what the signed-in
// user may do to it.
type workItem struct {
	*followup.Item
	CategoryWords string
	CSRF          string
	Owners        []*rcm.User
	// CanWork: the user may assign, note and close items (billers).
	CanWork bool
	// Outcomes are the ones this user may choose: written off only with
	// the administrator's permission.
	Outcomes []outcomeChoice
	// CanWriteOff shows the write-off's amount and reason fields, and
	// WriteOffReasons are the reasons to choose from.
	CanWriteOff     bool
	WriteOffReasons []string
	// Back is where the actions return to.
	Back string
}

func (h *Handler) workItem(s *session, it *followup.Item, owners []*rcm.User, back string) *workItem {
	wi := &workItem{Item: it, CategoryWords: followup.Categories[it.Category], CSRF: s.row.CSRF, Owners: owners,
		CanWork: s.actor.Can(rcm.PermBill) && it.State == followup.Open, Back: back}
	if wi.CanWriteOff = s.actor.Can(rcm.PermWriteSetup); wi.CanWriteOff {
		wi.WriteOffReasons = rcm.WriteOffReasons
	}
	for _, o := range outcomeChoices {
		if o.Value != followup.OutcomeWrittenOff || s.actor.Can(rcm.PermWriteSetup) {
			wi.Outcomes = append(wi.Outcomes, o)
		}
	}
	return wi
}

// itemPage is the work item screen: the item, its log, its actions and,
// when the claim can be appealed, the appeal form.
type itemPage struct {
	Work      *workItem
	Claim     *rcm.Claim
	Appeals   []*followup.Appeal
	CanAppeal bool
	Levels    []string
}

// showFollowUpItem is one work item, opened from the queue.
func (h *Handler) showFollowUpItem(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	it, err := h.store.FindFollowUpItem(ctx, id)
	if err != nil {
		return err
	}
	c, err := h.store.FindClaimByID(ctx, it.ClaimID)
	if err != nil {
		return err
	}
	owners, err := h.store.FindFollowUpOwners(ctx)
	if err != nil {
		return err
	}
	d := itemPage{Work: h.workItem(s, it, owners, fmt.Sprintf("/followups/%d", id)), Claim: c,
		Levels: []string{followup.LevelFirst, followup.LevelSecond, followup.LevelExternal}}
	if d.Appeals, err = h.store.FindAppeals(ctx, c.ID); err != nil {
		return err
	}
	d.CanAppeal = s.actor.Can(rcm.PermBill) && rcm.CanMoveClaim(c.State, rcm.ClaimAppealed)
	h.renderPage(w, r, s, "followup", &view{Title: "Work item " + strconv.FormatInt(id, 10) + " on " + c.ControlNumber, Nav: "followups", Data: d})
	return nil
}

// assignFollowUps gives the ticked items (or the one item of a work item
// form) to a user, or back to nobody.
func (h *Handler) assignFollowUps(w http.ResponseWriter, r *http.Request, s *session) error {
	// Who may is checked before the form is read: no hint to who may not.
	if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["item"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "item", "A ticked work item is not valid; reload the queue.")
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "item", "Tick the work items to assign.")
	}
	var owner int64
	switch v := r.PostFormValue("owner"); v {
	case "":
		return rcm.FieldErrorf(rcm.EINVALID, "owner", "Choose who the items go to.")
	case "none":
	default:
		var err error
		if owner, err = strconv.ParseInt(v, 10, 64); err != nil || owner <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "owner", "Choose who the items go to from the list.")
		}
	}
	if err := h.store.AssignFollowUps(r.Context(), ids, owner); err != nil {
		return err
	}
	h.backTo(w, r, "assigned", ids[0])
	return nil
}

// noteFollowUp adds a note to an item's log and, when given, its next
// follow-up date.
func (h *Handler) noteFollowUp(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
		return err
	}
	// Another organization's item is not found, whatever the form says.
	if _, err := h.store.FindFollowUpItem(r.Context(), id); err != nil {
		return err
	}
	var due rcm.Date
	if v := strings.TrimSpace(r.PostFormValue("follow_up")); v != "" {
		if due, err = rcm.ParseDate(v); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "follow_up", "Give the follow-up date as a date (YYYY-MM-DD).")
		}
	}
	if err := h.store.NoteFollowUp(r.Context(), id, r.PostFormValue("note"), due); err != nil {
		return err
	}
	h.backTo(w, r, "noted", id)
	return nil
}

// closeFollowUp ends an item with its outcome; a write-off is refused
// without the administrator's permission, by the store, as at the API.
func (h *Handler) closeFollowUp(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Another organization's item is not found, whatever the form says.
	if _, err := h.store.FindFollowUpItem(r.Context(), id); err != nil {
		return err
	}
	c := followup.Closing{Outcome: r.PostFormValue("outcome"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if c.Outcome == followup.OutcomeWrittenOff {
		c.Reason = formText(r, "reason")
		if v := formText(r, "amount"); v != "" {
			if c.Amount, err = rcm.ParseMoney(v); err != nil {
				return rcm.FieldErrorf(rcm.EINVALID, "amount", "The amount must be dollars and cents, such as 25.00, or empty for the whole open balance.")
			}
		}
	}
	if err := h.store.CloseFollowUp(r.Context(), id, c); err != nil {
		return err
	}
	h.backTo(w, r, "item-closed", id)
	return nil
}

// backTo returns to the page the form was on (the queue with its filters,
// a work item or a claim), with a notice; anything else goes to the item.
func (h *Handler) backTo(w http.ResponseWriter, r *http.Request, done string, item int64) {
	back := localPath(r.PostFormValue("back"))
	u, err := url.Parse(back)
	if err != nil || !(u.Path == "/followups" || strings.HasPrefix(u.Path, "/followups/") || strings.HasPrefix(u.Path, "/claims/")) {
		u = &url.URL{Path: fmt.Sprintf("/followups/%d", item)}
	}
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}
