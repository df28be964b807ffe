package ncci

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit"
	"github.com/openrcm/openrcm/edit/ncci/nccitest"
)

var (
	realOnce sync.Once
	real     *Edits
	realErr  error
)

// loadReal loads the shared July 2024 practitioner PTP and MUE tables once
// per test binary.
func loadReal(t testing.TB) *Edits {
	t.Helper()
	ptp := nccitest.File(t, nccitest.PTPPractitioner)
	mue := nccitest.File(t, nccitest.MUEPractitioner)
	realOnce.Do(func() {
		var rels []*Release
		for _, f := range []string{ptp, mue} {
			rs, err := ReadFile(f, ReadOptions{})
			if err != nil {
				realErr = err
				return
			}
			rels = append(rels, rs...)
		}
		real = Build(rels...)
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return real
}

// line builds a service line from "CODE-MOD-MODxUNITS" shorthand.
func line(s string) rcm.ServiceLine {
	l := rcm.ServiceLine{Units: 1}
	if i := strings.LastIndexByte(s, 'x'); i > 0 {
		l.Units = atoi(s[i+1:])
		s = s[:i]
	}
	p := strings.Split(s, "-")
	l.Code, l.Modifiers = p[0], p[1:]
	return l
}

type got struct {
	Rule  string
	Lines []int
	Codes []string
}

// The pairs and values below were read from the shared files:
//
//	"20611","20610","*",1           "11042","0213T","*",0
//	"20610","99213","*",1           "11042","0183T","20131231",1
//	"0007U","0328U","*",1           "0007U","0328U","20230630",0
//	"0001A","90473","20220101",9
//	MUE: A6460 1 (MAI 1), 11042 1 (MAI 2), 97110 6 (MAI 3), 20610 2 (MAI 3)
func TestCheckRealTables(t *testing.T) {
	e := loadReal(t)
	c := &Checker{Edits: e, Setting: Practitioner}
	aug := rcm.MustParseDate("2024-08-01")
	tests := []struct {
		name  string
		dos   string
		lines []string
		want  []got
	}{
		{"indicator 1 without modifier", "", []string{"20610", "99213"}, []got{{RulePTP1, []int{2, 1}, []string{"99213", "20610"}}}},
		{"indicator 1, column two listed first", "", []string{"99213", "20610"}, []got{{RulePTP1, []int{1, 2}, []string{"99213", "20610"}}}},
		{"indicator 1 with 25 on the E/M", "", []string{"20610", "99213-25"}, nil},
		{"indicator 1 with 59 on column two", "", []string{"20611", "20610-59"}, nil},
		{"indicator 1 with XU on column two", "", []string{"20611", "20610-XU"}, nil},
		{"indicator 1 with XS on column one only", "", []string{"20611-XS", "20610"}, []got{{RulePTP1, []int{2, 1}, []string{"20610", "20611"}}}},
		{"indicator 1, different sides", "", []string{"20611-RT", "20610-LT"}, nil},
		{"indicator 1, anatomic modifier on one line", "", []string{"20611", "20610-F1"}, nil},
		{"indicator 1, same side", "", []string{"20611-RT", "20610-RT"}, []got{{RulePTP1, []int{2, 1}, []string{"20610", "20611"}}}},
		{"indicator 0 ignores 59", "", []string{"11042", "0213T-59"}, []got{{RulePTP0, []int{2, 1}, []string{"0213T", "11042"}}}},
		{"deleted pair on its deletion date", "2013-12-31", []string{"11042", "0183T"}, []got{{RulePTP1, []int{2, 1}, []string{"0183T", "11042"}}}},
		{"deleted pair after its deletion date", "2014-01-01", []string{"11042", "0183T"}, nil},
		{"indicator 9", "2021-06-01", []string{"0001A", "90473"}, nil},
		{"history: indicator 0 row governs while in effect", "2023-06-30", []string{"0007U", "0328U-59"}, []got{{RulePTP0, []int{2, 1}, []string{"0328U", "0007U"}}}},
		{"history: indicator 1 row after the 0 row's deletion", "2023-07-01", []string{"0007U", "0328U"}, []got{{RulePTP1, []int{2, 1}, []string{"0328U", "0007U"}}}},
		{"history: 59 bypasses the later row", "2023-07-01", []string{"0007U", "0328U-59"}, nil},
		{"same code twice is not a pair", "", []string{"99213", "99213"}, nil},
		{"MUE 1 line over", "", []string{"A6460x2"}, []got{{RuleMUE1, []int{1}, []string{"A6460"}}}},
		{"MUE 1 applies per line", "", []string{"A6460", "A6460"}, nil},
		{"MUE 2 over", "", []string{"11042x2"}, []got{{RuleMUE2, []int{1}, []string{"11042"}}}},
		{"MUE 3 summed across lines", "", []string{"97110x4", "97110x3"}, []got{{RuleMUE3, []int{1, 2}, []string{"97110", "97110"}}}},
		{"MUE 3 at the limit", "", []string{"97110x4", "97110x2"}, nil},
		{"PTP and MUE together", "", []string{"20610x3", "99213"}, []got{
			{RuleMUE3, []int{1}, []string{"20610"}},
			{RulePTP1, []int{2, 1}, []string{"99213", "20610"}},
		}},
	}
	engine, err := edit.NewEngine(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := &edit.Claim{DateOfService: aug}
			if tt.dos != "" {
				cl.DateOfService = rcm.MustParseDate(tt.dos)
			}
			for _, s := range tt.lines {
				cl.Lines = append(cl.Lines, line(s))
			}
			var gs []got
			for _, f := range engine.Check(cl) {
				gs = append(gs, got{f.Rule, f.Lines, f.Codes})
				if f.Severity != edit.Error || f.Message == "" || f.Fix == "" || f.DateOfService != cl.DateOfService {
					t.Errorf("finding %+v: want an error with message, fix and the date of service", f)
				}
			}
			if diff := cmp.Diff(tt.want, gs); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Lines on different dates of service are never a PTP pair, and MUE units
// are summed per date.
func TestCheckLineDates(t *testing.T) {
	e := loadReal(t)
	c := &Checker{Edits: e, Setting: Practitioner}
	cl := &edit.Claim{DateOfService: rcm.MustParseDate("2024-08-01"), Lines: []rcm.ServiceLine{line("20610"), line("99213"), line("97110x4"), line("97110x4")}}
	cl.Lines[1].DateOfService = rcm.MustParseDate("2024-08-02")
	cl.Lines[3].DateOfService = rcm.MustParseDate("2024-08-02")
	if fs := c.Check(cl); len(fs) != 0 {
		t.Errorf("findings across dates: %v", fs)
	}
}

// The messages tell the biller what the indicator means.
func TestCheckMessages(t *testing.T) {
	e := loadReal(t)
	c := &Checker{Edits: e, Setting: Practitioner}
	tests := []struct {
		lines []string
		want  []string
	}{
		{[]string{"11042", "0213T"}, []string{"modifier indicator is 0", "No modifier bypasses", "Remove 0213T from line 2"}},
		{[]string{"20611-XS", "20610"}, []string{"Modifier XS is on the column-one code 20611 (line 1)", "append XE, XS, XP or XU (or 59"}},
		{[]string{"20611-RT", "20610-RT"}, []string{"Both lines carry RT"}},
		{[]string{"A6460x3"}, []string{"3 units of A6460", "MUE for A6460 is 1 unit per claim line", "MAI 1", "Reduce the units on line 1 to 1"}},
		{[]string{"11042x2"}, []string{"MAI 2", "absolute", "to 1"}},
		{[]string{"97110x4", "97110x3"}, []string{"Lines 1, 2 report 7 units", "MAI 3", "appealed with documentation", "split units across dates only if"}},
	}
	for _, tt := range tests {
		cl := &edit.Claim{DateOfService: rcm.MustParseDate("2024-08-01")}
		for _, s := range tt.lines {
			cl.Lines = append(cl.Lines, line(s))
		}
		fs := c.Check(cl)
		if len(fs) != 1 {
			t.Errorf("%v: %d findings, want 1: %v", tt.lines, len(fs), fs)
			continue
		}
		text := fs[0].Message + " " + fs[0].Fix
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%v: finding lacks %q:\n%s", tt.lines, w, text)
			}
		}
	}
}

// A checker for a setting with no table imported finds nothing, and the
// MUE tables differ by setting.
func TestCheckSetting(t *testing.T) {
	e := loadReal(t)
	cl := &edit.Claim{DateOfService: rcm.MustParseDate("2024-08-01"), Lines: []rcm.ServiceLine{line("20610"), line("99213")}}
	if fs := (&Checker{Edits: e, Setting: OutpatientHospital}).Check(cl); len(fs) != 0 {
		t.Errorf("outpatient hospital findings without its tables: %v", fs)
	}
}

func TestLookups(t *testing.T) {
	e := loadReal(t)
	hist := e.PTPHistory(Practitioner, "0007U", "0328U")
	want := []PTPEdit{
		{Column1: "0007U", Column2: "0328U", Modifier: 1, Rationale: "Misuse of Column Two code with Column One code"},
		{Column1: "0007U", Column2: "0328U", Deleted: rcm.MustParseDate("2023-06-30"), Modifier: 0, Rationale: "HCPCS/CPT procedure code definition"},
	}
	if diff := cmp.Diff(want, hist); diff != "" {
		t.Errorf("PTPHistory mismatch (-want +got):\n%s", diff)
	}
	if _, ok := e.PTP(Practitioner, "0328U", "0007U", rcm.MustParseDate("2024-08-01")); ok {
		t.Error("PTP found the pair in reverse order")
	}
	m, ok := e.MUE(Practitioner, "97110", rcm.MustParseDate("2024-08-01"))
	wantM := MUEEdit{Code: "97110", Setting: Practitioner, Value: 6, MAI: 3, Rationale: "Clinical: Data", Effective: rcm.MustParseDate("2024-07-01")}
	if diff := cmp.Diff(wantM, m); !ok || diff != "" {
		t.Errorf("MUE mismatch (-want +got):\n%s", diff)
	}
	if got, want := e.PTPRows(Practitioner), 2546017; got != want {
		t.Errorf("PTPRows = %d, want %d", got, want)
	}
}
