package fhir_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/fhir"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"
)

type fixture struct {
	ctx context.Context
	db  *sqldb.DB
	im  *fhir.Importer
	s   sqldbtest.Seeded
}

func setup(t testing.TB, dialect string) *fixture {
	t.Helper()
	db := sqldbtest.Open(t, dialect)
	ctx, _ := sqldbtest.Org(t, db, "Org FHIR")
	s := sqldbtest.Seed(t, ctx, db)
	return &fixture{ctx: ctx, db: db, s: s, im: &fhir.Importer{Store: db, Codes: codeset.Checker{Catalog: codeset.NewCatalog(codeset.Starter())}}}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) patient(t *testing.T, acct string) []*rcm.Patient {
	t.Helper()
	ps, err := f.db.FindPatients(f.ctx, rcm.PatientFilter{AccountNumber: acct})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestImportBundle(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := setup(t, dialect)
			data := readFile(t, "testdata/visit.json")
			res, err := f.im.Import(f.ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.String(); got != "2 patients created, 0 updated; 1 coverages created, 0 updated; 1 encounters created, 0 updated" {
				t.Errorf("first import: %s", got)
			}
			ps := f.patient(t, "FH-1001")
			if len(ps) != 1 {
				t.Fatalf("%d patients FH-1001", len(ps))
			}
			p := ps[0]
			want := &rcm.Patient{ID: p.ID, OrgID: p.OrgID, AccountNumber: "FH-1001", FirstName: "Adaeze", MiddleName: "N", LastName: "Okonkwo",
				BirthDate: rcm.MustParseDate("2012-04-09"), Sex: "F", Phone: "2175550188",
				Address: rcm.Address{Line1: "77 Lincoln Way", City: "Springfield", State: "IL", ZIP: "62704"}}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("patient mismatch (-want +got):\n%s", diff)
			}
			covs, _ := f.db.FindCoverages(f.ctx, p.ID)
			if len(covs) != 1 || covs[0].MemberID != "ACM-55120" || covs[0].Relationship != "19" || covs[0].GroupNumber != "GRP-9" ||
				covs[0].Subscriber == nil || covs[0].Subscriber.FirstName != "Chidi" || covs[0].PayerID != f.s.Payer.ID {
				t.Errorf("coverages %+v", covs)
			}
			e, err := f.db.FindEncounterByID(f.ctx, res.EncounterIDs["Encounter/e1"])
			if err != nil {
				t.Fatal(err)
			}
			wantLines := []rcm.ServiceLine{{Code: "99213", Units: 1, Pointers: []int{1}}, {Code: "94640", Units: 2, Charge: 4550, Pointers: []int{1}}}
			if diff := cmp.Diff(wantLines, e.Lines); diff != "" {
				t.Errorf("lines mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]rcm.Diagnosis{{Code: "J45.909"}}, e.Diagnoses); diff != "" {
				t.Errorf("diagnoses mismatch (-want +got):\n%s", diff)
			}
			// The SNOMED condition is left to the coder, in the note.
			if e.Status != rcm.EncounterOpen || !strings.Contains(e.Note, "271807003") || e.PlaceOfService != "11" {
				t.Errorf("encounter %s POS %s note %q", e.Status, e.PlaceOfService, e.Note)
			}
			// The same bundle again updates; nothing is duplicated.
			res, err = f.im.Import(f.ctx, data)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.String(); got != "0 patients created, 2 updated; 0 coverages created, 1 updated; 0 encounters created, 1 updated" {
				t.Errorf("second import: %s", got)
			}
			encs, _ := f.db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: p.ID})
			if len(encs) != 1 || len(f.patient(t, "FH-1002")) != 1 {
				t.Errorf("%d encounters after a second import", len(encs))
			}
		})
	}
}

// edit returns the test bundle with one JSON text replaced.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	s := string(readFile(t, "testdata/visit.json"))
	if !strings.Contains(s, old) {
		t.Fatalf("bundle has no %q", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

func TestImportRefused(t *testing.T) {
	f := setup(t, sqldb.SQLite)
	tests := []struct {
		name  string
		data  []byte
		field string
	}{
		{"unknown resource", edit(t, `"resourceType": "Organization"`, `"resourceType": "Observation"`), "Bundle.entry[2].resource.resourceType"},
		{"broken reference", edit(t, `"reference": "Patient/p2"`, `"reference": "Patient/nobody"`), "Coverage/c1.subscriber"},
		{"reference of the wrong type", edit(t, `"subject": {"reference": "Patient/p1"},
       "participant"`, `"subject": {"reference": "Practitioner/dr"},
       "participant"`), "Encounter/e1.subject"},
		{"code not valid on the date of service", edit(t, `"J45.909"`, `"J45"`), "Encounter/e1.diagnosis[0]"},
		{"unknown payer", edit(t, `[{"value": "ACME1"}], "name": "Acme Health"`, `[{"value": "NOPE1"}], "name": "Nope Health"`), "Coverage/c1.payor"},
		{"unknown NPI", edit(t, `"1245319599"`, `"1234567893"`), "Practitioner/dr.identifier"},
		{"bad birth date", edit(t, `"2012-04-09"`, `"2012-4-9"`), "Patient/p1"},
		{"bad gender", edit(t, `"gender": "female"`, `"gender": "woman"`), "Patient/p1"},
		{"future birth date", edit(t, `"2012-04-09"`, `"2099-04-09"`), "Patient/p1.birthDate"},
		{"duplicate key", edit(t, `"type": "transaction"`, `"type": "transaction", "TYPE": "collection"`), "Bundle"},
		{"batch", edit(t, `"type": "transaction"`, `"type": "batch"`), "Bundle.type"},
		{"not a bundle", []byte(`{"resourceType": "Patient"}`), "resourceType"},
		{"no encounter identifier", edit(t, `"identifier": [{"system": "urn:ehr:visit", "value": "V-31"}],`, ``), "Encounter/e1.identifier"},
		{"units", edit(t, `"quantity": {"value": 2}`, `"quantity": {"value": 2.5}`), "ChargeItem/x2.quantity.value"},
		{"not JSON", []byte(`{"resourceType": "Bundle", `), "Bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.im.Import(f.ctx, tt.data)
			if rcm.ErrorCode(err) != rcm.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if got := rcm.ErrorField(err); !strings.HasPrefix(got, tt.field) {
				t.Errorf("field %q (%s), want %q", got, err, tt.field)
			}
			if n := len(f.patient(t, "FH-1001")); n != 0 {
				t.Errorf("a refused bundle registered the patient")
			}
		})
	}
}

// TestRoundTrip exports a patient and coverage as FHIR and imports them
// into another practice: the same patient and coverage come back.
func TestRoundTrip(t *testing.T) {
	a, b := setup(t, sqldb.SQLite), setup(t, sqldb.SQLite)
	if _, err := a.im.Import(a.ctx, readFile(t, "testdata/visit.json")); err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	add := func(v any) {
		raw, err := fhir.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(raw, &m)
		entries = append(entries, map[string]any{"resource": m})
	}
	var before []*rcm.Patient
	for _, acct := range []string{"FH-1001", "FH-1002"} {
		p := a.patient(t, acct)[0]
		before = append(before, p)
		add(fhir.Patient(p))
	}
	covs, _ := a.db.FindCoverages(a.ctx, before[0].ID)
	exp := fhir.Coverage(covs[0], a.s.Payer)
	// The subscriber is the exported second patient.
	exp.Subscriber = &fm.Reference{Reference: ptr("Patient/" + *fhir.Patient(before[1]).Id)}
	add(exp)
	raw, _ := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries})
	if _, err := b.im.Import(b.ctx, raw); err != nil {
		t.Fatal(err)
	}
	for _, p := range before {
		got := b.patient(t, p.AccountNumber)[0]
		want := *p
		want.ID, want.OrgID = got.ID, got.OrgID
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("patient %s mismatch (-want +got):\n%s", p.AccountNumber, diff)
		}
	}
	got, _ := b.db.FindCoverages(b.ctx, b.patient(t, "FH-1001")[0].ID)
	want := *covs[0]
	want.ID, want.OrgID, want.PatientID, want.PayerID = got[0].ID, got[0].OrgID, got[0].PatientID, got[0].PayerID
	if diff := cmp.Diff(&want, got[0]); diff != "" {
		t.Errorf("coverage mismatch (-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

// TestEOBMatches835 posts an 835 for a claim and exports its claim payment
// as an ExplanationOfBenefit: every amount and CARC is the 835's.
func TestEOBMatches835(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			f := setup(t, dialect)
			ctx, db, s := f.ctx, f.db, f.s
			m := rcm.MustParseMoney
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: "W1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
			must(db.CreateCoverage(ctx, cov))
			dos := rcm.MustParseDate("2025-12-02")
			enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID, DateOfService: dos, PlaceOfService: "11",
				Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}, {Code: "E11.9"}},
				Lines: []rcm.ServiceLine{{Code: "99213", Modifiers: []string{"25"}, Units: 1, Charge: m("100"), Pointers: []int{1, 2}}, {Code: "36415", Units: 1, Charge: m("20"), Pointers: []int{2}}}}
			must(db.CreateEncounter(ctx, enc))
			ids, err := db.FindServiceLineIDs(ctx, enc.ID)
			must(err)
			c := &rcm.Claim{EncounterID: enc.ID, PatientID: s.Patient.ID, PayerID: s.Payer.ID, CoverageID: cov.ID, ControlNumber: "A1001-1-1", Frequency: "1",
				DateOfService: dos, PlaceOfService: "11", Diagnoses: enc.Diagnoses}
			for i, l := range enc.Lines {
				c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: ids[i], ServiceLine: l})
			}
			must(db.CreateClaim(ctx, c))
			_, err = db.RecordScrub(ctx, c.ID, nil)
			must(err)
			must(db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "sent"))
			must(remit.ChargeClaim(ctx, db, c))
			cp := &remit.ClaimPayment{ControlNumber: c.ControlNumber, Status: "1", Charge: m("120"), Paid: m("60"), PatientResponsibility: m("15"),
				FilingIndicator: "12", PayerClaimNumber: "PCN1", Lines: []*remit.LinePayment{
					{Code: "99213", Modifiers: []string{"25"}, Charge: m("100"), Paid: m("60"), Units: 1, DateOfService: dos, Allowed: m("75"), HasAllowed: true,
						Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("15")}}},
					{Code: "36415", Charge: m("20"), Units: 1, DateOfService: dos, Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: m("20")}}},
				}}
			rem := &remit.Remittance{Handling: "I", CreditDebit: "C", Amount: m("60"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-01-03"),
				Trace: "CHK778", TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1", PayeeName: "LAKESIDE", PayeeID: s.Practice.NPI,
				Claims: []*remit.ClaimPayment{cp}}
			res, err := remit.Post(ctx, db, rem)
			must(err)
			det, err := db.GetRemittance(ctx, res.RemittanceID)
			must(err)
			posted, err := db.FindPostedClaimPayment(ctx, det.ClaimPayments[0].ID)
			must(err)
			raw, err := fhir.Marshal(fhir.EOB(posted, c, s.Practice.ID))
			must(err)
			eob, err := fm.UnmarshalExplanationOfBenefit(raw)
			must(err)

			type adj struct{ Category, Reason, Amount string }
			flat := func(as []fm.ExplanationOfBenefitItemAdjudication) []adj {
				var out []adj
				for _, a := range as {
					r := ""
					if a.Reason != nil {
						r = *a.Reason.Coding[0].Code
					}
					out = append(out, adj{*a.Category.Coding[0].Code, r, a.Amount.Value.String()})
				}
				return out
			}
			want := [][]adj{
				{{"submitted", "", "100.00"}, {"benefit", "", "60.00"}, {"paidtoprovider", "", "60.00"}, {"memberliability", "", "15.00"}, {"eligible", "", "75.00"},
					{"CO", "45", "25.00"}, {"memberliability", "2", "15.00"}},
				{{"submitted", "", "20.00"}, {"benefit", "", "0.00"}, {"paidtoprovider", "", "0.00"}, {"memberliability", "", "0.00"}, {"CO", "97", "20.00"}},
			}
			if len(eob.Item) != len(cp.Lines) {
				t.Fatalf("%d items for %d service payments", len(eob.Item), len(cp.Lines))
			}
			for i, it := range eob.Item {
				if diff := cmp.Diff(want[i], flat(it.Adjudication)); diff != "" {
					t.Errorf("item %d adjudication mismatch (-want +got):\n%s", i+1, diff)
				}
				if code := *it.ProductOrService.Coding[0].Code; code != cp.Lines[i].Code {
					t.Errorf("item %d code %s, want %s", i+1, code, cp.Lines[i].Code)
				}
			}
			if diff := cmp.Diff([]int{1, 2}, eob.Item[0].DiagnosisSequence); diff != "" {
				t.Errorf("item 1 diagnosis pointers (-want +got):\n%s", diff)
			}
			totals := map[string]string{}
			for _, tot := range eob.Total {
				totals[*tot.Category.Coding[0].Code] = tot.Amount.Value.String()
			}
			if diff := cmp.Diff(map[string]string{"submitted": "120.00", "benefit": "60.00", "paidbypatient": "15.00"}, totals); diff != "" {
				t.Errorf("totals mismatch (-want +got):\n%s", diff)
			}
			if *eob.Payment.Identifier.Value != "CHK778" || *eob.Payment.Date != "2026-01-03" || *eob.Identifier[0].Value != "PCN1" ||
				*eob.Patient.Reference != "Patient/"+itoa(s.Patient.ID) || *eob.Claim.Reference != "Claim/"+itoa(c.ID) {
				t.Errorf("EOB header: %s", raw)
			}
			if strings.Contains(string(raw), "{}") {
				t.Errorf("empty object in the EOB: %s", raw)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func FuzzRead(f *testing.F) {
	seed, err := os.ReadFile("testdata/visit.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"a"}}]}`))
	f.Add([]byte(`{"resourceType":"Bundle","type":"batch"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := fhir.Read(data)
		if err != nil && rcm.ErrorCode(err) != rcm.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
	})
}
