// Package demo runs OpenRCM's revenue cycle on a sample practice: it sets up
// a billing provider, rendering providers, payers and patients, codes
// encounters, and walks them as far through the cycle as the system goes,
// printing a short summary of each step. The same seed prints the same
// story, byte for byte.
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/payer"
	"github.com/openrcm/openrcm/sqldb"
)

// Options configure a demo run.
type Options struct {
	Seed uint64
	// Out, when set, is a directory that receives every file the cycle
	// produced (X12, PDF).
	Out string
	// Patients is how many patients to register (default 20).
	Patients int
	// Clearinghouse is the folder the directory transport uses (outbound,
	// inbound and archive below it).
	Clearinghouse string
}

// Start is the demo's fixed "now": every timestamp it writes comes from a
// clock starting here, so a rerun with the same seed is identical.
var Start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// AdminUsername and AdminPassword sign in to `rcm serve` after a demo run
// with --db. They are printed by the demo; they protect only sample data.
const (
	AdminUsername = "demo.admin"
	AdminPassword = "openrcm-demo-password"
)

// Result is what a run made, for the caller and for tests.
type Result struct {
	Org        *rcm.Organization
	Practice   *rcm.Practice
	Providers  []*rcm.Provider
	Payers     []*rcm.Payer
	Patients   []*rcm.Patient
	Coverages  []*rcm.Coverage
	Encounters []*rcm.Encounter
}

// Run runs the demo against db, printing to w.
func Run(ctx context.Context, db *sqldb.DB, w io.Writer, opt Options) (*Result, error) {
	if opt.Patients <= 0 {
		opt.Patients = 20
	}
	db.Clock = rcm.NewStepClock(Start)
	r := &run{db: db, w: w, opt: opt, rnd: rcm.NewRand(opt.Seed), res: &Result{}}
	fmt.Fprintf(w, "OpenRCM demo (seed %d)\n", opt.Seed)
	steps := []struct {
		title string
		fn    func(ctx context.Context) (context.Context, error)
	}{
		{"Practice set-up", r.setup},
		{"Patient registration", r.registerPatients},
		{"Eligibility checked with the payers (270 out, 271 back)", r.checkEligibility},
		{"Visits documented and coded", r.codeEncounters},
		{"Claims built and scrubbed", r.buildAndScrub},
		{"Findings fixed and claims scrubbed again", r.fixAndRescrub},
		{"837P batches submitted to the clearinghouse", r.submit},
		{"Payer contracts imported: what each payer agreed to allow", r.contracts},
		{"Payers answer: 999, 277CA and 835 read back and posted", r.adjudicate},
		{"The same 835s posted again", r.repost},
		{"A denied claim corrected and re-adjudicated", r.correct},
		{"Secondary claims from the primary payer's 835", r.secondaries},
		{"Ambulatory surgery center: 837I claims, 835s, UB-04s", r.institutional},
		{"The A/R desk: claim status, denials worked, an appeal", r.arDesk},
		{"Underpaid lines flagged against the contracts", r.underpayments},
		{"Scheduled work: the clearinghouse poll runs by itself", r.scheduledPoll},
		{"Patients pay at the front desk", r.patientPayments},
		{"An overpayment held as credit and refunded", r.credits},
		{"Statement run: every patient still owing gets a statement to mail", r.statementRun},
		{"Money", r.money},
		{"Audit log", r.checkAudit},
		{"The manager's numbers", r.managerNumbers},
		{"Visits coded from their notes: suggestions accepted with their evidence", r.codeFromNotes},
		{"A coding audit of the coder's visits, the suggestions scored beside", r.codingAudit},
	}
	for i, s := range steps {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.title)
		var err error
		if ctx, err = s.fn(ctx); err != nil {
			return r.res, fmt.Errorf("demo step %q: %w", s.title, err)
		}
	}
	return r.res, nil
}

type run struct {
	opt     Options
	claims  []*rcm.Claim
	payers  *payer.Server
	mailbox clearinghouse.Transport
	files   map[string][]byte
	db      *sqldb.DB
	w       io.Writer
	rnd     *rand.Rand
	res     *Result
}

func (r *run) printf(format string, args ...any) { fmt.Fprintf(r.w, "   "+format+"\n", args...) }

// npi makes a valid synthetic NPI from a random nine-digit stem.
func (r *run) npi() string {
	stem := fmt.Sprintf("1%08d", r.rnd.IntN(1e8))
	return stem + string(rcm.NPICheckDigit(stem))
}

func (r *run) setup(ctx context.Context) (context.Context, error) {
	org := &rcm.Organization{Name: "Lakeside Medical Group"}
	if err := r.db.CreateOrganization(ctx, org); err != nil {
		return ctx, err
	}
	admin := &rcm.User{OrgID: org.ID, Username: AdminUsername, Name: "Demo Administrator", Role: rcm.RoleAdmin}
	if err := r.db.CreateUser(ctx, admin, AdminPassword); err != nil {
		return ctx, err
	}
	ctx = rcm.NewContextWithActor(ctx, rcm.Actor{UserID: admin.ID, OrgID: org.ID, Role: rcm.RoleAdmin, Reason: "demo"})
	r.res.Org = org

	p := &rcm.Practice{Name: "Lakeside Family Medicine", NPI: r.npi(), TIN: "36-4815162", Taxonomy: "207Q00000X",
		Address: rcm.Address{Line1: "400 Harbor Way", City: "Springfield", State: "IL", ZIP: "62701"}, Phone: "2175550140"}
	if err := r.db.CreatePractice(ctx, p); err != nil {
		return ctx, err
	}
	r.res.Practice = p
	r.printf("Organization %q, admin user %s (password %q)", org.Name, admin.Username, AdminPassword)
	r.printf("  Admins sign in to the workbench with a second factor: the first sign-in sets up an authenticator app (TOTP).")
	r.printf("Billing provider: %s, NPI %s, TIN %s-%s, taxonomy %s", p.Name, p.NPI, p.TIN[:2], p.TIN[2:], p.Taxonomy)
	r.printf("  %s, %s, %s %s", p.Address.Line1, p.Address.City, p.Address.State, p.Address.ZIP)

	for _, d := range []struct{ first, last, taxonomy, what string }{
		{"Maya", "Okafor", "207Q00000X", "family medicine"},
		{"Daniel", "Reyes", "207R00000X", "internal medicine"},
	} {
		prov := &rcm.Provider{PracticeID: p.ID, FirstName: d.first, LastName: d.last, NPI: r.npi(), Taxonomy: d.taxonomy}
		if err := r.db.CreateProvider(ctx, prov); err != nil {
			return ctx, err
		}
		r.res.Providers = append(r.res.Providers, prov)
		r.printf("Rendering provider: Dr. %s %s (%s), NPI %s", prov.FirstName, prov.LastName, d.what, prov.NPI)
	}
	for _, py := range []*rcm.Payer{
		{Name: "Medicare Part B (sandbox)", PayerID: "SBMCR", FilingIndicator: "MB", TimelyFilingDays: 365},
		{Name: "Prairie Commercial PPO (sandbox)", PayerID: "SBPPO", FilingIndicator: "12", TimelyFilingDays: 180},
		{Name: "Illinois Medicaid (sandbox)", PayerID: "SBMCD", FilingIndicator: "MC", TimelyFilingDays: 180,
			Rules: []rcm.PayerRule{{Name: "NDC on drug lines", Kind: rcm.RequireNDC, Codes: []string{"J"}}}},
	} {
		if err := r.db.CreatePayer(ctx, py); err != nil {
			return ctx, err
		}
		r.res.Payers = append(r.res.Payers, py)
		r.printf("Payer: %-34s payer ID %-6s SBR09 %s (%s), timely filing %d days", py.Name, py.PayerID, py.FilingIndicator,
			rcm.FilingIndicators[py.FilingIndicator], py.TimelyFilingDays)
		for _, rule := range py.Rules {
			r.printf("  payer rule: %s", rule.Name)
		}
	}
	codes := make([]string, 0, len(fees))
	for code := range fees {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		if err := r.db.SetFee(ctx, rcm.FeeScheduleEntry{Code: code, Charge: fees[code], EffectiveFrom: rcm.Date{Year: 2025, Month: 1, Day: 1}}); err != nil {
			return ctx, err
		}
	}
	r.printf("Fee schedule: %d codes", len(codes))
	ch := &rcm.Clearinghouse{SubmitterID: "LAKESIDE01", SubmitterName: "Lakeside Family Medicine", ContactName: "Billing Office",
		ContactPhone: "2175550140", ReceiverID: "SANDBOXCH", ReceiverName: "OpenRCM Sandbox Clearinghouse", Transport: "dir:" + r.opt.Clearinghouse}
	if err := r.db.SetClearinghouse(ctx, ch); err != nil {
		return ctx, err
	}
	r.printf("Clearinghouse: %s (receiver %s), directory transport", ch.ReceiverName, ch.ReceiverID)
	return ctx, nil
}

var (
	firstNames = []string{"Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Harper", "Rowan", "Emerson", "Finley",
		"Sage", "Reese", "Parker", "Hayden", "Skyler", "Dakota", "Elliot", "Kendall", "Logan", "Marlow"}
	lastNames = []string{"Ashgrove", "Birchfield", "Calloway", "Dunmore", "Eastwick", "Fairbanks", "Glenhaven", "Hollister",
		"Ironwood", "Jessup", "Kingsley", "Larkspur", "Merriwether", "Northcott", "Oakhurst", "Pembrook", "Quillen", "Rosedale",
		"Sterling", "Thornbury"}
	streets = []string{"Maple Ave", "Oak St", "Cedar Ln", "Elm Ct", "Walnut Dr", "Spruce Rd", "Willow Way", "Aspen Pl"}
)

func (r *run) registerPatients(ctx context.Context) (context.Context, error) {
	medicare, ppo, medicaid := r.res.Payers[0], r.res.Payers[1], r.res.Payers[2]
	secondaries := 0
	for i := 0; i < r.opt.Patients; i++ {
		sex := []string{rcm.SexFemale, rcm.SexMale}[r.rnd.IntN(2)]
		// A third of the panel is of Medicare age.
		age := 20 + r.rnd.IntN(45)
		if i%3 == 0 {
			age = 66 + r.rnd.IntN(20)
		}
		birth := rcm.Date{Year: 2026 - age, Month: time.Month(1 + r.rnd.IntN(12)), Day: 1 + r.rnd.IntN(28)}
		p := &rcm.Patient{
			AccountNumber: fmt.Sprintf("LFM%05d", 1001+i),
			FirstName:     firstNames[r.rnd.IntN(len(firstNames))],
			LastName:      lastNames[i%len(lastNames)],
			BirthDate:     birth,
			Sex:           sex,
			Address: rcm.Address{Line1: fmt.Sprintf("%d %s", 100+r.rnd.IntN(9800), streets[r.rnd.IntN(len(streets))]),
				City: "Springfield", State: "IL", ZIP: fmt.Sprintf("6270%d", 1+r.rnd.IntN(9))},
			Phone: fmt.Sprintf("217555%04d", r.rnd.IntN(10000)),
		}
		if err := r.db.CreatePatient(ctx, p); err != nil {
			return ctx, err
		}
		r.res.Patients = append(r.res.Patients, p)

		primary := ppo
		switch {
		case age >= 65:
			primary = medicare
		case i%4 == 1:
			primary = medicaid
		}
		covs := []*rcm.Coverage{{PatientID: p.ID, PayerID: primary.ID, Order: 1, MemberID: r.memberID(primary),
			GroupNumber: groupFor(primary), Relationship: "18", EffectiveFrom: rcm.Date{Year: 2025, Month: 1, Day: 1}}}
		// Some Medicare patients carry a commercial supplement as secondary.
		if primary == medicare && i%2 == 0 {
			covs = append(covs, &rcm.Coverage{PatientID: p.ID, PayerID: ppo.ID, Order: 2, MemberID: r.memberID(ppo),
				GroupNumber: groupFor(ppo), Relationship: "18", EffectiveFrom: rcm.Date{Year: 2025, Month: 1, Day: 1}})
			secondaries++
		}
		for _, c := range covs {
			if err := r.db.CreateCoverage(ctx, c); err != nil {
				return ctx, err
			}
			r.res.Coverages = append(r.res.Coverages, c)
		}
	}
	count := map[int64]int{}
	for _, c := range r.res.Coverages {
		if c.Order == 1 {
			count[c.PayerID]++
		}
	}
	r.printf("%d patients registered with %d coverages (%d with a secondary)", len(r.res.Patients), len(r.res.Coverages), secondaries)
	for _, py := range r.res.Payers {
		r.printf("  primary %-34s %2d patients", py.Name, count[py.ID])
	}
	for _, p := range r.res.Patients[:3] {
		r.printf("  e.g. %s  %s, %s  born %s  %s", p.AccountNumber, p.LastName, p.FirstName, p.BirthDate, p.Sex)
	}
	return ctx, nil
}

func (r *run) memberID(p *rcm.Payer) string {
	switch p.FilingIndicator {
	case "MB":
		// Medicare Beneficiary Identifier shape: 1EG4-TE5-MK73 without dashes.
		const letters = "ACDEFGHJKMNPQRTUVWXY"
		b := []byte{byte('1' + r.rnd.IntN(9)), letters[r.rnd.IntN(20)], byte('0' + r.rnd.IntN(10)), byte('0' + r.rnd.IntN(10)),
			letters[r.rnd.IntN(20)], letters[r.rnd.IntN(20)], byte('0' + r.rnd.IntN(10)), letters[r.rnd.IntN(20)], letters[r.rnd.IntN(20)],
			byte('0' + r.rnd.IntN(10)), byte('0' + r.rnd.IntN(10))}
		return string(b)
	case "MC":
		return fmt.Sprintf("IL%09d", r.rnd.IntN(1e9))
	}
	return fmt.Sprintf("PPO%08d", r.rnd.IntN(1e8))
}

func groupFor(p *rcm.Payer) string {
	if p.FilingIndicator == "12" {
		return "GRP2040"
	}
	return ""
}

// visit is a kind of office visit the demo documents and codes: the note,
// the diagnoses in order, and the procedures (CPT/HCPCS code numbers; the
// labels here are the demo's own plain words, not AMA descriptors).
type visit struct {
	note  string
	dx    []string
	lines []visitLine
}

type visitLine struct {
	code      string
	modifiers []string
	units     int
	pointers  []int
}

var visits = []visit{
	{"Established patient, type 2 diabetes without complications and essential hypertension, follow-up; A1c drawn.",
		[]string{"E11.9", "I10"}, []visitLine{{"99214", nil, 1, []int{1, 2}}, {"83036", nil, 1, []int{1}}, {"36415", nil, 1, []int{1}}}},
	{"Sore throat and fever for two days; rapid strep positive. Streptococcal pharyngitis.",
		[]string{"J02.0"}, []visitLine{{"99213", nil, 1, []int{1}}, {"87880", []string{"QW"}, 1, []int{1}}}},
	{"Annual wellness exam, adult, no abnormal findings; influenza vaccine given.",
		[]string{"Z00.00", "Z23"}, []visitLine{{"99396", nil, 1, []int{1}}, {"90686", nil, 1, []int{2}}, {"90471", nil, 1, []int{2}}}},
	{"Low back pain for three weeks after lifting, no radiation; lumbar strain.",
		[]string{"S39.012A", "M54.50"}, []visitLine{{"99213", nil, 1, []int{1, 2}}}},
	{"Burning on urination, urinalysis positive for nitrites; acute cystitis without hematuria.",
		[]string{"N30.00"}, []visitLine{{"99213", nil, 1, []int{1}}, {"81002", nil, 1, []int{1}}}},
	{"Hyperlipidemia follow-up, on statin; lipid panel drawn.",
		[]string{"E78.5"}, []visitLine{{"99213", nil, 1, []int{1}}, {"80061", nil, 1, []int{1}}, {"36415", nil, 1, []int{1}}}},
	{"COPD with acute exacerbation; nebulizer treatment in office.",
		[]string{"J44.1"}, []visitLine{{"99214", []string{"25"}, 1, []int{1}}, {"94640", nil, 1, []int{1}}}},
	{"Depression follow-up, moderate single episode.",
		[]string{"F32.1"}, []visitLine{{"99214", nil, 1, []int{1}}}},
}

// fatigue is a visit whose A1C the Medicare-like payer covers only for
// diabetes and related diagnoses: it comes back denied, and is corrected.
var fatigue = visit{"Tiredness for two months; A1C drawn. Note documents prediabetes on last year's labs.",
	[]string{"R53.83"}, []visitLine{{"99213", nil, 1, []int{1}}, {"83036", nil, 1, []int{1}}, {"36415", nil, 1, []int{1}}}}

// injection is the visit the demo gives its first Medicaid patient: a drug
// billed by HCPCS code, which that payer wants with its NDC.
var injection = visit{"Acute low back pain; ketorolac 15 mg given IM in the office.",
	[]string{"M54.50"}, []visitLine{{"99213", []string{"25"}, 1, []int{1}}, {"96372", nil, 1, []int{1}}, {"J1885", nil, 1, []int{1}}}}

// fees is the demo practice's fee schedule, in cents, by code.
var fees = map[string]rcm.Money{
	"99213": 11000, "99214": 16500, "99396": 21000, "83036": 3500, "36415": 1200, "87880": 2800, "90686": 4200,
	"90471": 2500, "81002": 1500, "80061": 4800, "94640": 6000, "96372": 3000, "J1885": 900,
	"J0696": 800,
}

func (r *run) codeEncounters(ctx context.Context) (context.Context, error) {
	lines := 0
	injected, typo := false, false
	medicare := 0
	for i, p := range r.res.Patients {
		v := visits[r.rnd.IntN(len(visits))]
		switch r.primaryPayer(p.ID).FilingIndicator {
		case "MC":
			if !injected {
				v, injected = injection, true
			}
		case "MB":
			// Two Medicare visits the payer will deny: a preventive exam it
			// does not cover, and a lab test without a covered diagnosis.
			switch medicare {
			case 0:
				v = visits[2]
			case 1:
				v = fatigue
			}
			medicare++
		}
		dos := rcm.DateOf(Start).AddDays(-40 + r.rnd.IntN(35))
		e := &rcm.Encounter{
			PatientID: p.ID, PracticeID: r.res.Practice.ID, RenderingProviderID: r.res.Providers[i%len(r.res.Providers)].ID,
			DateOfService: dos, PlaceOfService: "11", Note: v.note, Status: rcm.EncounterCoded,
		}
		for _, code := range v.dx {
			// One coder slip the scrubber will catch: a hypertension code
			// with a digit too many.
			if code == "I10" && !typo {
				code, typo = "I10.0", true
			}
			e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: code})
		}
		// Charges stay empty: the claim builder prices lines from the fee
		// schedule in force on the date of service.
		for _, l := range v.lines {
			e.Lines = append(e.Lines, rcm.ServiceLine{Code: l.code, Modifiers: l.modifiers, Units: l.units, Pointers: l.pointers})
		}
		r.res.Encounters = append(r.res.Encounters, e)
		lines += len(e.Lines)
	}
	if err := r.documentVisits(ctx); err != nil {
		return ctx, err
	}
	r.printf("%d encounters coded with %d service lines", len(r.res.Encounters), lines)
	for _, e := range r.res.Encounters[:3] {
		var codes []string
		for _, l := range e.Lines {
			c := l.Code
			if len(l.Modifiers) > 0 {
				c += "-" + strings.Join(l.Modifiers, "-")
			}
			codes = append(codes, c)
		}
		var dx []string
		for _, d := range e.Diagnoses {
			dx = append(dx, d.Code)
		}
		r.printf("  e.g. %s  dx %-17s  %s", e.DateOfService, strings.Join(dx, ","), strings.Join(codes, " "))
	}
	return ctx, nil
}

func (r *run) checkAudit(ctx context.Context) (context.Context, error) {
	n, err := r.db.VerifyAuditChain(ctx)
	if err != nil {
		return ctx, err
	}
	r.printf("%d audit events recorded (every read and change of patient data), hash chain verified", n)
	return ctx, nil
}
