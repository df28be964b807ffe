package ui

import (
	"context"
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

// patientRow is one line of the patient list: the patient, their open
// balance and their primary insurance.
type patientRow struct {
	Patient *rcm.Patient
	Open    rcm.Money
	// Coverage is the primary coverage (nil for none) and Payer its payer.
	Coverage *rcm.Coverage
	Payer    *rcm.Payer
}

type patientsData struct {
	Query    string
	MemberID string
	// PayerID and BalanceDue are the filters: patients with a coverage of
	// this payer; patients who owe. Payers are the choices.
	PayerID    int64
	BalanceDue bool
	Payers     []*rcm.Payer
	// MemberError says why the member ID searched for cannot be one.
	MemberError string
	// SearchedBy says how the query was read: "account number", "member
	// ID", "date of birth" or "name".
	SearchedBy string
	Rows       []patientRow
	// Totals count every patient the search matches, on every page, and
	// sum their open balances.
	Totals rcm.PatientListTotals
	// Next is the address of the next page, empty on the last; built from
	// url.Values.Encode, so already escaped. Continued is true on a page
	// after the first; CSV is the address of the whole list as CSV.
	Next      template.URL
	Continued bool
	CSV       template.URL
}

// patientPage is how many patients a page of the list shows.
var patientPage = 50

// showPatients lists patients found by what the front desk types in one
// box: a date of birth (YYYY-MM-DD or MM/DD/YYYY), an account number, a
// whole member ID, or a name (any part of the last or first name; "Smith,
// Jo" and "jo smi" both find John Smith); or by a whole member ID in its own
// box (member IDs are stored encrypted, so a part of one finds nothing).
// Each row shows the patient's open balance and primary insurance, read for
// the whole page at once; the totals count every patient matched and sum
// their balances. Pages follow one another by keyset (?after=the last
// patient's id); ?format=csv downloads the whole filtered list.
func (h *Handler) showPatients(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// A NUL or invalid UTF-8 reaching PostgreSQL fails the query itself;
	// no name holds control characters.
	if !utf8.ValidString(q) || strings.ContainsFunc(q, func(c rune) bool { return !unicode.IsPrint(c) }) {
		return rcm.FieldErrorf(rcm.EINVALID, "q", "Search by a name, an account number, a member ID or a date of birth: printable text only.")
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
	f, by, err := h.patientSearch(ctx, q, d.MemberID)
	if err != nil {
		return err
	}
	d.SearchedBy = by
	if v := r.URL.Query().Get("payer"); v != "" {
		if d.PayerID, err = strconv.ParseInt(v, 10, 64); err != nil || d.PayerID < 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "payer", "Choose a payer from the list.")
		}
	}
	d.BalanceDue = r.URL.Query().Get("due") == "1"
	f.PayerID, f.BalanceDue = d.PayerID, d.BalanceDue
	if v := r.URL.Query().Get("after"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "after", "The page to start after is not a patient.")
		}
		if f.After, err = h.store.FindPatientByID(ctx, id); err != nil {
			return err
		}
	}
	payers, err := h.store.FindPayers(ctx)
	if err != nil {
		return err
	}
	d.Payers = payers
	if r.URL.Query().Get("format") == "csv" {
		f.After = nil
		return h.writePatientsCSV(ctx, w, f, payers)
	}
	f.Limit = patientPage + 1
	ps, err := h.store.FindPatients(ctx, f)
	if err != nil {
		return err
	}
	if len(ps) > patientPage {
		ps = ps[:patientPage]
		next := r.URL.Query()
		next.Set("after", strconv.FormatInt(ps[patientPage-1].ID, 10))
		next.Del("format")
		d.Next = template.URL("/patients?" + next.Encode())
	}
	d.Continued = f.After != nil
	if d.Rows, err = h.patientRows(ctx, ps, payers); err != nil {
		return err
	}
	if d.Totals, err = h.store.PatientListTotals(ctx, f); err != nil {
		return err
	}
	csvQuery := r.URL.Query()
	csvQuery.Del("after")
	csvQuery.Set("format", "csv")
	d.CSV = template.URL("/patients?" + csvQuery.Encode())
	h.renderPage(w, r, s, "patients", &view{Title: "Patients", Nav: "patients", Data: d})
	return nil
}

// patientSearch reads what was typed in the search box as the first of a
// date of birth, an account number, a whole member ID or a name that finds
// anyone, and says which. The probes count (PatientListTotals) rather than
// read, so a probe that misses discloses nothing and writes no audit event.
func (h *Handler) patientSearch(ctx context.Context, q, member string) (rcm.PatientFilter, string, error) {
	f := rcm.PatientFilter{MemberID: member}
	switch {
	case q == "":
		return f, "", nil
	case birthDate(q) != (rcm.Date{}):
		f.BirthDate = birthDate(q)
		return f, "date of birth", nil
	}
	probes := []struct {
		by string
		f  rcm.PatientFilter
	}{
		{"account number", rcm.PatientFilter{MemberID: member, AccountNumber: q}},
	}
	if member == "" && rcm.ValidMemberID(q) {
		probes = append(probes, struct {
			by string
			f  rcm.PatientFilter
		}{"member ID", rcm.PatientFilter{MemberID: q}})
	}
	for _, p := range probes {
		t, err := h.store.PatientListTotals(ctx, p.f)
		if err != nil {
			return f, "", err
		}
		if t.Patients > 0 {
			return p.f, p.by, nil
		}
	}
	f.Name, f.NameAnywhere = q, true
	return f, "name", nil
}

// patientRows reads the balances and primary coverages of a page of
// patients, one query each for the whole page.
func (h *Handler) patientRows(ctx context.Context, ps []*rcm.Patient, payers []*rcm.Payer) ([]patientRow, error) {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	bs, err := h.store.FindPatientBalancesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	open := map[int64]rcm.Money{}
	for _, b := range bs {
		open[b.PatientID] = b.Open
	}
	covs, err := h.store.FindPrimaryCoverages(ctx, ids, rcm.DateOf(h.clock.Now()))
	if err != nil {
		return nil, err
	}
	payerByID := map[int64]*rcm.Payer{}
	for _, p := range payers {
		payerByID[p.ID] = p
	}
	rows := make([]patientRow, len(ps))
	for i, p := range ps {
		rows[i] = patientRow{Patient: p, Open: open[p.ID], Coverage: covs[p.ID]}
		if c := covs[p.ID]; c != nil {
			rows[i].Payer = payerByID[c.PayerID]
		}
	}
	return rows, nil
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

// csvPage is how many patients the CSV download reads at a time.
const csvPage = 500

// writePatientsCSV downloads every patient f matches, in the list's order,
// a batch at a time by keyset, with balance and primary insurance.
func (h *Handler) writePatientsCSV(ctx context.Context, w http.ResponseWriter, f rcm.PatientFilter, payers []*rcm.Payer) error {
	sheet.Headers(w, "patients.csv")
	cw, err := sheet.NewWriter(w, []string{"account", "last_name", "first_name", "birth_date", "sex", "city", "balance", "payer", "member_id"})
	if err != nil {
		return err
	}
	f.Limit = csvPage
	for {
		ps, err := h.store.FindPatients(ctx, f)
		if err != nil {
			return err
		}
		rows, err := h.patientRows(ctx, ps, payers)
		if err != nil {
			return err
		}
		for _, r := range rows {
			p := r.Patient
			rec := []string{p.AccountNumber, p.LastName, p.FirstName, p.BirthDate.String(), p.Sex, p.Address.City,
				r.Open.String(), "", ""}
			if r.Payer != nil {
				rec[7] = r.Payer.Name
			}
			if r.Coverage != nil {
				rec[8] = r.Coverage.MemberID
			}
			if err := cw.Row(rec...); err != nil {
				return err
			}
		}
		if len(ps) < csvPage {
			break
		}
		f.After = ps[len(ps)-1]
	}
	return cw.Flush()
}
