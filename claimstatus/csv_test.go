package claimstatus

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestWriteCSV writes an inquiry still waiting and one answered with a
// payment, and reads them back.
func TestWriteCSV(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ks := []*Check{
		{ControlNumber: "LFM01-1", Trace: "T1", CreatedAt: at},
		{ControlNumber: "LFM01-1", Trace: "T2", CreatedAt: at.Add(24 * time.Hour), AnsweredAt: at.Add(48 * time.Hour), Outcome: OutcomePaid,
			Status: Status{Category: "F1", Code: "65", Paid: rcm.MustParseMoney("100.00"), CheckNumber: "EFT123", CheckDate: rcm.MustParseDate("2026-03-02")},
			Words:  "Finalized/Payment: paid, as submitted (F1:65 claim has been paid)", PayerClaim: "PCN9"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ks); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{CSVHeader,
		{"LFM01-1", "T1", "2026-03-01T09:00:00Z", "", "", "", "", "", "", "", "", ""},
		{"LFM01-1", "T2", "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", "F1", "65", "Finalized/Payment: paid, as submitted (F1:65 claim has been paid)", "PCN9",
			"100.00", "EFT123", "2026-03-02", string(OutcomePaid)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status CSV mismatch (-want +got):\n%s", diff)
	}
}
