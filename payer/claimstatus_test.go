package payer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claimstatus"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/x12"
)

// mk276 asks about claims of member A100 (Jane Doe) at PAYA by control
// number, through OpenRCM's own 276 builder.
func mk276(t *testing.T, controls ...string) []byte {
	t.Helper()
	m := rcm.MustParseMoney
	var reqs []*claimstatus.Request
	for i, cn := range controls {
		reqs = append(reqs, &claimstatus.Request{Trace: "T" + itoa(i+1),
			Payer:    &rcm.Payer{Name: "PAYER A PPO", PayerID: "PAYA"},
			Practice: &rcm.Practice{Name: "TEST CLINIC", NPI: billingNPI},
			Patient:  &rcm.Patient{FirstName: "Jane", LastName: "Doe", BirthDate: rcm.MustParseDate("1980-01-02"), Sex: rcm.SexFemale},
			Coverage: &rcm.Coverage{MemberID: "A100", Relationship: "18"},
			Claim: &rcm.Claim{ControlNumber: cn, DateOfService: rcm.MustParseDate("2026-02-20"),
				Lines: []rcm.ClaimLine{{ServiceLine: rcm.ServiceLine{Code: "99213", Charge: m("90")}}}}})
	}
	var b bytes.Buffer
	in := &claimstatus.Inquiry{Partner: eligibility.Partner{SenderID: "PROVSUB", ReceiverID: "SANDBOX"}, Reference: "REF1", Time: testNow, Requests: reqs}
	if err := claimstatus.Build276(&b, in, &x12.Counter{N: 300}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ask sends a 276 to the engine and reads its 277 back.
func ask(t *testing.T, e *Engine, name string, data []byte) map[string]claimstatus.Answer {
	t.Helper()
	files, err := e.Process(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, ".277") {
		t.Fatalf("a clean 276 is answered by one 277 and no 999: %v", files)
	}
	checkValid(t, files[0])
	as, err := claimstatus.Read277(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]claimstatus.Answer{}
	for _, a := range as {
		out[a.ControlNumber] = a
	}
	return out
}

// TestClaimStatusAnswers: the sandbox answers a 276 from its own state:
// received and waiting for the cycle (P1:20), paid with the 835's trace
// (F1:65), denied (F2:1), never received (A4:35).
func TestClaimStatusAnswers(t *testing.T) {
	e := newEngine(testConfig())
	if _, err := e.Process("c.837", mk837(t,
		tc{id: "PAID1", lines: []tl{{code: "99213", charge: "90", date: "2026-02-20"}}},
		tc{id: "DENY1", dx: []string{"J020"}, lines: []tl{{code: "83036", charge: "40", date: "2026-02-20"}}})); err != nil {
		t.Fatal(err)
	}
	before := ask(t, e, "q1.276", mk276(t, "PAID1", "LOST1"))
	if got := before["PAID1"].Statuses[0]; got.Category != "P1" || got.Code != "20" || before["PAID1"].PayerClaim == "" {
		t.Errorf("a claim waiting for the cycle: %+v", before["PAID1"])
	}
	if got := before["LOST1"].Statuses[0]; got.Category != "A4" || got.Code != "35" || claimstatus.OutcomeOf(got) != claimstatus.OutcomeNotFound {
		t.Errorf("a claim never received: %+v", got)
	}
	files, err := e.Cycle()
	if err != nil || len(files) != 1 {
		t.Fatalf("cycle: %v %v", files, err)
	}
	after := ask(t, e, "q2.276", mk276(t, "PAID1", "DENY1"))
	paid := after["PAID1"].Statuses[0]
	trace := e.State.Claims[after["PAID1"].PayerClaim].Trace
	if paid.Category != "F1" || paid.Code != "65" || paid.Paid <= 0 || paid.CheckNumber == "" || paid.CheckNumber != trace ||
		paid.CheckDate != rcm.DateOf(testNow) || !bytes.Contains(files[0].Data, []byte("TRN*1*"+trace)) {
		t.Errorf("a paid claim: %+v (835 trace %s)", paid, trace)
	}
	if d := after["DENY1"].Statuses[0]; d.Category != "F2" || d.Paid != 0 || claimstatus.OutcomeOf(d) != claimstatus.OutcomeDenied {
		t.Errorf("a denied claim: %+v", d)
	}
	if _, err := e.Process("q2.276", mk276(t, "PAID1")); err != nil {
		t.Fatal(err)
	}
}

// TestAppealAnswers: an appeal of a denial by a rule the payer does not
// overturn is upheld and changes nothing; with the rule configured, the
// next cycle reverses the denial and pays the claim again, in an 835 that
// validates and balances.
func TestAppealAnswers(t *testing.T) {
	cfg := testConfig()
	e := newEngine(cfg)
	runFiles(t, e, mk837(t, tc{id: "DENY1", dx: []string{"J020"}, lines: []tl{{code: "83036", charge: "40", date: "2026-02-20"}}}))
	if len(e.Payments) != 1 || e.Payments[0].Paid != 0 {
		t.Fatalf("the claim should be denied: %+v", e.Payments)
	}
	pcn := e.Payments[0].PayerClaim
	if _, err := e.Appeal("NOPE"); err == nil {
		t.Error("an appeal of an unknown claim was accepted")
	}
	ans, err := e.Appeal(pcn)
	if err != nil || ans.Overturned || len(e.State.Pending) != 0 || ans.Rules[0] != "A-LCD" {
		t.Fatalf("appeal without an overturn rule: %+v %v (pending %d)", ans, err, len(e.State.Pending))
	}
	cfg.PayerByID("PAYA").OverturnOnAppeal = []string{"A-LCD"}
	if ans, err = e.Appeal(pcn); err != nil || !ans.Overturned {
		t.Fatalf("appeal with the rule: %+v %v", ans, err)
	}
	files, err := e.Cycle()
	if err != nil || len(files) != 1 {
		t.Fatalf("cycle after the appeal: %v %v", files, err)
	}
	checkValid(t, files[0])
	pays := e.Payments[1:]
	if len(pays) != 2 || pays[0].Status != StatusReversal || pays[1].Status != StatusPrimary || pays[1].Allowed != rcm.MustParseMoney("13") || pays[1].ClaimID != "DENY1" || len(pays[1].Lines[0].Rules) != 0 {
		// Allowed 13.00 (BASE 83036), all to the member's deductible.
		for _, p := range pays {
			t.Errorf("after the overturn: %+v", *p)
		}
	}
	if _, err := e.Appeal(pcn); err == nil {
		t.Error("the reversed claim was appealed again")
	}
}
