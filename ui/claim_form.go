package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/statement"
)

// downloadClaimForm prints the claim on a CMS-1500 (02/12), the paper twin
// of its 837P, from the claim page (issue 16).
func (h *Handler) downloadClaimForm(w http.ResponseWriter, r *http.Request, s *session) error {
	if !s.actor.Can(rcm.PermBill) {
		return rcm.Errorf(rcm.EFORBIDDEN, "Only billers print claim forms.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := claim.Load(r.Context(), h.store, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.CMS1500(&buf, b, pdf.Options{SignedOn: h.today()}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cms1500-%s.pdf"`, b.Claim.ControlNumber))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// codeWords gives the words of a claim's codes as the release in force on
// its date of service has them, for the claim page: ICD-10-CM for the
// diagnoses, the organization's licensed CPT text or the starter label,
// or HCPCS, for the lines. A code no release knows has no entry.
func (h *Handler) codeWords(r *http.Request, s *session, c *rcm.Claim) map[string]string {
	cat, err := h.catalog(r.Context())
	if err != nil {
		return nil
	}
	org := fmt.Sprint(s.actor.OrgID)
	words := map[string]string{}
	for _, d := range c.Diagnoses {
		if w := cat.Describe(codeset.ICD10CM, org, d.Code, c.DateOfService); w != "" {
			words["dx:"+d.Code] = w
		}
	}
	for _, l := range c.Lines {
		if w := cat.Describe(codeset.CPT, org, l.Code, c.DateOfService); w != "" {
			words["px:"+l.Code] = w
		}
	}
	return words
}

// encounterWords gives the words of an encounter's codes for the coding
// workbench, as codeWords does for a claim.
func (h *Handler) encounterWords(ctx context.Context, s *session, e *rcm.Encounter) map[string]string {
	cat, err := h.catalog(ctx)
	if err != nil {
		return nil
	}
	org := fmt.Sprint(s.actor.OrgID)
	words := map[string]string{}
	for _, d := range e.Diagnoses {
		if w := cat.Describe(codeset.ICD10CM, org, d.Code, e.DateOfService); w != "" {
			words["dx:"+d.Code] = w
		}
	}
	for _, l := range e.Lines {
		if w := cat.Describe(codeset.CPT, org, l.Code, e.DateOfService); w != "" {
			words["px:"+l.Code] = w
		}
	}
	return words
}

// statementWords gives the words of a statement's procedure codes (the
// organization's CPT text or label, or HCPCS), as the claim page does; nil
// when the code sets cannot be read, so the statement prints codes alone.
func (h *Handler) statementWords(ctx context.Context, s *session) statement.Describer {
	cat, err := h.catalog(ctx)
	if err != nil {
		return nil
	}
	org := fmt.Sprint(s.actor.OrgID)
	return func(code string, dos rcm.Date) string { return cat.Describe(codeset.CPT, org, code, dos) }
}
