package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sheet"
)

type patientsData struct {
	Query    string
	MemberID string
	// MemberError says why the member ID searched for cannot be one.
	MemberError string
	// SearchedBy says how the query was read: "account number", "date of
	// birth" or "name".
	SearchedBy string
	Patients   []*rcm.Patient
	// Next is the address of the next page, empty on the last; built from
	// url.Values.Encode, so already escaped.
	Next template.URL
}

// patientPage is how many patients a page of the list shows.
var patientPage = 50

// showPatients lists patients found by what the front desk types in one
// box: an account number, a date of birth (YYYY-MM-DD or MM/DD/YYYY) or the
// start of a name; or by a whole member ID (member IDs are stored
// encrypted, so a part of one finds nothing). Pages follow one another by
// keyset (?after=the last patient's id); ?format=csv downloads the page.
func (h *Handler) showPatients(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// A NUL or invalid UTF-8 reaching PostgreSQL fails the query itself;
	// no name holds control characters.
	if !utf8.ValidString(q) || strings.ContainsFunc(q, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return rcm.FieldErrorf(rcm.EINVALID, "q", "Search by a name, an account number or a date of birth: printable text only.")
	}
	if len(q) > 60 {
		// Cut on a character boundary, for the same reason.
		q = strings.ToValidUTF8(q[:60], "")
	}
	d := patientsData{Query: q, MemberID: strings.TrimSpace(r.URL.Query().Get("member"))}
	if d.MemberID != "" && !rcm.ValidMemberID(d.MemberID) {
		d.MemberError = "A member ID is 2 to 80 letters, digits and punctuation (no * ~ : ^); give the whole ID."
		h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: d})
		return nil
	}
	f := rcm.PatientFilter{MemberID: d.MemberID, Limit: patientPage + 1}
	if v := r.URL.Query().Get("after"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "after", "The page to start after is not a patient.")
		}
		if f.After, err = h.store.FindPatientByID(ctx, id); err != nil {
			return err
		}
	}
	switch {
	case q == "":
	case birthDate(q) != (rcm.Date{}):
		f.BirthDate, d.SearchedBy = birthDate(q), "date of birth"
	default:
		acct := f
		acct.AccountNumber = q
		ps, err := h.store.FindPatients(ctx, acct)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			d.Patients, d.SearchedBy = ps, "account number"
		} else {
			f.Name, d.SearchedBy = q, "name"
		}
	}
	if d.Patients == nil {
		ps, err := h.store.FindPatients(ctx, f)
		if err != nil {
			return err
		}
		d.Patients = ps
	}
	if len(d.Patients) > patientPage {
		d.Patients = d.Patients[:patientPage]
		next := r.URL.Query()
		next.Set("after", strconv.FormatInt(d.Patients[patientPage-1].ID, 10))
		next.Del("format")
		d.Next = template.URL("/patients?" + next.Encode())
	}
	if r.URL.Query().Get("format") == "csv" {
		return writePatientsCSV(w, d.Patients)
	}
	h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: d})
	return nil
}

// birthDate reads q as a date of birth, YYYY-MM-DD or MM/DD/YYYY, or
// returns the zero date.
func birthDate(q string) rcm.Date {
	if d, err := rcm.ParseDate(q); err == nil {
		return d
	}
	var m, dd, y int
	if n, err := fmt.Sscanf(q, "%d/%d/%d", &m, &dd, &y); err == nil && n == 3 && y > 1800 {
		if d, err := rcm.ParseDate(strconv.Itoa(y) + "-" + pad2(m) + "-" + pad2(dd)); err == nil {
			return d
		}
	}
	return rcm.Date{}
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// writePatientsCSV downloads a page of the patient list.
func writePatientsCSV(w http.ResponseWriter, ps []*rcm.Patient) error {
	sheet.Headers(w, "patients.csv")
	rows := make([][]string, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, []string{p.AccountNumber, p.LastName, p.FirstName, p.BirthDate.String(), p.Sex, p.Address.City})
	}
	return sheet.Write(w, []string{"account", "last_name", "first_name", "birth_date", "sex", "city"}, rows)
}
