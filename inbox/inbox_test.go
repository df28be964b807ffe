package inbox_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/clearinghouse"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// remittance835 is a valid 835 paying a claim OpenRCM does not know (it
// posts into the exceptions queue), under trace.
func remittance835(t *testing.T, trace string) []byte {
	t.Helper()
	m := rcm.MustParseMoney
	rem := &remit.Remittance{Handling: "I", CreditDebit: "C", Amount: m("40"), Method: "CHK", PaidOn: rcm.MustParseDate("2026-02-03"),
		Trace: trace, TraceOriginator: "1999999999", PayerName: "ACME HEALTH", PayerIdentifier: "ACME1", PayeeName: "LAKESIDE", PayeeID: "1234567893",
		Claims: []*remit.ClaimPayment{{ControlNumber: "NOT-OURS", Status: "1", Charge: m("50"), Paid: m("40"), FilingIndicator: "12", PayerClaimNumber: "PCN-1",
			Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("10")}}}}}
	var b bytes.Buffer
	if err := remit.Write835(&b, remit.Envelope{Sender: "ACME1", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}, rem); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPollQuarantine is issue 11's money item 4: a 100 MB file in the
// inbox made every poll stop at it, and the files after it were never
// read. Files that cannot be read or applied as they are go to the
// quarantine folder with their reason; the others are applied.
func TestPollQuarantine(t *testing.T) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, d)
			ctx, _ := sqldbtest.Org(t, db, "Lakeside")
			if err := db.CreatePayer(ctx, &rcm.Payer{Name: "Acme Health", PayerID: "ACME1", FilingIndicator: "CI"}); err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			l := clearinghouse.Layout{Outbound: filepath.Join(root, "outbound"), Inbound: filepath.Join(root, "inbound"), Archive: filepath.Join(root, "archive")}
			tr, err := clearinghouse.OpenDir(l)
			if err != nil {
				t.Fatal(err)
			}
			const limit = 64 << 10
			tr.MaxFetchSize = limit
			good := remittance835(t, "CHK1")
			copyOther := bytes.Replace(good, []byte("TRN*1*CHK1*"), []byte("TRN*1*CHK7*"), 1)
			files := map[string][]byte{
				// Name order: the bad files come first, as the oversized
				// one did.
				"a-oversized.835": bytes.Repeat([]byte("X"), limit+1),
				"b-no-iea.835":    good[:bytes.LastIndex(good, []byte("IEA*"))],
				"c-good.835":      good,
				"d-copy.835":      copyOther,
				"e-empty.835":     nil,
			}
			for name, data := range files {
				if err := os.WriteFile(filepath.Join(l.Inbound, name), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := inbox.Poll(ctx, db, tr)
			if err != nil {
				t.Fatalf("poll: %v", err)
			}
			want := map[string]string{
				"a-oversized.835": "more than the limit",
				"b-no-iea.835":    "no IEA",
				"d-copy.835":      "carries the same payments as 835 CHK1",
				"e-empty.835":     "not a 999, 277CA, 277, 835 or 271",
			}
			if len(got) != len(files) {
				t.Fatalf("poll reported %d files, want %d", len(got), len(files))
			}
			for _, f := range got {
				if f.Name == "c-good.835" {
					if !f.Applied || len(f.Posts) != 1 || f.Posts[0].Trace != "CHK1" || f.Quarantined != nil {
						t.Errorf("good file: %+v", f)
					}
					continue
				}
				if f.Applied || f.Quarantined == nil || !strings.Contains(f.Quarantined.Reason, want[f.Name]) || !strings.Contains(f.Summary, "quarantine folder") {
					t.Errorf("%s: applied %v, quarantined %+v, summary %q; want quarantined for %q", f.Name, f.Applied, f.Quarantined, f.Summary, want[f.Name])
				}
			}
			for dir, names := range map[string][]string{
				l.Inbound:                         nil,
				l.Archive:                         {"c-good.835"},
				filepath.Join(root, "quarantine"): {"a-oversized.835", "b-no-iea.835", "d-copy.835", "e-empty.835"},
			} {
				entries, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				var have []string
				for _, e := range entries {
					have = append(have, e.Name())
				}
				if strings.Join(have, ",") != strings.Join(names, ",") {
					t.Errorf("%s holds %v, want %v", dir, have, names)
				}
			}
			q, err := db.FindQuarantinedFiles(ctx, 0)
			if err != nil || len(q) != 4 {
				t.Fatalf("quarantined files: %d, %v", len(q), err)
			}
			if again, err := inbox.Poll(ctx, db, tr); err != nil || len(again) != 0 {
				t.Errorf("second poll: %v, %v; want nothing left to read", again, err)
			}
			// The same name quarantined again gets a numbered name.
			if err := os.WriteFile(filepath.Join(l.Inbound, "b-no-iea.835"), files["b-no-iea.835"], 0o600); err != nil {
				t.Fatal(err)
			}
			again, err := inbox.Poll(ctx, db, tr)
			if err != nil || len(again) != 1 || again[0].Quarantined == nil || again[0].Quarantined.StoredAs != "b-no-iea.835.1" {
				t.Errorf("a second bad file of one name: %+v, %v", again, err)
			}
			var posted int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM remittance`).Scan(&posted); err != nil || posted != 1 {
				t.Errorf("remittances posted: %d, %v; want only the good one", posted, err)
			}
		})
	}
}

var _ inbox.Services = (*sqldb.DB)(nil)
