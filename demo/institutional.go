package demo

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/x12"
)

// The facility side of the demo: an ambulatory surgery center in the same
// organization bills three outpatient surgeries on the institutional claim.
// They go out as 837I files, come back as 835s, post, and print as UB-04s.

// ascCase is one day-surgery case: diagnoses, and lines with the revenue
// code of the department and the HCPCS/CPT code where there is one.
type ascCase struct {
	dx    []string
	lines []ascLine
}

type ascLine struct {
	revenue, code string
	modifiers     []string
	units         int
	// charge, when set, is the charge the chargemaster gave the line;
	// else the claim builder prices it from the fee schedule.
	charge rcm.Money
}

var ascCases = []ascCase{
	// A screening colonoscopy that found diverticulosis: the procedure
	// room with its CPT code, supplies and anesthesia by revenue code.
	{[]string{"Z12.11", "K57.30"}, []ascLine{{"0490", "45378", nil, 1, 0}, {"0272", "", nil, 1, 0}, {"0370", "", nil, 1, 0}}},
	// A knee injection: the coder leaves the drug line's HCPCS off, which
	// the scrubber catches (revenue code 0636 needs it).
	{[]string{"M17.11"}, []ascLine{{"0490", "20610", []string{"RT"}, 1, 0}, {"0636", "", nil, 4, 4800}}},
	// An abscess drained: the Medicaid-like payer does not pay supplies
	// apart from the procedure (CO-96).
	{[]string{"L02.91"}, []ascLine{{"0490", "10060", nil, 1, 0}, {"0272", "", nil, 1, 0}}},
}

// ascFees are the center's charges, by CPT/HCPCS code or, for lines
// without one, by revenue code.
var ascFees = map[string]rcm.Money{"45378": 145000, "20610": 42000, "10060": 38000, "J3301": 1200, "0272": 18000, "0370": 35000}

func (r *run) institutional(ctx context.Context) (context.Context, error) {
	rnd := rcm.NewRand(r.opt.Seed + 17) // its own stream: the rest of the story stays as it was
	npi := func() string {
		stem := fmt.Sprintf("1%08d", rnd.IntN(1e8))
		return stem + string(rcm.NPICheckDigit(stem))
	}
	addr := rcm.Address{Line1: "410 Harbor Way", City: "Springfield", State: "IL", ZIP: "627014107"}
	asc := &rcm.Practice{Name: "Harbor Surgery Center", NPI: npi(), TIN: "36-4815170", Taxonomy: "261QA1903X", Address: addr, Phone: "2175550190"}
	if err := r.db.CreatePractice(ctx, asc); err != nil {
		return ctx, err
	}
	fac := &rcm.Facility{Name: asc.Name, NPI: asc.NPI, Taxonomy: asc.Taxonomy, Kind: rcm.FacilityASC, Address: addr}
	if err := r.db.CreateFacility(ctx, fac); err != nil {
		return ctx, err
	}
	surgeon := &rcm.Provider{PracticeID: asc.ID, FirstName: "Lena", LastName: "Varga", NPI: npi(), Taxonomy: "208600000X"}
	if err := r.db.CreateProvider(ctx, surgeon); err != nil {
		return ctx, err
	}
	for _, code := range slices.Sorted(maps.Keys(ascFees)) {
		if err := r.db.SetFee(ctx, rcm.FeeScheduleEntry{Code: code, Charge: ascFees[code], EffectiveFrom: rcm.Date{Year: 2025, Month: 1, Day: 1}}); err != nil {
			return ctx, err
		}
	}
	r.printf("Facility: %s (ambulatory surgery center, taxonomy %s), NPI %s; bills type 0831 on the 837I and UB-04", asc.Name, asc.Taxonomy, asc.NPI)
	r.printf("  attending surgeon Dr. %s %s, NPI %s", surgeon.FirstName, surgeon.LastName, surgeon.NPI)

	// Two patients of the PPO (not the one whose plan ended) and one of
	// the Medicaid-like payer.
	pts := r.ascPatients()
	if len(pts) < len(ascCases) {
		r.printf("not enough patients for the surgery center's cases")
		return ctx, nil
	}
	var claims []*rcm.Claim
	for i, cs := range ascCases {
		dos := rcm.DateOf(Start).AddDays(-20 + 3*i)
		e := &rcm.Encounter{PatientID: pts[i].ID, PracticeID: asc.ID, RenderingProviderID: surgeon.ID, FacilityID: fac.ID,
			DateOfService: dos, PlaceOfService: "24", Status: rcm.EncounterCoded, Note: "Day surgery at the surgery center.",
			Institutional: &rcm.Institutional{TypeOfBill: "0831", StatementFrom: dos, StatementTo: dos, AdmissionType: "3", AdmissionSource: "1",
				PatientStatus: "01", AttendingProviderID: surgeon.ID}}
		for _, d := range cs.dx {
			e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: d})
		}
		for _, l := range cs.lines {
			e.Lines = append(e.Lines, rcm.ServiceLine{Code: l.code, Modifiers: l.modifiers, Units: l.units, Charge: l.charge})
			e.Institutional.Lines = append(e.Institutional.Lines, rcm.RevenueLine{RevenueCode: l.revenue})
		}
		if err := r.db.CreateEncounter(ctx, e); err != nil {
			return ctx, fmt.Errorf("surgery center encounter for %s: %w", pts[i].AccountNumber, err)
		}
		c, err := claim.Build(ctx, r.db, e.ID, 1)
		if err != nil {
			return ctx, err
		}
		if err := r.db.CreateClaim(ctx, c); err != nil {
			return ctx, err
		}
		e.Status = rcm.EncounterBilled
		if err := r.db.UpdateEncounter(ctx, e); err != nil {
			return ctx, err
		}
		claims = append(claims, c)
		r.printf("claim %s  %s  TOB %s  %d lines  %s", c.ControlNumber, r.payerOf(c.PayerID).Name, c.Institutional.TypeOfBill, len(c.Lines), c.TotalCharge().Dollars())
	}

	// Scrub; fix what the scrubber finds (the drug line's HCPCS) on a
	// corrected copy, as the professional claims were fixed.
	s := r.scrubber()
	for i, c := range claims {
		fs, state, err := claim.ScrubClaim(ctx, r.db, s, c.ID)
		if err != nil {
			return ctx, err
		}
		if state == rcm.ClaimReady {
			continue
		}
		fixed := *c
		fixed.Lines = append([]rcm.ClaimLine(nil), c.Lines...)
		changed := false
		for _, f := range fs {
			r.printf("  %-16s %-7s %s", f.Rule, f.Severity, f.Message)
			r.printf("  %-16s fix: %s", "", f.Fix)
			if f.Rule == "INST-HCPCS" && len(f.Lines) == 1 {
				n := f.Lines[0] - 1
				fixed.Lines[n].Code = "J3301"
				fixed.Lines[n].Charge = ascFees["J3301"] * rcm.Money(fixed.Lines[n].Units)
				changed = true
				r.printf("claim %s: line %d revenue code 0636 gets HCPCS J3301 (triamcinolone 10 mg) x%d, %s", c.ControlNumber, n+1, fixed.Lines[n].Units, fixed.Lines[n].Charge.Dollars())
			}
		}
		if !changed {
			return ctx, fmt.Errorf("surgery center claim %s did not scrub clean", c.ControlNumber)
		}
		if err := r.db.MoveClaim(ctx, c.ID, rcm.ClaimVoided, "corrected before submission"); err != nil {
			return ctx, err
		}
		fixed.ID, fixed.History, fixed.State = 0, nil, ""
		fixed.ControlNumber = c.ControlNumber + "C"
		if err := r.db.CreateClaim(ctx, &fixed); err != nil {
			return ctx, err
		}
		if _, state, err := claim.ScrubClaim(ctx, r.db, s, fixed.ID); err != nil || state != rcm.ClaimReady {
			return ctx, fmt.Errorf("corrected claim %s: state %s, %v", fixed.ControlNumber, state, err)
		}
		claims[i] = &fixed
	}
	r.printf("scrubbed: %d facility claims ready", len(claims))

	if err := r.submitInstitutional(ctx, "asc"); err != nil {
		return ctx, err
	}
	if _, err := r.exchange(ctx); err != nil {
		return ctx, err
	}
	for _, c := range claims {
		got, err := r.db.FindClaimByID(ctx, c.ID)
		if err != nil {
			return ctx, err
		}
		b, err := claim.Load(ctx, r.db, c.ID)
		if err != nil {
			return ctx, err
		}
		var buf bytes.Buffer
		if err := pdf.UB04(&buf, b, pdf.Options{SignedOn: rcm.DateOf(Start)}); err != nil {
			return ctx, err
		}
		name := "UB04-" + got.ControlNumber + ".pdf"
		r.printf("claim %s is %s; UB-04 %s (%d bytes)", got.ControlNumber, got.State, name, buf.Len())
		if r.opt.Out != "" {
			if err := os.WriteFile(filepath.Join(r.opt.Out, name), buf.Bytes(), 0o644); err != nil {
				return ctx, err
			}
		}
	}
	return ctx, nil
}

// ascPatients picks the surgery center's patients: two PPO members whose
// plans are in force and a Medicaid member.
func (r *run) ascPatients() []*rcm.Patient {
	var ppo, mcd []*rcm.Patient
	for _, c := range r.res.Coverages {
		if c.Order != 1 {
			continue
		}
		switch r.payerOf(c.PayerID).FilingIndicator {
		case "12":
			ppo = append(ppo, r.patient(c.PatientID))
		case "MC":
			mcd = append(mcd, r.patient(c.PatientID))
		}
	}
	// The sandbox ends the plan of the first PPO member after the first
	// patient: take the last two.
	if len(ppo) < 3 || len(mcd) < 1 {
		return nil
	}
	return []*rcm.Patient{ppo[len(ppo)-1], ppo[len(ppo)-2], mcd[len(mcd)-1]}
}

// submitInstitutional sends the ready institutional claims, an 837I batch
// per payer, validates each file and writes it under --out.
func (r *run) submitInstitutional(ctx context.Context, step string) error {
	_, t, err := r.sandbox()
	if err != nil {
		return err
	}
	ch, err := r.db.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	p := claim.PartnerOf(ch)
	for _, py := range r.res.Payers {
		key := fmt.Sprintf("%s-%s-%s", step, rcm.DateOf(Start), py.PayerID)
		sub, err := claim.SubmitInstitutional(ctx, r.db, t, p, py.ID, key, r.db.Clock.Now())
		if err != nil {
			return err
		}
		if sub == nil {
			continue
		}
		res := (&x12.Validator{Situational: true}).Validate(bytes.NewReader(sub.Content))
		verdict := "valid " + claim.Version837I
		if !res.Valid() {
			verdict = fmt.Sprintf("INVALID: %d findings", len(res.Findings))
		}
		r.printf("%-34s %2d claims  %s  %6d bytes  %s", py.Name, len(sub.ClaimIDs), sub.FileName, len(sub.Content), verdict)
		if r.opt.Out != "" {
			if err := os.WriteFile(filepath.Join(r.opt.Out, sub.FileName), sub.Content, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
