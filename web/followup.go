package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eob"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/pdf"
)

// FollowUpService is what the A/R desk routes need; *sqldb.DB implements
// it.
type FollowUpService interface {
	followup.LetterStore
	eob.Store
	FindFollowUps(ctx context.Context, f followup.Filter) ([]*followup.Item, error)
	FindFollowUpItem(ctx context.Context, id int64) (*followup.Item, error)
	AssignFollowUps(ctx context.Context, ids []int64, ownerID int64) error
	NoteFollowUp(ctx context.Context, id int64, note string, followUp rcm.Date) error
	CloseFollowUp(ctx context.Context, id int64, c followup.Closing) error
	FindClaimStatusChecks(ctx context.Context, claimID int64) ([]*claimstatus.Check, error)
	CreateAppeal(ctx context.Context, ap *followup.Appeal) error
	FindAppeals(ctx context.Context, claimID int64) ([]*followup.Appeal, error)
}

// RouteFollowUp registers the A/R desk: the follow-up queue (JSON, or CSV
// with ?format=csv), work item changes, a claim's status history, its
// appeals and the appeal letter.
func (s *Server) RouteFollowUp(svc FollowUpService) {
	s.mux.Handle("GET /api/v1/followups", s.api(handleFollowUps(svc)))
	s.mux.Handle("POST /api/v1/followups/assign", s.api(handleAssignFollowUps(svc)))
	s.mux.Handle("POST /api/v1/followups/notes", s.api(handleNoteFollowUp(svc)))
	s.mux.Handle("POST /api/v1/followups/close", s.api(handleCloseFollowUp(svc)))
	s.mux.Handle("GET /api/v1/claims/{id}/status", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		q, err := parseQuery(r, "format")
		if err != nil {
			return err
		}
		csv, err := asCSV(q)
		if err != nil {
			return err
		}
		if _, err := svc.FindClaimByID(r.Context(), id); err != nil {
			return err
		}
		ks, err := svc.FindClaimStatusChecks(r.Context(), id)
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, "claim-status.csv", func(out io.Writer) error { return claimstatus.WriteCSV(out, ks) })
		}
		writeList(w, "status_checks", ks)
		return nil
	}))
	s.mux.Handle("GET /api/v1/claims/{id}/appeals", s.api(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		aps, err := svc.FindAppeals(r.Context(), id)
		if err != nil {
			return err
		}
		writeList(w, "appeals", aps)
		return nil
	}))
	s.mux.Handle("POST /api/v1/claims/{id}/appeals", s.api(handleCreateAppeal(svc)))
	s.mux.Handle("GET /api/v1/claims/{id}/appeal-letter", s.api(handleAppealLetter(svc)))
	s.mux.Handle("POST /api/v1/eobs", s.api(handlePostEOB(svc)))
	s.describeFollowUp()
}

// handlePostEOB posts a paper EOB or lockbox check (package eob reads the
// JSON body: the same parser as rcm eob post). 201 when posted, 200 when
// the same payer and check number were posted before (nothing posted).
// The bodies and answers of the A/R desk's changes, named so the OpenAPI
// document describes the very types decoded and encoded.
type (
	assignRequest struct {
		IDs     []int64 `json:"ids"`
		OwnerID int64   `json:"owner_id"`
	}
	assignResult struct {
		Assigned int `json:"assigned"`
	}
	noteRequest struct {
		ItemID   int64    `json:"item_id"`
		Note     string   `json:"note"`
		FollowUp rcm.Date `json:"follow_up"`
	}
	closeRequest struct {
		ItemID  int64  `json:"item_id"`
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
		// Amount and Reason are the write-off's (outcome written_off):
		// the amount, none for the claim's whole open insurance
		// balance, and one of the write-off reasons.
		Amount rcm.Money `json:"amount,omitempty"`
		Reason string    `json:"reason,omitempty"`
	}
	appealRequest struct {
		ItemID       int64    `json:"item_id"`
		Level        string   `json:"level"`
		Reason       string   `json:"reason"`
		Argument     string   `json:"argument"`
		Documents    []string `json:"documents"`
		PayerAddress []string `json:"payer_address"`
		SentOn       rcm.Date `json:"sent_on"`
		AnswerBy     rcm.Date `json:"answer_by"`
	}
)

func handlePostEOB(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		// Who may post money is checked before the body is read.
		if _, err := rcm.RequireActor(r.Context(), rcm.PermBill); err != nil {
			return err
		}
		if err := requireJSON(r); err != nil {
			return err
		}
		chk, err := eob.Parse(http.MaxBytesReader(w, r.Body, eob.MaxBytes))
		if err != nil {
			return err
		}
		res, err := eob.Post(r.Context(), svc, chk)
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if res.AlreadyPosted {
			status = http.StatusOK
		}
		writeJSON(w, status, res)
		return nil
	}
}

func handleFollowUps(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := parseQuery(r, "payer_id", "category", "owner_id", "due_by", "state", "after", "limit", "format")
		if err != nil {
			return err
		}
		csv, err := asCSV(q)
		if err != nil {
			return err
		}
		var f followup.Filter
		if f.PayerID, err = q.id("payer_id"); err != nil {
			return err
		}
		if f.Category, err = q.str("category", 40); err != nil {
			return err
		}
		if q.v.Get("owner_id") == "none" {
			f.OwnerID = -1
		} else if f.OwnerID, err = q.id("owner_id"); err != nil {
			return err
		}
		if f.DueBy, err = q.date("due_by"); err != nil {
			return err
		}
		switch f.State = q.v.Get("state"); f.State {
		case "", followup.Open, followup.Closed:
		default:
			return rcm.FieldErrorf(rcm.EINVALID, "state", "Query parameter state must be open or closed.")
		}
		after, err := q.id("after")
		if err != nil {
			return err
		}
		if after > 0 {
			// Keyset paging: the next page starts after this item.
			if f.After, err = svc.FindFollowUpItem(r.Context(), after); err != nil {
				return err
			}
		}
		if f.Limit, _, err = q.page(); err != nil {
			return err
		}
		items, err := svc.FindFollowUps(r.Context(), f)
		if err != nil {
			return err
		}
		if csv {
			return writeCSV(w, "followups.csv", func(out io.Writer) error { return followup.WriteCSV(out, items) })
		}
		writeList(w, "followups", items)
		return nil
	}
}

func handleAssignFollowUps(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in assignRequest
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := svc.AssignFollowUps(r.Context(), in.IDs, in.OwnerID); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, assignResult{Assigned: len(in.IDs)})
		return nil
	}
}

func handleNoteFollowUp(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in noteRequest
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := svc.NoteFollowUp(r.Context(), in.ItemID, in.Note, in.FollowUp); err != nil {
			return err
		}
		it, err := svc.FindFollowUpItem(r.Context(), in.ItemID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, it)
		return nil
	}
}

func handleCloseFollowUp(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in closeRequest
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := svc.CloseFollowUp(r.Context(), in.ItemID, followup.Closing{Outcome: in.Outcome, Note: in.Note, Amount: in.Amount, Reason: in.Reason}); err != nil {
			return err
		}
		it, err := svc.FindFollowUpItem(r.Context(), in.ItemID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, it)
		return nil
	}
}

// handleCreateAppeal records an appeal on the claim of the path; the
// claim is looked up first, so another organization's claim is 404
// whatever the body says.
func handleCreateAppeal(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := svc.FindClaimByID(r.Context(), id); err != nil {
			return err
		}
		var in appealRequest
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		ap := &followup.Appeal{ClaimID: id, ItemID: in.ItemID, Level: in.Level, Reason: in.Reason, Argument: in.Argument,
			Documents: in.Documents, PayerAddress: in.PayerAddress, SentOn: in.SentOn, AnswerBy: in.AnswerBy}
		if err := svc.CreateAppeal(r.Context(), ap); err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/claims/"+strconv.FormatInt(id, 10)+"/appeals")
		writeJSON(w, http.StatusCreated, ap)
		return nil
	}
}

// handleAppealLetter answers the letter of the claim's latest appeal as a
// PDF.
func handleAppealLetter(svc FollowUpService) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		aps, err := svc.FindAppeals(r.Context(), id)
		if err != nil {
			return err
		}
		if len(aps) == 0 {
			return rcm.Errorf(rcm.ENOTFOUND, "The claim has no appeal.")
		}
		l, err := followup.BuildLetter(r.Context(), svc, aps[len(aps)-1])
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
}

// requireJSON refuses a body not declared as JSON, as decodeJSON does.
func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the body as JSON with Content-Type: application/json.")
	}
	return nil
}
