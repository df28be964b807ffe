package suggest

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

var hcpcsEngine = sync.OnceValues(func() (*Engine, error) {
	p, ok := codesettest.Has("hcpcs/hcpcs_2025_oct_long_desc.csv")
	if !ok {
		return nil, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	ims, err := codeset.ImportFile(p, data, codeset.ImportOptions{})
	if err != nil {
		return nil, err
	}
	var rels []*codeset.Release
	for _, im := range ims {
		rels = append(rels, im.Releases...)
	}
	return &Engine{Catalog: codeset.NewCatalog(rels)}, nil
})

// TestDrugUnits: drugs given by injection or infusion with a dose are
// billed as the HCPCS code the official description names, in units of
// its amount rounded up; drugs by mouth, negated or planned are not.
func TestDrugUnits(t *testing.T) {
	e, err := hcpcsEngine()
	if err != nil {
		t.Fatal(err)
	}
	if e == nil {
		t.Skip("shared data hcpcs/hcpcs_2025_oct_long_desc.csv not present")
	}
	type line struct {
		Code     string
		Units    int
		Evidence string
	}
	for _, tc := range []struct {
		name, note string
		want       []line
	}{
		{"per 15 mg", "Plan: ketorolac 15 mg IM given in clinic.", []line{{"J1885", 1, "ketorolac 15 mg IM"}}},
		{"per 15 mg, part unit rounds up", "Toradol no. Ketorolac 30 mg IM x1. ", []line{{"J1885", 2, "Ketorolac 30 mg IM"}}},
		{"grams to per 250 mg", "Ceftriaxone 1 g IM administered.", []line{{"J0696", 4, "Ceftriaxone 1 g IM"}}},
		{"fixed 80 mg beats 40 mg x 2", "Methylprednisolone acetate 80 mg intramuscular injection to the gluteus.", []line{{"J1040", 1, "Methylprednisolone acetate 80 mg intramuscular"}}},
		{"fixed 40 mg", "Gave methylprednisolone acetate 40 mg IM.", []line{{"J1030", 1, "methylprednisolone acetate 40 mg IM"}}},
		{"salt named picks succinate, up to 125 mg", "Methylprednisolone sodium succinate 125 mg IV push.", []line{{"J2930", 1, "Methylprednisolone sodium succinate 125 mg IV"}}},
		{"per 1 mg, salt named", "Dexamethasone sodium phosphate 10 mg IM.", []line{{"J1100", 10, "Dexamethasone sodium phosphate 10 mg IM"}}},
		{"salt not named: first of the tied codes, the rest said", "Dexamethasone 10 mg IM.", []line{{"J1094", 10, "Dexamethasone 10 mg IM"}}},
		{"up to 50 mg", "Promethazine 25 mg IM for nausea.", []line{{"J2550", 1, "Promethazine 25 mg IM"}}},
		{"per 1 mg ondansetron", "Ondansetron 4 mg IV given.", []line{{"J2405", 4, "Ondansetron 4 mg IV"}}},
		{"not otherwise specified, default of triamcinolone", "Triamcinolone acetonide 40 mg intra-articular injection, right knee.", []line{{"J3301", 4, "Triamcinolone acetonide 40 mg intra-articular"}}},
		{"mcg to up to 1000 mcg", "Cyanocobalamin (Vitamin B-12) given; vitamin b-12 cyanocobalamin 1000 mcg IM.", []line{{"J3420", 1, "vitamin b-12 cyanocobalamin 1000 mcg IM"}}},
		{"two drugs", "Ketorolac 15 mg IM and ondansetron 8 mg IV were given.", []line{{"J1885", 1, "Ketorolac 15 mg IM"}, {"J2405", 8, "ondansetron 8 mg IV"}}},
		{"by mouth is a prescription", "Ketorolac 10 mg PO q6h prn pain.", nil},
		{"negated", "No ketorolac 15 mg IM given due to CKD.", nil},
		{"rate per kg is not a dose", "Ceftriaxone 50 mg/kg IV daily.", nil},
		{"no dose", "Ketorolac IM given.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Suggest(Request{Note: tc.note})
			if err != nil {
				t.Fatal(err)
			}
			var got []line
			for _, s := range res.Suggestions {
				if s.System != string(codeset.HCPCS) {
					continue
				}
				if s.Sequence != "service line" || len(s.Evidence) != 1 {
					t.Errorf("%s: sequence %q, %d evidence spans", s.Code, s.Sequence, len(s.Evidence))
				}
				ev := s.Evidence[0]
				if tc.note[ev.Start:ev.End] != ev.Text {
					t.Errorf("%s: evidence %q is not the note's bytes %d-%d", s.Code, ev.Text, ev.Start, ev.End)
				}
				got = append(got, line{s.Code, s.Units, ev.Text})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%q: drug lines mismatch (-want +got):\n%s", tc.note, diff)
			}
		})
	}
}

// TestParseDrug reads the amount a unit bills from descriptions of the
// real file's shapes.
func TestParseDrug(t *testing.T) {
	for _, tc := range []struct {
		desc string
		per  float64
		unit string
		name string
		ok   bool
	}{
		{"Injection, ceftriaxone sodium, per 250 mg", 250, "mg", "ceftriaxone", true},
		{"Injection, acetaminophen, not otherwise specified,10 mg", 10, "mg", "acetaminophen", true},
		{"Injection, penicillin g benzathine, 100,000 units", 100000, "units", "penicillin", true},
		{"Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg", 1, "mg", "vitamin", true},
		{"Infusion, normal saline solution, 250 cc", 250, "ml", "normal", true},
		{"Unclassified drugs", 0, "", "", false},
		{"Injection, ketorolac tromethamine, per 15 mg, biosimilar, (foo) , each", 0, "", "", false},
	} {
		d, ok := parseDrug("X", tc.desc)
		if ok != tc.ok {
			t.Errorf("%q: ok = %v", tc.desc, ok)
			continue
		}
		if ok && (d.per != tc.per || d.unit != tc.unit || d.name[0] != tc.name) {
			t.Errorf("%q: per %v %s name %v, want %v %s %s", tc.desc, d.per, d.unit, d.name, tc.per, tc.unit, tc.name)
		}
	}
}

// TestDrugSaltNotDocumented: when the note does not say which salt or form
// of a drug was given, the suggestion says so and names the other codes.
func TestDrugSaltNotDocumented(t *testing.T) {
	e, err := hcpcsEngine()
	if err != nil {
		t.Fatal(err)
	}
	if e == nil {
		t.Skip("shared data hcpcs/hcpcs_2025_oct_long_desc.csv not present")
	}
	res, err := e.Suggest(Request{Note: "Dexamethasone 10 mg IM."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Suggestions) != 1 || !strings.Contains(res.Suggestions[0].NotReached, "J1100 Injection, dexamethasone sodium phosphate, 1 mg") || res.Suggestions[0].Confidence >= 0.9 {
		t.Errorf("suggestions = %+v, want one with the sodium phosphate code named as not reached and a lower confidence", res.Suggestions)
	}
}

// BenchmarkDrugLines2000Words reads a 2,000-word note against the HCPCS
// release alone, so the time is the note reader and the drug lines (the
// drug index is built once per release, outside the timing).
func BenchmarkDrugLines2000Words(b *testing.B) {
	e, err := hcpcsEngine()
	if err != nil {
		b.Fatal(err)
	}
	if e == nil {
		b.Skip("shared data hcpcs/hcpcs_2025_oct_long_desc.csv not present")
	}
	var sb strings.Builder
	sb.WriteString("HPI: 61-year-old man with low back pain. Ketorolac 30 mg IM given. Ceftriaxone 1 g IM administered. ")
	for sb.Len() < 12000 {
		sb.WriteString("He reports numbness in both feet, worse at night, and no fever or dyspnea on exertion. Exam shows decreased vibration sense. ")
	}
	note := sb.String()
	if res, err := e.Suggest(Request{Note: note}); err != nil || len(res.Suggestions) != 2 {
		b.Fatalf("%v %+v", err, res)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Suggest(Request{Note: note}); err != nil {
			b.Fatal(err)
		}
	}
}
