package codeset

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/codeset/codesettest"
	"github.com/openrcm/openrcm/progress"
	"github.com/openrcm/openrcm/progress/progresstest"
)

// An import that reports its progress reads the same releases as one that
// does not, and its progress climbs to the whole file (issue 15).
func TestImportFileProgress(t *testing.T) {
	var b strings.Builder
	for i := range 8_000 {
		code := fmt.Sprintf("%c%02d%03d", 'A'+i/10000, i/100%100, i%100)
		fmt.Fprintln(&b, orderLine(i+1, code, true, "Short "+code, "Long description of "+code))
	}
	order := []byte(b.String())
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("README.pdf")
	w.Write([]byte("%PDF-1.4"))
	w, _ = zw.Create("icd10cm_order_2025.txt")
	w.Write(order)
	zw.Close()
	for _, tc := range []struct {
		name  string
		file  string
		data  []byte
		total int64
	}{
		{"plain", "icd10cm_order_2022.txt", order, int64(len(order))},
		{"zip", "Code-descriptions-2025.zip", zbuf.Bytes(), int64(len(order)) + 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := ImportFile(tc.file, tc.data, ImportOptions{})
			if err != nil || len(want[0].Errors) > 0 {
				t.Fatal(err, want[0].Errors)
			}
			rec := &progresstest.Recorder{T: t}
			got, err := ImportFile(tc.file, tc.data, ImportOptions{Progress: rec})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("releases differ with progress (-want +got):\n%s", diff)
			}
			last, _ := rec.Last("read")
			if last.Done != tc.total || last.Total != tc.total || last.Rows != int64(len(want[0].Releases[0].Codes)) {
				t.Errorf("last report %+v, want %d of %d bytes and %d rows", last, tc.total, tc.total, len(want[0].Releases[0].Codes))
			}
			if n := rec.Count("read"); n < 5 {
				t.Errorf("%d reports while reading %d bytes, want several", n, tc.total)
			}
		})
	}
}

// BenchmarkImportOrderFileProgress imports the full FY2022 order file
// without and with a progress reporter, to show what counting costs.
func BenchmarkImportOrderFileProgress(b *testing.B) {
	p := codesettest.File(b, "icd10cm/icd10cm_order_2022.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, with := range []bool{false, true} {
		b.Run(fmt.Sprintf("progress=%v", with), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			reports := 0
			opts := ImportOptions{}
			if with {
				opts.Progress = progress.Func(func(progress.Report) { reports++ })
			}
			for b.Loop() {
				if _, err := ImportFile(p, data, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(reports)/float64(b.N), "reports/op")
		})
	}
}
