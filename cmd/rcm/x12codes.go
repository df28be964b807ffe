package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/x12"
)

// x12CodeFiles are the published external code lists rcm x12 validate
// checks when it finds them: the file in the code-list folder (the shared
// data's x12codes) for each code source.
var x12CodeFiles = []struct {
	src  x12.CodeSource
	list carc.List // "" for the claim status lists, read by readDatedCSV
	file string
}{
	{x12.CARC, carc.CARC, "carc_2024-03.csv"},
	{x12.RARC, carc.RARC, "rarc_2024-03.csv"},
	{x12.ClaimStatusCategory, "", "claim_status_category_codes_hippo.csv"},
	{x12.ClaimStatus, "", "claim_status_codes_hippo.csv"},
}

// defaultX12CodeDir is the shared data's x12codes folder when there is
// one, else "" (the external lists are then not checked).
func defaultX12CodeDir() string {
	if d := shareddata.Dir(); d != "" {
		dir := filepath.Join(d, "x12codes")
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return ""
}

// loadX12Codes reads the external code lists found in dir. A list whose
// file is missing is left out (its codes are not checked); a file that is
// there but cannot be read is an error.
func loadX12Codes(dir string) (*x12.CodeSet, []string, error) {
	set := &x12.CodeSet{}
	var loaded []string
	for _, cf := range x12CodeFiles {
		path := filepath.Join(dir, cf.file)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		err = func() error {
			defer f.Close()
			if cf.list != "" {
				codes, err := carc.Parse(f, cf.list)
				if err != nil {
					return err
				}
				for _, c := range codes {
					set.Add(cf.src, c.Code, dateText(c.Start.IsZero(), c.Start.String()), dateText(c.Stop.IsZero(), c.Stop.String()))
				}
				return nil
			}
			return readDatedCSV(f, cf.src, set)
		}()
		if err != nil {
			return nil, nil, fmt.Errorf("code list %s: %w", path, err)
		}
		loaded = append(loaded, cf.file)
	}
	// The claim status code list at hand stops at code 761 (2011): newer
	// codes are not judged rather than refused.
	set.JudgeNumericUpTo(x12.ClaimStatus)
	return set, loaded, nil
}

func dateText(zero bool, s string) string {
	if zero {
		return ""
	}
	return s
}

// readDatedCSV reads a code list CSV with a header naming at least code,
// start_date and stop_date (YYYY-MM-DD or empty).
func readDatedCSV(r io.Reader, src x12.CodeSource, set *x12.CodeSet) error {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, want := range []string{"code", "start_date", "stop_date"} {
		if _, ok := col[want]; !ok {
			return fmt.Errorf("header lacks the column %q", want)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		code, start, stop := rec[col["code"]], rec[col["start_date"]], rec[col["stop_date"]]
		for _, d := range []string{start, stop} {
			if d != "" && (len(d) != 10 || d[4] != '-' || d[7] != '-') {
				return fmt.Errorf("line %d: date %q is not YYYY-MM-DD", line, d)
			}
		}
		if code == "" {
			return fmt.Errorf("line %d: empty code", line)
		}
		set.Add(src, code, start, stop)
	}
}
