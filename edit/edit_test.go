package edit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// fakeChecker reports one finding per rule for every claim.
type fakeChecker struct {
	rules    []Rule
	findings []Finding
}

func (f *fakeChecker) Rules() []Rule            { return f.rules }
func (f *fakeChecker) Check(c *Claim) []Finding { return f.findings }

func TestEngineEffectiveDates(t *testing.T) {
	d := rcm.MustParseDate
	c := &fakeChecker{
		rules: []Rule{
			{ID: "OLD", Severity: Error, Ends: d("2023-12-31")},
			{ID: "NEW", Severity: Error, Effective: d("2024-01-01")},
			{ID: "ALWAYS", Severity: Warning},
		},
		findings: []Finding{
			{Rule: "ALWAYS", Severity: Warning, Lines: []int{1}},
			{Rule: "NEW", Severity: Error, Lines: []int{2}},
			{Rule: "OLD", Severity: Error, Lines: []int{3}},
			{Rule: "NEW", Severity: Error, Lines: []int{1}, DateOfService: d("2023-06-01")},
		},
	}
	e, err := NewEngine(c)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dos  string
		want []string
	}{
		{"2023-12-31", []string{"OLD 3", "ALWAYS 1"}},
		{"2024-01-01", []string{"NEW 2", "ALWAYS 1"}},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range e.Check(&Claim{DateOfService: d(tt.dos)}) {
			got = append(got, fmt.Sprintf("%s %d", f.Rule, f.Lines[0]))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("on %s mismatch (-want +got):\n%s", tt.dos, diff)
		}
	}
	if diff := cmp.Diff([]string{"ALWAYS", "NEW", "OLD"}, ruleIDs(e.Rules())); diff != "" {
		t.Errorf("Rules mismatch (-want +got):\n%s", diff)
	}
}

func ruleIDs(rs []Rule) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestEngineRejectsDuplicateRules(t *testing.T) {
	a := &fakeChecker{rules: []Rule{{ID: "X"}}}
	b := &fakeChecker{rules: []Rule{{ID: "X"}}}
	if _, err := NewEngine(a, b); err == nil || !strings.Contains(err.Error(), "rule X defined twice") {
		t.Errorf("NewEngine with a duplicate id: %v", err)
	}
	if _, err := NewEngine(&fakeChecker{rules: []Rule{{Family: "F"}}}); err == nil {
		t.Error("NewEngine accepted a rule without an id")
	}
}

func TestEngineUndeclaredRulePanics(t *testing.T) {
	e, err := NewEngine(&fakeChecker{findings: []Finding{{Rule: "GHOST"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("a finding of an undeclared rule did not panic")
		}
	}()
	e.Check(&Claim{})
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{Rule: "B", Severity: Warning, Lines: []int{1}},
		{Rule: "B", Severity: Error, Lines: []int{2, 1}},
		{Rule: "A", Severity: Error, Lines: []int{2, 3}},
		{Rule: "C", Severity: Error, Lines: []int{1}},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, string(f.Severity)+" "+f.Rule)
	}
	want := []string{"error C", "error A", "error B", "warning B"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
	if !HasErrors(fs) || HasErrors(fs[3:]) {
		t.Error("HasErrors is wrong")
	}
}

func TestLineDate(t *testing.T) {
	c := &Claim{DateOfService: rcm.MustParseDate("2024-08-01"), Lines: []rcm.ServiceLine{{}, {DateOfService: rcm.MustParseDate("2024-08-02")}}}
	if c.LineDate(0) != c.DateOfService || c.LineDate(1) != rcm.MustParseDate("2024-08-02") {
		t.Errorf("LineDate = %s, %s", c.LineDate(0), c.LineDate(1))
	}
}
