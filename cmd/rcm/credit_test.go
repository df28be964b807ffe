package main

import (
	"context"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

// TestLedgerCreditCommands: an overpayment shows in rcm ledger credits, a
// refund requested by one user is refused to them and approved by another,
// a refund above the credit is refused, and the books close.
func TestLedgerCreditCommands(t *testing.T) {
	path, line, _ := ledgerDB(t) // the patient owes a $15.00 copay
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var patient, org int64
	if err := db.QueryRowContext(context.Background(), `SELECT e.patient_id, e.org_id FROM service_line s JOIN encounter e ON e.id = s.encounter_id WHERE s.id = ?`, line).Scan(&patient, &org); err != nil {
		t.Fatal(err)
	}
	ctx := rcm.NewContextWithActor(context.Background(), rcm.Actor{OrgID: org, Role: rcm.RoleAdmin, Reason: "test"})
	if err := db.CreateUserWithHash(ctx, &rcm.User{OrgID: org, Username: "front.desk", Name: "Front Desk", Role: rcm.RoleBiller}, "$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p := itoa(patient)
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ledger", "pay", "--patient", p, "--amount", "20.00", "--method", "cash", "--key", "overpay-0001"}, 0, "Payment of $20.00 for account"},
		{[]string{"ledger", "credits"}, 0, "A1001        Test, Ada                           $5.00  the patient's"},
		{[]string{"ledger", "credits", "--csv"}, 0, "account,patient,whose,amount\r\nA1001,\"Test, Ada\",patient,5.00\r\n"},
		{[]string{"ledger", "refund", "request", "--patient", p, "--amount", "5.00", "--reason", "paid twice"}, 2, "needs --as USER"},
		{[]string{"ledger", "refund", "request", "--as", "front.desk", "--patient", p, "--amount", "5.01", "--reason", "paid twice"}, 1, "credit held is $5.00"},
		{[]string{"ledger", "refund", "request", "--as", "front.desk", "--patient", p, "--amount", "5.00", "--reason", "paid twice"}, 0, "Refund 1 requested: $5.00 to the patient of account A1001"},
		{[]string{"ledger", "refund", "approve", "--as", "front.desk", "1"}, 1, "another user must approve"},
		{[]string{"ledger", "refund", "approve", "--as", "lakeside.admin", "1"}, 0, "Refund 1 refunded: $5.00 to the patient of account A1001 (requested by front.desk, approved by lakeside.admin)"},
		{[]string{"ledger", "credits"}, 0, "No credit balances."},
		{[]string{"ledger", "refund", "list"}, 0, "refunded"},
		{[]string{"ledger", "refund", "list", "--csv"}, 0, "\r\n1,A1001,patient,5.00,paid twice,refunded,front.desk,"},
		{[]string{"ledger", "close", "--through", "2099-01-31"}, 0, "Books closed through 2099-01-31"},
		{[]string{"ledger", "pay", "--patient", p, "--amount", "1.00", "--method", "cash", "--key", "overpay-0002"}, 1, "books are closed through 2099-01-31"},
		{[]string{"ledger", "check"}, 0, "Ledger OK"},
	}
	for _, st := range steps {
		n := 2 // the subcommand's words, then --db before the rest
		if st.args[1] == "refund" {
			n = 3
		}
		args := append(append(append([]string(nil), st.args[:n]...), "--db", path), st.args[n:]...)
		code, out, errOut := rcmRun(t, "", args...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Errorf("rcm %s: exit %d, want %d and %q\n%s%s", strings.Join(st.args, " "), code, st.code, st.want, out, errOut)
		}
	}
}
