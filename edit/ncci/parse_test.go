package ncci

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/edit/ncci/nccitest"
)

const sharedPTP = `"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"
"11042","0183T","20131231",1,"More extensive procedure"
"11042","0213T","*",0,"Misuse of Column Two code with Column One code"
`

// cmsPTP is the CMS tab-delimited layout: a copyright notice, a header
// whose legends run over more lines, then rows.
const cmsPTP = "CPT only copyright 2023 American Medical Association. All rights reserved.\r\n" +
	"\r\n" +
	"Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\r\n" +
	"\t\t\t\t\t\t\r\n" +
	"11042\t0183T\t\t20090101\t20131231\t1\tMore extensive procedure\r\n" +
	"11042\t0213T\t*\t19960101\t*\t0\tMisuse of Column Two code with Column One code\r\n"

const sharedMUE = `"hcpcs_cpt_code","setting","mue_value","mai","mai_description","mue_rationale","effective"
"97110","Practitioner",6,3,"Date of Service Edit: Clinical","Clinical: Data","2024-07-01"
"A6460","Practitioner",1,1,"Line Edit","Clinical: CMS Workgroup","2024-07-01"
`

const cmsMUE = `CPT codes, descriptions and other data only are copyright 2023 American Medical Association.
"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
"97110","6","3 Date of Service Edit: Clinical","Clinical: Data"
"A6460","1","1 Line Edit","Clinical: CMS Workgroup"
`

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func zipOf(files map[string]string) string {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, s := range files {
		f, _ := w.Create(name)
		f.Write([]byte(s))
	}
	w.Close()
	return b.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// summary is what a test compares of a release.
type summary struct {
	Kind      Kind
	Setting   Setting
	Effective rcm.Date
	PTP       []PTPEdit
	MUE       []MUEEdit
}

func summarize(r *Release) summary {
	s := summary{Kind: r.Kind, Setting: r.Setting, Effective: r.Effective()}
	ix := &ptpIndex{rationales: r.rationales}
	for _, e := range r.ptp {
		s.PTP = append(s.PTP, ix.edit(e))
	}
	for _, e := range r.mue {
		s.MUE = append(s.MUE, MUEEdit{Code: unpackCode(e.code), Setting: r.Setting, Value: int(e.value), MAI: int(e.mai), Rationale: r.rationales[e.rat], Effective: fromYMD(e.eff)})
	}
	return s
}

func TestReadFile(t *testing.T) {
	d := rcm.MustParseDate
	ptpShared := []PTPEdit{
		{Column1: "11042", Column2: "0183T", Deleted: d("2013-12-31"), Modifier: 1, Rationale: "More extensive procedure"},
		{Column1: "11042", Column2: "0213T", Modifier: 0, Rationale: "Misuse of Column Two code with Column One code"},
	}
	ptpCMS := []PTPEdit{
		{Column1: "11042", Column2: "0183T", Effective: d("2009-01-01"), Deleted: d("2013-12-31"), Modifier: 1, Rationale: "More extensive procedure"},
		{Column1: "11042", Column2: "0213T", Effective: d("1996-01-01"), Modifier: 0, Rationale: "Misuse of Column Two code with Column One code"},
	}
	mue := func(eff rcm.Date) []MUEEdit {
		return []MUEEdit{
			{Code: "97110", Setting: Practitioner, Value: 6, MAI: 3, Rationale: "Clinical: Data", Effective: eff},
			{Code: "A6460", Setting: Practitioner, Value: 1, MAI: 1, Rationale: "Clinical: CMS Workgroup", Effective: eff},
		}
	}
	tests := []struct {
		name, file, content string
		opt                 ReadOptions
		want                []summary
	}{
		{"shared PTP csv", "ptp_practitioner_2024q3.csv", sharedPTP, ReadOptions{}, []summary{{Kind: KindPTP, Setting: Practitioner, PTP: ptpShared}}},
		{"shared PTP gzip", "ptp_practitioner_2024q3.csv.gz", gz(sharedPTP), ReadOptions{}, []summary{{Kind: KindPTP, Setting: Practitioner, PTP: ptpShared}}},
		{"setting given", "edits.csv", sharedPTP, ReadOptions{Setting: OutpatientHospital}, []summary{{Kind: KindPTP, Setting: OutpatientHospital, PTP: ptpShared}}},
		{"CMS PTP text", "ccipra-v302r0-f1.TXT", cmsPTP, ReadOptions{}, []summary{{Kind: KindPTP, Setting: Practitioner, Effective: d("2009-01-01"), PTP: ptpCMS}}},
		{"CMS PTP zip", "ccioph-v302r0-f1.zip", zipOf(map[string]string{"ccioph-v302r0-f1.TXT": cmsPTP, "README.pdf": "%PDF-1.4"}), ReadOptions{},
			[]summary{{Kind: KindPTP, Setting: OutpatientHospital, Effective: d("2009-01-01"), PTP: ptpCMS}}},
		{"shared MUE", "mue.csv", sharedMUE, ReadOptions{}, []summary{{Kind: KindMUE, Setting: Practitioner, Effective: d("2024-07-01"), MUE: mue(d("2024-07-01"))}}},
		{"CMS MUE csv in zip", "MCR_MUE_PractitionerServices_Eff_07-01-2024.zip",
			zipOf(map[string]string{"MCR_MUE_PractitionerServices_Eff_07-01-2024.csv": cmsMUE}), ReadOptions{},
			[]summary{{Kind: KindMUE, Setting: Practitioner, Effective: d("2024-07-01"), MUE: mue(d("2024-07-01"))}}},
		{"CMS MUE without a date in its name", "mue.csv", cmsMUE, ReadOptions{}, []summary{{Kind: KindMUE, Setting: Practitioner, MUE: mue(rcm.Date{})}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rels, err := ReadFile(writeFile(t, tt.file, tt.content), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []summary
			for _, r := range rels {
				got = append(got, summarize(r))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	const h = `"column_1","column_2","deletion_date","modifier_indicator","ptp_edit_rationale"` + "\n"
	const mh = `"hcpcs_cpt_code","setting","mue_value","mai","mai_description","mue_rationale","effective"` + "\n"
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"bad column 1", "ptp_practitioner.csv", h + `"1104","0183T","*",1,"x"` + "\n", []string{`ptp_practitioner.csv:2: column 1 "1104" is not a five-character HCPCS/CPT code`}},
		{"bad column 2", "ptp_practitioner.csv", h + `"11042","01-3T","*",1,"x"` + "\n", []string{`:2: column 2 "01-3T"`}},
		{"bad deletion date", "ptp_practitioner.csv", h + `"11042","0183T","20130231",1,"x"` + "\n", []string{`:2: deletion date: date "20130231" does not exist`}},
		{"bad indicator", "ptp_practitioner.csv", h + `"11042","0183T","*",2,"x"` + "\n" + `"11042","0183T","*",1,"x"` + "\n" + `"11042","0183T","*",,"x"` + "\n",
			[]string{`:2: modifier indicator "2" is not 0, 1 or 9`, `:4: modifier indicator "" is not 0, 1 or 9`}},
		{"too few fields", "ptp_practitioner.csv", h + `"11042","0183T","*"` + "\n", []string{`:2: 3 fields, want 5`}},
		{"unterminated quote", "ptp_practitioner.csv", h + `"11042,"0183T","*",1,"x"` + "\n", []string{`:2: text after closing quote`}},
		{"no header", "ptp_practitioner.csv", "11042,0183T,*,1,x\n", []string{"ptp_practitioner.csv: no NCCI PTP or MUE header found"}},
		{"PTP without a setting", "edits.csv", h + `"11042","0183T","*",1,"x"` + "\n", []string{"edits.csv: PTP rows do not say their setting"}},
		{"bad MAI", "mue.csv", mh + `"97110","Practitioner",6,4,"","Clinical: Data","2024-07-01"` + "\n", []string{`mue.csv:2: MUE adjudication indicator "4" is not 1, 2 or 3`}},
		{"bad MUE value", "mue.csv", mh + `"97110","Practitioner",-6,3,"","Clinical: Data","2024-07-01"` + "\n", []string{`mue.csv:2: MUE value "-6" is not a whole number`}},
		{"mixed settings", "mue.csv", mh + `"97110","Practitioner",6,3,"","a","2024-07-01"` + "\n" + `"97112","DME Supplier",6,3,"","a","2024-07-01"` + "\n", []string{`mue.csv:3: setting dme_supplier differs`}},
		{"duplicate MUE", "mue.csv", mh + `"97110","Practitioner",6,3,"","a","2024-07-01"` + "\n" + `"97110","Practitioner",5,3,"","a","2024-07-01"` + "\n", []string{`mue.csv: code 97110 has two MUE rows effective 2024-07-01`}},
		{"zip without tables", "x.zip", zipOf(map[string]string{"README.pdf": "%PDF"}), []string{"x.zip: zip holds no .txt or .csv table"}},
		{"error in a zip member", "ccipra.zip", zipOf(map[string]string{"ccipra-f1.txt": h + `"11042","0183T","*",7,"x"` + "\n"}), []string{`ccipra.zip!ccipra-f1.txt:2: modifier indicator "7"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rels, err := ReadFile(writeFile(t, tt.file, tt.content), ReadOptions{})
			if err == nil {
				t.Fatalf("read %d releases, want an error", len(rels))
			}
			var pe *ParseErrors
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *ParseErrors", err, err)
			}
			if len(pe.Errs) != len(tt.want) {
				t.Errorf("%d errors, want %d:\n%v", len(pe.Errs), len(tt.want), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// A file of bad lines reports the first ones and counts the rest.
func TestReadErrorsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(sharedPTP)
	for i := 0; i < 120; i++ {
		b.WriteString(`"x","y","*",1,"z"` + "\n")
	}
	_, err := Read("ptp_practitioner.csv", strings.NewReader(b.String()), ReadOptions{})
	var pe *ParseErrors
	if !errors.As(err, &pe) || len(pe.Errs) != maxErrors || pe.More != 120-maxErrors {
		t.Fatalf("got %v, want %d errors and %d more", err, maxErrors, 120-maxErrors)
	}
	if !strings.Contains(err.Error(), "... and 70 more malformed lines") {
		t.Errorf("error does not count the rest: %v", err)
	}
}

func TestSplitFields(t *testing.T) {
	tests := []struct {
		line  string
		delim byte
		want  []string
		err   string
	}{
		{`a,b,c`, ',', []string{"a", "b", "c"}, ""},
		{`"a","b,c",""`, ',', []string{"a", "b,c", ""}, ""},
		{`"a ""q""",b,`, ',', []string{`a "q"`, "b", ""}, ""},
		{`a,`, ',', []string{"a", ""}, ""},
		{`"a",`, ',', []string{"a", ""}, ""},
		{"a\t\"b\"\t", '\t', []string{"a", "b", ""}, ""},
		{`"a`, ',', nil, "unterminated quoted field at column 1"},
		{`a"b,c`, ',', nil, "bare quote in unquoted field at column 2"},
	}
	for _, tt := range tests {
		fs, err := splitFields([]byte(tt.line), tt.delim, nil)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("splitFields(%q) error %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		var got []string
		for _, f := range fs {
			got = append(got, string(f))
		}
		if err != nil || !cmp.Equal(tt.want, got) {
			t.Errorf("splitFields(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
}

// The full shared PTP table reads in under 10 seconds (issue 5), with every
// row and the counts SOURCES.md gives, and survives its binary form.
func TestReadFullPTP(t *testing.T) {
	path := nccitest.File(t, nccitest.PTPPractitioner)
	start := time.Now()
	rels, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if !raceEnabled && elapsed > 10*time.Second {
		t.Errorf("reading the full PTP table took %v, want under 10s", elapsed)
	}
	r := rels[0]
	open := 0
	for _, e := range r.ptp {
		if e.del == 0 {
			open++
		}
	}
	if r.Rows() != 2546017 || open != 1669820 || r.Setting != Practitioner {
		t.Errorf("read %d rows (%d with no deletion date) for %s, want 2546017 (1669820) for practitioner", r.Rows(), open, r.Setting)
	}
	data, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back := &Release{Kind: KindPTP, Setting: Practitioner}
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.ptp, back.ptp) || !slices.Equal(r.rationales, back.rationales) {
		t.Error("the PTP table changed through its binary form")
	}
	t.Logf("read %d rows in %v; binary form %d bytes", r.Rows(), elapsed, len(data))
}

func TestMUESharedFiles(t *testing.T) {
	tests := []struct {
		file    string
		setting Setting
		rows    int
	}{
		{nccitest.MUEPractitioner, Practitioner, 14677},
		{nccitest.MUEOutpatient, OutpatientHospital, 14628},
		{nccitest.MUEDME, DMESupplier, 2928},
	}
	for _, tt := range tests {
		rels, err := ReadFile(nccitest.File(t, tt.file), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := rels[0]; got.Kind != KindMUE || got.Setting != tt.setting || got.Rows() != tt.rows || got.Effective() != rcm.MustParseDate("2024-07-01") {
			t.Errorf("%s: %s %s %d rows effective %s; want mue %s %d rows effective 2024-07-01", tt.file, got.Kind, got.Setting, got.Rows(), got.Effective(), tt.setting, tt.rows)
		}
	}
}

func TestParseSetting(t *testing.T) {
	for in, want := range map[string]Setting{"Practitioner": Practitioner, "Outpatient Hospital": OutpatientHospital, "outpatient_hospital": OutpatientHospital, "DME Supplier": DMESupplier, "dme_supplier": DMESupplier} {
		if got, err := ParseSetting(in); err != nil || got != want {
			t.Errorf("ParseSetting(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseSetting("inpatient"); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("ParseSetting(inpatient) error %v, want invalid", err)
	}
}

func TestPackCode(t *testing.T) {
	for _, c := range []string{"00000", "99213", "0213T", "A6460", "ZZZZZ", "J1100"} {
		p, ok := packCode([]byte(c))
		if !ok || unpackCode(p) != c || p >= 1<<codeBits {
			t.Errorf("packCode(%s) = %d, %v; unpacks to %s", c, p, ok, unpackCode(p))
		}
	}
	for _, c := range []string{"", "9921", "992134", "99-13", "9921 "} {
		if _, ok := packCode([]byte(c)); ok {
			t.Errorf("packCode(%q) accepted", c)
		}
	}
}
