package remit

import (
	"io"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm/sheet"
)

// DenialCSVHeader names the columns WriteDenialsCSV writes.
var DenialCSVHeader = []string{"claim", "payer", "line", "code", "not_paid", "paid_on", "reasons", "remarks"}

// WriteDenialsCSV writes denied lines as CSV (package sheet): the claim
// number, payer, line and code, what was not paid, the 835's payment date,
// and the CARCs (with group and amount) and RARCs with their meanings, as
// Explain filled them. The workbench, the API and rcm era denials --csv
// share it.
func WriteDenialsCSV(w io.Writer, ds []*Denial) error {
	rows := make([][]string, 0, len(ds))
	for _, d := range ds {
		var reasons, remarks []string
		for _, r := range d.Reasons {
			reasons = append(reasons, r.Group+"-"+r.Code+" "+r.Amount.String()+" "+r.Meaning)
		}
		for _, r := range d.Remarks {
			remarks = append(remarks, r.Code+" "+r.Meaning)
		}
		line := ""
		if d.Line > 0 {
			line = strconv.Itoa(d.Line)
		}
		rows = append(rows, []string{d.ControlNumber, d.PayerName, line, d.Code, d.Amount.String(), d.Date.String(),
			strings.Join(reasons, "; "), strings.Join(remarks, "; ")})
	}
	return sheet.Write(w, DenialCSVHeader, rows)
}
