package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/eligibility"
	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// sealedFixture is an organization with a patient, a coverage held by a
// spouse (so a subscriber's date of birth is stored apart from the patient)
// and an encounter with a note.
type sealedFixture struct {
	ctx context.Context
	org *rcm.Organization
	s   sqldbtest.Seeded
	cov *rcm.Coverage
	enc *rcm.Encounter
}

const (
	memberID    = "XQZ-884 2217"
	noteText    = "Patient reports chest tightness on exertion; referred to cardiology."
	subscriber  = "Bartholomew"
	subBirthDay = "1957-03-14"
)

func newSealedFixture(t *testing.T, db *sqldb.DB, name, member string) *sealedFixture {
	t.Helper()
	ctx, org := sqldbtest.Org(t, db, name)
	s := sqldbtest.Seed(t, ctx, db)
	cov := &rcm.Coverage{PatientID: s.Patient.ID, PayerID: s.Payer.ID, Order: 1, MemberID: member, Relationship: "01",
		Subscriber: &rcm.Subscriber{FirstName: subscriber, LastName: "Testpatient", BirthDate: rcm.MustParseDate(subBirthDay), Sex: "M",
			Address: sqldbtest.Address()},
		EffectiveFrom: rcm.MustParseDate("2025-01-01")}
	if err := db.CreateCoverage(ctx, cov); err != nil {
		t.Fatal(err)
	}
	enc := &rcm.Encounter{PatientID: s.Patient.ID, PracticeID: s.Practice.ID, RenderingProviderID: s.Provider.ID,
		DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11", Note: noteText,
		Diagnoses: []rcm.Diagnosis{{Code: "R07.89"}},
		Lines:     []rcm.ServiceLine{{Code: "99214", Units: 1, Charge: rcm.MustParseMoney("150.00"), Pointers: []int{1}}}}
	if err := db.CreateEncounter(ctx, enc); err != nil {
		t.Fatal(err)
	}
	return &sealedFixture{ctx: ctx, org: org, s: s, cov: cov, enc: enc}
}

// rawCoverage is a coverage row as stored.
type rawCoverage struct{ MemberID, Subscriber, Key, Index string }

func readRawCoverage(t *testing.T, db *sqldb.DB, id int64) rawCoverage {
	t.Helper()
	var r rawCoverage
	if err := db.QueryRowContext(context.Background(), `SELECT member_id, subscriber, sealed_key, member_index FROM coverage WHERE id = ?`, id).
		Scan(&r.MemberID, &r.Subscriber, &r.Key, &r.Index); err != nil {
		t.Fatal(err)
	}
	return r
}

func readRawNote(t *testing.T, db *sqldb.DB, id int64) (note, key string) {
	t.Helper()
	if err := db.QueryRowContext(context.Background(), `SELECT note, sealed_key FROM encounter WHERE id = ?`, id).Scan(&note, &key); err != nil {
		t.Fatal(err)
	}
	return note, key
}

// The raw rows hold no member ID, subscriber or note in the clear, in any
// spelling; the services read them back as they were written.
func TestSealedAtRest(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newSealedFixture(t, db, "Org Sealed", memberID)
		raw := readRawCoverage(t, db, f.cov.ID)
		note, noteKey := readRawNote(t, db, f.enc.ID)
		for name, stored := range map[string]string{"member_id": raw.MemberID, "subscriber": raw.Subscriber, "note": note} {
			if !strings.HasPrefix(stored, seal.Prefix+db.Keyring().Current()+":") {
				t.Errorf("%s stored as %.30q; want a value sealed under %s", name, stored, db.Keyring().Current())
			}
			for _, clear := range []string{memberID, "XQZ8842217", "xqz-884", subscriber, subBirthDay, "chest tightness"} {
				if strings.Contains(strings.ToUpper(stored), strings.ToUpper(clear)) {
					t.Errorf("%s stored with %q in the clear", name, clear)
				}
			}
		}
		if raw.Key != db.Keyring().Current() || noteKey != raw.Key || len(raw.Index) != 32 {
			t.Errorf("sealed_key %q %q, member_index %q; want the current key and a 32-digit index", raw.Key, noteKey, raw.Index)
		}
		got, err := db.FindCoverageByID(f.ctx, f.cov.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f.cov, got); diff != "" {
			t.Errorf("coverage mismatch (-want +got):\n%s", diff)
		}
		enc, err := db.FindEncounterByID(f.ctx, f.enc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Note != noteText {
			t.Errorf("note = %q; want %q", enc.Note, noteText)
		}
		// An update seals the new values too.
		got.MemberID = "NEW-7788"
		if err := db.UpdateCoverage(f.ctx, got); err != nil {
			t.Fatal(err)
		}
		enc.Note = "Amended: symptoms resolved."
		if err := db.UpdateEncounter(f.ctx, enc); err != nil {
			t.Fatal(err)
		}
		raw = readRawCoverage(t, db, f.cov.ID)
		note, _ = readRawNote(t, db, f.enc.ID)
		if strings.Contains(raw.MemberID, "7788") || strings.Contains(note, "Amended") || !seal.IsSealed(raw.MemberID) || !seal.IsSealed(note) {
			t.Errorf("updated values stored in the clear: %.30q %.30q", raw.MemberID, note)
		}
		if again, err := db.FindCoverageByID(f.ctx, f.cov.ID); err != nil || again.MemberID != "NEW-7788" {
			t.Errorf("after update: %+v, %v", again, err)
		}
	})
}

// A sealed value copied into another row, column or organization, or with
// one character changed, does not open: the read fails with the reason and
// the row it concerns, and shows nothing.
func TestSealedValueMoved(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		a := newSealedFixture(t, db, "Org A", memberID)
		b := newSealedFixture(t, db, "Org B", "OTHER-1")
		ctx := context.Background()
		second := &rcm.Coverage{PatientID: a.s.Patient.ID, PayerID: a.s.Payer.ID, Order: 2, MemberID: "SECOND-22", Relationship: "18",
			EffectiveFrom: rcm.MustParseDate("2025-01-01")}
		if err := db.CreateCoverage(a.ctx, second); err != nil {
			t.Fatal(err)
		}
		src := readRawCoverage(t, db, a.cov.ID)
		// A character inside the base64, not the last, whose low bits
		// may be padding.
		flipped := []byte(src.MemberID)
		i := len(flipped) - 10
		if flipped[i] == 'A' {
			flipped[i] = 'B'
		} else {
			flipped[i] = 'A'
		}
		tests := []struct {
			name   string
			ctx    context.Context
			update string
			args   []any
			read   func(context.Context) error
		}{
			{"another row", a.ctx, `UPDATE coverage SET member_id = ? WHERE id = ?`, []any{src.MemberID, second.ID},
				func(ctx context.Context) error { _, err := db.FindCoverageByID(ctx, second.ID); return err }},
			{"another organization", b.ctx, `UPDATE coverage SET member_id = ? WHERE id = ?`, []any{src.MemberID, b.cov.ID},
				func(ctx context.Context) error { _, err := db.FindCoverageByID(ctx, b.cov.ID); return err }},
			{"another column", a.ctx, `UPDATE coverage SET subscriber = ? WHERE id = ?`, []any{src.MemberID, a.cov.ID},
				func(ctx context.Context) error { _, err := db.FindCoverageByID(ctx, a.cov.ID); return err }},
			{"another table", a.ctx, `UPDATE encounter SET note = ? WHERE id = ?`, []any{src.MemberID, a.enc.ID},
				func(ctx context.Context) error { _, err := db.FindEncounterByID(ctx, a.enc.ID); return err }},
			{"one character changed", a.ctx, `UPDATE coverage SET member_id = ?, subscriber = ? WHERE id = ?`, []any{string(flipped), src.Subscriber, a.cov.ID},
				func(ctx context.Context) error { _, err := db.FindCoverageByID(ctx, a.cov.ID); return err }},
		}
		for _, tt := range tests {
			if _, err := db.ExecContext(ctx, tt.update, tt.args...); err != nil {
				t.Fatal(err)
			}
			err := tt.read(tt.ctx)
			if !errors.Is(err, seal.ErrOpen) {
				t.Errorf("%s: read = %v; want seal.ErrOpen", tt.name, err)
				continue
			}
			if strings.Contains(err.Error(), memberID) || !strings.Contains(err.Error(), "altered") {
				t.Errorf("%s: error %q; want it to say the value was altered, without the value", tt.name, err)
			}
		}
	})
}

// A database an earlier release wrote holds plaintext rows beside sealed
// ones: both read correctly, a member ID lookup finds both, and the next
// Open seals the plaintext ones (auditing it), leaving the hash chain whole.
func TestSealedMixedDatabase(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, opts := reopenable(t, dialect)
			db := openWith(t, dsn, opts...)
			f := newSealedFixture(t, db, "Org Mixed", memberID)
			ctx := context.Background()
			// As the earlier release left it: plaintext, no key, no index.
			if _, err := db.ExecContext(ctx, `UPDATE coverage SET member_id = ?, subscriber = '', relationship = '18', sealed_key = '', member_index = '' WHERE id = ?`,
				"LEGACY 5501", f.cov.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE encounter SET note = 'legacy note', sealed_key = '' WHERE id = ?`, f.enc.ID); err != nil {
				t.Fatal(err)
			}
			newer := &rcm.Coverage{PatientID: f.s.Patient.ID, PayerID: f.s.Payer.ID, Order: 2, MemberID: "SEALED-1", Relationship: "18",
				EffectiveFrom: rcm.MustParseDate("2025-01-01")}
			if err := db.CreateCoverage(f.ctx, newer); err != nil {
				t.Fatal(err)
			}
			covs, err := db.FindCoverages(f.ctx, f.s.Patient.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"LEGACY 5501", "SEALED-1"}, []string{covs[0].MemberID, covs[1].MemberID}); diff != "" {
				t.Errorf("mixed read mismatch (-want +got):\n%s", diff)
			}
			if e, err := db.FindEncounterByID(f.ctx, f.enc.ID); err != nil || e.Note != "legacy note" {
				t.Errorf("legacy note = %+v, %v", e, err)
			}
			for _, q := range []string{"legacy-5501", "sealed1"} {
				if ps, err := db.FindPatients(f.ctx, rcm.PatientFilter{MemberID: q}); err != nil || len(ps) != 1 {
					t.Errorf("FindPatients(member %q) in a mixed database = %d patients, %v; want 1", q, len(ps), err)
				}
			}
			db.Close()

			db = openWith(t, dsn, opts...)
			raw := readRawCoverage(t, db, f.cov.ID)
			note, _ := readRawNote(t, db, f.enc.ID)
			if !seal.IsSealed(raw.MemberID) || raw.Key == "" || raw.Index == "" || !seal.IsSealed(note) {
				t.Errorf("after Open the legacy row is %+v, note %.20q; want it sealed and indexed", raw, note)
			}
			status, err := db.KeyStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range status {
				if c.KeyID == "" {
					t.Errorf("after Open %d %s rows are still plaintext", c.Rows, c.Table)
				}
			}
			if ps, err := db.FindPatients(f.ctx, rcm.PatientFilter{MemberID: "LEGACY5501"}); err != nil || len(ps) != 1 {
				t.Errorf("FindPatients after sealing = %d, %v", len(ps), err)
			}
			if _, err := db.VerifyAuditChain(f.ctx); err != nil {
				t.Errorf("audit chain after sealing: %v", err)
			}
			events, err := db.FindAuditEvents(f.ctx, rcm.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var rekeyed []string
			for _, e := range events {
				if e.Action == "rekey" {
					rekeyed = append(rekeyed, e.Entity)
				}
			}
			slices.Sort(rekeyed)
			if diff := cmp.Diff([]string{"coverage", "encounter"}, rekeyed); diff != "" {
				t.Errorf("rekey audit events mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// FindPatients by member ID goes through the blind index: case, spaces
// and dashes do not matter, a part of an ID finds nothing, and one
// organization never finds another's patient.
func TestFindPatientsByMemberID(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		a := newSealedFixture(t, db, "Org A", memberID)
		b := newSealedFixture(t, db, "Org B", memberID)
		tests := []struct {
			name  string
			ctx   context.Context
			query string
			want  []int64
		}{
			{"as stored", a.ctx, memberID, []int64{a.s.Patient.ID}},
			{"lower case, no separators", a.ctx, "xqz8842217", []int64{a.s.Patient.ID}},
			{"other organization", b.ctx, "XQZ 884-2217", []int64{b.s.Patient.ID}},
			{"part of the ID", a.ctx, "XQZ-884", nil},
			{"unknown", a.ctx, "NOPE-1", nil},
		}
		for _, tt := range tests {
			ps, err := db.FindPatients(tt.ctx, rcm.PatientFilter{MemberID: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: patients mismatch (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}

// Rotation: values sealed under an old key read once a new key is added;
// RotateKeys moves every row to the new key (a second run changes
// nothing), after which the old key can leave and everything still reads
// and is still found by member ID.
func TestRotateKeys(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, _ := reopenable(t, dialect)
			oldKey, newKey := mustKey(t), mustKey(t)
			db := openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey)))
			f := newSealedFixture(t, db, "Org Rotate", memberID)
			for i := range 4 {
				e := *f.enc
				e.ID, e.Note = 0, strings.Repeat("x", i+1)
				if err := db.CreateEncounter(f.ctx, &e); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey, newKey)))
			ctx := context.Background()
			if got, err := db.FindCoverageByID(f.ctx, f.cov.ID); err != nil || got.MemberID != memberID {
				t.Fatalf("old row with both keys: %+v, %v", got, err)
			}
			// A row written now is under the new key: the database is mixed.
			if err := db.UpdateEncounter(f.ctx, f.enc); err != nil {
				t.Fatal(err)
			}
			if ps, err := db.FindPatients(f.ctx, rcm.PatientFilter{MemberID: memberID}); err != nil || len(ps) != 1 {
				t.Errorf("lookup before rotation = %d, %v", len(ps), err)
			}
			status := func() map[string]int64 {
				t.Helper()
				st, err := db.KeyStatus(ctx)
				if err != nil {
					t.Fatal(err)
				}
				m := map[string]int64{}
				for _, c := range st {
					m[c.Table+" "+c.KeyID] = c.Rows
				}
				return m
			}
			if diff := cmp.Diff(map[string]int64{"coverage " + oldKey.ID: 1, "encounter " + oldKey.ID: 4, "encounter " + newKey.ID: 1}, status()); diff != "" {
				t.Errorf("status before rotation mismatch (-want +got):\n%s", diff)
			}
			counts, err := db.RotateKeys(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			want := []sqldb.RekeyCount{{Table: "coverage", Rewrapped: 1}, {Table: "encounter", Rewrapped: 4}, {Table: "submission"}, {Table: "eligibility_result"}, {Table: "user_totp"}, {Table: "claim_status_batch"}, {Table: "run_statement"}}
			if diff := cmp.Diff(want, counts); diff != "" {
				t.Errorf("rotation counts mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]int64{"coverage " + newKey.ID: 1, "encounter " + newKey.ID: 5}, status()); diff != "" {
				t.Errorf("status after rotation mismatch (-want +got):\n%s", diff)
			}
			if counts, err := db.RotateKeys(ctx, 2); err != nil || counts[0].Rewrapped+counts[1].Rewrapped != 0 {
				t.Errorf("second rotation = %+v, %v; want nothing to do", counts, err)
			}
			db.Close()

			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, newKey)))
			got, err := db.FindCoverageByID(f.ctx, f.cov.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.cov, got); diff != "" {
				t.Errorf("coverage with the new key only mismatch (-want +got):\n%s", diff)
			}
			encs, err := db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: f.s.Patient.ID})
			if err != nil || len(encs) != 5 {
				t.Errorf("encounters with the new key only = %d, %v", len(encs), err)
			}
			if ps, err := db.FindPatients(f.ctx, rcm.PatientFilter{MemberID: memberID}); err != nil || len(ps) != 1 {
				t.Errorf("lookup after rotation with the new key only = %d, %v", len(ps), err)
			}
			if _, err := db.VerifyAuditChain(f.ctx); err != nil {
				t.Errorf("audit chain after rotation: %v", err)
			}
		})
	}
}

// Without the key a row is sealed under, a read fails naming the key and
// what to do, rather than returning anything.
func TestSealedUnknownKey(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, _ := reopenable(t, dialect)
			k1 := mustKey(t)
			db := openWith(t, dsn, sqldb.WithKeyring(mustRing(t, k1)))
			f := newSealedFixture(t, db, "Org Lost", memberID)
			db.Close()
			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, mustKey(t))))
			_, err := db.FindCoverageByID(f.ctx, f.cov.ID)
			if !errors.Is(err, seal.ErrUnknownKey) || !strings.Contains(err.Error(), k1.ID) || !strings.Contains(err.Error(), "RCM_KEY_FILE") {
				t.Errorf("read without the key = %v; want ErrUnknownKey naming %s and RCM_KEY_FILE", err, k1.ID)
			}
			if _, err := db.RotateKeys(context.Background(), 0); !errors.Is(err, seal.ErrUnknownKey) {
				t.Errorf("rotation without the old key = %v; want ErrUnknownKey", err)
			}
		})
	}
}

// Without a key given, a SQLite file gets a private key file beside it,
// made once and used again; PostgreSQL refuses to open, saying what to set.
func TestDefaultKeyring(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "rcm.db")
	db := openWith(t, dsn)
	f := newSealedFixture(t, db, "Org Default", memberID)
	first := db.Keyring().Current()
	db.Close()
	if sqldb.KeyFileFor(dsn) != dsn+".key" {
		t.Errorf("KeyFileFor = %q", sqldb.KeyFileFor(dsn))
	}
	k, err := seal.LoadFile(dsn + ".key")
	if err != nil {
		t.Fatalf("key file beside the database: %v", err)
	}
	if k.Current() != first {
		t.Errorf("key file holds %q; the database sealed with %q", k.Current(), first)
	}
	db = openWith(t, dsn)
	if got, err := db.FindCoverageByID(f.ctx, f.cov.ID); err != nil || got.MemberID != memberID {
		t.Errorf("reopened without a key: %+v, %v", got, err)
	}
	if os.Getenv(sqldbtest.EnvPostgres) != "" {
		_, err := sqldb.Open(context.Background(), sqldbtest.PostgresDSN(t))
		if rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(rcm.ErrorMessage(err), "RCM_KEY_FILE") {
			t.Errorf("PostgreSQL without a key: %v; want a refusal naming RCM_KEY_FILE", err)
		}
	}
}

// reopenable returns a DSN a test can open more than once, and the options
// that give it the test keyring.
func reopenable(t *testing.T, dialect string) (string, []sqldb.Option) {
	t.Helper()
	if dialect == sqldb.Postgres {
		return sqldbtest.PostgresDSN(t), testKeys()
	}
	return filepath.Join(t.TempDir(), "rcm.db"), nil
}

func openWith(t *testing.T, dsn string, opts ...sqldb.Option) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	db.Clock = rcm.NewStepClock(sqldbtest.Start)
	t.Cleanup(func() { db.Close() })
	return db
}

func mustKey(t *testing.T) seal.Key {
	t.Helper()
	k, err := seal.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustRing(t *testing.T, keys ...seal.Key) *seal.Keyring {
	t.Helper()
	k, err := seal.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The files that repeat the sealed fields are sealed too: the 837P batch a
// submission keeps and the 271 answer an eligibility result keeps. Both
// read back whole, and rotation moves them with the rest.
func TestSealedFiles(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, _ := reopenable(t, dialect)
			oldKey, newKey := mustKey(t), mustKey(t)
			db := openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey)))
			ctx, cov := eligibilitySetup(t, db, "Org Files")
			checks := []*eligibility.Check{{CoverageID: cov.ID, Reference: "REF1"}}
			if err := db.CreateEligibilityChecks(ctx, checks); err != nil {
				t.Fatal(err)
			}
			answer := eligibility.Result{Trace: checks[0].Trace, Originator: eligibility.Originator(checks[0].OrgID), Reference: "REF1",
				MemberID: "ANSWERED-77123", Status: eligibility.Active}
			recs, err := db.RecordEligibility(ctx, []eligibility.Result{answer})
			if err != nil {
				t.Fatal(err)
			}

			// The batch is another organization's, with a payer of its own.
			bctx, _ := sqldbtest.Org(t, db, "Org Batches")
			s := seed(t, bctx, db)
			e, c := seedEncounter(t, bctx, db, s)
			ids, err := db.FindServiceLineIDs(bctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			claim := &rcm.Claim{EncounterID: e.ID, PatientID: s.patient.ID, PayerID: s.payer.ID, CoverageID: c.ID, ControlNumber: "A1001-1-1",
				Frequency: "1", DateOfService: e.DateOfService, PlaceOfService: "11", Diagnoses: e.Diagnoses,
				Lines: []rcm.ClaimLine{{ServiceLineID: ids[0], ServiceLine: e.Lines[0]}}}
			if err := db.CreateClaim(bctx, claim); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordScrub(bctx, claim.ID, nil); err != nil {
				t.Fatal(err)
			}
			file := []byte("ISA*00*...~NM1*IL*1*TESTPATIENT*ADA****MI*SUBMITTED-55881~DMG*D8*19800229*F~IEA*1*000000001~")
			sub := &rcm.Submission{PayerID: s.payer.ID, Receiver: "SANDBOXCH", Key: "k1", Control: 1, ClaimIDs: []int64{claim.ID}, Content: file, FileName: "b.837"}
			if err := db.CreateSubmission(bctx, sub); err != nil {
				t.Fatal(err)
			}

			var detail, content string
			if err := db.QueryRowContext(ctx, `SELECT detail FROM eligibility_result WHERE id = ?`, recs[0].ID).Scan(&detail); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRowContext(ctx, `SELECT content FROM submission WHERE id = ?`, sub.ID).Scan(&content); err != nil {
				t.Fatal(err)
			}
			for _, raw := range []string{detail, content} {
				if !seal.IsSealed(raw) || strings.Contains(raw, "77123") || strings.Contains(raw, "55881") || strings.Contains(raw, "19800229") {
					t.Errorf("stored file %.40q is not sealed", raw)
				}
			}
			check := func(db *sqldb.DB) {
				t.Helper()
				hist, err := db.FindEligibility(ctx, cov.ID)
				if err != nil || len(hist) != 1 || hist[0].Result.MemberID != "ANSWERED-77123" {
					t.Errorf("eligibility read back: %+v, %v", hist, err)
				}
				got, err := db.FindSubmissionByKey(bctx, "k1")
				if err != nil || string(got.Content) != string(file) {
					t.Errorf("submission read back: %v", err)
				}
			}
			check(db)
			db.Close()

			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey, newKey)))
			counts, err := db.RotateKeys(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			moved := map[string]int64{}
			for _, c := range counts {
				moved[c.Table] = c.Rewrapped
			}
			if diff := cmp.Diff(map[string]int64{"coverage": 2, "encounter": 1, "submission": 1, "eligibility_result": 1, "user_totp": 0, "claim_status_batch": 0, "run_statement": 0}, moved); diff != "" {
				t.Errorf("rotated rows mismatch (-want +got):\n%s", diff)
			}
			db.Close()
			check(openWith(t, dsn, sqldb.WithKeyring(mustRing(t, newKey))))
		})
	}
}

// Rotation runs beside a server that keeps writing: the writes and the
// batches interleave, nothing is lost, and afterwards every row is under
// the new key and reads with it alone.
func TestRotateKeysWhileWriting(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn, _ := reopenable(t, dialect)
			oldKey, newKey := mustKey(t), mustKey(t)
			db := openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey)))
			f := newSealedFixture(t, db, "Org Busy", memberID)
			for i := range 12 {
				e := *f.enc
				e.ID, e.Note = 0, fmt.Sprintf("old note %d", i)
				if err := db.CreateEncounter(f.ctx, &e); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()

			// The server and the rotation share the new keyring, as they do
			// once the servers restart after `rcm keys new`.
			ring := sqldb.WithKeyring(mustRing(t, oldKey, newKey))
			server, rotator := openWith(t, dsn, ring), openWith(t, dsn, ring)
			written := make(chan error, 1)
			go func() {
				for i := range 8 {
					e := *f.enc
					e.ID, e.Note = 0, fmt.Sprintf("new note %d", i)
					if err := server.CreateEncounter(f.ctx, &e); err != nil {
						written <- err
						return
					}
				}
				written <- nil
			}()
			if _, err := rotator.RotateKeys(context.Background(), 3); err != nil {
				t.Fatal(err)
			}
			if err := <-written; err != nil {
				t.Fatal(err)
			}
			// Rows the server wrote during the run are under the new key
			// already; a second run finds nothing left.
			if counts, err := rotator.RotateKeys(context.Background(), 3); err != nil || counts[1].Rewrapped != 0 {
				t.Errorf("second rotation = %+v, %v", counts, err)
			}
			server.Close()
			rotator.Close()
			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, newKey)))
			encs, err := db.FindEncounters(f.ctx, rcm.EncounterFilter{PatientID: f.s.Patient.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			notes := map[string]bool{}
			for _, e := range encs {
				notes[e.Note] = true
			}
			if len(encs) != 21 || !notes["old note 11"] || !notes["new note 7"] || !notes[noteText] {
				t.Errorf("after rotation beside writes: %d encounters; want 21 with every note", len(encs))
			}
		})
	}
}

// TestTOTPSecretRotates: a TOTP secret is sealed like the other fields,
// moves to the newest key on rotation, and opens under it alone.
func TestTOTPSecretRotates(t *testing.T) {
	for _, dialect := range sqldbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "rcm.db")
			if dialect == sqldb.Postgres {
				dsn = sqldbtest.PostgresDSN(t)
			}
			oldKey, newKey := mustKey(t), mustKey(t)
			db := openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey)))
			ctx, _ := sqldbtest.Org(t, db, "Org TOTP")
			enrol, err := db.BeginTOTPEnrolment(ctx)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, oldKey, newKey)))
			counts, err := db.RotateKeys(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range counts {
				if c.Table == "user_totp" && c.Rewrapped != 1 {
					t.Errorf("user_totp: %d rewrapped, want 1", c.Rewrapped)
				}
			}
			db.Close()
			db = openWith(t, dsn, sqldb.WithKeyring(mustRing(t, newKey)))
			defer db.Close()
			if again, err := db.BeginTOTPEnrolment(ctx); err != nil || again.Secret != enrol.Secret {
				t.Errorf("the pending secret under the new key alone: %+v, %v; want %s", again, err, enrol.Secret)
			}
		})
	}
}
