package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
)

// historyPage is how many 835s the remittance screen lists at a time.
const historyPage = 25

// exceptionsPanel is the posting exceptions table with, for a biller, a
// resolve form on each open exception. Back names the screen the form
// returns to.
type exceptionsPanel struct {
	Items      []*remit.Exception
	CSRF       string
	CanResolve bool
	Back       string
	// Resolved is true when Items are resolved exceptions.
	Resolved bool
	Kinds    []struct{ Kind, Label string }
	// Key, with an exception's id, keys the apply form of that exception,
	// so a double submission applies the money once.
	Key string
}

func newExceptionsPanel(s *session, xs []*remit.Exception, back string) exceptionsPanel {
	return exceptionsPanel{Items: xs, CSRF: s.row.CSRF, CanResolve: s.actor.Can(rcm.PermBill), Back: back, Kinds: remit.ResolutionKinds, Key: newPaymentKey()}
}

// remittanceData is the screen of one posted 835.
type remittanceData struct {
	Remittance *remit.RemittanceDetail
	Panel      exceptionsPanel
}

// showRemittance shows one posted 835: its payment, what posting did with
// each claim payment, its provider adjustments and its exceptions, open
// ones with a resolve form.
func (h *Handler) showRemittance(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	if _, err := rcm.RequireActor(ctx, rcm.PermBill); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.store.GetRemittance(ctx, id)
	if err != nil {
		return err
	}
	data := &remittanceData{Remittance: d, Panel: newExceptionsPanel(s, d.Exceptions, backRemittance)}
	h.renderPage(w, r, s, "remittance", &view{Title: "Remittance " + d.Summary.Trace, Nav: "remittances", Data: data})
	return nil
}

// Screens a resolve form returns to.
const (
	backQueues      = "queues"
	backRemittances = "remittances"
	backRemittance  = "remittance"
)

// resolveException settles a posting exception with the form's kind and
// note, then returns to the screen the form was on. The store checks the
// role and the input, and refuses a second resolution.
func (h *Handler) resolveException(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := h.store.ResolveRemitException(r.Context(), id, r.PostFormValue("kind"), r.PostFormValue("note"))
	if err != nil {
		return err
	}
	to := "/queues?done=resolved#q-exc"
	switch r.PostFormValue("back") {
	case backRemittances:
		to = "/remittances?done=resolved#exc-h"
	case backRemittance:
		to = fmt.Sprintf("/remittances/%d?done=resolved#exceptions", x.RemittanceID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// applyUnapplied applies money an exception holds unapplied to a line of
// the claim the form names by its claim number, then returns to the
// screen the form was on. The store checks the role, the amounts (at most
// what is left, at most what the line owes) and the key.
func (h *Handler) applyUnapplied(w http.ResponseWriter, r *http.Request, s *session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
		return err
	}
	cn := formText(r, "claim")
	if cn == "" {
		return rcm.FieldErrorf(rcm.EINVALID, "claim", "Give the claim number to apply the money to.")
	}
	cs, err := h.store.FindClaims(r.Context(), rcm.ClaimFilter{ControlNumber: cn, Limit: 2})
	if err != nil {
		return err
	}
	if len(cs) != 1 {
		return rcm.FieldErrorf(rcm.ENOTFOUND, "claim", "No claim numbered %s.", cn)
	}
	line, err := strconv.Atoi(formText(r, "line"))
	if err != nil || line <= 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "line", "Give the claim line as a number, 1 for the first.")
	}
	amount, err := rcm.ParseMoney(formText(r, "amount"))
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "amount", "The amount must be dollars and cents, such as 25.00.")
	}
	x, err := h.store.ApplyUnappliedMoney(r.Context(), remit.Application{ExceptionID: id, ClaimID: cs[0].ID, Line: line, Amount: amount, Key: formText(r, "key")})
	if err != nil {
		return err
	}
	to := "/queues?done=applied#q-exc"
	switch r.PostFormValue("back") {
	case backRemittances:
		to = "/remittances?done=applied#exc-h"
	case backRemittance:
		to = fmt.Sprintf("/remittances/%d?done=applied#exceptions", x.RemittanceID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// history reads a page of the remittance history as filtered
// (remittanceFilter): the newest 835s, or those before ?before= (the last
// id of the page before), with the totals over every page.
func (h *Handler) history(r *http.Request) (list []*remit.RemittanceSummary, l *remittanceList, err error) {
	f, err := remittanceFilter(r.URL.Query())
	if err != nil {
		return nil, nil, err
	}
	l = &remittanceList{PayerID: f.PayerID, Trace: f.Trace, PaidFrom: f.PaidFrom, PaidTo: f.PaidTo}
	if l.Payers, err = h.store.FindPayers(r.Context()); err != nil {
		return nil, nil, err
	}
	f.Limit = historyPage + 1
	if list, err = h.store.FindRemittances(r.Context(), f); err != nil {
		return nil, nil, err
	}
	// One more than a page was read, to know whether there is an older
	// page.
	if len(list) > historyPage {
		list = list[:historyPage]
		next := r.URL.Query()
		next.Set("before", strconv.FormatInt(list[historyPage-1].ID, 10))
		next.Del("format")
		next.Del("done")
		l.Next = template.URL("/remittances?" + next.Encode() + "#hist-h")
	}
	if l.Matching, l.Amount, err = h.remittancesTotal(r.Context(), f); err != nil {
		return nil, nil, err
	}
	c := url.Values{}
	for _, k := range []string{"payer", "trace", "paid_from", "paid_to"} {
		if v := r.URL.Query().Get(k); v != "" {
			c.Set(k, v)
		}
	}
	c.Set("format", "csv")
	l.CSV = template.URL("/remittances?" + c.Encode())
	return list, l, nil
}
