package sheet

import (
	"bytes"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrite writes cells that need quoting, formulas and numbers, and reads
// them back with encoding/csv: quotes, commas and line breaks survive,
// formulas are defused, numbers are left alone.
func TestWrite(t *testing.T) {
	header := []string{"claim", "patient", "amount", "note"}
	rows := [][]string{
		{"LFM01", `O'Brien, "Pat"`, "-12.50", "line one\r\nline two"},
		{"LFM02", "=HYPERLINK(\"x\")", "+3", "@SUM(A1)"},
		{"LFM03", "-1+1", "1.", "\tx"},
		{"LFM04", "", "-.5", "-"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	if raw := buf.String(); !strings.HasPrefix(raw, "claim,patient,amount,note\r\n") || !strings.HasSuffix(raw, "\r\n") {
		t.Errorf("records do not end with CRLF: %q", raw)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, buf.String())
	}
	want := [][]string{
		header,
		{"LFM01", `O'Brien, "Pat"`, "-12.50", "line one\nline two"},
		{"LFM02", "'=HYPERLINK(\"x\")", "+3", "'@SUM(A1)"},
		{"LFM03", "'-1+1", "1.", "'\tx"},
		{"LFM04", "", "'-.5", "'-"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back mismatch (-want +got):\n%s", diff)
	}
	if rows[1][1] != "=HYPERLINK(\"x\")" {
		t.Errorf("Write changed its input: %q", rows[1][1])
	}
}

func TestHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	Headers(w, "kpi.csv")
	for k, v := range map[string]string{"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="kpi.csv"`, "Cache-Control": "no-store"} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}
