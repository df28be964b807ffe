package ui

import (
	"fmt"
	"net/http"
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
}

func newExceptionsPanel(s *session, xs []*remit.Exception, back string) exceptionsPanel {
	return exceptionsPanel{Items: xs, CSRF: s.row.CSRF, CanResolve: s.actor.Can(rcm.PermBill), Back: back, Kinds: remit.ResolutionKinds}
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

// history reads a page of the remittance history: the newest 835s, or
// those before ?before= (the last id of the page before).
func (h *Handler) history(r *http.Request) (list []*remit.RemittanceSummary, older int64, err error) {
	f := remit.RemittanceFilter{Limit: historyPage + 1}
	if b := r.URL.Query().Get("before"); b != "" {
		if f.Before, err = strconv.ParseInt(b, 10, 64); err != nil || f.Before <= 0 {
			return nil, 0, rcm.Errorf(rcm.EINVALID, "The page of remittances asked for does not exist.")
		}
	}
	if list, err = h.store.FindRemittances(r.Context(), f); err != nil {
		return nil, 0, err
	}
	// One more than a page was read, to know whether there is an older
	// page without a count.
	if len(list) > historyPage {
		list = list[:historyPage]
		older = list[historyPage-1].ID
	}
	return list, older, nil
}
