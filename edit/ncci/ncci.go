// Package ncci implements the Medicare National Correct Coding Initiative
// edits that CMS publishes every quarter: procedure-to-procedure (PTP)
// edits, pairs of codes not to be paid together for one beneficiary, one
// provider and one date of service, and medically unlikely edits (MUE), the
// most units of a code a provider would report for one beneficiary on one
// date of service.
//
// Tables are read from the CMS files (tab-delimited or CSV text, plain, in
// gzip or in zip) into compact in-memory indexes: a PTP table is a sorted
// array of packed code pairs with a per-column-one index, so checking a
// claim costs a few binary searches and no database round trip. A parsed
// table is a Release; its binary form is what the store keeps, so starting
// up decodes one blob per release instead of re-reading millions of rows.
//
// The rules follow the Medicare NCCI Policy Manual, Chapter I (General
// Correct Coding Policies), section E (Modifiers and Modifier Indicators)
// and section V (Medically Unlikely Edits), and CMS's descriptions of the
// table columns.
package ncci

import (
	"fmt"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
)

// Kind is the kind of an NCCI table.
type Kind string

// Kinds of tables.
const (
	KindPTP Kind = "ptp"
	KindMUE Kind = "mue"
)

// Setting is the provider type a table is published for. CMS publishes PTP
// edits for practitioners and outpatient hospitals, and MUEs for those two
// and DME suppliers; a professional (837P) claim is checked against the
// practitioner tables.
type Setting string

// Settings.
const (
	Practitioner       Setting = "practitioner"
	OutpatientHospital Setting = "outpatient_hospital"
	DMESupplier        Setting = "dme_supplier"
)

// Settings lists every setting.
var Settings = []Setting{Practitioner, OutpatientHospital, DMESupplier}

// ParseSetting reads a setting as CMS names it ("Practitioner",
// "Outpatient Hospital", "DME Supplier") or as OpenRCM does.
func ParseSetting(s string) (Setting, error) {
	switch norm(s) {
	case "practitioner", "practitioner services", "prac", "pra":
		return Practitioner, nil
	case "outpatient hospital", "outpatient hospital services", "outpatient", "hospital", "oph", "facility outpatient hospital services":
		return OutpatientHospital, nil
	case "dme supplier", "dme supplier services", "dme":
		return DMESupplier, nil
	}
	return "", rcm.Errorf(rcm.EINVALID, "Unknown NCCI setting %q: use practitioner, outpatient_hospital or dme_supplier.", s)
}

// norm lower-cases s and turns every run of other characters than letters
// and digits into one space, so that "HCPCS/CPT Code", "hcpcs_cpt_code"
// and "Outpatient Hospital" compare as CMS's headers mean them.
func norm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		if r == '=' || r == '*' {
			// Keep the legend markers of CMS headers ("*=in existence
			// prior to 1996") apart from the words.
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = true
			continue
		}
		space = true
	}
	return b.String()
}

// Procedure codes are packed into 26 bits: five characters of 0-9 and A-Z
// are a base-36 number below 36^5 = 60,466,176 < 2^26. Two packed codes make
// the 52-bit key of a PTP pair.
const codeBits = 26

// packCode returns the packed form of a five-character HCPCS/CPT code and
// whether the code has that shape. Lower-case letters are accepted.
func packCode(b []byte) (uint32, bool) {
	if len(b) != 5 {
		return 0, false
	}
	var v uint32
	for _, c := range b {
		var d uint32
		switch {
		case c >= '0' && c <= '9':
			d = uint32(c - '0')
		case c >= 'A' && c <= 'Z':
			d = uint32(c-'A') + 10
		case c >= 'a' && c <= 'z':
			d = uint32(c-'a') + 10
		default:
			return 0, false
		}
		v = v*36 + d
	}
	return v, true
}

// unpackCode is the inverse of packCode.
func unpackCode(v uint32) string {
	var b [5]byte
	for i := 4; i >= 0; i-- {
		d := byte(v % 36)
		v /= 36
		if d < 10 {
			b[i] = '0' + d
		} else {
			b[i] = 'A' + d - 10
		}
	}
	return string(b[:])
}

func pairKey(c1, c2 uint32) uint64 { return uint64(c1)<<codeBits | uint64(c2) }

// Dates inside the tables are uint32 YYYYMMDD, which compare as the dates
// do; 0 means none (no effective date: always in effect; no deletion date:
// still in effect).
type ymd = uint32

func toYMD(d rcm.Date) ymd {
	if d.IsZero() {
		return 0
	}
	return ymd(d.Year*10000 + int(d.Month)*100 + d.Day)
}

func fromYMD(v ymd) rcm.Date {
	if v == 0 {
		return rcm.Date{}
	}
	return rcm.Date{Year: int(v / 10000), Month: time.Month(v / 100 % 100), Day: int(v % 100)}
}

// parseYMD reads YYYYMMDD, YYYY-MM-DD or M/D/YYYY (as CMS's spreadsheets
// export dates) and checks that the date exists.
func parseYMD(b []byte) (ymd, error) {
	s := string(b)
	var y, m, d int
	var err error
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]+s[5:7]+s[8:]):
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
	case strings.Count(s, "/") == 2:
		p := strings.Split(s, "/")
		if len(p[2]) != 4 || !allDigits(p[0]+p[1]+p[2]) || len(p[0]) == 0 || len(p[0]) > 2 || len(p[1]) == 0 || len(p[1]) > 2 {
			err = fmt.Errorf("date %q is not YYYYMMDD", s)
			break
		}
		m, d, y = atoi(p[0]), atoi(p[1]), atoi(p[2])
	default:
		err = fmt.Errorf("date %q is not YYYYMMDD", s)
	}
	if err != nil {
		return 0, err
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 9999 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return 0, fmt.Errorf("date %q does not exist", s)
	}
	return ymd(y*10000 + m*100 + d), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
