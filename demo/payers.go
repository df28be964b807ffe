package demo

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/payer"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/statement"
)

// The payer side of the demo: the sandbox with the sample contracts of its
// three payers and a member file made from the demo's own coverages, so it
// answers the demo's 270s and 837Ps the way payers do.

// terminated is the last covered day of the one PPO member whose plan the
// payer ended: the eligibility check shows it, and the claim is denied.
var terminated = rcm.Date{Year: 2026, Month: 1, Day: 15}

func (r *run) sandbox() (*payer.Server, clearinghouse.Transport, error) {
	if r.payers != nil {
		return r.payers, r.mailbox, nil
	}
	cfg, err := payer.SampleConfig()
	if err != nil {
		return nil, nil, err
	}
	cfg.Members = nil
	ended, medicare := false, 0
	for _, c := range r.res.Coverages {
		p, py := r.patient(c.PatientID), r.payerOf(c.PayerID)
		m := &payer.Member{Payer: py.PayerID, ID: c.MemberID, Last: strings.ToUpper(p.LastName), First: strings.ToUpper(p.FirstName),
			BirthDate: p.BirthDate, Sex: p.Sex, Group: c.GroupNumber, PlanBegin: c.EffectiveFrom}
		switch {
		case py.FilingIndicator == "MB":
			// The member file says which beneficiaries still owe this
			// year's deductible; the others met it at other providers.
			m.Plan, m.Benefits = "MEDICARE PART B", payer.Benefits{Coinsurance: 2000}
			if medicare == 2 || medicare == 3 {
				m.Benefits.Deductible = 25700
			}
			medicare++
		case py.FilingIndicator == "MC":
			m.Plan = "MEDICAID FEE FOR SERVICE"
		case c.Order == 2:
			m.Plan, m.OtherPayerPrimary = "PRAIRIE SUPPLEMENT", r.res.Payers[0].PayerID
			m.Benefits = payer.Benefits{OOPMax: 100000}
		default:
			m.Plan = "PRAIRIE PPO"
			m.Benefits = payer.Benefits{Deductible: 50000, Coinsurance: 2000, OOPMax: 300000, Copays: map[string]rcm.Money{"98": 2500}}
			if !ended && c.PatientID != r.res.Patients[0].ID {
				m.PlanEnd, ended = terminated, true
			}
		}
		cfg.Members = append(cfg.Members, m)
	}
	mb, err := payer.OpenMailbox(r.opt.Clearinghouse)
	if err != nil {
		return nil, nil, err
	}
	eng := payer.NewEngine(cfg, payer.NewState(r.opt.Seed), rcm.NewStepClock(Start.Add(2*time.Hour)))
	r.payers = &payer.Server{Engine: eng, Mailbox: mb}
	r.mailbox, err = clearinghouse.OpenDir(payer.MailboxLayout(r.opt.Clearinghouse))
	return r.payers, r.mailbox, err
}

func (r *run) patient(id int64) *rcm.Patient {
	for _, p := range r.res.Patients {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (r *run) payerOf(id int64) *rcm.Payer {
	for _, p := range r.res.Payers {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// exchange lets the sandbox answer what OpenRCM sent, then reads the
// answers back, printing a line per file.
func (r *run) exchange(ctx context.Context) ([]inbox.File, error) {
	srv, mb, err := r.sandbox()
	if err != nil {
		return nil, err
	}
	n, err := srv.Poll(ctx)
	if err != nil {
		return nil, err
	}
	r.printf("payer sandbox answered %d files", n)
	files, err := inbox.Poll(ctx, r.db, mb)
	for _, f := range files {
		r.printf("  %-38s %-5s %s", f.Name, f.Kind, f.Summary)
		for i, d := range f.Details {
			if i == 3 {
				r.printf("  %-38s       ... and %d more", "", len(f.Details)-3)
				break
			}
			if len(d) > 110 {
				d = d[:107] + "..."
			}
			r.printf("  %-38s       %s", "", d)
		}
	}
	return files, err
}

func (r *run) checkEligibility(ctx context.Context) (context.Context, error) {
	_, mb, err := r.sandbox()
	if err != nil {
		return ctx, err
	}
	var reqs []*eligibility.Request
	for _, c := range r.res.Coverages {
		if c.Order != 1 {
			continue
		}
		reqs = append(reqs, &eligibility.Request{Payer: r.payerOf(c.PayerID), Practice: r.res.Practice, Patient: r.patient(c.PatientID),
			Coverage: c, ServiceTypes: []string{"30"}, DateOfService: rcm.DateOf(Start)})
	}
	name, checks, err := eligibility.Send(ctx, r.db, mb, eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"}, r.res.Org.ID, reqs, r.db.Clock.Now())
	if err != nil {
		return ctx, err
	}
	r.printf("270 %s asks about %d primary coverages", name, len(checks))
	files, err := r.exchange(ctx)
	if err != nil {
		return ctx, err
	}
	active := 0
	for _, f := range files {
		for _, rec := range f.Eligibility {
			if rec.Status == eligibility.Active {
				active++
				continue
			}
			p := r.patient(rec.PatientID)
			r.printf("front desk: %s %s is not covered: %s", p.FirstName, p.LastName, rec.Summary)
		}
	}
	r.printf("%d of %d coverages active", active, len(checks))
	return ctx, nil
}

// states prints how many claims are in each state.
func (r *run) states(ctx context.Context) error {
	cs, err := r.db.FindClaims(ctx, rcm.ClaimFilter{Limit: 1000})
	if err != nil {
		return err
	}
	count := map[string]int{}
	for _, c := range cs {
		count[c.State]++
	}
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(count)) {
		parts = append(parts, fmt.Sprintf("%s %d", s, count[s]))
	}
	r.printf("claims by state: %s", strings.Join(parts, ", "))
	return nil
}

func (r *run) adjudicate(ctx context.Context) (context.Context, error) {
	if _, err := r.exchange(ctx); err != nil {
		return ctx, err
	}
	return ctx, r.states(ctx)
}

// repost posts every 835 already posted once more, as a biller who uploads
// the same ERA twice would: nothing posts the second time.
func (r *run) repost(ctx context.Context) (context.Context, error) {
	archived, err := r.archived835s()
	if err != nil {
		return ctx, err
	}
	for _, name := range archived {
		f := inbox.Apply(ctx, r.db, name, r.files[name])
		r.printf("%s again: %s", name, f.Summary)
	}
	return ctx, nil
}

// archived835s lists the 835s read so far (OpenRCM archives each file it
// applied) and keeps their bytes.
func (r *run) archived835s() ([]string, error) {
	dir := filepath.Join(r.opt.Clearinghouse, "archive")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	r.files = map[string][]byte{}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".835") {
			continue
		}
		if r.files[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			return nil, err
		}
		out = append(out, e.Name())
	}
	return out, nil
}

// correct sends a replacement (frequency 7) for a claim the payer denied
// as not medically necessary, now with the diagnosis the note supports,
// and lets the payer reverse the denial and adjudicate it again.
func (r *run) correct(ctx context.Context) (context.Context, error) {
	denials, err := r.db.FindDenials(ctx, remit.DenialFilter{})
	if err != nil {
		return ctx, err
	}
	var orig *rcm.Claim
	for _, d := range denials {
		if d.Code == "83036" && slices.ContainsFunc(d.Reasons, func(x remit.Reason) bool { return x.Code == "50" }) {
			if orig, err = r.db.FindClaimByID(ctx, d.ClaimID); err != nil {
				return ctx, err
			}
		}
	}
	if orig == nil {
		r.printf("no claim denied for medical necessity this time")
		return ctx, nil
	}
	repl := *orig
	repl.ID, repl.History, repl.State = 0, nil, ""
	repl.Frequency, repl.ReplacesClaimID = rcm.FrequencyReplacement, orig.ID
	repl.ControlNumber = orig.ControlNumber + "R"
	repl.Diagnoses = append([]rcm.Diagnosis{{Code: "R73.03"}}, orig.Diagnoses...)
	for i := range repl.Lines {
		l := &repl.Lines[i].ServiceLine
		l.Pointers = []int{1, 2}
	}
	if err := r.db.CreateClaim(ctx, &repl); err != nil {
		return ctx, err
	}
	r.printf("claim %s: the A1C was denied CO-50 (not medically necessary for R53.83); the note documents prediabetes", orig.ControlNumber)
	r.printf("replacement claim %s, frequency 7, REF*F8 %s", repl.ControlNumber, repl.PayerClaimNumber)
	if err := r.scrubAndSubmit(ctx, []*rcm.Claim{&repl}, "corrected"); err != nil {
		return ctx, err
	}
	if _, err := r.exchange(ctx); err != nil {
		return ctx, err
	}
	got, err := r.db.FindClaimByID(ctx, repl.ID)
	if err != nil {
		return ctx, err
	}
	r.printf("replacement claim %s is now %s", got.ControlNumber, got.State)
	return ctx, nil
}

// scrubAndSubmit scrubs claims and sends the ready ones.
func (r *run) scrubAndSubmit(ctx context.Context, cs []*rcm.Claim, key string) error {
	s := r.scrubber()
	for _, c := range cs {
		fs, state, err := claim.ScrubClaim(ctx, r.db, s, c.ID)
		if err != nil {
			return err
		}
		if state != rcm.ClaimReady {
			return fmt.Errorf("claim %s did not scrub clean: %v", c.ControlNumber, fs)
		}
	}
	return r.submitReady(ctx, key)
}

func (r *run) secondaries(ctx context.Context) (context.Context, error) {
	drafts, err := r.db.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimDraft, Limit: 1000})
	if err != nil {
		return ctx, err
	}
	var second []*rcm.Claim
	for _, c := range drafts {
		if len(c.Prior) > 0 {
			second = append(second, c)
			p := c.Prior[0]
			r.printf("secondary claim %s to %s: primary paid %s, patient responsibility %s moved to the secondary",
				c.ControlNumber, r.payerOf(c.PayerID).Name, p.Paid.Dollars(), p.PatientResponsibility.Dollars())
		}
	}
	if len(second) == 0 {
		r.printf("no claim left a balance for a secondary payer")
		return ctx, nil
	}
	if err := r.scrubAndSubmit(ctx, second, "secondary"); err != nil {
		return ctx, err
	}
	if _, err := r.exchange(ctx); err != nil {
		return ctx, err
	}
	return ctx, r.states(ctx)
}

func (r *run) money(ctx context.Context) (context.Context, error) {
	t, err := r.db.LedgerTotals(ctx, sqldb.LedgerFilter{})
	if err != nil {
		return ctx, err
	}
	var paid, adjusted, share rcm.Money
	for _, v := range t.PayerPaid {
		paid += v
	}
	r.printf("charges                %12s  (%d service lines)", t.Charges.Dollars(), t.Lines)
	r.printf("paid by payers         %12s", paid.Dollars())
	for _, g := range slices.Sorted(maps.Keys(t.Adjusted)) {
		adjusted += t.Adjusted[g]
		r.printf("adjusted %-13s %12s", g, t.Adjusted[g].Dollars())
	}
	for _, k := range slices.Sorted(maps.Keys(t.PatientShare)) {
		share += t.PatientShare[k]
	}
	r.printf("patient responsibility %12s", share.Dollars())
	r.printf("patient paid           %12s", t.PatientPaid.Dollars())
	for _, id := range slices.Sorted(maps.Keys(t.InsuranceAR)) {
		if t.InsuranceAR[id] != 0 {
			r.printf("open A/R %-30s %12s", r.payerOf(id).Name, t.InsuranceAR[id].Dollars())
		}
	}
	r.printf("open A/R patients      %12s", t.PatientAR.Dollars())
	d, err := r.db.DepositTotals(ctx)
	if err != nil {
		return ctx, err
	}
	r.printf("received from payers   %12s  (835 BPR02: applied to lines %s, unapplied %s)", d.Received.Dollars(), d.Applied.Dollars(), d.Unapplied.Dollars())
	for _, reason := range slices.Sorted(maps.Keys(d.ProviderAdjustments)) {
		r.printf("provider adj. PLB %-4s %12s  (negative: the payer added it to the payment)", reason, d.ProviderAdjustments[reason].Dollars())
	}
	denials, err := r.db.FindDenials(ctx, remit.DenialFilter{})
	if err != nil {
		return ctx, err
	}
	remit.Explain(denials, carc.NewSet(carc.Starter()...))
	byReason := map[string][]*remit.Denial{}
	for _, d := range denials {
		for _, reason := range d.Reasons {
			k := reason.Group + "-" + reason.Code
			byReason[k] = append(byReason[k], d)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(byReason)) {
		ds := byReason[k]
		var amt rcm.Money
		for _, d := range ds {
			amt += d.Amount
		}
		meaning := ""
		for _, reason := range ds[0].Reasons {
			if reason.Group+"-"+reason.Code == k {
				meaning = reason.Meaning
			}
		}
		r.printf("denied %-7s x%d %10s  %s", k, len(ds), amt.Dollars(), meaning)
	}
	reports, err := r.db.CheckLedger(ctx)
	if err != nil {
		return ctx, err
	}
	bad := 0
	for _, rep := range reports {
		bad += len(rep.Violations)
	}
	if bad > 0 {
		return ctx, fmt.Errorf("ledger check: %d violations", bad)
	}
	r.printf("ledger check: every line balances (charge = payments + adjustments + open balances), debits = credits;")
	r.printf("  every 835's deposit balances (received + PLB = applied + unapplied) and matches its postings")
	return ctx, nil
}

// patientPayments has the two patients who owe the most pay at the front
// desk, the first in full by card, the second half by check; then the
// first payment is submitted again (a double click) and posts nothing.
func (r *run) patientPayments(ctx context.Context) (context.Context, error) {
	owing, err := r.db.FindPatientBalances(ctx)
	if err != nil {
		return ctx, err
	}
	if len(owing) == 0 {
		r.printf("no patient owes anything")
		return ctx, nil
	}
	for i, b := range owing[:min(2, len(owing))] {
		amount, method := b.Open, "card"
		if i == 1 {
			amount, method = b.Open/2, "check"
		}
		key := fmt.Sprintf("demo-front-desk-%d", i+1)
		t, err := r.db.PostPatientPayment(ctx, rcm.PatientPayment{PatientID: b.PatientID, Amount: amount, Method: method, Key: key})
		if err != nil {
			return ctx, err
		}
		r.printf("account %s owed %s, paid %s by %s (ledger transaction %d, %d service line(s))", b.AccountNumber, b.Open.Dollars(), amount.Dollars(),
			method, t.ID, len(t.Entries)/2)
	}
	first := owing[0]
	_, err = r.db.PostPatientPayment(ctx, rcm.PatientPayment{PatientID: first.PatientID, Amount: first.Open, Method: "card", Key: "demo-front-desk-1"})
	if rcm.ErrorCode(err) != rcm.ECONFLICT {
		return ctx, fmt.Errorf("a repeated payment was not refused: %v", err)
	}
	r.printf("the first payment submitted again: %s", rcm.ErrorMessage(err))
	if len(owing) > 1 {
		// The second patient still owes half: their statement.
		st, err := statement.Build(ctx, r.db, owing[1].PatientID, rcm.DateOf(r.db.Clock.Now()), true)
		if err != nil {
			return ctx, err
		}
		var pdfBytes bytes.Buffer
		if err := pdf.Statement(&pdfBytes, st); err != nil {
			return ctx, err
		}
		name := "statement-" + st.Patient.AccountNumber + ".pdf"
		if r.opt.Out != "" {
			if err := os.WriteFile(filepath.Join(r.opt.Out, name), pdfBytes.Bytes(), 0o644); err != nil {
				return ctx, err
			}
		}
		r.printf("statement for account %s: %d service(s), %s due by %s (%s, %d bytes)", st.Patient.AccountNumber, len(st.Lines), st.Due.Dollars(),
			st.DueBy, name, pdfBytes.Len())
	}
	return ctx, nil
}
