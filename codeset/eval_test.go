package codeset

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

// sharedCatalog loads the shared FY2022 order file, the FY2025 index and
// chapter-2 tabular XML, and HCPCS October 2025 once for all tests.
var sharedCatalog = sync.OnceValues(func() (*Catalog, error) {
	var rels []*Release
	for _, f := range []string{
		"icd10cm/icd10cm_order_2022.txt",
		"icd10cm/ICD10CM_2025_Index.csv",
		"icd10cm/icd-10-cm-tabular-2025_ch2.xml",
		"hcpcs/hcpcs_2025_oct_long_desc.csv",
	} {
		p, ok := codesettest.Has(f)
		if !ok {
			return nil, os.ErrNotExist
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		// One ICD-10-CM release: the index and notes of FY2025 serve the
		// FY2022 codes, as the catalog does for a release without its own.
		ims, err := ImportFile(p, data, ImportOptions{})
		if err != nil {
			return nil, err
		}
		for _, im := range ims {
			if len(im.Errors) > 0 {
				return nil, im.Errors[0]
			}
			rels = append(rels, im.Releases...)
		}
	}
	return NewCatalog(rels), nil
})

func loadShared(t testing.TB) *Catalog {
	t.Helper()
	codesettest.File(t, "icd10cm/icd10cm_order_2022.txt")
	codesettest.File(t, "icd10cm/ICD10CM_2025_Index.csv")
	codesettest.File(t, "hcpcs/hcpcs_2025_oct_long_desc.csv")
	c, err := sharedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type evalCase struct {
	ID     string   `json:"id"`
	Query  string   `json:"query"`
	Expect []string `json:"expect_any"`
	Best   string   `json:"best"`
	Kind   string   `json:"kind"`
}

func readEval(t testing.TB, rel string) []evalCase {
	p := codesettest.File(t, rel)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evalCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c evalCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// Floors for the search quality on the shared dev set: the figures reached
// when they were last raised (BENCHMARKS.md), less a small margin. A change
// that lowers them fails here.
const (
	minTop1 = 0.94
	minTop5 = 0.97
)

func TestSearchEval(t *testing.T) {
	c := loadShared(t)
	cases := readEval(t, "eval/search_dev.jsonl")
	var top1, top5 int
	for _, ec := range cases {
		hits := c.Search(Query{Text: ec.Query, Limit: 5})
		want := map[string]bool{}
		for _, e := range ec.Expect {
			want[e] = true
		}
		got := []string{}
		found := false
		for i, h := range hits {
			got = append(got, h.Code)
			if want[h.Code] {
				if i == 0 {
					top1++
				}
				found = true
			}
		}
		if found {
			top5++
		} else {
			t.Logf("%s %-40q want %s got %v", ec.ID, ec.Query, ec.Best, got)
		}
		if found && (len(hits) == 0 || !want[hits[0].Code]) {
			t.Logf("%s %-40q top-1 miss: want %s got %v", ec.ID, ec.Query, ec.Best, got)
		}
	}
	r1, r5 := float64(top1)/float64(len(cases)), float64(top5)/float64(len(cases))
	t.Logf("search eval: %d queries, top-1 %.2f, top-5 %.2f", len(cases), r1, r5)
	if r1 < minTop1 || r5 < minTop5 {
		t.Errorf("search quality regressed: top-1 %.2f (floor %.2f), top-5 %.2f (floor %.2f)", r1, minTop1, r5, minTop5)
	}
}

// TestSearchConcurrent runs searches from several goroutines at once, as
// the API server does, and checks each answer against the one searched
// alone: the per-search scratch, the word cache and the default-child
// cache are shared.
func TestSearchConcurrent(t *testing.T) {
	c := loadShared(t)
	var qs []string
	for _, ec := range readEval(t, "eval/search_dev.jsonl") {
		qs = append(qs, ec.Query)
	}
	want := make([][]Hit, len(qs))
	for i, q := range qs {
		want[i] = c.Search(Query{Text: q, Limit: 10})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range qs {
				i := (k + g*7) % len(qs)
				if diff := cmp.Diff(want[i], c.Search(Query{Text: qs[i], Limit: 10})); diff != "" {
					t.Errorf("%q searched concurrently: mismatch (-want +got):\n%s", qs[i], diff)
				}
			}
		})
	}
	wg.Wait()
}
