package codingaudit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

// fees is a small fee schedule for the table: 99213 $100, 99214 $150,
// 99214 with modifier 25 $160, 20610 $200, J1885 $5 a unit; 97110 is not
// priced.
func fees(code, mod string) (rcm.Money, bool) {
	switch code + "/" + mod {
	case "99213/", "99213/25":
		return 10000, true
	case "99214/":
		return 15000, true
	case "99214/25":
		return 16000, true
	case "20610/", "20610/RT", "20610/LT":
		return 20000, true
	case "J1885/":
		return 500, true
	}
	return -1, false // the charge of an unpriced code is never used
}

func TestScoreCoding(t *testing.T) {
	l := func(code string, units int, mods ...string) Line {
		return Line{Code: code, Units: units, Modifiers: mods}
	}
	cases := []struct {
		name         string
		truth, coded Coding
		want         Score
	}{{
		name:  "identical",
		truth: Coding{Diagnoses: []string{"E11.9", "I10"}, Lines: []Line{l("99213", 1)}},
		coded: Coding{Diagnoses: []string{"e119", "I10"}, Lines: []Line{l("99213", 1)}},
		want:  Score{Encounters: 1, DxTruth: 2, DxCoded: 2, DxAgree: 2, ProcTruth: 1, ProcCoded: 1, ProcAgree: 1, FirstListedAgree: 1, LinesMatched: 1, ModifiersAgree: 1, UnitsAgree: 1},
	}, {
		// The coder lists I10 first, misses Z79.4 and adds E78.5; upcodes
		// 99213 to 99214 ($150 billed where $100 was supported).
		name:  "missed, unsupported, first-listed and upcoded visit",
		truth: Coding{Diagnoses: []string{"E11.9", "I10", "Z79.4"}, Lines: []Line{l("99213", 1)}},
		coded: Coding{Diagnoses: []string{"I10", "E11.9", "E78.5"}, Lines: []Line{l("99214", 1)}},
		want: Score{Encounters: 1, DxTruth: 3, DxCoded: 3, DxAgree: 2, ProcTruth: 1, ProcCoded: 1, ProcAgree: 0,
			OverCoded: 15000, UnderCoded: 10000,
			Diffs: []Difference{
				{Kind: DxMissed, Truth: "Z79.4", TruthCode: "Z79.4"},
				{Kind: DxUnsupported, Coded: "E78.5", CodedCode: "E78.5"},
				{Kind: FirstListed, Truth: "E11.9", Coded: "I10", TruthCode: "E11.9", CodedCode: "I10"},
				{Kind: ProcMissed, Truth: "99213 x1", TruthCode: "99213", Effect: -10000},
				{Kind: ProcUnsupported, Coded: "99214 x1", CodedCode: "99214", Effect: 15000},
			}},
	}, {
		// Same lines; the coder drops modifier 25 from the visit (priced
		// $150 against $160: under by $10) and bills 3 units of J1885
		// where 2 were given (over by $5); 20610's modifiers differ only
		// in order.
		name:  "modifiers and units",
		truth: Coding{Diagnoses: []string{"M17.11"}, Lines: []Line{l("99214", 1, "25"), l("20610", 1, "RT", "59"), l("J1885", 2)}},
		coded: Coding{Diagnoses: []string{"M17.11"}, Lines: []Line{l("99214", 1), l("20610", 1, "59", "RT"), l("J1885", 3)}},
		want: Score{Encounters: 1, DxTruth: 1, DxCoded: 1, DxAgree: 1, ProcTruth: 3, ProcCoded: 3, ProcAgree: 3, FirstListedAgree: 1,
			LinesMatched: 3, ModifiersAgree: 2, UnitsAgree: 2, OverCoded: 500, UnderCoded: 1000,
			Diffs: []Difference{
				{Kind: Modifiers, Truth: "99214-25 x1", Coded: "99214 x1", TruthCode: "99214", CodedCode: "99214", Effect: -1000},
				{Kind: Units, Truth: "J1885 x2", Coded: "J1885 x3", TruthCode: "J1885", CodedCode: "J1885", Effect: 500},
			}},
	}, {
		// Both modifiers and units differ on one line: the effect ($200
		// x2 with RT against $200 x1 with LT: over $200) is counted once.
		name:  "modifiers and units on one line",
		truth: Coding{Diagnoses: []string{"M17.11"}, Lines: []Line{l("20610", 1, "LT")}},
		coded: Coding{Diagnoses: []string{"M17.11"}, Lines: []Line{l("20610", 2, "RT")}},
		want: Score{Encounters: 1, DxTruth: 1, DxCoded: 1, DxAgree: 1, ProcTruth: 1, ProcCoded: 1, ProcAgree: 1, FirstListedAgree: 1,
			LinesMatched: 1, OverCoded: 20000,
			Diffs: []Difference{
				{Kind: Modifiers, Truth: "20610-LT x1", Coded: "20610-RT x2", TruthCode: "20610", CodedCode: "20610", Effect: 20000},
				{Kind: Units, Truth: "20610-LT x1", Coded: "20610-RT x2", TruthCode: "20610", CodedCode: "20610"},
			}},
	}, {
		// Two 97110 lines in the truth, one coded: one pair, one missed;
		// 97110 has no fee, so the missed line is unpriced.
		name:  "repeated code, unpriced",
		truth: Coding{Diagnoses: []string{"M54.50"}, Lines: []Line{l("97110", 1), l("97110", 1)}},
		coded: Coding{Diagnoses: []string{"M54.50"}, Lines: []Line{l("97110", 1)}},
		want: Score{Encounters: 1, DxTruth: 1, DxCoded: 1, DxAgree: 1, ProcTruth: 2, ProcCoded: 1, ProcAgree: 1, FirstListedAgree: 1,
			LinesMatched: 1, ModifiersAgree: 1, UnitsAgree: 1,
			Diffs: []Difference{{Kind: ProcMissed, Truth: "97110 x1", TruthCode: "97110", Unpriced: true}}},
	}, {
		name:  "nothing coded",
		truth: Coding{Diagnoses: []string{"J06.9"}, Lines: []Line{l("99212", 1)}},
		coded: Coding{},
		want: Score{Encounters: 1, DxTruth: 1, ProcTruth: 1,
			Diffs: []Difference{
				{Kind: DxMissed, Truth: "J06.9", TruthCode: "J06.9"},
				{Kind: FirstListed, Truth: "J06.9", TruthCode: "J06.9"},
				{Kind: ProcMissed, Truth: "99212 x1", TruthCode: "99212", Unpriced: true},
			}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ScoreCoding(c.truth, c.coded, fees)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("mismatch (-want +got)\n%s", diff)
			}
		})
	}
}

// TestScoreRates checks the rates of a coder's summed score by hand: two
// encounters, 5 truth diagnoses, 4 coded, 3 agreeing.
func TestScoreRates(t *testing.T) {
	var s Score
	s.Add(ScoreCoding(Coding{Diagnoses: []string{"E11.9", "I10", "Z79.4"}}, Coding{Diagnoses: []string{"E11.9", "I10"}}, nil))
	s.Add(ScoreCoding(Coding{Diagnoses: []string{"J06.9", "R05.9"}, Lines: []Line{{Code: "99213", Units: 1}}},
		Coding{Diagnoses: []string{"R05.9", "J02.9"}, Lines: []Line{{Code: "99213", Units: 1}, {Code: "87880", Units: 1}}}, nil))
	got := []float64{s.DxPrecision(), s.DxRecall(), s.ProcPrecision(), s.ProcRecall(), s.FirstListedRate(), s.ModifiersRate(), s.UnitsRate()}
	want := []float64{3.0 / 4, 3.0 / 5, 1.0 / 2, 1, 1.0 / 2, 1, 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rates mismatch (-want +got)\n%s", diff)
	}
	if s.Encounters != 2 || len(s.Diffs) != 5 {
		t.Errorf("encounters %d, differences %d; want 2 and 5", s.Encounters, len(s.Diffs))
	}
}
