package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/fhir"
	"github.com/openrcm/openrcm/remit"
)

// FHIRService is what the FHIR R4 routes need; *sqldb.DB implements it.
type FHIRService interface {
	fhir.Store
	FindCoverageByID(ctx context.Context, id int64) (*rcm.Coverage, error)
	FindPayerByID(ctx context.Context, id int64) (*rcm.Payer, error)
	FindClaimByID(ctx context.Context, id int64) (*rcm.Claim, error)
	FindPostedClaimPayment(ctx context.Context, id int64) (*remit.PostedClaimPayment, error)
}

// MaxBundleBodyBytes bounds a bundle posted to /fhir/R4: a day's
// registrations and visits of a large practice, far below fhir's file
// limit.
const MaxBundleBodyBytes = 32 << 20

// RouteFHIR registers the FHIR R4 door: POST /fhir/R4 imports a Bundle
// (transaction or collection), and the reads export a patient, a coverage,
// a claim and an explanation of benefit (a posted 835 claim payment, by
// its id). They take the same tokens, roles and audit as /api/v1: the
// services they call check the actor and audit every read and change.
func (s *Server) RouteFHIR(svc FHIRService, codes fhir.Codes) {
	im := &fhir.Importer{Store: svc, Codes: codes}
	s.mux.Handle("POST /fhir/R4", s.api(func(w http.ResponseWriter, r *http.Request) error {
		// An import registers patients and writes encounters: refuse a
		// role that may not before reading the body.
		for _, perm := range []string{rcm.PermWritePatients, rcm.PermCode} {
			if _, err := rcm.RequireActor(r.Context(), perm); err != nil {
				return err
			}
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mt != "application/fhir+json" && mt != "application/json") {
			return rcm.FieldErrorf(eUnsupportedMedia, "Content-Type", "Send the Bundle as application/fhir+json.")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBundleBodyBytes))
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return rcm.FieldErrorf(rcm.EINVALID, "Bundle", "The bundle is larger than %d bytes; send it in parts.", MaxBundleBodyBytes)
			}
			return err
		}
		res, err := im.Import(r.Context(), body)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}))
	s.mux.Handle("GET /fhir/R4/Patient/{id}", s.api(fhirRead(func(ctx context.Context, id int64) (any, error) {
		p, err := svc.FindPatientByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return fhir.Patient(p), nil
	})))
	s.mux.Handle("GET /fhir/R4/Coverage/{id}", s.api(fhirRead(func(ctx context.Context, id int64) (any, error) {
		c, err := svc.FindCoverageByID(ctx, id)
		if err != nil {
			return nil, err
		}
		payer, err := svc.FindPayerByID(ctx, c.PayerID)
		if err != nil {
			return nil, err
		}
		return fhir.Coverage(c, payer), nil
	})))
	s.mux.Handle("GET /fhir/R4/Claim/{id}", s.api(fhirRead(func(ctx context.Context, id int64) (any, error) {
		c, err := svc.FindClaimByID(ctx, id)
		if err != nil {
			return nil, err
		}
		e, err := svc.FindEncounterByID(ctx, c.EncounterID)
		if err != nil {
			return nil, err
		}
		return fhir.Claim(c, e.PracticeID), nil
	})))
	s.mux.Handle("GET /fhir/R4/ExplanationOfBenefit/{id}", s.api(fhirRead(func(ctx context.Context, id int64) (any, error) {
		p, err := svc.FindPostedClaimPayment(ctx, id)
		if err != nil {
			return nil, err
		}
		var c *rcm.Claim
		var practice int64
		if p.ClaimID != 0 {
			if c, err = svc.FindClaimByID(ctx, p.ClaimID); err != nil {
				return nil, err
			}
			e, err := svc.FindEncounterByID(ctx, c.EncounterID)
			if err != nil {
				return nil, err
			}
			practice = e.PracticeID
		}
		return fhir.EOB(p, c, practice), nil
	})))
	s.describeFHIR()
}

// fhirRead answers a FHIR read: the resource as application/fhir+json.
func fhirRead(find func(ctx context.Context, id int64) (any, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := parseQuery(r); err != nil {
			return err
		}
		v, err := find(r.Context(), id)
		if err != nil {
			return err
		}
		b, err := fhir.Marshal(v)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/fhir+json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
		w.WriteHeader(http.StatusOK)
		w.Write(append(b, '\n'))
		return nil
	}
}
