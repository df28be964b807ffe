package codeset

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
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
	var cpu time.Duration
	for b.Loop() {
		c0 := processCPU()
		NewCatalog(rels).Warm()
		cpu += processCPU() - c0
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// benchQueries returns the dev-set queries and the held-out speed queries
// of testdata/bench_queries.txt (none of them in the dev set).
func benchQueries(b testing.TB) []string {
	var qs []string
	for _, c := range readEval(b, "eval/search_dev.jsonl") {
		qs = append(qs, c.Query)
	}
	f, err := os.Open("testdata/bench_queries.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" && !strings.HasPrefix(q, "#") {
			qs = append(qs, q)
		}
	}
	return qs
}

// BenchmarkSearch runs the dev-set and held-out queries in turn, over
// ICD-10-CM and HCPCS with the indexes built, and reports the latency
// percentiles of one search: by the wall clock, and by the CPU time of the
// searching thread ("cpu-"), which a busy shared machine inflates less.
// Limit 20 is the API's default.
func BenchmarkSearch(b *testing.B) {
	c := loadShared(b)
	c.Warm()
	qs := benchQueries(b)
	for _, limit := range []int{10, 20} {
		b.Run(fmt.Sprintf("limit-%d", limit), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var lat, cpu []time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				i++
				t0, c0 := time.Now(), threadCPU()
				c.Search(Query{Text: q, Limit: limit})
				lat = append(lat, time.Since(t0))
				cpu = append(cpu, threadCPU()-c0)
			}
			for _, m := range []struct {
				name string
				d    []time.Duration
			}{{"", lat}, {"cpu-", cpu}} {
				slices.Sort(m.d)
				b.ReportMetric(float64(m.d[len(m.d)/2].Nanoseconds())/1e3, m.name+"p50-µs")
				b.ReportMetric(float64(m.d[len(m.d)*99/100].Nanoseconds())/1e3, m.name+"p99-µs")
				b.ReportMetric(float64(m.d[len(m.d)-1].Nanoseconds())/1e3, m.name+"max-µs")
			}
		})
	}
}

// TestSearchSlowest logs the slowest benchmark queries (best of three runs
// each), to see where the tail comes from: go test -run SearchSlowest -v.
func TestSearchSlowest(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a diagnostic: run with -v")
	}
	c := loadShared(t)
	c.Warm()
	type qt struct {
		q string
		d time.Duration
	}
	var all []qt
	for _, q := range benchQueries(t) {
		best := time.Hour
		for range 3 {
			t0 := time.Now()
			c.Search(Query{Text: q, Limit: 10})
			best = min(best, time.Since(t0))
		}
		all = append(all, qt{q, best})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	for _, x := range all[:min(15, len(all))] {
		t.Logf("%8.0f µs  %s", float64(x.d.Nanoseconds())/1e3, x.q)
	}
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
