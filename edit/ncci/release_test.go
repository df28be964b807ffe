package ncci

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
)

func mustRead(t testing.TB, name, content string) *Release {
	t.Helper()
	r, err := Read(name, strings.NewReader(content), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReleaseRoundTrip(t *testing.T) {
	for _, r := range []*Release{mustRead(t, "ccipra.txt", cmsPTP), mustRead(t, "mue.csv", sharedMUE)} {
		data, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back := &Release{Kind: r.Kind, Setting: r.Setting}
		if err := back.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(summarize(r), summarize(back)); diff != "" {
			t.Errorf("%s round trip mismatch (-want +got):\n%s", r.Kind, diff)
		}
		// Every truncation and every flipped byte is caught or decodes to
		// valid rows; none panics.
		for i := 0; i < len(data); i++ {
			if err := (&Release{Kind: r.Kind}).UnmarshalBinary(data[:i]); err == nil {
				t.Errorf("%s: truncated to %d of %d bytes decoded", r.Kind, i, len(data))
			}
			bad := append([]byte(nil), data...)
			bad[i] ^= 0xff
			(&Release{Kind: r.Kind}).UnmarshalBinary(bad)
		}
		if err := (&Release{Kind: KindMUE}).UnmarshalBinary(data); r.Kind == KindPTP && !errors.Is(err, errCorrupt) {
			t.Errorf("PTP data decoded as MUE: %v", err)
		}
	}
}

// Build merges releases: a newer PTP release replaces the rows of the pairs
// it has and keeps the older rows of the others (the four practitioner
// files of one quarter add up); MUE rows accumulate by effective date.
func TestBuildMerges(t *testing.T) {
	const h = `"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"` + "\n"
	older := mustRead(t, "ptp_practitioner_q2.csv", h+`"11042","0183T","*",1,"A"`+"\n"+`"11042","0213T","*",1,"B"`+"\n")
	newer := mustRead(t, "ptp_practitioner_q3.csv", h+`"11042","0213T","*",0,"C"`+"\n"+`"11042","0213T","20200101",1,"B"`+"\n"+`"20611","20610","*",1,"D"`+"\n")
	e := Build(older, newer)
	want := map[string][]PTPEdit{
		"11042 0183T": {{Column1: "11042", Column2: "0183T", Modifier: 1, Rationale: "A"}},
		"11042 0213T": {{Column1: "11042", Column2: "0213T", Modifier: 0, Rationale: "C"}, {Column1: "11042", Column2: "0213T", Modifier: 1, Deleted: rcm.MustParseDate("2020-01-01"), Rationale: "B"}},
		"20611 20610": {{Column1: "20611", Column2: "20610", Modifier: 1, Rationale: "D"}},
	}
	for pair, w := range want {
		p := strings.Fields(pair)
		if diff := cmp.Diff(w, e.PTPHistory(Practitioner, p[0], p[1])); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", pair, diff)
		}
	}
	if e.PTPRows(Practitioner) != 4 {
		t.Errorf("PTPRows = %d, want 4", e.PTPRows(Practitioner))
	}

	const mh = `"hcpcs_cpt_code","setting","mue_value","mai","mai_description","mue_rationale","effective"` + "\n"
	q2 := mustRead(t, "mue_q2.csv", mh+`"97110","Practitioner",4,3,"","R","2024-04-01"`+"\n")
	q3 := mustRead(t, "mue_q3.csv", mh+`"97110","Practitioner",6,3,"","R","2024-07-01"`+"\n")
	e = Build(q3, q2)
	for _, tt := range []struct {
		dos  string
		want int
	}{{"2024-03-01", 4}, {"2024-04-01", 4}, {"2024-06-30", 4}, {"2024-07-01", 6}, {"2025-01-01", 6}} {
		m, ok := e.MUE(Practitioner, "97110", rcm.MustParseDate(tt.dos))
		if !ok || m.Value != tt.want {
			t.Errorf("MUE on %s = %d, %v; want %d", tt.dos, m.Value, ok, tt.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{sharedPTP, cmsPTP, sharedMUE, cmsMUE, gz(sharedPTP), "", "\n\n", `"column_1","column_2","deletion_date","modifier_indicator"` + "\n1,2,3,4\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Read("ptp_practitioner.csv", strings.NewReader(s), ReadOptions{})
		if err != nil {
			var pe *ParseErrors
			if !errors.As(err, &pe) || len(pe.Errs) == 0 {
				t.Fatalf("error %v is not a *ParseErrors with errors", err)
			}
			return
		}
		data, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back := &Release{Kind: r.Kind, Setting: r.Setting}
		if err := back.UnmarshalBinary(data); err != nil {
			t.Fatalf("decode own encoding: %v", err)
		}
		if diff := cmp.Diff(summarize(r), summarize(back)); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

func FuzzUnmarshal(f *testing.F) {
	for _, c := range []string{cmsPTP, sharedMUE} {
		r, _ := Read("ccipra.txt", strings.NewReader(c), ReadOptions{})
		data, _ := r.MarshalBinary()
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Release{}
		if err := r.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back := &Release{}
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatalf("decode re-encoding: %v", err)
		}
		if diff := cmp.Diff(summarize(r), summarize(back)); diff != "" {
			t.Fatalf("re-encoding mismatch (-want +got):\n%s", diff)
		}
	})
}
