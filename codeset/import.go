package codeset

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/nucc"
	"github.com/openrcm/openrcm/progress"
)

// Kind is the kind of an import file, recognized from its content.
type Kind string

// The file kinds Import recognizes.
const (
	KindOrderFile Kind = "icd10cm-order"
	KindCodeList  Kind = "icd10cm-codes"
	KindTabular   Kind = "icd10cm-tabular"
	KindIndexXML  Kind = "icd10cm-index-xml"
	KindIndexCSV  Kind = "icd10cm-index-csv"
	KindHCPCS     Kind = "hcpcs"
	KindCPT       Kind = "cpt"
	KindPOS       Kind = "pos"
	KindTaxonomy  Kind = "nucc-taxonomy"
)

// ImportOptions say what a file's name cannot: the version and effective
// date (inferred from the name when empty), the organization that owns a
// licensed CPT file, and whether to keep a file's valid lines when some
// lines are bad.
type ImportOptions struct {
	Version     string
	Effective   rcm.Date
	Org         string
	AllowErrors bool
	// Progress, when set, is told the bytes of the file parsed (phase
	// "read"; for a zip, the members' uncompressed bytes) and, as each
	// file is done, the entries read.
	Progress progress.Reporter
}

// Imported is the outcome of reading one file (or one member of a zip).
type Imported struct {
	File     string
	Kind     Kind
	Releases []*Release
	// Errors lists the malformed lines; when it is not empty and
	// AllowErrors was not set, Releases is nil.
	Errors []*ParseError
}

// DetectKind recognizes a file from its first bytes: XML root element, the
// order file's fixed columns, or the CSV header and first codes.
func DetectKind(head []byte) (Kind, bool) {
	s := strings.TrimPrefix(string(head), "\ufeff")
	trimmed := strings.TrimSpace(s)
	if strings.HasPrefix(trimmed, "<") {
		switch {
		case strings.Contains(s, "<ICD10CM.tabular"):
			return KindTabular, true
		case strings.Contains(s, "<ICD10CM.index") && !strings.Contains(s, "<indexHeading"):
			return KindIndexXML, true
		}
		return "", false
	}
	lines := strings.Split(s, "\n")
	first := strings.TrimRight(lines[0], "\r")
	if orderLineRE.MatchString(first) {
		return KindOrderFile, true
	}
	cols := map[string]bool{}
	for _, f := range strings.Split(first, ",") {
		cols[headerKey(strings.Trim(f, `"`))] = true
	}
	switch {
	case cols["code"] && cols["grouping"] && cols["classification"]:
		return KindTaxonomy, true
	case cols["level"] && cols["term"] && cols["code"]:
		return KindIndexCSV, true
	case cols["code"] && cols["description"] && (cols["chapterid"] || cols["sectionid"]):
		return KindCodeList, true
	case cols["place_of_service_code"] || cols["pos_code"] || cols["place_of_service_name"]:
		return KindPOS, true
	case cols["hcpc"] || cols["hcpcs"] || cols["code"] || cols["cpt"] || cols["cpt_code"]:
		// The header alone cannot tell HCPCS from CPT or POS: look at codes.
		var level2, cpt, pos, icd, mods int
		for _, l := range lines[1:] {
			c := strings.ToUpper(strings.Trim(strings.TrimSpace(strings.SplitN(l, ",", 2)[0]), `"`))
			switch {
			case isLevel2Code(c):
				level2++
			case isCPTCode(c):
				cpt++
			case len(c) == 2 && isDigit(c[0]) && isDigit(c[1]):
				pos++
			case isICDCode(Normalize(c)):
				icd++
			case isModifier(c):
				mods++
			}
		}
		switch {
		case level2 > 0 && level2 >= cpt:
			return KindHCPCS, true
		case cpt > 0:
			return KindCPT, true
		case icd > 0 && cols["description"]:
			return KindCodeList, true
		case pos > 0 && cols["description"] && !cols["hcpc"] && !cols["hcpcs"]:
			return KindPOS, true
		case cols["hcpc"] || cols["hcpcs"] || (mods > 0 && cols["long_description"]):
			// CMS lists the HCPCS modifiers first: a sample may hold only them.
			return KindHCPCS, true
		}
	}
	return "", false
}

var nuccVersionRE = regexp.MustCompile(`taxonomy_([0-9]{2})([01])\b`)

var orderLineRE = regexp.MustCompile(`^[0-9]{5} [A-Z][0-9][0-9A-Z][0-9A-Z ]{4} [01] `)

// ImportFile reads one import file — plain, or a zip as CMS ships them, in
// which case every member of a known kind is read and the others are
// skipped — and turns it into releases.
func ImportFile(name string, data []byte, opts ImportOptions) ([]Imported, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, &ParseError{File: name, Reason: "zip: " + err.Error(), Err: ErrSyntax}
		}
		var total int64
		for _, f := range zr.File {
			if !f.FileInfo().IsDir() {
				total += int64(f.UncompressedSize64)
			}
		}
		m := progress.Start(opts.Progress, "read", progress.Bytes, total)
		var out []Imported
		var base int64
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			// Count each member's bytes as its parser reads them, and
			// all of them once it is done or skipped.
			base += int64(f.UncompressedSize64)
			rc, err := f.Open()
			if err != nil {
				return nil, &ParseError{File: name + ":" + f.Name, Reason: "zip: " + err.Error(), Err: ErrSyntax}
			}
			member, err := io.ReadAll(io.LimitReader(rc, 1<<30))
			rc.Close()
			if err != nil {
				return nil, &ParseError{File: name + ":" + f.Name, Reason: "zip: " + err.Error(), Err: ErrSyntax}
			}
			if _, ok := DetectKind(head(member)); !ok {
				m.AdvanceTo(base)
				continue
			}
			// The member's own name carries the year more often than the zip's.
			im, err := importPlain(name+":"+f.Name, name+" "+f.Name, member, opts, m)
			if err != nil {
				return nil, err
			}
			m.AdvanceTo(base)
			out = append(out, im)
		}
		if len(out) == 0 {
			return nil, &ParseError{File: name, Reason: "zip holds no code-set file of a known kind", Err: ErrSyntax}
		}
		m.Finish()
		return out, nil
	}
	m := progress.Start(opts.Progress, "read", progress.Bytes, int64(len(data)))
	im, err := importPlain(name, name, data, opts, m)
	if err != nil {
		return nil, err
	}
	m.Finish()
	return []Imported{im}, nil
}

func head(b []byte) []byte {
	if len(b) > 8192 {
		return b[:8192]
	}
	return b
}

func importPlain(file, nameHint string, data []byte, opts ImportOptions, m *progress.Meter) (Imported, error) {
	kind, ok := DetectKind(head(data))
	if !ok {
		return Imported{}, &ParseError{File: file, Reason: "not a code-set file this version knows (order file, tabular or index XML, index CSV, code list, HCPCS, CPT or POS CSV)", Err: ErrSyntax}
	}
	im := Imported{File: file, Kind: kind}
	r := m.Reader(bytes.NewReader(data))
	var err error
	mk := func(sys System) *Release {
		rel := &Release{System: sys, Sources: []string{path.Base(file)}}
		if !sys.Public() {
			rel.Org = opts.Org
		}
		im.Releases = append(im.Releases, rel)
		return rel
	}
	switch kind {
	case KindOrderFile:
		var codes []Code
		codes, im.Errors, err = ParseOrderFile(r, file)
		mk(ICD10CM).Codes = codes
	case KindCodeList:
		var codes []Code
		codes, im.Errors, err = ParseCodeList(r, file)
		mk(ICD10CM).Codes = codes
	case KindTabular:
		var t *Tabular
		t, im.Errors, err = ParseTabularXML(r, file)
		if t != nil {
			// The chapter's codes are in the order file of the same year,
			// with the 7th-character expansions the XML only describes: the
			// release takes the notes.
			mk(ICD10CM).Notes = t.Notes
		}
	case KindIndexCSV:
		var idx []IndexEntry
		idx, im.Errors, err = ParseIndexCSV(r, file)
		mk(ICD10CM).Index = idx
	case KindIndexXML:
		var idx []IndexEntry
		idx, im.Errors, err = ParseIndexXML(r, file)
		mk(ICD10CM).Index = idx
	case KindHCPCS:
		var codes, mods []Code
		codes, mods, im.Errors, err = ParseLevel2(r, file)
		mk(HCPCS).Codes = codes
		if len(mods) > 0 {
			mk(Modifier).Codes = mods
		}
	case KindCPT:
		if opts.Org == "" {
			return Imported{}, rcm.Errorf(rcm.EINVALID, "%s: a CPT file is licensed to an organization: name it (--org)", file)
		}
		var codes, mods []Code
		codes, mods, im.Errors, err = ParseCPT(r, file)
		mk(CPT).Codes = codes
		if len(mods) > 0 {
			mk(Modifier).Codes = mods
		}
	case KindPOS:
		var codes []Code
		codes, im.Errors, err = ParsePOS(r, file)
		mk(POS).Codes = codes
	case KindTaxonomy:
		var tx []nucc.Taxonomy
		if tx, err = nucc.Parse(r); err != nil {
			var pe *nucc.ParseError
			if errors.As(err, &pe) {
				im.Errors, err = []*ParseError{parseErrorf(file, pe.Line, "%s", pe.Reason)}, nil
			}
		}
		rel := mk(Taxonomy)
		for _, t := range tx {
			var path []string
			for _, p := range []string{t.Grouping, t.Classification, t.Specialization} {
				if p != "" {
					path = append(path, p)
				}
			}
			rel.Codes = append(rel.Codes, Code{Code: t.Code, Billable: true, Short: t.DisplayName, Long: strings.Join(path, " / ")})
		}
	}
	if err != nil {
		return Imported{}, err
	}
	for _, rel := range im.Releases {
		m.AddRows(int64(len(rel.Codes) + len(rel.Notes) + len(rel.Index)))
	}
	if len(im.Errors) > 0 && !opts.AllowErrors {
		im.Releases = nil
		return im, nil
	}
	for _, rel := range im.Releases {
		if len(rel.Codes)+len(rel.Notes)+len(rel.Index) == 0 {
			im.Errors = append(im.Errors, parseErrorf(file, 0, "no %s entries found", rel.System))
			if !opts.AllowErrors {
				im.Releases = nil
				return im, nil
			}
		}
		rel.Version, rel.Effective = opts.Version, opts.Effective
		if rel.Version == "" || rel.Effective.IsZero() {
			v, eff, ok := inferPeriod(rel.System, nameHint)
			if !ok {
				return Imported{}, rcm.Errorf(rcm.EINVALID, "%s: cannot tell the release from the file name: give --version and --effective", file)
			}
			if rel.Version == "" {
				rel.Version = v
			}
			if rel.Effective.IsZero() {
				rel.Effective = eff
			}
		}
	}
	return im, nil
}

var (
	yearRE  = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})(?:[^0-9]|$)`)
	monthRE = regexp.MustCompile(`(?:^|[^a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*`)
)

// inferPeriod reads the release from a file name as CMS names them.
// ICD-10-CM: the fiscal year (FY2025 starts 2024-10-01); an "April" file is
// that fiscal year's 1 April update. HCPCS, modifiers: the quarter named by
// its month (January when none). POS, CPT: the year, from 1 January.
func inferPeriod(sys System, name string) (string, rcm.Date, bool) {
	base := strings.ToLower(name)
	if sys == Taxonomy {
		// NUCC publishes version NN.0 effective 1 January and NN.1
		// effective 1 July of 20NN ("nucc_taxonomy_251.csv" is 25.1).
		if v := nuccVersionRE.FindStringSubmatch(base); v != nil {
			y, _ := strconv.Atoi(v[1])
			m := time.January
			if v[2] == "1" {
				m = time.July
			}
			return v[1] + "." + v[2], rcm.Date{Year: 2000 + y, Month: m, Day: 1}, true
		}
	}
	m := yearRE.FindAllStringSubmatch(base, -1)
	if m == nil {
		return "", rcm.Date{}, false
	}
	year, _ := strconv.Atoi(m[len(m)-1][1])
	month := time.January
	if mm := monthRE.FindAllStringSubmatch(base, -1); mm != nil {
		for i, n := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
			if strings.HasPrefix(strings.ToLower(mm[len(mm)-1][1]), n) {
				month = time.Month(i + 1)
			}
		}
	}
	switch sys {
	case ICD10CM:
		if month == time.April {
			return "FY" + itoa(year) + "-04", rcm.Date{Year: year, Month: time.April, Day: 1}, true
		}
		return "FY" + itoa(year), rcm.Date{Year: year - 1, Month: time.October, Day: 1}, true
	case HCPCS, Modifier:
		q := time.Month((int(month)-1)/3*3 + 1)
		return rcm.Date{Year: year, Month: q, Day: 1}.String()[:7], rcm.Date{Year: year, Month: q, Day: 1}, true
	}
	return itoa(year), rcm.Date{Year: year, Month: time.January, Day: 1}, true
}
