package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/ledger"
	"github.com/openrcm/openrcm/lookup"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("ledger", "check the ledger and show balances; post patient payments", runLedger)
}

const ledgerUsage = `check [--db DB] [--patients N] [--rebuild-kpi]

Verifies, for every organization in the database, that each service line's
charge equals payer payments + adjustments + patient payments + open
insurance and patient balances, that debits equal credits, and that no
receivable is below zero; and, for every posted 835, that its deposit
journal balances (received + provider adjustments = applied + unapplied)
and agrees with its BPR02, PLB segments, exceptions and ledger postings;
and that the KPI report's running summary equals its recomputation from the
ledger. Prints the totals. Exits 1 naming each line or remittance that
breaks the rules. --rebuild-kpi first recomputes the summary from the
ledger (after a bulk load, or to repair a difference the check named).`

const ledgerPayUsage = `pay [--db DB] [--org ID] --patient PATIENT --amount 25.00 --method cash|check|card|ach|other [--reference R] --key K

Posts a payment the patient made toward their balance, oldest service first.
The key identifies the payment: the same key posts once. PATIENT is an
account number (such as LFM01010), a name, a member ID or the patient's id.`

const ledgerWriteOffUsage = `write-off [--db DB] [--org ID] --patient PATIENT --amount 0.50 --reason small_balance|bad_debt|hardship|courtesy|other --key K

Writes off part of what the patient owes, oldest service first. The key
identifies the write-off: the same key posts once.`

func runLedger(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && (args[0] == "pay" || args[0] == "write-off") {
		return runLedgerPatient(ctx, env, args[0], args[1:])
	}
	if len(args) > 0 && (args[0] == "credits" || args[0] == "apply-credit" || args[0] == "refund" || args[0] == "close") {
		return runLedgerCredit(ctx, env, args[0], args[1:])
	}
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stderr, "usage: rcm ledger %s\n       rcm ledger %s\n       rcm ledger %s\n", ledgerUsage, firstLine(ledgerPayUsage), firstLine(ledgerWriteOffUsage))
			return nil
		}
		return usagef("usage: rcm ledger %s\n       rcm ledger %s\n       rcm ledger %s\n       rcm ledger %s", ledgerUsage, ledgerPayUsage, ledgerWriteOffUsage, ledgerCreditUsage)
	}
	fs := newFlagSet(env, "ledger check", ledgerUsage)
	dsn := dbFlag(fs, env)
	top := fs.Int("patients", 20, "list at most this many patients with an open balance, largest first")
	rebuild := fs.Bool("rebuild-kpi", false, "recompute the KPI report's summary from the ledger before checking")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *rebuild {
		if err := db.RebuildKPISummary(ctx); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "KPI summary rebuilt from the ledger.")
	}
	reports, err := db.CheckLedger(ctx)
	if err != nil {
		return err
	}
	violations, lines := 0, 0
	for _, r := range reports {
		printLedgerReport(env.Stdout, r, *top)
		lines += r.Totals.Lines
		for _, v := range r.Violations {
			fmt.Fprintf(env.Stderr, "VIOLATION in organization %d: %s\n", r.OrgID, v)
		}
		violations += len(r.Violations)
	}
	if violations > 0 {
		fmt.Fprintf(env.Stderr, "Ledger check FAILED: %d violation(s) over %d line(s).\n", violations, lines)
		return exitCode(1)
	}
	fmt.Fprintf(env.Stdout, "Ledger OK: %d line(s) in %d organization(s); every line balances.\n", lines, len(reports))
	return nil
}

func printLedgerReport(w io.Writer, r *sqldb.LedgerReport, top int) {
	t := r.Totals
	row := func(indent int, label string, m rcm.Money) {
		fmt.Fprintf(w, "%*s%-*s %14s\n", indent, "", 34-indent, label, m.Dollars())
	}
	payer := func(id int64) string {
		if n := r.PayerNames[id]; n != "" {
			return n
		}
		return fmt.Sprintf("payer %d", id)
	}
	fmt.Fprintf(w, "Organization %d: %s (%d service lines in the ledger)\n", r.OrgID, r.OrgName, t.Lines)
	row(2, "Charges", t.Charges)
	row(2, "Payer payments", sumMap(t.PayerPaid))
	for _, id := range sortedIDs(t.PayerPaid) {
		row(4, payer(id), t.PayerPaid[id])
	}
	row(2, "Adjustments", sumMap(t.Adjusted))
	for _, g := range sortedStrings(t.Adjusted) {
		name := carc.Groups[g]
		if g == ledger.GroupWO {
			name = "Write-offs"
		}
		row(4, g+" "+name, t.Adjusted[g])
	}
	row(2, "Patient responsibility", sumMap(t.PatientShare))
	for _, reason := range sortedStrings(t.PatientShare) {
		label := "PR-" + reason
		if name, ok := map[string]string{"1": "deductible", "2": "coinsurance", "3": "copay"}[reason]; ok {
			label += " " + name
		}
		row(4, label, t.PatientShare[reason])
	}
	row(2, "Patient payments", t.PatientPaid)
	row(2, "Open A/R, insurance", sumMap(t.InsuranceAR))
	for _, id := range sortedIDs(t.InsuranceAR) {
		row(4, payer(id), t.InsuranceAR[id])
	}
	row(2, fmt.Sprintf("Open A/R, patients (%d)", len(r.Patients)), t.PatientAR)
	for i, p := range r.Patients {
		if i == top {
			fmt.Fprintf(w, "    ... %d more\n", len(r.Patients)-top)
			break
		}
		row(4, "account "+p.AccountNumber, p.Open)
	}
	row(2, "Credit balances held", t.Credit)
	row(2, "Debits", t.Debits)
	row(2, "Credits", t.Credits)
	d := r.Deposits
	fmt.Fprintf(w, "  Remittances (%d), deposit journal\n", r.Remittances)
	row(4, "Received from payers (BPR02)", d.Received)
	row(4, "Provider adjustments (PLB)", d.ProviderAdjusted())
	for _, reason := range sortedStrings(d.ProviderAdjustments) {
		label := "PLB " + reason
		if name := plbReasons[reason]; name != "" {
			label += " " + name
		}
		row(6, label, d.ProviderAdjustments[reason])
	}
	row(4, "Applied to service lines", d.Applied)
	row(4, "Unapplied (exceptions)", d.Unapplied)
}

// plbReasons names the common PLB03-1 provider adjustment reasons
// (the 835's PLB03-1 code list).
var plbReasons = map[string]string{
	"50": "late charge", "51": "interest penalty charge", "72": "authorized return", "90": "early payment allowance", "AH": "origination fee", "B2": "rebate", "B3": "recovery allowance",
	"BD": "bad debt adjustment", "C5": "temporary allowance", "CS": "adjustment", "CV": "capital passthru",
	"CW": "certified registered nurse anesthetist passthru", "E3": "withholding", "FB": "forwarding balance",
	"FC": "fund allocation", "GO": "graduate medical education passthru", "IP": "incentive premium payment",
	"IR": "internal revenue service withholding", "IS": "interim settlement", "J1": "nonreimbursable",
	"L3": "penalty", "L6": "interest owed", "LE": "levy", "LS": "lump sum", "OA": "organ acquisition passthru",
	"OB": "offset for affiliated providers", "PI": "periodic interim payment", "PL": "payment final",
	"RA": "retro-activity adjustment", "RE": "return on equity", "SL": "student loan repayment",
	"TL": "third party liability", "WO": "overpayment recovery", "WU": "unspecified recovery",
}

func sumMap[K comparable](m map[K]rcm.Money) rcm.Money {
	var s rcm.Money
	for _, v := range m {
		s += v
	}
	return s
}

func sortedIDs(m map[int64]rcm.Money) []int64 {
	ids := make([]int64, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func sortedStrings(m map[string]rcm.Money) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runLedgerPatient is rcm ledger pay and rcm ledger write-off.
func runLedgerPatient(ctx context.Context, env *Env, sub string, args []string) error {
	usage := ledgerPayUsage
	if sub == "write-off" {
		usage = ledgerWriteOffUsage
	}
	fs := newFlagSet(env, "ledger "+sub, usage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	patient := fs.String("patient", "", "the patient: account number, name, member ID or id")
	amount := fs.String("amount", "", "the amount, such as 25.00")
	method := fs.String("method", "", "pay: cash, check, card, ach or other")
	reference := fs.String("reference", "", "pay: check number or card authorization")
	reason := fs.String("reason", "", "write-off: small_balance, bad_debt, hardship, courtesy or other")
	key := fs.String("key", "", "8 to 64 characters that identify this payment or write-off (the same key posts once)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	m, err := rcm.ParseMoney(*amount)
	if err != nil {
		return usagef("--amount must be dollars and cents, such as 25.00: %v", err)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	p, err := lookup.Patient(ctx, db, *patient)
	if err != nil {
		return err
	}
	var t *ledger.Transaction
	what := "Payment"
	if sub == "write-off" {
		what = "Write-off"
		t, err = db.PostPatientWriteOff(ctx, rcm.PatientWriteOff{PatientID: p.ID, Amount: m, Reason: *reason, Key: *key})
	} else {
		t, err = db.PostPatientPayment(ctx, rcm.PatientPayment{PatientID: p.ID, Amount: m, Method: *method, Reference: *reference, Key: *key})
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s of %s for account %s (%s, %s) posted as ledger transaction %d:\n", what, m.Dollars(), p.AccountNumber, p.LastName, p.FirstName, t.ID)
	for i := 0; i+1 < len(t.Entries); i += 2 {
		fmt.Fprintf(env.Stdout, "  service line %d  %s\n", t.Entries[i].Account.Line, t.Entries[i].Amount.Dollars())
	}
	return nil
}

// firstLine is the synopsis line of a usage text.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
