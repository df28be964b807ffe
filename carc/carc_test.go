package carc_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/internal/shareddata"
)

func parseShared(t *testing.T, name string, list carc.List) []carc.Code {
	t.Helper()
	f, err := os.Open(filepath.Join(filepath.Dir(shareddata.Path(t, "SOURCES.md")), "x12codes", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	codes, err := carc.Parse(f, list)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return codes
}

func TestParsePublishedLists(t *testing.T) {
	carcs := parseShared(t, "carc_2024-03.csv", carc.CARC)
	rarcs := parseShared(t, "rarc_2024-03.csv", carc.RARC)
	stopped := func(codes []carc.Code) (n int) {
		for _, c := range codes {
			if !c.Stop.IsZero() {
				n++
			}
		}
		return n
	}
	// Counts from shared/data/SOURCES.md.
	if len(carcs) != 405 || stopped(carcs) != 110 {
		t.Errorf("CARC: %d codes, %d stopped; want 405 and 110", len(carcs), stopped(carcs))
	}
	if len(rarcs) != 1171 || stopped(rarcs) == 0 {
		t.Errorf("RARC: %d codes, %d stopped; want 1171 and some deactivated in the notes", len(rarcs), stopped(rarcs))
	}
	set := carc.NewSet(append(carcs, rarcs...)...)
	tests := []struct {
		list   carc.List
		code   string
		on     string
		active bool
		desc   string
	}{
		{carc.CARC, "45", "2026-01-02", true, "Charge exceeds fee schedule"},
		{carc.CARC, "15", "2018-04-30", true, "authorization number"},
		{carc.CARC, "15", "2018-05-01", false, "authorization number"},
		{carc.CARC, "1", "1994-12-31", false, "Deductible"},
		{carc.RARC, "N290", "2026-01-02", true, "rendering provider primary identifier"},
	}
	for _, tt := range tests {
		c, active, err := set.Lookup(tt.list, tt.code, rcm.MustParseDate(tt.on))
		if err != nil || active != tt.active || !strings.Contains(c.Description, tt.desc) {
			t.Errorf("Lookup(%s %s on %s) = %q active %v, %v; want active %v and %q", tt.list, tt.code, tt.on, c.Description, active, err, tt.active, tt.desc)
		}
	}
	if c, _, _ := set.Lookup(carc.CARC, "45", rcm.Date{}); c.Meaning == "" {
		t.Error("imported CARC 45 lost its starter meaning")
	}
	_, _, err := set.Lookup(carc.CARC, "ZZ9", rcm.MustParseDate("2026-01-02"))
	if rcm.ErrorCode(err) != rcm.ENOTFOUND {
		t.Errorf("unknown code: %v, want %s", err, rcm.ENOTFOUND)
	}
}

// TestStarterCodesArePublished checks every code of the hand-written
// starter list against the published lists, so a typo cannot ship.
func TestStarterCodesArePublished(t *testing.T) {
	published := map[carc.List]map[string]carc.Code{carc.CARC: {}, carc.RARC: {}}
	for _, c := range parseShared(t, "carc_2024-03.csv", carc.CARC) {
		published[carc.CARC][c.Code] = c
	}
	for _, c := range parseShared(t, "rarc_2024-03.csv", carc.RARC) {
		published[carc.RARC][c.Code] = c
	}
	counts := map[carc.List]int{}
	for _, s := range carc.Starter() {
		counts[s.List]++
		if _, ok := published[s.List][s.Code]; !ok {
			t.Errorf("starter %s %s is not in the published list", s.List, s.Code)
		}
		if carc.ListOf(s.Code) != s.List {
			t.Errorf("ListOf(%s) = %s, want %s", s.Code, carc.ListOf(s.Code), s.List)
		}
		if len(s.Meaning) < 10 || len(s.Meaning) > 100 {
			t.Errorf("starter %s %s: meaning %q should be one short sentence", s.List, s.Code, s.Meaning)
		}
	}
	if counts[carc.CARC] < 60 || counts[carc.RARC] < 40 {
		t.Errorf("starter list has %d CARCs and %d RARCs; want at least 60 and 40", counts[carc.CARC], counts[carc.RARC])
	}
}

func TestStarterSet(t *testing.T) {
	set := carc.NewSet()
	c, active, err := set.Lookup(carc.CARC, " 45 ", rcm.MustParseDate("2026-01-02"))
	if err != nil || !active || c.Meaning != carc.Meaning(carc.CARC, "45") || c.Meaning == "" {
		t.Errorf("starter 45 = %+v %v %v", c, active, err)
	}
	if set.Len(carc.CARC) < 60 || set.Len(carc.RARC) < 40 {
		t.Errorf("starter set sizes %d %d", set.Len(carc.CARC), set.Len(carc.RARC))
	}
	if carc.Meaning(carc.RARC, "45") != "" {
		t.Error("RARC 45 has a meaning; lists were mixed up")
	}
}

func TestStopFromNotes(t *testing.T) {
	tests := []struct {
		notes, want string
	}{
		{"", ""},
		{"(Modified 4/1/07)", ""},
		{"(Deactivated 2/28/2003) (Erroneous description corrected 9/2/2008) Consider using M51", "2003-02-28"},
		{"(Modified 2/28/03, Deactivated 3/1/08)", "2008-03-01"},
		{"(Deactivated 3/1/08) (Reactivated 4/1/09, Modified 4/1/09)", ""},
		{"(Deactivated 3/1/08) (Reactivated 4/1/09) (Deactivated 7/1/2012)", "2012-07-01"},
	}
	for _, tt := range tests {
		got, err := carc.StopFromNotes(tt.notes)
		if err != nil {
			t.Errorf("StopFromNotes(%q): %v", tt.notes, err)
			continue
		}
		want := rcm.Date{}
		if tt.want != "" {
			want = rcm.MustParseDate(tt.want)
		}
		if got != want {
			t.Errorf("StopFromNotes(%q) = %v, want %v", tt.notes, got, want)
		}
	}
	if _, err := carc.StopFromNotes("(Deactivated 2/30/2003)"); err == nil {
		t.Error("February 30 accepted")
	}
}

const header = `"code","description","usage","notes","start_date","last_modified","stop_date"` + "\n"

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     []carc.Code
		line     int
		column   string
	}{
		{name: "ok", in: header + `"45","Charge exceeds fee schedule.",,,"1995-01-01","2019-11-01",""` + "\n" +
			`"15","Auth missing.",,"Old","1995-01-01","","2018-05-01"`,
			want: []carc.Code{
				{List: carc.CARC, Code: "45", Description: "Charge exceeds fee schedule.", Start: rcm.MustParseDate("1995-01-01"), LastModified: rcm.MustParseDate("2019-11-01")},
				{List: carc.CARC, Code: "15", Description: "Auth missing.", Notes: "Old", Start: rcm.MustParseDate("1995-01-01"), Stop: rcm.MustParseDate("2018-05-01")},
			}},
		{name: "stop in notes", in: header + `"7","x",,"(Deactivated 2/28/2003)","1995-01-01","",""`,
			want: []carc.Code{{List: carc.CARC, Code: "7", Description: "x", Notes: "(Deactivated 2/28/2003)", Start: rcm.MustParseDate("1995-01-01"), Stop: rcm.MustParseDate("2003-02-28")}}},
		{name: "columns in another order", in: "stop_date,code,description,usage,notes,start_date,last_modified,extra\n,A1,Denied.,,,1995-01-01,,z\n",
			want: []carc.Code{{List: carc.CARC, Code: "A1", Description: "Denied.", Start: rcm.MustParseDate("1995-01-01")}}},
		{name: "empty", in: "", line: 1},
		{name: "missing column", in: "code,description\n1,x\n", line: 1, column: "usage"},
		{name: "bad date", in: header + `"1","x",,,"1995-13-01","",""`, line: 2, column: "start_date"},
		{name: "bad code", in: header + `"1","x",,,"","",""` + "\n" + `"a b","x",,,"","",""`, line: 3, column: "code"},
		{name: "duplicate", in: header + `"1","x",,,"","",""` + "\n" + `"1","y",,,"","",""`, line: 3, column: "code"},
		{name: "bad quote", in: header + `"1,"x`, line: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := carc.Parse(strings.NewReader(tt.in), carc.CARC)
			if tt.line == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
				return
			}
			var pe *carc.ParseError
			if !errors.As(err, &pe) || pe.Line != tt.line || pe.Column != tt.column || !errors.Is(err, carc.ErrFormat) {
				t.Fatalf("error %v; want a ParseError at line %d column %q", err, tt.line, tt.column)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(header + `"45","x",,"(Deactivated 2/28/2003)","1995-01-01","",""`)
	f.Add("code,description,usage,notes,start_date,last_modified,stop_date\nN1,a,b,c,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		codes, err := carc.Parse(strings.NewReader(in), carc.RARC)
		if err != nil {
			var pe *carc.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v is not a ParseError with a line", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if c.Code == "" || seen[c.Code] || c.List != carc.RARC {
				t.Fatalf("parsed code %+v (duplicate or empty)", c)
			}
			seen[c.Code] = true
		}
	})
}
