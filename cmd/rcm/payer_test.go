package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/payer"
	"github.com/openrcm/openrcm/x12"
)

// TestPayerAdjudicate drives `rcm payer adjudicate` on OpenRCM's own
// sample batch with the documented sample configuration: a 999, a 277CA
// (the replacement of an unknown claim rejected) and an 835 from each of
// the Medicare-like primary and the PPO paying the crossover as secondary,
// all valid and the same bytes on a second run.
func TestPayerAdjudicate(t *testing.T) {
	batch := filepath.Join("..", "..", "claim", "testdata", "batch.837")
	run := func(out string) map[string][]byte {
		t.Helper()
		code, stdout, stderr := rcmRun(t, "", "payer", "adjudicate", batch, "--out", out, "--now", "2026-03-03T09:00", "--seed", "3")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "rejected A7:464") || !strings.Contains(stdout, "CLP02 1") || !strings.Contains(stdout, "CLP02 2") {
			t.Errorf("report lacks the rejection or the payment:\n%s", stdout)
		}
		files := map[string][]byte{}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(out, e.Name()))
			files[e.Name()] = b
			if res := x12.Validate(bytes.NewReader(b)); !res.Valid() {
				t.Errorf("%s does not validate: %v %v", e.Name(), res.Err, res.Findings)
			}
		}
		return files
	}
	a := run(t.TempDir())
	b := run(t.TempDir())
	if len(a) != 4 {
		t.Errorf("wrote %d files, want 999, 277CA and two 835s", len(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs with the same seed and clock", name)
		}
	}
}

func TestPayerEligibilityAndState(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "payer.json")
	if err := os.WriteFile(cfg, payer.SampleConfigJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A claim for the PPO subscriber moves the deductible; the state file
	// beside the config carries it to the eligibility answer.
	claim := filepath.Join(dir, "c.837")
	if err := os.WriteFile(claim, []byte(ppoClaim), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := rcmRun(t, "", "payer", "adjudicate", "--config", cfg, claim, "--out", dir, "--now", "2026-03-03T09:00"); code != 0 {
		t.Fatalf("adjudicate exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "payer.state.json")); err != nil {
		t.Fatalf("no state file beside the config: %v", err)
	}
	q := filepath.Join(dir, "q.270")
	if err := os.WriteFile(q, []byte(ppoInquiry), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := rcmRun(t, "", "payer", "eligibility", q, "--config", cfg, "--out", dir, "--now", "2026-03-04T09:00")
	if code != 0 {
		t.Fatalf("eligibility exit %d: %s", code, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "q.270.271"))
	if err != nil {
		t.Fatal(err)
	}
	// Deductible 500, of which the claim met 75.
	for _, want := range []string{"EB*1*IND*30**PRAIRIE PPO GOLD~", "EB*C*IND*30***23*500~", "EB*C*IND*30***29*425~", "EB*B*IND*98***27*25~"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("271 lacks %s:\n%s", want, got)
		}
	}
}

func TestPayerServe(t *testing.T) {
	dir := t.TempDir()
	rcmSide, err := clearinghouse.OpenDir(payer.MailboxLayout(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := rcmSide.Send(context.Background(), "b.837", []byte(ppoClaim)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: os.Getenv}
		done <- Run(ctx, env, []string{"payer", "serve", "--dir", dir, "--interval", "10ms", "--now", "2026-03-03T09:00"})
	}()
	deadline := time.Now().Add(10 * time.Second)
	var names []string
	for time.Now().Before(deadline) {
		if names, _ = rcmSide.List(context.Background()); len(names) == 3 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d", code)
	}
	if len(names) != 3 {
		t.Fatalf("inbound = %v, want 835, 277CA and 999", names)
	}
	if _, err := os.Stat(filepath.Join(dir, "payer-state.json")); err != nil {
		t.Errorf("serve kept no state: %v", err)
	}
}

func TestPayerUsage(t *testing.T) {
	for _, args := range [][]string{{"payer"}, {"payer", "adjudicate", "x.837"}, {"payer", "nope"}, {"payer", "serve"}} {
		if code, _, _ := rcmRun(t, "", args...); code != 2 {
			t.Errorf("rcm %v: exit %d, want 2", args, code)
		}
	}
	code, out, _ := rcmRun(t, "", "payer", "sample-config")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("sample-config: exit %d, valid JSON %v", code, json.Valid([]byte(out)))
	}
}

// ppoClaim is an 837P for the sample PPO subscriber BIRCHFIELD CASEY: a
// joint injection (20610, allowed 125% of the base 60 = 75) that goes to
// her 500 deductible.
const ppoClaim = `ISA*00*          *00*          *ZZ*LAKESIDE01     *ZZ*SANDBOXCH      *260302*0830*^*00501*000000042*0*T*:~
GS*HC*LAKESIDE01*SANDBOXCH*20260302*0830*43*X*005010X222A1~
ST*837*0044*005010X222A1~
BHT*0019*00*B000002*20260302*0830*CH~
NM1*41*2*LAKESIDE FAMILY MEDICINE*****46*LAKESIDE01~
PER*IC*BILLING OFFICE*TE*2175550140~
NM1*40*2*OPENRCM SANDBOX CLEARINGHOUSE*****46*SANDBOXCH~
HL*1**20*1~
NM1*85*2*LAKESIDE FAMILY MEDICINE*****XX*1234567893~
N3*400 HARBOR WAY~
N4*SPRINGFIELD*IL*627014105~
REF*EI*364815162~
HL*2*1*22*0~
SBR*P*18*GRP2040******12~
NM1*IL*1*BIRCHFIELD*CASEY****MI*PPO0002~
N3*400 HARBOR WAY~
N4*SPRINGFIELD*IL*627014105~
DMG*D8*19841120*F~
NM1*PR*2*PRAIRIE PPO*****PI*SBPPO~
CLM*LFM01009-1-1*120***11:B:1*Y*A*Y*Y~
HI*ABK:J020~
LX*1~
SV1*HC:20610*120*UN*1***1~
DTP*472*D8*20260210~
SE*23*0044~
GE*1*43~
IEA*1*000000042~
`

const ppoInquiry = `ISA*00*          *00*          *ZZ*LAKESIDE01     *ZZ*SANDBOXCH      *260304*0800*^*00501*000000050*0*T*:~
GS*HS*LAKESIDE01*SANDBOXCH*20260304*0800*50*X*005010X279A1~
ST*270*0001*005010X279A1~
BHT*0022*13*ELIG0001*20260304*0800~
HL*1**20*1~
NM1*PR*2*PRAIRIE PPO*****PI*SBPPO~
HL*2*1*21*1~
NM1*1P*2*LAKESIDE FAMILY MEDICINE*****XX*1234567893~
HL*3*2*22*0~
TRN*1*ELIG0001*9364815162~
NM1*IL*1*BIRCHFIELD*CASEY****MI*PPO0002~
DMG*D8*19841120~
DTP*291*D8*20260304~
EQ*30~
SE*13*0001~
GE*1*50~
IEA*1*000000050~
`

// TestPayerEligibilityRoundTrip answers the 270s OpenRCM's eligibility
// package writes (its testdata) with the sandbox, and reads the 271s back
// with OpenRCM's 271 reader: the subscriber and the dependent are active
// with the member file's plan dates and benefits; an unknown member comes
// back rejected with AAA 75.
func TestPayerEligibilityRoundTrip(t *testing.T) {
	cfg, err := payer.SampleConfig()
	if err != nil {
		t.Fatal(err)
	}
	acme := *cfg.Payers[1]
	acme.ID, acme.Name = "ACME1", "ACME HEALTH PLAN"
	cfg.Payers = append(cfg.Payers, &acme)
	d := rcm.MustParseDate
	ben := payer.Benefits{Deductible: rcm.MustParseMoney("1000.00"), Coinsurance: 2000, OOPMax: rcm.MustParseMoney("4000.00"),
		Copays: map[string]rcm.Money{"98": rcm.MustParseMoney("30.00")}}
	cfg.Members = append(cfg.Members,
		&payer.Member{Payer: "ACME1", ID: "XYZ123456", Last: "TESTPERSON", First: "ADA", BirthDate: d("1980-02-03"), Sex: "F",
			Plan: "ACME GOLD", PlanBegin: d("2025-01-01"), Benefits: ben},
		&payer.Member{Payer: "ACME1", ID: "XYZ123456-02", SubscriberID: "XYZ123456", Last: "TESTPERSON", First: "BEN",
			BirthDate: d("2015-06-07"), Sex: "M", Plan: "ACME GOLD", PlanBegin: d("2025-01-01"), Benefits: ben})
	for _, tt := range []struct {
		file      string
		dependent bool
		status    eligibility.Status
	}{{"self.270", false, eligibility.Active}, {"dependent.270", true, eligibility.Active}} {
		in, err := os.ReadFile(filepath.Join("..", "..", "eligibility", "testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		e := payer.NewEngine(cfg, payer.NewState(1), rcm.NewStepClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)))
		files, err := e.Process(tt.file, in)
		if err != nil || len(files) != 1 {
			t.Fatalf("%s: %v, %d files", tt.file, err, len(files))
		}
		res, err := eligibility.Read271(bytes.NewReader(files[0].Data))
		if err != nil {
			t.Fatalf("%s: read 271: %v\n%s", tt.file, err, files[0].Data)
		}
		var got *eligibility.Result
		for i := range res {
			if res[i].Dependent == tt.dependent {
				got = &res[i]
			}
		}
		if got == nil {
			t.Fatalf("%s: no result for the person asked about: %+v", tt.file, res)
		}
		if got.Status != tt.status || got.PlanBegin != d("2025-01-01") || got.Trace == "" {
			t.Errorf("%s: status %s, plan begin %s, trace %q", tt.file, got.Status, got.PlanBegin, got.Trace)
		}
		var deductible, copay bool
		for _, b := range got.Benefits {
			deductible = deductible || b.Code == "C" && b.Period == "29" && b.Amount == rcm.MustParseMoney("1000.00")
			copay = copay || b.Code == "B" && b.Amount == rcm.MustParseMoney("30.00")
		}
		if !deductible || !copay {
			t.Errorf("%s: benefits lack the remaining deductible or the copay: %+v", tt.file, got.Benefits)
		}
	}
	// An unknown member.
	cfg.Members = cfg.Members[:len(cfg.Members)-2]
	in, _ := os.ReadFile(filepath.Join("..", "..", "eligibility", "testdata", "self.270"))
	files, err := payer.NewEngine(cfg, payer.NewState(1), rcm.NewStepClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))).Process("self.270", in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eligibility.Read271(bytes.NewReader(files[0].Data))
	if err != nil || len(res) != 1 || res[0].Status != eligibility.Rejected || len(res[0].Rejections) == 0 || res[0].Rejections[0].Reason != "75" {
		t.Errorf("unknown member: %v %+v", err, res)
	}
}
