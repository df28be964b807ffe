package web

import (
	"bytes"
	"io"
	"net/http"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sheet"
)

// asCSV reads ?format=: absent or json answers JSON, csv answers CSV (RFC
// 4180, package sheet) with the same rows; anything else is refused.
func asCSV(q query) (bool, error) {
	switch q.v.Get("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, rcm.FieldErrorf(rcm.EINVALID, "format", "Query parameter format must be json or csv.")
}

// writeCSV answers a CSV download named name, written by write into a
// buffer first so a failure is still a JSON error.
func writeCSV(w http.ResponseWriter, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	sheet.Headers(w, name)
	_, err := w.Write(buf.Bytes())
	return err
}
