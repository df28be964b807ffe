package payer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

// scenario is a mixed cycle: paid with patient responsibility, a denial,
// a secondary claim, a bundled line, and a replacement of a claim paid in
// an earlier cycle; payer B pays by ACH with a PLB.
func scenario(t *testing.T, e *Engine) []File {
	t.Helper()
	m := rcm.MustParseMoney
	out := runFiles(t, e, mk837(t, tc{id: "S1", lines: []tl{{code: "20610", charge: "100"}}}))
	orig := e.Payments[0].PayerClaim
	out = append(out, runFiles(t, e,
		mk837(t,
			tc{id: "S2", lines: []tl{{code: "99213", charge: "90"}, {code: "80053", charge: "20"}, {code: "36415", charge: "10"}}},
			tc{id: "S3", member: "NOPE", lines: []tl{{code: "99213", charge: "90"}}},
			tc{id: "S4", member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S", prior: &Prior{PayerID: "PAYB", Paid: m("70")},
				lines: []tl{{code: "99214", charge: "150", prior: &PriorLine{Paid: m("70"), Adjustments: []Adjustment{{"CO", "45", m("50")}, {"PR", "2", m("30")}}}}}},
			tc{id: "S1", freq: "7", f8: orig, lines: []tl{{code: "20610", mods: []string{"50"}, charge: "150"}}},
		),
		mk837(t, tc{id: "S5", payer: "PAYB", member: "B100", last: "POE", first: "PAT", birth: "1960-01-01", lines: []tl{{code: "99214", charge: "150"}, {code: "J3420", charge: "20", units: "2"}}}),
	)...)
	return out
}

func TestGoldenScenario(t *testing.T) {
	e := newEngine(testConfig())
	files := scenario(t, e)
	var got []string
	for _, f := range files {
		golden(t, filepath.Join("scenario", f.Name), f.Data)
		got = append(got, f.Name)
	}
	want := []string{"in0.837.999", "in0.837.277ca", "PAYA-20260303-0335500001.835",
		"in1.837.999", "in1.837.277ca", "in2.837.999", "in2.837.277ca", "PAYA-20260303-0335500002.835", "PAYB-20260303-0335500003.835"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(goldenSummary, summary(e.Payments)); diff != "" {
		t.Errorf("payments mismatch (-want +got):\n%s", diff)
	}
}

// goldenSummary is the scenario worked by hand: S2's office visit takes
// the copay, 80053 meets 11 of the 40 deductible left after S1, 36415 is
// bundled; S4 is paid as secondary (normal benefit 72, balance 30); S1's
// replacement (bilateral, 60 x 150% = 90) meets the deductible S1's
// reversal gave back; payer B allows 80% of base.
var goldenSummary = []string{
	"S1 status 1 charge 100 paid 0 pr 60", "  20610 allowed 60 paid 0 [CO-45 40, PR-1 60]",
	"S2 status 1 charge 120 paid 60 pr 31", "  99213 allowed 80 paid 60 [CO-45 10, PR-3 20]",
	"  80053 allowed 11 paid 0 [CO-45 9, PR-1 11]", "  36415 allowed 0 paid 0 [CO-97 10] M15",
	"S3 status 4 charge 90 paid 0 pr 0 [CO-31 90]",
	"S4 status 2 charge 150 paid 30 pr 0", "  99214 allowed 140 paid 30 [OA-23 120]",
	"S1 status 22 charge -100 paid 0 pr -60", "  20610 allowed -60 paid 0 [CO-45 -40, PR-1 -60]",
	"S1 status 1 charge 150 paid 0.8 pr 89.2", "  20610:50 allowed 90 paid 0.8 [CO-45 60, PR-1 89, PR-2 0.2]",
	"S5 status 1 charge 170 paid 91.52 pr 22.88", "  99214 allowed 112 paid 89.6 [CO-45 38, PR-2 22.4]",
	"  J3420 allowed 2.4 paid 1.92 [CO-45 17.6, PR-2 0.48]",
}

// TestRepeatable: the same inputs, configuration, seed and starting state
// give the same bytes; a state saved and loaded carries on exactly as one
// kept in memory.
func TestRepeatable(t *testing.T) {
	a := scenario(t, newEngine(testConfig()))
	b := scenario(t, newEngine(testConfig()))
	if len(a) != len(b) {
		t.Fatalf("%d files vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("run 2 file %s differs from run 1 file %s", b[i].Name, a[i].Name)
		}
	}
	// Another seed gives other trace and control numbers.
	e := NewEngine(testConfig(), NewState(8), rcm.NewStepClock(testNow))
	c := scenario(t, e)
	if bytes.Equal(a[2].Data, c[2].Data) {
		t.Error("seed 8 wrote the same 835 as seed 7")
	}

	// Save after the first claim file, load, continue: same bytes.
	path := filepath.Join(t.TempDir(), "state.json")
	e1 := newEngine(testConfig())
	runFiles(t, e1, mk837(t, tc{id: "S1", lines: []tl{{code: "20610", charge: "100"}}}))
	if err := e1.State.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path, 99)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e1.State, st, cmpopts.IgnoreUnexported(LinePayment{})); diff != "" {
		t.Errorf("state round trip mismatch (-want +got):\n%s", diff)
	}
	e2 := NewEngine(testConfig(), st, rcm.NewStepClock(testNow.Add(time.Second)))
	x := runFiles(t, e2, mk837(t, tc{id: "S9", lines: []tl{{code: "11042", charge: "200"}}}))
	y := runFiles(t, e1, mk837(t, tc{id: "S9", lines: []tl{{code: "11042", charge: "200"}}}))
	for i := range x {
		if !bytes.Equal(x[i].Data, y[i].Data) {
			t.Errorf("after a save and load, %s differs:\n%s\nvs\n%s", x[i].Name, x[i].Data, y[i].Data)
		}
	}
	// The accumulator carried over: S9 meets the last 40 of the deductible.
	if got := e2.Payments[0].Deductible; got != rcm.MustParseMoney("40") {
		t.Errorf("S9 deductible = %s, want 40 (60 met by S1 before the save)", got)
	}
}

func TestBadInput(t *testing.T) {
	valid := string(mk837(t, tc{lines: []tl{{code: "99213", charge: "90"}}}))
	tests := []struct {
		name    string
		data    string
		wantErr bool
		want    []string // file names written
		ack     string   // a segment the acknowledgment must hold
	}{
		{"garbage", "this is not an X12 file at all", true, nil, ""},
		{"empty", "", true, nil, ""},
		{"a 999 is not answered", readShared(t, "x12-samples/imsweb-x12-parser/837_5010/x12_999_accepted.txt"), true, nil, ""},
		{"invalid 837P gets a rejecting 999 and nothing else", strings.Replace(valid, "CLM*C1*90**", "CLM*C1*90*", 1), false,
			[]string{"bad.837.999"}, "IK5*R"},
		{"truncated 837P", valid[:len(valid)/2], false, []string{"bad.837.999"}, "TA1*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(testConfig())
			files, err := e.Process("bad.837", []byte(tt.data))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrNotInput) {
				t.Errorf("err = %v, want ErrNotInput", err)
			}
			if diff := cmp.Diff(tt.want, names(files)); diff != "" {
				t.Errorf("files mismatch (-want +got):\n%s", diff)
			}
			for _, f := range files {
				checkValid(t, f)
				if !strings.Contains(string(f.Data), tt.ack) {
					t.Errorf("%s lacks %q:\n%s", f.Name, tt.ack, f.Data)
				}
			}
			if more, _ := e.Cycle(); len(more) > 0 || len(e.State.Pending) > 0 {
				t.Errorf("bad input produced an 835 or pending claims")
			}
		})
	}
}

func readShared(t *testing.T, rel string) string {
	b, err := os.ReadFile(shareddata.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSharedSamples adjudicates every valid shared 837P sample twice: as
// is (their payers are unknown: 277CA A3:116) and with each sample's payer
// configured, so the claims reach adjudication and are denied for unknown
// members (CO-31) or rejected at the front end. Every answer validates.
func TestSharedSamples(t *testing.T) {
	root := shareddata.Path(t, "x12-samples")
	paths, _ := filepath.Glob(filepath.Join(root, "stupidedi-005010", "X222A1_HC837", "pass", "*.edi"))
	more, _ := filepath.Glob(filepath.Join(root, "imsweb-x12-parser", "837_5010", "x12_*.txt"))
	paths = append(paths, more...)
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, withPayers := range []bool{false, true} {
				cfg := testConfig()
				if withPayers {
					addSamplePayers(t, cfg, data)
				}
				e := newEngine(cfg)
				files, err := e.Process(filepath.Base(p), data)
				if errors.Is(err, ErrNotInput) {
					return // a 999 sample
				}
				if err != nil {
					t.Fatal(err)
				}
				out, err := e.Cycle()
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range append(files, out...) {
					checkValid(t, f)
				}
				for _, v := range e.Verdicts {
					if v.Accepted && !withPayers {
						t.Errorf("claim %s for an unknown payer accepted", v.Claim.ID)
					}
					if !withPayers && v.Status != "116" && v.Status != "562" && v.Claim.Problem == "" {
						t.Errorf("claim %s: status %s, want 116 (unknown payer)", v.Claim.ID, v.Status)
					}
				}
				for _, cp := range e.Payments {
					if cp.Status != StatusDenied {
						t.Errorf("claim %s: CLP02 %s, want 4", cp.ClaimID, cp.Status)
					}
				}
			}
		})
	}
}

// addSamplePayers configures a payer for every 2010BB payer ID of a
// sample, with unknown members denied on the 835, not rejected.
func addSamplePayers(t *testing.T, cfg *Config, data []byte) {
	_ = x12.ReadTransactions(bytes.NewReader(data), func(tx *x12.Transaction) error {
		for _, bb := range tx.Loops("2010BB") {
			if s := bb.Segment("NM1"); s != nil && cfg.PayerByID(s.String(9)) == nil {
				p := *cfg.Payers[0]
				p.ID = s.String(9)
				cfg.Payers = append(cfg.Payers, &p)
			}
		}
		return nil
	})
	// Every accepted claim is then denied CO-31 (no member) or fails the
	// front end for its own data; a sample whose NPIs fail their check
	// digit is rejected A7:562.
	_ = t
}

// TestBalancingProperty adjudicates random claims (codes, modifiers,
// units, charges, dates, members, secondaries) and checks that every 835
// balances by the guide's rules and validates.
func TestBalancingProperty(t *testing.T) {
	r := rcm.NewRand(42)
	codes := []string{"99213", "99214", "20610", "29881", "11042", "17110", "36415", "80053", "83036", "99396", "J3420", "99999", "64483"}
	mods := []string{"", "", "", "50", "80", "59", "GT", "25"}
	members := []tc{{member: "A100"}, {member: "A200", last: "ROE", first: "RICH", birth: "1970-05-06"},
		{member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S"}, {member: "NOPE"}}
	e := newEngine(testConfig())
	for round := 0; round < 20; round++ {
		var claims []tc
		for i := 0; i < 1+r.IntN(4); i++ {
			c := members[r.IntN(len(members))]
			c.id = fmt.Sprintf("P%d-%d", round, i)
			var primaryPaid rcm.Money
			for j := 0; j < 1+r.IntN(5); j++ {
				l := tl{code: codes[r.IntN(len(codes))], charge: rcm.Money(1 + r.IntN(90000)).X12(),
					units: fmt.Sprint(1 + r.IntN(3)), date: fmt.Sprintf("2026-02-%02d", 1+r.IntN(28))}
				if m := mods[r.IntN(len(mods))]; m != "" {
					l.mods = []string{m}
				}
				if c.sbr == "S" {
					ch := rcm.MustParseMoney(l.charge)
					paid := rcm.Money(r.IntN(int(ch) + 1))
					pr := rcm.Money(r.IntN(int(ch-paid) + 1))
					l.prior = &PriorLine{Paid: paid, Adjustments: []Adjustment{{"CO", "45", ch - paid - pr}, {"PR", "2", pr}}}
					primaryPaid += paid
				}
				c.lines = append(c.lines, l)
			}
			if c.sbr == "S" {
				c.prior = &Prior{PayerID: "PAYB", Paid: primaryPaid}
			}
			claims = append(claims, c)
		}
		runFiles(t, e, mk837(t, claims...)) // checks validation and balance
	}
	if len(e.Payments) < 20 {
		t.Fatalf("only %d payments", len(e.Payments))
	}
	// The property checker itself must catch an unbalanced file.
	bad := []byte(strings.Replace(string(scenario(t, newEngine(testConfig()))[2].Data), "CAS*CO*45*40", "CAS*CO*45*41", 1))
	if checkBalance(bad) == nil {
		t.Error("checkBalance accepted an unbalanced 835")
	}
}

// TestServe runs the serve loop against a clearinghouse folder: OpenRCM's
// Dir transport sends a batch, the sandbox answers into inbound, and
// OpenRCM lists the answers; the state file carries across a restart.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	rcmSide, err := clearinghouse.OpenDir(MailboxLayout(dir))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := rcmSide.Send(ctx, "batch1.837", mk837(t, tc{id: "V1", lines: []tl{{code: "20610", charge: "100"}}})); err != nil {
		t.Fatal(err)
	}
	if err := rcmSide.Send(ctx, "notes.txt", []byte("not x12")); err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(dir, "state.json")
	poll := func() {
		t.Helper()
		st, err := LoadState(statePath, 7)
		if err != nil {
			t.Fatal(err)
		}
		mb, err := OpenMailbox(dir)
		if err != nil {
			t.Fatal(err)
		}
		s := &Server{Engine: NewEngine(testConfig(), st, rcm.NewStepClock(testNow)), Mailbox: mb, StatePath: statePath}
		if _, err := s.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		// Serve polls until its context ends, then returns without error.
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- s.Serve(cctx, time.Millisecond) }()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	poll()
	got, err := rcmSide.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "PAYA-20260303-0335500001.835" || got[1] != "batch1.837.277ca" || got[2] != "batch1.837.999" {
		t.Fatalf("inbound = %v", got)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "outbound")); len(left) != 0 {
		t.Errorf("outbound still holds %d files", len(left))
	}
	// A second batch after a restart: the deductible met by V1 carries over.
	if err := rcmSide.Send(ctx, "batch2.837", mk837(t, tc{id: "V2", lines: []tl{{code: "11042", charge: "200"}}})); err != nil {
		t.Fatal(err)
	}
	poll()
	st, _ := LoadState(statePath, 7)
	if acc := st.Accumulators["PAYA//A100/2026-01-01"]; acc == nil || acc.Deductible != rcm.MustParseMoney("100") {
		t.Errorf("accumulator after restart = %+v, want deductible 100", acc)
	}
	got, _ = rcmSide.List(ctx)
	if len(got) != 6 {
		t.Errorf("inbound after second batch = %v", got)
	}
}

// FuzzProcess feeds arbitrary bytes to the intake: it must never panic,
// and whatever it writes must validate.
func FuzzProcess(f *testing.F) {
	f.Add(mk837(f, tc{lines: []tl{{code: "99213", charge: "90"}}}))
	f.Add(mk837(f, tc{id: "X", member: "A300", last: "POE", first: "PAT", birth: "1960-01-01", sbr: "S",
		prior: &Prior{PayerID: "PAYB", Paid: 10}, lines: []tl{{code: "20610", charge: "100", prior: &PriorLine{Paid: 10}}}}))
	f.Add([]byte("ISA*00*"))
	f.Add(mk837I(f))
	if dir := shareddata.Dir(); dir != "" {
		for _, rel := range []string{"x12-samples/stupidedi-005010/X223A2_HC837/pass/837-institutional-claim.edi", "x12-samples/stupidedi-005010/X223A2_HC837/pass/automobile-accident.edi", "x12-samples/stupidedi-005010/X222A1_HC837/pass/medicare-secondary-payer-COB.edi", "x12-samples/imsweb-x12-parser/837_5010/x12_valid.txt"} {
			if b, err := os.ReadFile(filepath.Join(dir, rel)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		cfg := testConfig()
		cfg.Payers[0].Contract.ChargePercent = 5000
		cfg.Payers[0].Contract.Institutional = &InstitutionalContract{PerDiem: 100000, RevenueFees: map[string]rcm.Money{"0272": 5000}, ChargePercent: 4000}
		e := newEngine(cfg)
		files, err := e.Process("f.837", data)
		if err != nil {
			return
		}
		more, err := e.Cycle()
		if err != nil {
			t.Fatalf("cycle: %v", err)
		}
		for _, f := range append(files, more...) {
			if res := x12.Validate(bytes.NewReader(f.Data)); !res.Valid() {
				t.Fatalf("%s does not validate: %v %v\n%s", f.Name, res.Err, res.Findings, f.Data)
			}
			if strings.HasSuffix(f.Name, ".835") {
				if err := checkBalance(f.Data); err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
			}
		}
	})
}
