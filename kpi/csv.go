package kpi

import (
	"io"
	"strconv"

	"github.com/openrcm/openrcm/sheet"
)

// CSVHeader names the columns WriteCSV writes.
var CSVHeader = []string{"from", "to", "by", "group", "days_in_ar", "ar_over_90_pct", "net_collection_rate", "denial_rate", "clean_claim_rate", "first_pass_rate",
	"open_ar", "ar_over_90", "net_revenue", "collected", "claims_answered", "claims_denied"}

// WriteCSV writes the report as CSV (package sheet): the organization's
// row, then one per payer and one per provider. Every door that exports
// the report writes it through here.
func WriteCSV(out io.Writer, r *Report) error {
	var rows [][]string
	row := func(by string, f Figures) {
		rows = append(rows, []string{r.From, r.To, by, f.Group, Num(f.DaysInAR), Num(f.AROver90Pct), Num(f.NetCollectionRate), Num(f.DenialRate), Num(f.CleanClaimRate), Num(f.FirstPassRate),
			f.OpenAR.String(), f.AROver90.String(), f.NetRevenue.String(), f.Collected.String(), strconv.Itoa(f.ClaimsAnswered), strconv.Itoa(f.ClaimsDenied)})
	}
	row("organization", r.Total)
	for _, f := range r.ByPayer {
		row("payer", f)
	}
	for _, f := range r.ByProvider {
		row("provider", f)
	}
	return sheet.Write(out, CSVHeader, rows)
}

// Num prints a ratio with one decimal, or "n/a" when it has no
// denominator.
func Num(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

// Pct prints a percentage with one decimal and its sign, or "n/a" (no
// percent sign) when it has no denominator.
func Pct(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + "%"
}
