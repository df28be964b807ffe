package followup

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/openrcm/openrcm"
)

// WriteCSV writes work items as CSV (RFC 4180, through encoding/csv), in
// the user's words: claim numbers, names and payers, not internal ids
// beyond the item's own number. The command line and the API share it.
func WriteCSV(w io.Writer, items []*Item) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"item", "claim", "account", "patient", "payer", "line_code", "kind", "category", "reasons", "stake", "opened_on",
		"appeal_by", "filing_by", "due", "owner", "follow_up", "state", "outcome", "summary"})
	for _, it := range items {
		_ = cw.Write([]string{strconv.FormatInt(it.ID, 10), it.ControlNumber, it.AccountNumber, it.PatientName, it.PayerName, it.LineCode, it.Kind,
			it.Category, it.Reasons, it.Stake.String(), it.OpenedOn.String(), dateOr(it.AppealBy), dateOr(it.FilingBy), dateOr(it.Due), it.OwnerName,
			dateOr(it.FollowUp), it.State, it.Outcome, it.Summary})
	}
	cw.Flush()
	return cw.Error()
}

func dateOr(d rcm.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
