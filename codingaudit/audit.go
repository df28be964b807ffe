// Package codingaudit measures coding accuracy: an auditor draws a seeded
// random sample of one coder's finished encounters, re-codes each blind,
// and the package scores the coder (and the note-reading suggestions of
// package suggest, audited like a coder) against the auditor's codes, with
// every difference in words and its dollar effect from the fee schedule.
// Its practice mode scores learners with the same engine on synthetic
// cases written for the repository.
//
// The doors (command line, API, workbench) reach storage only through
// Store, and every read of an encounter or of a sample's codes is audited
// by the store.
package codingaudit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/suggest"
)

// MaxSample bounds a sample's size: an audit is read encounter by
// encounter, and 200 is far beyond the 10 to 30 a practice usually draws.
const MaxSample = 200

// Audit is one drawn sample: whose work, which period, how many, with
// which seed, and each sampled encounter with the codes the coder gave it
// when the sample was drawn.
type Audit struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"-"`
	CoderID     int64     `json:"coder_id"`
	CoderName   string    `json:"coder"`
	AuditorID   int64     `json:"auditor_id"`
	AuditorName string    `json:"auditor"`
	From        rcm.Date  `json:"from"`
	To          rcm.Date  `json:"to"`
	Size        int       `json:"size"`
	Seed        int64     `json:"seed"`
	Frame       int       `json:"frame"`
	CreatedAt   time.Time `json:"created_at"`
	Items       []Item    `json:"items"`
}

// Item is one sampled encounter. Coder is the coder's codes as they
// stood when the sample was drawn (a later change does not move the
// audit); Auditor and Machine are set when the auditor re-codes it.
type Item struct {
	EncounterID   int64     `json:"encounter_id"`
	PatientID     int64     `json:"-"`
	PracticeID    int64     `json:"-"`
	ProviderID    int64     `json:"-"`
	DateOfService rcm.Date  `json:"date_of_service"`
	Coder         *Coding   `json:"coder_codes,omitempty"`
	Auditor       *Coding   `json:"auditor_codes,omitempty"`
	Machine       *Coding   `json:"suggested_codes,omitempty"`
	RecodedAt     time.Time `json:"recoded_at,omitzero"`
}

// Recoded reports whether the auditor has submitted the item's codes.
func (it Item) Recoded() bool { return it.Auditor != nil }

// Store is what the audit needs of storage. Its reads of encounters and of
// a sample's items are audited as reads of the patients' data.
type Store interface {
	// FindCoders lists the organization's users whose role may code, by
	// username.
	FindCoders(ctx context.Context) ([]*rcm.User, error)
	FindEncounterByID(ctx context.Context, id int64) (*rcm.Encounter, error)
	FindEncounters(ctx context.Context, f rcm.EncounterFilter) ([]*rcm.Encounter, error)
	FindFeeFor(ctx context.Context, q rcm.FeeQuery) (rcm.Money, error)
	// FindCodedEncounterIDs lists, in ascending order, the encounters
	// finished (coded or billed) with a date of service in [from, to]
	// whose codes the user last changed: the sampling frame.
	FindCodedEncounterIDs(ctx context.Context, coderID int64, from, to rcm.Date) ([]int64, error)
	// CreateCodingAudit stores an audit with its items.
	CreateCodingAudit(ctx context.Context, a *Audit) error
	// FindCodingAudit returns an audit with its items, or ENOTFOUND.
	FindCodingAudit(ctx context.Context, id int64) (*Audit, error)
	// FindCodingAudits lists the organization's audits, newest first,
	// without their items.
	FindCodingAudits(ctx context.Context) ([]*Audit, error)
	// SaveAuditorCoding stores the auditor's codes (and the suggestions'
	// codes) for one sampled encounter, once: a second time is ECONFLICT.
	SaveAuditorCoding(ctx context.Context, auditID, encounterID int64, auditor Coding, machine *Coding) error
}

// DrawRequest asks for a sample.
type DrawRequest struct {
	CoderID  int64
	From, To rcm.Date
	Size     int
	Seed     int64
}

// Sample picks size of the ids (all of them when there are fewer) with a
// generator seeded by seed, and returns them in ascending order: the same
// ids and seed give the same sample, on any machine.
func Sample(ids []int64, size int, seed int64) []int64 {
	pool := slices.Clone(ids)
	slices.Sort(pool)
	r := rand.New(rand.NewPCG(uint64(seed), 0x6f70656e72636d)) // "openrcm"
	n := min(size, len(pool))
	for i := 0; i < n; i++ {
		j := i + r.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	out := pool[:n]
	slices.Sort(out)
	return out
}

// Draw draws a sample of a coder's finished encounters and stores it with
// its seed. The auditor is the actor; an auditor does not audit their own
// coding.
func Draw(ctx context.Context, st Store, req DrawRequest) (*Audit, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Size < 1 || req.Size > MaxSample:
		return nil, rcm.FieldErrorf(rcm.EINVALID, "size", "The sample size must be 1 to %d encounters.", MaxSample)
	case req.From.IsZero() || req.To.IsZero():
		return nil, rcm.FieldErrorf(rcm.EINVALID, "from", "Give the period: the first and last dates of service.")
	case req.To.Before(req.From):
		return nil, rcm.FieldErrorf(rcm.EINVALID, "to", "The period ends (%s) before it starts (%s).", req.To, req.From)
	case req.CoderID == a.UserID:
		return nil, rcm.FieldErrorf(rcm.EINVALID, "coder", "An auditor does not audit their own coding: choose another coder.")
	}
	coder, err := Coder(ctx, st, strconv.FormatInt(req.CoderID, 10))
	if err != nil {
		return nil, err
	}
	frame, err := st.FindCodedEncounterIDs(ctx, coder.ID, req.From, req.To)
	if err != nil {
		return nil, err
	}
	if len(frame) == 0 {
		return nil, rcm.Errorf(rcm.ENOTFOUND, "%s finished no encounters with a date of service from %s to %s.", coder.Username, req.From, req.To)
	}
	ids := Sample(frame, req.Size, req.Seed)
	es, err := st.FindEncounters(ctx, rcm.EncounterFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(es, func(x, y *rcm.Encounter) int { return int(x.ID - y.ID) })
	au := &Audit{OrgID: a.OrgID, CoderID: coder.ID, CoderName: coder.Username, AuditorID: a.UserID, From: req.From, To: req.To,
		Size: req.Size, Seed: req.Seed, Frame: len(frame)}
	for _, e := range es {
		c := CodingOf(e)
		au.Items = append(au.Items, Item{EncounterID: e.ID, PatientID: e.PatientID, PracticeID: e.PracticeID, ProviderID: e.RenderingProviderID,
			DateOfService: e.DateOfService, Coder: &c})
	}
	if err := st.CreateCodingAudit(ctx, au); err != nil {
		return nil, err
	}
	return au, nil
}

// Coder finds a user who may code by username, then by id.
func Coder(ctx context.Context, st Store, ref string) (*rcm.User, error) {
	ref = strings.TrimSpace(ref)
	us, err := st.FindCoders(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if strings.EqualFold(u.Username, ref) {
			return u, nil
		}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, u := range us {
			if u.ID == id {
				return u, nil
			}
		}
	}
	return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "coder", "No user who codes has the username or id %q.", ref)
}

// Blind returns the audit as its auditor may see it before re-coding: the
// coder's codes (and the suggestions) are left out of every item the
// auditor has not yet re-coded, so the re-coding is not steered by them.
func (au *Audit) Blind() *Audit {
	out := *au
	out.Items = make([]Item, len(au.Items))
	for i, it := range au.Items {
		if !it.Recoded() {
			it.Coder, it.Machine = nil, nil
		}
		out.Items[i] = it
	}
	return &out
}

// View returns an audit blinded (Blind).
func View(ctx context.Context, st Store, id int64) (*Audit, error) {
	if _, err := rcm.RequireActor(ctx, rcm.PermAuditCoding); err != nil {
		return nil, err
	}
	au, err := st.FindCodingAudit(ctx, id)
	if err != nil {
		return nil, err
	}
	return au.Blind(), nil
}

// Item returns the sampled encounter of an audit, or ENOTFOUND.
func (au *Audit) Item(encounterID int64) (*Item, error) {
	for i := range au.Items {
		if au.Items[i].EncounterID == encounterID {
			return &au.Items[i], nil
		}
	}
	return nil, rcm.FieldErrorf(rcm.ENOTFOUND, "encounter", "Encounter %d is not in audit %d's sample.", encounterID, au.ID)
}

// Recode stores the auditor's codes for one sampled encounter, once, and
// beside them the codes package suggest reads from the encounter's note
// (when it has one and a catalog is given), so the suggestions are
// audited like a coder. Codes the catalog does not know on the date of
// service are refused: ICD-10-CM diagnoses and HCPCS Level II codes; CPT
// codes are taken by their shape, since a practice may not have imported
// its licensed CPT file.
func Recode(ctx context.Context, st Store, cat *codeset.Catalog, auditID, encounterID int64, c Coding) (*Item, error) {
	a, err := rcm.RequireActor(ctx, rcm.PermAuditCoding)
	if err != nil {
		return nil, err
	}
	au, err := st.FindCodingAudit(ctx, auditID)
	if err != nil {
		return nil, err
	}
	if au.AuditorID != a.UserID {
		return nil, rcm.Errorf(rcm.EFORBIDDEN, "Audit %d is %s's to re-code.", au.ID, au.AuditorName)
	}
	it, err := au.Item(encounterID)
	if err != nil {
		return nil, err
	}
	if it.Recoded() {
		return nil, rcm.Errorf(rcm.ECONFLICT, "Encounter %d of audit %d is already re-coded.", encounterID, auditID)
	}
	c = c.Normalize()
	if err := checkCoding(c, cat, strconv.FormatInt(a.OrgID, 10), it.DateOfService); err != nil {
		return nil, err
	}
	var machine *Coding
	if cat != nil {
		e, err := st.FindEncounterByID(ctx, encounterID)
		if err != nil {
			return nil, err
		}
		m, err := Suggested(cat, strconv.FormatInt(a.OrgID, 10), e.Note, e.DateOfService)
		if err != nil {
			return nil, err
		}
		machine = &m
	}
	if err := st.SaveAuditorCoding(ctx, auditID, encounterID, c, machine); err != nil {
		return nil, err
	}
	it.Auditor, it.Machine = &c, machine
	return it, nil
}

// Suggested returns the codes package suggest reads from a note, as a
// coding: its diagnoses in its sequence (first-listed first) and its HCPCS
// drug and supply lines with their units.
func Suggested(cat *codeset.Catalog, org, note string, dos rcm.Date) (Coding, error) {
	c := Coding{Diagnoses: []string{}, Lines: []Line{}}
	if strings.TrimSpace(note) == "" {
		return c, nil
	}
	res, err := (&suggest.Engine{Catalog: cat}).Suggest(suggest.Request{Note: note, DOS: dos, Org: org})
	if err != nil {
		return c, err
	}
	for _, s := range res.Suggestions {
		if s.System == string(codeset.HCPCS) {
			c.Lines = append(c.Lines, Line{Code: s.Code, Units: max(s.Units, 1)})
		} else {
			c.Diagnoses = append(c.Diagnoses, s.Code)
		}
	}
	return c.Normalize(), nil
}

// checkCoding refuses a coding with no diagnosis, a malformed code, or a
// diagnosis or HCPCS code the catalog does not know on the date of service.
func checkCoding(c Coding, cat *codeset.Catalog, org string, dos rcm.Date) error {
	if len(c.Diagnoses) == 0 {
		return rcm.FieldErrorf(rcm.EINVALID, "diagnoses", "Give at least one diagnosis.")
	}
	if len(c.Diagnoses) > rcm.MaxDiagnoses || len(c.Lines) > rcm.MaxLines {
		return rcm.FieldErrorf(rcm.EINVALID, "diagnoses", "At most %d diagnoses and %d lines fit on a claim.", rcm.MaxDiagnoses, rcm.MaxLines)
	}
	seen := map[string]bool{}
	for i, d := range c.Diagnoses {
		field := fmt.Sprintf("diagnoses[%d]", i)
		if seen[d] {
			return rcm.FieldErrorf(rcm.EINVALID, field, "%s is listed twice.", d)
		}
		seen[d] = true
		if err := codeset.CheckShape(codeset.ICD10CM, d); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, field, "%q is not an ICD-10-CM code.", d)
		}
		if cat != nil {
			if k, ok := cat.Lookup(codeset.ICD10CM, org, d, dos); !ok {
				return rcm.FieldErrorf(rcm.EINVALID, field, "%s is not an ICD-10-CM code on %s.", d, dos)
			} else if !k.Billable {
				return rcm.FieldErrorf(rcm.EINVALID, field, "%s is a category, not a billable code: code it to the highest specificity.", d)
			}
		}
	}
	for i, l := range c.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		sys := codeset.CPT
		if l.Code[0] < '0' || l.Code[0] > '9' {
			sys = codeset.HCPCS
		}
		if err := codeset.CheckShape(sys, l.Code); err != nil {
			return rcm.FieldErrorf(rcm.EINVALID, field, "%q is not a CPT or HCPCS code (five characters, such as 99213 or J1885).", l.Code)
		}
		if sys == codeset.HCPCS && cat != nil {
			if _, ok := cat.Lookup(codeset.HCPCS, org, l.Code, dos); !ok {
				return rcm.FieldErrorf(rcm.EINVALID, field, "%s is not a HCPCS code on %s.", l.Code, dos)
			}
		}
		if len(l.Modifiers) > rcm.MaxModifiers {
			return rcm.FieldErrorf(rcm.EINVALID, field, "At most %d modifiers per line.", rcm.MaxModifiers)
		}
		for _, m := range l.Modifiers {
			if len(m) != 2 {
				return rcm.FieldErrorf(rcm.EINVALID, field, "Modifier %q must be two characters.", m)
			}
		}
		if l.Units > 9999 {
			return rcm.FieldErrorf(rcm.EINVALID, field, "Units must be 1 to 9999.")
		}
	}
	return nil
}
