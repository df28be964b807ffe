package codeset

import (
	"bytes"
	"os"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/openrcm/openrcm/codeset/codesettest"
)

func sharedReleases(b testing.TB) []*Release {
	var rels []*Release
	for _, f := range []string{"icd10cm/icd10cm_order_2022.txt", "icd10cm/ICD10CM_2025_Index.csv", "icd10cm/icd-10-cm-tabular-2025_ch2.xml", "hcpcs/hcpcs_2025_oct_long_desc.csv"} {
		p := codesettest.File(b, f)
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		ims, err := ImportFile(p, data, ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, im := range ims {
			rels = append(rels, im.Releases...)
		}
	}
	return rels
}

// BenchmarkParseOrderFile reads the full FY2022 order file (95,524 lines).
func BenchmarkParseOrderFile(b *testing.B) {
	p := codesettest.File(b, "icd10cm/icd10cm_order_2022.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, bad, err := ParseOrderFile(bytes.NewReader(data), p); err != nil || len(bad) > 0 {
			b.Fatal(err, bad)
		}
	}
}

// BenchmarkNewCatalog builds the in-memory index of ICD-10-CM (FY2022 codes,
// FY2025 index and notes) and HCPCS, as start-up does after loading.
func BenchmarkNewCatalog(b *testing.B) {
	rels := sharedReleases(b)
	b.ReportAllocs()
	for b.Loop() {
		NewCatalog(rels).Warm()
	}
}

// BenchmarkSearch runs the dev-set queries in turn and reports the p99
// latency of one search.
func BenchmarkSearch(b *testing.B) {
	c := loadShared(b)
	cases := readEval(b, "eval/search_dev.jsonl")
	var lat []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := cases[i%len(cases)].Query
		i++
		t0 := time.Now()
		c.Search(Query{Text: q, Limit: 10})
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
}

// BenchmarkCatalogMemory reports the heap the loaded catalog holds.
func BenchmarkCatalogMemory(b *testing.B) {
	rels := sharedReleases(b)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := NewCatalog(rels)
		c.Warm()
		rels = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap")
		runtime.KeepAlive(c)
		b.StopTimer()
		rels = sharedReleases(b)
		b.StartTimer()
	}
}
