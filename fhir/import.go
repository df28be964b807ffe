package fhir

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/internal/jsondup"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"
)

// MaxBundleBytes bounds a bundle: 10,000 patients with coverages and
// encounters are about 30 MB of JSON.
const MaxBundleBytes = 128 << 20

// Store is what the importer needs; *sqldb.DB implements it.
type Store interface {
	rcm.PatientService
	rcm.EncounterService
	FindVisitEncounter(ctx context.Context, kind, visit string) (int64, error)
	SaveVisitEncounter(ctx context.Context, kind, visit string, encounterID int64) error
	FindProviders(ctx context.Context) ([]*rcm.Provider, error)
	FindPayers(ctx context.Context) ([]*rcm.Payer, error)
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

// Codes refuses codes not valid on the date of service; codeset.Checker
// implements it.
type Codes interface {
	CheckDiagnosis(ctx context.Context, code string, dos rcm.Date) error
	CheckProcedure(ctx context.Context, code string, dos rcm.Date) error
}

// Importer applies bundles.
type Importer struct {
	Store Store
	// Codes, when set, refuses codes not valid on the date of service.
	Codes Codes
}

// Result counts what a bundle did.
type Result struct {
	PatientsCreated, PatientsUpdated     int
	CoveragesCreated, CoveragesUpdated   int
	EncountersCreated, EncountersUpdated int
	// PatientIDs and EncounterIDs map the bundle's references
	// ("Patient/p1", a fullUrl) to what they became.
	PatientIDs   map[string]int64 `json:"patient_ids"`
	EncounterIDs map[string]int64 `json:"encounter_ids"`
}

func (r *Result) String() string {
	return fmt.Sprintf("%d patients created, %d updated; %d coverages created, %d updated; %d encounters created, %d updated",
		r.PatientsCreated, r.PatientsUpdated, r.CoveragesCreated, r.CoveragesUpdated, r.EncountersCreated, r.EncountersUpdated)
}

// invalid is a validation error naming the resource and field.
func invalid(where, field, format string, args ...any) error {
	loc := where
	if field != "" {
		loc += "." + field
	}
	return rcm.FieldErrorf(rcm.EINVALID, loc, "%s: %s", loc, fmt.Sprintf(format, args...))
}

// entry is one resource of the bundle.
type entry struct {
	index int
	typ   string
	id    string
	where string // "Patient/p1" or "entry[3] (Patient)" for error messages
	raw   json.RawMessage
}

// bundle holds the decoded resources by kind, and the reference index.
type bundle struct {
	refs          map[string]*entry
	patients      []*entry
	coverages     []*entry
	practitioners []*entry
	orgs          []*entry
	encounters    []*entry
	conditions    []*entry
	charges       []*entry // Procedure and ChargeItem
}

// Read decodes and checks the shape of a bundle without applying it.
func Read(data []byte) (*bundle, error) {
	if len(data) > MaxBundleBytes {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "Bundle", "The bundle is %d bytes; at most %d are accepted.", len(data), MaxBundleBytes)
	}
	if err := jsondup.Check(data); err != nil {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "Bundle", "Bundle: %v", err)
	}
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "Bundle", "Bundle: not JSON: %v", err)
	}
	if head.ResourceType != "Bundle" {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "resourceType", "resourceType is %q; send a Bundle (transaction or collection).", head.ResourceType)
	}
	b, err := fm.UnmarshalBundle(data)
	if err != nil {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "Bundle", "Bundle: %v", err)
	}
	if b.Type != fm.BundleTypeTransaction && b.Type != fm.BundleTypeCollection {
		return nil, rcm.FieldErrorf(rcm.EINVALID, "Bundle.type", "Bundle.type is %q; transaction and collection bundles are imported.", b.Type.Code())
	}
	bd := &bundle{refs: map[string]*entry{}}
	for i, be := range b.Entry {
		var h struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		loc := fmt.Sprintf("Bundle.entry[%d]", i)
		if len(be.Resource) == 0 {
			return nil, rcm.FieldErrorf(rcm.EINVALID, loc, "%s has no resource.", loc)
		}
		if err := json.Unmarshal(be.Resource, &h); err != nil {
			return nil, rcm.FieldErrorf(rcm.EINVALID, loc, "%s: %v", loc, err)
		}
		e := &entry{index: i, typ: h.ResourceType, id: h.ID, raw: be.Resource}
		e.where = fmt.Sprintf("%s (%s)", loc, h.ResourceType)
		if h.ID != "" {
			e.where = h.ResourceType + "/" + h.ID
		}
		switch h.ResourceType {
		case "Patient":
			bd.patients = append(bd.patients, e)
		case "Coverage":
			bd.coverages = append(bd.coverages, e)
		case "Practitioner":
			bd.practitioners = append(bd.practitioners, e)
		case "Organization":
			bd.orgs = append(bd.orgs, e)
		case "Encounter":
			bd.encounters = append(bd.encounters, e)
		case "Condition":
			bd.conditions = append(bd.conditions, e)
		case "Procedure", "ChargeItem":
			bd.charges = append(bd.charges, e)
		default:
			return nil, rcm.FieldErrorf(rcm.EINVALID, loc+".resource.resourceType",
				"%s: resourceType %q is not imported (Patient, Coverage, Practitioner, Organization, Encounter, Condition, Procedure and ChargeItem are).", loc, h.ResourceType)
		}
		if be.FullUrl != nil && *be.FullUrl != "" {
			if bd.refs[*be.FullUrl] != nil {
				return nil, rcm.FieldErrorf(rcm.EINVALID, loc+".fullUrl", "%s: fullUrl %s is given twice.", loc, *be.FullUrl)
			}
			bd.refs[*be.FullUrl] = e
		}
		if h.ID != "" {
			key := h.ResourceType + "/" + h.ID
			if bd.refs[key] != nil {
				return nil, rcm.FieldErrorf(rcm.EINVALID, loc+".resource.id", "%s: %s is given twice.", loc, key)
			}
			bd.refs[key] = e
		}
	}
	return bd, nil
}

// resolve finds the entry a reference names, of the wanted type.
func (bd *bundle) resolve(ref *fm.Reference, want, where, field string) (*entry, error) {
	if ref == nil || ref.Reference == nil || *ref.Reference == "" {
		return nil, invalid(where, field, "a reference to a %s in the bundle is required.", want)
	}
	r := *ref.Reference
	e := bd.refs[r]
	if e == nil {
		// A full URL ending in Type/id names the same resource.
		if i := strings.LastIndex(r, want+"/"); i > 0 {
			e = bd.refs[r[i:]]
		}
	}
	if e == nil {
		return nil, invalid(where, field, "reference %q names no resource in the bundle.", r)
	}
	if e.typ != want {
		return nil, invalid(where, field, "reference %q is a %s, not a %s.", r, e.typ, want)
	}
	return e, nil
}

// Import reads a bundle and applies it in one transaction: patients
// (matched by their MR identifier, the account number), their coverages
// (matched by order), encounters (matched by identifier) with the
// diagnoses of their Conditions and the lines of their Procedures and
// ChargeItems. A bundle sent twice updates what the first made.
func (im *Importer) Import(ctx context.Context, data []byte) (*Result, error) {
	bd, err := Read(data)
	if err != nil {
		return nil, err
	}
	providers, err := im.Store.FindProviders(ctx)
	if err != nil {
		return nil, err
	}
	payers, err := im.Store.FindPayers(ctx)
	if err != nil {
		return nil, err
	}
	var res *Result
	err = im.Store.Atomically(ctx, func(ctx context.Context) error {
		res = &Result{PatientIDs: map[string]int64{}, EncounterIDs: map[string]int64{}}
		a := &apply{im: im, bd: bd, res: res, providers: providers, payers: payers, patients: map[*entry]*rcm.Patient{}}
		return a.run(ctx)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type apply struct {
	im        *Importer
	bd        *bundle
	res       *Result
	providers []*rcm.Provider
	payers    []*rcm.Payer
	patients  map[*entry]*rcm.Patient
}

func (a *apply) run(ctx context.Context) error {
	for _, e := range a.bd.patients {
		if err := a.patient(ctx, e); err != nil {
			return err
		}
	}
	for _, e := range a.bd.coverages {
		if err := a.coverage(ctx, e); err != nil {
			return err
		}
	}
	// Conditions and charges are gathered per encounter first, so each
	// encounter is written once with all its codes.
	dx := map[*entry][]rcm.Diagnosis{}
	notes := map[*entry][]string{}
	for _, e := range a.bd.conditions {
		c, err := fm.UnmarshalCondition(e.raw)
		if err != nil {
			return invalid(e.where, "", "%v", err)
		}
		enc, err := a.bd.resolve(c.Encounter, "Encounter", e.where, "encounter")
		if err != nil {
			return err
		}
		if c.Code == nil || len(c.Code.Coding) == 0 {
			return invalid(e.where, "code", "a coded condition is required.")
		}
		taken := false
		for _, cd := range c.Code.Coding {
			if str(cd.System) == SystemICD10CM && str(cd.Code) != "" {
				d := rcm.Diagnosis{Code: rcm.NormalizeICD10(str(cd.Code))}
				if !slices.Contains(dx[enc], d) {
					dx[enc] = append(dx[enc], d)
				}
				taken = true
				break
			}
		}
		if !taken {
			// Another code system (SNOMED CT ...): kept for the coder, who
			// chooses the ICD-10-CM code.
			var parts []string
			for _, cd := range c.Code.Coding {
				parts = append(parts, strings.TrimSpace(str(cd.System)+" "+str(cd.Code)+" "+str(cd.Display)))
			}
			if c.Code.Text != nil {
				parts = append(parts, *c.Code.Text)
			}
			notes[enc] = append(notes[enc], "Condition to code: "+strings.Join(parts, "; "))
		}
	}
	lines := map[*entry][]rcm.ServiceLine{}
	for _, e := range a.bd.charges {
		enc, l, err := a.charge(e)
		if err != nil {
			return err
		}
		lines[enc] = append(lines[enc], l)
	}
	for _, e := range a.bd.encounters {
		if err := a.encounter(ctx, e, dx[e], notes[e], lines[e]); err != nil {
			return err
		}
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// date reads a FHIR date or dateTime as a date (the date part as written).
func date(v, where, field string) (rcm.Date, error) {
	if v == "" {
		return rcm.Date{}, nil
	}
	if len(v) < 10 {
		return rcm.Date{}, invalid(where, field, "%q is not a full date (YYYY-MM-DD).", v)
	}
	t, err := time.Parse("2006-01-02", v[:10])
	if err != nil {
		return rcm.Date{}, invalid(where, field, "%q is not a date (YYYY-MM-DD).", v)
	}
	return rcm.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// mrn is a Patient's MR identifier (type v2-0203 MR), else its first.
func mrn(ids []fm.Identifier) string {
	for _, id := range ids {
		if id.Type != nil {
			for _, c := range id.Type.Coding {
				if str(c.Code) == "MR" {
					return strings.TrimSpace(str(id.Value))
				}
			}
		}
		if str(id.System) == SystemMRN {
			return strings.TrimSpace(str(id.Value))
		}
	}
	if len(ids) > 0 {
		return strings.TrimSpace(str(ids[0].Value))
	}
	return ""
}

func (a *apply) patient(ctx context.Context, e *entry) error {
	r, err := fm.UnmarshalPatient(e.raw)
	if err != nil {
		return invalid(e.where, "", "%v", err)
	}
	acct := mrn(r.Identifier)
	if acct == "" {
		return invalid(e.where, "identifier", "an identifier (the MRN, type MR) is required: it is the patient's account number.")
	}
	found, err := a.im.Store.FindPatients(ctx, rcm.PatientFilter{AccountNumber: acct, Limit: 1})
	if err != nil {
		return err
	}
	p := &rcm.Patient{AccountNumber: acct}
	if len(found) > 0 {
		p = found[0]
	}
	if len(r.Name) == 0 {
		return invalid(e.where, "name", "a name is required.")
	}
	n := r.Name[0]
	for _, nm := range r.Name {
		if nm.Use != nil && *nm.Use == fm.NameUseOfficial {
			n = nm
		}
	}
	p.LastName, p.FirstName, p.MiddleName = str(n.Family), "", ""
	if len(n.Given) > 0 {
		p.FirstName = n.Given[0]
	}
	if len(n.Given) > 1 {
		p.MiddleName = n.Given[1]
	}
	if p.BirthDate, err = date(str(r.BirthDate), e.where, "birthDate"); err != nil {
		return err
	}
	p.Sex = rcm.SexUnknown
	if r.Gender != nil {
		switch *r.Gender {
		case fm.AdministrativeGenderFemale:
			p.Sex = rcm.SexFemale
		case fm.AdministrativeGenderMale:
			p.Sex = rcm.SexMale
		}
	}
	if len(r.Address) > 0 {
		p.Address = address(r.Address[0])
	}
	p.Phone = ""
	for _, t := range r.Telecom {
		if t.System != nil && *t.System == fm.ContactPointSystemPhone {
			p.Phone = digits10(str(t.Value))
			break
		}
	}
	if p.ID == 0 {
		err = a.im.Store.CreatePatient(ctx, p)
		a.res.PatientsCreated++
	} else {
		err = a.im.Store.UpdatePatient(ctx, p)
		a.res.PatientsUpdated++
	}
	if err != nil {
		return relocate(err, e.where, patientFields)
	}
	a.patients[e] = p
	a.res.PatientIDs["Patient/"+e.id] = p.ID
	return nil
}

var patientFields = map[string]string{
	"account_number": "identifier", "first_name": "name.given", "middle_name": "name.given", "last_name": "name.family",
	"birth_date": "birthDate", "sex": "gender", "address": "address", "phone": "telecom",
}

// relocate renames a domain validation error's field to the FHIR element
// it came from, prefixed by the resource.
func relocate(err error, where string, fields map[string]string) error {
	f := rcm.ErrorField(err)
	if f == "" || rcm.ErrorCode(err) != rcm.EINVALID {
		return err
	}
	for key, el := range fields {
		if f == key || strings.HasPrefix(f, key+".") || strings.HasPrefix(f, key+"[") {
			return invalid(where, el, "%s", rcm.ErrorMessage(err))
		}
	}
	return invalid(where, f, "%s", rcm.ErrorMessage(err))
}

func address(ad fm.Address) rcm.Address {
	out := rcm.Address{City: str(ad.City), State: strings.ToUpper(str(ad.State)), ZIP: strings.ReplaceAll(str(ad.PostalCode), "-", "")}
	if len(ad.Line) > 0 {
		out.Line1 = ad.Line[0]
	}
	if len(ad.Line) > 1 {
		out.Line2 = ad.Line[1]
	}
	return out
}

func digits10(v string) string {
	var b strings.Builder
	for _, c := range v {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return ""
	}
	return d
}

// subscriberRelationship maps the FHIR subscriber-relationship codes onto
// 837P SBR02.
var subscriberRelationship = map[string]string{
	"self": "18", "spouse": "01", "child": "19", "parent": "G8", "common": "53", "other": "G8", "injured": "G8",
}

func (a *apply) coverage(ctx context.Context, e *entry) error {
	r, err := fm.UnmarshalCoverage(e.raw)
	if err != nil {
		return invalid(e.where, "", "%v", err)
	}
	pe, err := a.bd.resolve(&r.Beneficiary, "Patient", e.where, "beneficiary")
	if err != nil {
		return err
	}
	p := a.patients[pe]
	if len(r.Payor) == 0 {
		return invalid(e.where, "payor", "a payor is required.")
	}
	payer, err := a.payer(r.Payor[0], e.where)
	if err != nil {
		return err
	}
	c := &rcm.Coverage{PatientID: p.ID, PayerID: payer.ID, Order: 1, MemberID: str(r.SubscriberId)}
	if r.Order != nil {
		c.Order = *r.Order
	}
	if c.MemberID == "" && len(r.Identifier) > 0 {
		c.MemberID = str(r.Identifier[0].Value)
	}
	for _, cl := range r.Class {
		for _, cd := range cl.Type.Coding {
			if str(cd.Code) == "group" {
				c.GroupNumber = cl.Value
			}
		}
	}
	if r.Period != nil {
		if c.EffectiveFrom, err = date(str(r.Period.Start), e.where, "period.start"); err != nil {
			return err
		}
		if c.EffectiveTo, err = date(str(r.Period.End), e.where, "period.end"); err != nil {
			return err
		}
	}
	c.Relationship = "18"
	if r.Relationship != nil {
		c.Relationship = ""
		for _, cd := range r.Relationship.Coding {
			if v, ok := subscriberRelationship[str(cd.Code)]; ok {
				c.Relationship = v
			}
		}
		if c.Relationship == "" {
			return invalid(e.where, "relationship", "relationship must be coded in %s (self, spouse, child, other ...).", SystemSubRel)
		}
	}
	if c.Relationship != "18" {
		if r.Subscriber == nil {
			return invalid(e.where, "subscriber", "a subscriber is required when the beneficiary is not the subscriber.")
		}
		se, err := a.bd.resolve(r.Subscriber, "Patient", e.where, "subscriber")
		if err != nil {
			return err
		}
		sp, err := fm.UnmarshalPatient(se.raw)
		if err != nil {
			return invalid(se.where, "", "%v", err)
		}
		sub := &rcm.Subscriber{Sex: rcm.SexUnknown}
		if len(sp.Name) > 0 {
			sub.LastName = str(sp.Name[0].Family)
			if len(sp.Name[0].Given) > 0 {
				sub.FirstName = sp.Name[0].Given[0]
			}
		}
		if sub.BirthDate, err = date(str(sp.BirthDate), se.where, "birthDate"); err != nil {
			return err
		}
		if sp.Gender != nil && *sp.Gender == fm.AdministrativeGenderFemale {
			sub.Sex = rcm.SexFemale
		} else if sp.Gender != nil && *sp.Gender == fm.AdministrativeGenderMale {
			sub.Sex = rcm.SexMale
		}
		if len(sp.Address) > 0 {
			sub.Address = address(sp.Address[0])
		}
		c.Subscriber = sub
	}
	existing, err := a.im.Store.FindCoverages(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, x := range existing {
		if x.Order == c.Order {
			c.ID = x.ID
		}
	}
	if c.ID == 0 {
		err = a.im.Store.CreateCoverage(ctx, c)
		a.res.CoveragesCreated++
	} else {
		err = a.im.Store.UpdateCoverage(ctx, c)
		a.res.CoveragesUpdated++
	}
	if err != nil {
		return relocate(err, e.where, map[string]string{
			"member_id": "subscriberId", "order": "order", "group_number": "class", "relationship": "relationship",
			"subscriber": "subscriber", "effective_from": "period.start", "effective_to": "period.end", "payer_id": "payor",
		})
	}
	return nil
}

// payer finds the payer a Coverage.payor names: an Organization of the
// bundle, or the reference's own identifier or display, matched to the
// practice's payers by payer ID, else by name.
func (a *apply) payer(ref fm.Reference, where string) (*rcm.Payer, error) {
	var ids []string
	name := str(ref.Display)
	if ref.Identifier != nil {
		ids = append(ids, str(ref.Identifier.Value))
	}
	if ref.Reference != nil {
		oe, err := a.bd.resolve(&ref, "Organization", where, "payor")
		if err != nil {
			return nil, err
		}
		o, err := fm.UnmarshalOrganization(oe.raw)
		if err != nil {
			return nil, invalid(oe.where, "", "%v", err)
		}
		for _, id := range o.Identifier {
			ids = append(ids, str(id.Value))
		}
		if o.Name != nil {
			name = *o.Name
		}
	}
	for _, p := range a.payers {
		for _, id := range ids {
			if id != "" && strings.EqualFold(p.PayerID, id) {
				return p, nil
			}
		}
	}
	for _, p := range a.payers {
		if name != "" && strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	return nil, invalid(where, "payor", "payer %q (%s) is not one of the practice's payers; add it or fix its payer ID.", strings.Join(ids, ","), name)
}

// practitioner finds the provider a Practitioner reference names, by NPI.
func (a *apply) practitioner(ref *fm.Reference, where, field string) (*rcm.Provider, error) {
	pe, err := a.bd.resolve(ref, "Practitioner", where, field)
	if err != nil {
		return nil, err
	}
	pr, err := fm.UnmarshalPractitioner(pe.raw)
	if err != nil {
		return nil, invalid(pe.where, "", "%v", err)
	}
	npi := ""
	for _, id := range pr.Identifier {
		if str(id.System) == SystemNPI {
			npi = str(id.Value)
		}
	}
	if !rcm.ValidNPI(npi) {
		return nil, invalid(pe.where, "identifier", "an NPI (system %s) is required; %q is not a valid NPI.", SystemNPI, npi)
	}
	for _, p := range a.providers {
		if p.NPI == npi {
			return p, nil
		}
	}
	return nil, invalid(pe.where, "identifier", "no provider of the practice has NPI %s; add the provider first.", npi)
}

// charge reads a Procedure or ChargeItem into a service line of its
// encounter.
func (a *apply) charge(e *entry) (*entry, rcm.ServiceLine, error) {
	var l rcm.ServiceLine
	var code *fm.CodeableConcept
	var encRef *fm.Reference
	var when string
	switch e.typ {
	case "Procedure":
		r, err := fm.UnmarshalProcedure(e.raw)
		if err != nil {
			return nil, l, invalid(e.where, "", "%v", err)
		}
		code, encRef, when = r.Code, r.Encounter, str(r.PerformedDateTime)
		if when == "" && r.PerformedPeriod != nil {
			when = str(r.PerformedPeriod.Start)
		}
		l.Units = 1
	default:
		r, err := fm.UnmarshalChargeItem(e.raw)
		if err != nil {
			return nil, l, invalid(e.where, "", "%v", err)
		}
		code, encRef, when = &r.Code, r.Context, str(r.OccurrenceDateTime)
		if when == "" && r.OccurrencePeriod != nil {
			when = str(r.OccurrencePeriod.Start)
		}
		l.Units = 1
		if r.Quantity != nil && r.Quantity.Value != nil {
			n, err := r.Quantity.Value.Int64()
			if err != nil || n < 1 || n > 9999 {
				return nil, l, invalid(e.where, "quantity.value", "%s must be a whole number of units from 1 to 9999.", r.Quantity.Value)
			}
			l.Units = int(n)
		}
		if r.PriceOverride != nil && r.PriceOverride.Value != nil {
			m, err := rcm.ParseMoney(r.PriceOverride.Value.String())
			if err != nil || m < 0 {
				return nil, l, invalid(e.where, "priceOverride.value", "%s is not an amount in dollars.", r.PriceOverride.Value)
			}
			l.Charge = m
		}
	}
	field := "context" // ChargeItem.context
	if e.typ == "Procedure" {
		field = "encounter"
	}
	enc, err := a.bd.resolve(encRef, "Encounter", e.where, field)
	if err != nil {
		return nil, l, err
	}
	if code == nil {
		return nil, l, invalid(e.where, "code", "a CPT or HCPCS code is required.")
	}
	for _, cd := range code.Coding {
		switch str(cd.System) {
		case SystemCPT, SystemHCPCS, SystemHCPCSOID:
			l.Code = strings.ToUpper(str(cd.Code))
		}
		if l.Code != "" {
			break
		}
	}
	if l.Code == "" {
		return nil, l, invalid(e.where, "code", "a coding in CPT (%s) or HCPCS (%s) is required.", SystemCPT, SystemHCPCS)
	}
	if l.DateOfService, err = date(when, e.where, "performed"); err != nil {
		return nil, l, err
	}
	return enc, l, nil
}

// encounterPOS maps the Encounter class (v3 ActCode) onto a CMS place of
// service.
var encounterPOS = map[string]string{"AMB": "11", "IMP": "21", "EMER": "23", "HH": "12", "VR": "10", "OBSENC": "22", "SS": "24"}

func (a *apply) encounter(ctx context.Context, e *entry, dx []rcm.Diagnosis, notes []string, lines []rcm.ServiceLine) error {
	r, err := fm.UnmarshalEncounter(e.raw)
	if err != nil {
		return invalid(e.where, "", "%v", err)
	}
	pe, err := a.bd.resolve(r.Subject, "Patient", e.where, "subject")
	if err != nil {
		return err
	}
	p := a.patients[pe]
	visit := ""
	for _, id := range r.Identifier {
		if v := str(id.Value); v != "" {
			visit = str(id.System) + "|" + v
			break
		}
	}
	if visit == "" {
		return invalid(e.where, "identifier", "an identifier is required, so that a resent encounter updates instead of duplicating.")
	}
	if r.Period == nil || str(r.Period.Start) == "" {
		return invalid(e.where, "period.start", "the date of service (period.start) is required.")
	}
	enc := &rcm.Encounter{PatientID: p.ID, Diagnoses: dx, Lines: lines}
	if enc.DateOfService, err = date(str(r.Period.Start), e.where, "period.start"); err != nil {
		return err
	}
	pos, ok := encounterPOS[str(r.Class.Code)]
	if !ok {
		return invalid(e.where, "class", "class %q is not one OpenRCM maps to a place of service (AMB, IMP, EMER, HH, VR, OBSENC, SS).", str(r.Class.Code))
	}
	enc.PlaceOfService = pos
	var prov *rcm.Provider
	for i, part := range r.Participant {
		if part.Individual != nil {
			if prov, err = a.practitioner(part.Individual, e.where, fmt.Sprintf("participant[%d].individual", i)); err != nil {
				return err
			}
			break
		}
	}
	if prov == nil {
		return invalid(e.where, "participant", "a participant Practitioner (the rendering provider, by NPI) is required.")
	}
	enc.RenderingProviderID, enc.PracticeID = prov.ID, prov.PracticeID
	for i := range enc.Lines {
		l := &enc.Lines[i]
		if l.DateOfService == enc.DateOfService {
			l.DateOfService = rcm.Date{}
		}
		for k := range min(len(dx), rcm.MaxPointers) {
			l.Pointers = append(l.Pointers, k+1)
		}
	}
	if a.im.Codes != nil {
		for i, d := range dx {
			if err := a.im.Codes.CheckDiagnosis(ctx, d.Code, enc.DateOfService); err != nil {
				return invalid(e.where, fmt.Sprintf("diagnosis[%d]", i), "%s", rcm.ErrorMessage(err))
			}
		}
		for i, l := range enc.Lines {
			dos := l.DateOfService
			if dos.IsZero() {
				dos = enc.DateOfService
			}
			if err := a.im.Codes.CheckProcedure(ctx, l.Code, dos); err != nil {
				return invalid(e.where, fmt.Sprintf("line[%d]", i), "%s", rcm.ErrorMessage(err))
			}
		}
	}
	enc.Note = strings.Join(notes, "\n")
	// Coded when the EHR sent ICD-10-CM diagnoses for every condition and
	// at least one line; otherwise the coder takes it from here.
	enc.Status = rcm.EncounterOpen
	if len(dx) > 0 && len(lines) > 0 && len(notes) == 0 {
		enc.Status = rcm.EncounterCoded
	}
	id, err := a.im.Store.FindVisitEncounter(ctx, rcm.InterfaceFHIR, visit)
	switch {
	case err == nil:
		old, err := a.im.Store.FindEncounterByID(ctx, id)
		if err != nil {
			return err
		}
		if old.Status == rcm.EncounterBilled {
			return invalid(e.where, "identifier", "the encounter is already billed; correct the claim instead.")
		}
		enc.ID = id
		if err := a.im.Store.UpdateEncounter(ctx, enc); err != nil {
			return relocate(err, e.where, encounterFields)
		}
		a.res.EncountersUpdated++
	case rcm.ErrorCode(err) == rcm.ENOTFOUND:
		if err := a.im.Store.CreateEncounter(ctx, enc); err != nil {
			return relocate(err, e.where, encounterFields)
		}
		if err := a.im.Store.SaveVisitEncounter(ctx, rcm.InterfaceFHIR, visit, enc.ID); err != nil {
			return err
		}
		a.res.EncountersCreated++
	default:
		return err
	}
	a.res.EncounterIDs["Encounter/"+e.id] = enc.ID
	return nil
}

var encounterFields = map[string]string{
	"diagnoses": "diagnosis", "lines": "line", "place_of_service": "class", "date_of_service": "period.start", "note": "note",
}
