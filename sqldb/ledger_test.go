package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// ledgerFixture is an organization with two payers and one encounter of
// three lines.
type ledgerFixture struct {
	ctx      context.Context
	s        seeded
	payerB   *rcm.Payer
	enc      *rcm.Encounter
	lines    []int64
	charges  []rcm.Money
	orgID    int64
	adminCtx context.Context
}

// seedTB is seed for benchmarks too.
func seedTB(t testing.TB, ctx context.Context, db *sqldb.DB) seeded {
	t.Helper()
	s := seeded{
		practice: &rcm.Practice{Name: "Lakeside Family Medicine", NPI: "1234567893", TIN: "12-3456789", Taxonomy: "207Q00000X", Address: testAddress()},
		payer:    &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI", TimelyFilingDays: 90},
		patient: &rcm.Patient{AccountNumber: "A1001", FirstName: "Ada", LastName: "Testpatient", BirthDate: rcm.MustParseDate("1980-02-29"),
			Sex: "F", Address: testAddress()},
	}
	for _, err := range []error{db.CreatePractice(ctx, s.practice), db.CreatePayer(ctx, s.payer), db.CreatePatient(ctx, s.patient)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	s.provider = &rcm.Provider{PracticeID: s.practice.ID, FirstName: "Gil", LastName: "Doctor", NPI: "1245319599", Taxonomy: "207Q00000X"}
	if err := db.CreateProvider(ctx, s.provider); err != nil {
		t.Fatal(err)
	}
	return s
}

func newLedgerFixture(t *testing.T, db *sqldb.DB, orgName string) *ledgerFixture {
	t.Helper()
	ctx, org := sqldbtest.Org(t, db, orgName)
	f := &ledgerFixture{ctx: ctx, s: seed(t, ctx, db), orgID: org.ID, adminCtx: ctx}
	f.payerB = &rcm.Payer{Name: "Second Health", PayerID: "SEC22", FilingIndicator: "CI"}
	if err := db.CreatePayer(ctx, f.payerB); err != nil {
		t.Fatal(err)
	}
	f.charges = []rcm.Money{rcm.MustParseMoney("150.00"), rcm.MustParseMoney("35.50"), rcm.MustParseMoney("20.00")}
	f.enc = &rcm.Encounter{PatientID: f.s.patient.ID, PracticeID: f.s.practice.ID, RenderingProviderID: f.s.provider.ID,
		DateOfService: rcm.MustParseDate("2026-01-02"), PlaceOfService: "11",
		Diagnoses: []rcm.Diagnosis{{Code: "E119"}}}
	for i, c := range f.charges {
		f.enc.Lines = append(f.enc.Lines, rcm.ServiceLine{Code: []string{"99214", "83036", "36415"}[i], Units: 1, Charge: c, Pointers: []int{1}})
	}
	if err := db.CreateEncounter(ctx, f.enc); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.lines, err = db.FindServiceLineIDs(ctx, f.enc.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func countEntries(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM ledger_entry`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLedgerPosting(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newLedgerFixture(t, db, "Org A")
		ctx, a, b := f.ctx, f.s.payer.ID, f.payerB.ID
		l1, l2, l3 := f.lines[0], f.lines[1], f.lines[2]
		m := rcm.MustParseMoney
		charge := new(ledger.Transaction).Charge(l1, a, f.charges[0]).Charge(l2, a, f.charges[1]).Charge(l3, 0, f.charges[2])
		if err := db.PostLedger(ctx, charge); err != nil {
			t.Fatal(err)
		}
		era := new(ledger.Transaction).
			PayerPayment(l1, a, m("90.00"), "ACH").Adjust(l1, a, "CO", "45", m("40.00")).PatientShare(l1, a, "2", m("20.00")).
			PayerPayment(l2, a, m("10.00"), "ACH").Adjust(l2, a, "CO", "45", m("15.50"))
		era.Key = "835:ACME1:TRN0001:1"
		if err := db.PostLedger(ctx, era); err != nil {
			t.Fatal(err)
		}
		if era.ID == 0 || charge.ID == 0 || era.ID == charge.ID {
			t.Fatalf("ids not set: charge %d era %d", charge.ID, era.ID)
		}
		transfer := new(ledger.Transaction).PayerTransfer(l2, a, b, m("10.00"))
		if err := db.PostLedger(ctx, transfer); err != nil {
			t.Fatal(err)
		}

		// The same remittance again: refused, nothing written.
		before := countEntries(t, db)
		again := new(ledger.Transaction).PayerPayment(l3, a, m("1.00"), "ACH")
		again.Key = era.Key
		wantCode(t, db.PostLedger(ctx, again), rcm.ECONFLICT)
		got, err := db.FindLedgerTransactionByKey(ctx, era.Key)
		if err != nil || got.ID != era.ID {
			t.Fatalf("FindLedgerTransactionByKey = %+v, %v; want transaction %d", got, err, era.ID)
		}
		// A batch is all or nothing: a valid posting with an invalid one.
		ok := new(ledger.Transaction).PatientPayment(l1, m("5.00"), "cash")
		bad := new(ledger.Transaction).PatientPayment(l3, m("20.01"), "cash")
		err = db.PostLedger(ctx, ok, bad)
		wantCode(t, err, rcm.EINVALID)
		if !strings.Contains(rcm.ErrorMessage(err), fmt.Sprintf("Line %d", l3)) {
			t.Errorf("error %q does not name line %d", rcm.ErrorMessage(err), l3)
		}
		wantCode(t, db.PostLedger(ctx, new(ledger.Transaction).PayerPayment(999999, a, 1, "ACH")), rcm.ENOTFOUND)
		wantCode(t, db.PostLedger(ctx, new(ledger.Transaction).PayerPayment(l1, a, m("0.01"), "ACH")), rcm.EINVALID) // owes nothing
		dupKeys := []*ledger.Transaction{{Key: "k"}, {Key: "k"}}
		dupKeys[0].PatientPayment(l3, 1, "cash")
		dupKeys[1].PatientPayment(l3, 1, "cash")
		wantCode(t, db.PostLedger(ctx, dupKeys...), rcm.ECONFLICT)
		if n := countEntries(t, db); n != before {
			t.Fatalf("refused postings wrote entries: %d before, %d after", before, n)
		}

		// Reverse the remittance, once.
		orig, err := db.FindLedgerTransaction(ctx, era.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(era.Entries, orig.Entries); diff != "" || orig.Key != era.Key {
			t.Fatalf("stored transaction mismatch (-want +got):\n%s", diff)
		}
		// The patient has paid 5.00 of the 20.00 coinsurance, so taking the
		// remittance back would leave the patient owing -5.00: refused until
		// the patient payment is reversed first, in the same batch.
		patPay := new(ledger.Transaction).PatientPayment(l1, m("5.00"), "cash")
		if err := db.PostLedger(ctx, patPay); err != nil {
			t.Fatal(err)
		}
		err = db.PostLedger(ctx, ledger.Reverse(orig, "take-back"))
		wantCode(t, err, rcm.EINVALID)
		if !strings.Contains(rcm.ErrorMessage(err), "patient balance would be -5.00") {
			t.Errorf("take-back error %q", rcm.ErrorMessage(err))
		}
		pp, err := db.FindLedgerTransaction(ctx, patPay.ID)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := db.FindLedgerTransaction(ctx, transfer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.PostLedger(ctx, ledger.Reverse(pp, "refund"), ledger.Reverse(tr, "undo transfer"), ledger.Reverse(orig, "take-back")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.PostLedger(ctx, ledger.Reverse(orig, "again")), rcm.ECONFLICT)

		pay := new(ledger.Transaction).PatientPayment(l3, m("20.00"), "card")
		if err := db.PostLedger(ctx, pay); err != nil {
			t.Fatal(err)
		}
		lines, err := db.FindLineBalances(ctx, sqldb.LedgerFilter{EncounterID: f.enc.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []*ledger.LineBalance{
			{Line: l1, Charge: m("150.00"), Insurance: map[int64]rcm.Money{a: m("150.00")}, Debits: m("460.00"), Credits: m("460.00")},
			{Line: l2, Charge: m("35.50"), Insurance: map[int64]rcm.Money{a: m("35.50")}, Debits: m("106.50"), Credits: m("106.50")},
			{Line: l3, Charge: m("20.00"), PatientPaid: m("20.00"), Debits: m("40.00"), Credits: m("40.00")},
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("line balances mismatch (-want +got):\n%s", diff)
		}
		tot, err := db.LedgerTotals(ctx, sqldb.LedgerFilter{PatientID: f.s.patient.ID})
		if err != nil {
			t.Fatal(err)
		}
		if tot.Charges != m("205.50") || tot.InsuranceAR[a] != m("185.50") || tot.PatientPaid != m("20.00") || tot.Lines != 3 {
			t.Errorf("patient totals = %+v", tot)
		}
		reports, err := db.CheckLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || len(reports[0].Violations) != 0 || reports[0].Totals.Charges != m("205.50") {
			t.Errorf("CheckLedger = %+v", reports[0])
		}
	})
}

func TestLedgerAppendOnlyAndScoped(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newLedgerFixture(t, db, "Org A")
		g := newLedgerFixture(t, db, "Org B")
		if err := db.PostLedger(f.ctx, new(ledger.Transaction).Charge(f.lines[0], f.s.payer.ID, f.charges[0])); err != nil {
			t.Fatal(err)
		}
		bg := context.Background()
		for _, q := range []string{
			`UPDATE ledger_pair SET amount = 1`, `DELETE FROM ledger_pair`,
			`UPDATE ledger_txn SET memo = 'x'`, `DELETE FROM ledger_txn`,
		} {
			if _, err := db.ExecContext(bg, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error %v, want append-only refusal", q, err)
			}
		}
		// Org B cannot post to, or see, Org A's lines, nor use its payer.
		wantCode(t, db.PostLedger(g.ctx, new(ledger.Transaction).PatientPayment(f.lines[0], 1, "cash")), rcm.ENOTFOUND)
		wantCode(t, db.PostLedger(g.ctx, new(ledger.Transaction).Charge(g.lines[0], f.s.payer.ID, 100)), rcm.EINVALID)
		if got, err := db.FindLineBalances(g.ctx, sqldb.LedgerFilter{LineID: f.lines[0]}); err != nil || len(got) != 0 {
			t.Errorf("org B sees org A's line: %v, %v", got, err)
		}
		// A coder may read but not post.
		coder := rcm.NewContextWithActor(bg, rcm.Actor{UserID: 1, OrgID: f.orgID, Role: rcm.RoleCoder})
		wantCode(t, db.PostLedger(coder, new(ledger.Transaction).PatientPayment(f.lines[0], 1, "cash")), rcm.EFORBIDDEN)
		wantCode(t, db.PostLedger(bg, new(ledger.Transaction).PatientPayment(f.lines[0], 1, "cash")), rcm.EUNAUTHORIZED)
	})
}

// TestCheckLedgerFindsTampering writes an entry past PostLedger, as a bug
// or a hand edit of the database would, and expects the check to name the
// line and the transaction.
func TestCheckLedgerFindsTampering(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newLedgerFixture(t, db, "Org A")
		charge := new(ledger.Transaction).Charge(f.lines[0], f.s.payer.ID, f.charges[0])
		if err := db.PostLedger(f.ctx, charge); err != nil {
			t.Fatal(err)
		}
		// A payment pair the payer never made, more than it owed, as pair 5
		// of a transaction that had only pair 0.
		if _, err := db.ExecContext(context.Background(), `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
				debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
			VALUES (?, ?, 5, ?, 'payer_payment', ?, '', 'ACH', 'payer_paid', ?, '', 'insurance_ar', ?, '')`,
			f.orgID, charge.ID, f.lines[0], int64(f.charges[0])+700, f.s.payer.ID, f.s.payer.ID); err != nil {
			t.Fatal(err)
		}
		reports, err := db.CheckLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		v := strings.Join(reports[0].Violations, "\n")
		if !strings.Contains(v, fmt.Sprintf("Line %d: balance of payer %d would be -7.00", f.lines[0], f.s.payer.ID)) ||
			!strings.Contains(v, fmt.Sprintf("Transaction %d: it has 2 entry pairs, numbered up to 5", charge.ID)) {
			t.Errorf("violations = %q; want the line and the transaction named", v)
		}
		// Posting to the tampered line is refused: its stored state already
		// breaks the invariant.
		wantCode(t, db.PostLedger(f.ctx, new(ledger.Transaction).PayerPayment(f.lines[0], f.s.payer.ID, 100, "ACH")), rcm.EINVALID)
	})
}

// TestLedgerReadBackCatchesStrayRows has the database write one entry more
// than PostLedger asked for, as a buggy insert or trigger would: the
// after-check, which reads back what was written, must refuse the posting
// and leave nothing of it. SQLite only: a PostgreSQL trigger needs a
// function of its own and tests nothing more.
func TestLedgerReadBackCatchesStrayRows(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	f := newLedgerFixture(t, db, "Org A")
	if err := db.PostLedger(f.ctx, new(ledger.Transaction).Charge(f.lines[0], f.s.payer.ID, f.charges[0])); err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if _, err := db.ExecContext(bg, `CREATE TRIGGER stray AFTER INSERT ON ledger_pair WHEN NEW.op = 'payer_payment' AND NEW.seq = 0
		BEGIN
			INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
				debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
			VALUES (NEW.org_id, NEW.txn_id, 99, NEW.line_id, NEW.op, 1, NEW.reason, NEW.method,
				NEW.debit_kind, NEW.debit_payer, NEW.debit_grp, NEW.credit_kind, NEW.credit_payer, NEW.credit_grp);
		END`); err != nil {
		t.Fatal(err)
	}
	before := countEntries(t, db)
	for _, payments := range [][]rcm.Money{{100}, {100, 200, 300}} {
		var txns []*ledger.Transaction
		for i, amount := range payments {
			txns = append(txns, &ledger.Transaction{Key: fmt.Sprintf("835:ACME1:T%d:%d", len(payments), i)})
			txns[i].PayerPayment(f.lines[0], f.s.payer.ID, amount, "ACH")
		}
		if err := db.PostLedger(f.ctx, txns...); err == nil {
			t.Errorf("%d payments: posted with a stray entry in the database", len(payments))
		}
		if got := countEntries(t, db); got != before {
			t.Errorf("%d payments: %d entries after the refused posting, want %d", len(payments), got, before)
		}
	}
}

// TestLedgerConcurrentPostings races two payments that together exceed
// the balance: the line lock lets exactly one through.
func TestLedgerConcurrentPostings(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newLedgerFixture(t, db, "Org A")
		l, a := f.lines[0], f.s.payer.ID
		if err := db.PostLedger(f.ctx, new(ledger.Transaction).Charge(l, a, f.charges[0])); err != nil {
			t.Fatal(err)
		}
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.PostLedger(f.ctx, new(ledger.Transaction).PayerPayment(l, a, rcm.MustParseMoney("100.00"), "ACH"))
			}()
		}
		wg.Wait()
		okCount := 0
		for _, err := range errs {
			if err == nil {
				okCount++
			} else if rcm.ErrorCode(err) != rcm.EINVALID {
				t.Errorf("unexpected error %v", err)
			}
		}
		if okCount != 1 {
			t.Errorf("%d of %d racing payments posted, want 1", okCount, n)
		}
	})
}

// TestLedgerMatchesJournal posts the same random sequence to the database
// and to the in-memory ledger.Journal: each posting must be accepted or
// refused by both, and the balances must agree.
func TestLedgerMatchesJournal(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newLedgerFixture(t, db, "Org A")
		payers := []int64{f.s.payer.ID, f.payerB.ID}
		j := ledger.NewJournal()
		r := rcm.NewRand(7)
		var txnIDs []int64 // journal id -> database id
		steps := 300
		if testing.Short() {
			steps = 60
		}
		for step := 0; step < steps; step++ {
			line := f.lines[r.IntN(len(f.lines))]
			p := payers[r.IntN(2)]
			amt := rcm.Money(1 + r.IntN(9000))
			t1, t2 := new(ledger.Transaction), new(ledger.Transaction)
			var dbOrig *ledger.Transaction
			switch r.IntN(9) {
			case 0:
				t1.Charge(line, p, amt*3)
			case 1:
				t1.PayerPayment(line, p, amt, "ACH")
			case 2:
				t1.Adjust(line, p, []string{"CO", "OA", "PI", "CR"}[r.IntN(4)], "45", amt-1000)
			case 3:
				t1.PatientShare(line, p, []string{"1", "2", "3"}[r.IntN(3)], amt)
			case 4:
				t1.PayerTransfer(line, p, payers[r.IntN(2)], amt)
			case 5:
				t1.PatientPayment(line, amt, "cash")
			case 6:
				t1.WriteOff(line, []int64{0, p}[r.IntN(2)], "small balance", amt/10)
			default:
				if len(txnIDs) == 0 {
					continue
				}
				k := r.IntN(len(txnIDs))
				jo, err := j.Transaction(int64(k + 1))
				if err != nil {
					t.Fatal(err)
				}
				t1 = ledger.Reverse(jo, "")
				var err2 error
				if dbOrig, err2 = db.FindLedgerTransaction(f.ctx, txnIDs[k]); err2 != nil {
					t.Fatal(err2)
				}
			}
			if dbOrig != nil {
				t2 = ledger.Reverse(dbOrig, "")
			} else {
				t2.Entries = append(t2.Entries, t1.Entries...)
			}
			jerr := j.Post(t1)
			derr := db.PostLedger(f.ctx, t2)
			if rcm.ErrorCode(jerr) != rcm.ErrorCode(derr) {
				t.Fatalf("step %d: journal %v, database %v", step, jerr, derr)
			}
			if jerr == nil {
				txnIDs = append(txnIDs, t2.ID)
			}
		}
		got, err := db.FindLineBalances(f.ctx, sqldb.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []*ledger.LineBalance{}
		for _, l := range j.Lines() {
			want = append(want, j.Line(l))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("database and journal differ (-journal +database):\n%s", diff)
		}
		if len(txnIDs) < steps/5 {
			t.Errorf("only %d of %d postings accepted", len(txnIDs), steps)
		}
	})
}
