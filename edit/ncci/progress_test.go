package ncci

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/edit/ncci/nccitest"
	"github.com/openrcm/openrcm/progress"
	"github.com/openrcm/openrcm/progress/progresstest"
)

// Reading a PTP table with a progress reporter gives the same release, and
// the progress climbs to every byte and row of the file, plain, gzipped or
// zipped (issue 15).
func TestReadFileProgress(t *testing.T) {
	const rows = 12_000
	var b strings.Builder
	b.WriteString(`"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"` + "\n")
	for i := range rows {
		fmt.Fprintf(&b, "\"%05d\",\"%05d\",\"*\",1,\"More extensive procedure\"\n", 10000+i/10, 20000+i%1000*10+i/10%10)
	}
	plain := b.String()
	for _, tc := range []struct {
		name, file, content string
		total               int64
	}{
		{"plain", "ptp_practitioner_2024q3.csv", plain, int64(len(plain))},
		{"gzip", "ptp_practitioner_2024q3.csv.gz", gz(plain), int64(len(gz(plain)))},
		{"zip", "ptp_2024q3.zip", zipOf(map[string]string{"ccipra_v303r0_f1.csv": plain, "readme.pdf": "%PDF"}), int64(len(plain))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.file, tc.content)
			want, err := ReadFile(path, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rec := &progresstest.Recorder{T: t}
			got, err := ReadFile(path, ReadOptions{Progress: rec})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || len(want) != 1 {
				t.Fatalf("%d and %d releases, want 1", len(want), len(got))
			}
			if diff := cmp.Diff(summarize(want[0]), summarize(got[0])); diff != "" {
				t.Errorf("release differs with progress (-want +got):\n%s", diff)
			}
			last, _ := rec.Last("read")
			if last.Done != tc.total || last.Total != tc.total || last.Rows != rows {
				t.Errorf("last report %+v, want %d of %d bytes and %d rows", last, tc.total, tc.total, rows)
			}
			if n := rec.Count("read"); n < 2 {
				t.Errorf("%d reports, want several", n)
			}
		})
	}
}

// BenchmarkReadPTPProgress reads the full shared practitioner PTP table
// (2,546,017 rows) without and with a progress reporter.
func BenchmarkReadPTPProgress(b *testing.B) {
	path := nccitest.File(b, nccitest.PTPPractitioner)
	for _, with := range []bool{false, true} {
		b.Run(fmt.Sprintf("progress=%v", with), func(b *testing.B) {
			reports := 0
			opt := ReadOptions{}
			if with {
				opt.Progress = progress.Func(func(progress.Report) { reports++ })
			}
			for b.Loop() {
				if _, err := ReadFile(path, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(reports)/float64(b.N), "reports/op")
		})
	}
}
