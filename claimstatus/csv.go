package claimstatus

import (
	"io"
	"time"

	"github.com/openrcm/openrcm/sheet"
)

// CSVHeader names the columns WriteCSV writes.
var CSVHeader = []string{"claim", "trace", "asked_at", "answered_at", "category", "code", "in_words", "payer_claim", "paid", "check", "check_date", "outcome"}

// WriteCSV writes a claim's status history, each 276 asked and the 277's
// answer, as CSV (package sheet). The workbench, the API and rcm status
// show --csv share it.
func WriteCSV(w io.Writer, ks []*Check) error {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	rows := make([][]string, 0, len(ks))
	for _, k := range ks {
		paid, checkDate := "", ""
		if k.Status.CheckNumber != "" {
			paid = k.Status.Paid.String()
		}
		if !k.Status.CheckDate.IsZero() {
			checkDate = k.Status.CheckDate.String()
		}
		rows = append(rows, []string{k.ControlNumber, k.Trace, stamp(k.CreatedAt), stamp(k.AnsweredAt), k.Status.Category, k.Status.Code, k.Words,
			k.PayerClaim, paid, k.Status.CheckNumber, checkDate, string(k.Outcome)})
	}
	return sheet.Write(w, CSVHeader, rows)
}
