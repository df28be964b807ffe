package ncci

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/openrcm/openrcm/progress"
)

// ErrUnknownTable is the reason given for a file that holds neither a PTP
// nor an MUE table.
var ErrUnknownTable = errors.New("no NCCI PTP or MUE header found")

// ParseError reports one malformed line of a table file.
type ParseError struct {
	File string
	// Line is the 1-based line number, or 0 for the file as a whole.
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseErrors is every malformed line found in an import. An import with
// any of them stores nothing.
type ParseErrors struct {
	Errs []*ParseError
	// More counts malformed lines beyond those kept in Errs.
	More int
}

// maxErrors bounds the parse errors kept per file: a wrong file can have
// millions of bad lines, and the first ones say what is wrong.
const maxErrors = 50

func (e *ParseErrors) Error() string {
	var b strings.Builder
	for i, pe := range e.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(pe.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n... and %d more malformed lines", e.More)
	}
	return b.String()
}

func (e *ParseErrors) add(pe *ParseError) {
	if len(e.Errs) < maxErrors {
		e.Errs = append(e.Errs, pe)
	} else {
		e.More++
	}
}

// ReadOptions say what a file's content cannot.
type ReadOptions struct {
	// Setting is the setting of PTP files, whose rows do not name it. When
	// empty it is taken from the file name as CMS names its files
	// ("ccipra" or "practitioner"; "ccioph", "hospital" or "outpatient").
	// MUE files name their setting in their header or rows.
	Setting Setting
	// Progress, when set, is told the bytes read (phase "read": the file's
	// bytes, or a zip's members' uncompressed bytes) and the rows read.
	Progress progress.Reporter
}

// ReadFile reads the NCCI tables in the file at path: a text table (tab-
// delimited or CSV), plain or gzip-compressed, or a zip archive of them,
// as CMS publishes them. Members of a zip that are not text tables (the
// PDF read-me, spreadsheets) are skipped. It returns one release per table
// read, or *ParseErrors naming every malformed line.
func ReadFile(path string, opt ReadOptions) ([]*Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if n == 4 && string(magic[:]) == "PK\x03\x04" {
		return readZip(path, f, st.Size(), opt)
	}
	m := progress.Start(opt.Progress, "read", progress.Bytes, st.Size())
	r, err := read(path, m.Reader(f), opt, m)
	if err != nil {
		return nil, err
	}
	m.Finish()
	return []*Release{r}, nil
}

// ReadBytes reads the NCCI tables in data, the content of a file named
// name, as ReadFile reads a file: for an upload kept in memory.
func ReadBytes(name string, data []byte, opt ReadOptions) ([]*Release, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readZip(name, bytes.NewReader(data), int64(len(data)), opt)
	}
	m := progress.Start(opt.Progress, "read", progress.Bytes, int64(len(data)))
	r, err := read(name, m.Reader(bytes.NewReader(data)), opt, m)
	if err != nil {
		return nil, err
	}
	m.Finish()
	return []*Release{r}, nil
}

// tableMember reports whether a zip member is a text table ReadFile reads.
func tableMember(zf *zip.File) bool {
	ext := strings.ToLower(filepath.Ext(zf.Name))
	return !zf.FileInfo().IsDir() && (ext == ".txt" || ext == ".csv" || ext == ".tsv" || ext == ".gz")
}

func readZip(path string, ra io.ReaderAt, size int64, opt ReadOptions) ([]*Release, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &ParseErrors{Errs: []*ParseError{{File: path, Err: fmt.Errorf("read zip: %w", err)}}}
	}
	var rels []*Release
	perrs := &ParseErrors{}
	var total, base int64
	for _, zf := range zr.File {
		if tableMember(zf) {
			total += int64(zf.UncompressedSize64)
		}
	}
	m := progress.Start(opt.Progress, "read", progress.Bytes, total)
	for _, zf := range zr.File {
		if !tableMember(zf) {
			continue
		}
		base += int64(zf.UncompressedSize64)
		rc, err := zf.Open()
		if err != nil {
			perrs.add(&ParseError{File: path + "!" + zf.Name, Err: err})
			m.AdvanceTo(base)
			continue
		}
		rel, err := read(path+"!"+zf.Name, m.Reader(rc), opt, m)
		rc.Close()
		m.AdvanceTo(base)
		if err != nil {
			if !collect(perrs, err) {
				return nil, err
			}
			continue
		}
		rels = append(rels, rel)
	}
	if len(perrs.Errs) > 0 {
		return nil, perrs
	}
	if len(rels) == 0 {
		return nil, &ParseErrors{Errs: []*ParseError{{File: path, Err: errors.New("zip holds no .txt or .csv table")}}}
	}
	m.Finish()
	return rels, nil
}

// collect adds the parse errors in err to into and reports whether err was
// made of parse errors only.
func collect(into *ParseErrors, err error) bool {
	var pes *ParseErrors
	if errors.As(err, &pes) {
		for _, pe := range pes.Errs {
			into.add(pe)
		}
		into.More += pes.More
		return true
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		into.add(pe)
		return true
	}
	return false
}

// Read reads one text table, plain or gzip-compressed, named name in
// errors. The header says whether it is a PTP or an MUE table; lines
// before the header (CMS's copyright notice) are skipped.
func Read(name string, r io.Reader, opt ReadOptions) (*Release, error) {
	m := progress.Start(opt.Progress, "read", progress.Bytes, 0)
	rel, err := read(name, m.Reader(r), opt, m)
	if err != nil {
		return nil, err
	}
	m.Finish()
	return rel, nil
}

// read reads one table from r, which counts its bytes on m; read counts the
// rows.
func read(name string, r io.Reader, opt ReadOptions, m *progress.Meter) (*Release, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &ParseErrors{Errs: []*ParseError{{File: name, Err: fmt.Errorf("read gzip: %w", err)}}}
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	p := &parser{name: name, opt: opt, errs: &ParseErrors{}, rationale: map[string]uint16{}, meter: m}
	if err := p.run(br); err != nil {
		return nil, err
	}
	p.countRows()
	if len(p.errs.Errs) > 0 {
		return nil, p.errs
	}
	return p.release()
}

// maxPreamble is how many lines may come before the header.
const maxPreamble = 50

type parser struct {
	name string
	opt  ReadOptions
	errs *ParseErrors
	line int

	kind    Kind
	delim   byte
	setting Setting
	// Column positions; -1 when absent.
	col1, col2, eff, del, mod, rat        int
	code, set, value, mai, mueEff, mueRat int
	need                                  int
	started                               bool
	broken                                bool // the header is unusable: skip the rows
	fileEff                               ymd
	fields                                [][]byte
	ptp                                   []ptpEntry
	mue                                   []mueEntry
	rationales                            []string
	rationale                             map[string]uint16
	meter                                 *progress.Meter
	counted                               int
}

// countRows tells the meter the rows read since it was last told.
func (p *parser) countRows() {
	n := len(p.ptp) + len(p.mue)
	p.meter.AddRows(int64(n - p.counted))
	p.counted = n
}

func (p *parser) fail(format string, args ...any) {
	p.errs.add(&ParseError{File: p.name, Line: p.line, Err: fmt.Errorf(format, args...)})
}

func (p *parser) run(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			p.line++
			p.fail("line longer than %d bytes", br.Size())
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return &ParseErrors{Errs: []*ParseError{{File: p.name, Line: p.line, Err: err}}}
			}
			continue
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return &ParseErrors{Errs: []*ParseError{{File: p.name, Line: p.line + 1, Err: err}}}
		}
		p.line++
		p.handle(bytes.TrimRight(line, "\r\n"))
		if p.line%4096 == 0 {
			p.countRows()
		}
		if err == io.EOF {
			break
		}
	}
	if p.kind == "" {
		p.errs.add(&ParseError{File: p.name, Err: ErrUnknownTable})
	}
	return nil
}

func (p *parser) handle(line []byte) {
	if len(bytes.TrimSpace(line)) == 0 || p.broken {
		return
	}
	if p.kind == "" {
		if p.line > maxPreamble {
			if p.line == maxPreamble+1 {
				p.errs.add(&ParseError{File: p.name, Err: fmt.Errorf("%w in the first %d lines", ErrUnknownTable, maxPreamble)})
			}
			return
		}
		p.delim = ','
		if bytes.IndexByte(line, '\t') >= 0 {
			p.delim = '\t'
		}
		fields, err := splitFields(line, p.delim, nil)
		if err != nil {
			return // preamble text need not be well-formed CSV
		}
		p.header(fields)
		return
	}
	var err error
	p.fields, err = splitFields(line, p.delim, p.fields[:0])
	if err != nil {
		p.fail("%v", err)
		return
	}
	if !p.started && p.continuation() {
		return
	}
	p.started = true
	if len(p.fields) < p.need {
		p.fail("%d fields, want %d", len(p.fields), p.need)
		return
	}
	switch p.kind {
	case KindPTP:
		p.ptpRow()
	case KindMUE:
		p.mueRow()
	}
}

// continuation reports whether a line after the header and before the
// first row is more header: CMS's text files may spread the column legends
// ("*=no data", "0=not allowed") over lines that leave the code columns
// blank.
func (p *parser) continuation() bool {
	first := p.col1
	if p.kind == KindMUE {
		first = p.code
	}
	return first >= len(p.fields) || len(bytes.TrimSpace(p.fields[first])) == 0
}

// header recognizes the column headers of the CMS layouts and of the
// shared CSV exports, by name and in any order.
func (p *parser) header(fields [][]byte) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = norm(string(f))
	}
	find := func(match func(string) bool) int {
		return slices.IndexFunc(names, match)
	}
	is := func(ss ...string) func(string) bool {
		return func(n string) bool { return slices.Contains(ss, n) }
	}
	prefix := func(s string) func(string) bool {
		return func(n string) bool { return strings.HasPrefix(n, s) }
	}
	if c1, c2 := find(is("column 1", "column1")), find(is("column 2", "column2")); c1 >= 0 && c2 >= 0 {
		p.kind, p.col1, p.col2 = KindPTP, c1, c2
		p.eff = find(prefix("effective"))
		p.del = find(prefix("deletion"))
		p.mod = find(prefix("modifier"))
		p.rat = find(func(n string) bool { return strings.Contains(n, "rationale") })
		if p.del < 0 || p.mod < 0 {
			p.fail("PTP header lacks a deletion date or modifier indicator column")
			p.broken = true
			return
		}
		p.need = max(p.col1, p.col2, p.eff, p.del, p.mod, p.rat) + 1
		p.setting = p.opt.Setting
		if p.setting == "" {
			p.setting = settingFromName(p.name)
		}
		if p.setting == "" {
			p.errs.add(&ParseError{File: p.name, Err: errors.New("PTP rows do not say their setting and the file name does not either: pass the setting (practitioner or outpatient_hospital)")})
		}
		return
	}
	code := find(func(n string) bool { return n == "hcpcs cpt code" || n == "hcpcs cpt" || n == "hcpcs code" })
	value := find(func(n string) bool { return n == "mue value" || strings.Contains(n, "mue values") })
	if code < 0 || value < 0 {
		return
	}
	p.kind, p.code, p.value = KindMUE, code, value
	p.set = find(is("setting"))
	p.mai = find(func(n string) bool { return n == "mai" || strings.Contains(n, "adjudication indicator") })
	p.mueEff = find(prefix("effective"))
	p.mueRat = find(is("mue rationale", "rationale"))
	if p.mai < 0 {
		p.fail("MUE header lacks an MUE adjudication indicator column")
		p.broken = true
		return
	}
	p.need = max(p.code, p.value, p.set, p.mai, p.mueEff, p.mueRat) + 1
	if p.set < 0 {
		// CMS names the setting in the value column: "Practitioner
		// Services MUE Values".
		h := names[value]
		switch {
		case strings.Contains(h, "practitioner"):
			p.setting = Practitioner
		case strings.Contains(h, "hospital") || strings.Contains(h, "facility"):
			p.setting = OutpatientHospital
		case strings.Contains(h, "dme"):
			p.setting = DMESupplier
		default:
			p.setting = settingFromName(p.name)
		}
		if p.setting == "" {
			p.fail("MUE header does not say the setting")
			p.broken = true
		}
	}
	if m := effInName.FindStringSubmatch(p.name); m != nil {
		if v, err := parseYMD([]byte(m[3] + m[1] + m[2])); err == nil {
			p.fileEff = v
		}
	}
}

// effInName finds the effective date CMS writes in MUE file names
// ("MCR_MUE_PractitionerServices_Eff_07-01-2024.csv").
var effInName = regexp.MustCompile(`(?i)eff[_ -]?(\d\d)-(\d\d)-(\d{4})`)

// settingFromName reads the setting from a file name as CMS names its
// files: ccipra-v302r0-f1 (practitioner PTP), ccioph (outpatient hospital),
// MCR_MUE_PractitionerServices, MCR_MUE_OutpatientHospitalServices,
// MCR_MUE_DMESupplierServices, and the shared exports' names.
func settingFromName(name string) Setting {
	n := strings.ToLower(filepath.Base(strings.ReplaceAll(name, "!", "/")))
	switch {
	case strings.Contains(n, "ccipra") || strings.Contains(n, "practitioner"):
		return Practitioner
	case strings.Contains(n, "ccioph") || strings.Contains(n, "hospital") || strings.Contains(n, "outpatient"):
		return OutpatientHospital
	case strings.Contains(n, "dme"):
		return DMESupplier
	}
	return ""
}

func (p *parser) ptpRow() {
	f := p.fields
	c1, ok := packCode(bytes.TrimSpace(f[p.col1]))
	if !ok {
		p.fail("column 1 %q is not a five-character HCPCS/CPT code", f[p.col1])
		return
	}
	c2, ok := packCode(bytes.TrimSpace(f[p.col2]))
	if !ok {
		p.fail("column 2 %q is not a five-character HCPCS/CPT code", f[p.col2])
		return
	}
	e := ptpEntry{key: pairKey(c1, c2)}
	var err error
	if p.eff >= 0 {
		if e.eff, err = optDate(f[p.eff]); err != nil {
			p.fail("effective date: %v", err)
			return
		}
	}
	if e.del, err = optDate(f[p.del]); err != nil {
		p.fail("deletion date: %v", err)
		return
	}
	switch m := bytes.TrimSpace(f[p.mod]); string(m) {
	case "0", "1", "9":
		e.mod = m[0] - '0'
	default:
		p.fail("modifier indicator %q is not 0, 1 or 9", m)
		return
	}
	if p.rat >= 0 {
		if e.rat, ok = p.intern(bytes.TrimSpace(f[p.rat])); !ok {
			return
		}
	}
	p.ptp = append(p.ptp, e)
}

// optDate reads a date column where blank or "*" means none.
func optDate(b []byte) (ymd, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "*" {
		return 0, nil
	}
	return parseYMD(b)
}

func (p *parser) intern(b []byte) (uint16, bool) {
	if i, ok := p.rationale[string(b)]; ok {
		return i, true
	}
	if len(p.rationales) >= 1<<12 {
		p.fail("more than %d distinct rationales", 1<<12)
		return 0, false
	}
	i := uint16(len(p.rationales))
	s := string(b)
	p.rationales = append(p.rationales, s)
	p.rationale[s] = i
	return i, true
}

func (p *parser) mueRow() {
	f := p.fields
	code, ok := packCode(bytes.TrimSpace(f[p.code]))
	if !ok {
		p.fail("HCPCS/CPT code %q is not five characters", f[p.code])
		return
	}
	e := mueEntry{code: code, eff: p.fileEff}
	v := bytes.TrimSpace(f[p.value])
	if len(v) == 0 || len(v) > 7 || !allDigits(string(v)) {
		p.fail("MUE value %q is not a whole number of units", v)
		return
	}
	e.value = uint32(atoi(string(v)))
	// CMS writes the indicator with its meaning: "3 Date of Service Edit:
	// Clinical"; the shared export writes the digit alone.
	m := bytes.TrimSpace(f[p.mai])
	if len(m) == 0 || m[0] < '1' || m[0] > '3' || (len(m) > 1 && m[1] != ' ') {
		p.fail("MUE adjudication indicator %q is not 1, 2 or 3", m)
		return
	}
	e.mai = m[0] - '0'
	if p.set >= 0 {
		s, err := ParseSetting(string(f[p.set]))
		if err != nil {
			p.fail("setting %q is not Practitioner, Outpatient Hospital or DME Supplier", f[p.set])
			return
		}
		if p.setting == "" {
			p.setting = s
		} else if s != p.setting {
			p.fail("setting %s differs from the file's first row (%s): one setting per file", s, p.setting)
			return
		}
	}
	if p.mueEff >= 0 {
		d, err := optDate(f[p.mueEff])
		if err != nil {
			p.fail("effective date: %v", err)
			return
		}
		if d != 0 {
			e.eff = d
		}
	}
	if p.mueRat >= 0 {
		if e.rat, ok = p.intern(bytes.TrimSpace(f[p.mueRat])); !ok {
			return
		}
	}
	p.mue = append(p.mue, e)
}

func (p *parser) release() (*Release, error) {
	if len(p.rationales) == 0 {
		// No rationale column: every row points at the empty rationale.
		p.rationales = []string{""}
	}
	r := &Release{Kind: p.kind, Setting: p.setting, Source: p.name, rationales: p.rationales}
	switch p.kind {
	case KindPTP:
		r.ptp = p.ptp
	case KindMUE:
		r.mue = p.mue
	}
	if err := r.normalize(); err != nil {
		return nil, &ParseErrors{Errs: []*ParseError{{File: p.name, Err: err}}}
	}
	return r, nil
}

// splitFields splits one line of a delimited file into dst. Fields may be
// quoted with double quotes, a quote inside a quoted field doubled, as in
// RFC 4180; quoted fields that need no unescaping alias line.
func splitFields(line []byte, delim byte, dst [][]byte) ([][]byte, error) {
	for i := 0; ; {
		if i < len(line) && line[i] == '"' {
			j := i + 1
			var buf []byte
			start := j
			for {
				k := bytes.IndexByte(line[j:], '"')
				if k < 0 {
					return dst, fmt.Errorf("unterminated quoted field at column %d", i+1)
				}
				j += k
				if j+1 < len(line) && line[j+1] == '"' {
					buf = append(buf, line[start:j+1]...)
					j += 2
					start = j
					continue
				}
				break
			}
			field := line[start:j]
			if buf != nil {
				field = append(buf, field...)
			}
			dst = append(dst, field)
			j++
			if j == len(line) {
				return dst, nil
			}
			if line[j] != delim {
				return dst, fmt.Errorf("text after closing quote at column %d", j+1)
			}
			i = j + 1
			if i == len(line) {
				return append(dst, nil), nil
			}
			continue
		}
		k := bytes.IndexByte(line[i:], delim)
		end := len(line)
		if k >= 0 {
			end = i + k
		}
		field := line[i:end]
		if delim == ',' && bytes.IndexByte(field, '"') >= 0 {
			return dst, fmt.Errorf("bare quote in unquoted field at column %d", i+bytes.IndexByte(field, '"')+1)
		}
		dst = append(dst, field)
		if k < 0 {
			return dst, nil
		}
		i = end + 1
		if i == len(line) {
			return append(dst, nil), nil
		}
	}
}
