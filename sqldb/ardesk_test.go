package sqldb_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/eob"
	"github.com/openrcm/openrcm/followup"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/x12"
)

// sentFiles is a clearinghouse that keeps what it was sent.
type sentFiles struct {
	mu    sync.Mutex
	names []string
	data  [][]byte
}

func (s *sentFiles) Send(_ context.Context, name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names, s.data = append(s.names, name), append(s.data, data)
	return nil
}

func claimState(t *testing.T, f *remitFixture, id int64) string {
	t.Helper()
	c, err := f.db.FindClaimByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.State
}

// TestClaimStatus: a 276 asks about the claims with no answer, once per
// key, and validates; the 277's answers move them (pending → accepted, not
// found → a work item); a 277 naming an unknown trace or read twice is
// refused and changes nothing; two readers of one 277 at once: one wins.
func TestClaimStatus(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Status", false)
		c1 := f.claim("CS-1", dos(), threeLines()...)
		c2 := f.claim("CS-2", dos(), threeLines()...)
		now := db.Clock.Now()
		if got, err := db.FindClaimsAwaitingStatus(f.ctx, now.Add(-24*time.Hour), nil); err != nil || len(got) != 0 {
			t.Fatalf("claims submitted just now, asked about those older than a day: %d %v", len(got), err)
		}
		send := &sentFiles{}
		p := eligibility.Partner{SenderID: "LAKESIDE01", ReceiverID: "SANDBOXCH"}
		b, repeated, err := claimstatus.RequestStatus(f.ctx, db, send, p, "", 0, nil, now.Add(time.Minute))
		if err != nil || repeated || len(b.Checks) != 2 || len(send.data) != 1 {
			t.Fatalf("RequestStatus = %+v, %v, %v; sent %d", b, repeated, err, len(send.data))
		}
		if res := x12.Validate(bytes.NewReader(send.data[0])); !res.Valid() {
			t.Errorf("the 276 does not validate: %v", res.Findings)
		}
		again, repeated, err := claimstatus.RequestStatus(f.ctx, db, send, p, b.Key, 0, nil, now.Add(time.Minute))
		if err != nil || !repeated || again.ID != b.ID || len(send.data) != 1 {
			t.Errorf("the same key again: %v %v %v, sent %d files", again, repeated, err, len(send.data))
		}
		if got, _ := db.FindClaimsAwaitingStatus(f.ctx, now.Add(time.Hour), nil); len(got) != 0 {
			t.Errorf("claims with an inquiry out are asked about again: %d", len(got))
		}
		trace := map[int64]string{}
		for _, k := range b.Checks {
			trace[k.ClaimID] = k.Trace
		}
		pending := claimstatus.Answer{Trace: trace[c1.ID], ControlNumber: "CS-1", PayerClaim: "PCN-9", Statuses: []claimstatus.Status{{Category: "P1", Code: "20"}}}
		notFound := claimstatus.Answer{Trace: trace[c2.ID], ControlNumber: "CS-2", Statuses: []claimstatus.Status{{Category: "A4", Code: "35"}}}
		unknown := claimstatus.Answer{Trace: "999999999-9", ControlNumber: "XX-1", Statuses: []claimstatus.Status{{Category: "F1", Code: "65"}}}
		wrongClaim := claimstatus.Answer{Trace: trace[c2.ID], ControlNumber: "CS-1", Statuses: []claimstatus.Status{{Category: "A4", Code: "35"}}}
		for _, tc := range []struct {
			name    string
			answers []claimstatus.Answer
			code    string
		}{
			{"unknown trace", []claimstatus.Answer{pending, unknown}, rcm.EINVALID},
			{"answer names another claim", []claimstatus.Answer{pending, wrongClaim}, rcm.EINVALID},
			{"trace twice in one file", []claimstatus.Answer{pending, pending}, rcm.ECONFLICT},
		} {
			if _, err := db.RecordClaimStatus(f.ctx, "bad.277", tc.answers, nil); rcm.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		if s := claimState(t, f, c1.ID); s != rcm.ClaimSubmitted {
			t.Errorf("a refused 277 moved claim CS-1 to %s", s)
		}
		// Two readers of the same 277 at once: one stores it, the other
		// finds it answered.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = db.RecordClaimStatus(f.ctx, "a.277", []claimstatus.Answer{pending, notFound}, nil)
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case rcm.ErrorCode(err) == rcm.ECONFLICT:
				conflict++
			default:
				t.Errorf("concurrent 277: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("concurrent 277: %d stored, %d refused; want 1 and 1", ok, conflict)
		}
		if s := claimState(t, f, c1.ID); s != rcm.ClaimAccepted {
			t.Errorf("claim CS-1 pending at the payer is %s, want accepted", s)
		}
		got, err := db.FindClaimByID(f.ctx, c1.ID)
		if err != nil || got.PayerClaimNumber != "PCN-9" {
			t.Errorf("the payer's claim number from the 277: %q %v", got.PayerClaimNumber, err)
		}
		hist, err := db.FindClaimStatusChecks(f.ctx, c2.ID)
		if err != nil || len(hist) != 1 || hist[0].Outcome != claimstatus.OutcomeNotFound || hist[0].Words != "Not found: the payer cannot find the claim (A4:35 claim not found)" {
			t.Errorf("status history of CS-2: %+v %v", hist, err)
		}
		items, err := db.FindFollowUps(f.ctx, followup.Filter{})
		if err != nil || len(items) != 1 || items[0].ClaimID != c2.ID || items[0].Category != "not_on_file" || items[0].Kind != followup.KindStatus {
			t.Fatalf("work items after the 277: %+v %v", items, err)
		}
		// Not on file: only sending again helps, within timely filing (90
		// days from the date of service for this payer).
		if items[0].Due != dos().AddDays(90) {
			t.Errorf("a claim not on file is due %s, want %s", items[0].Due, dos().AddDays(90))
		}
		if _, err := db.RecordClaimStatus(f.ctx, "a-again.277", []claimstatus.Answer{notFound}, nil); rcm.ErrorCode(err) != rcm.ECONFLICT {
			t.Errorf("the same 277 again: %v, want conflict", err)
		}
		checkLedger(t, db)
	})
}

// TestFollowUpDesk: each denied line becomes one work item with its root
// cause and deadlines; items are assigned, noted and closed; a write-off
// needs the permission and a reason; an appeal makes the claim appealed
// and closes its items; a paid claim's items close by themselves.
func TestFollowUpDesk(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Desk", false)
		c := f.claim("FD-1", dos(), threeLines()...)
		f.post(primary835("EFT901", c.ControlNumber))
		opened, _, err := followup.OpenDenials(f.ctx, db)
		if err != nil || opened != 1 {
			t.Fatalf("OpenDenials = %d, %v; want 1 (line 3, CO-97)", opened, err)
		}
		if again, _, err := followup.OpenDenials(f.ctx, db); err != nil || again != 0 {
			t.Errorf("OpenDenials again opened %d, %v", again, err)
		}
		items, err := db.FindFollowUps(f.ctx, followup.Filter{})
		if err != nil || len(items) != 1 {
			t.Fatalf("queue: %+v %v", items, err)
		}
		it := items[0]
		paidOn := rcm.MustParseDate("2026-02-03")
		if it.Category != "bundling" || it.Stake != m("20") || it.LineCode != "36415" || it.Reasons != "CO-97 N130" ||
			it.AppealBy != paidOn.AddDays(180) || it.FilingBy != dos().AddDays(90) || it.Due != it.FilingBy || it.ControlNumber != "FD-1" {
			t.Errorf("work item: %+v", it)
		}
		// The organization's admin takes the item (users cost an argon2
		// hash each to make).
		admin, _ := rcm.ActorFromContext(f.ctx)
		biller := &rcm.User{ID: admin.UserID, Name: "Org Desk admin"}
		if err := db.AssignFollowUps(f.ctx, []int64{it.ID, 999999}, biller.ID); rcm.ErrorCode(err) != rcm.ENOTFOUND {
			t.Errorf("assigning with an unknown item: %v", err)
		}
		if got, _ := db.FindFollowUps(f.ctx, followup.Filter{OwnerID: biller.ID}); len(got) != 0 {
			t.Errorf("a refused bulk assignment assigned %d items", len(got))
		}
		if err := db.AssignFollowUps(f.ctx, []int64{it.ID}, biller.ID); err != nil {
			t.Fatal(err)
		}
		fu := rcm.MustParseDate("2026-02-10")
		if err := db.NoteFollowUp(f.ctx, it.ID, "Called the payer: bundled with 99214; appeal with the lab order.", fu); err != nil {
			t.Fatal(err)
		}
		due, err := followup.DueForFollowUp(f.ctx, db, fu)
		if err != nil || len(due) != 1 || due[0].OwnerName != biller.Name {
			t.Errorf("due for follow-up on %s: %+v %v", fu, due, err)
		}
		if due, _ := followup.DueForFollowUp(f.ctx, db, fu.AddDays(-1)); len(due) != 0 {
			t.Errorf("an item is due before its follow-up date")
		}
		billerCtx := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: biller.ID, OrgID: orgOf(f), Role: rcm.RoleBiller})
		if err := db.CloseFollowUp(billerCtx, it.ID, followup.Closing{Outcome: followup.OutcomeWrittenOff, Note: "small balance", Reason: "small_balance"}); rcm.ErrorCode(err) != rcm.EFORBIDDEN {
			t.Errorf("a biller writes off: %v, want forbidden", err)
		}
		if err := db.CloseFollowUp(f.ctx, it.ID, followup.Closing{Outcome: followup.OutcomeWrittenOff, Note: " ", Reason: "small_balance"}); rcm.ErrorField(err) != "note" {
			t.Errorf("a write-off without a reason: %v", err)
		}
		full, err := db.FindFollowUpItem(f.ctx, it.ID)
		if err != nil || full.State != followup.Open || len(full.Notes) != 3 || full.Notes[1].Note != "assigned to "+biller.Name {
			t.Errorf("item after refused closes: %+v %v", full, err)
		}

		// The appeal closes the item and shows on the claim.
		ap := &followup.Appeal{ClaimID: c.ID, Level: followup.LevelFirst, Reason: "not bundled", Argument: "Separate specimen, separate order.",
			Documents: []string{"Lab order"}, SentOn: rcm.MustParseDate("2026-02-11")}
		bad := *ap
		bad.Level = "third"
		if err := db.CreateAppeal(f.ctx, &bad); rcm.ErrorField(err) != "level" {
			t.Errorf("appeal at level third: %v", err)
		}
		if err := db.CreateAppeal(f.ctx, ap); err != nil {
			t.Fatal(err)
		}
		if s := claimState(t, f, c.ID); s != rcm.ClaimAppealed {
			t.Errorf("claim with an open appeal is %s", s)
		}
		if got, _ := db.FindFollowUps(f.ctx, followup.Filter{}); len(got) != 0 {
			t.Errorf("the appealed item is still open: %+v", got)
		}
		aps, err := db.FindAppeals(f.ctx, c.ID)
		if err != nil || len(aps) != 1 || aps[0].AnswerBy != ap.SentOn.AddDays(60) || aps[0].State != "open" || aps[0].Documents[0] != "Lab order" {
			t.Errorf("appeals: %+v %v", aps, err)
		}
		letter, err := followup.BuildLetter(f.ctx, db, aps[0])
		if err != nil || letter.MemberID != "W1" || len(letter.Denials) != 1 || letter.Denials[0].Reasons[0].Code != "97" || letter.Practice == nil {
			t.Errorf("letter facts: %+v %v", letter, err)
		}
		// The payer pays on appeal: the claim is paid and the appeal won.
		if err := db.MoveClaim(f.ctx, c.ID, rcm.ClaimPaid, "paid on appeal"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResolveFollowUps(f.ctx); err != nil {
			t.Fatal(err)
		}
		if aps, _ := db.FindAppeals(f.ctx, c.ID); aps[0].State != "overturned" {
			t.Errorf("appeal of a paid claim is %s", aps[0].State)
		}
		checkLedger(t, db)
	})
}

// TestFollowUpResolves: an item whose claim's replacement is paid closes
// as resolved (queues that never empty are not trusted).
func TestFollowUpResolves(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Resolve", false)
		c := f.claim("FR-1", dos(), threeLines()...)
		f.post(primary835("EFT911", c.ControlNumber))
		if n, _, err := followup.OpenDenials(f.ctx, db); err != nil || n != 1 {
			t.Fatalf("OpenDenials: %d %v", n, err)
		}
		r := f.claim("FR-1R", dos(), threeLines()...)
		if _, err := db.ExecContext(context.Background(), `UPDATE claim SET replaces_claim_id = ? WHERE id = ?`, c.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.ResolveFollowUps(f.ctx); n != 0 {
			t.Errorf("resolved %d items while the replacement is unpaid", n)
		}
		if err := db.MoveClaim(f.ctx, r.ID, rcm.ClaimPaid, "paid"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ResolveFollowUps(f.ctx); n != 1 || err != nil {
			t.Errorf("resolved %d, %v; want 1", n, err)
		}
		closed, err := db.FindFollowUps(f.ctx, followup.Filter{State: followup.Closed})
		if err != nil || len(closed) != 1 || closed[0].Outcome != followup.OutcomeResolved {
			t.Errorf("closed items: %+v %v", closed, err)
		}
	})
}

// paperEOB pays claim cn as primary835 does, entered by hand.
func paperEOB(cn, check string) string {
	return `{"payer":"ACME1","check_number":"` + check + `","check_date":"2026-02-03","amount":"135.50","claims":[{"claim":"` + cn + `","payer_claim_number":"PCN-` + cn + `","lines":[
		{"code":"99214","modifiers":["25"],"charge":"150.00","paid":"100.00","adjustments":[{"group":"CO","reason":"45","amount":"30.00"},{"group":"PR","reason":"2","amount":"20.00"}]},
		{"code":"83036","modifiers":["QW"],"charge":"35.50","paid":"35.50"},
		{"code":"36415","charge":"20.00","paid":"0.00","adjustments":[{"group":"CO","reason":"97","amount":"20.00"}],"remarks":["N130"]}]}]}`
}

// TestPaperEOB: a check entered by hand posts like an 835 (the same
// ledger and deposit journal), once per payer and check number even when
// two billers post it at once; an entry that does not add up is refused,
// naming the line, and posts nothing.
func TestPaperEOB(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newRemitFixture(t, db, "Org Paper", false)
		c := f.claim("PE-1", dos(), threeLines()...)
		for _, tc := range []struct {
			name, from, to, field string
		}{
			{"a line that does not add up", `"paid":"100.00"`, `"paid":"101.00"`, "claims[0].lines[0]"},
			{"a check that does not balance", `"amount":"135.50"`, `"amount":"140.00"`, "amount"},
			{"an adjustment without a group", `"group":"CO","reason":"97"`, `"group":"XX","reason":"97"`, "claims[0].lines[2].adjustments[0]"},
		} {
			chk, err := eob.Parse(strings.NewReader(strings.Replace(paperEOB("PE-1", "CHK1001"), tc.from, tc.to, 1)))
			if rcm.ErrorField(err) != tc.field || chk == nil {
				t.Errorf("%s: %v, want field %s", tc.name, err, tc.field)
			}
		}
		if _, err := eob.Parse(strings.NewReader(`{"payer":"ACME1","payer":"OTHER"}`)); rcm.ErrorCode(err) != rcm.EINVALID {
			t.Errorf("a key given twice: %v", err)
		}
		if tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{}); tot.PayerPaid[f.s.payer.ID] != 0 {
			t.Fatalf("refused entries posted %s", tot.PayerPaid[f.s.payer.ID])
		}
		chk, err := eob.Parse(strings.NewReader(paperEOB("PE-1", "CHK1001")))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]*remit.Result, 2)
		errs := make([]error, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = eob.Post(f.ctx, db, chk)
			}()
		}
		wg.Wait()
		posted := 0
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("post %d: %v", i, errs[i])
			}
			if !r.AlreadyPosted {
				posted++
			}
		}
		tot, _ := db.LedgerTotals(f.ctx, sqldb.LedgerFilter{})
		if posted != 1 || tot.PayerPaid[f.s.payer.ID] != m("135.50") {
			t.Errorf("two billers posting one check: posted %d times, payer paid %s", posted, tot.PayerPaid[f.s.payer.ID])
		}
		d, err := db.DepositTotals(f.ctx)
		if err != nil || d.Received != m("135.50") || d.Applied != m("135.50") {
			t.Errorf("deposit journal: %+v %v", d, err)
		}
		if s := claimState(t, f, c.ID); s != rcm.ClaimPartlyPaid {
			t.Errorf("claim after the paper EOB: %s", s)
		}
		checkLedger(t, db)
	})
}
