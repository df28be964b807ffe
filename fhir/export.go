package fhir

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"
)

func ptr[T any](v T) *T { return &v }

func ref(typ string, id int64) fm.Reference {
	return fm.Reference{Reference: ptr(typ + "/" + strconv.FormatInt(id, 10))}
}

func coding(system, code, display string) fm.CodeableConcept {
	c := fm.Coding{System: ptr(system), Code: ptr(code)}
	if display != "" {
		c.Display = ptr(display)
	}
	return fm.CodeableConcept{Coding: []fm.Coding{c}}
}

func money(m rcm.Money) *fm.Money {
	return &fm.Money{Value: ptr(json.Number(m.String())), Currency: ptr("USD")}
}

func fdate(d rcm.Date) *string {
	if d.IsZero() {
		return nil
	}
	return ptr(d.String())
}

func meta(profile string) *fm.Meta { return &fm.Meta{Profile: []string{profile}} }

// Patient exports a patient: the account number as the MR identifier.
func Patient(p *rcm.Patient) fm.Patient {
	r := fm.Patient{
		Id:   ptr(strconv.FormatInt(p.ID, 10)),
		Meta: meta(ProfilePatient),
		Identifier: []fm.Identifier{{
			Type:   ptr(coding(SystemIDType, "MR", "Medical record number")),
			System: ptr(SystemMRN), Value: ptr(p.AccountNumber),
		}},
		Active:    ptr(true),
		Name:      []fm.HumanName{{Use: ptr(fm.NameUseOfficial), Family: ptr(p.LastName), Given: nonEmpty(p.FirstName, p.MiddleName)}},
		BirthDate: fdate(p.BirthDate),
		Address:   []fm.Address{exportAddress(p.Address)},
	}
	switch p.Sex {
	case rcm.SexFemale:
		r.Gender = ptr(fm.AdministrativeGenderFemale)
	case rcm.SexMale:
		r.Gender = ptr(fm.AdministrativeGenderMale)
	default:
		r.Gender = ptr(fm.AdministrativeGenderUnknown)
	}
	if p.Phone != "" {
		r.Telecom = []fm.ContactPoint{{System: ptr(fm.ContactPointSystemPhone), Value: ptr(p.Phone)}}
	}
	if g := p.Guarantor; g != nil && g.Relationship != rcm.GuarantorSelf {
		r.Contact = []fm.PatientContact{{
			// v2-0131 "GT": the guarantor, who pays the bill.
			Relationship: []fm.CodeableConcept{coding("http://terminology.hl7.org/CodeSystem/v2-0131", "GT", "Guarantor "+g.Relationship)},
			Name:         &fm.HumanName{Family: ptr(g.LastName), Given: nonEmpty(g.FirstName)},
			Address:      ptr(exportAddress(g.Address)),
		}}
	}
	return r
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func exportAddress(a rcm.Address) fm.Address {
	return fm.Address{Line: nonEmpty(a.Line1, a.Line2), City: ptr(a.City), State: ptr(a.State), PostalCode: ptr(a.ZIP)}
}

var relationshipCodes = map[string]string{"18": "self", "01": "spouse", "19": "child", "53": "common"}

// Coverage exports a coverage with its payer as the payor.
func Coverage(c *rcm.Coverage, payer *rcm.Payer) fm.Coverage {
	rel, ok := relationshipCodes[c.Relationship]
	if !ok {
		rel = "other"
	}
	r := fm.Coverage{
		Id:           ptr(strconv.FormatInt(c.ID, 10)),
		Meta:         meta(ProfileCoverage),
		Status:       fm.FinancialResourceStatusCodesActive,
		SubscriberId: ptr(c.MemberID),
		Beneficiary:  ref("Patient", c.PatientID),
		Relationship: ptr(coding(SystemSubRel, rel, "")),
		Period:       &fm.Period{Start: fdate(c.EffectiveFrom), End: fdate(c.EffectiveTo)},
		Payor: []fm.Reference{{
			Identifier: &fm.Identifier{System: ptr("urn:openrcm:payer-id"), Value: ptr(payer.PayerID)},
			Display:    ptr(payer.Name),
		}},
		Order: ptr(c.Order),
	}
	if c.GroupNumber != "" {
		r.Class = []fm.CoverageClass{{Type: coding("http://terminology.hl7.org/CodeSystem/coverage-class", "group", ""), Value: c.GroupNumber}}
	}
	return r
}

func procedure(code string) string {
	if code != "" && code[0] >= 'A' && code[0] <= 'Z' {
		return SystemHCPCS
	}
	return SystemCPT
}

// Claim exports a claim as a professional claim: its diagnoses in order,
// its lines with codes, modifiers, units, charges and diagnosis pointers.
func Claim(c *rcm.Claim, practiceID int64) fm.Claim {
	r := fm.Claim{
		Id:             ptr(strconv.FormatInt(c.ID, 10)),
		Identifier:     []fm.Identifier{{System: ptr("urn:openrcm:patient-control-number"), Value: ptr(c.ControlNumber)}},
		Status:         fm.FinancialResourceStatusCodesActive,
		Type:           coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional", ""),
		Use:            fm.UseClaim,
		Patient:        ref("Patient", c.PatientID),
		BillablePeriod: &fm.Period{Start: fdate(c.DateOfService), End: fdate(c.DateOfService)},
		Created:        c.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		Insurer:        ptr(ref("Organization", c.PayerID)),
		Provider:       ref("Organization", practiceID),
		Priority:       coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal", ""),
		Insurance:      []fm.ClaimInsurance{{Sequence: 1, Focal: true, Coverage: ref("Coverage", c.CoverageID)}},
	}
	if c.PriorAuth != "" {
		r.Insurance[0].PreAuthRef = []string{c.PriorAuth}
	}
	for i, d := range c.Diagnoses {
		r.Diagnosis = append(r.Diagnosis, fm.ClaimDiagnosis{Sequence: i + 1, DiagnosisCodeableConcept: coding(SystemICD10CM, d.Code, "")})
	}
	var total rcm.Money
	for i, l := range c.Lines {
		it := fm.ClaimItem{
			Sequence:                i + 1,
			DiagnosisSequence:       l.Pointers,
			ProductOrService:        coding(procedure(l.Code), l.Code, ""),
			ServicedDate:            fdate(c.DateOfService),
			LocationCodeableConcept: ptr(coding(SystemCMSPOS, c.PlaceOfService, "")),
			Quantity:                &fm.Quantity{Value: ptr(json.Number(strconv.Itoa(l.Units)))},
			Net:                     money(l.Charge),
		}
		if !l.DateOfService.IsZero() {
			it.ServicedDate = fdate(l.DateOfService)
		}
		for _, m := range l.Modifiers {
			it.Modifier = append(it.Modifier, coding(SystemCPT, m, ""))
		}
		total += l.Charge
		r.Item = append(r.Item, it)
	}
	r.Total = money(total)
	return r
}

// adjudication categories of the CARIN BB EOB (C4BBAdjudication and the
// base adjudication code system).
func category(code string) fm.CodeableConcept {
	return coding(SystemAdjCat, code, "")
}

// EOB exports a posted 835 claim payment as an ExplanationOfBenefit shaped
// as CARIN BB's professional EOB: per line the submitted and allowed
// amounts, the payment, the patient's share and each adjustment with its
// CARC as the reason; the totals and the payment (835 BPR/TRN).
func EOB(p *remit.PostedClaimPayment, c *rcm.Claim, practiceID int64) fm.ExplanationOfBenefit {
	outcome := fm.ClaimProcessingCodesComplete
	r := fm.ExplanationOfBenefit{
		Id:         ptr(strconv.FormatInt(p.ID, 10)),
		Meta:       meta(ProfileEOBProfess),
		Identifier: []fm.Identifier{{Type: ptr(coding("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType", "uc", "Unique Claim ID")), Value: ptr(p.PayerClaimNumber)}},
		Status:     fm.ExplanationOfBenefitStatusActive,
		Type:       coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional", ""),
		Use:        fm.UseClaim,
		Created:    p.PaidOn.String(),
		Insurer:    fm.Reference{Display: ptr(p.PayerName), Identifier: &fm.Identifier{System: ptr("urn:openrcm:payer"), Value: ptr(strconv.FormatInt(p.PayerID, 10))}},
		Provider:   ref("Organization", practiceID),
		Outcome:    outcome,
		Payment: &fm.ExplanationOfBenefitPayment{
			Date: fdate(p.PaidOn), Amount: money(p.Paid),
			Identifier: &fm.Identifier{System: ptr("urn:openrcm:835-trace"), Value: ptr(p.Trace)},
		},
		Total: []fm.ExplanationOfBenefitTotal{
			{Category: category("submitted"), Amount: *money(p.Charge)},
			{Category: category("benefit"), Amount: *money(p.Paid)},
			{Category: coding("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication", "paidbypatient", ""), Amount: *money(p.PatientResponsibility)},
		},
	}
	if p.PatientID != 0 {
		r.Patient = ref("Patient", p.PatientID)
	}
	if c != nil {
		r.Claim = ptr(ref("Claim", c.ID))
		r.Insurance = []fm.ExplanationOfBenefitInsurance{{Focal: true, Coverage: ref("Coverage", c.CoverageID)}}
		r.BillablePeriod = &fm.Period{Start: fdate(c.DateOfService), End: fdate(c.DateOfService)}
		for i, d := range c.Diagnoses {
			r.Diagnosis = append(r.Diagnosis, fm.ExplanationOfBenefitDiagnosis{Sequence: i + 1, DiagnosisCodeableConcept: coding(SystemICD10CM, d.Code, "")})
		}
	}
	if p.Paid == 0 && p.Status == "4" {
		r.Disposition = ptr("Denied")
	}
	for _, a := range p.Adjustments {
		r.Adjudication = append(r.Adjudication, adjustment(a))
	}
	for i, l := range p.Lines {
		it := fm.ExplanationOfBenefitItem{
			Sequence:         i + 1,
			ProductOrService: coding(procedure(l.Code), l.Code, ""),
			ServicedDate:     fdate(l.DateOfService),
			Quantity:         &fm.Quantity{Value: ptr(json.Number(strconv.Itoa(l.Units)))},
			Adjudication: []fm.ExplanationOfBenefitItemAdjudication{
				{Category: category("submitted"), Amount: money(l.Charge)},
				{Category: category("benefit"), Amount: money(l.Paid)},
				{Category: coding("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication", "paidtoprovider", ""), Amount: money(l.Paid)},
				{Category: coding("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication", "memberliability", ""), Amount: money(l.PatientShare())},
			},
		}
		if it.ServicedDate == nil && c != nil {
			it.ServicedDate = fdate(c.DateOfService)
		}
		if l.HasAllowed {
			it.Adjudication = append(it.Adjudication, fm.ExplanationOfBenefitItemAdjudication{Category: category("eligible"), Amount: money(l.Allowed)})
		}
		for _, m := range l.Modifiers {
			it.Modifier = append(it.Modifier, coding(SystemCPT, m, ""))
		}
		if c != nil && i < len(p.ClaimLines) && p.ClaimLines[i] > 0 && p.ClaimLines[i] <= len(c.Lines) {
			it.DiagnosisSequence = c.Lines[p.ClaimLines[i]-1].Pointers
		}
		for _, a := range l.Adjustments {
			it.Adjudication = append(it.Adjudication, adjustment(a))
		}
		r.Item = append(r.Item, it)
	}
	return r
}

// adjustment is one CAS adjustment: category by group (CO contractual ->
// the adjustment reason, PR -> member liability ...), the CARC as the
// reason, and the amount.
func adjustment(a rcm.Adjustment) fm.ExplanationOfBenefitItemAdjudication {
	cat := category("denialreason")
	switch a.Group {
	case "PR":
		cat = coding("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication", "memberliability", "")
	case "CO", "PI", "OA", "CR":
		cat = coding(SystemGroupX12, a.Group, "")
	}
	return fm.ExplanationOfBenefitItemAdjudication{
		Category: cat,
		Reason:   ptr(coding(SystemCARC, a.Reason, "")),
		Amount:   money(a.Amount),
	}
}

// Marshal writes a resource as JSON, dropping the empty objects the model
// types leave for unset required choices (such as diagnosisReference
// beside diagnosisCodeableConcept), which FHIR forbids.
func Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&tree); err != nil {
		return nil, err
	}
	return json.Marshal(prune(tree))
}

func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			x = prune(x)
			if m, ok := x.(map[string]any); ok && len(m) == 0 {
				delete(t, k)
				continue
			}
			t[k] = x
		}
		return t
	case []any:
		for i := range t {
			t[i] = prune(t[i])
		}
	}
	return v
}
