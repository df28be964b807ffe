package x12

import "strings"

// External code lists the 005010 guides name for an element and that are
// small, public and stable enough to keep here as data. The guides give
// them by code source number; each list below says which, and where its
// codes come from. Lists that change every quarter (CARC, RARC, claim
// status codes, ICD-10-CM, HCPCS) are not kept here: the caller loads them
// and hands them over as Validator.Codes.
//
// In guide text an element takes one of these lists with "=@name", for
// example "R{R=@pos;R=B;R=@freq}" for 837P CLM05.

// codeTable is a set of codes of one or two characters from [0-9A-Z],
// looked up in one index without allocating.
type codeTable struct {
	name string // what the list is, for messages: "place of service code"
	set  [37 * 37]bool
	// fn replaces set for lists given by a rule rather than by codes.
	fn func([]byte) bool
}

func tableIndex(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 2 {
		return 0, false
	}
	idx := func(c byte) (int, bool) {
		switch {
		case c >= '0' && c <= '9':
			return int(c-'0') + 1, true
		case c >= 'A' && c <= 'Z':
			return int(c-'A') + 11, true
		}
		return 0, false
	}
	a, ok := idx(v[0])
	if !ok {
		return 0, false
	}
	b := 0
	if len(v) == 2 {
		if b, ok = idx(v[1]); !ok {
			return 0, false
		}
	}
	return a*37 + b, true
}

// has reports whether v is in the table.
func (t *codeTable) has(v []byte) bool {
	if t.fn != nil {
		return t.fn(v)
	}
	i, ok := tableIndex(v)
	return ok && t.set[i]
}

func newTable(name, codes string) *codeTable {
	t := &codeTable{name: name}
	for _, c := range strings.Fields(codes) {
		i, ok := tableIndex([]byte(c))
		if !ok {
			panic("x12 code table " + name + ": bad code " + c)
		}
		t.set[i] = true
	}
	return t
}

// codeTables are the lists a guide may name with "=@name".
var codeTables = map[string]*codeTable{
	// Place of Service codes for professional claims (code source 237,
	// maintained by CMS, public domain): 837P CLM05-1 and SV105. Codes
	// not listed (00, 28-30, 35-40, 43-48, 59, 63, 64, 67-70, 73-80,
	// 82-98) are unassigned.
	"pos": newTable("place of service code (CMS Place of Service code set)", `
		01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20
		21 22 23 24 25 26 27 31 32 33 34 41 42 49 50 51 52 53 54 55
		56 57 58 60 61 62 65 66 71 72 81 99`),
	// Claim frequency type codes (code source 235, the third position of
	// the NUBC type of bill): 837P and 837I CLM05-3, 835 CLP09. 0 is a
	// non-payment/zero claim, 1 admit through discharge, 2-4 interim
	// bills, 5 late charges, 7 replacement, 8 void, 9 final claim for a
	// home health PPS episode; the letters are the NUBC's special-purpose
	// codes (A-F, G-Q, X, Y, Z for adjustments and notices).
	"freq": newTable("claim frequency type code (NUBC, code source 235)", `
		0 1 2 3 4 5 7 8 9 A B C D E F G H I J K M P Q X Y Z`),
	// State and province codes (code source 22): the US states, DC, the
	// territories and freely associated states, the military post codes
	// and the Canadian provinces and territories: N402, CLM11-4.
	"state": newTable("state or province code (code source 22)", `
		AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
		AS FM GU MH MP PR PW VI AA AE AP
		AB BC MB NB NL NS NT NU ON PE QC SK YT`),
	// Country codes (code source 5, ISO 3166-1 alpha-2): N404, CLM11-5.
	"country": newTable("country code (ISO 3166-1 alpha-2, code source 5)", `
		AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
		CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
		GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
		KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
		MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
		SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
		UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`),
	"facility": {name: "facility type code (the first two digits of the NUBC type of bill, code source 236)", fn: facilityType},
}

// facilityType checks an 837I CLM05-1 facility type code (code source
// 236, the first two positions of the NUBC type of bill): the type of
// facility 1-4 or 6-8 and its bill classification 1-9.
func facilityType(v []byte) bool {
	return len(v) == 2 && (v[0] >= '1' && v[0] <= '4' || v[0] >= '6' && v[0] <= '8') && v[1] >= '1' && v[1] <= '9'
}
