package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

var updateSamples = flag.Bool("update-x12-samples", false, "rewrite testdata/x12-samples.golden.gz")

// TestX12SampleFindings runs rcm x12 validate as a biller runs it
// (situational rules on, the published CARC, RARC and claim status lists
// of the shared data loaded) over every shared X12 sample file and holds
// each file's verdict and every finding, one by one, to the golden file
// (issue 17). A change in what the validator says about a sample shows as
// a diff to review; refresh with -update-x12-samples.
func TestX12SampleFindings(t *testing.T) {
	root := filepath.Dir(shareddata.Path(t, "x12-samples/stupidedi-005010/X222A1_HC837/pass/ambulance.edi"))
	root = filepath.Join(root, "..", "..", "..")
	codes := filepath.Join(filepath.Dir(root), "x12codes")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(p); ext == ".edi" || ext == ".txt" || ext == ".era" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 60 {
		t.Fatalf("only %d sample files under %s", len(files), root)
	}
	code, out, errOut := run(append([]string{"x12", "validate", "--json", "--code-lists", codes}, files...)...)
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var reps []struct {
		File     string        `json:"file"`
		Valid    bool          `json:"valid"`
		Findings []x12.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range reps {
		rel, _ := filepath.Rel(root, r.File)
		fmt.Fprintf(&b, "== %s: %s\n", rel, map[bool]string{true: "valid", false: "invalid"}[r.Valid])
		for _, f := range r.Findings {
			el := ""
			if f.Element > 0 {
				el = fmt.Sprintf("%02d", f.Element)
				if f.Component > 0 {
					el += fmt.Sprintf("-%d", f.Component)
				}
			}
			fmt.Fprintf(&b, "%s\t%s%s\t%s\t#%d\t%s\n", f.Code, f.SegmentID, el, f.Loop, f.Position, f.Message)
		}
	}
	// The golden text is kept gzipped: two imsweb files repeat the same
	// findings for each of their claims, which makes it over 1 MiB as text.
	// A mismatch still prints the text diff.
	golden := filepath.Join("testdata", "x12-samples.golden.gz")
	if *updateSamples {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write([]byte(b.String())); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("sample findings mismatch (-want +got):\n%s", diff)
	}
}
