package x12

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sharedData finds shared/data: $RCM_SHARED_DATA, else the first
// shared/data/SOURCES.md found walking up from the working directory (CI
// clones the repository beside shared/). It returns "" when there is
// none.
func sharedData() string {
	if d := os.Getenv("RCM_SHARED_DATA"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "shared", "data", "SOURCES.md")); err == nil {
			return filepath.Join(dir, "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// needSamples returns the X12 sample directory, skipping the test when it
// is missing locally and failing it in CI.
func needSamples(t *testing.T) string {
	t.Helper()
	d := sharedData()
	if d != "" {
		d = filepath.Join(d, "x12-samples")
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("shared/data/x12-samples not found (set RCM_SHARED_DATA)")
	}
	t.Skip("shared/data/x12-samples not found; set RCM_SHARED_DATA to run the sample tests")
	return ""
}

// key is what a test asserts about a finding: the acknowledgement code
// and where it is.
type key struct {
	Code      string
	SegmentID string
	Loop      string
	Element   int
}

func keysOf(fs []Finding) map[key]int {
	m := map[key]int{}
	for _, f := range fs {
		m[key{f.Code, f.SegmentID, f.Loop, f.Element}]++
	}
	return m
}

func validateFile(t *testing.T, path string) *Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Validate(f)
}

// Guide rules that some imsweb test files break although the project
// calls them valid (its parser checks loop structure only). Each is a
// finding the validator must report for those files.
var (
	// X12.5 ISA11 (I65) is the repetition separator in 00501; "U" is the
	// 4010 standards identifier and is a letter, so it cannot delimit.
	ruleISA11 = key{TA1Standard, "ISA", "", 11}
	// 837P 2300 HI01 and HI02-HI12 are composites C022: qualifier and
	// code are components (HI*ABK:J0300*ABF:J320); these files put
	// them in separate elements (HI*BK*8901*BF*87200).
	ruleHI = []key{
		{ElemRequiredMissing, "HI", "2300", 1}, {ElemRequiredMissing, "HI", "2300", 2},
		{ElemRequiredMissing, "HI", "2300", 3}, {ElemRequiredMissing, "HI", "2300", 4},
		{ElemTooLong, "HI", "2300", 2}, {ElemTooLong, "HI", "2300", 4},
	}
	// HL01 numbers levels 1, 2, 3...; HL02 names the parent's HL01;
	// HL04 says whether children follow. "HL*2*3*22*1" after HL*2
	// breaks all three.
	ruleHL = []key{{ElemPattern, "HL", "2000B", 1}, {ElemPattern, "HL", "2000B", 2}}
	// 837P 2400 LX01 numbers a claim's service lines from 1; the second
	// claim of these files starts at LX*2.
	ruleLX = key{ElemPattern, "LX", "2400", 1}
	// SE01 counts the segments from ST to SE; these files all say 25.
	ruleSE01 = key{TxCountMismatch, "SE", "", 1}
)

func with(base []key, more ...key) []key { return append(append([]key{}, base...), more...) }

func TestImswebSamples(t *testing.T) {
	dir := filepath.Join(needSamples(t), "imsweb-x12-parser")
	commonBreaks := with(with(ruleHI, ruleHL...), ruleISA11, ruleSE01, ruleLX)
	tests := []struct {
		file string
		// want lists every distinct finding the file must produce and
		// no other; must lists findings that must be among them.
		want []key
		must []key
	}{
		{file: "837_5010/x12_valid.txt", want: commonBreaks},
		{file: "837_5010/x12_valid_different_separators.txt", want: commonBreaks},
		// Three groups, but IEA01 says 1 (IEA01 counts the GS/GE groups).
		{file: "837_5010/x12_multiple_gs.txt", want: with(commonBreaks, key{TA1GroupCount, "IEA", "", 1})},
		// Two transactions share ST02 987654 (ST02 must be unique in its
		// group) and GE01 says 1 (GE01 counts the ST/SE sets).
		{file: "837_5010/x12_multiple_st.txt", want: with(commonBreaks, key{TxDuplicateControl, "ST", "", 2}, key{GroupCountMismatch, "GE", "", 1})},
		{file: "837_5010/x12_multiple_isa.txt", want: commonBreaks},
		{file: "837_5010/x12_multiple_transactions.txt", want: with(commonBreaks)},
		// The second 2000A repeats HL01 1 and the 2000B below it points
		// at HL 1: only HL01 sequencing and HL04 break here.
		{file: "837_5010/x12_no_errors.txt", want: with(ruleHI, ruleISA11, ruleSE01, key{ElemPattern, "HL", "2000A", 1}, key{ElemPattern, "HL", "2000A", 2}, key{ElemPattern, "HL", "2000B", 1})},
		{file: "837_5010/x12_many_claims.txt", want: with(with(ruleHI, ruleHL...), ruleISA11, ruleSE01, ruleLX, key{ElemPattern, "HL", "2000A", 1}, key{ElemPattern, "HL", "2000A", 2})},
		{file: "837_5010/x12_writer_test.txt", want: []key{ruleISA11, ruleSE01}},
		{file: "837_5010/x12_ambiguous_loop.txt", want: []key{ruleISA11, ruleSE01}},
		// ISA02 is 9 characters; the ISA is fixed width (ISA02 AN 10/10).
		{file: "837_5010/x12_bad_first_line.txt", must: []key{{TA1Auth, "ISA", "", 2}}},
		// "*IC*..." has no id, "Nd4" and "NM31" are not segment ids; the
		// lost NM1 leaves loop 2010BA missing.
		{file: "837_5010/x12_bad_segment_identifier.txt", must: []key{
			{SegUnrecognized, "", "1000A", 0}, {SegUnrecognized, "Nd4", "2010AA", 0},
			{SegUnrecognized, "NM3", "2000B", 0}, {SegRequiredMissing, "NM1", "2010BA", 0},
		}},
		// NM1*117 where 2010AA requires NM101 85.
		{file: "837_5010/x12_bad_valid_code.txt", must: []key{{ElemInvalidCode, "NM1", "2010AA", 1}}},
		// NM102 missing in 1000B, CLM05 missing in the second claim.
		{file: "837_5010/x12_missing_elements.txt", must: []key{{ElemRequiredMissing, "NM1", "1000B", 2}, {ElemRequiredMissing, "CLM", "2300", 5}}},
		{file: "837_5010/x12_missing_required_loop_in_one_repeat.txt", must: []key{{SegRequiredMissing, "NM1", "2010BA", 0}}},
		// Two claims without LX: SV1 lands in 2300 and 2400 is missing.
		{file: "837_5010/x12_missing_required_loops_mult_repeats.txt", must: []key{{SegRequiredMissing, "LX", "2400", 0}, {SegUnexpected, "SV1", "2300", 0}}},
		{file: "837_5010/x12_loop_errors1_exceeds_max_1_parent.txt", must: []key{{SegLoopOverMax, "NM1", "2010AA", 0}}},
		{file: "837_5010/x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt", must: []key{{SegLoopOverMax, "NM1", "2010AA", 0}}},
		// N3 missing from 2010AA, REF*EI twice, HI missing from 2300.
		{file: "837_5010/x12_segment_errors.txt", must: []key{{SegRequiredMissing, "N3", "2010AA", 0}, {SegOverMax, "REF", "2010AA", 0}, {SegRequiredMissing, "HI", "2300", 0}}},
		{file: "837_5010/x12_no_isa_line.txt", want: []key{{TA1Structure, "", "", 0}}},
		// The 999 test files: clean except where they break the envelope
		// rules. GS05 102497 is not a time (minute 24 fine, second 97
		// not); IEA02 must repeat ISA13.
		{file: "837_5010/x12_999_rejected.txt"},
		{file: "837_5010/x12_999_accepted.txt", want: []key{{GroupNotSupported, "GS", "", 5}, {TA1ControlMismatch, "IEA", "", 2}}},
		{file: "277_5010/x12_277CA_accepted.txt"},
		{file: "277_5010/x12_277CA_rejected.txt"},
		{file: "277_5010/x12_277_x212.txt", want: []key{{TA1ControlMismatch, "IEA", "", 2}}},
		// x270 and x271 are 4010 interchanges (ISA12 00401, GS08
		// 004010X092A1): not 5010, and their counts are off too.
		{file: "x270_271/x270.txt", want: []key{ruleISA11, {TA1VersionID, "ISA", "", 12}, {GroupVersion, "GS", "", 8}, {TxNotSupported, "ST", "", 3}, {TxCountMismatch, "SE", "", 1}, {TxControlMismatch, "SE", "", 2}, {TA1ControlMismatch, "IEA", "", 2}}},
		{file: "x270_271/x271.txt", want: []key{ruleISA11, {TA1VersionID, "ISA", "", 12}, {GroupVersion, "GS", "", 8}, {TxBadConvention, "ST", "", 3}, {TxCountMismatch, "SE", "", 1}, {TA1ControlMismatch, "IEA", "", 2}}},
		// An 837P claim under an 837I header: CLM05-2 must be A
		// (institutional), CLM06 is not used, DTP 434 (statement dates)
		// is required and comes before 435.
		{file: "837_5010/x223-test.txt", must: []key{{ElemInvalidCode, "CLM", "2300", 5}, {ElemNotUsed, "CLM", "2300", 6}, {SegOutOfOrder, "DTP", "2300", 0}}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			res := validateFile(t, filepath.Join(dir, tt.file))
			got := keysOf(res.Findings)
			if tt.must != nil {
				for _, k := range tt.must {
					if got[k] == 0 {
						t.Errorf("missing finding %+v; got %v", k, sortedKeys(got))
					}
				}
				if res.Valid() {
					t.Error("broken file validated clean")
				}
				return
			}
			want := map[key]bool{}
			for _, k := range tt.want {
				want[k] = true
			}
			gotSet := map[key]bool{}
			for k := range got {
				gotSet[k] = true
			}
			if diff := cmp.Diff(want, gotSet); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\nfirst: %v", diff, res.Findings[:min(5, len(res.Findings))])
			}
		})
	}
}

func sortedKeys(m map[key]int) []key {
	var out []key
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].SegmentID+out[i].Loop+out[i].Code < out[j].SegmentID+out[j].Loop+out[j].Code
	})
	return out
}

// TestStupidediPass validates every pass/ file of a guide the package
// has; they must be clean apart from the listed exceptions.
func TestStupidediPass(t *testing.T) {
	dir := filepath.Join(needSamples(t), "stupidedi-005010")
	guides := []string{"X222A1_HC837", "X223A2_HC837", "X221A1_HP835", "X279A1_HS270", "X279A1_HB271", "X212_HR276", "X212_HN277", "X212_HR277", "X214_HN277", "X231A1_FA999"}
	// Files that break a rule; the rule is the comment.
	broken := map[string][]key{
		// IEA02 267365555 does not repeat ISA13 269895334 (IEA02 must
		// equal ISA13).
		"X212_HR277/pass/1.era": {{TA1ControlMismatch, "IEA", "", 2}},
		// DTP*434*RD8*19960911: 837I 2300 statement dates use RD8,
		// which is a range CCYYMMDD-CCYYMMDD, not one date.
		"X223A2_HC837/pass/837-institutional-claim.edi": {{ElemInvalidDate, "DTP", "2300", 3}},
	}
	n := 0
	for _, g := range guides {
		files, _ := filepath.Glob(filepath.Join(dir, g, "pass", "*.e[dr][ia]"))
		for _, path := range files {
			n++
			rel := g + "/pass/" + filepath.Base(path)
			t.Run(rel, func(t *testing.T) {
				res := validateFile(t, path)
				got := map[key]bool{}
				for k := range keysOf(res.Findings) {
					got[k] = true
				}
				want := map[key]bool{}
				for _, k := range broken[rel] {
					want[k] = true
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, res.Findings)
				}
			})
		}
	}
	if n < 20 {
		t.Errorf("found only %d pass files under %s", n, dir)
	}
}

// TestUnsupportedGuides checks that transactions without a schema are
// reported as not supported rather than passed or mangled.
func TestUnsupportedGuides(t *testing.T) {
	dir := filepath.Join(needSamples(t), "stupidedi-005010")
	for _, g := range []string{"X217_HI278", "X279_HB271", "X186A1_AG824", "X230_FA997"} {
		files, _ := filepath.Glob(filepath.Join(dir, g, "pass", "*"))
		for _, path := range files {
			t.Run(g+"/"+filepath.Base(path), func(t *testing.T) {
				res := validateFile(t, path)
				if got := keysOf(res.Findings)[key{TxNotSupported, "ST", "", 3}]; got == 0 {
					t.Errorf("want transaction set not supported, got %v", res.Findings)
				}
			})
		}
	}
}

func TestNoISAIsParseError(t *testing.T) {
	dir := needSamples(t)
	res := validateFile(t, filepath.Join(dir, "imsweb-x12-parser/837_5010/x12_no_isa_line.txt"))
	var pe *ParseError
	if !errors.As(res.Err, &pe) || !errors.Is(res.Err, ErrNoISA) {
		t.Fatalf("Err = %v, want a *ParseError wrapping ErrNoISA", res.Err)
	}
	if !strings.Contains(res.Findings[0].Message, "ISA") {
		t.Errorf("message %q does not name the ISA", res.Findings[0].Message)
	}
}
