package followup

import (
	"io"
	"strconv"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sheet"
)

// CSVHeader names the columns WriteCSV writes.
var CSVHeader = []string{"item", "claim", "account", "patient", "payer", "line_code", "kind", "category", "reasons", "stake", "opened_on",
	"appeal_by", "filing_by", "due", "owner", "follow_up", "state", "outcome", "summary"}

// WriteCSV writes work items as CSV (package sheet), in the user's words:
// claim numbers, names and payers, not internal ids beyond the item's own
// number. The command line, the API and the workbench share it.
func WriteCSV(w io.Writer, items []*Item) error {
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		rows = append(rows, []string{strconv.FormatInt(it.ID, 10), it.ControlNumber, it.AccountNumber, it.PatientName, it.PayerName, it.LineCode, it.Kind,
			it.Category, it.Reasons, it.Stake.String(), it.OpenedOn.String(), dateOr(it.AppealBy), dateOr(it.FilingBy), dateOr(it.Due), it.OwnerName,
			dateOr(it.FollowUp), it.State, it.Outcome, it.Summary})
	}
	return sheet.Write(w, CSVHeader, rows)
}

func dateOr(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
