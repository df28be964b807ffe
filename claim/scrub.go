package claim

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/nucc"
	"github.com/openrcm/openrcm/x12"
)

// CompletenessRules are the scrubber's own rules: what the 837P guide
// (005010X222A1) requires of every professional claim, and what payers
// reject before adjudication. Each finding names one of them.
var CompletenessRules = []edit.Rule{
	{ID: "CLM-NPI-BILLING", Family: "completeness", Severity: edit.Error, Summary: "billing provider NPI fails the check digit", Source: "837P 2010AA NM109; 45 CFR 162.406"},
	{ID: "CLM-NPI-RENDERING", Family: "completeness", Severity: edit.Error, Summary: "rendering provider NPI fails the check digit", Source: "837P 2310B NM109"},
	{ID: "CLM-TIN", Family: "completeness", Severity: edit.Error, Summary: "billing provider tax ID is not nine digits", Source: "837P 2010AA REF02 (REF01 EI)"},
	{ID: "CLM-TAXONOMY", Family: "completeness", Severity: edit.Error, Summary: "provider taxonomy code not in the NUCC code set", Source: "837P 2000A PRV03, 2310B PRV03; NUCC taxonomy"},
	{ID: "CLM-ZIP9", Family: "completeness", Severity: edit.Error, Summary: "billing provider ZIP code lacks the +4", Source: "837P 2010AA N403: nine-digit ZIP required"},
	{ID: "CLM-POBOX", Family: "completeness", Severity: edit.Error, Summary: "billing provider address is a post office box", Source: "837P 2010AA N301: must be a street address; use 2010AB pay-to for a PO Box"},
	{ID: "CLM-SUBSCRIBER", Family: "completeness", Severity: edit.Error, Summary: "subscriber data incomplete", Source: "837P 2010BA NM1, N3, N4, DMG"},
	{ID: "CLM-COVERAGE", Family: "completeness", Severity: edit.Error, Summary: "coverage not in force on the date of service", Source: "payer eligibility; CARC 27"},
	{ID: "CLM-DOS", Family: "completeness", Severity: edit.Error, Summary: "date of service in the future or before birth", Source: "837P 2400 DTP*472"},
	{ID: "CLM-DX", Family: "completeness", Severity: edit.Error, Summary: "no diagnosis, or more than twelve", Source: "837P 2300 HI: 1 to 12 diagnosis codes"},
	{ID: "CLM-POINTER", Family: "completeness", Severity: edit.Error, Summary: "diagnosis pointer does not point at a diagnosis", Source: "837P 2400 SV107"},
	{ID: "CLM-CHARGE", Family: "completeness", Severity: edit.Warning, Summary: "service line billed at zero", Source: "837P 2400 SV102"},
	{ID: "CLM-LINES", Family: "completeness", Severity: edit.Error, Summary: "no service lines, or more than fifty", Source: "837P 2400 LX: 1 to 50 lines"},
	{ID: "CLM-FREQUENCY", Family: "completeness", Severity: edit.Error, Summary: "replacement or void without the payer's claim number", Source: "837P 2300 REF*F8, CLM05-3"},
	{ID: "CLM-ACCIDENT", Family: "completeness", Severity: edit.Error, Summary: "accident without its state or date", Source: "837P 2300 CLM11-4 (auto accident), DTP*439 (auto or other accident)"},
	{ID: "CLM-MSP", Family: "completeness", Severity: edit.Error, Summary: "Medicare billed as a secondary payer without the Medicare Secondary Payer type", Source: "837P 2000B SBR05"},
	{ID: "PAYER-TIMELY", Family: "payer", Severity: edit.Error, Summary: "past the payer's timely filing limit", Source: "payer contract; CARC 29"},
	{ID: "PAYER-RULE", Family: "payer", Severity: edit.Error, Summary: "a rule the payer added", Source: "payer companion guide"},
}

// PayerRule and its kinds live in the domain package; these names keep
// the scrubber's tests short.
const (
	RequirePriorAuth = rcm.RequirePriorAuth
	RequireReferral  = rcm.RequireReferral
	RequireNDC       = rcm.RequireNDC
	RequireModifier  = rcm.RequireModifier
)

// TaxonomyList tells whether a provider taxonomy code is in the NUCC code
// set in force on a date; loaded is false when no list covers the date.
type TaxonomyList interface {
	KnownTaxonomy(code string, on rcm.Date) (listed, loaded bool)
}

// CodeChecker checks a claim's codes against the code sets in force on the
// date of service (validity, Excludes1, manifestation order, 7th
// characters, age and sex).
type CodeChecker interface {
	CheckCodes(b *Bundle) []edit.Finding
}

// Scrubber runs every edit a claim must pass before it may be submitted.
// Fields left nil skip their family (and say so nowhere: callers choose).
type Scrubber struct {
	// Today is the date the claim would be sent, for timely filing.
	Today rcm.Date
	// Taxonomy is the NUCC code set; nil (or no list loaded) checks the
	// code's shape only.
	Taxonomy TaxonomyList
	Codes    CodeChecker
	// NCCI runs procedure-to-procedure and unit edits over the lines.
	NCCI *edit.Engine
	// RevenueCodes and FacilityNCCI serve institutional claims: the
	// revenue code list (nil checks the shape only) and the outpatient
	// hospital NCCI edits.
	RevenueCodes RevenueCodeList
	FacilityNCCI FacilityEdits
	// Eligibility reads the latest 271 stored on the claim's coverage;
	// nil leaves eligibility unchecked.
	Eligibility EligibilityLookup
}

// Scrub returns every finding for the claim, errors first. A claim with an
// error finding may not become ready.
func (s *Scrubber) Scrub(b *Bundle) []edit.Finding {
	var fs []edit.Finding
	add := func(rule string, lines []int, format string, fix string, args ...any) {
		sev := edit.Error
		for _, r := range CompletenessRules {
			if r.ID == rule {
				sev = r.Severity
			}
		}
		fs = append(fs, edit.Finding{Rule: rule, Severity: sev, Lines: lines, DateOfService: b.Claim.DateOfService,
			Message: fmt.Sprintf(format, args...), Fix: fix})
	}
	c := b.Claim
	if !rcm.ValidNPI(b.Practice.NPI) {
		add("CLM-NPI-BILLING", nil, "Billing provider NPI %s fails the NPI check digit.", "Correct the practice's NPI from its NPPES record.", b.Practice.NPI)
	}
	if !rcm.ValidNPI(b.Rendering.NPI) {
		add("CLM-NPI-RENDERING", nil, "Rendering provider %s %s has NPI %s, which fails the check digit.", "Correct the provider's NPI from NPPES.",
			b.Rendering.FirstName, b.Rendering.LastName, b.Rendering.NPI)
	}
	if _, ok := rcm.NormalizeTIN(b.Practice.TIN); !ok {
		add("CLM-TIN", nil, "Billing provider tax ID %q is not a valid nine-digit EIN.", "Enter the practice's EIN as on its IRS letter.", b.Practice.TIN)
	}
	for _, tx := range []struct{ who, code string }{{"billing provider", b.Practice.Taxonomy}, {"rendering provider", b.Rendering.Taxonomy}} {
		if tx.code == "" {
			continue
		}
		known := nucc.ValidFormat(tx.code)
		if known && s.Taxonomy != nil {
			if listed, loaded := s.Taxonomy.KnownTaxonomy(tx.code, c.DateOfService); loaded {
				known = listed
			}
		}
		if !known {
			add("CLM-TAXONOMY", nil, "The %s's taxonomy code %s is not in the NUCC code set.", "Use the provider's taxonomy as registered in NPPES.", tx.who, tx.code)
		}
	}
	zip, _ := rcm.NormalizeZIP(b.Practice.Address.ZIP)
	if len(zip) != 9 {
		add("CLM-ZIP9", nil, "Billing provider ZIP %s has five digits; the 837P requires ZIP+4 for the billing provider.", "Add the four-digit extension (look it up with USPS).", b.Practice.Address.ZIP)
	}
	if x12.IsBoxAddress(b.Practice.Address.Line1) || x12.IsBoxAddress(b.Practice.Address.Line2) {
		add("CLM-POBOX", nil, "Billing provider address %q is a post office box.", "Use the practice's street address; send the PO Box as the pay-to address.", b.Practice.Address.Line1)
	}
	if !rcm.ValidMemberID(b.Coverage.MemberID) {
		add("CLM-SUBSCRIBER", nil, "Member ID %q cannot be sent.", "Copy the member ID from the insurance card.", b.Coverage.MemberID)
	}
	if b.Coverage.Relationship != "18" && b.Coverage.Subscriber == nil {
		add("CLM-SUBSCRIBER", nil, "The patient is not the subscriber, but the subscriber's name and birth date are missing.", "Enter the subscriber from the insurance card.")
	}
	if !b.Coverage.ActiveOn(c.DateOfService) {
		add("CLM-COVERAGE", nil, "The coverage with %s is not in force on %s.", "Check eligibility; bill the coverage in force or the patient.", b.Payer.Name, c.DateOfService)
	}
	if !s.Today.IsZero() && c.DateOfService.After(s.Today) {
		add("CLM-DOS", nil, "The date of service %s is in the future.", "Bill after the service is rendered.", c.DateOfService)
	}
	if c.DateOfService.Before(b.Patient.BirthDate) {
		add("CLM-DOS", nil, "The date of service %s is before the patient's birth date %s.", "Correct the date of service or the birth date.", c.DateOfService, b.Patient.BirthDate)
	}
	if n := len(c.Diagnoses); n == 0 || n > rcm.MaxDiagnoses {
		add("CLM-DX", nil, "The claim has %d diagnoses; an 837P carries 1 to 12.", "Code the diagnoses that support the services, most important first.", n)
	}
	if n := len(c.Lines); n == 0 || n > rcm.MaxLines {
		add("CLM-LINES", nil, "The claim has %d service lines; an 837P carries 1 to 50.", "Split the services into several claims.", n)
	}
	if c.Frequency != rcm.FrequencyOriginal && c.PayerClaimNumber == "" {
		add("CLM-FREQUENCY", nil, "A %s claim needs the payer's claim number of the claim it corrects.", "Copy the payer claim control number from the 835 (CLP07).",
			map[string]string{"7": "replacement", "8": "void"}[c.Frequency])
	}
	if b.Coverage.Order > 1 && isMedicare(b.Payer) && b.Coverage.InsuranceType == "" {
		add("CLM-MSP", nil, "%s is billed after another payer, so Medicare needs to know why that payer is primary.",
			"Record the Medicare Secondary Payer type on the coverage (12 working aged, 13 ESRD, 14 no-fault, 15 workers' compensation, 43 disabled, 47 other liability, ...).",
			b.Payer.Name)
	}
	if c.AccidentCause == "AA" && c.AccidentState == "" {
		add("CLM-ACCIDENT", nil, "An auto accident claim needs the state where the accident happened.", "Enter the two-letter state of the accident (CLM11-4).")
	}
	if (c.AccidentCause == "AA" || c.AccidentCause == "OA") && c.AccidentDate.IsZero() {
		add("CLM-ACCIDENT", nil, "An accident claim needs the date of the accident.", "Enter the accident date (DTP*439).")
	}
	for i, l := range c.Lines {
		n := i + 1
		// Institutional lines carry no diagnosis pointers (SV2 has none).
		if len(l.Pointers) == 0 && c.Institutional == nil {
			add("CLM-POINTER", []int{n}, "Line %d (%s) points at no diagnosis.", "Point the line at the diagnosis that supports it.", n, l.Code)
		}
		for _, p := range l.Pointers {
			if p < 1 || p > len(c.Diagnoses) {
				add("CLM-POINTER", []int{n}, "Line %d (%s) points at diagnosis %d, but the claim has %d.", "Point the line at one of the listed diagnoses.", n, l.Code, p, len(c.Diagnoses))
			}
		}
		if l.Charge == 0 {
			add("CLM-CHARGE", []int{n}, "Line %d (%s) is billed at $0.00.", "Price it from the fee schedule, or leave it off if not billable.", n, l.Code)
		}
	}
	if days := b.Payer.TimelyFilingDays; days > 0 && !s.Today.IsZero() && s.Today.DaysSince(c.DateOfService) > days {
		add("PAYER-TIMELY", nil, "%s accepts claims within %d days of the service; %s is %d days ago.",
			"Send it anyway only with proof of timely filing (an earlier acceptance report); else write it off.",
			b.Payer.Name, days, c.DateOfService, s.Today.DaysSince(c.DateOfService))
	}
	for _, r := range b.Payer.Rules {
		fs = append(fs, checkPayerRule(r, b)...)
	}
	if s.Codes != nil {
		fs = append(fs, s.Codes.CheckCodes(b)...)
	}
	fs = append(fs, checkEligibility(b)...)
	if c.Institutional != nil {
		fs = append(fs, s.scrubInstitutional(b)...)
	} else if s.NCCI != nil {
		lines := make([]rcm.ServiceLine, len(c.Lines))
		for i, l := range c.Lines {
			lines[i] = l.ServiceLine
		}
		fs = append(fs, s.NCCI.Check(&edit.Claim{DateOfService: c.DateOfService, Lines: lines})...)
	}
	slices.SortStableFunc(fs, func(a, b edit.Finding) int {
		if a.Severity != b.Severity {
			if a.Severity == edit.Error {
				return -1
			}
			return 1
		}
		return 0
	})
	return fs
}

func appliesTo(r rcm.PayerRule, code string) bool {
	if len(r.Codes) == 0 {
		return true
	}
	for _, c := range r.Codes {
		if strings.HasPrefix(code, c) {
			return true
		}
	}
	return false
}

func checkPayerRule(r rcm.PayerRule, b *Bundle) []edit.Finding {
	var fs []edit.Finding
	fix := r.Fix
	if fix == "" {
		fix = map[string]string{
			RequireNDC:       "Enter the NDC from the vial or package billed (11 digits, 5-4-2).",
			RequireModifier:  "Add modifier " + r.Modifier + " if the service qualifies; else check the payer's policy.",
			RequirePriorAuth: "Record the payer's prior authorization on the patient's coverage (number, codes, units, dates) and build the claim again; if one is recorded, check its dates and units: it may have expired or been used up.",
			RequireReferral:  "Record the referral on the patient's coverage (number, referring provider's NPI, dates) and build the claim again; if one is recorded, check its dates.",
		}[r.Kind]
	}
	add := func(lines []int, msg string) {
		fs = append(fs, edit.Finding{Rule: "PAYER-RULE", Severity: edit.Error, Lines: lines, DateOfService: b.Claim.DateOfService,
			Message: fmt.Sprintf("%s (%s): %s", b.Payer.Name, r.Name, msg), Fix: fix})
	}
	var lines []int
	for i, l := range b.Claim.Lines {
		if !appliesTo(r, l.Code) {
			continue
		}
		switch r.Kind {
		case RequireNDC:
			if l.NDC == "" {
				add([]int{i + 1}, fmt.Sprintf("line %d (%s) needs the drug's NDC.", i+1, l.Code))
			}
		case RequireModifier:
			if !slices.Contains(l.Modifiers, r.Modifier) {
				add([]int{i + 1}, fmt.Sprintf("line %d (%s) needs modifier %s.", i+1, l.Code, r.Modifier))
			}
		default:
			lines = append(lines, i+1)
		}
	}
	if len(lines) > 0 {
		switch {
		case r.Kind == RequirePriorAuth && b.Claim.PriorAuth == "":
			add(lines, "these services need a prior authorization number.")
		case r.Kind == RequireReferral && b.Claim.Referral == "":
			add(lines, "these services need a referral number.")
		}
	}
	return fs
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []edit.Finding) bool {
	for _, f := range fs {
		if f.Severity == edit.Error {
			return true
		}
	}
	return false
}

// ScrubServices are the stores scrubbing a stored claim needs.
type ScrubServices interface {
	Services
	rcm.ScrubService
}

// ScrubClaim scrubs a stored claim, records the findings and returns them
// with the claim's resulting state (ready when no finding is an error).
func ScrubClaim(ctx context.Context, svc ScrubServices, s *Scrubber, claimID int64) ([]edit.Finding, string, error) {
	b, err := Load(ctx, svc, claimID)
	if err != nil {
		return nil, "", err
	}
	if err := s.lookUpEligibility(ctx, b); err != nil {
		return nil, "", err
	}
	fs := s.Scrub(b)
	stored := make([]rcm.ClaimFinding, len(fs))
	for i, f := range fs {
		stored[i] = rcm.ClaimFinding{Rule: f.Rule, Severity: string(f.Severity), Lines: f.Lines, Message: f.Message, Fix: f.Fix}
	}
	state, err := svc.RecordScrub(ctx, claimID, stored)
	return fs, state, err
}
