package hl7_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/hl7"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// fixture is a practice with a provider (NPI 1245319599) and a payer
// (ACME1), and a receiver applying messages to it.
type fixture struct {
	ctx context.Context
	db  *sqldb.DB
	rc  *hl7.Receiver
	s   sqldbtest.Seeded
}

func setup(t testing.TB, dialect string) *fixture {
	t.Helper()
	db := sqldbtest.Open(t, dialect)
	ctx, _ := sqldbtest.Org(t, db, "Org HL7")
	s := sqldbtest.Seed(t, ctx, db)
	cat := codeset.NewCatalog(codeset.Starter())
	return &fixture{ctx: ctx, db: db, s: s, rc: &hl7.Receiver{Store: db, Clock: db.Clock, Codes: codeset.Checker{Catalog: cat}}}
}

// seg writes a segment from its fields by number.
func seg(name string, fields map[int]string) string {
	n := 0
	for k := range fields {
		n = max(n, k)
	}
	out := make([]string, n+1)
	out[0] = name
	for k, v := range fields {
		out[k] = v
	}
	return strings.Join(out, "|")
}

func msg(segs ...string) []byte { return []byte(strings.Join(segs, "\r") + "\r") }

func (f *fixture) receive(t *testing.T, raw []byte) (*hl7.Message, hl7.Result) {
	t.Helper()
	ack, res, err := f.rc.Receive(f.ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	return ack, res
}

func (f *fixture) patients(t *testing.T, name string) []*rcm.Patient {
	t.Helper()
	ps, err := f.db.FindPatients(f.ctx, rcm.PatientFilter{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

const (
	mshADT = "MSH|^~\\&|EHR|CLINIC|OPENRCM|PRACTICE|20251201120000||ADT^A04^ADT_A01|%s|P|2.5.1"
	pid    = "PID|1||MRN77^^^CLINIC^MR||Quintavalle^Rosamund^J||19790214|F|||4410 Orchard Ave^^Springfield^IL^62704||(217) 555-0143"
)

func adt(ctl string, segs ...string) []byte {
	return msg(append([]string{strings.Replace(mshADT, "%s", ctl, 1), "EVN|A04|20251201120000"}, segs...)...)
}

func TestADTRegistersPatient(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := setup(t, dialect)
			ack, res := f.receive(t, adt("BAR0001", pid, "PV1|1|O"))
			if res.Ack.Code != hl7.AA {
				t.Fatalf("ACK %s %s at %s", res.Ack.Code, res.Ack.Text, res.Ack.Location)
			}
			if got := ack.Segment("MSA").Value(2, 1); got != "BAR0001" {
				t.Errorf("MSA-2 %q, want the message's MSH-10", got)
			}
			ps := f.patients(t, "Quintavalle")
			if len(ps) != 1 {
				t.Fatalf("%d patients, want 1", len(ps))
			}
			want := &rcm.Patient{ID: ps[0].ID, OrgID: ps[0].OrgID, AccountNumber: "MRN77", FirstName: "Rosamund", MiddleName: "J", LastName: "Quintavalle",
				BirthDate: rcm.MustParseDate("1979-02-14"), Sex: "F", Phone: "2175550143",
				Address: rcm.Address{Line1: "4410 Orchard Ave", City: "Springfield", State: "IL", ZIP: "62704"}}
			if diff := cmp.Diff(want, ps[0]); diff != "" {
				t.Errorf("patient mismatch (-want +got):\n%s", diff)
			}
			// Resent: acknowledged, nothing changes.
			_, res = f.receive(t, adt("BAR0001", pid, "PV1|1|O"))
			if res.Ack.Code != hl7.AA || !res.Ack.Duplicate {
				t.Errorf("resent message: %+v, want AA duplicate", res.Ack)
			}
			if n := len(f.patients(t, "Quintavalle")); n != 1 {
				t.Errorf("%d patients after a resend, want 1", n)
			}
		})
	}
}

func TestADTCoveragesAndGuarantor(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := setup(t, dialect)
			second := &rcm.Payer{Name: "Prairie Mutual", PayerID: "PRM01", FilingIndicator: "CI", TimelyFilingDays: 180}
			if err := f.db.CreatePayer(f.ctx, second); err != nil {
				t.Fatal(err)
			}
			child := "PID|1||MRN88^^^CLINIC^MR||Quintavalle^Milo||20150603|M|||4410 Orchard Ave^^Springfield^IL^62704"
			in1 := seg("IN1", map[int]string{1: "1", 2: "PPO", 3: "ACME1", 4: "Acme Health", 8: "GRP-55", 12: "20250101", 16: "Quintavalle^Rosamund",
				17: "CHD", 18: "19790214", 19: "4410 Orchard Ave^^Springfield^IL^62704", 36: "ACM-778812", 43: "F"})
			in2 := seg("IN1", map[int]string{1: "2", 4: "Prairie Mutual", 12: "20250301", 17: "SEL", 36: "PRM-55"})
			gt1 := "GT1|1||Quintavalle^Rosamund||4410 Orchard Ave^^Springfield^IL^62704|2175550143|||||PAR"
			_, res := f.receive(t, adt("BAR0010", child, "PV1|1|O", in1, "IN2|1", in2, gt1))
			if res.Ack.Code != hl7.AA {
				t.Fatalf("ACK %s %s at %s", res.Ack.Code, res.Ack.Text, res.Ack.Location)
			}
			p := f.patients(t, "Quintavalle")[0]
			wantG := &rcm.Guarantor{Relationship: rcm.GuarantorParent, FirstName: "Rosamund", LastName: "Quintavalle", Phone: "2175550143",
				Address: rcm.Address{Line1: "4410 Orchard Ave", City: "Springfield", State: "IL", ZIP: "62704"}}
			if diff := cmp.Diff(wantG, p.Guarantor); diff != "" {
				t.Errorf("guarantor mismatch (-want +got):\n%s", diff)
			}
			covs, err := f.db.FindCoverages(f.ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			type cov struct {
				Order          int
				Payer          int64
				Member, Group  string
				Rel            string
				SubscriberName string
			}
			var got []cov
			for _, c := range covs {
				sub := ""
				if c.Subscriber != nil {
					sub = c.Subscriber.FirstName + " " + c.Subscriber.LastName
				}
				got = append(got, cov{c.Order, c.PayerID, c.MemberID, c.GroupNumber, c.Relationship, sub})
			}
			want := []cov{{1, f.s.Payer.ID, "ACM-778812", "GRP-55", "19", "Rosamund Quintavalle"}, {2, second.ID, "PRM-55", "", "18", ""}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("coverages mismatch (-want +got):\n%s", diff)
			}
			// An A08 update with a new address updates the patient and the
			// coverage of order 1, and adds nothing.
			moved := strings.Replace(child, "4410 Orchard Ave", "12 Elm St", 1)
			upd := msg(strings.Replace(strings.Replace(mshADT, "%s", "BAR0011", 1), "A04^ADT_A01", "A08^ADT_A01", 1), "EVN|A08", moved, "PV1|1|O",
				strings.Replace(in1, "ACM-778812", "ACM-999000", 1))
			if _, res := f.receive(t, upd); res.Ack.Code != hl7.AA {
				t.Fatalf("A08: %+v", res.Ack)
			}
			p = f.patients(t, "Quintavalle")[0]
			covs, _ = f.db.FindCoverages(f.ctx, p.ID)
			if p.Address.Line1 != "12 Elm St" || len(covs) != 2 || covs[0].MemberID != "ACM-999000" {
				t.Errorf("after A08: address %q, %d coverages, member %q", p.Address.Line1, len(covs), covs[0].MemberID)
			}
		})
	}
}

const mshDFT = "MSH|^~\\&|EHR|CLINIC|OPENRCM|PRACTICE|20251215170000||DFT^P03|%s|P|2.5.1"

func dft(ctl string, segs ...string) []byte {
	return msg(append([]string{strings.Replace(mshDFT, "%s", ctl, 1), "EVN|P03|20251215170000", pid}, segs...)...)
}

func TestDFTRefusedChangesNothing(t *testing.T) {
	good := []string{"PV1|1|O|||||1245319599^Doctor^Gil||||||||||||V100", "DG1|1||E11.9^Type 2 diabetes^I10", "FT1|1|||20251215||CG|99213^Office visit^CPT|||1|125.00||||||||E11.9|1245319599"}
	tests := []struct {
		name string
		segs []string
		loc  string
	}{
		{"no PV1", good[1:], "PV1"},
		{"no FT1", good[:2], "FT1"},
		{"bad date", []string{good[0], good[1], strings.Replace(good[2], "20251215", "2025121", 1)}, "FT1-4 (FT1 1)"},
		{"payment, not a charge", []string{good[0], good[1], strings.Replace(good[2], "|CG|", "|PY|", 1)}, "FT1-6 (FT1 1)"},
		{"unknown provider", []string{good[0], good[1], strings.Replace(good[2], "|1245319599", "|1234567893", 1)}, "FT1-20"},
		{"pointer to no DG1", []string{good[0], good[1], strings.Replace(good[2], "||E11.9|", "||I10|", 1)}, "FT1-19 (FT1 1)"},
		{"header code", []string{good[0], strings.Replace(good[1], "E11.9^", "E11^", 1), strings.Replace(good[2], "||E11.9|", "|||", 1)}, "DG1-3 (DG1 1)"},
		{"not ICD-10", []string{good[0], strings.Replace(good[1], "^I10", "^SNM", 1), good[2]}, "DG1-3 (DG1 1)"},
		{"fractional units", []string{good[0], good[1], strings.Replace(good[2], "|||1|125.00", "|||1.5|125.00", 1)}, "FT1-10 (FT1 1)"},
	}
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := setup(t, dialect)
			for i, tt := range tests {
				ctl := "BAD" + string(rune('A'+i))
				ack, res := f.receive(t, dft(ctl, tt.segs...))
				if res.Ack.Code != hl7.AE || res.Ack.Location != tt.loc {
					t.Errorf("%s: ACK %s at %q (%s), want AE at %q", tt.name, res.Ack.Code, res.Ack.Location, res.Ack.Text, tt.loc)
				}
				if ack.Segment("ERR") == nil || ack.Segment("MSA").Value(2, 1) != ctl {
					t.Errorf("%s: ACK without ERR or MSA-2: %q", tt.name, ack.Encode())
				}
			}
			// Never half-applied: the patient of PID, new to the practice,
			// was not registered by any of them.
			if n := len(f.patients(t, "Quintavalle")); n != 0 {
				t.Errorf("%d patients registered by refused messages", n)
			}
			queue, err := f.db.FindInterfaceMessages(f.ctx, rcm.InterfaceMessageFilter{Kind: rcm.InterfaceHL7, Status: rcm.InterfaceFailed})
			if err != nil {
				t.Fatal(err)
			}
			if len(queue) != len(tests) {
				t.Fatalf("%d messages in the error queue, want %d", len(queue), len(tests))
			}
			// The biller adds the missing provider, and replays the
			// "unknown provider" message: it applies.
			var unknown *rcm.InterfaceMessage
			for _, m := range queue {
				if m.ErrorField == "FT1-20" {
					unknown = m
				}
			}
			if err := f.db.CreateProvider(f.ctx, &rcm.Provider{PracticeID: f.s.Practice.ID, FirstName: "Nia", LastName: "Lopez", NPI: "1234567893"}); err != nil {
				t.Fatal(err)
			}
			if _, res, err := f.rc.Replay(f.ctx, unknown.ID, nil); err != nil || res.Ack.Code != hl7.AA {
				t.Fatalf("replay: %v %+v", err, res.Ack)
			}
			if _, _, err := f.rc.Replay(f.ctx, unknown.ID, nil); rcm.ErrorCode(err) != rcm.ECONFLICT {
				t.Errorf("second replay: %v, want a conflict", err)
			}
			// Fixed text replaces the stored one, keeping MSH-10.
			var bad *rcm.InterfaceMessage
			for _, m := range queue {
				if m.ErrorField == "FT1-4 (FT1 1)" {
					bad = m
				}
			}
			fixed := dft(bad.ControlID, "PV1|1|O|||||1245319599||||||||||||V200", good[1], good[2])
			if _, res, err := f.rc.Replay(f.ctx, bad.ID, fixed); err != nil || res.Ack.Code != hl7.AA {
				t.Fatalf("replay fixed: %v %+v", err, res.Ack)
			}
			queue, _ = f.db.FindInterfaceMessages(f.ctx, rcm.InterfaceMessageFilter{Kind: rcm.InterfaceHL7, Status: rcm.InterfaceFailed})
			if len(queue) != len(tests)-2 {
				t.Errorf("%d left in the queue, want %d", len(queue), len(tests)-2)
			}
		})
	}
}

func TestReceiveRejectsUnreadable(t *testing.T) {
	f := setup(t, sqldb.SQLite)
	for _, tt := range []struct{ name, in, loc string }{
		{"garbage", "hello", "MSH"},
		{"binary", "MSH|^~\\&|E||||||DFT^P03|X1|P|2.5\r\x00\x01\x02", "MSH"},
		{"unsupported type", "MSH|^~\\&|E||||||ORU^R01|X2|P|2.5\r", "MSH-9"},
		{"no control id", "MSH|^~\\&|E||||||DFT^P03||P|2.5\r", "MSH-10"},
		{"huge segment", "MSH|^~\\&|E||||||DFT^P03|X3|P|2.5\rNTE|" + strings.Repeat("x", 10<<20) + "\r", "MSH"},
	} {
		ack, res := f.receive(t, []byte(tt.in))
		if res.Ack.Code != hl7.AR || res.Ack.Location != tt.loc {
			t.Errorf("%s: %+v, want AR at %s", tt.name, res.Ack, tt.loc)
		}
		if ack.Segment("MSA").Value(1, 1) != hl7.AR {
			t.Errorf("%s: ACK %q", tt.name, ack.Encode())
		}
	}
}

// TestDFTOverMLLP sends charges over a real MLLP connection, reads one ACK
// per message, and bills the encounters they became.
func TestDFTOverMLLP(t *testing.T) {
	f := setup(t, sqldb.SQLite)
	if err := f.db.CreateCoverage(f.ctx, &rcm.Coverage{PatientID: f.s.Patient.ID, PayerID: f.s.Payer.ID, Order: 1, MemberID: "ACM-1",
		Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error)
	go func() { done <- (&hl7.Listener{Receiver: f.rc}).Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// The seeded patient, by account number; a DFT's PID without an
	// address finds the registered patient and changes nothing of it.
	pidA := "PID|1||" + f.s.Patient.AccountNumber + "^^^CLINIC^MR||Testpatient^Ada"
	pv1 := "PV1|1|O|||||1245319599^Doctor^Gil||||||||||||VISIT-9"
	msgs := [][]byte{
		msg(strings.Replace(mshDFT, "%s", "DFT1", 1), pidA, pv1, "DG1|1||E11.9^^I10", "DG1|2||I10^^I10",
			"FT1|1|||20251215||CG|99214|||1|180.00||||11||||E11.9~I10|1245319599|1245319599||||99214|25"),
		// Later charges for the same visit join its encounter.
		msg(strings.Replace(mshDFT, "%s", "DFT2", 1), pidA, pv1, "DG1|1||I10^^I10",
			"FT1|1|||20251215||CG|36415|||2|20.00||||||||I10|1245319599"),
		msg(strings.Replace(mshDFT, "%s", "DFT2", 1), pidA, pv1, "DG1|1||I10^^I10",
			"FT1|1|||20251215||CG|36415|||2|20.00||||||||I10|1245319599"),
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	var encounter int64
	for i, m := range msgs {
		if err := hl7.WriteFrame(c, m); err != nil {
			t.Fatal(err)
		}
		raw, err := hl7.ReadFrame(r)
		if err != nil {
			t.Fatal(err)
		}
		ack, err := hl7.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"DFT1", "DFT2", "DFT2"}[i]
		if msa := ack.Segment("MSA"); msa.Value(1, 1) != hl7.AA || msa.Value(2, 1) != want {
			t.Fatalf("message %d: ACK %q", i+1, raw)
		}
		if i == 2 && !strings.Contains(ack.Segment("MSA").Value(3, 1), "Duplicate") {
			t.Errorf("resent DFT2 not acknowledged as a duplicate: %q", raw)
		}
	}
	encs, err := f.db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: f.s.Patient.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(encs) != 1 {
		t.Fatalf("%d encounters, want one for the visit", len(encs))
	}
	encounter = encs[0].ID
	e, err := f.db.FindEncounterByID(f.ctx, encounter)
	if err != nil {
		t.Fatal(err)
	}
	wantDx := []rcm.Diagnosis{{Code: "E11.9"}, {Code: "I10"}}
	wantLines := []rcm.ServiceLine{
		{Code: "99214", Modifiers: []string{"25"}, Units: 1, Charge: 18000, Pointers: []int{1, 2}},
		{Code: "36415", Units: 2, Charge: 2000, Pointers: []int{2}},
	}
	if diff := cmp.Diff(wantDx, e.Diagnoses); diff != "" {
		t.Errorf("diagnoses mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantLines, e.Lines); diff != "" {
		t.Errorf("lines mismatch (-want +got):\n%s", diff)
	}
	if e.Status != rcm.EncounterCoded || e.PlaceOfService != "11" || e.DateOfService != rcm.MustParseDate("2025-12-15") {
		t.Errorf("encounter %s, POS %s, DOS %s", e.Status, e.PlaceOfService, e.DateOfService)
	}
	cl, err := claim.Build(f.ctx, f.db, encounter, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateClaim(f.ctx, cl); err != nil {
		t.Fatal(err)
	}
	claims, err := f.db.FindClaims(f.ctx, rcm.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(claims) != 1 || claims[0].EncounterID != encounter || claims[0].PayerID != f.s.Payer.ID {
		t.Fatalf("claims %+v", claims)
	}
	if got := claims[0].TotalCharge(); got != 20000 {
		t.Errorf("claim total %s, want 200.00", got)
	}
}
