package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// eraDB makes a SQLite database with one submitted, charged claim and an
// 835 file paying it (one line paid with PR-2, one denied CO-97).
func eraDB(t *testing.T) (dbPath, file string) {
	t.Helper()
	dbPath = filepath.Join(t.TempDir(), "rcm.db")
	return dbPath, eraSeed(t, dbPath)
}

// eraSeed fills the database dsn as eraDB describes and returns the 835.
func eraSeed(t *testing.T, dbPath string, opts ...sqldb.Option) (file string) {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dbPath, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Lakeside")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	addr := rcm.Address{Line1: "1 Main St", City: "Springfield", State: "IL", ZIP: "62701"}
	pr := &rcm.Practice{Name: "Lakeside", NPI: "1234567893", TIN: "123456789", Taxonomy: "207Q00000X", Address: addr}
	must(db.CreatePractice(ctx, pr))
	prov := &rcm.Provider{PracticeID: pr.ID, FirstName: "Gil", LastName: "Doctor", NPI: "1245319599", Taxonomy: "207Q00000X"}
	must(db.CreateProvider(ctx, prov))
	payer := &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI"}
	must(db.CreatePayer(ctx, payer))
	pat := &rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Test", BirthDate: rcm.MustParseDate("1980-01-01"), Sex: "F", Address: addr}
	must(db.CreatePatient(ctx, pat))
	cov := &rcm.Coverage{PatientID: pat.ID, PayerID: payer.ID, Order: 1, MemberID: "W1", Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	must(db.CreateCoverage(ctx, cov))
	dos := rcm.MustParseDate("2026-01-02")
	m := rcm.MustParseMoney
	enc := &rcm.Encounter{PatientID: pat.ID, PracticeID: pr.ID, RenderingProviderID: prov.ID, DateOfService: dos, PlaceOfService: "11",
		Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
		Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: m("100"), Pointers: []int{1}}, {Code: "36415", Units: 1, Charge: m("20"), Pointers: []int{1}}}}
	must(db.CreateEncounter(ctx, enc))
	ids, err := db.FindServiceLineIDs(ctx, enc.ID)
	must(err)
	c := &rcm.Claim{EncounterID: enc.ID, PatientID: pat.ID, PayerID: payer.ID, CoverageID: cov.ID, ControlNumber: "A1001-1-1", Frequency: "1",
		DateOfService: dos, PlaceOfService: "11", Diagnoses: enc.Diagnoses}
	for i, l := range enc.Lines {
		c.Lines = append(c.Lines, rcm.ClaimLine{ServiceLineID: ids[i], ServiceLine: l})
	}
	must(db.CreateClaim(ctx, c))
	_, err = db.RecordScrub(ctx, c.ID, nil)
	must(err)
	must(db.MoveClaim(ctx, c.ID, rcm.ClaimSubmitted, "sent"))
	must(remit.ChargeClaim(ctx, db, c))
	rem := &remit.Remittance{Handling: "I", CreditDebit: "C", Amount: m("60"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: "CHK1001", TraceOriginator: "1999999999",
		PayerName: "ACME HEALTH", PayerIdentifier: "ACME1", PayeeName: "LAKESIDE", PayeeID: "1234567893",
		Claims: []*remit.ClaimPayment{{ControlNumber: c.ControlNumber, Status: "1", Charge: m("120"), Paid: m("60"), PatientResponsibility: m("15"), FilingIndicator: "12", PayerClaimNumber: "PCN1001", Lines: []*remit.LinePayment{
			{Code: "99213", Charge: m("100"), Paid: m("60"), Units: 1, DateOfService: dos,
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("15")}}},
			{Code: "36415", Charge: m("20"), Units: 1, DateOfService: dos, Remarks: []string{"N130"},
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: m("20")}}},
		}}, {ControlNumber: "UNKNOWN-9", Status: "4", Charge: m("10"), FilingIndicator: "12", PayerClaimNumber: "PCN1002", Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "29", Amount: m("10")}}}},
		// Prompt-pay interest added to the check.
		ProviderAdjustments: []remit.ProviderAdjustment{{Provider: "1234567893", FiscalPeriod: rcm.MustParseDate("2026-12-31"), Reason: "L6", Reference: "INT", Amount: m("-1.10")}}}
	rem.Amount += m("1.10")
	var b bytes.Buffer
	must(remit.Write835(&b, remit.Envelope{Sender: "ACME1", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rem))
	file = filepath.Join(t.TempDir(), "era.835")
	must(os.WriteFile(file, b.Bytes(), 0o600))
	return file
}

func TestEra(t *testing.T) {
	dbPath, file := eraDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"post", []string{"era", "post", "--db", dbPath, file}, 0, []string{"2 claims, 1 posted ($60.00)", "1 exceptions", "exception: CLP 2 (UNKNOWN-9)"}},
		{"again", []string{"era", "post", "--db", dbPath, file}, 0, []string{"already posted", "nothing was posted"}},
		{"denials", []string{"era", "denials", "--db", dbPath}, 0, []string{"claim A1001-1-1 line 2 36415", "CO-97 $20.00", "N130: "}},
		{"exceptions", []string{"era", "exceptions", "--db", dbPath}, 0, []string{"835 CHK1001  CLP UNKNOWN-9", "No claim has patient control number"}},
		{"balances", []string{"era", "balances", "--db", dbPath}, 0, []string{"account A1001", "$15.00"}},
		{"ledger", []string{"ledger", "check", "--db", dbPath}, 0, []string{"Ledger OK", "Remittances (1), deposit journal",
			"Received from payers (BPR02) $61.10", "Provider adjustments (PLB) -$1.10", "PLB L6 interest owed -$1.10",
			"Applied to service lines $60.00", "Unapplied (exceptions) $0.00"}},
		{"usage", []string{"era", "post", "--db", dbPath}, 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := rcmRun(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s %s", code, tc.code, out, errOut)
			}
			flat := strings.Join(strings.Fields(out), " ")
			for _, w := range tc.want {
				if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.835")
	os.WriteFile(bad, []byte("not an 835"), 0o600)
	if code, _, errOut := rcmRun(t, "", "era", "post", "--db", dbPath, bad); code != 1 || !strings.Contains(errOut, "nothing was posted") {
		t.Errorf("garbage: exit %d, %s", code, errOut)
	}
}

// TestEraPostRefusesBrokenFiles is issue 11's money items 2 and 3 at the
// command line: copies of a posted 835 that rcm x12 validate rejects, or
// whose trace alone was changed, post nothing and leave the ledger as it
// was.
func TestEraPostRefusesBrokenFiles(t *testing.T) {
	dbPath, file := eraDB(t)
	if code, out, errOut := rcmRun(t, "", "era", "post", "--db", dbPath, file); code != 0 {
		t.Fatalf("post: exit %d %s %s", code, out, errOut)
	}
	_, before, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	trn := strings.Index(s, "TRN*1*CHK1001") + len("TRN*1*CHK1")
	for _, tc := range []struct{ name, data, want string }{
		{"control character in TRN02", s[:trn] + "\x17" + s[trn+1:], "0x17"},
		{"another trace, same payments", s[:trn] + "9" + s[trn+1:], "carries the same payments as 835 CHK1001"},
		{"no IEA", s[:strings.LastIndex(s, "IEA*")], "IEA"},
		{"SE count", strings.Replace(s, "SE*", "SE*9", 1), "SE01"},
		{"GE count", strings.Replace(s, "GE*1*", "GE*2*", 1), "GE01"},
		{"ISA12 00401", strings.Replace(s, "*00501*", "*00401*", 1), "ISA12"},
		{"NUL byte", strings.Replace(s, "ACME HEALTH", "ACME\x00HEALTH", 1), "0x00"},
		{"invalid UTF-8", strings.Replace(s, "ACME HEALTH", "ACME \xff\xfe", 1), "0xFF"},
		{"a segment deleted", strings.Replace(s, "BPR*", "XXX*", 1), "BPR"},
		{"empty", "", "no ISA interchange"},
		{"blank lines", "\n\n\n", "no ISA interchange"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "copy.835")
			if err := os.WriteFile(bad, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := rcmRun(t, "", "era", "post", "--db", dbPath, bad)
			if code != 1 || !strings.Contains(errOut, "nothing was posted") || !strings.Contains(strings.ToUpper(errOut), strings.ToUpper(tc.want)) {
				t.Errorf("exit %d, want 1 with %q and 'nothing was posted':\n%s%s", code, tc.want, out, errOut)
			}
			if vcode, _, _ := rcmRun(t, "", "x12", "validate", bad); tc.name != "another trace, same payments" && vcode != 1 {
				t.Errorf("rcm x12 validate: exit %d, want 1", vcode)
			}
			if _, after, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath); after != before {
				t.Errorf("the ledger changed:\n%s", after)
			}
		})
	}
}
