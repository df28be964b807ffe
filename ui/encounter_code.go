package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
)

// The coding actions below each change one thing on an encounter and save
// it through the encounter service, which checks the coder's role and the
// encounter's structure and audits the change. Any change of the codes
// puts the encounter back to open: "ready for billing" is a statement
// about the codes as they were when the coder made it.

// editEncounter loads an encounter, applies change and saves it. A change
// the service refuses as invalid or conflicting is shown on the workbench
// beside the form, not on an error page, so the coder's place is kept.
func (h *Handler) editEncounter(w http.ResponseWriter, r *http.Request, s *session, anchor string, change func(e *rcm.Encounter) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	e, err := h.store.FindEncounterByID(ctx, id)
	if err != nil {
		return err
	}
	err = change(e)
	if err == nil {
		e.Status = rcm.EncounterOpen
		err = h.store.UpdateEncounter(ctx, e)
	}
	if err != nil {
		switch rcm.ErrorCode(err) {
		case rcm.EINVALID, rcm.ECONFLICT:
			d, lerr := h.workbench(ctx, s, id)
			if lerr != nil {
				return lerr
			}
			d.FormError = rcm.ErrorMessage(err)
			v := &view{Title: "Code encounter " + strconv.FormatInt(id, 10), Nav: "encounters", Data: d}
			v.User, v.Org, v.CSRF = s.user, s.org, s.row.CSRF
			h.render(w, r, http.StatusUnprocessableEntity, "workbench", v)
			return nil
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/encounters/%d#%s", id, anchor), http.StatusSeeOther)
	return nil
}

// indexArg reads the 1-based position {n} of a diagnosis or line.
func indexArg(r *http.Request, n int) (int, error) {
	i, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || i < 1 || i > n {
		return 0, rcm.Errorf(rcm.EINVALID, "There is no item %s.", r.PathValue("n"))
	}
	return i - 1, nil
}

// addDiagnosis appends a diagnosis (the search result the coder picked,
// or a code typed in).
func (h *Handler) addDiagnosis(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "diagnoses", func(e *rcm.Encounter) error {
		code := rcm.NormalizeICD10(r.PostFormValue("code"))
		if code == "" {
			return rcm.FieldErrorf(rcm.EINVALID, "code", "Enter or pick a diagnosis code.")
		}
		e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: code})
		// Lines coded before any diagnosis could point nowhere; they point
		// at the diagnosis now added.
		for i := range e.Lines {
			if len(e.Lines[i].Pointers) == 0 {
				e.Lines[i].Pointers = []int{len(e.Diagnoses)}
			}
		}
		return nil
	})
}

// removeDiagnosis takes a diagnosis off and renumbers the line pointers,
// so every line still points at the diagnosis it pointed at before.
func (h *Handler) removeDiagnosis(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "diagnoses", func(e *rcm.Encounter) error {
		i, err := indexArg(r, len(e.Diagnoses))
		if err != nil {
			return err
		}
		e.Diagnoses = slices.Delete(e.Diagnoses, i, i+1)
		for j := range e.Lines {
			var ptrs []int
			for _, p := range e.Lines[j].Pointers {
				switch {
				case p == i+1:
				case p > i+1:
					ptrs = append(ptrs, p-1)
				default:
					ptrs = append(ptrs, p)
				}
			}
			e.Lines[j].Pointers = ptrs
		}
		return nil
	})
}

// moveDiagnosisUp swaps a diagnosis with the one before it; pointers
// follow their diagnoses.
func (h *Handler) moveDiagnosisUp(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "diagnoses", func(e *rcm.Encounter) error {
		i, err := indexArg(r, len(e.Diagnoses))
		if err != nil || i == 0 {
			return err
		}
		e.Diagnoses[i-1], e.Diagnoses[i] = e.Diagnoses[i], e.Diagnoses[i-1]
		for j := range e.Lines {
			for k, p := range e.Lines[j].Pointers {
				switch p {
				case i:
					e.Lines[j].Pointers[k] = i + 1
				case i + 1:
					e.Lines[j].Pointers[k] = i
				}
			}
		}
		return nil
	})
}

// lineForm reads a service line's modifiers, units, pointers and charge
// from a form; the code is read by the caller when it may change.
func lineForm(r *http.Request, l *rcm.ServiceLine) error {
	l.Modifiers = strings.Fields(strings.ToUpper(strings.ReplaceAll(r.PostFormValue("modifiers"), ",", " ")))
	units := strings.TrimSpace(r.PostFormValue("units"))
	if units == "" {
		units = "1"
	}
	n, err := strconv.Atoi(units)
	if err != nil {
		return rcm.FieldErrorf(rcm.EINVALID, "units", "Units must be a whole number such as 1.")
	}
	l.Units = n
	l.Pointers = nil
	for _, f := range strings.FieldsFunc(r.PostFormValue("pointers"), func(c rune) bool { return c == ',' || c == ' ' }) {
		p, err := strconv.Atoi(f)
		if err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "pointers", "Pointers are diagnosis numbers such as 1,2.")
		}
		l.Pointers = append(l.Pointers, p)
	}
	l.Charge = 0
	if c := strings.TrimSpace(strings.TrimPrefix(r.PostFormValue("charge"), "$")); c != "" {
		m, err := rcm.ParseMoney(c)
		if err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, "charge", "Charge must be an amount such as 125.00, or empty for the fee schedule: %v.", err)
		}
		l.Charge = m
	}
	return nil
}

// addLine appends a service line.
func (h *Handler) addLine(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "lines", func(e *rcm.Encounter) error {
		l := rcm.ServiceLine{Code: strings.ToUpper(strings.TrimSpace(r.PostFormValue("code")))}
		if err := lineForm(r, &l); err != nil {
			return err
		}
		if len(l.Pointers) == 0 && len(e.Diagnoses) > 0 {
			l.Pointers = []int{1}
		}
		e.Lines = append(e.Lines, l)
		return nil
	})
}

// updateLine changes a line's modifiers, units, pointers and charge.
func (h *Handler) updateLine(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "lines", func(e *rcm.Encounter) error {
		i, err := indexArg(r, len(e.Lines))
		if err != nil {
			return err
		}
		return lineForm(r, &e.Lines[i])
	})
}

// removeLine takes a service line off.
func (h *Handler) removeLine(w http.ResponseWriter, r *http.Request, s *session) error {
	return h.editEncounter(w, r, s, "lines", func(e *rcm.Encounter) error {
		i, err := indexArg(r, len(e.Lines))
		if err != nil {
			return err
		}
		e.Lines = slices.Delete(e.Lines, i, i+1)
		return nil
	})
}
