package ledger

import (
	"io"
	"strconv"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sheet"
)

// CreditCSVHeader and RefundCSVHeader name the columns of the credit and
// refund lists as CSV.
var (
	CreditCSVHeader = []string{"account", "patient", "whose", "amount"}
	RefundCSVHeader = []string{"refund", "account", "to", "amount", "reason", "status", "requested_by", "requested_at", "decided_by", "ledger_transaction"}
)

// WriteCreditsCSV writes the credit balances held as CSV (package sheet):
// whose money each is, the patient's or a payer's by name.
func WriteCreditsCSV(w io.Writer, cs []rcm.CreditBalance) error {
	rows := make([][]string, 0, len(cs))
	for _, c := range cs {
		whose := "patient"
		if c.PayerName != "" {
			whose = c.PayerName
		}
		rows = append(rows, []string{c.AccountNumber, c.PatientName, whose, c.Amount.String()})
	}
	return sheet.Write(w, CreditCSVHeader, rows)
}

// WriteRefundsCSV writes refunds as CSV (package sheet).
func WriteRefundsCSV(w io.Writer, rs []*rcm.Refund) error {
	rows := make([][]string, 0, len(rs))
	for _, r := range rs {
		to, txn := "patient", ""
		if r.PayerName != "" {
			to = r.PayerName
		}
		if r.TxnID != 0 {
			txn = strconv.FormatInt(r.TxnID, 10)
		}
		rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.AccountNumber, to, r.Amount.String(), r.Reason, r.Status, r.RequestedBy,
			r.RequestedAt.UTC().Format(time.RFC3339), r.DecidedBy, txn})
	}
	return sheet.Write(w, RefundCSVHeader, rows)
}
