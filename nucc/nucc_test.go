package nucc

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/openrcm/openrcm/internal/shareddata"
)

func TestParse(t *testing.T) {
	in := "Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section\n" +
		"207Q00000X,Allopathic & Osteopathic Physicians,Family Medicine,,\"def, with comma\",,Family Medicine Physician,Individual\n" +
		"207R00000X,Allopathic & Osteopathic Physicians,Internal Medicine,,,,,Individual\n"
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].DisplayName != "Family Medicine Physician" || got[1].DisplayName != "Internal Medicine" {
		t.Errorf("Parse = %+v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
	}{
		{"empty", "", 1},
		{"no code column", "Foo,Bar\n1,2\n", 1},
		{"bad code", "Code,Grouping,Classification,Specialization\n207Q0000X,a,b,c\n", 2},
		{"duplicate", "Code,Grouping,Classification,Specialization\n207Q00000X,a,b,\n207Q00000X,a,b,\n", 3},
		{"no rows", "Code,Grouping,Classification,Specialization\n", 2},
		{"bad quote", "Code,Grouping,Classification,Specialization\n207Q00000X,\"a,b,c\n", 2},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tt.line || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want a ParseError at line %d", tt.name, err, tt.line)
		}
	}
}

// The published v25.1 file in the shared data parses whole.
func TestParseNUCC251(t *testing.T) {
	path := shareddata.Path(t, "codesets/nucc/nucc_taxonomy_251.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 883 {
		t.Errorf("%d codes, want the 883 of v25.1", len(got))
	}
	have := map[string]bool{}
	for _, tx := range got {
		have[tx.Code] = true
	}
	for _, code := range []string{"207Q00000X", "207R00000X", "193200000X", "363L00000X"} {
		if !have[code] {
			t.Errorf("%s missing from v25.1", code)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Code,Grouping,Classification,Specialization\n207Q00000X,a,b,c\n")
	f.Add("Code,Grouping\n\"x")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Parse(strings.NewReader(in))
		if err == nil {
			for _, tx := range got {
				if !ValidFormat(tx.Code) {
					t.Fatalf("accepted malformed code %q", tx.Code)
				}
			}
		}
	})
}
