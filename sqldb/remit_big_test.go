package sqldb_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// bigCodes are the four service lines of every claim of a big 835.
var bigCodes = []string{"99214", "93000", "36415", "81002"}

// big835 is a remittance of n claims of four lines, each paid $80 with a
// CO-45 and a PR-2 adjustment, for the claims benchClaims makes: about 370
// bytes of X12 per claim, so 46,000 claims are a 17 MB file.
func big835(trace string, n int) *remit.Remittance {
	rem := &remit.Remittance{Handling: "I", Method: "ACH", PaidOn: rcm.MustParseDate("2026-02-03"), Trace: trace,
		PayerName: "ACME HEALTH", PayerIdentifier: "ACME1", TraceOriginator: "1512345678", PayeeName: "LAKESIDE FAMILY MEDICINE",
		PayeeID: "1234567893"}
	for i := 0; i < n; i++ {
		cp := &remit.ClaimPayment{ControlNumber: fmt.Sprintf("B%07d", i), Status: "1", Charge: m("500"), Paid: m("320"),
			PatientResponsibility: m("80"), FilingIndicator: "12", PayerClaimNumber: fmt.Sprintf("PCN%09d", i)}
		for _, code := range bigCodes {
			cp.Lines = append(cp.Lines, &remit.LinePayment{Code: code, Charge: m("125"), Paid: m("80"), Units: 1, DateOfService: dos(),
				Adjustments: []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: m("25")}, {Group: "PR", Reason: "2", Amount: m("20")}}})
		}
		rem.Claims = append(rem.Claims, cp)
		rem.Amount += cp.Paid
	}
	return rem
}

// TestMakeBig835 writes, into the directory named by RCM_BIG835_DIR, a
// SQLite database (rcm.db) of RCM_BIG835_CLAIMS submitted and charged
// claims (46,000 by default) and the 835 (big.835) that pays them all, for
// scripts/bench-era-post.sh to post with the real binary and measure its
// peak memory. Without the variable it skips: the files are large and
// made on demand, never committed.
func TestMakeBig835(t *testing.T) {
	dir := os.Getenv("RCM_BIG835_DIR")
	if dir == "" {
		t.Skip("set RCM_BIG835_DIR to write a big 835 and its database")
	}
	n := 46000
	if s := os.Getenv("RCM_BIG835_CLAIMS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("RCM_BIG835_CLAIMS=%q is not a count of claims", s)
		}
	}
	out, err := os.Create(filepath.Join(dir, "big.835"))
	if err != nil {
		t.Fatal(err)
	}
	env := remit.Envelope{Sender: "PAYER", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}
	if err := remit.Write835(out, env, big835("BIG1", n)); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	// The database takes a minute or two to fill; it is kept between
	// runs (delete it to make it again).
	path := filepath.Join(dir, "rcm.db")
	if _, err := os.Stat(path); err == nil {
		return
	}
	db, err := sqldb.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f := newRemitFixture(t, db, "Big", false)
	benchClaims(t, f, bigCodes, n)
}

// BenchmarkPostFile measures the peak heap of posting an 835 file of b.N
// claims (four lines each, as in BenchmarkPostRemittance) the two ways:
// "whole" reads the file into a Remittance (remit.ReadFile) and plans and
// writes all its claims in one batch, as every door did before posting
// was streamed; "stream" is remit.PostFile, which reads the claims from
// the file batch by batch. peak_heap_MB samples the live heap
// (runtime/metrics) every millisecond during the posting; B/op and
// allocs/op (-benchmem) count what was allocated in all. Run a fixed
// count, e.g. -benchtime=20000x.
func BenchmarkPostFile(b *testing.B) {
	for _, dialect := range sqldbtest.Dialects() {
		for _, mode := range []string{"whole", "stream"} {
			b.Run(dialect+"/"+mode, func(b *testing.B) {
				db := sqldbtest.Open(b, dialect)
				f := newRemitFixture(b, db, "Bench", false)
				var file bytes.Buffer
				env := remit.Envelope{Sender: "PAYER", Receiver: "LAKESIDE", Time: time.Date(2026, 2, 3, 8, 0, 0, 0, time.UTC)}
				if err := remit.Write835(&file, env, big835("BENCH", b.N)); err != nil {
					b.Fatal(err)
				}
				benchClaims(b, f, bigCodes, b.N)
				if dialect == sqldb.Postgres {
					if _, err := db.ExecContext(f.ctx, `ANALYZE`); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				b.ReportAllocs()
				b.ResetTimer()
				stop := make(chan struct{})
				peak := make(chan uint64)
				go func() { peak <- peakHeap(stop) }()
				var res []*remit.Result
				var err error
				if mode == "whole" {
					var rems []*remit.Remittance
					if rems, err = remit.ReadFile(bytes.NewReader(file.Bytes())); err == nil {
						var r *remit.Result
						r, err = remit.Post(remit.WithBatchSize(f.ctx, b.N+1), db, rems[0])
						res = append(res, r)
					}
				} else {
					res, err = remit.PostFile(f.ctx, db, bytes.NewReader(file.Bytes()))
				}
				close(stop)
				b.StopTimer()
				most := <-peak
				if err != nil {
					b.Fatal(err)
				}
				if res[0].Posted != b.N {
					b.Fatalf("posted %d of %d", res[0].Posted, b.N)
				}
				b.ReportMetric(float64(most)/(1<<20), "peak_heap_MB")
				b.ReportMetric(float64(file.Len())/(1<<20), "file_MB")
			})
		}
	}
}

// peakHeap samples the bytes of live and not yet swept heap objects
// every millisecond until stop closes, and returns the largest.
func peakHeap(stop <-chan struct{}) uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var most uint64
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(s)
		most = max(most, s[0].Value.Uint64())
		select {
		case <-stop:
			return most
		case <-t.C:
		}
	}
}
