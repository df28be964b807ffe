package codingaudit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

func TestParseCoding(t *testing.T) {
	cases := []struct {
		name, dx string
		lines    []string
		want     Coding
		err      string
	}{
		{name: "plain", dx: "e119, I10", lines: []string{"99213"},
			want: Coding{Diagnoses: []string{"E11.9", "I10"}, Lines: []Line{{Code: "99213", Units: 1}}}},
		{name: "modifiers and units", dx: "M17.11", lines: []string{"99214-25", "20610-rt-59", "J1885 x2", "97110x3"},
			want: Coding{Diagnoses: []string{"M17.11"}, Lines: []Line{{Code: "99214", Modifiers: []string{"25"}, Units: 1},
				{Code: "20610", Modifiers: []string{"RT", "59"}, Units: 1}, {Code: "J1885", Units: 2}, {Code: "97110", Units: 3}}}},
		{name: "bad modifier", dx: "I10", lines: []string{"99213-2"}, err: "lines[0]"},
		{name: "short code", dx: "I10", lines: []string{"9921"}, err: "lines[0]"},
		{name: "zero units", dx: "I10", lines: []string{"99213 x0"}, err: "lines[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCoding(c.dx, c.lines)
			if c.err != "" {
				if rcm.ErrorField(err) != c.err {
					t.Fatalf("error %v, want one on %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("mismatch (-want +got)\n%s", diff)
			}
		})
	}
}
