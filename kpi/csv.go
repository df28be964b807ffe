package kpi

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes the report as CSV (RFC 4180): the organization's row,
// then one per payer and one per provider. Every door that exports the
// report writes it through here.
func WriteCSV(out io.Writer, r *Report) error {
	w := csv.NewWriter(out)
	w.Write([]string{"from", "to", "by", "group", "days_in_ar", "ar_over_90_pct", "net_collection_rate", "denial_rate", "clean_claim_rate", "first_pass_rate", "open_ar", "ar_over_90", "net_revenue", "collected", "claims_answered", "claims_denied"})
	row := func(by string, f Figures) {
		w.Write([]string{r.From, r.To, by, f.Group, Num(f.DaysInAR), Num(f.AROver90Pct), Num(f.NetCollectionRate), Num(f.DenialRate), Num(f.CleanClaimRate), Num(f.FirstPassRate),
			f.OpenAR.String(), f.AROver90.String(), f.NetRevenue.String(), f.Collected.String(), strconv.Itoa(f.ClaimsAnswered), strconv.Itoa(f.ClaimsDenied)})
	}
	row("organization", r.Total)
	for _, f := range r.ByPayer {
		row("payer", f)
	}
	for _, f := range r.ByProvider {
		row("provider", f)
	}
	w.Flush()
	return w.Error()
}

// Num prints a ratio with one decimal, or "n/a" when it has no
// denominator.
func Num(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}
