package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// The conformance suite: every case runs against SQLite and PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, sqldbtest.Open(t, d))
		})
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := rcm.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func testAddress() rcm.Address { return sqldbtest.Address() }

// seed makes a practice, a provider, a payer and a patient in the actor's
// organization.
type seeded struct {
	practice *rcm.Practice
	provider *rcm.Provider
	payer    *rcm.Payer
	patient  *rcm.Patient
}

func seed(t *testing.T, ctx context.Context, db *sqldb.DB) seeded {
	s := sqldbtest.Seed(t, ctx, db)
	return seeded{practice: s.Practice, provider: s.Provider, payer: s.Payer, patient: s.Patient}
}

func TestSetupRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		gotPractice, err := db.FindPracticeByID(ctx, s.practice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.practice, gotPractice); diff != "" {
			t.Errorf("practice mismatch (-want +got):\n%s", diff)
		}
		if gotPractice.TIN != "123456789" || gotPractice.OrgID != org.ID {
			t.Errorf("practice TIN %q org %d: want normalized TIN and org %d", gotPractice.TIN, gotPractice.OrgID, org.ID)
		}
		gotPayer, err := db.FindPayerByID(ctx, s.payer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.payer, gotPayer); diff != "" {
			t.Errorf("payer mismatch (-want +got):\n%s", diff)
		}
		s.payer.TimelyFilingDays = 365
		s.payer.Rules = []rcm.PayerRule{{Name: "NDC on drugs", Kind: rcm.RequireNDC, Codes: []string{"J"}}}
		if err := db.UpdatePayer(ctx, s.payer); err != nil {
			t.Fatal(err)
		}
		payers, err := db.FindPayers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(payers) != 1 || payers[0].TimelyFilingDays != 365 || !cmp.Equal(payers[0].Rules, s.payer.Rules) {
			t.Errorf("payers after update = %+v", payers)
		}
		provs, err := db.FindProviders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*rcm.Provider{s.provider}, provs); diff != "" {
			t.Errorf("providers mismatch (-want +got):\n%s", diff)
		}
		_, err = db.FindPayerByID(ctx, 9999)
		wantCode(t, err, rcm.ENOTFOUND)
		err = db.UpdatePayer(ctx, &rcm.Payer{ID: 9999, Name: "X", PayerID: "XX", FilingIndicator: "CI"})
		wantCode(t, err, rcm.ENOTFOUND)
	})
}

func TestValidationChangesNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		tests := []struct {
			name, field string
			create      func() error
		}{
			{"bad NPI", "npi", func() error {
				return db.CreatePractice(ctx, &rcm.Practice{Name: "P", NPI: "1234567890", TIN: "12-3456789", Address: testAddress()})
			}},
			{"bad TIN", "tin", func() error {
				return db.CreatePractice(ctx, &rcm.Practice{Name: "P", NPI: "1234567893", TIN: "123", Address: testAddress()})
			}},
			{"bad ZIP", "address.zip", func() error {
				a := testAddress()
				a.ZIP = "1234"
				return db.CreatePractice(ctx, &rcm.Practice{Name: "P", NPI: "1234567893", TIN: "12-3456789", Address: a})
			}},
			{"bad payer rule", "rules[0].kind", func() error {
				return db.CreatePayer(ctx, &rcm.Payer{Name: "P", PayerID: "P1", FilingIndicator: "CI", Rules: []rcm.PayerRule{{Name: "x", Kind: "nope"}}})
			}},
			{"bad filing indicator", "filing_indicator", func() error {
				return db.CreatePayer(ctx, &rcm.Payer{Name: "P", PayerID: "P1", FilingIndicator: "XX"})
			}},
			{"patient without birth date", "birth_date", func() error {
				return db.CreatePatient(ctx, &rcm.Patient{AccountNumber: "A", FirstName: "A", LastName: "B", Sex: "F", Address: testAddress()})
			}},
			{"delimiter in name", "last_name", func() error {
				return db.CreatePatient(ctx, &rcm.Patient{AccountNumber: "A", FirstName: "A", LastName: "B*C", Sex: "F", BirthDate: rcm.MustParseDate("2000-01-01"), Address: testAddress()})
			}},
		}
		for _, tt := range tests {
			err := tt.create()
			wantCode(t, err, rcm.EINVALID)
			if got := rcm.ErrorField(err); got != tt.field {
				t.Errorf("%s: field = %q, want %q", tt.name, got, tt.field)
			}
		}
		ps, err := db.FindPractices(ctx)
		if err != nil || len(ps) != 0 {
			t.Errorf("practices after failed creates = %v, %v; want none", ps, err)
		}
		pats, err := db.FindPatients(ctx, rcm.PatientFilter{})
		if err != nil || len(pats) != 0 {
			t.Errorf("patients after failed creates = %v, %v; want none", pats, err)
		}
	})
}

func TestOrganizationIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctxA, _ := sqldbtest.Org(t, db, "Org A")
		ctxB, _ := sqldbtest.Org(t, db, "Org B")
		a := seed(t, ctxA, db)
		b := seed(t, ctxB, db) // same account number and NPIs are fine in another organization

		_, err := db.FindPatientByID(ctxB, a.patient.ID)
		wantCode(t, err, rcm.ENOTFOUND)
		_, err = db.FindPayerByID(ctxB, a.payer.ID)
		wantCode(t, err, rcm.ENOTFOUND)
		pats, err := db.FindPatients(ctxB, rcm.PatientFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(pats) != 1 || pats[0].ID != b.patient.ID {
			t.Errorf("org B sees patients %v, want only its own %d", pats, b.patient.ID)
		}
		// A coverage of B's patient with A's payer is refused by the
		// composite foreign key.
		err = db.CreateCoverage(ctxB, &rcm.Coverage{PatientID: b.patient.ID, PayerID: a.payer.ID, Order: 1, MemberID: "M1",
			Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")})
		wantCode(t, err, rcm.EINVALID)
		// Updating A's patient from B finds nothing.
		p := *a.patient
		err = db.UpdatePatient(ctxB, &p)
		wantCode(t, err, rcm.ENOTFOUND)
		got, err := db.FindPatientByID(ctxA, a.patient.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a.patient, got); diff != "" {
			t.Errorf("A's patient changed (-want +got):\n%s", diff)
		}
	})
}

func TestPatientsAndCoverages(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		dup := *s.patient
		dup.ID = 0
		wantCode(t, db.CreatePatient(ctx, &dup), rcm.ECONFLICT)

		s.patient.Phone = "2175550100"
		if err := db.UpdatePatient(ctx, s.patient); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPatientByID(ctx, s.patient.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.patient, got); diff != "" {
			t.Errorf("patient mismatch (-want +got):\n%s", diff)
		}
		found, err := db.FindPatients(ctx, rcm.PatientFilter{Name: "testp"})
		if err != nil || len(found) != 1 {
			t.Fatalf("FindPatients(testp) = %v, %v", found, err)
		}
		found, err = db.FindPatients(ctx, rcm.PatientFilter{Name: "%"})
		if err != nil || len(found) != 0 {
			t.Errorf("FindPatients(%%) = %v, %v; want the wildcard matched literally", found, err)
		}

		primary := &rcm.Coverage{PatientID: s.patient.ID, PayerID: s.payer.ID, Order: 1, MemberID: "W123456789", GroupNumber: "G1",
			Relationship: "18", EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(ctx, primary); err != nil {
			t.Fatal(err)
		}
		spouse := &rcm.Coverage{PatientID: s.patient.ID, PayerID: s.payer.ID, Order: 2, MemberID: "S99", Relationship: "01", InsuranceType: "12",
			Subscriber:    &rcm.Subscriber{FirstName: "Bo", LastName: "Testpatient", BirthDate: rcm.MustParseDate("1979-05-01"), Sex: "M", Address: testAddress()},
			EffectiveFrom: rcm.MustParseDate("2025-01-01"), EffectiveTo: rcm.MustParseDate("2025-12-31")}
		if err := db.CreateCoverage(ctx, spouse); err != nil {
			t.Fatal(err)
		}
		overlap := *primary
		overlap.ID = 0
		overlap.EffectiveFrom = rcm.MustParseDate("2025-06-01")
		wantCode(t, db.CreateCoverage(ctx, &overlap), rcm.ECONFLICT)

		covs, err := db.FindCoverages(ctx, s.patient.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*rcm.Coverage{primary, spouse}, covs); diff != "" {
			t.Errorf("coverages mismatch (-want +got):\n%s", diff)
		}
		if !spouse.ActiveOn(rcm.MustParseDate("2025-12-31")) || spouse.ActiveOn(rcm.MustParseDate("2026-01-01")) {
			t.Error("ActiveOn wrong at the end of the coverage")
		}
		_, err = db.FindCoverages(ctx, 424242)
		wantCode(t, err, rcm.ENOTFOUND)
		moved := *primary
		moved.PatientID = 424242
		wantCode(t, db.UpdateCoverage(ctx, &moved), rcm.EINVALID)
		orphan := *primary
		orphan.ID, orphan.PatientID = 0, 424242
		wantCode(t, db.CreateCoverage(ctx, &orphan), rcm.ENOTFOUND)
		// The Medicare Secondary Payer type: a known code, on a coverage
		// that is not primary; changed by an update.
		badType := *spouse
		badType.InsuranceType = "99"
		wantCode(t, db.UpdateCoverage(ctx, &badType), rcm.EINVALID)
		primaryType := *primary
		primaryType.InsuranceType = "12"
		wantCode(t, db.UpdateCoverage(ctx, &primaryType), rcm.EINVALID)
		spouse.InsuranceType = "43"
		if err := db.UpdateCoverage(ctx, spouse); err != nil {
			t.Fatal(err)
		}
		if covs, err := db.FindCoverages(ctx, s.patient.ID); err != nil || covs[1].InsuranceType != "43" {
			t.Errorf("after the update: %+v, %v", covs, err)
		}
	})
}

func TestEncounters(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		e := &rcm.Encounter{PatientID: s.patient.ID, PracticeID: s.practice.ID, RenderingProviderID: s.provider.ID,
			DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Note: "Follow-up for type 2 diabetes.",
			Diagnoses: []rcm.Diagnosis{{Code: "e119"}, {Code: "I10"}},
			Lines: []rcm.ServiceLine{
				{Code: "99214", Modifiers: []string{"25"}, Units: 1, Charge: rcm.MustParseMoney("150.00"), Pointers: []int{1, 2}},
				{Code: "83036", Units: 1, Charge: rcm.MustParseMoney("35.50"), Pointers: []int{1}},
			}}
		if err := db.CreateEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.Diagnoses[0].Code != "E11.9" || e.Status != rcm.EncounterOpen {
			t.Errorf("encounter not normalized: %+v", e)
		}
		got, err := db.FindEncounterByID(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Errorf("encounter mismatch (-want +got):\n%s", diff)
		}
		if got.TotalCharge() != 18550 {
			t.Errorf("total charge = %v, want 185.50", got.TotalCharge())
		}
		bad := *e
		bad.Lines = []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: 100, Pointers: []int{3}}}
		err = db.UpdateEncounter(ctx, &bad)
		wantCode(t, err, rcm.EINVALID)
		if rcm.ErrorField(err) != "lines[0].pointers" {
			t.Errorf("field = %q, want lines[0].pointers", rcm.ErrorField(err))
		}
		// Updating keeps each line's id: claims and the ledger refer to it.
		before, err := db.FindServiceLineIDs(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.Status = rcm.EncounterBilled
		if err := db.UpdateEncounter(ctx, e); err != nil {
			t.Fatal(err)
		}
		after, err := db.FindServiceLineIDs(ctx, e.ID)
		if err != nil || !cmp.Equal(before, after) {
			t.Errorf("line ids %v became %v (%v)", before, after, err)
		}
		e.Note = "changed after billing"
		wantCode(t, db.UpdateEncounter(ctx, e), rcm.ECONFLICT)
		list, err := db.FindEncounters(ctx, rcm.EncounterFilter{PatientID: s.patient.ID})
		if err != nil || len(list) != 1 || list[0].Note == "changed after billing" {
			t.Errorf("FindEncounters = %v, %v", list, err)
		}
	})
}

func TestAuditChain(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, _ := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		if _, err := db.FindPatientByID(ctx, s.patient.ID); err != nil {
			t.Fatal(err)
		}
		events, err := db.FindAuditEvents(ctx, rcm.AuditFilter{PatientID: s.patient.ID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Action+" "+e.Entity+" "+e.Reason)
		}
		want := []string{"read patient test", "create patient test"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("audit events mismatch (-want +got):\n%s", diff)
		}
		n, err := db.VerifyAuditChain(ctx)
		if err != nil || n != 2 {
			t.Fatalf("VerifyAuditChain = %d, %v; want 2, nil", n, err)
		}
		// The log refuses changes.
		if _, err := db.ExecContext(context.Background(), `UPDATE audit_event SET reason = 'x'`); err == nil {
			t.Error("UPDATE audit_event succeeded; want the append-only trigger to refuse it")
		}
		if _, err := db.ExecContext(context.Background(), `DELETE FROM audit_event`); err == nil {
			t.Error("DELETE FROM audit_event succeeded; want the append-only trigger to refuse it")
		}
		// A forged row written past the triggers breaks the chain.
		if _, err := db.ExecContext(context.Background(), `INSERT INTO audit_event (org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
			SELECT org_id, shard, 3, at, user_id, 'read', 'patient', patient_id, patient_id, 'forged', hash, 'deadbeef' FROM audit_event WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		_, err = db.VerifyAuditChain(ctx)
		wantCode(t, err, rcm.ECONFLICT)
	})
}

func TestAuthorization(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		s := seed(t, ctx, db)
		_, err := db.FindPatientByID(context.Background(), s.patient.ID)
		wantCode(t, err, rcm.EUNAUTHORIZED)

		coder := rcm.NewContextWithActor(context.Background(), rcm.Actor{UserID: 99, OrgID: org.ID, Role: rcm.RoleCoder})
		wantCode(t, db.CreatePayer(coder, &rcm.Payer{Name: "X", PayerID: "XX", FilingIndicator: "CI"}), rcm.EFORBIDDEN)
		wantCode(t, db.CreatePatient(coder, &rcm.Patient{}), rcm.EFORBIDDEN)
		if _, err := db.FindPatientByID(coder, s.patient.ID); err != nil {
			t.Errorf("coder reading a patient: %v", err)
		}
		_, err = db.FindAuditEvents(coder, rcm.AuditFilter{})
		wantCode(t, err, rcm.EFORBIDDEN)
	})
}

func TestUsersAndTokens(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx, org := sqldbtest.Org(t, db, "Org A")
		admin, _ := rcm.ActorFromContext(ctx)
		u, err := db.Authenticate(context.Background(), "orga.admin", sqldbtest.TestPassword)
		if err != nil || u.ID != admin.UserID || u.OrgID != org.ID {
			t.Fatalf("Authenticate = %+v, %v", u, err)
		}
		_, err = db.Authenticate(context.Background(), "orga.admin", "wrong password!!")
		wantCode(t, err, rcm.EUNAUTHORIZED)
		_, err = db.Authenticate(context.Background(), "nobody", "wrong password!!")
		wantCode(t, err, rcm.EUNAUTHORIZED)

		tok, secret, err := db.CreateAPIToken(ctx, admin.UserID, "cli", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindUserByToken(context.Background(), secret)
		if err != nil || got.ID != admin.UserID {
			t.Fatalf("FindUserByToken = %+v, %v", got, err)
		}
		if tok.ExpiresAt.Sub(tok.CreatedAt) != time.Hour {
			t.Errorf("token lifetime = %v", tok.ExpiresAt.Sub(tok.CreatedAt))
		}
		_, err = db.FindUserByToken(context.Background(), secret+"x")
		wantCode(t, err, rcm.EUNAUTHORIZED)
		db.Clock = rcm.NewStepClock(sqldbtest.Start.Add(2 * time.Hour))
		_, err = db.FindUserByToken(context.Background(), secret)
		wantCode(t, err, rcm.EUNAUTHORIZED)

		// A second user of the organization needs an admin; the username is
		// unique across organizations.
		coder := &rcm.User{OrgID: org.ID, Username: "cody", Role: rcm.RoleCoder}
		wantCode(t, db.CreateUserWithHash(context.Background(), coder, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5"), rcm.EUNAUTHORIZED)
		if err := db.CreateUserWithHash(ctx, coder, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5"); err != nil {
			t.Fatal(err)
		}
		ctxB, _ := sqldbtest.Org(t, db, "Org B")
		dupe := &rcm.User{OrgID: org.ID + 1, Username: "cody", Role: rcm.RoleAdmin}
		wantCode(t, db.CreateUserWithHash(ctxB, dupe, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5"), rcm.ECONFLICT)
	})
}

func TestPasswordHash(t *testing.T) {
	h, err := sqldb.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !sqldb.CheckPassword(h, "a long enough password") {
		t.Error("CheckPassword rejects the right password")
	}
	for _, bad := range []string{"a long enough passwor", "", "A long enough password"} {
		if sqldb.CheckPassword(h, bad) {
			t.Errorf("CheckPassword accepts %q", bad)
		}
	}
	for _, hash := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$a2V5"} {
		if sqldb.CheckPassword(hash, "x") {
			t.Errorf("CheckPassword accepts malformed hash %q", hash)
		}
	}
}
