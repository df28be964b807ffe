package codeset

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset/codesettest"
)

// orderLine builds one fixed-width order-file line.
func orderLine(n int, code string, billable bool, short, long string) string {
	flag := "0"
	if billable {
		flag = "1"
	}
	return pad(itoa(100000 + n)[1:], 5) + " " + pad(code, 7) + " " + flag + " " + pad(short, 60) + " " + long
}

func pad(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s
}

func TestParseOrderFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Code
		wantBad []string
	}{
		{
			name: "header and billable",
			in: orderLine(1, "A00", false, "Cholera", "Cholera") + "\n" +
				orderLine(2, "A000", true, "Cholera due to Vibrio cholerae 01, biovar cholerae", "Cholera due to Vibrio cholerae 01, biovar cholerae") + "\r\n",
			want: []Code{
				{Code: "A00", Short: "Cholera", Long: "Cholera"},
				{Code: "A000", Billable: true, Short: "Cholera due to Vibrio cholerae 01, biovar cholerae", Long: "Cholera due to Vibrio cholerae 01, biovar cholerae"},
			},
		},
		{
			name: "short line only",
			in:   "00001 I10     1 Essential (primary) hypertension",
			want: []Code{{Code: "I10", Billable: true, Short: "Essential (primary) hypertension", Long: "Essential (primary) hypertension"}},
		},
		{
			name:    "bad flag",
			in:      orderLine(1, "I10", true, "x", "y")[:14] + "2" + orderLine(1, "I10", true, "x", "y")[15:],
			wantBad: []string{"f:1: column 15: billable flag \"2\" is not 0 or 1"},
		},
		{
			name:    "bad order number",
			in:      "0000A I10     1 Essential",
			wantBad: []string{`f:1: columns 1-5: order number "0000A" is not 5 digits`},
		},
		{
			name:    "not a code",
			in:      "00001 110     1 Essential",
			wantBad: []string{`f:1: columns 7-13: "110" is not an ICD-10-CM code`},
		},
		{
			name:    "too short",
			in:      "\n00001 I10",
			wantBad: []string{"f:2: line too short for the order-file layout (want at least 17 columns)"},
		},
		{
			name: "duplicate",
			in:   orderLine(1, "I10", true, "a", "a") + "\n" + orderLine(2, "I10", true, "b", "b"),
			want: []Code{{Code: "I10", Billable: true, Short: "a", Long: "a"}},
			wantBad: []string{
				"f:2: code I10 already on line 1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := ParseOrderFile(strings.NewReader(tt.in), "f")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("codes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBad, errorTexts(bad)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
			for _, e := range bad {
				if !errors.Is(e, ErrSyntax) {
					t.Errorf("%v does not wrap ErrSyntax", e)
				}
			}
		})
	}
}

func errorTexts(bad []*ParseError) []string {
	var out []string
	for _, e := range bad {
		out = append(out, e.Error())
	}
	return out
}

func TestParseOrderFileShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/icd10cm_order_2022.txt")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	codes, bad, err := ParseOrderFile(f, p)
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseOrderFile: %v %v", err, bad)
	}
	billable := 0
	byCode := map[string]Code{}
	for _, c := range codes {
		if c.Billable {
			billable++
		}
		byCode[c.Code] = c
	}
	// SOURCES.md: 95,524 lines, 72,748 billable.
	if len(codes) != 95524 || billable != 72748 {
		t.Errorf("got %d codes, %d billable; want 95524, 72748", len(codes), billable)
	}
	want := Code{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications", Long: "Type 2 diabetes mellitus without complications"}
	if diff := cmp.Diff(want, byCode["E119"]); diff != "" {
		t.Errorf("E119 mismatch (-want +got):\n%s", diff)
	}
	if c := byCode["S72009A"]; !c.Billable || !strings.Contains(c.Long, "initial encounter for closed fracture") {
		t.Errorf("S72009A = %+v", c)
	}
}

func TestParseCodeList(t *testing.T) {
	in := "Code,Description,ChapterID,SectionID\nE11,Type 2 diabetes mellitus,4,E08-E13\nE11.9,Type 2 diabetes mellitus without complications,4,E08-E13\n" +
		"1E1,bad,4,x\nI10,,9,I10-I1A\n"
	got, bad, err := ParseCodeList(strings.NewReader(in), "list.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Code{
		{Code: "E11", Short: "Type 2 diabetes mellitus", Long: "Type 2 diabetes mellitus"},
		{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications", Long: "Type 2 diabetes mellitus without complications"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	wantBad := []string{`list.csv:4: Code "1E1" is not an ICD-10-CM code`, "list.csv:5: Description is empty"}
	if diff := cmp.Diff(wantBad, errorTexts(bad)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

func TestParseCodeListShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/ICD10CM_2025_codes.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	codes, bad, err := ParseCodeList(bytes.NewReader(data), p)
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseCodeList: %v %v", err, bad)
	}
	if len(codes) != 46498 {
		t.Errorf("got %d codes, want 46498", len(codes))
	}
}

func TestParseIndexCSV(t *testing.T) {
	in := "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n" +
		"1,A,0,Abasia,,,(-astasia) (hysterical),F44.4\n" +
		"2,A,0,\"Abdomen, abdominal\",,condition,,\n" +
		"3,A,1,acute,,,,R10.0\n" +
		"4,A,2,deep,,,,R10.-\n" +
		"5,A,0,Bad,,,,11.1\n" +
		"6,A,3,orphan,,,,\n" +
		"7,A,1,angina,,,,K55.1\n"
	got, bad, err := ParseIndexCSV(strings.NewReader(in), "index.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []IndexEntry{
		{Level: 0, Term: "Abasia", NonEss: "(-astasia) (hysterical)", Code: "F44.4", Parent: -1},
		{Level: 0, Term: "Abdomen, abdominal", SeeAlso: "condition", Parent: -1},
		{Level: 1, Term: "acute", Code: "R10.0", Parent: 1},
		{Level: 2, Term: "deep", Code: "R10.-", Parent: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	wantBad := []string{`index.csv:6: Code "11.1" is not an ICD-10-CM code`, "index.csv:7: Level 3 has no parent term at level 2",
		// The bad main term's subterms are not attached to "Abdomen".
		"index.csv:8: Level 1 has no parent term at level 0"}
	if diff := cmp.Diff(wantBad, errorTexts(bad)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

func TestParseIndexCSVShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/ICD10CM_2025_Index.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	idx, bad, err := ParseIndexCSV(bytes.NewReader(data), p)
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseIndexCSV: %v %v", err, bad)
	}
	if len(idx) != 81024 {
		t.Errorf("got %d entries, want 81024", len(idx))
	}
	var path []string
	for i := range idx {
		if idx[i].Term == "neck" && idx[i].Code == "S72.00-" {
			path = indexPath(idx, i)
			break
		}
	}
	if diff := cmp.Diff([]string{"Fracture, traumatic", "femur, femoral", "upper end", "neck"}, path); diff != "" {
		t.Errorf("path of S72.00- mismatch (-want +got):\n%s", diff)
	}
}

func indexPath(idx []IndexEntry, i int) []string {
	var p []string
	for ; i >= 0; i = idx[i].Parent {
		p = append([]string{idx[i].Term}, p...)
	}
	return p
}

const tabularSample = `<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <chapter><name>19</name><desc>Injury</desc>
    <section id="S70-S79"><desc>Injuries to the hip and thigh (S70-S79)</desc>
      <diag><name>S72</name><desc>Fracture of femur</desc>
        <excludes1><note>traumatic amputation of hip and thigh (S78.-)</note></excludes1>
        <sevenChrNote><note>The appropriate 7th character is to be added to all codes from category S72</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter for closed fracture</extension>
          <extension char="B">initial encounter for open fracture type I or II</extension>
        </sevenChrDef>
        <diag><name>S72.0</name><desc>Fracture of head and neck of femur</desc>
          <inclusionTerm><note>Fracture of hip NOS</note></inclusionTerm>
          <diag><name>S72.00</name><desc>Fracture of unspecified part of neck of femur</desc>
            <codeAlso><note>any associated injury</note></codeAlso>
          </diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>`

func TestParseTabularXML(t *testing.T) {
	got, bad, err := ParseTabularXML(strings.NewReader(tabularSample), "tab.xml")
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseTabularXML: %v %v", err, bad)
	}
	want := &Tabular{
		Codes: []Code{
			{Code: "S72", Short: "Fracture of femur", Long: "Fracture of femur"},
			{Code: "S720", Short: "Fracture of head and neck of femur", Long: "Fracture of head and neck of femur"},
			{Code: "S7200", Billable: true, Short: "Fracture of unspecified part of neck of femur", Long: "Fracture of unspecified part of neck of femur"},
		},
		Notes: []Note{
			{Code: "S72", Kind: NoteExcludes1, Text: "traumatic amputation of hip and thigh (S78.-)"},
			{Code: "S72", Kind: NoteSevenChrNote, Text: "The appropriate 7th character is to be added to all codes from category S72"},
			{Code: "S72", Kind: NoteSevenChrDef, Char: "A", Text: "initial encounter for closed fracture"},
			{Code: "S72", Kind: NoteSevenChrDef, Char: "B", Text: "initial encounter for open fracture type I or II"},
			{Code: "S720", Kind: NoteInclusion, Text: "Fracture of hip NOS"},
			{Code: "S7200", Kind: NoteCodeAlso, Text: "any associated injury"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestParseTabularXMLErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"wrong root", `<foo/>`, []string{"t.xml:1: root element is <foo>, want <ICD10CM.tabular>"}},
		{"broken XML", "<ICD10CM.tabular>\n<chapter>\n</ICD10CM.tabular>", []string{"t.xml:3: XML: element <chapter> closed by </ICD10CM.tabular>"}},
		{"bad code", "<ICD10CM.tabular><chapter><section>\n<diag><name>123</name><desc>x</desc></diag></section></chapter></ICD10CM.tabular>", []string{`t.xml:2: <diag><name> "123" is not an ICD-10-CM code`}},
		{"not nested under parent", "<ICD10CM.tabular><diag><name>A00</name><desc>x</desc>\n<diag><name>B01.1</name><desc>y</desc></diag></diag></ICD10CM.tabular>", []string{"t.xml:2: code B011 is nested under A00, which it does not extend"}},
		{"bad 7th character", "<ICD10CM.tabular><diag><name>S72</name><desc>x</desc><sevenChrDef>\n<extension char=\"AB\">x</extension></sevenChrDef></diag></ICD10CM.tabular>", []string{`t.xml:2: 7th character "AB" of S72 is not one letter or digit`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bad, err := ParseTabularXML(strings.NewReader(tt.in), "t.xml")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, errorTexts(bad)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTabularXMLShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/icd-10-cm-tabular-2025_ch2.xml")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, bad, err := ParseTabularXML(f, p)
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseTabularXML: %v %v", err, bad)
	}
	if len(tab.Codes) != 2174 {
		t.Errorf("got %d codes, want 2174 (one per <diag>)", len(tab.Codes))
	}
	kinds := map[NoteKind]int{}
	for _, n := range tab.Notes {
		kinds[n.Kind]++
	}
	for _, k := range []NoteKind{NoteInclusion, NoteIncludes, NoteExcludes1, NoteExcludes2, NoteCodeFirst, NoteUseAdditional, NoteCodeAlso} {
		if kinds[k] == 0 {
			t.Errorf("no %s notes read", k)
		}
	}
	var c00 []Note
	for _, n := range tab.Notes {
		if n.Code == "C00" && n.Kind == NoteExcludes1 {
			c00 = append(c00, n)
		}
	}
	if len(c00) != 3 || c00[0].Text != "malignant melanoma of lip (C43.0)" {
		t.Errorf("C00 Excludes1 = %+v", c00)
	}
}

const indexXMLSample = `<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index><version>2025</version><title>ICD-10-CM INDEX</title>
  <letter><title>A</title>
    <mainTerm><title>Abandonment<nemod>(causing exposure)</nemod> NEC</title><code>X58</code>
      <term level="1"><title>aircraft</title><seeAlso>Accident, transport</seeAlso>
        <term level="2"><title>due to cataclysm</title><see>Forces of nature</see></term>
      </term>
    </mainTerm>
  </letter>
</ICD10CM.index>`

func TestParseIndexXML(t *testing.T) {
	got, bad, err := ParseIndexXML(strings.NewReader(indexXMLSample), "i.xml")
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseIndexXML: %v %v", err, bad)
	}
	want := []IndexEntry{
		{Level: 0, Term: "Abandonment NEC", NonEss: "(causing exposure)", Code: "X58", Parent: -1},
		{Level: 1, Term: "aircraft", SeeAlso: "Accident, transport", Parent: 0},
		{Level: 2, Term: "due to cataclysm", See: "Forces of nature", Parent: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestParseIndexXMLShared(t *testing.T) {
	p := codesettest.File(t, "icd10cm/icd-10-cm-eindex-2025.xml")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	idx, bad, err := ParseIndexXML(f, p)
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParseIndexXML: %v %v", err, bad)
	}
	mains := 0
	for _, e := range idx {
		if e.Level == 0 {
			mains++
		}
	}
	if mains != 314 || len(idx) != 314+7750 {
		t.Errorf("got %d main terms and %d entries, want 314 and %d", mains, len(idx), 314+7750)
	}
}

func TestParseLevel2(t *testing.T) {
	in := "HCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION,TERM DT\n" +
		"A0021,00100,3,Ambulance service, outside state per mile,Outside state ambulance serv,\n" +
		"A0021,00200,4,transport (Medicaid only),,\n" +
		"25,00100,7,Significant separately identifiable evaluation,Sig sep e/m,\n" +
		"A0999,00100,3,Old service,Old,20200101\n" +
		"ZZ99,00100,3,bad,bad,\n"
	// The CMS layout's description has commas: quote it as CSV does.
	in = strings.Replace(in, "Ambulance service, outside state per mile", `"Ambulance service, outside state per mile"`, 1)
	codes, mods, bad, err := ParseLevel2(strings.NewReader(in), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := []Code{{Code: "A0021", Billable: true, Long: "Ambulance service, outside state per mile transport (Medicaid only)", Short: "Outside state ambulance serv"}}
	wantMods := []Code{{Code: "25", Billable: true, Long: "Significant separately identifiable evaluation", Short: "Sig sep e/m"}}
	if diff := cmp.Diff(wantCodes, codes); diff != "" {
		t.Errorf("codes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantMods, mods); diff != "" {
		t.Errorf("modifiers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`h.csv:6: code "ZZ99" is neither an HCPCS code (letter and 4 digits) nor a modifier`}, errorTexts(bad)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

func TestParseLevel2Shared(t *testing.T) {
	for _, tt := range []struct {
		file       string
		codes, mod int
	}{
		{"hcpcs/hcpcs_2025_oct_long_desc.csv", 8846 - 383, 383},
	} {
		p := codesettest.File(t, tt.file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		codes, mods, bad, err := ParseLevel2(bytes.NewReader(data), p)
		if err != nil || len(bad) > 0 {
			t.Fatalf("ParseLevel2: %v %v", err, bad)
		}
		if len(codes) != tt.codes || len(mods) != tt.mod {
			t.Errorf("%s: got %d codes and %d modifiers, want %d and %d", tt.file, len(codes), len(mods), tt.codes, tt.mod)
		}
	}
}

func TestParseCPTAndPOS(t *testing.T) {
	codes, mods, bad, err := ParseCPT(strings.NewReader("code,descriptor\n99213,Office visit level 3 (my own words)\n25,Separate E/M same day\n9921,short\n"), "cpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 1 || codes[0].Code != "99213" || len(mods) != 1 || mods[0].Code != "25" {
		t.Errorf("codes %+v modifiers %+v", codes, mods)
	}
	if diff := cmp.Diff([]string{`cpt.csv:4: code "9921" is not a CPT code (5 characters) or modifier`}, errorTexts(bad)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	p := codesettest.File(t, "codesets/tuva-2022/place_of_service.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	pos, bad, err := ParsePOS(bytes.NewReader(data), p)
	// SOURCES.md counts 49 rows; the file has 50 (01 to 99).
	if err != nil || len(bad) > 0 {
		t.Fatalf("ParsePOS: %v %v", err, bad)
	}
	if len(pos) != 50 || pos[0] != (Code{Code: "01", Billable: true, Long: "Pharmacy"}) {
		t.Errorf("got %d POS codes, first %+v", len(pos), pos[0])
	}
}

func TestDetectKind(t *testing.T) {
	tests := []struct {
		name, head string
		want       Kind
	}{
		{"order file", "00001 A00     0 Cholera                                                      Cholera\n", KindOrderFile},
		{"tabular", `<?xml version="1.0"?>` + "\n<ICD10CM.tabular>", KindTabular},
		{"index xml", "<ICD10CM.index><version>2025</version>", KindIndexXML},
		{"index csv", "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n1,A,0,x,,,,A00\n", KindIndexCSV},
		{"code list", "Code,Description,ChapterID,SectionID\nA00,Cholera,1,A00-A09\n", KindCodeList},
		{"hcpcs", "code,long_description\nA1,Dressing\nA0021,Ambulance\n", KindHCPCS},
		{"hcpcs cms", "HCPC,SEQNUM,RECID,LONG DESCRIPTION\nA0021,1,3,x\n", KindHCPCS},
		{"cpt", "code,descriptor\n99213,visit\n", KindCPT},
		{"pos", "place_of_service_code,description\n01,Pharmacy\n", KindPOS},
		{"pos short header", "code,description\n11,Office\n", KindPOS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DetectKind([]byte(tt.head))
			if !ok || got != tt.want {
				t.Errorf("DetectKind = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
	if k, ok := DetectKind([]byte("hello,world\n1,2\n")); ok {
		t.Errorf("DetectKind(unknown) = %q, want not recognized", k)
	}
}

func TestImportFile(t *testing.T) {
	order := orderLine(1, "I10", true, "Essential hypertension", "Essential (primary) hypertension") + "\n"
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("icd10cm_order_2025.txt")
	w.Write([]byte(order))
	w, _ = zw.Create("README.pdf")
	w.Write([]byte("%PDF-1.4"))
	zw.Close()

	t.Run("zip as CMS ships it", func(t *testing.T) {
		ims, err := ImportFile("Code-descriptions-April-2025.zip", zbuf.Bytes(), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ims) != 1 || len(ims[0].Releases) != 1 {
			t.Fatalf("got %+v", ims)
		}
		r := ims[0].Releases[0]
		if r.System != ICD10CM || r.Version != "FY2025-04" || r.Effective != rcm.MustParseDate("2025-04-01") || len(r.Codes) != 1 {
			t.Errorf("release %s %s %s with %d codes", r.System, r.Version, r.Effective, len(r.Codes))
		}
	})
	t.Run("fiscal year from name", func(t *testing.T) {
		ims, err := ImportFile("icd10cm_order_2022.txt", []byte(order), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r := ims[0].Releases[0]
		if r.Version != "FY2022" || r.Effective != rcm.MustParseDate("2021-10-01") {
			t.Errorf("got %s %s", r.Version, r.Effective)
		}
	})
	t.Run("errors change nothing", func(t *testing.T) {
		ims, err := ImportFile("icd10cm_order_2022.txt", []byte(order+"00002 XX    1 bad\n"), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ims[0].Releases != nil || len(ims[0].Errors) != 1 {
			t.Errorf("got releases %v errors %v", ims[0].Releases, ims[0].Errors)
		}
	})
	t.Run("errors allowed", func(t *testing.T) {
		ims, err := ImportFile("icd10cm_order_2022.txt", []byte(order+"00002 XX    1 bad\n"), ImportOptions{AllowErrors: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(ims[0].Releases) != 1 || len(ims[0].Releases[0].Codes) != 1 || len(ims[0].Errors) != 1 {
			t.Errorf("got releases %v errors %v", ims[0].Releases, ims[0].Errors)
		}
	})
	t.Run("HCPCS quarter", func(t *testing.T) {
		ims, err := ImportFile("hcpcs_2025_oct_long_desc.csv", []byte("code,long_description\nA1,Dressing for one wound\nA0021,Ambulance out of state\n"), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range ims[0].Releases {
			got = append(got, string(r.System)+" "+r.Version+" "+r.Effective.String())
		}
		if diff := cmp.Diff([]string{"hcpcs 2025-10 2025-10-01", "modifier 2025-10 2025-10-01"}, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("CPT needs an organization", func(t *testing.T) {
		if _, err := ImportFile("cpt_2025.csv", []byte("code,descriptor\n99213,visit\n"), ImportOptions{}); rcm.ErrorCode(err) != rcm.EINVALID {
			t.Errorf("err = %v, want invalid", err)
		}
		ims, err := ImportFile("cpt_2025.csv", []byte("code,descriptor\n99213,visit\n"), ImportOptions{Org: "org1"})
		if err != nil || ims[0].Releases[0].Org != "org1" || ims[0].Releases[0].System != CPT {
			t.Errorf("got %+v, %v", ims, err)
		}
	})
	t.Run("unknown kind", func(t *testing.T) {
		_, err := ImportFile("notes.txt", []byte("hello"), ImportOptions{})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "notes.txt" {
			t.Errorf("err = %v, want a ParseError naming the file", err)
		}
	})
}
