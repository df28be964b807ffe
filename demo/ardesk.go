package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eob"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/payer"
	"github.com/openrcm/openrcm/pdf"
	"github.com/openrcm/openrcm/x12"
)

// The A/R desk: the claims that did not resolve by themselves. A claim the
// clearinghouse lost is found by a claim status inquiry (276/277) and sent
// again; the denials become work items with deadlines and an owner; one is
// appealed with a letter, the payer overturns it and pays.

func (r *run) arDesk(ctx context.Context) (context.Context, error) {
	if err := r.lostClaim(ctx); err != nil {
		return ctx, err
	}
	if err := r.workDenials(ctx); err != nil {
		return ctx, err
	}
	if err := r.paperEOB(ctx); err != nil {
		return ctx, err
	}
	return ctx, r.queueLeft(ctx)
}

// paperEOB bills one visit to Medicaid on paper (a CMS-1500 in the mail),
// and posts the paper EOB and check that answer it, entered by hand: the
// same ledger and deposit journal as an 835, once per check.
func (r *run) paperEOB(ctx context.Context) error {
	var pat *rcm.Patient
	for _, c := range r.res.Coverages {
		if c.Order == 1 && r.payerOf(c.PayerID).PayerID == "SBMCD" {
			pat = r.patient(c.PatientID)
		}
	}
	if pat == nil {
		r.printf("no Medicaid patient for a paper claim this time")
		return nil
	}
	v := visits[1]
	e := &rcm.Encounter{PatientID: pat.ID, PracticeID: r.res.Practice.ID, RenderingProviderID: r.res.Providers[1].ID,
		DateOfService: rcm.DateOf(Start).AddDays(-2), PlaceOfService: "11", Note: v.note, Status: rcm.EncounterCoded}
	for _, code := range v.dx {
		e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: code})
	}
	for _, l := range v.lines {
		e.Lines = append(e.Lines, rcm.ServiceLine{Code: l.code, Modifiers: l.modifiers, Units: l.units, Pointers: l.pointers})
	}
	if err := r.db.CreateEncounter(ctx, e); err != nil {
		return err
	}
	c, err := claim.Build(ctx, r.db, e.ID, 1)
	if err != nil {
		return err
	}
	if err := r.db.CreateClaim(ctx, c); err != nil {
		return err
	}
	e.Status = rcm.EncounterBilled
	if err := r.db.UpdateEncounter(ctx, e); err != nil {
		return err
	}
	if _, state, err := claim.ScrubClaim(ctx, r.db, r.scrubber(), c.ID); err != nil || state != rcm.ClaimReady {
		return fmt.Errorf("paper claim %s did not scrub clean: %v", c.ControlNumber, err)
	}
	if err := r.db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "mailed on paper (CMS-1500)"); err != nil {
		return err
	}
	if err := r.db.ChargeClaims(ctx, []*rcm.Claim{c}); err != nil {
		return err
	}
	// The EOB as printed: Medicaid allows 60% of the charge and pays it
	// all; the rest is the contractual write-down.
	chk := &eob.Check{Payer: "SBMCD", Number: "IL7700" + c.ControlNumber[3:8], Date: rcm.DateOf(r.db.Clock.Now())}
	ec := eob.Claim{ControlNumber: c.ControlNumber, PayerClaim: "MCD-PAPER-1"}
	for _, l := range c.Lines {
		allowed := l.Charge * 60 / 100
		ec.Lines = append(ec.Lines, eob.Line{Code: l.Code, Modifiers: l.Modifiers, Charge: l.Charge, Paid: allowed,
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: l.Charge - allowed}}})
		chk.Amount += allowed
	}
	chk.Claims = []eob.Claim{ec}
	res, err := eob.Post(ctx, r.db, chk)
	if err != nil {
		return err
	}
	r.printf("paper claim %s (%s %s) mailed to %s; its paper EOB came with check %s for %s: %d claim posted",
		c.ControlNumber, pat.FirstName, pat.LastName, r.payerOf(c.PayerID).Name, chk.Number, chk.Amount.Dollars(), res.Posted)
	again, err := eob.Post(ctx, r.db, chk)
	if err != nil || !again.AlreadyPosted {
		return fmt.Errorf("the same check posted twice: %v", err)
	}
	r.printf("the same check entered again by a second biller: already posted, nothing posted")
	got, err := r.db.FindClaimByID(ctx, c.ID)
	if err != nil {
		return err
	}
	r.printf("claim %s is now %s", got.ControlNumber, got.State)
	return nil
}

// validity says whether an X12 file validates against its guide.
func validity(data []byte) string {
	res := x12.Validate(bytes.NewReader(data))
	if res.Valid() {
		return "valid"
	}
	return fmt.Sprintf("INVALID: %d findings", len(res.Findings))
}

// lostClaim bills one more visit, loses its batch on the way to the payer,
// finds it with a 276 and sends it again.
func (r *run) lostClaim(ctx context.Context) error {
	var pat *rcm.Patient
	paid, err := r.db.FindClaims(ctx, rcm.ClaimFilter{State: rcm.ClaimPaid, Limit: 1000})
	if err != nil {
		return err
	}
	for i := len(paid) - 1; i >= 0; i-- {
		if c := paid[i]; r.payerOf(c.PayerID).PayerID == "SBPPO" && len(c.Prior) == 0 {
			pat = r.patient(c.PatientID)
			break
		}
	}
	if pat == nil {
		r.printf("no patient of the PPO was paid; no visit to lose")
		return nil
	}
	v := visits[5]
	e := &rcm.Encounter{PatientID: pat.ID, PracticeID: r.res.Practice.ID, RenderingProviderID: r.res.Providers[0].ID,
		DateOfService: rcm.DateOf(Start).AddDays(-3), PlaceOfService: "11", Note: v.note, Status: rcm.EncounterCoded}
	for _, code := range v.dx {
		e.Diagnoses = append(e.Diagnoses, rcm.Diagnosis{Code: code})
	}
	for _, l := range v.lines {
		e.Lines = append(e.Lines, rcm.ServiceLine{Code: l.code, Modifiers: l.modifiers, Units: l.units, Pointers: l.pointers})
	}
	if err := r.db.CreateEncounter(ctx, e); err != nil {
		return err
	}
	c, err := claim.Build(ctx, r.db, e.ID, 1)
	if err != nil {
		return err
	}
	if err := r.db.CreateClaim(ctx, c); err != nil {
		return err
	}
	e.Status = rcm.EncounterBilled
	if err := r.db.UpdateEncounter(ctx, e); err != nil {
		return err
	}
	if err := r.scrubAndSubmit(ctx, []*rcm.Claim{c}, "late-visit"); err != nil {
		return err
	}
	sub, err := r.db.FindSubmissionByKey(ctx, fmt.Sprintf("late-visit-%s-SBPPO", rcm.DateOf(Start)))
	if err != nil {
		return err
	}
	// The file leaves OpenRCM but never reaches the payer: no 999, no
	// 277CA, no 835. Nothing tells the biller, except asking.
	if err := os.Remove(filepath.Join(r.opt.Clearinghouse, "outbound", sub.FileName)); err != nil {
		return err
	}
	r.printf("claim %s (%s %s, %s) went out in %s, and the file was lost on the way to the payer", c.ControlNumber,
		pat.FirstName, pat.LastName, c.TotalCharge().Dollars(), sub.FileName)
	if _, err := r.exchange(ctx); err != nil {
		return err
	}
	_, mb, err := r.sandbox()
	if err != nil {
		return err
	}
	ch, err := r.db.FindClearinghouse(ctx)
	if err != nil {
		return err
	}
	p := eligibility.Partner{SenderID: ch.SubmitterID, ReceiverID: ch.ReceiverID, Production: ch.Production}
	// Every claim with no final answer gets an inquiry; a job runs this
	// daily with --older-than 30d, the demo asks now.
	b, _, err := claimstatus.RequestStatus(ctx, r.db, mb, p, "", 0, nil, r.db.Clock.Now())
	if err != nil {
		return err
	}
	if b == nil {
		return fmt.Errorf("no claim was waiting for an answer")
	}
	r.printf("276 %s asks about %d claim(s) with no answer (%s 005010X212, %d bytes)", b.FileName, len(b.Checks), validity(b.Content), len(b.Content))
	again, repeated, err := claimstatus.RequestStatus(ctx, r.db, mb, p, b.Key, 0, nil, r.db.Clock.Now())
	if err != nil || !repeated || again.ID != b.ID {
		return fmt.Errorf("a second status request under key %s was not recognized: %v", b.Key, err)
	}
	files, err := r.exchange(ctx)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Kind != "277" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r.opt.Clearinghouse, "archive", f.Name))
		if err != nil {
			return err
		}
		r.printf("277 %s: %s 005010X212", f.Name, validity(data))
	}
	items, err := r.db.FindFollowUps(ctx, followup.Filter{ClaimID: c.ID})
	if err != nil {
		return err
	}
	for _, it := range items {
		r.printf("work item %d on claim %s: %s", it.ID, it.ControlNumber, followup.Categories[it.Category])
	}
	// The biller sends the stored batch again, byte for byte.
	if err := mb.Send(ctx, sub.FileName, sub.Content); err != nil {
		return err
	}
	r.printf("the biller sends %s again", sub.FileName)
	if _, err := r.exchange(ctx); err != nil {
		return err
	}
	got, err := r.db.FindClaimByID(ctx, c.ID)
	if err != nil {
		return err
	}
	r.printf("claim %s is now %s", got.ControlNumber, got.State)
	return nil
}

// workDenials opens the denial work items, hands them to a biller,
// appeals one with a letter and lets the payer overturn it.
func (r *run) workDenials(ctx context.Context) error {
	biller := &rcm.User{OrgID: r.res.Org.ID, Username: "demo.biller", Name: "Jamie Biller", Role: rcm.RoleBiller}
	if err := r.db.CreateUser(ctx, biller, AdminPassword+"-biller"); err != nil {
		return err
	}
	opened, resolved, err := followup.OpenDenials(ctx, r.db)
	if err != nil {
		return err
	}
	r.printf("follow-up desk: %d denial work items opened, %d closed because their money came in", opened, resolved)
	items, err := r.db.FindFollowUps(ctx, followup.Filter{})
	if err != nil {
		return err
	}
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if len(ids) > 0 {
		if err := r.db.AssignFollowUps(ctx, ids, biller.ID); err != nil {
			return err
		}
		r.printf("%d open items assigned to %s, soonest deadline first:", len(ids), biller.Name)
	}
	for _, it := range items {
		r.printf("  %-14s %-24s %-34s %-8s %9s  %-18s due %s", it.ControlNumber, it.PatientName, it.PayerName, it.LineCode, it.Stake.Dollars(), it.Category, it.Due)
	}
	// The biller appeals the coverage denial: the employer reinstated the
	// plan back to its end date.
	var target *followup.Item
	for _, it := range items {
		if it.Category == "eligibility" && strings.Contains(it.Reasons, "CO-27") {
			target = it
			break
		}
	}
	// The scrubber now stops claims on coverages a 271 said had ended
	// (CLM-ELIGIBILITY), so a coverage denial is rare; the biller appeals
	// the drug line Medicaid denied as not covered instead: the state's
	// fee schedule covers it in the office.
	why := appealCoverage
	if target == nil {
		for _, it := range items {
			if it.Category == "non_covered" && strings.HasPrefix(it.LineCode, "J") {
				target, why = it, appealDrug
				break
			}
		}
	}
	if target == nil {
		r.printf("no denial to appeal this time")
		return nil
	}
	c, err := r.db.FindClaimByID(ctx, target.ClaimID)
	if err != nil {
		return err
	}
	srv, _, err := r.sandbox()
	if err != nil {
		return err
	}
	sp := srv.Engine.Config.PayerByID(r.payerOf(c.PayerID).PayerID)
	var addr []string
	if sp != nil {
		addr = []string{sp.Address.Line, fmt.Sprintf("%s, %s %s", sp.Address.City, sp.Address.State, sp.Address.Zip)}
	}
	ap := &followup.Appeal{ClaimID: c.ID, ItemID: target.ID, Level: followup.LevelFirst, Reason: why.reason, Argument: why.argument,
		Documents: why.documents, SentOn: rcm.DateOf(r.db.Clock.Now()), PayerAddress: addr}
	if err := r.db.CreateAppeal(ctx, ap); err != nil {
		return err
	}
	letter, err := followup.BuildLetter(ctx, r.db, ap)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.AppealLetter(&buf, letter); err != nil {
		return err
	}
	name := "appeal-" + c.ControlNumber + ".pdf"
	if r.opt.Out != "" {
		if err := os.WriteFile(filepath.Join(r.opt.Out, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	got, err := r.db.FindClaimByID(ctx, c.ID)
	if err != nil {
		return err
	}
	r.printf("first-level appeal of claim %s (payer claim %s): letter %s, %d bytes, answer due %s; the claim is %s",
		c.ControlNumber, c.PayerClaimNumber, name, buf.Len(), ap.AnswerBy, got.State)
	// The payer's configured rule: such denials are overturned when the
	// provider documents the case.
	if sp != nil {
		sp.OverturnOnAppeal = append(sp.OverturnOnAppeal, why.rule)
		// The drug was missing from the payer's schedule: it allows the
		// state schedule's amount from now on.
		for code, fee := range why.fees {
			if sp.Contract.Fees == nil {
				sp.Contract.Fees = map[string]rcm.Money{}
			}
			sp.Contract.Fees[code] = fee
		}
	}
	ans, err := srv.Engine.Appeal(c.PayerClaimNumber)
	if err != nil {
		return err
	}
	r.printf("payer's answer: %s", ans.Reason)
	if _, err := r.exchange(ctx); err != nil {
		return err
	}
	if got, err = r.db.FindClaimByID(ctx, c.ID); err != nil {
		return err
	}
	_, resolved, err = followup.OpenDenials(ctx, r.db)
	if err != nil {
		return err
	}
	left, err := r.db.FindFollowUps(ctx, followup.Filter{})
	if err != nil {
		return err
	}
	r.printf("claim %s is now %s; %d more items closed as resolved, %d open items left on the desk", c.ControlNumber, got.State, resolved, len(left))
	return nil
}

// appealCase is what a first-level appeal argues and which of the payer
// sandbox's denial rules it answers.
type appealCase struct {
	reason, argument string
	documents        []string
	rule             string
	// fees are what the payer allows once the appeal is granted, for
	// codes its schedule lacked.
	fees map[string]rcm.Money
}

var (
	appealCoverage = appealCase{reason: "coverage was in force on the date of service",
		argument: "The patient's employer reinstated the group plan retroactively after a billing error; the enclosed letter from the employer's " +
			"benefits office confirms coverage without a gap through the date of service. We ask that the claim be adjudicated under the plan.",
		documents: []string{"Employer letter of coverage reinstatement", "Copy of the member ID card", "Remittance advice with the denial"},
		rule:      payer.RuleCoverageInactive}
	appealDrug = appealCase{reason: "the drug is covered when given in the office",
		argument: "The state's physician fee schedule lists the drug as covered when administered in the office; the enclosed schedule page, " +
			"the note documenting the injection and the invoice with the NDC billed support the line. We ask that the line be paid under the schedule.",
		documents: []string{"Fee schedule page listing the drug", "Visit note documenting the injection", "Invoice with the NDC", "Remittance advice with the denial"},
		rule:      payer.RuleNotInContract, fees: map[string]rcm.Money{"J1885": 650}}
)
