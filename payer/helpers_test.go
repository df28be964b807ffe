package payer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/x12"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// testNow is the sandbox clock in tests: claims from early 2026 arrive in
// time, older ones are late.
var testNow = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

const (
	billingNPI   = "1234567893" // valid check digit
	renderingNPI = "1245319599" // valid check digit
)

// testConfig is a small configuration whose numbers the tests work out by
// hand, independent of the documented sample.
func testConfig() *Config {
	m := rcm.MustParseMoney
	d := rcm.MustParseDate
	return &Config{
		BaseSchedules: map[string]map[string]rcm.Money{"BASE": {"99213": m("100.00"), "99214": m("140.00"), "20610": m("60.00"),
			"29881": m("500.00"), "11042": m("120.00"), "17110": m("110.00"), "36415": m("3.00"), "80053": m("11.00"), "83036": m("13.00"),
			"99396": m("120.00"), "J3420": m("1.50"), "64483": m("250.00")}},
		ServiceTypes: []ServiceType{{Code: "98", Procedures: []string{"99202-99215"}}},
		Payers: []*Payer{
			{ID: "PAYA", Name: "PAYER A PPO", TIN: "990000010", Phone: "8005550100", FilingIndicator: "12",
				Address: Address{"1 MAIN ST", "SPRINGFIELD", "IL", "62701"},
				Contract: Contract{Fees: map[string]rcm.Money{"99213": m("80.00"), "99213:GT": m("70.00")}, Base: "BASE", BasePercent: 10000, ChargePercent: 0,
					MultipleProcedure: &MultipleProcedure{Codes: []string{"10004-69990"}, Percents: []Percent{10000, 5000}},
					Modifiers:         map[string]Percent{"50": 15000, "80": 1600}},
				TimelyFilingDays: 90, Payment: Payment{Method: "CHK"}, COB: COBStandard,
				Rules: []Rule{
					{ID: "A-BUNDLE", Kind: RuleBundle, Codes: []string{"36415"}, With: []string{"80053"}, Bypass: []string{"59"}},
					{ID: "A-LCD", Kind: RuleNecessity, Codes: []string{"83036"}, Diagnoses: []string{"E11", "R73"}},
					{ID: "A-NC", Kind: RuleNonCovered, Codes: []string{"17110"}, Remark: "N425"},
					{ID: "A-FREQ", Kind: RuleFrequency, Codes: []string{"99396"}, Max: 1, PeriodDays: 365},
				}},
			{ID: "PAYB", Name: "PAYER B MEDICARE", TIN: "990000020", Phone: "8005550200", FilingIndicator: "MB",
				Address:  Address{"2 MAIN ST", "SPRINGFIELD", "IL", "62701"},
				Contract: Contract{Base: "BASE", BasePercent: 8000},
				Payment:  Payment{Method: "ACH", PayerRouting: "071000013", PayerAccount: "PAYB1", PayeeRouting: "081000032", PayeeAccount: "PROV1"},
				PLB:      []PLB{{Code: "L6", Reference: "INTEREST", Amount: m("-2.00")}}, COB: COBStandard, RejectUnknownMembers: true,
				TimelyFilingDays: 365},
		},
		Members: []*Member{
			{Payer: "PAYA", ID: "A100", Last: "DOE", First: "JANE", BirthDate: d("1980-01-02"), Sex: "F", PlanBegin: d("2025-01-01"),
				Benefits: Benefits{Deductible: m("100.00"), Coinsurance: 2000, OOPMax: m("150.00"), Copays: map[string]rcm.Money{"98": m("20.00")}}},
			{Payer: "PAYA", ID: "A200", Last: "ROE", First: "RICH", BirthDate: d("1970-05-06"), Sex: "M", PlanBegin: d("2026-02-01"), PlanEnd: d("2026-02-28"),
				Benefits: Benefits{Deductible: m("0.00"), Coinsurance: 1000}},
			{Payer: "PAYA", ID: "A300", Last: "POE", First: "PAT", BirthDate: d("1960-01-01"), Sex: "F", PlanBegin: d("2025-01-01"),
				OtherPayerPrimary: "PAYB", Benefits: Benefits{Deductible: m("50.00"), Coinsurance: 2000}},
			{Payer: "PAYA", ID: "A400", Last: "LOE", First: "LEE", BirthDate: d("1990-01-01"), Sex: "M", PlanBegin: d("2025-01-01"),
				Benefits: Benefits{Deductible: m("0.00"), Coinsurance: 0}},
			{Payer: "PAYA", ID: "A400-01", SubscriberID: "A400", Last: "LOE", First: "KIM", BirthDate: d("2015-01-01"), Sex: "F", PlanBegin: d("2025-01-01"),
				Benefits: Benefits{Deductible: m("0.00"), Coinsurance: 1000}},
			{Payer: "PAYB", ID: "B100", Last: "POE", First: "PAT", BirthDate: d("1960-01-01"), Sex: "F", PlanBegin: d("2020-01-01"),
				Benefits: Benefits{Deductible: m("0.00"), Coinsurance: 2000}},
		},
	}
}

// tc is a test claim; zero fields take defaults.
type tc struct {
	id, payer, member, last, first, birth string
	dependent                             *Person
	freq, f8, sbr, rendering, billing     string
	charge                                string // CLM02; default sum of lines
	dx                                    []string
	lines                                 []tl
	prior                                 *Prior // 2320 (AMT*D and CAS)
	// prior2 is a second earlier payer's 2320 (SBR01 S), written after
	// prior's (SBR01 P) unless prior2First.
	prior2      *Prior
	prior2First bool
}

// tl is a test line.
type tl struct {
	code     string
	mods     []string
	charge   string
	units    string
	date     string
	pointers string
	prior    *PriorLine
	prior2   *PriorLine
}

// mk837 writes a valid 837P (005010X222A1) with one billing provider and
// one subscriber loop per claim.
func mk837(t testing.TB, claims ...tc) []byte {
	t.Helper()
	var b bytes.Buffer
	w := x12.NewWriter(&b, x12.DefaultDelimiters, true, &x12.Counter{N: 100})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	must(w.StartInterchange(x12.InterchangeHeader{SenderQual: "ZZ", Sender: "PROVSUB", ReceiverQual: "ZZ", Receiver: "SANDBOX", Time: now}))
	must(w.StartGroup(x12.GroupHeader{FunctionalID: "HC", Sender: "PROVSUB", Receiver: "SANDBOX", Time: now, Version: "005010X222A1"}))
	_, err := w.StartTransaction("837", "005010X222A1")
	must(err)
	s := func(id string, els ...string) { t.Helper(); must(w.Segment(id, els...)) }
	s("BHT", "0019", "00", "BATCH1", "20260302", "0830", "CH")
	s("NM1", "41", "2", "TEST CLINIC", "", "", "", "", "46", "PROVSUB")
	s("PER", "IC", "BILLING", "TE", "2175550100")
	s("NM1", "40", "2", "SANDBOX", "", "", "", "", "46", "SANDBOX")
	s("HL", "1", "", "20", "1")
	billing := billingNPI
	if len(claims) > 0 && claims[0].billing != "" {
		billing = claims[0].billing
	}
	s("NM1", "85", "2", "TEST CLINIC", "", "", "", "", "XX", billing)
	s("N3", "1 CLINIC WAY")
	s("N4", "SPRINGFIELD", "IL", "627010000")
	s("REF", "EI", "123456789")
	hl := 1
	for _, c := range claims {
		hl++
		sub := hl
		sbr := orDefault(c.sbr, "P")
		child := "0"
		if c.dependent != nil {
			child = "1"
		}
		s("HL", itoa(sub), "1", "22", child)
		if c.dependent != nil {
			s("SBR", sbr, "", "GRP", "", "", "", "", "", "CI")
		} else {
			s("SBR", sbr, "18", "GRP", "", "", "", "", "", "CI")
		}
		s("NM1", "IL", "1", orDefault(c.last, "DOE"), orDefault(c.first, "JANE"), "", "", "", "MI", orDefault(c.member, "A100"))
		if c.dependent == nil {
			s("DMG", "D8", strings.ReplaceAll(orDefault(c.birth, "1980-01-02"), "-", ""), "F")
		}
		s("NM1", "PR", "2", "PAYER", "", "", "", "", "PI", orDefault(c.payer, "PAYA"))
		if c.dependent != nil {
			hl++
			s("HL", itoa(hl), itoa(sub), "23", "0")
			s("PAT", "19")
			s("NM1", "QC", "1", c.dependent.Last, c.dependent.First)
			s("N3", "1 HOME ST")
			s("N4", "SPRINGFIELD", "IL", "627010000")
			s("DMG", "D8", c.dependent.Birth.D8(), "F")
		}
		var total rcm.Money
		for _, l := range c.lines {
			total += rcm.MustParseMoney(l.charge)
		}
		charge := c.charge
		if charge == "" {
			charge = total.X12()
		}
		s("CLM", orDefault(c.id, "C1"), charge, "", "", w.Composite("11", "B", orDefault(c.freq, "1")), "Y", "A", "Y", "Y")
		if c.f8 != "" {
			s("REF", "F8", c.f8)
		}
		dx := c.dx
		if dx == nil {
			dx = []string{"E119"}
		}
		hi := []string{w.Composite("ABK", dx[0])}
		for _, x := range dx[1:] {
			hi = append(hi, w.Composite("ABF", x))
		}
		s("HI", hi...)
		if c.rendering != "" {
			s("NM1", "82", "1", "DOC", "DAN", "", "", "", "XX", c.rendering)
		}
		other := func(seq string, p *Prior) {
			s("SBR", seq, "18", "", "", "", "", "", "", "MB")
			var adjs []string
			for _, a := range p.Adjustments {
				adjs = append(adjs, a.Group, a.Reason, a.Amount.X12())
			}
			for i := 0; i+2 < len(adjs); i += 3 {
				s("CAS", adjs[i], adjs[i+1], adjs[i+2])
			}
			s("AMT", "D", p.Paid.X12())
			s("OI", "", "", "Y", "", "", "Y")
			s("NM1", "IL", "1", orDefault(c.last, "DOE"), orDefault(c.first, "JANE"), "", "", "", "MI", "PRIOR"+seq)
			s("NM1", "PR", "2", "PRIOR PAYER "+seq, "", "", "", "", "PI", p.PayerID)
		}
		if c.prior2 != nil && c.prior2First {
			other("S", c.prior2)
		}
		if c.prior != nil {
			other("P", c.prior)
		}
		if c.prior2 != nil && !c.prior2First {
			other("S", c.prior2)
		}
		for i, l := range c.lines {
			s("LX", itoa(i+1))
			comp := append([]string{"HC", l.code}, l.mods...)
			s("SV1", w.Composite(comp...), l.charge, "UN", orDefault(l.units, "1"), "", "", orDefault(l.pointers, "1"))
			s("DTP", "472", "D8", strings.ReplaceAll(orDefault(l.date, "2026-02-10"), "-", ""))
			svd := func(payer string, p *PriorLine) {
				s("SVD", payer, p.Paid.X12(), w.Composite(comp...), "", orDefault(l.units, "1"))
				for _, a := range p.Adjustments {
					s("CAS", a.Group, a.Reason, a.Amount.X12())
				}
				s("DTP", "573", "D8", "20260220")
			}
			if l.prior != nil {
				svd(orDefault(c.prior.PayerID, "PRIOR"), l.prior)
			}
			if l.prior2 != nil {
				svd(c.prior2.PayerID, l.prior2)
			}
		}
	}
	must(w.EndTransaction())
	must(w.EndGroup())
	must(w.EndInterchange())
	return b.Bytes()
}

func itoa(n int) string { return strconv.Itoa(n) }

// newEngine returns an engine over cfg with a fresh state and the test clock.
func newEngine(cfg *Config) *Engine {
	return NewEngine(cfg, NewState(7), rcm.NewStepClock(testNow))
}

// runFiles processes each input, then runs one cycle; every output must
// validate clean, and every 835 must balance.
func runFiles(t *testing.T, e *Engine, inputs ...[]byte) []File {
	t.Helper()
	var out []File
	for _, in := range inputs {
		f, err := e.Process("in"+itoa(len(e.State.Files))+".837", in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f...)
	}
	f, err := e.Cycle()
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, f...)
	for _, f := range out {
		checkValid(t, f)
	}
	return out
}

// checkValid validates a written file in OpenRCM's X12 engine and checks
// the 835 balancing rules on the file's text.
func checkValid(t *testing.T, f File) {
	t.Helper()
	res := x12.Validate(bytes.NewReader(f.Data))
	if !res.Valid() {
		t.Errorf("%s does not validate: err=%v findings=%v\n%s", f.Name, res.Err, res.Findings, f.Data)
	}
	if strings.HasSuffix(f.Name, ".835") {
		if err := checkBalance(f.Data); err != nil {
			t.Errorf("%s does not balance: %v\n%s", f.Name, err, f.Data)
		}
	}
}

// adjudicateOne runs claims through a fresh engine over cfg and returns
// the payments.
func adjudicateOne(t *testing.T, cfg *Config, claims ...tc) []*ClaimPayment {
	t.Helper()
	e := newEngine(cfg)
	runFiles(t, e, mk837(t, claims...))
	return e.Payments
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file; rerun with -update and review the diff:\n%s", name, got)
	}
}
