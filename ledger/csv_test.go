package ledger

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// TestCreditsAndRefundsCSV writes a patient's and a payer's credit and two
// refunds and reads them back; a name that starts like a formula is
// defused.
func TestCreditsAndRefundsCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCreditsCSV(&buf, []rcm.CreditBalance{
		{AccountNumber: "A1", PatientName: "=Rivera, Robin", Amount: rcm.MustParseMoney("10.00")},
		{AccountNumber: "A2", PatientName: "Okafor, Tomasz", PayerName: "Acme Health", Amount: rcm.MustParseMoney("3.50")},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{CreditCSVHeader, {"A1", "'=Rivera, Robin", "patient", "10.00"}, {"A2", "Okafor, Tomasz", "Acme Health", "3.50"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("credits CSV mismatch (-want +got):\n%s", diff)
	}
	buf.Reset()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := WriteRefundsCSV(&buf, []*rcm.Refund{
		{ID: 1, AccountNumber: "A1", Amount: rcm.MustParseMoney("10.00"), Reason: "paid twice", Status: "refunded", RequestedBy: "front.desk", RequestedAt: at, DecidedBy: "admin", TxnID: 42},
		{ID: 2, AccountNumber: "A2", PayerName: "Acme Health", Amount: rcm.MustParseMoney("3.50"), Reason: "overpaid", Status: "requested", RequestedBy: "bill", RequestedAt: at},
	}); err != nil {
		t.Fatal(err)
	}
	if got, err = csv.NewReader(&buf).ReadAll(); err != nil {
		t.Fatal(err)
	}
	want = [][]string{RefundCSVHeader,
		{"1", "A1", "patient", "10.00", "paid twice", "refunded", "front.desk", "2026-03-01T09:00:00Z", "admin", "42"},
		{"2", "A2", "Acme Health", "3.50", "overpaid", "requested", "bill", "2026-03-01T09:00:00Z", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refunds CSV mismatch (-want +got):\n%s", diff)
	}
}
